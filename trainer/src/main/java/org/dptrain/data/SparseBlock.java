package org.dptrain.data;

import java.io.Serializable;
import java.util.Objects;

/**
 * A block of examples whose features are stored sparse: example j's non-zero features are {@code
 * index[start[j] .. start[j+1])} with values {@code value[...]}, indices strictly increasing within
 * an example (compressed sparse columns: the block's column-major convention, one column per
 * example). Targets are dense, outputs × size, column-major, as in {@link Block}. Memory and the
 * first layer's arithmetic are proportional to the non-zeros, not to {@code features × size}.
 *
 * @param features n_0, the width of every example
 * @param outputs K, rows of y
 * @param size examples (columns)
 * @param start size + 1 offsets into index and value, start[0] = 0, non-decreasing
 * @param index feature indices in [0, features), strictly increasing within an example
 * @param value the non-zero values (an explicit zero is allowed, but costs as a non-zero)
 * @param y outputs × size, column-major
 */
public record SparseBlock(int features, int outputs, int size, int[] start, int[] index,
    double[] value, double[] y) implements Serializable {

  public SparseBlock {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(y, "y");
    if (features < 1 || outputs < 1 || size < 0) {
      throw new IllegalArgumentException("block shape features=" + features + ", outputs=" + outputs
          + ", size=" + size + ": features and outputs must be at least 1, size at least 0");
    }
    if (start.length != size + 1 || start[0] != 0 || start[size] != index.length
        || index.length != value.length) {
      throw new IllegalArgumentException("a sparse block of " + size + " examples needs "
          + (size + 1) + " offsets from 0 to the number of non-zeros, and as many indices as"
          + " values; got " + start.length + " offsets ending at " + start[start.length - 1]
          + ", " + index.length + " indices, " + value.length + " values");
    }
    if ((long) outputs * size != y.length) {
      throw new IllegalArgumentException("y has " + y.length + " values, a block of " + size
          + " examples with " + outputs + " outputs needs " + (long) outputs * size);
    }
    for (int j = 0; j < size; j++) {
      if (start[j + 1] < start[j]) {
        throw new IllegalArgumentException("example " + j + ": offsets decrease ("
            + start[j] + " then " + start[j + 1] + ")");
      }
      int previous = -1;
      for (int k = start[j]; k < start[j + 1]; k++) {
        if (index[k] <= previous || index[k] >= features) {
          throw new IllegalArgumentException("example " + j + ": feature index " + index[k]
              + (index[k] >= features ? " is outside [0, " + features + ")"
                  : " does not increase (after " + previous + ")"));
        }
        previous = index[k];
      }
    }
  }

  /** Non-zeros in the block. */
  public int nonZeros() {
    return index.length;
  }

  /** Non-zeros of example j. */
  public int nonZeros(int j) {
    return start[j + 1] - start[j];
  }

  /** The most non-zeros any example has (0 for an empty block). */
  public int maxNonZeros() {
    int max = 0;
    for (int j = 0; j < size; j++) {
      max = Math.max(max, nonZeros(j));
    }
    return max;
  }

  /** The share of stored values among features × size (0 for an empty block). */
  public double density() {
    return size == 0 ? 0 : index.length / ((double) features * size);
  }

  /** The same examples dense (features × size doubles): for tests and for small blocks. */
  public Block toDense() {
    double[] x = new double[Math.multiplyExact(features, size)];
    for (int j = 0; j < size; j++) {
      for (int k = start[j]; k < start[j + 1]; k++) {
        x[j * features + index[k]] = value[k];
      }
    }
    return new Block(features, outputs, size, x, y);
  }

  /** The block's examples sparse, dropping zeros (the inverse of {@link #toDense()}). */
  public static SparseBlock of(Block dense) {
    int f = dense.features();
    int n = dense.size();
    double[] x = dense.x();
    int nnz = 0;
    for (double v : x) {
      if (v != 0) {
        nnz++;
      }
    }
    int[] start = new int[n + 1];
    int[] index = new int[nnz];
    double[] value = new double[nnz];
    int k = 0;
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < f; i++) {
        double v = x[j * f + i];
        if (v != 0) {
          index[k] = i;
          value[k++] = v;
        }
      }
      start[j + 1] = k;
    }
    return new SparseBlock(f, dense.outputs(), n, start, index, value, dense.y());
  }
}
