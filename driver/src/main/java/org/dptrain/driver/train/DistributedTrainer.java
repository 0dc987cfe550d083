package org.dptrain.driver.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.dptrain.data.Block;
import org.dptrain.gradient.GradientAccumulator;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.train.BatchPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Synchronous data-parallel training on Spark: the one class that owns the loop
 *
 * <pre>
 *   broadcast w_t → every partition: its share of step t's batch, forward + backward
 *   → partials merged in PARTITION ORDER → mean gradient → optimizer step on the driver
 *   → destroy the broadcast
 * </pre>
 *
 * <p>Input: an RDD of exactly one {@link Block} per partition, cached. Step t of epoch e takes, on
 * partition p, the slice of {@link BatchPlan}: a pure function of (seed, e, t, p), so with one
 * partition the run is bit-identical to {@link org.dptrain.train.ReferenceTrainer}, and with P
 * partitions it equals SGD over the union batch up to round-off.
 *
 * <p>Why not Spark's treeAggregate: it combines partials in the order tasks finish, and floating
 * point addition is not associative, so two runs would differ in the last bits. Here partials are
 * collected (depth 1) or merged in a keyed tree (depth &ge; 2), always sorted by partition.
 *
 * <p>Local-steps mode (K &gt; 1): each partition takes K steps on its own slices with a local
 * optimizer, then the driver averages parameters and optimizer state, weighted by the examples
 * each partition used. One Spark job per K steps instead of per step.
 */
