package org.dptrain.driver.data;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Per-feature count, sum, sum of squares, minimum and maximum of a set of examples, with the sums
 * held exactly: Σx as an integer number of 2^-1074 (the least subnormal double), Σx² as an integer
 * number of 2^-2148, each in 32-bit digits stored in longs (headroom for 2^28 examples between
 * carry propagations). Integer sums do not depend on the order of the additions, so two sets of
 * partials holding the same examples, however split into partitions or chunks and merged in
 * whatever order, give the same bits; {@link #mean} and {@link #deviation} are then rounded once,
 * to the nearest double (ties to even).
 *
 * <p>{@link #encode} gives the partial as a {@code long[]} (registered with Kryo, trimmed to the
 * digits in use) for an executor to return; {@link #decode} reads it back on the driver.
 */
final class ExactMoments {
  /** 32-bit digits of Σx: 2046 bit positions of a double, 53 bits of mantissa, 63 of count. */
  static final int SUM_DIGITS = 68;
  /** 32-bit digits of Σx²: 4091 positions, 106 bits of squared mantissa, 63 of count. */
  static final int SQUARE_DIGITS = 134;
  private static final long LOW32 = 0xffffffffL;
  private static final long MANTISSA = (1L << 52) - 1;
  /** Examples added between carry propagations: each adds less than 2^33 to a digit. */
  private static final long CARRY_EVERY = 1L << 28;

  private final int features;
  private long count;
  private long sinceCarry;
  private final long[] sums;
  private final long[] squares;
  private final double[] min;
  private final double[] max;

  /** Empty moments of {@code features} features. */
  ExactMoments(int features) {
    this.features = features;
    this.sums = new long[features * SUM_DIGITS];
    this.squares = new long[features * SQUARE_DIGITS];
    this.min = new double[features];
    this.max = new double[features];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
  }

  /** The number of examples. */
  long count() {
    return count;
  }

  /** Adds one example: {@code x[from .. from + features)}, every value finite. */
  void add(double[] x, int from) {
    for (int i = 0; i < features; i++) {
      double v = x[from + i];
      min[i] = Math.min(min[i], v);
      max[i] = Math.max(max[i], v);
      long bits = Double.doubleToRawLongBits(v);
      int biased = (int) (bits >>> 52) & 0x7ff;
      long m = biased == 0 ? bits & MANTISSA : (bits & MANTISSA) | (1L << 52);
      if (m == 0) {
        continue;
      }
      // |v| = m · 2^(p - 1074), p = 0 for subnormals
      int p = biased == 0 ? 0 : biased - 1;
      int sign = bits < 0 ? -1 : 1;
      addAt(sums, i * SUM_DIGITS, m, p, sign);
      // v² = m² · 2^(2p - 2148), m² < 2^106 as two 64-bit words
      int q = 2 * p;
      addAt(squares, i * SQUARE_DIGITS, m * m, q, 1);
      addAt(squares, i * SQUARE_DIGITS, Math.multiplyHigh(m, m), q + 64, 1);
    }
    count++;
    if (++sinceCarry == CARRY_EVERY) {
      carryAll();
    }
  }

  /** Adds {@code other}'s examples (exact: the order of merges does not matter). */
  void merge(ExactMoments other) {
    if (other.features != features) {
      throw new IllegalArgumentException("cannot merge moments of " + other.features
          + " features into moments of " + features);
    }
    carryAll();
    other.carryAll();
    for (int i = 0; i < sums.length; i++) {
      sums[i] += other.sums[i];
    }
    for (int i = 0; i < squares.length; i++) {
      squares[i] += other.squares[i];
    }
    for (int i = 0; i < features; i++) {
      min[i] = Math.min(min[i], other.min[i]);
      max[i] = Math.max(max[i], other.max[i]);
    }
    count += other.count;
    sinceCarry = 1; // digits below 2^33 now: carry before the next 2^30 additions
    carryAll();
  }

  /** The least value of feature {@code i}. */
  double min(int i) {
    return min[i];
  }

  /** The greatest value of feature {@code i}. */
  double max(int i) {
    return max[i];
  }

  /** Σx / n of feature {@code i}, rounded once to the nearest double. */
  double mean(int i) {
    requireExamples();
    carryAll();
    return Rounding.quotient(value(sums, i * SUM_DIGITS, SUM_DIGITS), BigInteger.valueOf(count),
        -1074);
  }

  /**
   * The population standard deviation of feature {@code i}, sqrt(Σ (x - mean)² / n) =
   * sqrt(n·Σx² - (Σx)²) / n, rounded once to the nearest double.
   */
  double deviation(int i) {
    requireExamples();
    carryAll();
    BigInteger s = value(sums, i * SUM_DIGITS, SUM_DIGITS);
    BigInteger q = value(squares, i * SQUARE_DIGITS, SQUARE_DIGITS);
    BigInteger n = BigInteger.valueOf(count);
    // in units of 2^-2148; never negative (Cauchy-Schwarz), exactly 0 for a constant feature
    BigInteger d = n.multiply(q).subtract(s.multiply(s));
    return Rounding.sqrtQuotient(d, n, -1074);
  }

  /**
   * The partial as longs: count, then per feature the bits of min and max, then Σx and Σx² each
   * as (first digit, number of digits, digits) without the zero digits around them.
   */
  long[] encode() {
    carryAll();
    long[] out = new long[1 + features * (2 + 2 + SUM_DIGITS + 2 + SQUARE_DIGITS)];
    int k = 0;
    out[k++] = count;
    for (int i = 0; i < features; i++) {
      out[k++] = Double.doubleToRawLongBits(min[i]);
      out[k++] = Double.doubleToRawLongBits(max[i]);
      k = encodeDigits(sums, i * SUM_DIGITS, SUM_DIGITS, out, k);
      k = encodeDigits(squares, i * SQUARE_DIGITS, SQUARE_DIGITS, out, k);
    }
    return Arrays.copyOf(out, k);
  }

  /**
   * Reads what {@link #encode} wrote for {@code features} features.
   *
   * @throws IllegalArgumentException if {@code in} is not such an encoding
   */
  static ExactMoments decode(long[] in, int features) {
    ExactMoments m = new ExactMoments(features);
    try {
      int k = 0;
      m.count = in[k++];
      for (int i = 0; i < features; i++) {
        m.min[i] = Double.longBitsToDouble(in[k++]);
        m.max[i] = Double.longBitsToDouble(in[k++]);
        k = decodeDigits(in, k, m.sums, i * SUM_DIGITS, SUM_DIGITS);
        k = decodeDigits(in, k, m.squares, i * SQUARE_DIGITS, SQUARE_DIGITS);
      }
      if (k != in.length || m.count < 0) {
        throw new IllegalArgumentException("moments of " + features + " features encoded in "
            + in.length + " longs hold " + (in.length - k) + " more");
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("moments of " + features + " features cannot be"
          + " encoded in " + in.length + " longs", e);
    }
    return m;
  }

  private void requireExamples() {
    if (count == 0) {
      throw new IllegalStateException("no examples: the moments of none are undefined");
    }
  }

  /** Adds sign · v · 2^p (v an unsigned 64-bit word) to the digits from {@code off}. */
  private static void addAt(long[] digits, int off, long v, int p, int sign) {
    int d = off + (p >>> 5);
    int r = p & 31;
    // v · 2^r spans 96 bits: three 32-bit digits
    long low = (v << r) & LOW32;
    long mid = (r == 0 ? v >>> 32 : v >>> (32 - r)) & LOW32;
    long high = r == 0 ? 0 : v >>> (64 - r);
    digits[d] += sign * low;
    digits[d + 1] += sign * mid;
    digits[d + 2] += sign * high;
  }

  private void carryAll() {
    if (sinceCarry == 0) {
      return;
    }
    for (int i = 0; i < features; i++) {
      carry(sums, i * SUM_DIGITS, SUM_DIGITS);
      carry(squares, i * SQUARE_DIGITS, SQUARE_DIGITS);
    }
    sinceCarry = 0;
  }

  /** Makes every digit but the top one lie in [0, 2^32); the top one keeps the sign. */
  private static void carry(long[] digits, int off, int len) {
    long c = 0;
    for (int i = off; i < off + len - 1; i++) {
      long v = digits[i] + c;
      digits[i] = v & LOW32;
      c = v >> 32;
    }
    digits[off + len - 1] += c;
  }

  /** The integer the carried digits hold. */
  private static BigInteger value(long[] digits, int off, int len) {
    BigInteger v = BigInteger.valueOf(digits[off + len - 1]);
    for (int i = off + len - 2; i >= off; i--) {
      v = v.shiftLeft(32).add(BigInteger.valueOf(digits[i]));
    }
    return v;
  }

  private static int encodeDigits(long[] digits, int off, int len, long[] out, int k) {
    int lo = 0;
    while (lo < len && digits[off + lo] == 0) {
      lo++;
    }
    int hi = len;
    while (hi > lo && digits[off + hi - 1] == 0) {
      hi--;
    }
    out[k++] = lo;
    out[k++] = hi - lo;
    System.arraycopy(digits, off + lo, out, k, hi - lo);
    return k + hi - lo;
  }

  private static int decodeDigits(long[] in, int k, long[] digits, int off, int len) {
    long lo = in[k++];
    long n = in[k++];
    if (lo < 0 || n < 0 || lo + n > len) {
      throw new IllegalArgumentException("digits " + lo + " to " + (lo + n) + " of " + len);
    }
    System.arraycopy(in, k, digits, off + (int) lo, (int) n);
    return k + (int) n;
  }

  /** Rounding exact rationals (and square roots of them) to the nearest double. */
  static final class Rounding {
    private Rounding() {}

    /** num / den · 2^exp to the nearest double, ties to even (den &gt; 0). */
    static double quotient(BigInteger num, BigInteger den, int exp) {
      if (num.signum() == 0) {
        return 0.0;
      }
      BigInteger a = num.abs();
      // at least 55 bits of quotient: 53 kept, a rounding bit, and more below
      int k = Math.max(0, 55 + den.bitLength() - a.bitLength());
      BigInteger[] qr = a.shiftLeft(k).divideAndRemainder(den);
      double v = round(qr[0], qr[1].signum() != 0, exp - k);
      return num.signum() < 0 ? -v : v;
    }

    /** sqrt(d) / n · 2^exp to the nearest double, ties to even (d &ge; 0, n &gt; 0). */
    static double sqrtQuotient(BigInteger d, BigInteger n, int exp) {
      if (d.signum() < 0) {
        throw new IllegalArgumentException("square root of a negative number: " + d);
      }
      if (d.signum() == 0) {
        return 0.0;
      }
      // r = floor(sqrt(d · 4^j)) with at least 55 + bits(n) bits, so r / n has 55 or more
      int j = Math.max(0, 56 + n.bitLength() - d.bitLength() / 2);
      BigInteger scaled = d.shiftLeft(2 * j);
      BigInteger r = scaled.sqrt();
      boolean exactRoot = r.multiply(r).equals(scaled);
      // sqrt(scaled) = r + δ, 0 ≤ δ < 1, so floor(sqrt(scaled) / n) = floor(r / n), and the
      // quotient is exact only if both the root and the division are
      BigInteger[] qr = r.divideAndRemainder(n);
      return round(qr[0], !exactRoot || qr[1].signum() != 0, exp - j);
    }

    /**
     * The double nearest a value in [q, q + 1) · 2^e, strictly above q · 2^e iff {@code
     * inexact}; q has at least 55 bits.
     */
    private static double round(BigInteger q, boolean inexact, int e) {
      int top = q.bitLength() - 1 + e; // the value lies in [2^top, 2^(top+1))
      if (top > Double.MAX_EXPONENT) {
        return Double.POSITIVE_INFINITY;
      }
      int grid = Math.max(top - 52, Double.MIN_EXPONENT - 52); // the spacing of doubles there
      int drop = grid - e;
      if (drop > q.bitLength()) {
        // below half the least subnormal
        return 0.0;
      }
      BigInteger kept = q.shiftRight(drop);
      BigInteger rest = q.subtract(kept.shiftLeft(drop));
      int vsHalf = rest.compareTo(BigInteger.ONE.shiftLeft(drop - 1));
      if (vsHalf > 0 || (vsHalf == 0 && (inexact || kept.testBit(0)))) {
        kept = kept.add(BigInteger.ONE);
      }
      return Math.scalb(kept.doubleValue(), grid);
    }
  }
}
