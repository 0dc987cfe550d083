package org.dptrain.driver.train;

import org.dptrain.data.Block;
import org.dptrain.gradient.GradientAccumulator;
import org.dptrain.model.Float64Codec;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.train.BatchPlan;

/**
 * One partition's share of an epoch, on the executor, plain Java: its block, the epoch's
 * permutation and phase of {@link BatchPlan}, and an accumulator sized for one step's slice. Both
 * synchronisation schemes run it, so a partition's partial has the same bits whichever scheme
 * (and whichever task) computes it.
 */
final class PartitionWork {
  private final int partition;
  private final Block block;
  private final int steps;
  private final int phase;
  private final int[] order;
  private final GradientAccumulator acc;

  /**
   * @param partitions P
   * @param steps S, steps per epoch
   */
  PartitionWork(NetworkSpec spec, long seed, int epoch, int partition, int partitions, int steps,
      Block block) {
    this.partition = partition;
    this.block = block;
    this.steps = steps;
    this.phase = BatchPlan.phase(partition, partitions, steps);
    this.order = PermutationCache.get(seed, epoch, partition, block.size());
    // the chunk size fixes the summation order inside a slice: one slice, one chunk at most
    this.acc = new GradientAccumulator(spec, Math.max(1, (block.size() + steps - 1) / steps));
  }

  int partition() {
    return partition;
  }

  /** Start of step t's slice of this partition's permutation; t = S gives the block's size. */
  int from(int t) {
    return BatchPlan.sliceStart(t, block.size(), steps, phase);
  }

  /**
   * The gradient sum, loss sum and count over step t's slice at weights {@code w}.
   *
   * @return this partition's accumulator, emptied and refilled: read it before the next call
   */
  GradientAccumulator gradient(double[] w, int t) {
    acc.reset();
    return acc.add(w, block, order, from(t), from(t + 1));
  }

  /**
   * Steps [firstStep, lastStep) on this partition alone: each a mean gradient over the step's
   * slice and an update of {@code optimizer}; steps whose slice is empty are skipped. Every step
   * is checked, since whoever merges sees only the state after all of them.
   *
   * @param w parameters (modified in place)
   * @param optimizer this partition's optimizer (modified in place)
   * @return count and loss sum of the examples used, {@code w} and the optimizer's state; or, at
   *     the first step whose loss, gradient or updated weights are not finite, that step and what
   *     was not finite (and no vectors)
   */
  PartitionResult localSteps(double[] w, Optimizer optimizer, int firstStep, int lastStep) {
    double[] g = new double[w.length];
    double loss = 0.0;
    long count = 0;
    for (int t = firstStep; t < lastStep; t++) {
      int from = from(t);
      int to = from(t + 1);
      if (from == to) {
        continue;
      }
      acc.reset();
      acc.add(w, block, order, from, to);
      loss += acc.lossSum();
      count += acc.count();
      acc.mean(g);
      String bad = Finite.check(acc.lossSum(), g);
      if (bad == null) {
        optimizer.step(w, g);
        bad = Float64Codec.allFinite(w) ? null : "the weights after the update are not finite";
      }
      if (bad != null) {
        return new PartitionResult(partition, count, loss, null, null, 0, t, bad);
      }
    }
    return new PartitionResult(partition, count, loss, w, optimizer.state(), 0);
  }
}
