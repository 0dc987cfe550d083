package org.dptrain.network;

import org.dptrain.data.Block;
import org.dptrain.data.Layout;
import org.dptrain.data.Precision;

/**
 * Buffers for one forward/backward pass over up to {@link #capacity()} examples, allocated once
 * and reused for every mini-batch so that the per-batch loop allocates nothing. Not thread-safe:
 * one per thread (one per task on an executor).
 *
 * <p>Layer l's buffers are n_l × capacity, column-major; a pass over m &le; capacity examples uses
 * the first n_l·m entries. {@link #target()} holds the targets (always float64).
 *
 * <p>The {@link #precision()} is that of the blocks the workspace reads and of its matrix
 * products. Float64: {@code a(0)} is the input. Float32: the matrix products read and write the
 * float buffers ({@link #a32} with the input in {@code a32(0)}, {@link #z32}, {@link #delta32},
 * {@link #back32}, {@link #gradient32} and the parameters cast once per pass into
 * {@link #weights32}); the element-wise work (activations, losses, the output delta, the bias
 * sums) runs in float64 on {@link #z}, {@link #a} and {@link #delta}, which are widened from and
 * narrowed to the float buffers. {@code a(0)} is then null.
 *
 * <p>The {@link #layout()} is that of the blocks' features. Dense: the input is {@code a(0)} (or
 * {@code a32(0)}). Sparse: the input is {@link #sparseInput()}, the first layer's products are its
 * float64 kernels in either precision (on the float64 parameters: a float32 workspace casts only
 * the layers after the first), and {@code a(0)}, {@code a32(0)} are null. Nothing of size
 * features × capacity is allocated for a sparse input, which is what makes 2^18-wide inputs fit.
 */
public final class Workspace {
  private final NetworkSpec spec;
  private final int capacity;
  private final Precision precision;
  private final Layout layout;
  private final SparseInput sparse;
  private final double[][] z;
  private final double[][] a;
  private final double[][] delta;
  private final double[] target;
  private final float[][] a32;
  private final float[][] z32;
  private final float[] delta32;
  private final float[] back32;
  private final float[] gradient32;
  private final float[] weights32;
  /** The float64 parameters last cast into {@link #weights32}, for the check in backward. */
  private double[] castFrom;

  /** Float64 buffers for {@code spec} and mini-batches of up to {@code capacity} examples. */
  public Workspace(NetworkSpec spec, int capacity) {
    this(spec, capacity, Precision.FLOAT64);
  }

  /** Buffers for {@code spec}, mini-batches of up to {@code capacity} examples, in
   *  {@code precision}. */
  public Workspace(NetworkSpec spec, int capacity, Precision precision) {
    this(spec, capacity, precision, Layout.DENSE);
  }

  /** Buffers for passes over up to {@code capacity} examples of blocks like {@code block}: its
   *  precision and layout. */
  public static Workspace forBlock(NetworkSpec spec, int capacity, Block block) {
    return new Workspace(spec, capacity, block.precision(), block.layout());
  }

  /** Buffers for {@code spec}, mini-batches of up to {@code capacity} examples, in
   *  {@code precision}, for inputs in {@code layout}. */
  public Workspace(NetworkSpec spec, int capacity, Precision precision, Layout layout) {
    if (capacity < 1) {
      throw new IllegalArgumentException("workspace capacity must be at least 1, got " + capacity);
    }
    this.spec = spec;
    this.capacity = capacity;
    this.precision = precision;
    this.layout = layout;
    boolean sparseInput = switch (layout) {
      case DENSE -> false;
      case SPARSE -> true;
    };
    // room for 32 non-zeros per example to start with; the input grows when a batch needs more
    this.sparse = sparseInput ? new SparseInput(spec.size(0), capacity,
        (int) Math.min((long) spec.size(0) * capacity, 32L * capacity)) : null;
    int depth = spec.depth();
    z = new double[depth + 1][];
    a = new double[depth + 1][];
    delta = new double[depth + 1][];
    for (int l = 1; l <= depth; l++) {
      int n = Math.multiplyExact(spec.size(l), capacity);
      z[l] = new double[n];
      a[l] = new double[n];
      delta[l] = new double[n];
    }
    target = new double[Math.multiplyExact(spec.outputSize(), capacity)];
    // a switch expression, so that javac checks every precision is handled
    boolean floats = switch (precision) {
      case FLOAT64 -> false;
      case FLOAT32 -> true;
    };
    if (!floats) {
      a[0] = sparseInput ? null : new double[Math.multiplyExact(spec.size(0), capacity)];
      a32 = null;
      z32 = null;
      delta32 = null;
      back32 = null;
      gradient32 = null;
      weights32 = null;
    } else {
      a32 = new float[depth][];
      z32 = new float[depth + 1][];
      int widest = 0;
      int widestHidden = 1;
      int largestMatrix = 0;
      for (int l = 0; l <= depth; l++) {
        int n = Math.multiplyExact(spec.size(l), capacity);
        // a sparse input has no a32(0), and its first layer no z32(1) nor float dW
        boolean firstOfSparse = sparseInput && l == 1;
        if (l < depth && !(sparseInput && l == 0)) {
          a32[l] = new float[n];
        }
        if (l >= 1) {
          z32[l] = firstOfSparse ? null : new float[n];
          widest = Math.max(widest, n);
          if (!firstOfSparse) {
            largestMatrix = Math.max(largestMatrix,
                Math.multiplyExact(spec.size(l), spec.size(l - 1)));
          }
        }
        if (l >= 1 && l < depth) {
          widestHidden = Math.max(widestHidden, n);
        }
      }
      delta32 = new float[widest];
      back32 = new float[widestHidden];
      gradient32 = new float[largestMatrix];
      weights32 = new float[spec.numParams() - castBase()];
    }
  }

