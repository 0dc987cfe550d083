package org.dptrain.driver.train;

import java.io.Serializable;
import java.util.Objects;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.OptimizerSpec;

/**
 * How the distributed trainer trains. Built from a job's configuration; the defaults of its
 * values are declared in {@link org.dptrain.driver.config.SettingTable}.
 *
 * @param spec the network
 * @param optimizer the update rule, applied on the driver (and on executors in local-steps mode)
 * @param batchSize the GLOBAL mini-batch: examples averaged into one update, split over partitions
 * @param epochs passes over the data
 * @param seed drives initial weights and every shuffle
 * @param localSteps 1 = synchronous SGD (one synchronisation per step); K &gt; 1 = each partition
 *     takes K local steps between synchronisations and the driver averages parameters and optimizer
 *     state; 0 = a whole epoch of local steps
 * @param synchronousEpochs post-local SGD (Lin et al., ICLR 2020): the first this many epochs take
 *     synchronous steps (K = 1) whatever {@code localSteps} says, the rest {@code localSteps}; 0 =
 *     {@code localSteps} throughout
 * @param aggregationDepth synchronous mode: 1 = partials collected and merged on the driver in
 *     partition order; d &ge; 2 = merged in a tree of depth d on the executors, still in a fixed
 *     order. Local-steps mode always averages on the driver. {@code --sync allreduce} always
 *     sums flat in partition order, as depth 1 does, and refuses another depth
 * @param sync how partials become one update (see {@link SyncMode}); both modes give the same
 *     bits at aggregation depth 1
 */
public record TrainConfig(NetworkSpec spec, OptimizerSpec optimizer, int batchSize, int epochs,
    long seed, int localSteps, int synchronousEpochs, int aggregationDepth, SyncMode sync)
    implements Serializable {

  public TrainConfig {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(optimizer, "optimizer");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
    }
    if (localSteps < 0) {
      throw new IllegalArgumentException("local steps must be 0 (a whole epoch) or more, got "
          + localSteps);
    }
    if (synchronousEpochs < 0) {
      throw new IllegalArgumentException("synchronous epochs must be 0 or more, got "
          + synchronousEpochs);
    }
    if (aggregationDepth < 1) {
      throw new IllegalArgumentException("aggregation depth must be at least 1, got "
          + aggregationDepth);
    }
    Objects.requireNonNull(sync, "sync");
    if (sync == SyncMode.ALLREDUCE && aggregationDepth != 1) {
      throw new IllegalArgumentException("aggregation depth " + aggregationDepth + " applies to"
          + " --sync driver only; --sync allreduce sums the partials among the tasks (depth 1)");
    }
  }

  /** A configuration without synchronous epochs. */
  public TrainConfig(NetworkSpec spec, OptimizerSpec optimizer, int batchSize, int epochs,
      long seed, int localSteps, int aggregationDepth, SyncMode sync) {
    this(spec, optimizer, batchSize, epochs, seed, localSteps, 0, aggregationDepth, sync);
  }

  /** A configuration with {@link SyncMode#DEFAULT} synchronisation, no synchronous epochs. */
  public TrainConfig(NetworkSpec spec, OptimizerSpec optimizer, int batchSize, int epochs,
      long seed, int localSteps, int aggregationDepth) {
    this(spec, optimizer, batchSize, epochs, seed, localSteps, aggregationDepth,
        SyncMode.DEFAULT);
  }

  /** This configuration with synchronisation {@code mode}. */
  public TrainConfig withSync(SyncMode mode) {
    return new TrainConfig(spec, optimizer, batchSize, epochs, seed, localSteps,
        synchronousEpochs, aggregationDepth, mode);
  }

  /** This configuration with {@code n} synchronous epochs first (post-local SGD). */
  public TrainConfig withSynchronousEpochs(int n) {
    return new TrainConfig(spec, optimizer, batchSize, epochs, seed, localSteps, n,
        aggregationDepth, sync);
  }

  /** The local steps of 0-based {@code epoch}: 1 in the synchronous epochs, else localSteps. */
  public int localStepsIn(int epoch) {
    return epoch < synchronousEpochs ? 1 : localSteps;
  }
}
