package org.dptrain.driver.bench;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManagerMaster;
import org.apache.spark.storage.BlockStatus;
import org.apache.spark.storage.BroadcastBlockId;
import org.apache.spark.storage.StorageLevel;
import org.dptrain.data.Block;
import org.dptrain.driver.spark.SparkSettings;
import org.dptrain.driver.train.DistributedTrainer;
import org.dptrain.driver.train.EpochReport;
import org.dptrain.driver.train.TrainConfig;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;

/**
 * Memory over a long run of synchronous steps: 784-256-128-10 (relu, relu, softmax) trained by
 * {@link DistributedTrainer} with {@code --local-steps 1} on synthetic data, one Spark job and one
 * broadcast of the weights (1.9 MB) per step. Every {@code --every} steps it prints the driver's
 * heap in use after a full GC, the storage memory in use summed over the block managers
 * ({@code SparkContext.getExecutorMemoryStatus}), and the broadcast variables whose blocks any block
 * manager still holds with the size of those blocks (asked of every block manager by the
 * BlockManagerMaster). Since the trainer destroys each step's weight broadcast, what remains are
 * the few kB-sized task binaries of recent jobs, which Spark's ContextCleaner removes; a weight
 * broadcast left alive would add 1.9 MB a step to storage memory and the broadcast bytes.
 *
 * <p>Usage: {@code MemoryBenchmark [--master local[2]] [--partitions 2] [--steps 1000]
 * [--every 100] [--batch-size 64] [--seed 7]}; the data has {@code every × batch-size} examples
 * (one epoch = {@code every} steps, 40 MB at the defaults), so a report falls after each epoch.
 */
public final class MemoryBenchmark {
  private static final int[] LAYERS = {784, 256, 128, 10};

  private MemoryBenchmark() {}

  public static void main(String[] args) {
    String master = "local[2]";
    int partitions = 2;
    int steps = 1000;
    int every = 100;
    int batch = 64;
    long seed = 7L;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--master" -> master = v;
        case "--partitions" -> partitions = Integer.parseInt(v);
        case "--steps" -> steps = Integer.parseInt(v);
        case "--every" -> every = Integer.parseInt(v);
        case "--batch-size" -> batch = Integer.parseInt(v);
        case "--seed" -> seed = Long.parseLong(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; known:"
            + " --master, --partitions, --steps, --every, --batch-size, --seed");
      }
    }
    if (steps % every != 0) {
      throw new IllegalArgumentException("--steps " + steps + " must be a multiple of --every "
          + every);
    }
    NetworkSpec spec = NetworkSpec.of(LAYERS, List.of("relu", "relu", "softmax"), "cross_entropy");
    SparkSession spark = SparkSession.builder().config(SparkSettings.apply(new SparkConf()
        .setMaster(master).setAppName("dptrain-memory-bench").set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")))
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    long examples = (long) every * batch;
    JavaRDD<Block> blocks = synthetic(sc, partitions, examples, seed);
    blocks.count();
    TrainConfig config = new TrainConfig(spec, OptimizerSpec.of(OptimizerSpec.Kind.ADAM, 0.001),
        batch, steps / every, seed, 1, 1);

    System.out.printf(Locale.ROOT, "# %s, %d partitions, %s, %d synchronous steps of batch %d on"
        + " %d synthetic examples; weights %.2f MB per broadcast%n", master, partitions, spec,
        steps, batch, examples, spec.numParams() * 8 / 1e6);
    System.out.println("#  step  driver heap after GC (MB)  storage memory used (MB)"
        + "  broadcasts held  their blocks (kB)  ms/step");
    report(sc, 0, 0.0);
    long[] stepsSoFar = {0};
    new DistributedTrainer(sc, config).train(blocks, Initializer.initialize(spec, seed),
        new Optimizer(config.optimizer(), spec.numParams()), 0, (EpochReport r, double[] w,
            Optimizer o) -> {
          stepsSoFar[0] += r.steps();
          report(sc, stepsSoFar[0], 1000.0 * r.seconds() / r.steps());
          return false;
        });
    blocks.unpersist(true);
    spark.stop();
  }

  /** One line: step, driver heap used after a full GC, storage memory used, broadcasts held. */
  private static void report(JavaSparkContext sc, long step, double msPerStep) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    double heap = memory.getHeapMemoryUsage().getUsed() / 1e6;
    long storageUsed = 0;
    for (Tuple2<Object, Object> maxAndRemaining : scala.jdk.javaapi.CollectionConverters.asJava(
        sc.sc().getExecutorMemoryStatus()).values()) {
      storageUsed += (Long) maxAndRemaining._1() - (Long) maxAndRemaining._2();
    }
    BlockManagerMaster blockManagers = SparkEnv.get().blockManager().master();
    Set<Long> broadcasts = new HashSet<>();
    long broadcastBytes = 0;
    for (BlockId id : scala.jdk.javaapi.CollectionConverters.asJava(
        blockManagers.getMatchingBlockIds(new IsBroadcast(), true))) {
      broadcasts.add(((BroadcastBlockId) id).broadcastId());
      for (BlockStatus b : scala.jdk.javaapi.CollectionConverters.asJava(
          blockManagers.getBlockStatus(id, true)).values()) {
        broadcastBytes += b.memSize() + b.diskSize();
      }
    }
    System.out.printf(Locale.ROOT, "%7d  %25.1f  %24.1f  %15d  %21.1f  %7.1f%n", step, heap,
        storageUsed / 1e6, broadcasts.size(), broadcastBytes / 1e3, msPerStep);
    System.out.flush();
  }

  /** Matches broadcast blocks; sent to every block manager, hence serializable. */
  private static final class IsBroadcast extends AbstractFunction1<BlockId, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object apply(BlockId id) {
      return id instanceof BroadcastBlockId;
    }
  }

  /**
   * {@code examples} random examples (features uniform in [0, 1), one-hot labels of 10 classes)
   * in one block per partition, generated on the executors from (seed, partition), cached.
   */
  static JavaRDD<Block> synthetic(JavaSparkContext sc, int partitions, long examples, long seed) {
    List<Integer> ids = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      ids.add(p);
    }
    int features = LAYERS[0];
    int classes = LAYERS[LAYERS.length - 1];
    JavaRDD<Block> blocks = sc.parallelize(ids, partitions).mapPartitionsWithIndex((p, it) -> {
      int n = (int) (examples / partitions + (p < examples % partitions ? 1 : 0));
      SplittableRandom random = new SplittableRandom(seed * 31 + p);
      double[] x = new double[features * n];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextDouble();
      }
      int[] labels = new int[n];
      for (int j = 0; j < n; j++) {
        labels[j] = random.nextInt(classes);
      }
      return Collections.singletonList(new Block(features, classes, n, x,
          Block.oneHot(labels, classes))).iterator();
    }, true);
    return blocks.persist(StorageLevel.MEMORY_ONLY());
  }
}
