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
 * <p>A block stores its features in one {@link Layout}. Dense: x is features × size. Sparse
 * (compressed sparse columns, one column per example): example j's non-zero features are
 * {@code index()[start()[j] .. start()[j+1])}, strictly increasing, with their values at the same
 * positions of {@link #values()} (or {@link #values32()}); memory is proportional to the
 * non-zeros. Targets are dense in both. {@link #column}, {@link #as(Layout)} and {@link #as(Precision)}
 * work in every combination.
 *
 * <p>Serializable for Spark sessions with the default Java serializer (cached blocks spill to
 * disk); dptrain's own sessions carry it with Kryo.
 */
public final class Block implements Serializable {
  private static final long serialVersionUID = 3L;

  private final Precision precision;
  private final Layout layout;
  private final int features;
  private final int outputs;
  private final int size;
  private final double[] x;
  private final double[] y;
  private final float[] x32;
  private final float[] y32;
  /** Sparse: size + 1 offsets into index and the values; null when dense. */
  private final int[] start;
  /** Sparse: the feature index of every stored value; null when dense. */
  private final int[] index;

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
        Objects.requireNonNull(y, "y"), null, null, null, null, x.length, y.length);
  }

  private Block(Precision precision, int features, int outputs, int size, double[] x, double[] y,
      float[] x32, float[] y32, int[] start, int[] index, int xLength, int yLength) {
    if (features < 1 || outputs < 1 || size < 0) {
      throw new IllegalArgumentException("block shape features=" + features + ", outputs=" + outputs
          + ", size=" + size + ": features and outputs must be at least 1, size at least 0");
    }
    this.layout = start == null ? Layout.DENSE : Layout.SPARSE;
    switch (layout) {
      case DENSE -> {
        if ((long) features * size != xLength) {
          throw new IllegalArgumentException("x has " + xLength + " values, a block of " + size
              + " examples with " + features + " features needs " + (long) features * size);
        }
      }
      case SPARSE -> checkSparse(features, size, start, index, xLength);
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
    this.start = start;
    this.index = index;
  }

  private static void checkSparse(int features, int size, int[] start, int[] index, int values) {
    Objects.requireNonNull(index, "index");
    if (start.length != size + 1 || start[0] != 0 || start[size] != index.length
        || index.length != values) {
      throw new IllegalArgumentException("a sparse block of " + size + " examples needs "
          + (size + 1) + " offsets from 0 to the number of non-zeros, and as many indices as"
          + " values; got " + start.length + " offsets"
          + (start.length == 0 ? "" : " from " + start[0] + " to " + start[start.length - 1])
          + ", " + index.length + " indices, " + values + " values");
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
              + (index[k] >= features || index[k] < 0 ? " is outside [0, " + features + ")"
                  : " does not increase (after " + previous + ")"));
        }
        previous = index[k];
      }
    }
  }

  /**
   * A float32 block; the arguments as for the float64 constructor.
   *
   * @throws IllegalArgumentException for a shape below 1 (size below 0) or arrays of other lengths
   */
  public static Block float32(int features, int outputs, int size, float[] x, float[] y) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    return new Block(Precision.FLOAT32, features, outputs, size, null, null, x, y, null, null,
        x.length, y.length);
  }

  /**
   * A sparse float64 block (see the class comment for the layout). The arrays are not copied.
   *
   * @param start size + 1 offsets into index and value, from 0 to the number of non-zeros,
   *     non-decreasing
   * @param index feature indices in [0, features), strictly increasing within an example
   * @param value the stored values (an explicit zero is allowed, but costs as a non-zero)
   * @param y outputs × size, column-major
   * @throws IllegalArgumentException for a bad shape, naming the first example whose offsets or
   *     indices are wrong
   */
  public static Block sparse(int features, int outputs, int size, int[] start, int[] index,
      double[] value, double[] y) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(y, "y");
    return new Block(Precision.FLOAT64, features, outputs, size, value, y, null, null, start,
        index, value.length, y.length);
  }

  /** A sparse float32 block; the arguments as for {@link #sparse}. */
  public static Block sparse32(int features, int outputs, int size, int[] start, int[] index,
      float[] value, float[] y) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(y, "y");
    return new Block(Precision.FLOAT32, features, outputs, size, null, null, value, y, start,
        index, value.length, y.length);
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
      case FLOAT32 -> new Block(target, features, outputs, size, null, null, narrow(x), narrow(y),
          start, index, x.length, y.length);
      case FLOAT64 -> new Block(target, features, outputs, size, widen(x32), widen(y32), null,
          null, start, index, x32.length, y32.length);
    };
  }

  /**
   * This block in {@code target} layout, in the same precision: itself when it already is;
   * otherwise the same examples dense (zeros filled in) or sparse (zeros dropped, so an explicit
   * zero of a sparse block does not survive a round trip). Values are copied, never rounded.
   *
   * @throws IllegalArgumentException if the dense block would exceed a Java array
   */
  public Block as(Layout target) {
    if (target == layout) {
      return this;
    }
    return switch (target) {
      case DENSE -> {
        long cells = (long) features * size;
        if (cells > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException("a dense block of " + size + " examples with "
              + features + " features would hold " + cells + " values, more than a Java array");
        }
        yield switch (precision) {
          case FLOAT64 -> {
            double[] d = new double[(int) cells];
            for (int j = 0; j < size; j++) {
              for (int k = start[j]; k < start[j + 1]; k++) {
                d[j * features + index[k]] = x[k];
              }
            }
            yield new Block(features, outputs, size, d, y);
          }
          case FLOAT32 -> {
            float[] d = new float[(int) cells];
            for (int j = 0; j < size; j++) {
              for (int k = start[j]; k < start[j + 1]; k++) {
                d[j * features + index[k]] = x32[k];
              }
            }
            yield float32(features, outputs, size, d, y32);
          }
        };
      }
      case SPARSE -> toSparse();
    };
  }

  private Block toSparse() {
    int nnz = 0;
    for (int i = 0, n = features * size; i < n; i++) {
      if (get(i) != 0) {
        nnz++;
      }
    }
    int[] s = new int[size + 1];
    int[] ix = new int[nnz];
    double[] v = precision == Precision.FLOAT64 ? new double[nnz] : null;
    float[] v32 = precision == Precision.FLOAT32 ? new float[nnz] : null;
    int k = 0;
    for (int j = 0; j < size; j++) {
      for (int i = 0; i < features; i++) {
        int at = j * features + i;
        if (get(at) != 0) {
          ix[k] = i;
          switch (precision) {
            case FLOAT64 -> v[k] = x[at];
            case FLOAT32 -> v32[k] = x32[at];
          }
          k++;
        }
      }
      s[j + 1] = k;
    }
    return new Block(precision, features, outputs, size, v, y, v32, y32, s, ix, nnz,
        precision == Precision.FLOAT64 ? y.length : y32.length);
  }

  /** Dense x[i] in either precision, widened. */
  private double get(int i) {
    return precision == Precision.FLOAT64 ? x[i] : x32[i];
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

  public Layout layout() {
    return layout;
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
    require(Layout.DENSE, "x");
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
    require(Layout.DENSE, "x32");
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

  /**
   * A sparse block's offsets: example j's non-zeros are at [start[j], start[j+1]) of
   * {@link #index()} and the values (the live array).
   *
   * @throws IllegalStateException for a dense block
   */
  public int[] start() {
    require(Layout.SPARSE, "start");
    return start;
  }

  /**
   * A sparse block's feature indices, strictly increasing within an example (the live array).
   *
   * @throws IllegalStateException for a dense block
   */
  public int[] index() {
    require(Layout.SPARSE, "index");
    return index;
  }

  /**
   * The stored values of a sparse float64 block, one per {@link #index()} entry (the live array).
   *
   * @throws IllegalStateException for a dense or a float32 block
   */
  public double[] values() {
    require(Precision.FLOAT64, "values");
    require(Layout.SPARSE, "values");
    return x;
  }

  /**
   * The stored values of a sparse float32 block, one per {@link #index()} entry (the live array).
   *
   * @throws IllegalStateException for a dense or a float64 block
   */
  public float[] values32() {
    require(Precision.FLOAT32, "values32");
    require(Layout.SPARSE, "values32");
    return x32;
  }

  /** Stored feature values: features × size when dense, the non-zeros when sparse. */
  public long storedValues() {
    return switch (layout) {
      case DENSE -> (long) features * size;
      case SPARSE -> index.length;
    };
  }

  /** Stored values of example j: the block's features when dense, its non-zeros when sparse. */
  public int storedValues(int j) {
    Objects.checkIndex(j, size);
    return switch (layout) {
      case DENSE -> features;
      case SPARSE -> start[j + 1] - start[j];
    };
  }

  /** The share of non-zero features among features × size (0 for an empty block). */
  public double density() {
    if (size == 0) {
      return 0;
    }
    long nonZeros = switch (layout) {
      case SPARSE -> index.length;
      case DENSE -> {
        long n = 0;
        for (int i = 0, cells = features * size; i < cells; i++) {
          if (get(i) != 0) {
            n++;
          }
        }
        yield n;
      }
    };
    return nonZeros / ((double) features * size);
  }

  /** Example j's features, a dense copy (widened for a float32 block). */
  public double[] column(int j) {
    return switch (layout) {
      case DENSE -> slice(x, x32, j, features);
      case SPARSE -> {
        Objects.checkIndex(j, size);
        double[] out = new double[features];
        for (int k = start[j]; k < start[j + 1]; k++) {
          out[index[k]] = precision == Precision.FLOAT64 ? x[k] : x32[k];
        }
        yield out;
      }
    };
  }

  /** Example j's target, a copy (widened for a float32 block). */
  public double[] target(int j) {
    return slice(y, y32, j, outputs);
  }

  @Override
  public String toString() {
    return "Block[" + precision.id() + ", " + layout.id() + ", features=" + features + ", outputs=" + outputs
        + ", size=" + size + (layout == Layout.SPARSE ? ", nonZeros=" + index.length : "")
        + "]";
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

  private void require(Layout wanted, String accessor) {
    if (layout != wanted) {
      throw new IllegalStateException("this block is " + layout.id() + ": " + accessor
          + "() is for " + wanted.id() + " blocks (convert with as(Layout." + wanted + "))");
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
