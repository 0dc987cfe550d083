package org.dptrain.network;

/**
 * Buffers for one forward/backward pass over up to {@link #capacity()} examples, allocated once
 * and reused for every mini-batch so that the per-batch loop allocates nothing. Not thread-safe:
 * one per thread (one per task on an executor).
 *
 * <p>Layer l's buffers are n_l × capacity, column-major; a pass over m &le; capacity examples uses
 * the first n_l·m entries. {@code a(0)} is the input block and {@link #target()} the targets.
 */
public final class Workspace {
  private final NetworkSpec spec;
  private final int capacity;
  private final double[][] z;
  private final double[][] a;
  private final double[][] delta;
  private final double[] target;

  /** Buffers for {@code spec} and mini-batches of up to {@code capacity} examples. */
  public Workspace(NetworkSpec spec, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("workspace capacity must be at least 1, got " + capacity);
    }
    this.spec = spec;
    this.capacity = capacity;
    int depth = spec.depth();
    z = new double[depth + 1][];
    a = new double[depth + 1][];
    delta = new double[depth + 1][];
    a[0] = new double[Math.multiplyExact(spec.size(0), capacity)];
    for (int l = 1; l <= depth; l++) {
      int n = Math.multiplyExact(spec.size(l), capacity);
      z[l] = new double[n];
      a[l] = new double[n];
      delta[l] = new double[n];
    }
    target = new double[Math.multiplyExact(spec.outputSize(), capacity)];
  }

  public NetworkSpec spec() {
    return spec;
  }

  /** Most examples one pass can take. */
  public int capacity() {
    return capacity;
  }

  /** z_l, n_l × capacity, for l = 1..L. */
  public double[] z(int l) {
    return z[l];
  }

  /** a_l, n_l × capacity; a(0) is the input block. */
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
}
