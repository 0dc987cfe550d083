package org.dptrain.network;

import org.dptrain.data.Block;
import org.dptrain.data.Layout;

/**
 * The first layer of a network over sparse inputs: a mini-batch gathered from a sparse {@link
 * Block} (compressed sparse columns, one column per example; float32 values are widened when
 * gathered, so the kernels are float64 in either precision) and the two kernels that touch
 * it, whose cost is proportional to the non-zeros times the layer's width:
 * <pre>
 *   forward   z_1[:, j]  = b_1 + Σ_k x_kj · W_1[:, k]      over the non-zeros k of example j
 *   backward  dW_1[:, k] += Σ_j delta_1[:, j] · x_kj        over the examples j with x_kj ≠ 0
 * </pre>
 * W_1 is row-major n_1 × n_0 in the flat parameters, as in {@link Network}, so the layouts of model
 * files, checkpoints and gradients do not depend on how the inputs were stored.
 *
 * <p>Summation order, fixed so that runs are bit-reproducible: in the forward pass each z element
 * starts from its bias and adds the non-zeros of its example in increasing feature index; in the
 * backward pass each dW element adds the examples of the batch in batch order. The dense path
 * (dgemm) sums in BLAS's order, so the two agree to round-off, not to the bit.
 *
 * <p>Not thread-safe (the buffers are reused for every batch): one per task, like {@link
 * Workspace}.
 */
public final class SparseInput {
  private final int features;
  private final int capacity;
  private final int[] start;
  private int[] index;
  private double[] value;
  private int size;

  /**
   * Buffers for mini-batches of up to {@code capacity} examples of width {@code features}, with
   * room for {@code nonZeros} non-zeros (grown when a batch needs more).
   */
  public SparseInput(int features, int capacity, int nonZeros) {
    if (features < 1 || capacity < 1 || nonZeros < 0) {
      throw new IllegalArgumentException("sparse input of " + features + " features, capacity "
          + capacity + ", room for " + nonZeros + " non-zeros: features and capacity must be at"
          + " least 1");
    }
    this.features = features;
    this.capacity = capacity;
    this.start = new int[capacity + 1];
    this.index = new int[nonZeros];
    this.value = new double[nonZeros];
  }

  /** Examples in the current batch. */
  public int size() {
    return size;
  }

  /** Non-zeros in the current batch. */
  public int nonZeros() {
    return start[size];
  }

  /**
   * Gathers examples {@code order[from..to)} of the sparse block {@code data} (examples from..to
   * when order is null) as the batch's columns 0..to-from, and their targets into {@code target}
   * (outputs × batch, column-major; float32 targets widened).
   *
   * @throws IllegalArgumentException for a dense block, another width, or a batch beyond the
   *     capacity
   */
  public void gather(Block data, int[] order, int from, int to, double[] target) {
    int m = to - from;
    if (m < 1 || m > capacity) {
      throw new IllegalArgumentException("batch of " + m + " examples; this input takes 1 to "
          + capacity);
    }
    if (data.layout() != Layout.SPARSE) {
      throw new IllegalArgumentException("the block is " + data.layout().id()
          + "; a sparse input gathers sparse blocks");
    }
    if (data.features() != features) {
      throw new IllegalArgumentException("block has " + data.features()
          + " features; this input takes " + features);
    }
    int need = 0;
    for (int j = 0; j < m; j++) {
      need = Math.addExact(need, data.storedValues(order == null ? from + j : order[from + j]));
    }
    if (need > index.length) {
      int room = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * index.length));
      index = new int[room];
      value = new double[room];
    }
    int k = data.outputs();
    int[] offsets = data.start();
    int[] indices = data.index();
    int at = 0;
    for (int j = 0; j < m; j++) {
      int src = order == null ? from + j : order[from + j];
      int s = offsets[src];
      int n = offsets[src + 1] - s;
      System.arraycopy(indices, s, index, at, n);
      switch (data.precision()) {
        case FLOAT64 -> {
          System.arraycopy(data.values(), s, value, at, n);
          System.arraycopy(data.y(), src * k, target, j * k, k);
        }
        case FLOAT32 -> {
          float[] v = data.values32();
          for (int p = 0; p < n; p++) {
            value[at + p] = v[s + p];
          }
          float[] y = data.y32();
          for (int r = 0; r < k; r++) {
            target[j * k + r] = y[src * k + r];
          }
        }
      }
      at += n;
      start[j + 1] = at;
    }
    size = m;
  }

  /**
   * z (nOut × size, column-major) = b + W x for the current batch, W row-major nOut × features
   * at {@code w[weightOffset..]}, b at {@code w[biasOffset..]}.
   */
  public void forward(double[] w, int weightOffset, int biasOffset, int nOut, double[] z) {
    for (int j = 0; j < size; j++) {
      System.arraycopy(w, biasOffset, z, j * nOut, nOut);
    }
    // one row of W at a time over the whole batch: the row stays in cache, and its reads move
    // forward through memory (indices increase within an example)
    for (int r = 0; r < nOut; r++) {
      int row = weightOffset + r * features;
      for (int j = 0; j < size; j++) {
        double sum = z[j * nOut + r];
        for (int p = start[j]; p < start[j + 1]; p++) {
          sum += w[row + index[p]] * value[p];
        }
        z[j * nOut + r] = sum;
      }
    }
  }

  /**
   * Adds dW = delta xᵀ for the current batch into {@code gradientSum} (row-major nOut × features
   * at {@code weightOffset}); delta is nOut × size, column-major. The bias gradient is the
   * caller's (it does not depend on the input's layout).
   */
  public void backward(double[] delta, int nOut, double[] gradientSum, int weightOffset) {
    for (int r = 0; r < nOut; r++) {
      int row = weightOffset + r * features;
      for (int j = 0; j < size; j++) {
        double d = delta[j * nOut + r];
        for (int p = start[j]; p < start[j + 1]; p++) {
          gradientSum[row + index[p]] += d * value[p];
        }
      }
    }
  }
}
