package org.dptrain.driver.train;

import java.util.Arrays;
import org.apache.spark.broadcast.Broadcast;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;

/**
 * Steps [firstStep, lastStep) on one partition with a local optimizer, from the broadcast
 * parameters and optimizer state (packed: parameters, then state).
 */
final class LocalStepsTask extends PartitionTask {
  private static final long serialVersionUID = 1L;
  private final int firstStep;
  private final int lastStep;
  private final long optimizerSteps;
  private final Broadcast<double[]> packed;

  LocalStepsTask(NetworkSpec spec, TrainConfig config, int epoch, int sync, EpochPlan plan,
      long optimizerSteps, Broadcast<double[]> packed, TaskHook hook) {
    super(spec, config, epoch, sync, plan, hook);
    this.firstStep = plan.firstStep(sync);
    this.lastStep = plan.lastStep(sync);
    this.optimizerSteps = optimizerSteps;
    this.packed = packed;
  }

  @Override
  void fetch() {
    packed.value();
  }

  @Override
  PartitionResult run(PartitionWork work) {
    int numParams = spec.numParams();
    double[] all = packed.value();
    Optimizer optimizer = new Optimizer(config.optimizer(), numParams);
    optimizer.restore(Arrays.copyOfRange(all, numParams, all.length), optimizerSteps);
    return work.localSteps(Arrays.copyOf(all, numParams), optimizer, firstStep, lastStep);
  }

  /** Parameters then optimizer state, in one array. */
  static double[] pack(double[] w, double[] state) {
    double[] packed = Arrays.copyOf(w, w.length + state.length);
    System.arraycopy(state, 0, packed, w.length, state.length);
    return packed;
  }
}
