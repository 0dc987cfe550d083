package org.dptrain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Little-endian float64: layout, exact lengths, the finite check. */
class Float64CodecTest {
  @Test
  void encodesLittleEndianAndDecodesBitForBit() {
    double[] v = {1.0, -0.0, Double.MIN_VALUE, -123.375};
    byte[] b = Float64Codec.encode(v);
    assertEquals(32, b.length);
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F}, java.util.Arrays.copyOf(b, 8));
    double[] back = Float64Codec.decode(b, 4);
    for (int i = 0; i < v.length; i++) {
      assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(back[i]));
    }
    assertEquals(4, Float64Codec.decode(b).length);
  }

  @Test
  void lengthsMustBeExact() {
    assertEquals("has 20 bytes, expected 24 (3 float64 values)",
        assertThrows(IllegalArgumentException.class, () -> Float64Codec.decode(new byte[20], 3))
            .getMessage());
    assertEquals("has 32 bytes, expected 24 (3 float64 values)",
        Float64Codec.lengthProblem(32, 3));
    assertEquals("has 12 bytes, not a multiple of 8 (float64 values)",
        assertThrows(IllegalArgumentException.class, () -> Float64Codec.decode(new byte[12]))
            .getMessage());
    assertNull(Float64Codec.lengthProblem(16, -1));
    assertNull(Float64Codec.lengthProblem(0, 0));
  }

  @Test
  void theFiniteCheckNamesTheFirstBadIndex() {
    double[] ok = {0, 1, -1, Double.MAX_VALUE, -Double.MIN_VALUE};
    assertTrue(Float64Codec.allFinite(ok));
    assertEquals(-1, Float64Codec.firstNonFinite(ok));
    assertNull(Float64Codec.nonFinite(ok, "value"));
    assertEquals(0, Float64Codec.countNonFinite(ok));

    double[] bad = {0, Double.NEGATIVE_INFINITY, 2, Double.NaN, Double.POSITIVE_INFINITY};
    assertFalse(Float64Codec.allFinite(bad));
    assertEquals(1, Float64Codec.firstNonFinite(bad));
    assertEquals(3, Float64Codec.countNonFinite(bad));
    assertEquals("parameter 1 is -Infinity", Float64Codec.nonFinite(bad, "parameter"));
    assertEquals("value 0 is NaN", Float64Codec.nonFinite(new double[] {Double.NaN}, "value"));
    assertEquals("value 0 is Infinity",
        Float64Codec.nonFinite(new double[] {Double.POSITIVE_INFINITY}, "value"));
  }

  @Test
  void everyNonFiniteBitPatternIsFound() {
    // NaNs with any payload and sign, both infinities; the largest finite values are finite
    long[] bits = {0x7ff0000000000001L, 0xfff8000000000000L, 0x7fffffffffffffffL,
        0x7ff0000000000000L, 0xfff0000000000000L};
    for (long b : bits) {
      double[] v = {1.0, Double.longBitsToDouble(b)};
      assertFalse(Float64Codec.allFinite(v), Long.toHexString(b));
      assertEquals(1, Float64Codec.firstNonFinite(v), Long.toHexString(b));
    }
    assertTrue(Float64Codec.allFinite(new double[] {Double.longBitsToDouble(0x7fefffffffffffffL),
        Double.longBitsToDouble(0xffefffffffffffffL)}));
  }

  @Test
  void onlyNanAndInfinitiesAreNotFiniteAtEitherEndOfALongArray() {
    assertTrue(Float64Codec.allFinite(new double[0]));
    assertTrue(Float64Codec.allFinite(new double[] {0.0, -0.0, Double.MAX_VALUE, -Double.MAX_VALUE,
        Double.MIN_VALUE, Double.MIN_NORMAL, 1e308, -1e-320}));
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.longBitsToDouble(0xfff8000000000001L)}) {
      double[] v = new double[1001];
      v[1000] = bad;
      assertFalse(Float64Codec.allFinite(v), Double.toString(bad));
      v[1000] = 0;
      v[0] = bad;
      assertFalse(Float64Codec.allFinite(v), Double.toString(bad));
    }
  }
}
