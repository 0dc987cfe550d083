package org.dptrain.driver.train;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.dptrain.data.Block;
import org.dptrain.network.NetworkSpec;
import org.dptrain.train.BatchPlan;

/**
 * The shape of every epoch of a run: how many examples each partition holds, the S steps of an
 * epoch ({@link BatchPlan}) and how they group into synchronisations of K steps (the last one may
 * be shorter). The examples and steps are the same for every epoch, so they are counted once,
 * before training; K may differ between epochs (post-local SGD: {@link #withStepsPerSync}).
 *
 * @param sizes examples of each partition, by partition index
 * @param total Σ sizes, at least 1
 * @param steps S, optimizer steps per epoch
 * @param stepsPerSync K, steps between synchronisations (1 = synchronous SGD)
 * @param syncs synchronisations per epoch, ceil(S / K)
 */
record EpochPlan(long[] sizes, long total, int steps, int stepsPerSync, int syncs)
    implements Serializable {

  /**
   * The plan of {@code blocks} under {@code config}; one Spark job counts the examples.
   *
   * @throws IllegalArgumentException if a partition does not hold exactly one block, a block does
   *     not fit the network, or there is no example at all
   */
  static EpochPlan of(JavaRDD<Block> blocks, NetworkSpec spec, TrainConfig config) {
    long[] sizes = partitionSizes(blocks, spec);
    long total = Arrays.stream(sizes).sum();
    if (total == 0) {
      throw new IllegalArgumentException("no examples to train on");
    }
    int steps = BatchPlan.stepsPerEpoch(total, config.batchSize());
    return new EpochPlan(sizes, total, steps, 1, steps).withStepsPerSync(config.localSteps());
  }

  /**
   * This plan with {@code localSteps} steps between synchronisations (0 = the whole epoch, more
   * than the epoch's steps = the whole epoch).
   */
  EpochPlan withStepsPerSync(int localSteps) {
    int k = localSteps == 0 ? steps : Math.min(localSteps, steps);
    return new EpochPlan(sizes, total, steps, k, (steps + k - 1) / k);
  }

  /** P, the number of partitions. */
  int partitions() {
    return sizes.length;
  }

  /** The first step of synchronisation {@code sync} (0-based, within the epoch). */
  int firstStep(int sync) {
    return sync * stepsPerSync;
  }

  /** One past the last step of synchronisation {@code sync}. */
  int lastStep(int sync) {
    return Math.min(steps, firstStep(sync) + stepsPerSync);
  }

  /** The examples partition {@code p} uses in synchronisation {@code sync} (every epoch alike). */
  long examples(int p, int sync) {
    int n = (int) sizes[p];
    int phase = BatchPlan.phase(p, sizes.length, steps);
    return BatchPlan.sliceStart(lastStep(sync), n, steps, phase)
        - BatchPlan.sliceStart(firstStep(sync), n, steps, phase);
  }

  /** The examples all partitions use in synchronisation {@code sync}. */
  long examples(int sync) {
    long n = 0;
    for (int p = 0; p < sizes.length; p++) {
      n += examples(p, sync);
    }
    return n;
  }

  /** The position after {@code sync} synchronisations of 0-based {@code epoch}. */
  Position position(int epoch, int sync, EpochTotals totals) {
    return new Position(epoch, sync, sync == syncs ? steps : firstStep(sync), steps, syncs,
        totals);
  }

  @Override
  public String toString() {
    return sizes.length + " partitions " + Arrays.toString(sizes) + ", " + steps
        + " steps per epoch, " + stepsPerSync + " per synchronisation (" + syncs
        + " synchronisations per epoch)";
  }

  /** Examples per partition, checking that each partition holds one block that fits the net. */
  static long[] partitionSizes(JavaRDD<Block> blocks, NetworkSpec spec) {
    List<long[]> info = blocks.mapPartitionsWithIndex((p, it) -> {
      long n = 0;
      long count = 0;
      long shape = 0;
      while (it.hasNext()) {
        Block b = it.next();
        count++;
        n += b.size();
        if (b.features() != spec.inputSize() || b.outputs() != spec.outputSize()) {
          shape = ((long) b.features() << 32) | b.outputs();
        }
      }
      return Collections.singletonList(new long[] {p, n, count, shape}).iterator();
    }, true).collect();
    long[] sizes = new long[info.size()];
    for (long[] r : info) {
      if (r[2] != 1) {
        throw new IllegalArgumentException("partition " + r[0] + " holds " + r[2]
            + " blocks; the trainer needs exactly one block per partition");
      }
      if (r[3] != 0) {
        throw new IllegalArgumentException("partition " + r[0] + " holds examples with "
            + (r[3] >>> 32) + " features and " + (r[3] & 0xffffffffL) + " outputs; the network"
            + " takes " + spec.inputSize() + " and gives " + spec.outputSize());
      }
      sizes[(int) r[0]] = r[1];
    }
    return sizes;
  }
}
