package org.dptrain.driver.train;

import org.apache.spark.broadcast.Broadcast;
import org.dptrain.gradient.GradientAccumulator;
import org.dptrain.network.NetworkSpec;

/** One synchronous step on one partition: the gradient sum over its slice of the step. */
final class GradientTask extends PartitionTask {
  private static final long serialVersionUID = 1L;
  private final Broadcast<double[]> weights;

  /** @param step the 0-based step of the epoch (= the synchronisation) */
  GradientTask(NetworkSpec spec, TrainConfig config, int epoch, int step, EpochPlan plan,
      Broadcast<double[]> weights, TaskHook hook) {
    super(spec, config, epoch, step, plan, hook);
    this.weights = weights;
  }

  @Override
  void fetch() {
    weights.value();
  }

  @Override
  PartitionResult run(PartitionWork work) {
    GradientAccumulator acc = work.gradient(weights.value(), sync);
    return new PartitionResult(work.partition(), acc.count(), acc.lossSum(), acc.gradientSum(),
        null, 0);
  }
}
