package org.dptrain.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.dptrain.data.Block;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.gradient.GradientAccumulator;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;
import org.dptrain.train.BatchPlan;
import org.dptrain.train.ReferenceTrainer;
import org.junit.jupiter.api.Test;

/** The equivalences the distributed loop promises, on Spark local[2] with Kryo registration. */
class DistributedTrainerTest {
  static final NetworkSpec SPEC = NetworkSpec.of(new int[] {4, 6, 3}, List.of("tanh", "softmax"),
      "cross_entropy");

  /** Three Gaussian blobs in 4-D, n examples, one-hot targets. */
  static Block blobs(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] x = new double[4 * n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = rnd.nextInt(3);
      for (int f = 0; f < 4; f++) {
        x[i * 4 + f] = rnd.nextGaussian() * 0.7 + (f == labels[i] ? 2.0 : 0.0);
      }
    }
    return new Block(4, 3, n, x, Block.oneHot(labels, 3));
  }

  /** Columns [from, to) of a block. */
  static Block slice(Block b, int from, int to) {
    double[] x = java.util.Arrays.copyOfRange(b.x(), from * b.features(), to * b.features());
    double[] y = java.util.Arrays.copyOfRange(b.y(), from * b.outputs(), to * b.outputs());
    return new Block(b.features(), b.outputs(), to - from, x, y);
  }

  /** The data split into P contiguous blocks of the given sizes, one per partition. */
  static List<Block> split(Block data, int... sizes) {
    List<Block> parts = new ArrayList<>();
    int start = 0;
    for (int s : sizes) {
      parts.add(slice(data, start, start + s));
      start += s;
    }
    assertEquals(data.size(), start);
    return parts;
  }

  static JavaRDD<Block> rdd(List<Block> parts) {
    JavaSparkContext sc = SparkTestSession.context();
    return sc.parallelize(parts, parts.size()).cache();
  }

  static TrainConfig config(OptimizerSpec opt, int batch, int epochs, int localSteps, int depth) {
    return new TrainConfig(SPEC, opt, batch, epochs, 11L, localSteps, depth);
  }

  static DistributedTrainer.Outcome run(TrainConfig cfg, JavaRDD<Block> blocks, TaskHook hook) {
    return new DistributedTrainer(SparkTestSession.context(), cfg).withTaskHook(hook)
        .train(blocks, Initializer.initialize(SPEC, cfg.seed()),
            new Optimizer(cfg.optimizer(), SPEC.numParams()), 0, (r, w, o) -> false);
  }

  @Test
  void onePartitionIsBitIdenticalToTheReferenceTrainer() {
    Block data = blobs(203, 1);
    JavaRDD<Block> one = rdd(List.of(data));
    for (OptimizerSpec opt : List.of(OptimizerSpec.sgd(0.1),
        OptimizerSpec.of(OptimizerSpec.Kind.ADAM, 0.01),
        OptimizerSpec.of(OptimizerSpec.Kind.NESTEROV, 0.05))) {
      TrainConfig cfg = config(opt, 16, 3, 1, 1);
      ReferenceTrainer.Result ref = ReferenceTrainer.train(SPEC, Initializer.initialize(SPEC, 11L),
          data, new ReferenceTrainer.Config(16, 3, 11L, opt));
      DistributedTrainer.Outcome out = run(cfg, one, TaskHook.NONE);
      assertArrayEquals(ref.weights(), out.weights(), 0.0, opt.kind().id());
      for (int e = 0; e < 3; e++) {
        assertEquals(ref.epochLoss()[e], out.epochs().get(e).trainLoss(), 0.0);
      }
      // local steps over the whole epoch on one partition are the same computation
      DistributedTrainer.Outcome local = run(config(opt, 16, 3, 0, 1), one, TaskHook.NONE);
      assertArrayEquals(ref.weights(), local.weights(), 0.0, opt.kind().id() + " local steps");
    }
  }

  @Test
  void severalPartitionsEqualSgdOverTheUnionBatch() {
    Block data = blobs(300, 2);
    int[] sizes = {110, 95, 95};
    List<Block> parts = split(data, sizes);
    OptimizerSpec opt = OptimizerSpec.of(OptimizerSpec.Kind.MOMENTUM, 0.05);
    int batch = 24;
    int epochs = 2;
    DistributedTrainer.Outcome out = run(config(opt, batch, epochs, 1, 1), rdd(parts),
        TaskHook.NONE);

    // single-machine SGD whose batch at step t is the union of the partitions' slices
    double[] w = unionBatchSgd(parts, opt, batch, epochs, 11L);
    assertRelativelyClose(w, out.weights(), 1e-12);
    assertEquals(epochs, out.epochs().size());
    assertEquals(300, out.epochs().get(0).examples());
  }

  @Test
  void runsAreBitIdenticalWhateverTheTaskTiming() {
    Block data = blobs(240, 3);
    JavaRDD<Block> blocks = rdd(split(data, 60, 60, 60, 60));
    TaskHook jitter = (p, e, s, a) -> Thread.sleep(ThreadLocalRandom.current().nextInt(0, 15));
    for (int depth : new int[] {1, 2}) {
      TrainConfig cfg = config(OptimizerSpec.of(OptimizerSpec.Kind.ADAM, 0.01), 32, 2, 1, depth);
      double[] first = run(cfg, blocks, jitter).weights();
      double[] second = run(cfg, blocks, jitter).weights();
      assertArrayEquals(first, second, 0.0, "depth " + depth);
    }
  }

  @Test
  void aRetriedTaskChangesNothing() {
    Block data = blobs(120, 7);
    JavaRDD<Block> blocks = rdd(split(data, 60, 60));
    TrainConfig cfg = config(OptimizerSpec.sgd(0.1), 20, 2, 1, 1);
    double[] clean = run(cfg, blocks, TaskHook.NONE).weights();
    TaskHook failOnce = (p, e, s, attempt) -> {
      if (p == 1 && e == 1 && s == 2 && attempt == 0) {
        throw new IllegalStateException("injected failure of partition 1, epoch 1, step 2");
      }
    };
    assertArrayEquals(clean, run(cfg, blocks, failOnce).weights(), 0.0);
  }

  @Test
  void treeMergeEqualsTheFlatMergeToRoundOff() {
    Block data = blobs(250, 4);
    JavaRDD<Block> blocks = rdd(split(data, 50, 50, 50, 50, 50));
    OptimizerSpec opt = OptimizerSpec.sgd(0.1);
    double[] flat = run(config(opt, 25, 2, 1, 1), blocks, TaskHook.NONE).weights();
    double[] tree = run(config(opt, 25, 2, 1, 2), blocks, TaskHook.NONE).weights();
    double[] deep = run(config(opt, 25, 2, 1, 3), blocks, TaskHook.NONE).weights();
    assertRelativelyClose(flat, tree, 1e-12);
    assertRelativelyClose(flat, deep, 1e-12);
  }

  @Test
  void localStepsLearnAndAreDeterministic() {
    Block data = blobs(400, 5);
    JavaRDD<Block> blocks = rdd(split(data, 200, 200));
    TrainConfig cfg = config(OptimizerSpec.of(OptimizerSpec.Kind.MOMENTUM, 0.05), 20, 6, 5, 1);
    DistributedTrainer.Outcome a = run(cfg, blocks, TaskHook.NONE);
    DistributedTrainer.Outcome b = run(cfg, blocks, TaskHook.NONE);
    assertArrayEquals(a.weights(), b.weights(), 0.0);
    List<EpochReport> r = a.epochs();
    assertEquals(4, r.get(0).syncs(), "20 steps in syncs of 5");
    assertEquals(20, r.get(0).steps());
    assertTrue(r.get(5).trainLoss() < 0.5 * r.get(0).trainLoss(),
        "loss " + r.get(0).trainLoss() + " -> " + r.get(5).trainLoss());
    assertEquals(6 * 20, a.optimizer().stepCount());
  }

  @Test
  void aListenerCanStopTraining() {
    JavaRDD<Block> blocks = rdd(List.of(blobs(50, 6)));
    TrainConfig cfg = config(OptimizerSpec.sgd(0.1), 10, 5, 1, 1);
    DistributedTrainer.Outcome out = new DistributedTrainer(SparkTestSession.context(), cfg)
        .train(blocks, Initializer.initialize(SPEC, 1), new Optimizer(cfg.optimizer(),
            SPEC.numParams()), 0, (r, w, o) -> r.epoch() == 2);
    assertEquals(2, out.epochs().size());
    assertTrue(out.stoppedEarly());
    DistributedTrainer.Outcome all = new DistributedTrainer(SparkTestSession.context(), cfg)
        .train(blocks, Initializer.initialize(SPEC, 1), new Optimizer(cfg.optimizer(),
            SPEC.numParams()), 0, (r, w, o) -> r.epoch() == 5);
    assertFalse(all.stoppedEarly(), "stopping after the last epoch is not stopping early");
  }

  @Test
  void blocksThatDoNotFitTheNetworkAreRefused() {
    Block wrong = new Block(5, 3, 2, new double[10], new double[6]);
    JavaRDD<Block> blocks = rdd(List.of(wrong));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> run(config(OptimizerSpec.sgd(0.1), 2, 1, 1, 1), blocks, TaskHook.NONE));
    assertEquals("partition 0 holds examples with 5 features and 3 outputs; the network takes 4"
        + " and gives 3", e.getMessage());
    JavaRDD<Block> empty = rdd(List.of(new Block(4, 3, 0, new double[0], new double[0])));
    assertEquals("no examples to train on", assertThrows(IllegalArgumentException.class,
        () -> run(config(OptimizerSpec.sgd(0.1), 2, 1, 1, 1), empty, TaskHook.NONE))
        .getMessage());
  }

  static void assertRelativelyClose(double[] expected, double[] actual, double tol) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      double scale = Math.max(Math.abs(expected[i]), Math.abs(actual[i]));
      double err = scale == 0 ? 0 : Math.abs(expected[i] - actual[i]) / scale;
      assertTrue(err <= tol, "parameter " + i + ": " + expected[i] + " vs " + actual[i]
          + " (relative error " + err + ")");
    }
  }

  /**
   * Single-machine SGD from the initial weights of {@code seed} whose batch at step t is the union
   * of the partitions' slices at step t: what P partitions must equal to 1e-12.
   */
  static double[] unionBatchSgd(List<Block> parts, OptimizerSpec opt, int batch, int epochs,
      long seed) {
    int n = parts.stream().mapToInt(Block::size).sum();
    double[] w = Initializer.initialize(SPEC, seed);
    double[] g = new double[w.length];
    Optimizer o = new Optimizer(opt, w.length);
    int steps = BatchPlan.stepsPerEpoch(n, batch);
    GradientAccumulator acc = new GradientAccumulator(SPEC, batch);
    for (int e = 0; e < epochs; e++) {
      for (int t = 0; t < steps; t++) {
        acc.reset();
        for (int p = 0; p < parts.size(); p++) {
          int size = parts.get(p).size();
          int phase = BatchPlan.phase(p, parts.size(), steps);
          acc.add(w, parts.get(p), BatchPlan.permutation(seed, e, p, size),
              BatchPlan.sliceStart(t, size, steps, phase),
              BatchPlan.sliceStart(t + 1, size, steps, phase));
        }
        acc.mean(g);
        o.step(w, g);
      }
    }
    return w;
  }
}
