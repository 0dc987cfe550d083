package org.dptrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Blocks in both precisions and both layouts: shapes, conversions, and no silent access across
 * precisions or layouts.
 */
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

  @Test
  void sparseBlocksDropZerosAndConvertInEveryCombination() {
    Block s = DOUBLES.as(Layout.SPARSE);
    assertEquals(Layout.SPARSE, s.layout());
    // 1e-50 is not zero; -0.0 is (== 0), so it is dropped
    assertArrayEquals(new int[] {0, 2, 4, 5}, s.start());
    assertArrayEquals(new int[] {0, 1, 0, 1, 0}, s.index());
    assertArrayEquals(new double[] {0.1, 2, 3, 4, 1e-50}, s.values());
    assertEquals(5, s.storedValues());
    assertEquals(1, s.storedValues(2));
    assertEquals(5 / 6.0, s.density());
    assertEquals(5 / 6.0, DOUBLES.density());
    assertArrayEquals(new double[] {1e-50, 0}, s.column(2));
    assertArrayEquals(new double[] {0.1, 2, 3, 4, 1e-50, 0}, s.as(Layout.DENSE).x());
    assertSame(s, s.as(Layout.SPARSE));
    Block s32 = s.as(Precision.FLOAT32);
    assertEquals(Layout.SPARSE, s32.layout());
    assertArrayEquals(new float[] {0.1f, 2, 3, 4, 0f}, s32.values32());
    // the dropped -0.0 comes back as +0.0
    assertArrayEquals(new float[] {0.1f, 2, 3, 4, 0f, 0f}, s32.as(Layout.DENSE).x32());
    // the float32 rounding of 1e-50 is 0, but a sparse block keeps the stored entry
    assertEquals(5, s32.storedValues());
    assertArrayEquals(s.values(), s.as(Precision.FLOAT32).as(Precision.FLOAT64).values(), 1e-7);
    assertEquals("Block[float64, sparse, features=2, outputs=1, size=3, nonZeros=5]",
        s.toString());
  }

  @Test
  void theOtherLayoutsArraysAreAnError() {
    Block s = DOUBLES.as(Layout.SPARSE);
    IllegalStateException e = assertThrows(IllegalStateException.class, s::x);
    assertEquals("this block is sparse: x() is for dense blocks (convert with as(Layout.DENSE))",
        e.getMessage());
    assertThrows(IllegalStateException.class, DOUBLES::start);
    assertThrows(IllegalStateException.class, DOUBLES::index);
    assertThrows(IllegalStateException.class, DOUBLES::values);
    assertThrows(IllegalStateException.class, s::values32);
  }

  @Test
  void sparseShapesAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Block.sparse(10, 1, 2, new int[] {0, 1, 2}, new int[] {3, -1},
            new double[] {1, 2}, new double[2]));
    assertEquals("example 1: feature index -1 is outside [0, 10)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Block.sparse(10, 1, 2, new int[] {0, 2, 1}, new int[] {3, 4},
            new double[] {1, 2}, new double[2]));
    assertTrue(e.getMessage().contains("offsets from 0 to the number of non-zeros"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Block.sparse(10, 1, 1, new int[] {0, 2}, new int[] {3, 4}, new double[] {1},
            new double[1]));
    assertTrue(e.getMessage().contains("2 indices, 1 values"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Block.sparse(10, 2, 1, new int[] {0, 1}, new int[] {3}, new double[] {1},
            new double[1]));
    assertEquals("y has 1 values, a block of 1 examples with 2 outputs needs 2", e.getMessage());
    assertEquals(Layout.SPARSE, Layout.parse("Sparse"));
    e = assertThrows(IllegalArgumentException.class, () -> Layout.parse("csr"));
    assertTrue(e.getMessage().contains("dense, sparse"), e.getMessage());
  }
}
