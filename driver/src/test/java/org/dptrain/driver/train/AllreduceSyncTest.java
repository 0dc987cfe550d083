package org.dptrain.driver.train;

import static org.dptrain.driver.train.DistributedTrainerTest.SPEC;
import static org.dptrain.driver.train.DistributedTrainerTest.unionBatchSgd;
import static org.dptrain.driver.train.DistributedTrainerTest.assertRelativelyClose;
import static org.dptrain.driver.train.DistributedTrainerTest.blobs;
import static org.dptrain.driver.train.DistributedTrainerTest.rdd;
import static org.dptrain.driver.train.DistributedTrainerTest.split;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.dptrain.data.Block;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;
import org.dptrain.train.ReferenceTrainer;
import org.junit.jupiter.api.Test;

/**
 * {@code --sync allreduce} keeps every promise of the driver mode, bit for bit, on local[2,2]
 * (two slots: P = 3 and 4 put several partitions on one barrier task). Every Spark run here
 * compares all tasks' weights after every synchronisation.
 */
class AllreduceSyncTest {
  private static final long SEED = 11L;

  static TrainConfig config(OptimizerSpec opt, int batch, int epochs, int localSteps,
      SyncMode sync) {
    return new TrainConfig(SPEC, opt, batch, epochs, SEED, localSteps, 1, sync);
  }

  static DistributedTrainer trainer(TrainConfig cfg, TaskHook hook) {
    return new DistributedTrainer(SparkTestSession.context(), cfg).withTaskHook(hook)
        .withReplicaCheck(true);
  }

  static DistributedTrainer.Outcome run(TrainConfig cfg, JavaRDD<Block> blocks, TaskHook hook) {
    return trainer(cfg, hook).train(blocks, Initializer.initialize(cfg.spec(), SEED),
        new Optimizer(cfg.optimizer(), cfg.spec().numParams()), 0, (r, w, o) -> false);
  }

  /** Same weights, optimizer state and step count, and the same epoch losses, to the bit. */
  static void assertSameBits(DistributedTrainer.Outcome expected,
      DistributedTrainer.Outcome actual, String what) {
    assertArrayEquals(expected.weights(), actual.weights(), 0.0, what);
    assertArrayEquals(expected.optimizer().state(), actual.optimizer().state(), 0.0, what);
    assertEquals(expected.optimizer().stepCount(), actual.optimizer().stepCount(), what);
    assertEquals(expected.epochs().size(), actual.epochs().size(), what);
    for (int e = 0; e < expected.epochs().size(); e++) {
      EpochReport a = expected.epochs().get(e);
      EpochReport b = actual.epochs().get(e);
      assertEquals(a.trainLoss(), b.trainLoss(), 0.0, what + " epoch " + (e + 1));
      assertEquals(a.examples(), b.examples(), what);
      assertEquals(a.steps(), b.steps(), what);
      assertEquals(a.syncs(), b.syncs(), what);
    }
  }

  @Test
  void equalsTheDriverModeBitForBit() {
    Block data = blobs(230, 21);
    OptimizerSpec adam = OptimizerSpec.of(OptimizerSpec.Kind.ADAM, 0.01);
    OptimizerSpec momentum = OptimizerSpec.of(OptimizerSpec.Kind.MOMENTUM, 0.05);
    for (int[] sizes : new int[][] {{230}, {80, 70, 80}, {60, 60, 50, 60}}) {
      JavaRDD<Block> blocks = rdd(split(data, sizes));
      for (int k : new int[] {1, 4}) {
        OptimizerSpec opt = k == 1 ? adam : momentum;
        String what = "P = " + sizes.length + ", K = " + k;
        DistributedTrainer.Outcome driver = run(config(opt, 23, 2, k, SyncMode.DRIVER), blocks,
            TaskHook.NONE);
        DistributedTrainer.Outcome allreduce = run(config(opt, 23, 2, k, SyncMode.ALLREDUCE),
            blocks, TaskHook.NONE);
        assertSameBits(driver, allreduce, what);
      }
    }
  }

