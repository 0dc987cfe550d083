package org.dptrain.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one float64 codec of dptrain's files (weights.bin, a checkpoint's optimizer.bin and
 * best-weights.bin): little-endian IEEE-754 doubles, 8 bytes each, nothing else in the file; and
 * the finite check that every reader and writer of those files, and the training loop's divergence
 * check, apply.
 *
 * <p>Messages are fragments without the file ({@code "20 bytes hold 2.5 float64 values..."},
 * {@code "value 3 is NaN"}) so that each caller names its file and says why in its own terms.
 */
public final class Float64Codec {
  private static final long EXPONENT = 0x7ff0000000000000L;
  private static final long EXPONENT_ONE = 0x0010000000000000L;

  private Float64Codec() {}

  /** {@code values} as 8 × length little-endian bytes (no check: see {@link #nonFinite}). */
  public static byte[] encode(double[] values) {
    ByteBuffer buf = ByteBuffer.allocate(Double.BYTES * values.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    buf.asDoubleBuffer().put(values);
    return buf.array();
  }

  /**
   * Exactly {@code count} little-endian doubles.
   *
   * @throws IllegalArgumentException if {@code bytes} is not 8 × count long, saying both lengths
   */
  public static double[] decode(byte[] bytes, int count) {
    String problem = lengthProblem(bytes.length, count);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return decodeAll(bytes);
  }

  /**
   * As many little-endian doubles as {@code bytes} holds.
   *
   * @throws IllegalArgumentException if its length is not a multiple of 8
   */
  public static double[] decode(byte[] bytes) {
    String problem = lengthProblem(bytes.length, -1);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return decodeAll(bytes);
  }

  /**
   * What is wrong with a file of {@code byteLength} bytes that should hold {@code count} doubles
   * (any number of them when count &lt; 0), or null if nothing: e.g. {@code "has 20 bytes,
   * expected 24 (3 float64 values)"} or {@code "has 12 bytes, not a multiple of 8 (float64
   * values)"}.
   */
  public static String lengthProblem(long byteLength, long count) {
    if (count >= 0 && byteLength != Double.BYTES * count) {
      return "has " + byteLength + " bytes, expected " + Double.BYTES * count + " (" + count
          + " float64 values)";
    }
    if (byteLength % Double.BYTES != 0) {
      return "has " + byteLength + " bytes, not a multiple of 8 (float64 values)";
    }
    return null;
  }

  /**
   * Whether every value is finite. One pass of integer operations over the bit patterns, which
   * the JIT vectorises (a floating-point reduction would not be: its order is fixed), so it is
   * cheap enough for every training step.
   */
  public static boolean allFinite(double[] values) {
    // the exponent field is all ones exactly for NaN and ±∞; adding one to it then carries into
    // the sign bit, so the OR over all values is negative iff one of them is not finite
    long any = 0;
    for (double v : values) {
      any |= (Double.doubleToRawLongBits(v) & EXPONENT) + EXPONENT_ONE;
    }
    return any >= 0;
  }

  /** The index of the first NaN or infinite value, or -1 if all are finite. */
  public static int firstNonFinite(double[] values) {
    if (allFinite(values)) {
      return -1;
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        return i;
      }
    }
    return -1;
  }

  /** How many values are NaN or infinite. */
  public static int countNonFinite(double[] values) {
    if (allFinite(values)) {
      return 0;
    }
    int n = 0;
    for (double v : values) {
      n += Double.isFinite(v) ? 0 : 1;
    }
    return n;
  }

  /**
   * The first value that is not finite, as {@code "<what> <index> is NaN"} (or Infinity,
   * -Infinity), or null if all are finite.
   *
   * @param what what a value is called in the message: "parameter", "value"
   */
  public static String nonFinite(double[] values, String what) {
    int i = firstNonFinite(values);
    return i < 0 ? null : what + " " + i + " is " + values[i];
  }

  private static double[] decodeAll(byte[] bytes) {
    double[] values = new double[bytes.length / Double.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(values);
    return values;
  }
}
