package org.dptrain.driver.train;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.dptrain.data.Block;
import org.dptrain.optim.Optimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * {@code --sync allreduce}: one Spark barrier stage runs many synchronisations (up to the
 * epoch's end or the next position a listener wants), the driver out of the per-step path.
 *
 * <pre>
 *   broadcast w, optimizer state → barrier stage of T tasks, each owning a contiguous range of
 *   the P partitions: per synchronisation, partials → Σ in partition order among the tasks
 *   (Collective) → the same update on every task → task 0 returns w, optimizer state, the
 *   epoch's loss sum → destroy
 * </pre>
 *
 * <p>The number of partitions (the math) is independent of the number of tasks (the slots):
 * T = min(P, slots), and the tasks' in-order sum over their ordered lists of partials is the
 * driver mode's sum over partitions, so both modes give the same bits (driver mode at
 * aggregation depth 1). With T &lt; P the cached blocks are regrouped once per run by a shuffle
 * into T cached partitions (Spark refuses a barrier stage whose RDD chain changes the number of
 * partitions without one).
 *
 * <p>Spark aborts a job whose barrier result stage fails; this class then reruns the stage from
 * the weights the driver holds (so the rerun gives the same bits), up to {@code
 * spark.stage.maxConsecutiveAttempts} attempts in all. Peers authenticate with a per-stage key
 * ({@link GroupSecret}), encrypt when {@code spark.network.crypto.enabled}, and give up on a
 * silent peer after {@value #TIMEOUT_KEY} (default {@value #DEFAULT_TIMEOUT}).
 */
final class AllreduceSync implements SyncScheme {
  private static final Logger LOG = LoggerFactory.getLogger(AllreduceSync.class);
  /** Spark configuration key: how long a task waits for a silent peer. */
  static final String TIMEOUT_KEY = "spark.dptrain.allreduce.timeout";
  static final String DEFAULT_TIMEOUT = "120s";
  /** Spark configuration key (tests): compare every task's weights after every step. */
  static final String CHECK_REPLICAS_KEY = "spark.dptrain.allreduce.checkReplicas";

  private final JavaSparkContext sc;
  private final SparkConf conf;
  private final TrainConfig config;
  private final EpochPlan plan;
  private final TaskHook hook;
  private final boolean checkReplicas;
  private final TaskGroups groups;
  private final JavaRDD<Block> input;
  private final boolean regrouped;
  private final Duration timeout;
  private final boolean encrypt;
  private final int maxAttempts;

  /**
   * Checks the cluster and, with fewer slots than partitions, regroups the blocks.
   *
   * @throws IllegalArgumentException under dynamic allocation, or with a bad timeout
   * @throws IllegalStateException without any executor slot
   */
  AllreduceSync(JavaSparkContext sc, TrainConfig config, EpochPlan plan, JavaRDD<Block> blocks,
      TaskHook hook, boolean checkReplicas) {
    this.sc = sc;
    this.conf = sc.getConf();
    this.config = config;
    this.plan = plan;
    this.hook = hook;
    this.checkReplicas = checkReplicas || conf.getBoolean(CHECK_REPLICAS_KEY, false);
    checkCluster(conf);
    this.timeout = timeout(conf);
    this.encrypt = conf.getBoolean("spark.network.crypto.enabled", false);
    this.maxAttempts = Math.max(1, conf.getInt("spark.stage.maxConsecutiveAttempts", 4));
    int slots = slots(sc);
    if (slots < 1) {
      throw new IllegalStateException("--sync allreduce needs at least one executor slot for"
          + " its barrier stage and the application has none; wait for executors or use --sync"
          + " driver");
    }
    int p = plan.partitions();
    this.groups = new TaskGroups(p, Math.min(p, slots));
    if (groups.tasks() < p) {
      LOG.info("--sync allreduce: {} partitions on {} barrier tasks (the cluster has {} slots),"
          + " {} to {} partitions each; the blocks are regrouped once", p, groups.tasks(),
          slots, p / groups.tasks(), (p + groups.tasks() - 1) / groups.tasks());
    }
    this.regrouped = groups.tasks() < p;
    this.input = regrouped ? regroup(blocks, groups) : blocks;
  }

  /**
   * Refuses what a barrier stage cannot run under: dynamic allocation (as Spark decides it, so
   * not in local mode).
   *
   * @throws IllegalArgumentException naming the setting and what to change
   */
  static void checkCluster(SparkConf conf) {
    String master = conf.get("spark.master", "");
    boolean local = master.equals("local") || master.startsWith("local[");
    if (conf.getBoolean("spark.dynamicAllocation.enabled", false) && !local) {
      throw new IllegalArgumentException("--sync allreduce runs each epoch as one Spark barrier"
          + " stage whose tasks must all run at once, and Spark refuses barrier stages under"
          + " dynamic allocation (spark.dynamicAllocation.enabled=true): set it to false with a"
          + " fixed spark.executor.instances, or train with --sync driver");
    }
  }

  /** The peer timeout of {@value #TIMEOUT_KEY}. */
  static Duration timeout(SparkConf conf) {
    String text = conf.get(TIMEOUT_KEY, DEFAULT_TIMEOUT);
    long ms;
    try {
      ms = conf.getTimeAsMs(TIMEOUT_KEY, DEFAULT_TIMEOUT);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(TIMEOUT_KEY + " '" + text + "' is not a duration such"
          + " as 120s or 2min", e);
    }
    if (ms < 1) {
      throw new IllegalArgumentException(TIMEOUT_KEY + " '" + text + "' must be positive");
    }
    return Duration.ofMillis(ms);
  }

  /** Tasks the application can run at once, as Spark's barrier check counts them. */
  static int slots(JavaSparkContext sc) {
    // private[spark] in Scala, public in the bytecode: the number Spark's own barrier check uses
    return sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager()
        .defaultResourceProfile());
  }

  /** The barrier tasks of each stage. */
  TaskGroups groups() {
    return groups;
  }

  @Override
  public int maxSyncsPerRun() {
    return Integer.MAX_VALUE;
  }

  @Override
  public EpochTotals run(int epoch, int fromSync, int toSync, double[] w, Optimizer optimizer,
      EpochTotals totals) {
    for (int attempt = 0; ; attempt++) {
      try {
        return stage(epoch, fromSync, toSync, w, optimizer, totals, attempt);
      } catch (Exception e) {
        if (!(e instanceof SparkException)) {
          throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        String where = String.format(Locale.ROOT, "the allreduce stage of epoch %d, steps"
            + " %d-%d", epoch + 1, plan.firstStep(fromSync) + 1, plan.lastStep(toSync - 1));
        if (attempt + 1 >= maxAttempts) {
          throw new IllegalStateException(where + " failed " + maxAttempts + " times"
              + " (spark.stage.maxConsecutiveAttempts); the last failure: " + e.getMessage(), e);
        }
        LOG.warn("{} failed (attempt {} of {}); rerunning it from the driver's weights: {}",
            where, attempt + 1, maxAttempts, e.getMessage());
      }
    }
  }

  /** One attempt of the stage: w and optimizer change only once it has succeeded. */
  private EpochTotals stage(int epoch, int fromSync, int toSync, double[] w, Optimizer optimizer,
      EpochTotals totals, int attempt) throws Exception {
    long optimizerSteps = optimizer.stepCount();
    GroupSecret secret = GroupSecret.create(conf);
    String interrupt = sc.getLocalProperty("spark.job.interruptOnCancel");
    sc.setLocalProperty("spark.job.interruptOnCancel", "true");
    BroadcastJob.Timed<StageResult[]> job;
    try {
      job = BroadcastJob.run(sc, LocalStepsTask.pack(w, optimizer.state()),
          bw -> (StageResult[]) input.rdd().barrier().mapPartitions(new AllreduceTask(config,
              plan, groups, epoch, fromSync, toSync, bw, optimizerSteps, totals.lossSum(),
              totals.examples(), secret, encrypt, timeout, hook, attempt, checkReplicas), false,
              ClassTag$.MODULE$.apply(StageResult.class)).collect());
    } finally {
      sc.setLocalProperty("spark.job.interruptOnCancel", interrupt);
    }
    long t0 = System.nanoTime();
    StageResult first = null;
    StageResult root = null;
    long compute = 0;
    long collective = 0;
    long bytes = 0;
    for (StageResult r : job.result()) {
      first = r.divergedBefore(first) ? r : first;
      root = r.rank() == 0 ? r : root;
      compute = Math.max(compute, r.computeNanos());
      collective = Math.max(collective, r.collectiveNanos());
      bytes += r.bytesSent();
    }
    if (first != null && first.divergence() != null) {
      throw new TrainingDivergedException(epoch + 1, first.divergedStep(),
          first.divergedOptimizerStep(), first.divergence());
    }
    if (root == null || root.weights() == null) {
      throw new IllegalStateException("the allreduce stage of epoch " + (epoch + 1)
          + " returned no weights from task 0");
    }
    System.arraycopy(root.weights(), 0, w, 0, w.length);
    optimizer.restore(root.optimizerState(), root.optimizerSteps());
    if (LOG.isInfoEnabled()) {
      LOG.info(String.format(Locale.ROOT, "allreduce stage: epoch %d, steps %d-%d on %d tasks in"
          + " %.1f ms (compute %.1f ms, collective %.1f ms, slowest task; %.1f MB between"
          + " tasks)", epoch + 1, plan.firstStep(fromSync) + 1, plan.lastStep(toSync - 1),
          groups.tasks(), job.jobNanos() / 1e6, compute / 1e6, collective / 1e6, bytes / 1e6));
    }
    return totals.carriedOn(root.lossSum(), root.examples(), compute, job.broadcastNanos(),
        job.jobNanos(), System.nanoTime() - t0);
  }

  @Override
  public void close() {
    if (regrouped) {
      input.unpersist(false);
    }
  }

  /**
   * The blocks in T partitions, task t's partition holding the blocks of its range in partition
   * order; cached (MEMORY_AND_DISK) and materialised.
   */
  private static JavaRDD<Block> regroup(JavaRDD<Block> blocks, TaskGroups groups) {
    JavaPairRDD<Integer, Block> keyed = JavaPairRDD.fromJavaRDD(blocks.mapPartitionsWithIndex(
        (p, it) -> {
          List<Tuple2<Integer, Block>> out = new ArrayList<>();
          it.forEachRemaining(b -> out.add(new Tuple2<>(p, b)));
          return out.iterator();
        }, true));
    JavaRDD<Block> grouped = keyed.partitionBy(groups.partitioner()).mapPartitions(it -> {
      List<Tuple2<Integer, Block>> mine = new ArrayList<>();
      it.forEachRemaining(mine::add);
      mine.sort(Comparator.comparingInt(Tuple2::_1));
      return mine.stream().map(Tuple2::_2).iterator();
    }, true);
    grouped.persist(StorageLevel.MEMORY_AND_DISK());
    grouped.count();
    return grouped;
  }
}