  @Test
  void onePartitionIsTheReferenceTrainerAndManyAreTheUnionBatch() {
    Block data = blobs(203, 1);
    OptimizerSpec nesterov = OptimizerSpec.of(OptimizerSpec.Kind.NESTEROV, 0.05);
    ReferenceTrainer.Result ref = ReferenceTrainer.train(SPEC, Initializer.initialize(SPEC, SEED),
        data, new ReferenceTrainer.Config(16, 2, SEED, nesterov));
    DistributedTrainer.Outcome one = run(config(nesterov, 16, 2, 1, SyncMode.ALLREDUCE),
        rdd(List.of(data)), TaskHook.NONE);
    assertArrayEquals(ref.weights(), one.weights(), 0.0);
    assertEquals(ref.epochLoss()[1], one.epochs().get(1).trainLoss(), 0.0);

    int[] sizes = {71, 66, 66};
    List<Block> parts = split(data, sizes);
    OptimizerSpec sgd = OptimizerSpec.sgd(0.1);
    DistributedTrainer.Outcome out = run(config(sgd, 24, 2, 1, SyncMode.ALLREDUCE), rdd(parts),
        TaskHook.NONE);
    // single-machine SGD whose batch at step t is the union of the partitions' slices
    double[] w = unionBatchSgd(parts, sgd, 24, 2, SEED);
    assertRelativelyClose(w, out.weights(), 1e-12);
  }

