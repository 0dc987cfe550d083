package org.dptrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Blocks in both precisions: shapes, conversions, and no silent access across precisions. */
class BlockTest {
  static final Block DOUBLES = new Block(2, 1, 3, new double[] {0.1, 2, 3, 4, 1e-50, -0.0},
      new double[] {0, 1, 0.3});

  @Test
  void float32RoundsEveryValueOnceAndWidensBackExactly() {
    Block f = DOUBLES.as(Precision.FLOAT32);
    assertEquals(Precision.FLOAT32, f.precision());
    assertEquals(2, f.features());
    assertEquals(1, f.outputs());
    assertEquals(3, f.size());
    assertArrayEquals(new float[] {0.1f, 2, 3, 4, 0f, -0.0f}, f.x32());
    assertArrayEquals(new float[] {0, 1, 0.3f}, f.y32());
    assertArrayEquals(new double[] {0.1f, 2}, f.column(0));
    assertArrayEquals(new double[] {0.3f}, f.target(2));
    Block back = f.as(Precision.FLOAT64);
    assertArrayEquals(new double[] {0.1f, 2, 3, 4, 0, -0.0}, back.x());
    assertSame(f, f.as(Precision.FLOAT32));
    assertSame(DOUBLES, DOUBLES.as(Precision.FLOAT64));
  }

  @Test
  void theOtherPrecisionsArraysAreAnError() {
    Block f = DOUBLES.as(Precision.FLOAT32);
    IllegalStateException e = assertThrows(IllegalStateException.class, f::x);
    assertEquals("this block is float32: x() is for float64 blocks (convert with as(FLOAT64))",
        e.getMessage());
    assertThrows(IllegalStateException.class, f::y);
    assertThrows(IllegalStateException.class, DOUBLES::x32);
    assertThrows(IllegalStateException.class, DOUBLES::y32);
  }

  @Test
  void float32ShapesAreCheckedLikeFloat64() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Block.float32(2, 1, 3, new float[5], new float[3]));
    assertEquals("x has 5 values, a block of 3 examples with 2 features needs 6", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Block.float32(2, 1, 3, new float[6], new float[2]));
    assertThrows(IllegalArgumentException.class,
        () -> Block.float32(0, 1, 0, new float[0], new float[0]));
    assertThrows(NullPointerException.class, () -> Block.float32(2, 1, 0, null, new float[0]));
    assertThrows(IndexOutOfBoundsException.class, () -> DOUBLES.column(3));
  }

  @Test
  void precisionNamesParseAndListTheValidOnes() {
    assertEquals(Precision.FLOAT32, Precision.parse(" Float32 "));
    assertEquals("float64", Precision.DEFAULT.id());
    assertEquals(4, Precision.FLOAT32.bytes());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Precision.parse("half"));
    assertEquals("unknown precision 'half'; valid names: float64, float32", e.getMessage());
  }
}
