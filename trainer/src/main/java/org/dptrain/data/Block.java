package org.dptrain.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A column-major block of examples: {@code x} is features × size and {@code y} is outputs × size,
 * example j in column j. Blocks are built once (on an executor, once per partition) and then only
 * read; the arrays are not copied, so callers must not change them afterwards.
 *
 * @param features n_0, rows of x
 * @param outputs K, rows of y
 * @param size examples (columns)
 * @param x features × size, column-major
 * @param y outputs × size, column-major
 *
 * <p>Serializable for Spark sessions with the default Java serializer (cached blocks spill to
 * disk); dptrain's own sessions carry it with Kryo.
 */
public record Block(int features, int outputs, int size, double[] x, double[] y)
    implements Serializable {

  public Block {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (features < 1 || outputs < 1 || size < 0) {
      throw new IllegalArgumentException("block shape features=" + features + ", outputs=" + outputs
          + ", size=" + size + ": features and outputs must be at least 1, size at least 0");
    }
    if ((long) features * size != x.length) {
      throw new IllegalArgumentException("x has " + x.length + " values, a block of " + size
          + " examples with " + features + " features needs " + (long) features * size);
    }
    if ((long) outputs * size != y.length) {
      throw new IllegalArgumentException("y has " + y.length + " values, a block of " + size
          + " examples with " + outputs + " outputs needs " + (long) outputs * size);
    }
  }

  /**
   * A block from row-per-example arrays, as in the articles' {@code train(x, y, ...)}.
   *
   * @throws IllegalArgumentException naming the first row whose width differs from row 0
   */
  public static Block ofRows(double[][] x, double[][] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x has " + x.length + " rows but y has " + y.length);
    }
    if (x.length == 0) {
      throw new IllegalArgumentException("no examples: x and y are empty");
    }
    int f = x[0].length;
    int k = y[0].length;
    double[] bx = new double[f * x.length];
    double[] by = new double[k * x.length];
    for (int i = 0; i < x.length; i++) {
      if (x[i].length != f) {
        throw new IllegalArgumentException("x row " + i + " has " + x[i].length
            + " values, row 0 has " + f);
      }
      if (y[i].length != k) {
        throw new IllegalArgumentException("y row " + i + " has " + y[i].length
            + " values, row 0 has " + k);
      }
      System.arraycopy(x[i], 0, bx, i * f, f);
      System.arraycopy(y[i], 0, by, i * k, k);
    }
    return new Block(f, k, x.length, bx, by);
  }

  /**
   * One-hot targets for class labels 0..numClasses-1.
   *
   * @throws IllegalArgumentException naming the row of a label outside [0, numClasses)
   */
  public static double[] oneHot(int[] labels, int numClasses) {
    double[] y = new double[labels.length * numClasses];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("label " + labels[i] + " at row " + i
            + " is outside [0, " + numClasses + ")");
      }
      y[i * numClasses + labels[i]] = 1.0;
    }
    return y;
  }

  /** Example j's features, a copy. */
  public double[] column(int j) {
    return Arrays.copyOfRange(x, j * features, (j + 1) * features);
  }

  /** Example j's target, a copy. */
  public double[] target(int j) {
    return Arrays.copyOfRange(y, j * outputs, (j + 1) * outputs);
  }
}
