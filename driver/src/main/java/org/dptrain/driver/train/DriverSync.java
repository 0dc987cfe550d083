package org.dptrain.driver.train;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.dptrain.data.Block;
import org.dptrain.gradient.GradientAccumulator;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;

/**
 * {@code --sync driver}: one Spark job per synchronisation, the optimizer on the driver.
 *
 * <pre>
 *   broadcast w → every partition: its slice of the step, forward + backward → partials
 *   → merged in PARTITION ORDER → mean gradient → optimizer step on the driver → destroy
 * </pre>
 *
 * <p>Local-steps mode (K &gt; 1): the broadcast carries the weights and the optimizer state,
 * each partition takes its K steps with its own optimizer, and the driver averages parameters
 * and optimizer state weighted by the examples each partition used.
 */
final class DriverSync implements SyncScheme {
  private final JavaSparkContext sc;
  private final TrainConfig config;
  private final EpochPlan plan;
  private final JavaRDD<Block> blocks;
  private final TaskHook hook;
  private final NetworkSpec spec;
  private final double[] g;

  DriverSync(JavaSparkContext sc, TrainConfig config, EpochPlan plan, JavaRDD<Block> blocks,
      TaskHook hook) {
    this.sc = sc;
    this.config = config;
    this.plan = plan;
    this.blocks = blocks;
    this.hook = hook;
    this.spec = config.spec();
    this.g = new double[spec.numParams()];
  }

  @Override
  public int maxSyncsPerRun() {
    return 1;
  }

  @Override
  public EpochTotals run(int epoch, int fromSync, int toSync, double[] w, Optimizer optimizer,
      EpochTotals totals) {
    if (toSync != fromSync + 1) {
      throw new IllegalArgumentException("one synchronisation per Spark job, asked for "
          + fromSync + ".." + toSync);
    }
    return plan.stepsPerSync() == 1 ? step(epoch, fromSync, w, optimizer, totals)
        : localSteps(epoch, fromSync, w, optimizer, totals);
  }

  /** Synchronous SGD: step {@code t} of the epoch. */
  private EpochTotals step(int epoch, int t, double[] w, Optimizer optimizer,
      EpochTotals totals) {
    BroadcastJob.Timed<List<PartitionResult>> job = BroadcastJob.run(sc, w,
        bw -> OrderedMerge.collect(blocks.mapPartitionsWithIndex(
            new GradientTask(spec, config, epoch, t, plan, bw, hook), true),
            config.aggregationDepth(), spec));
    long t0 = System.nanoTime();
    PartitionResult sum = OrderedMerge.sumInOrder(job.result(), 0, spec);
    if (sum.count() > 0) {
      GradientStep.apply(new GradientAccumulator(spec, 1, sum.vector(), sum.lossSum(),
          sum.count()), g, w, optimizer, epoch, t);
    }
    return totals.plus(sum.lossSum(), sum.count(), sum.computeNanos(), job.broadcastNanos(),
        job.jobNanos(), System.nanoTime() - t0);
  }

  /** Local steps: synchronisation {@code s} of the epoch, then the average. */
  private EpochTotals localSteps(int epoch, int s, double[] w, Optimizer optimizer,
      EpochTotals totals) {
    long optimizerSteps = optimizer.stepCount();
    BroadcastJob.Timed<List<PartitionResult>> job = BroadcastJob.run(sc,
        LocalStepsTask.pack(w, optimizer.state()),
        bw -> blocks.mapPartitionsWithIndex(new LocalStepsTask(spec, config, epoch, s, plan,
            optimizerSteps, bw, hook), true).collect());
    long t0 = System.nanoTime();
    PartitionResult diverged = OrderedMerge.firstDivergence(job.result());
    if (diverged != null) {
      int t = diverged.divergedStep();
      throw new TrainingDivergedException(epoch + 1, t + 1,
          optimizerSteps + (t - plan.firstStep(s)) + 1,
          "on partition " + diverged.partition() + ", " + diverged.divergence());
    }
    PartitionResult mean = OrderedMerge.average(job.result(), w.length);
    if (mean.count() > 0) {
      System.arraycopy(mean.vector(), 0, w, 0, w.length);
      optimizer.restore(mean.optimizerState(),
          optimizerSteps + (plan.lastStep(s) - plan.firstStep(s)));
    }
    return totals.plus(mean.lossSum(), mean.count(), mean.computeNanos(), job.broadcastNanos(),
        job.jobNanos(), System.nanoTime() - t0);
  }
}
