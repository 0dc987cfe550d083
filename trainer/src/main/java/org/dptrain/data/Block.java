package org.dptrain.data;

import java.io.Serializable;
import java.util.Objects;

/**
 * A column-major block of examples: x is features × size and y is outputs × size, example j in
 * column j. Blocks are built once (on an executor, once per partition) and then only read; the
 * arrays are not copied, so callers must not change them afterwards.
 *
 * <p>A block stores its values in one {@link Precision}: float64 blocks hold {@link #x()} and
 * {@link #y()}, float32 blocks {@link #x32()} and {@link #y32()} (half the memory); asking a block
 * for the other precision's arrays is an error, never a silent conversion. {@link #column} and
 * {@link #target} read either. One class for both, so that every RDD of blocks, every task and
 * every serializer keeps one type whatever the precision.
 *
 * <p>Serializable for Spark sessions with the default Java serializer (cached blocks spill to
 * disk); dptrain's own sessions carry it with Kryo.
 */
public final class Block implements Serializable {
  private static final long serialVersionUID = 2L;

  private final Precision precision;
  private final int features;
  private final int outputs;
  private final int size;
  private final double[] x;
  private final double[] y;
  private final float[] x32;
  private final float[] y32;

  /**
   * A float64 block.
   *
   * @param features n_0, rows of x
   * @param outputs K, rows of y
   * @param size examples (columns)
   * @param x features × size, column-major
   * @param y outputs × size, column-major
   * @throws IllegalArgumentException for a shape below 1 (size below 0) or arrays of other lengths
   */
  public Block(int features, int outputs, int size, double[] x, double[] y) {
    this(Precision.FLOAT64, features, outputs, size, Objects.requireNonNull(x, "x"),
        Objects.requireNonNull(y, "y"), null, null, x.length, y.length);
  }

  private Block(Precision precision, int features, int outputs, int size, double[] x, double[] y,
      float[] x32, float[] y32, int xLength, int yLength) {
    if (features < 1 || outputs < 1 || size < 0) {
      throw new IllegalArgumentException("block shape features=" + features + ", outputs=" + outputs
          + ", size=" + size + ": features and outputs must be at least 1, size at least 0");
    }
    if ((long) features * size != xLength) {
      throw new IllegalArgumentException("x has " + xLength + " values, a block of " + size
          + " examples with " + features + " features needs " + (long) features * size);
    }
    if ((long) outputs * size != yLength) {
      throw new IllegalArgumentException("y has " + yLength + " values, a block of " + size
          + " examples with " + outputs + " outputs needs " + (long) outputs * size);
    }
    this.precision = precision;
    this.features = features;
    this.outputs = outputs;
    this.size = size;
    this.x = x;
    this.y = y;
    this.x32 = x32;
    this.y32 = y32;
  }

  /**
   * A float32 block; the arguments as for the float64 constructor.
   *
   * @throws IllegalArgumentException for a shape below 1 (size below 0) or arrays of other lengths
   */
  public static Block float32(int features, int outputs, int size, float[] x, float[] y) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    return new Block(Precision.FLOAT32, features, outputs, size, null, null, x, y, x.length,
        y.length);
  }

  /**
   * This block in {@code target} precision: itself when it already is; otherwise a new block whose
   * values are rounded to the nearest float (float64 to float32) or widened exactly (float32 to
   * float64).
   */
  public Block as(Precision target) {
    if (target == precision) {
      return this;
    }
    return switch (target) {
      case FLOAT32 -> float32(features, outputs, size, narrow(x), narrow(y));
      case FLOAT64 -> new Block(features, outputs, size, widen(x32), widen(y32));
    };
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

  public Precision precision() {
    return precision;
  }

  /** n_0, rows of x. */
  public int features() {
    return features;
  }

  /** K, rows of y. */
  public int outputs() {
    return outputs;
  }

  /** Examples (columns). */
  public int size() {
    return size;
  }

  /**
   * The features of a float64 block, features × size column-major (the live array).
   *
   * @throws IllegalStateException for a float32 block
   */
  public double[] x() {
    require(Precision.FLOAT64, "x");
    return x;
  }

  /**
   * The targets of a float64 block, outputs × size column-major (the live array).
   *
   * @throws IllegalStateException for a float32 block
   */
  public double[] y() {
    require(Precision.FLOAT64, "y");
    return y;
  }

  /**
   * The features of a float32 block, features × size column-major (the live array).
   *
   * @throws IllegalStateException for a float64 block
   */
  public float[] x32() {
    require(Precision.FLOAT32, "x32");
    return x32;
  }

  /**
   * The targets of a float32 block, outputs × size column-major (the live array).
   *
   * @throws IllegalStateException for a float64 block
   */
  public float[] y32() {
    require(Precision.FLOAT32, "y32");
    return y32;
  }

  /** Example j's features, a copy (widened for a float32 block). */
  public double[] column(int j) {
    return slice(x, x32, j, features);
  }

  /** Example j's target, a copy (widened for a float32 block). */
  public double[] target(int j) {
    return slice(y, y32, j, outputs);
  }

  @Override
  public String toString() {
    return "Block[" + precision.id() + ", features=" + features + ", outputs=" + outputs
        + ", size=" + size + "]";
  }

  private double[] slice(double[] d, float[] f, int j, int rows) {
    Objects.checkIndex(j, size);
    double[] out = new double[rows];
    switch (precision) {
      case FLOAT64 -> System.arraycopy(d, j * rows, out, 0, rows);
      case FLOAT32 -> {
        for (int r = 0; r < rows; r++) {
          out[r] = f[j * rows + r];
        }
      }
    }
    return out;
  }

  private void require(Precision wanted, String accessor) {
    if (precision != wanted) {
      throw new IllegalStateException("this block is " + precision.id() + ": " + accessor
          + "() is for " + wanted.id() + " blocks (convert with as(" + wanted + "))");
    }
  }

  private static float[] narrow(double[] a) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) a[i];
    }
    return out;
  }

  private static double[] widen(float[] a) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }
}