  @Test
  void runsAreBitIdenticalWhateverTheTaskTimingAndARetryChangesNothing() {
    JavaRDD<Block> blocks = rdd(split(blobs(180, 3), 60, 60, 60));
    TrainConfig cfg = config(OptimizerSpec.of(OptimizerSpec.Kind.ADAM, 0.01), 30, 2, 1,
        SyncMode.ALLREDUCE);
    TaskHook jitter = (p, e, s, a) -> Thread.sleep(ThreadLocalRandom.current().nextInt(0, 8));
    DistributedTrainer.Outcome first = run(cfg, blocks, jitter);
    assertSameBits(first, run(cfg, blocks, jitter), "two runs with random delays");
    TaskHook failOnce = (p, e, s, attempt) -> {
      if (p == 2 && e == 1 && s == 3 && attempt == 0) {
        throw new IllegalStateException("injected failure of partition 2, epoch 2, step 4");
      }
    };
    assertSameBits(first, run(cfg, blocks, failOnce), "a stage rerun after a failed task");
    TaskHook always = (p, e, s, attempt) -> {
      if (p == 0 && e == 0 && s == 1) {
        throw new IllegalStateException("injected failure of partition 0, every attempt");
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> run(cfg, blocks, always));
    assertTrue(e.getMessage().startsWith("the allreduce stage of epoch 1, steps 1-6 failed 4"
        + " times (spark.stage.maxConsecutiveAttempts); the last failure: "), e.getMessage());
    // Spark reports the first task that failed: the injected failure, or its peer's collective
    // exception when the peer noticed the closed connection first
    assertTrue(e.getMessage().contains("injected failure of partition 0, every attempt")
        || e.getMessage().contains("task 0 (partition 0) on "), e.getMessage());
  }

  @Test
  void resumingInsideAnEpochGivesTheUninterruptedBits() {
    JavaRDD<Block> blocks = rdd(split(blobs(200, 8), 50, 50, 50, 50));
    for (int k : new int[] {1, 3}) {
      TrainConfig cfg = config(OptimizerSpec.of(OptimizerSpec.Kind.ADAM, 0.01), 20, 2, k,
          SyncMode.ALLREDUCE);
      DistributedTrainer.Outcome straight = run(cfg, blocks, TaskHook.NONE);
      // a listener that wants the weights at synchronisation 2 of epoch 2: the stage stops there
      List<Position> seen = new ArrayList<>();
      double[][] saved = new double[2][];
      long[] steps = new long[1];
      DistributedTrainer.SyncListener at = new DistributedTrainer.SyncListener() {
        @Override
        public void afterSync(Position p, double[] w, Optimizer o) {
          seen.add(p);
          if (p.epoch() == 1 && p.sync() == 2) {
            saved[0] = w.clone();
            saved[1] = o.state();
            steps[0] = o.stepCount();
          }
        }

        @Override
        public boolean wants(Position next) {
          return next.epoch() == 1 && next.sync() == 2;
        }
      };
      DistributedTrainer.Outcome stopped = trainer(cfg, TaskHook.NONE).withSyncListener(at)
          .train(blocks, Initializer.initialize(SPEC, SEED),
              new Optimizer(cfg.optimizer(), SPEC.numParams()), 0, (r, w, o) -> false);
      assertSameBits(straight, stopped, "K = " + k + " with a stop inside epoch 2");
      // the start of epoch 2, then the position it wants
      assertEquals(List.of(1, 1), seen.stream().map(Position::epoch).toList(), "K = " + k);
      assertEquals(List.of(0, 2), seen.stream().map(Position::sync).toList(), "K = " + k);
      Position mid = seen.get(1);
      Optimizer restored = new Optimizer(cfg.optimizer(), SPEC.numParams());
      restored.restore(saved[1], steps[0]);
      DistributedTrainer.Outcome resumed = trainer(cfg, TaskHook.NONE).train(blocks, saved[0],
          restored, mid, (r, w, o) -> false);
      assertArrayEquals(straight.weights(), resumed.weights(), 0.0, "K = " + k);
      assertEquals(straight.epochs().get(1).trainLoss(), resumed.epochs().get(0).trainLoss(),
          0.0, "K = " + k + ": the resumed epoch's report is the uninterrupted one");
    }
  }

  @Test
  void divergenceStopsAtTheSameStepWithTheSameMessage() {
    NetworkSpec spec = NetworkSpec.of(new int[] {4, 16, 1}, List.of("tanh", "linear"), "mse");
    SplittableRandom rnd = new SplittableRandom(5);
    int n = 120;
    double[] x = new double[4 * n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int f = 0; f < 4; f++) {
        x[4 * i + f] = rnd.nextGaussian();
        y[i] += 3 * x[4 * i + f];
      }
    }
    Block data = new Block(4, 1, n, x, y);
    JavaRDD<Block> blocks = rdd(split(data, 40, 40, 40));
    for (int k : new int[] {1, 4}) {
      List<String> messages = new ArrayList<>();
      for (SyncMode mode : SyncMode.values()) {
        // the output error grows ~1e10-fold a step: the loss overflows within a few dozen
        TrainConfig cfg = new TrainConfig(spec, OptimizerSpec.sgd(1e10), 12, 4, SEED, k, 1,
            mode);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
            () -> trainer(cfg, TaskHook.NONE).train(blocks, Initializer.initialize(spec, SEED),
                new Optimizer(cfg.optimizer(), spec.numParams()), 0, (r, w, o) -> false));
        messages.add(e.getMessage());
      }
      assertEquals(messages.get(0), messages.get(1), "K = " + k);
      assertTrue(messages.get(1).matches("training diverged at epoch \\d, step \\d+ \\(optimizer"
          + " step \\d+\\): " + (k == 1 ? "" : "on partition [012], ") + "the .* — lower --lr or"
          + " use --clip-norm"), messages.get(1));
    }
  }

  @Test
  void dynamicAllocationIsRefusedBeforeTraining() {
    SparkConf cluster = new SparkConf(false).set("spark.master", "spark://head:7077")
        .set("spark.dynamicAllocation.enabled", "true");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AllreduceSync.checkCluster(cluster));
    assertEquals("--sync allreduce runs each epoch as one Spark barrier stage whose tasks must"
        + " all run at once, and Spark refuses barrier stages under dynamic allocation"
        + " (spark.dynamicAllocation.enabled=true): set it to false with a fixed"
        + " spark.executor.instances, or train with --sync driver", e.getMessage());
    // Spark ignores dynamic allocation in local mode, and so does the check
    AllreduceSync.checkCluster(new SparkConf(false).set("spark.master", "local[4]")
        .set("spark.dynamicAllocation.enabled", "true"));
    AllreduceSync.checkCluster(cluster.clone().set("spark.dynamicAllocation.enabled", "false"));
    assertEquals("spark.dptrain.allreduce.timeout 'soon' is not a duration such as 120s or"
        + " 2min", assertThrows(IllegalArgumentException.class, () -> AllreduceSync.timeout(
            cluster.clone().set("spark.dptrain.allreduce.timeout", "soon"))).getMessage());
    assertEquals(120_000, AllreduceSync.timeout(cluster).toMillis());
  }

  @Test
  void partitionsSpreadOverTasksInContiguousRanges() {
    TaskGroups g = new TaskGroups(16, 3);
    List<String> labels = new ArrayList<>();
    int next = 0;
    for (int t = 0; t < 3; t++) {
      assertEquals(next, g.first(t));
      for (int p = g.first(t); p < g.end(t); p++) {
        assertEquals(t, g.taskOf(p));
      }
      next = g.end(t);
      labels.add(g.label(t));
    }
    assertEquals(16, next);
    assertEquals(List.of("task 0 (partitions 0-4)", "task 1 (partitions 5-9)",
        "task 2 (partitions 10-15)"), labels);
    assertEquals("task 0 (partition 0)", new TaskGroups(1, 1).label(0));
    assertEquals("cannot spread 2 partitions over 3 tasks: need 1 <= tasks <= partitions",
        assertThrows(IllegalArgumentException.class, () -> new TaskGroups(2, 3)).getMessage());
    for (int p = 1; p <= 40; p++) {
      for (int t = 1; t <= p; t++) {
        TaskGroups h = new TaskGroups(p, t);
        for (int q = 0; q < p; q++) {
          int owner = h.taskOf(q);
          assertTrue(h.first(owner) <= q && q < h.end(owner), p + "/" + t + ": " + q);
        }
      }
    }
  }

  @Test
  void theModeParsesFromItsNamesOnly() {
    assertEquals(SyncMode.ALLREDUCE, SyncMode.parse(" AllReduce "));
    assertEquals(SyncMode.DRIVER, SyncMode.parse("driver"));
    assertEquals("unknown synchronisation mode 'ring': expected one of driver, allreduce",
        assertThrows(IllegalArgumentException.class, () -> SyncMode.parse("ring")).getMessage());
    assertEquals("aggregation depth 2 applies to --sync driver only; --sync allreduce sums the"
        + " partials among the tasks (depth 1)", assertThrows(IllegalArgumentException.class,
            () -> new TrainConfig(SPEC, OptimizerSpec.sgd(0.1), 8, 1, 1L, 1, 2,
                SyncMode.ALLREDUCE)).getMessage());
    assertEquals(SyncMode.DRIVER, new TrainConfig(SPEC, OptimizerSpec.sgd(0.1), 8, 1, 1L, 1, 2)
        .sync());
  }

  @Test
  void stageResultsCrossKryoWithRegistrationRequired() {
    org.apache.spark.serializer.SerializerInstance kryo =
        new org.apache.spark.serializer.KryoSerializer(SparkTestSession.get().sparkContext()
            .getConf()).newInstance();
    scala.reflect.ClassTag<StageResult> tag = scala.reflect.ClassTag$.MODULE$.apply(
        StageResult.class);
    StageResult root = new StageResult(0, 12.5, 300, 42, new double[] {-0.0, 1e-300},
        new double[0], 7, 8, 9, 10, 0, 0, -1, null);
    StageResult r = kryo.deserialize(kryo.serialize(root, tag), tag);
    assertEquals(root.lossSum(), r.lossSum(), 0.0);
    assertEquals(300, r.examples());
    assertEquals(42, r.optimizerSteps());
    assertArrayEquals(root.weights(), r.weights(), 0.0);
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(r.weights()[0]));
    assertEquals(0, r.optimizerState().length);
    assertEquals(List.of(7L, 8L, 9L, 10L), List.of(r.computeNanos(), r.collectiveNanos(),
        r.bytesSent(), r.bytesReceived()));
    StageResult bad = kryo.deserialize(kryo.serialize(new StageResult(1, 0, 0, 3, null, null, 1,
        2, 3, 4, 17, 33, 2, "on partition 2, the mean loss of the step is NaN"), tag), tag);
    assertEquals(null, bad.weights());
    assertEquals(17, bad.divergedStep());
    assertEquals(33, bad.divergedOptimizerStep());
    assertEquals(2, bad.divergedPartition());
    assertEquals("on partition 2, the mean loss of the step is NaN", bad.divergence());
    assertTrue(bad.divergedBefore(r), "a divergence comes before none");
  }

  @Test
  void theGroupKeyIsHkdfSha256() {
    // RFC 5869, test case 1: the first 32 bytes of the output
    HexFormat hex = HexFormat.of();
    byte[] ikm = hex.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = hex.parseHex("000102030405060708090a0b0c");
    byte[] info = hex.parseHex("f0f1f2f3f4f5f6f7f8f9");
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
        hex.formatHex(GroupSecret.derive(ikm, salt, info)));
    SparkConf plain = new SparkConf(false);
    byte[] a = GroupSecret.create(plain).key();
    byte[] b = GroupSecret.create(plain).key();
    assertEquals(32, a.length);
    assertTrue(!java.util.Arrays.equals(a, b), "every stage draws its own token");
  }
}