  public NetworkSpec spec() {
    return spec;
  }

  /** Most examples one pass can take. */
  public int capacity() {
    return capacity;
  }

  /** The precision of the blocks this workspace reads and of its matrix products. */
  public Precision precision() {
    return precision;
  }

  /** The layout of the blocks this workspace reads. */
  public Layout layout() {
    return layout;
  }

  /**
   * The input of a sparse workspace (the batch's non-zeros and the first layer's kernels).
   *
   * @throws IllegalStateException for a dense workspace
   */
  public SparseInput sparseInput() {
    if (sparse == null) {
      throw new IllegalStateException("this workspace takes dense input: it has no sparse input");
    }
    return sparse;
  }

  /** z_l, n_l × capacity, for l = 1..L. */
  public double[] z(int l) {
    return z[l];
  }

  /** a_l, n_l × capacity; a(0) is the input block (null in a float32 or a sparse workspace). */
  public double[] a(int l) {
    return a[l];
  }

  /** delta_l = dl/dz_l per example, n_l × capacity, for l = 1..L. */
  public double[] delta(int l) {
    return delta[l];
  }

  /** Targets, n_L × capacity. */
  public double[] target() {
    return target;
  }

  /** Float32: a_l rounded to float, n_l × capacity, for l = 0..L-1; a32(0) is the input
   *  (null for a sparse input). */
  public float[] a32(int l) {
    return float32(a32)[l];
  }

  /** Float32: z_l as sgemm gives it, n_l × capacity, for l = 1..L (z32(1) is null for a sparse
   *  input). */
  public float[] z32(int l) {
    return float32(z32)[l];
  }

  /** Float32: delta_l rounded to float for the products, up to max n_l × capacity. */
  public float[] delta32() {
    return float32(delta32);
  }

  /** Float32: W_l^T delta_l before the activation's derivative, up to max hidden n_l × capacity. */
  public float[] back32() {
    return float32(back32);
  }

  /** Float32: one layer's dW over the batch before it is added to the float64 sum. */
  public float[] gradient32() {
    return float32(gradient32);
  }

  /**
   * Where {@link #weights32()} starts in the flat parameters: 0, or layer 1's bias offset for a
   * sparse input (whose first layer's weights are never cast, which saves n_1 × n_0 floats).
   */
  public int castBase() {
    return sparse == null ? 0 : spec.biasOffset(1);
  }

  /** Float32: the parameters from {@link #castBase()} on, cast to float. */
  public float[] weights32() {
    return float32(weights32);
  }

  /**
   * Float32: casts {@code w} into {@link #weights32()} (the one rounding of the parameters); with
   * a sparse input, from layer 1's bias on (the first layer's weights are read as float64).
   */
  void castWeights(double[] w) {
    float[] out = weights32();
    int base = castBase();
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) w[base + i];
    }
    castFrom = w;
  }

  /** Whether {@link #weights32()} was last cast from this very array. */
  boolean castFrom(double[] w) {
    return castFrom == w;
  }

  private <T> T float32(T buffer) {
    if (buffer == null) {
      throw new IllegalStateException("this workspace is " + precision.id()
          + ": it has no float32 buffers");
    }
    return buffer;
  }
}