public final class DistributedTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

  /** Called after each epoch with the report and the current weights; returns true to stop. */
  @FunctionalInterface
  public interface EpochListener {
    boolean afterEpoch(EpochReport report, double[] weights, Optimizer optimizer);
  }

  /** Called on the driver after each synchronisation (progress display); must not throw. */
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
    SyncListener NONE = (position, weights, optimizer) -> { };

    void afterSync(Position position, double[] weights, Optimizer optimizer);
  }

  /**
   * Sums over the synchronisations of an epoch so far: what a resumed epoch continues from, so
   * that its report is the one an uninterrupted epoch gives.
   *
   * @param lossSum Σ of the loss over the examples so far
   * @param examples examples so far
   * @param computeNanos Σ of the slowest partition's compute time per synchronisation
   * @param broadcastNanos driver time creating and destroying broadcasts
   * @param jobNanos wall time of the Spark jobs
   * @param updateNanos driver time merging and updating
   * @param elapsedNanos wall time of the epoch so far
   */
  public record EpochTotals(double lossSum, long examples, long computeNanos, long broadcastNanos,
      long jobNanos, long updateNanos, long elapsedNanos) {
    /** Nothing yet: the start of an epoch. */
    public static final EpochTotals ZERO = new EpochTotals(0.0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * A point between synchronisations where training can stop and resume.
   *
   * @param epoch 0-based epoch in progress (or about to start)
   * @param sync synchronisations of that epoch already done (0 = the epoch's start)
   * @param step steps of that epoch already done
   * @param stepsPerEpoch S
   * @param syncsPerEpoch synchronisations per epoch
   * @param totals the epoch's accumulators so far
   */
  public record Position(int epoch, int sync, int step, int stepsPerEpoch, int syncsPerEpoch,
      EpochTotals totals) {
    /** The start of training. */
    public static final Position START = new Position(0, 0, 0, 0, 0, EpochTotals.ZERO);

    /** Steps of all epochs so far: epoch · S + step. */
    public long globalStep() {
      return (long) epoch * stepsPerEpoch + step;
    }

    /** The start of 0-based epoch {@code e}. */
    public static Position startOfEpoch(int e) {
      return new Position(e, 0, 0, 0, 0, EpochTotals.ZERO);
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

  public DistributedTrainer(JavaSparkContext sc, TrainConfig config) {
    this.sc = sc;
    this.config = config;
  }

  /** Installs a hook run at the start of every partition task (tests only). */
  public DistributedTrainer withTaskHook(TaskHook taskHook) {
    this.hook = taskHook;
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
    int partitions = blocks.getNumPartitions();
    long[] sizes = partitionSizes(blocks, spec);
    long total = Arrays.stream(sizes).sum();
    if (total == 0) {
      throw new IllegalArgumentException("no examples to train on");
    }
    int steps = BatchPlan.stepsPerEpoch(total, config.batchSize());
    int k = config.localSteps() == 0 ? steps : Math.min(config.localSteps(), steps);
    int syncs = (steps + k - 1) / k;
    LOG.info("training {} on {} examples in {} partitions {}: {} steps of global batch {} per"
        + " epoch, {} per synchronisation ({} synchronisations per epoch)", spec, total, partitions,
        Arrays.toString(sizes), steps, config.batchSize(), k, syncs);

    if (start.sync() > 0 && (start.stepsPerEpoch() != steps || start.syncsPerEpoch() != syncs)) {
      throw new IllegalArgumentException("cannot resume inside epoch " + (start.epoch() + 1)
          + ": it was started with " + start.stepsPerEpoch() + " steps in "
          + start.syncsPerEpoch() + " synchronisations per epoch, these data and settings give "
          + steps + " in " + syncs);
    }
    double[] w = initialWeights.clone();
    double[] g = new double[w.length];
    List<EpochReport> reports = new ArrayList<>();
    boolean stopped = false;
    for (int epoch = start.epoch(); epoch < config.epochs() && !stopped; epoch++) {
      boolean resumed = epoch == start.epoch() && start.sync() > 0;
      EpochTotals before = resumed ? start.totals() : EpochTotals.ZERO;
      long epochStart = System.nanoTime() - before.elapsedNanos();
      double lossSum = before.lossSum();
      long examples = before.examples();
      long computeNanos = before.computeNanos();
      long broadcastNanos = before.broadcastNanos();
      long jobNanos = before.jobNanos();
      long updateNanos = before.updateNanos();
      for (int s = resumed ? start.sync() : 0; s < syncs; s++) {
        int firstStep = s * k;
        int lastStep = Math.min(steps, firstStep + k);
        sc.setJobDescription(String.format(Locale.ROOT, "dptrain epoch %d/%d step %d/%d",
            epoch + 1, config.epochs(), lastStep, steps));
        PartitionResult merged;
        long t0 = System.nanoTime();
        if (k == 1) {
          Broadcast<double[]> bw = sc.broadcast(w);
          long t1 = System.nanoTime();
          // forward + backward on the executors
          List<PartitionResult> parts;
          try {
            parts = collect(blocks.mapPartitionsWithIndex(new GradientTask(spec, config, epoch, s,
                steps, partitions, bw, hook), true));
          } catch (Throwable e) {
            // Spark rethrows job failures as its (checked) SparkException
            bw.destroy();
            throw e;
          }
          long t2 = System.nanoTime();
          bw.destroy();
          long t3 = System.nanoTime();
          // update on the driver (a step whose global batch is empty, possible only with fewer
          // examples in some partitions than steps, changes nothing)
          merged = sumInOrder(parts, 0);
          if (merged.count() > 0) {
            new GradientAccumulator(spec, 1, merged.vector(), merged.lossSum(), merged.count())
                .mean(g);
            String bad = Finite.check(merged.lossSum(), g);
            if (bad != null) {
              throw new TrainingDivergedException(epoch + 1, firstStep + 1,
                  optimizer.stepCount() + 1, bad);
            }
            optimizer.step(w, g);
            if (!Finite.all(w)) {
              throw new TrainingDivergedException(epoch + 1, firstStep + 1,
                  optimizer.stepCount(), "the weights after the update are not finite");
            }
          }
          long t4 = System.nanoTime();
          broadcastNanos += (t1 - t0) + (t3 - t2);
          jobNanos += t2 - t1;
          updateNanos += t4 - t3;
        } else {
          double[] packed = pack(w, optimizer.state());
          Broadcast<double[]> bw = sc.broadcast(packed);
          long t1 = System.nanoTime();
          List<PartitionResult> parts;
          try {
            parts = blocks.mapPartitionsWithIndex(new LocalStepsTask(spec, config, epoch, s,
                firstStep, lastStep, steps, partitions, optimizer.stepCount(), bw, hook), true)
                .collect();
          } catch (Throwable e) {
            // Spark rethrows job failures as its (checked) SparkException
            bw.destroy();
            throw e;
          }
          long t2 = System.nanoTime();
          bw.destroy();
          long t3 = System.nanoTime();
          PartitionResult diverged = firstDivergence(parts);
          if (diverged != null) {
            int t = diverged.divergedStep();
            throw new TrainingDivergedException(epoch + 1, t + 1,
                optimizer.stepCount() + (t - firstStep) + 1,
                "on partition " + diverged.partition() + ", " + diverged.divergence());
          }
          merged = average(parts, w.length);
          if (merged.count() > 0) {
            System.arraycopy(merged.vector(), 0, w, 0, w.length);
            optimizer.restore(merged.optimizerState(),
                optimizer.stepCount() + (lastStep - firstStep));
          }
          long t4 = System.nanoTime();
          broadcastNanos += (t1 - t0) + (t3 - t2);
          jobNanos += t2 - t1;
          updateNanos += t4 - t3;
        }
        lossSum += merged.lossSum();
        examples += merged.count();
        computeNanos += merged.computeNanos();
        progressListener.afterSync(epoch + 1, lastStep, steps);
        if (s + 1 < syncs) {
          syncListener.afterSync(new Position(epoch, s + 1, lastStep, steps, syncs,
              new EpochTotals(lossSum, examples, computeNanos, broadcastNanos, jobNanos,
                  updateNanos, System.nanoTime() - epochStart)), w, optimizer);
        }
      }
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      EpochReport report = new EpochReport(epoch + 1, steps, syncs, lossSum / examples, examples,
          seconds, computeNanos / 1e9, optimizer.currentLearningRate(), broadcastNanos / 1e9,
          jobNanos / 1e9, updateNanos / 1e9);
      reports.add(report);
      stopped = listener.afterEpoch(report, w, optimizer) && epoch + 1 < config.epochs();
      if (!stopped && epoch + 1 < config.epochs()) {
        syncListener.afterSync(new Position(epoch + 1, 0, 0, steps, syncs, EpochTotals.ZERO), w,
            optimizer);
      }
    }
    sc.setJobDescription(null);
    return new Outcome(w, optimizer, reports, stopped);
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

  /** The partials, partly merged in a keyed tree on the executors when the depth is 2 or more;
   *  the caller sums what comes back in partition order. */
  private List<PartitionResult> collect(JavaRDD<PartitionResult> partials) {
    return config.aggregationDepth() == 1 ? partials.collect()
        : treeReduce(partials, config.aggregationDepth());
  }

  /** Reduces partials level by level, keys = index / fanout, merging each group sorted by index. */
  static List<PartitionResult> treeReduce(JavaRDD<PartitionResult> partials, int depth) {
    int n = partials.getNumPartitions();
    int fanout = Math.max(2, (int) Math.ceil(Math.pow(n, 1.0 / depth)));
    JavaPairRDD<Integer, PartitionResult> level =
        partials.mapToPair(r -> new Tuple2<>(r.partition(), r));
    while (n > fanout) {
      int groups = (n + fanout - 1) / fanout;
      int f = fanout;
      level = level.mapToPair(t -> new Tuple2<>(t._1() / f, t._2()))
          .groupByKey(groups)
          .mapToPair(t -> {
            List<PartitionResult> group = new ArrayList<>();
            t._2().forEach(group::add);
            return new Tuple2<>(t._1(), sumInOrder(group, t._1()));
          });
      n = groups;
    }
    List<PartitionResult> out = new ArrayList<>(level.values().collect());
    out.sort(Comparator.comparingInt(PartitionResult::partition));
    return out;
  }

  /** Σ of the partials sorted by index; the result carries {@code index}. */
  static PartitionResult sumInOrder(List<PartitionResult> parts, int index) {
    List<PartitionResult> sorted = new ArrayList<>(parts);
    sorted.sort(Comparator.comparingInt(PartitionResult::partition));
    double[] sum = null;
    double loss = 0.0;
    long count = 0;
    long compute = 0;
    for (PartitionResult r : sorted) {
      if (r.count() == 0) {
        continue;
      }
      if (sum == null) {
        sum = r.vector().clone();
        loss = r.lossSum();
      } else {
        double[] v = r.vector();
        for (int i = 0; i < sum.length; i++) {
          sum[i] += v[i];
        }
        loss += r.lossSum();
      }
      count += r.count();
      compute = Math.max(compute, r.computeNanos());
    }
    return new PartitionResult(index, count, loss, sum, null, compute);
  }

  /** Parameters and optimizer state averaged over partitions, weighted by examples used. */
  private static PartitionResult average(List<PartitionResult> parts, int numParams) {
    long count = 0;
    double loss = 0.0;
    long compute = 0;
    for (PartitionResult r : parts) {
      count += r.count();
      loss += r.lossSum();
      compute = Math.max(compute, r.computeNanos());
    }
    double[] w = new double[numParams];
    double[] state = null;
    for (PartitionResult r : parts) {
      if (r.count() == 0) {
        continue;
      }
      // with one partition the factor is exactly 1.0, so the average is the partition's bits
      double f = (double) r.count() / count;
      double[] v = r.vector();
      for (int i = 0; i < numParams; i++) {
        w[i] += f * v[i];
      }
      double[] s = r.optimizerState();
      if (state == null) {
        state = new double[s.length];
      }
      for (int i = 0; i < s.length; i++) {
        state[i] += f * s[i];
      }
    }
    return new PartitionResult(0, count, loss, w, state, compute);
  }

  /** The partition result reporting the earliest divergence (lowest step, then partition). */
  private static PartitionResult firstDivergence(List<PartitionResult> parts) {
    PartitionResult first = null;
    for (PartitionResult r : parts) {
      if (r.divergence() != null && (first == null || r.divergedStep() < first.divergedStep()
          || (r.divergedStep() == first.divergedStep() && r.partition() < first.partition()))) {
        first = r;
      }
    }
    return first;
  }

  static double[] pack(double[] w, double[] state) {
    double[] packed = Arrays.copyOf(w, w.length + state.length);
    System.arraycopy(state, 0, packed, w.length, state.length);
    return packed;
  }

  private static int attempt() {
    TaskContext tc = TaskContext.get();
    return tc == null ? 0 : tc.attemptNumber();
  }

  private static Block single(Iterator<Block> it) {
    if (!it.hasNext()) {
      return null;
    }
    Block b = it.next();
    if (it.hasNext()) {
      throw new IllegalStateException("a partition holds more than one block");
    }
    return b;
  }

  /**
   * The work of one partition in one synchronisation: runs the hook, takes the partition's block
   * (an empty partition returns an empty result), its epoch permutation and phase, and times the
   * work of {@link #run}.
   */
  abstract static class PartitionTask
      implements Function2<Integer, Iterator<Block>, Iterator<PartitionResult>> {
    private static final long serialVersionUID = 1L;
    final NetworkSpec spec;
    final TrainConfig config;
    final int epoch;
    final int sync;
    final int steps;
    final int partitions;
    final TaskHook hook;

    PartitionTask(NetworkSpec spec, TrainConfig config, int epoch, int sync, int steps,
        int partitions, TaskHook hook) {
      this.spec = spec;
      this.config = config;
      this.epoch = epoch;
      this.sync = sync;
      this.steps = steps;
      this.partitions = partitions;
      this.hook = hook;
    }

    @Override
    public Iterator<PartitionResult> call(Integer p, Iterator<Block> it) throws Exception {
      hook.beforeTask(p, epoch, sync, attempt());
      Block b = single(it);
      if (b == null || b.size() == 0) {
        return Collections.singletonList(new PartitionResult(p, 0, 0.0, null, null, 0)).iterator();
      }
      long t0 = System.nanoTime();
      int[] order = PermutationCache.get(config.seed(), epoch, p, b.size());
      GradientAccumulator acc = new GradientAccumulator(spec,
          Math.max(1, (b.size() + steps - 1) / steps));
      PartitionResult r = run(p, b, order, BatchPlan.phase(p, partitions, steps), acc);
      return Collections.singletonList(new PartitionResult(p, r.count(), r.lossSum(), r.vector(),
          r.optimizerState(), System.nanoTime() - t0, r.divergedStep(), r.divergence()))
          .iterator();
    }

    /** The partition's work on its block; {@code acc} holds one step's slice at most. */
    abstract PartitionResult run(int p, Block b, int[] order, int phase, GradientAccumulator acc);

    /** Step t's slice [from, to) of a block of n examples. */
    int from(int t, int n, int phase) {
      return BatchPlan.sliceStart(t, n, steps, phase);
    }
  }

  /** One synchronous step on one partition: the gradient sum over its slice. */
  static final class GradientTask extends PartitionTask {
    private static final long serialVersionUID = 1L;
    private final Broadcast<double[]> weights;

    GradientTask(NetworkSpec spec, TrainConfig config, int epoch, int step, int steps,
        int partitions, Broadcast<double[]> weights, TaskHook hook) {
      super(spec, config, epoch, step, steps, partitions, hook);
      this.weights = weights;
    }

    @Override
    PartitionResult run(int p, Block b, int[] order, int phase, GradientAccumulator acc) {
      int n = b.size();
      acc.add(weights.value(), b, order, from(sync, n, phase), from(sync + 1, n, phase));
      return new PartitionResult(p, acc.count(), acc.lossSum(), acc.gradientSum(), null, 0);
    }
  }

  /** Steps [firstStep, lastStep) on one partition with a local optimizer. */
  static final class LocalStepsTask extends PartitionTask {
    private static final long serialVersionUID = 1L;
    private final int firstStep;
    private final int lastStep;
    private final long optimizerSteps;
    private final Broadcast<double[]> packed;

    LocalStepsTask(NetworkSpec spec, TrainConfig config, int epoch, int sync, int firstStep,
        int lastStep, int steps, int partitions, long optimizerSteps, Broadcast<double[]> packed,
        TaskHook hook) {
      super(spec, config, epoch, sync, steps, partitions, hook);
      this.firstStep = firstStep;
      this.lastStep = lastStep;
      this.optimizerSteps = optimizerSteps;
      this.packed = packed;
    }

    @Override
    PartitionResult run(int p, Block b, int[] order, int phase, GradientAccumulator acc) {
      int numParams = spec.numParams();
      double[] all = packed.value();
      double[] w = Arrays.copyOf(all, numParams);
      Optimizer optimizer = new Optimizer(config.optimizer(), numParams);
      optimizer.restore(Arrays.copyOfRange(all, numParams, all.length), optimizerSteps);
      int n = b.size();
      double[] g = new double[numParams];
      double loss = 0.0;
      long count = 0;
      for (int t = firstStep; t < lastStep; t++) {
        int from = from(t, n, phase);
        int to = from(t + 1, n, phase);
        if (from == to) {
          continue;
        }
        acc.reset();
        acc.add(w, b, order, from, to);
        loss += acc.lossSum();
        count += acc.count();
        acc.mean(g);
        // checked here, per local step: the driver sees only the state after K of them
        String bad = Finite.check(acc.lossSum(), g);
        if (bad == null) {
          optimizer.step(w, g);
          bad = Finite.all(w) ? null : "the weights after the update are not finite";
        }
        if (bad != null) {
          return new PartitionResult(p, count, loss, null, null, 0, t, bad);
        }
      }
      return new PartitionResult(p, count, loss, w, optimizer.state(), 0);
    }
  }
}
