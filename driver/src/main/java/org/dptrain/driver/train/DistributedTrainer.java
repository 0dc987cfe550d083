package org.dptrain.driver.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.dptrain.data.Block;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.train.BatchPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous data-parallel training on Spark: epochs, resumable positions, reports and the
 * listeners; what happens between two points where the driver holds the weights belongs to the
 * synchronisation scheme of {@link TrainConfig#sync()}: {@link DriverSync} (one Spark job per
 * synchronisation) or {@link AllreduceSync} (one barrier stage for many; the trainer returns to
 * the driver at each epoch's end and wherever the {@link SyncListener} wants the weights).
 *
 * <p>Input: an RDD of exactly one {@link Block} per partition, cached. Step t of epoch e takes, on
 * partition p, the slice of {@link BatchPlan}: a pure function of (seed, e, t, p), so with one
 * partition the run is bit-identical to {@link org.dptrain.train.ReferenceTrainer}, and with P
 * partitions it equals SGD over the union batch up to round-off. Partials are merged in partition
 * order ({@link OrderedMerge}), so runs are bit-identical whatever the task timing.
 *
 * <p>Local-steps mode (K &gt; 1): each partition takes K steps on its own slices with a local
 * optimizer, then parameters and optimizer state are averaged, weighted by the examples each
 * partition used. Post-local SGD ({@link TrainConfig#synchronousEpochs()} N &gt; 0): the first N
 * epochs take synchronous steps, the rest K local steps; the trainer switches its epoch plan and
 * sync scheme once, at the start of epoch N + 1, and the weights and optimizer state carry over.
 */
public final class DistributedTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

  /** Called after each epoch with the report and the current weights; returns true to stop. */
  @FunctionalInterface
  public interface EpochListener {
    boolean afterEpoch(EpochReport report, double[] weights, Optimizer optimizer);
  }

  /**
   * Called on the driver after each synchronisation (progress display); must not throw. In
   * {@code --sync allreduce} the driver sees only the end of each barrier stage, so it is called
   * once per stage, with the steps done by then.
   */
  @FunctionalInterface
  public interface ProgressListener {
    ProgressListener NONE = (epoch, stepsDone, stepsPerEpoch) -> { };

    /**
     * @param epoch 1-based
     * @param stepsDone steps of this epoch done so far, 1..stepsPerEpoch
     * @param stepsPerEpoch global optimizer steps in an epoch
     */
    void afterSync(int epoch, int stepsDone, int stepsPerEpoch);
  }

  /**
   * Called at every point where training could be resumed: after each synchronisation inside an
   * epoch, and after each epoch (once the {@link EpochListener} has seen it, unless it stopped
   * training or it was the last epoch) with the position at the start of the next epoch. The
   * arrays passed are the trainer's own: read them, do not keep or modify them.
   */
  @FunctionalInterface
  public interface SyncListener {
    SyncListener NONE = new SyncListener() {
      @Override
      public void afterSync(Position position, double[] weights, Optimizer optimizer) {}

      @Override
      public boolean wants(Position next) {
        return false;
      }
    };

    void afterSync(Position position, double[] weights, Optimizer optimizer);

    /**
     * Whether the listener needs the weights at {@code next}, a position inside an epoch that
     * training has not reached yet ({@code next.totals()} is not known then: it is ZERO). A
     * scheme that runs several synchronisations without the driver (allreduce) returns to the
     * driver at the first such position; elsewhere the listener is still called, but only at the
     * positions where the driver holds the weights. By default every position is wanted.
     */
    default boolean wants(Position next) {
      return true;
    }
  }

  /**
   * The result of training.
   *
   * @param weights final parameters
   * @param optimizer the optimizer with its final state and step count
   * @param epochs one report per epoch run
   * @param stoppedEarly whether the listener stopped training before the last epoch
   */
  public record Outcome(double[] weights, Optimizer optimizer, List<EpochReport> epochs,
      boolean stoppedEarly) {}

  private final JavaSparkContext sc;
  private final TrainConfig config;
  private TaskHook hook = TaskHook.NONE;
  private SyncListener syncListener = SyncListener.NONE;
  private ProgressListener progressListener = ProgressListener.NONE;
  private boolean checkReplicas;

  /** A trainer with the synchronisation scheme of {@code config.sync()}. */
  public DistributedTrainer(JavaSparkContext sc, TrainConfig config) {
    this.sc = sc;
    this.config = config;
  }

  /** Installs a hook run at the start of every partition task (tests only). */
  public DistributedTrainer withTaskHook(TaskHook taskHook) {
    this.hook = taskHook;
    return this;
  }

  /**
   * Tests: in {@code --sync allreduce}, compare every task's weights and optimizer state after
   * every synchronisation and fail the stage if two differ (also on with the Spark setting
   * {@code spark.dptrain.allreduce.checkReplicas=true}). No effect in driver mode.
   */
  public DistributedTrainer withReplicaCheck(boolean check) {
    this.checkReplicas = check;
    return this;
  }

  /** Installs a listener called at every resumable point (checkpoints use it). */
  public DistributedTrainer withSyncListener(SyncListener listener) {
    this.syncListener = listener;
    return this;
  }

  /** Installs a listener told after each synchronisation (progress bars). */
  public DistributedTrainer withProgressListener(ProgressListener listener) {
    this.progressListener = listener;
    return this;
  }

  /**
   * Refuses, before any data is read, a cluster the synchronisation mode cannot run on:
   * {@code --sync allreduce} under dynamic allocation, or with a bad {@code
   * spark.dptrain.allreduce.timeout}. (Slots are counted when training starts: with fewer slots
   * than partitions, one barrier task takes several partitions.)
   *
   * @throws IllegalArgumentException naming the setting and what to change
   */
  public static void checkCluster(SparkConf conf, SyncMode mode) {
    switch (mode) {
      case DRIVER -> { }
      case ALLREDUCE -> {
        AllreduceSync.checkCluster(conf);
        AllreduceSync.timeout(conf);
      }
    }
  }

  /**
   * Trains from {@code initialWeights} (not modified) on {@code blocks}, one block per partition,
   * from the start of epoch {@code firstEpoch}.
   *
   * @see #train(JavaRDD, double[], Optimizer, Position, EpochListener)
   */
  public Outcome train(JavaRDD<Block> blocks, double[] initialWeights, Optimizer optimizer,
      int firstEpoch, EpochListener listener) {
    return train(blocks, initialWeights, optimizer, Position.startOfEpoch(firstEpoch), listener);
  }

  /**
   * Trains from {@code initialWeights} (not modified) on {@code blocks}, one block per partition.
   * Every step is checked: a NaN or infinite loss, gradient or updated weight stops training with
   * a {@link TrainingDivergedException} before that state is handed to any listener.
   *
   * @param optimizer fresh, or restored from a checkpoint or warm start
   * @param start where to start: the beginning of an epoch, or a position inside one from a
   *     checkpoint (its accumulators continue, so the epoch's report is the uninterrupted one);
   *     epochs run up to config.epochs()
   * @throws IllegalArgumentException if the blocks hold no example or do not fit the network, or
   *     a mid-epoch start was taken with another number of steps or synchronisations per epoch
   * @throws TrainingDivergedException if a loss, gradient or weight stops being finite
   */
  public Outcome train(JavaRDD<Block> blocks, double[] initialWeights, Optimizer optimizer,
      Position start, EpochListener listener) {
    NetworkSpec spec = config.spec();
    if (initialWeights.length != spec.numParams()) {
      throw new IllegalArgumentException("initial weights have " + initialWeights.length
          + " values, " + spec + " has " + spec.numParams() + " parameters");
    }
    EpochPlan counted = EpochPlan.of(blocks, spec, config);
    LOG.info("training {} on {} examples in {}, global batch {}{}", spec, counted.total(),
        counted, config.batchSize(), config.synchronousEpochs() == 0 ? ""
            : ", synchronous steps in the first " + config.synchronousEpochs() + " epochs");
    EpochPlan startPlan = counted.withStepsPerSync(config.localStepsIn(start.epoch()));
    if (start.sync() > 0 && (start.stepsPerEpoch() != startPlan.steps()
        || start.syncsPerEpoch() != startPlan.syncs())) {
      throw new IllegalArgumentException("cannot resume inside epoch " + (start.epoch() + 1)
          + ": it was started with " + start.stepsPerEpoch() + " steps in "
          + start.syncsPerEpoch() + " synchronisations per epoch, these data and settings give "
          + startPlan.steps() + " in " + startPlan.syncs());
    }
    double[] w = initialWeights.clone();
    List<EpochReport> reports = new ArrayList<>();
    boolean stopped = false;
    // one scheme per run of epochs with the same K: post-local SGD switches once
    EpochPlan plan = null;
    SyncScheme scheme = null;
    try {
      for (int epoch = start.epoch(); epoch < config.epochs() && !stopped; epoch++) {
        EpochPlan wanted = counted.withStepsPerSync(config.localStepsIn(epoch));
        if (plan == null || plan.stepsPerSync() != wanted.stepsPerSync()) {
          if (scheme != null) {
            scheme.close();
            scheme = null;
          }
          plan = wanted;
          scheme = scheme(plan, blocks);
        }
        boolean resumed = epoch == start.epoch() && start.sync() > 0;
        EpochTotals totals = resumed ? start.totals() : EpochTotals.ZERO;
        long epochStart = System.nanoTime() - totals.elapsedNanos();
        int s = resumed ? start.sync() : 0;
        while (s < plan.syncs()) {
          int end = nextStop(plan, epoch, s, scheme.maxSyncsPerRun());
          sc.setJobDescription(String.format(Locale.ROOT, "dptrain epoch %d/%d step %d/%d",
              epoch + 1, config.epochs(), plan.lastStep(end - 1), plan.steps()));
          totals = scheme.run(epoch, s, end, w, optimizer, totals)
              .withElapsed(System.nanoTime() - epochStart);
          s = end;
          progressListener.afterSync(epoch + 1, plan.lastStep(s - 1), plan.steps());
          if (s < plan.syncs()) {
            syncListener.afterSync(plan.position(epoch, s, totals), w, optimizer);
          }
        }
        EpochReport report = report(epoch, plan, totals, System.nanoTime() - epochStart,
            optimizer);
        reports.add(report);
        stopped = listener.afterEpoch(report, w, optimizer) && epoch + 1 < config.epochs();
        if (!stopped && epoch + 1 < config.epochs()) {
          EpochPlan next = counted.withStepsPerSync(config.localStepsIn(epoch + 1));
          syncListener.afterSync(next.position(epoch + 1, 0, EpochTotals.ZERO), w, optimizer);
        }
      }
    } finally {
      try {
        if (scheme != null) {
          scheme.close();
        }
      } finally {
        sc.setJobDescription(null);
      }
    }
    return new Outcome(w, optimizer, reports, stopped);
  }

  private SyncScheme scheme(EpochPlan plan, JavaRDD<Block> blocks) {
    return switch (config.sync()) {
      case DRIVER -> new DriverSync(sc, config, plan, blocks, hook);
      case ALLREDUCE -> new AllreduceSync(sc, config, plan, blocks, hook, checkReplicas);
    };
  }

  /**
   * Where a run from synchronisation {@code s} stops: after at most {@code most}
   * synchronisations, at the first position the sync listener wants, at the latest at the
   * epoch's end (validation and the epoch listener need the weights there).
   */
  private int nextStop(EpochPlan plan, int epoch, int s, int most) {
    int end = s + 1;
    while (end < plan.syncs() && end - s < most
        && !syncListener.wants(plan.position(epoch, end, EpochTotals.ZERO))) {
      end++;
    }
    return end;
  }

  private EpochReport report(int epoch, EpochPlan plan, EpochTotals t, long elapsedNanos,
      Optimizer optimizer) {
    return new EpochReport(epoch + 1, plan.steps(), plan.syncs(), t.lossSum() / t.examples(),
        t.examples(), elapsedNanos / 1e9, t.computeNanos() / 1e9,
        optimizer.currentLearningRate(), t.broadcastNanos() / 1e9, t.jobNanos() / 1e9,
        t.updateNanos() / 1e9);
  }
}
