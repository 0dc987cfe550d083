package org.dptrain.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Exact sums: the same bits whatever the order and chunking, each result rounded once. */
class ExactMomentsTest {
  private static final int F = 4;
  private static final MathContext WIDE = new MathContext(60);

  /** Rows of F features: ordinary, tiny, huge and subnormal-to-extreme magnitudes. */
  private static double[][] rows(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][F];
    for (int j = 0; j < n; j++) {
      x[j][0] = r.nextGaussian() * 3 + 0.1;
      x[j][1] = (r.nextDouble() - 0.5) * 1e-300;
      x[j][2] = 1e15 + r.nextInt(1000) * 0.125;
      x[j][3] = r.nextBoolean() ? Double.MIN_VALUE * r.nextInt(100)
          : (r.nextDouble() - 0.5) * 1e300;
    }
    return x;
  }

  private static ExactMoments of(List<double[]> rows) {
    ExactMoments m = new ExactMoments(F);
    for (double[] x : rows) {
      m.add(x, 0);
    }
    return m;
  }

  private static double[] results(ExactMoments m) {
    double[] out = new double[4 * F];
    for (int i = 0; i < F; i++) {
      out[4 * i] = m.mean(i);
      out[4 * i + 1] = m.deviation(i);
      out[4 * i + 2] = m.min(i);
      out[4 * i + 3] = m.max(i);
    }
    return out;
  }

  @Test
  void anyOrderAndAnyChunkingGiveTheSameBits() {
    List<double[]> all = List.of(rows(2000, 7));
    ExactMoments whole = of(all);
    long[] expected = whole.encode();
    double[] expectedResults = results(whole);
    SplittableRandom r = new SplittableRandom(11);
    for (int trial = 0; trial < 20; trial++) {
      List<double[]> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, new java.util.Random(trial));
      // random chunks, merged in a random order, through the wire format
      List<ExactMoments> chunks = new ArrayList<>();
      for (int from = 0; from < shuffled.size(); ) {
        int to = Math.min(shuffled.size(), from + 1 + r.nextInt(400));
        chunks.add(ExactMoments.decode(of(shuffled.subList(from, to)).encode(), F));
        from = to;
      }
      Collections.shuffle(chunks, new java.util.Random(100 + trial));
      ExactMoments merged = new ExactMoments(F);
      for (ExactMoments c : chunks) {
        merged.merge(c);
      }
      assertArrayEquals(expected, merged.encode(), "trial " + trial);
      double[] got = results(merged);
      for (int k = 0; k < got.length; k++) {
        assertEquals(Double.doubleToRawLongBits(expectedResults[k]),
            Double.doubleToRawLongBits(got[k]), "trial " + trial + " result " + k);
      }
    }
  }

  @Test
  void meanAndDeviationAreTheExactValuesRoundedOnce() {
    double[][] x = rows(500, 3);
    ExactMoments m = of(List.of(x));
    for (int i = 0; i < F; i++) {
      BigDecimal sum = BigDecimal.ZERO;
      for (double[] row : x) {
        sum = sum.add(new BigDecimal(row[i]));
      }
      BigDecimal n = BigDecimal.valueOf(x.length);
      BigDecimal mean = sum.divide(n, WIDE);
      BigDecimal m2 = BigDecimal.ZERO;
      BigDecimal exactMean = sum.divide(n, new MathContext(400));
      for (double[] row : x) {
        BigDecimal d = new BigDecimal(row[i]).subtract(exactMean);
        m2 = m2.add(d.multiply(d));
      }
      BigDecimal deviation = m2.divide(n, new MathContext(400)).sqrt(WIDE);
      assertEquals(mean.doubleValue(), m.mean(i), "mean of feature " + i);
      assertEquals(deviation.doubleValue(), m.deviation(i), "deviation of feature " + i);
    }
  }

  @Test
  void extremesStayExact() {
    ExactMoments m = new ExactMoments(1);
    for (double v : new double[] {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
        -0.0, 0.0}) {
      m.add(new double[] {v}, 0);
    }
    // Σx = MIN_VALUE: the mean is a fifth of the least subnormal, which rounds to 0
    assertEquals(0.0, m.mean(0));
    // sqrt((2·MAX² + MIN²) / 5 - ...) ≈ MAX·sqrt(2/5): no overflow on the way
    assertEquals(Double.MAX_VALUE * Math.sqrt(0.4), m.deviation(0), 2 * Math.ulp(Double.MAX_VALUE));
    assertEquals(-Double.MAX_VALUE, m.min(0));
    assertEquals(Double.MAX_VALUE, m.max(0));

    ExactMoments constant = new ExactMoments(1);
    for (int j = 0; j < 3; j++) {
      constant.add(new double[] {0.1}, 0);
    }
    assertEquals(0.1, constant.mean(0));
    assertEquals(0.0, constant.deviation(0));
  }

  @Test
  void roundingIsToNearestWithTiesToEven() {
    // (2^53 + 1) / 1 is a tie between 2^53 and 2^53 + 2: even wins; + 3 rounds up to + 4
    java.math.BigInteger two53 = java.math.BigInteger.ONE.shiftLeft(53);
    assertEquals(0x1p53, ExactMoments.Rounding.quotient(two53.add(java.math.BigInteger.ONE),
        java.math.BigInteger.ONE, 0));
    assertEquals(0x1p53 + 4, ExactMoments.Rounding.quotient(
        two53.add(java.math.BigInteger.valueOf(3)), java.math.BigInteger.ONE, 0));
    assertEquals(1.0 / 3, ExactMoments.Rounding.quotient(java.math.BigInteger.ONE,
        java.math.BigInteger.valueOf(3), 0));
    assertEquals(Math.sqrt(2), ExactMoments.Rounding.sqrtQuotient(java.math.BigInteger.TWO,
        java.math.BigInteger.ONE, 0));
    assertEquals(Double.MIN_VALUE, ExactMoments.Rounding.quotient(java.math.BigInteger.ONE,
        java.math.BigInteger.ONE, -1074));
  }

  @Test
  void aBadEncodingIsRefused() {
    long[] good = of(List.of(rows(3, 1))).encode();
    assertThrows(IllegalArgumentException.class,
        () -> ExactMoments.decode(java.util.Arrays.copyOf(good, good.length - 1), F));
    assertThrows(IllegalArgumentException.class,
        () -> ExactMoments.decode(java.util.Arrays.copyOf(good, good.length + 1), F));
    assertEquals("no examples: the moments of none are undefined",
        assertThrows(IllegalStateException.class, () -> new ExactMoments(1).mean(0))
            .getMessage());
  }
}
