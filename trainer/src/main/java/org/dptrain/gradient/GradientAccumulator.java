package org.dptrain.gradient;

import java.util.Arrays;
import org.dptrain.data.Block;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.dptrain.network.Workspace;

/**
 * Sums of the loss gradient, the loss and the example count over the examples added so far.
 *
 * <p>{@link #add} runs forward and backward over examples in chunks of at most {@code chunkSize}
 * (the workspace capacity); {@link #merge} adds another accumulator's sums; {@link #mean} gives the
 * averaged gradient. The workspace is built on first use and never serialized, so an accumulator
 * is cheap to ship: its state is the flat gradient sum plus two numbers.
 *
 * <p>The workspace takes the precision of the first block added (a block of another precision
 * later is an error). Whatever that precision, the sums are float64: with float32 blocks each
 * chunk's products run in sgemm on the weights cast once per chunk, and each layer's dW over the
 * chunk is added to the float64 sum. A step whose slice is one chunk (as in
 * {@link org.dptrain.train.ReferenceTrainer} and the distributed tasks) casts the weights once.
 */
public final class GradientAccumulator {
  private final NetworkSpec spec;
  private final int chunkSize;
  private final double[] gradientSum;
  private double lossSum;
  private long count;
  private transient Network network;
  private transient Workspace workspace;

  /**
   * An empty accumulator.
   *
   * @param chunkSize most examples per forward/backward pass; the same chunk size gives the same
   *     summation order and so the same bits
   */
  public GradientAccumulator(NetworkSpec spec, int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunk size must be at least 1, got " + chunkSize);
    }
    this.spec = spec;
    this.chunkSize = chunkSize;
    this.gradientSum = new double[spec.numParams()];
  }

  /** An accumulator holding the given sums (for deserialization and tests). */
  public GradientAccumulator(NetworkSpec spec, int chunkSize, double[] gradientSum, double lossSum,
      long count) {
    this(spec, chunkSize);
    if (gradientSum.length != this.gradientSum.length) {
      throw new IllegalArgumentException("gradient sum has " + gradientSum.length
          + " values, the network has " + this.gradientSum.length + " parameters");
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must be at least 0, got " + count);
    }
    System.arraycopy(gradientSum, 0, this.gradientSum, 0, gradientSum.length);
    this.lossSum = lossSum;
    this.count = count;
  }

  public NetworkSpec spec() {
    return spec;
  }

  public int chunkSize() {
    return chunkSize;
  }

  /** Examples added so far. */
  public long count() {
    return count;
  }

  /** Σ_i l_i over the examples added so far. */
  public double lossSum() {
    return lossSum;
  }

  /** Σ_i dl_i/dw, the live array (not a copy). */
  public double[] gradientSum() {
    return gradientSum;
  }

  /** Adds every example of {@code data}. */
  public GradientAccumulator add(double[] weights, Block data) {
    return add(weights, data, null, 0, data.size());
  }

  /**
   * Adds examples {@code index[from..to)} of {@code data} (examples from..to when index is null):
   * forward, backward, and the sums. Allocates nothing after the first call.
   *
   * @return this
   * @throws IllegalArgumentException for a range that is negative, reversed or runs past the
   *     block (or the index), or a block whose precision is not that of the blocks added before,
   *     before anything is added
   */
  public GradientAccumulator add(double[] weights, Block data, int[] index, int from, int to) {
    if (weights.length != gradientSum.length) {
      throw new IllegalArgumentException("weights have " + weights.length
          + " values, the network has " + gradientSum.length + " parameters");
    }
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("bad example range [" + from + ", " + to + ")");
    }
    // Checked up front: a range that runs off the end would otherwise fail in the middle of the
    // loop, leaving the chunks before it already summed in.
    int limit = index == null ? data.size() : index.length;
    if (to > limit) {
      throw new IllegalArgumentException("example range [" + from + ", " + to + ") goes past the "
          + (index == null ? "block's " + limit + " examples" : "index's " + limit + " entries"));
    }
    if (from == to) {
      return this;
    }
    if (workspace == null) {
      network = new Network(spec);
      workspace = Workspace.forBlock(spec, chunkSize, data);
    }
    for (int start = from; start < to; start += chunkSize) {
      int end = Math.min(to, start + chunkSize);
      int m = end - start;
      network.gather(data, index, start, end, workspace);
      network.forward(weights, workspace, m);
      lossSum += network.backward(weights, workspace, m, gradientSum);
      count += m;
    }
    return this;
  }

  /**
   * Adds another accumulator's sums to this one. Merging an empty accumulator changes nothing.
   *
   * @return this
   */
  public GradientAccumulator merge(GradientAccumulator other) {
    if (!spec.equals(other.spec)) {
      throw new IllegalArgumentException("cannot merge gradients of " + other.spec + " into "
          + spec);
    }
    if (other.count == 0) {
      return this;
    }
    double[] g = other.gradientSum;
    for (int i = 0; i < gradientSum.length; i++) {
      gradientSum[i] += g[i];
    }
    lossSum += other.lossSum;
    count += other.count;
    return this;
  }

  /**
   * The mean gradient, gradientSum / count.
   *
   * @param out receives the mean (modified in place), length numParams
   * @throws IllegalStateException when nothing was added
   */
  public void mean(double[] out) {
    requireNonEmpty();
    if (out.length != gradientSum.length) {
      throw new IllegalArgumentException("output has " + out.length + " values, the network has "
          + gradientSum.length + " parameters");
    }
    double n = count;
    for (int i = 0; i < out.length; i++) {
      out[i] = gradientSum[i] / n;
    }
  }

  /** The mean gradient in a new array; see {@link #mean(double[])}. */
  public double[] mean() {
    double[] out = new double[gradientSum.length];
    mean(out);
    return out;
  }

  /**
   * The mean loss, lossSum / count.
   *
   * @throws IllegalStateException when nothing was added
   */
  public double meanLoss() {
    requireNonEmpty();
    return lossSum / count;
  }

  /** Empties the accumulator, keeping its buffers. */
  public void reset() {
    Arrays.fill(gradientSum, 0.0);
    lossSum = 0.0;
    count = 0;
  }

  private void requireNonEmpty() {
    if (count == 0) {
      throw new IllegalStateException("the mean of an empty gradient accumulator is undefined:"
          + " no examples were added");
    }
  }
}
