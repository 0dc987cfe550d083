package org.dptrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.dptrain.activation.Activation;
import org.dptrain.data.Block;
import org.dptrain.data.Precision;
import org.dptrain.gradient.GradientAccumulator;
import org.dptrain.loss.Loss;
import org.dptrain.network.Initializer;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.OptimizerSpec;
import org.junit.jupiter.api.Test;

/** The single-threaded reference trainer: reproducible, learns, and refuses bad input clearly. */
class ReferenceTrainerTest {
  static final NetworkSpec CLASSIFIER = new NetworkSpec(new int[] {2, 4, 2},
      List.of(Activation.TANH, Activation.SOFTMAX), Loss.CROSS_ENTROPY);
  static final NetworkSpec LINE = new NetworkSpec(new int[] {1, 1},
      List.of(Activation.LINEAR), Loss.MSE);

  @Test
  void theSameSeedGivesTheSameBitsAndAnotherSeedDoesNot() {
    Block data = blobs(40, 5);
    double[] initial = Initializer.initialize(CLASSIFIER, 17);
    double[] untouched = initial.clone();
    ReferenceTrainer.Config config = new ReferenceTrainer.Config(8, 5, 17,
        OptimizerSpec.of(OptimizerSpec.Kind.MOMENTUM, 0.05));

    ReferenceTrainer.Result first = ReferenceTrainer.train(CLASSIFIER, initial, data, config);
    ReferenceTrainer.Result second = ReferenceTrainer.train(CLASSIFIER, initial, data, config);
    assertTrue(Arrays.equals(first.weights(), second.weights()), "weights bit for bit");
    assertTrue(Arrays.equals(first.epochLoss(), second.epochLoss()), "epoch losses bit for bit");
    assertArrayEquals(untouched, initial, "the initial weights are not modified");
    assertFalse(Arrays.equals(initial, first.weights()), "training moved the weights");

    // Same start, another seed: only the shuffles differ, and that is enough to change the bits.
    ReferenceTrainer.Config otherSeed = new ReferenceTrainer.Config(8, 5, 18, config.optimizer());
    ReferenceTrainer.Result third = ReferenceTrainer.train(CLASSIFIER, initial, data, otherSeed);
    assertFalse(Arrays.equals(first.weights(), third.weights()), "another seed, other weights");

    // And another seed draws other initial weights.
    assertFalse(Arrays.equals(initial, Initializer.initialize(CLASSIFIER, 18)));
  }

  /**
   * Float32 blocks (sgemm, float64 sums and optimizer): the same bits run to run, not the float64
   * bits, but the same trajectory to float round-off; and a float32 block fed to a float64-started
   * accumulator is refused.
   */
  @Test
  void float32IsReproducibleAndFollowsFloat64ToRoundOff() {
    Block data = blobs(40, 5).as(Precision.FLOAT32);
    Block widened = data.as(Precision.FLOAT64);
    double[] initial = Initializer.initialize(CLASSIFIER, 17);
    ReferenceTrainer.Config config = new ReferenceTrainer.Config(8, 5, 17,
        OptimizerSpec.of(OptimizerSpec.Kind.ADAM, 0.01));
    ReferenceTrainer.Result first = ReferenceTrainer.train(CLASSIFIER, initial, data, config);
    ReferenceTrainer.Result second = ReferenceTrainer.train(CLASSIFIER, initial, data, config);
    assertTrue(Arrays.equals(first.weights(), second.weights()), "weights bit for bit");
    assertTrue(Arrays.equals(first.epochLoss(), second.epochLoss()), "epoch losses bit for bit");
    ReferenceTrainer.Result exact = ReferenceTrainer.train(CLASSIFIER, initial, widened, config);
    assertFalse(Arrays.equals(first.weights(), exact.weights()), "float32 is not float64");
    for (int i = 0; i < initial.length; i++) {
      assertEquals(exact.weights()[i], first.weights()[i], 1e-4, "weight " + i);
    }
    assertArrayEquals(exact.epochLoss(), first.epochLoss(), 1e-5);

    GradientAccumulator acc = new GradientAccumulator(CLASSIFIER, 8);
    acc.add(initial, widened, null, 0, 8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> acc.add(initial, data, null, 0, 8));
    assertEquals("the block is float32 dense but the workspace is float64 dense", e.getMessage());
    assertEquals(8, acc.count(), "nothing added by the refused call");
  }

  @Test
  void lossDecreasesOnLinearlySeparableBlobs() {
    Block data = blobs(60, 9);
    ReferenceTrainer.Config config = new ReferenceTrainer.Config(10, 40, 3,
        OptimizerSpec.sgd(0.1));
    ReferenceTrainer.Result result = ReferenceTrainer.train(CLASSIFIER,
        Initializer.initialize(CLASSIFIER, 3), data, config);

    double[] loss = result.epochLoss();
    assertEquals(40, loss.length);
    assertTrue(loss[39] < 0.25 * loss[0], "loss went from " + loss[0] + " to " + loss[39]);
    for (int e = 5; e < loss.length; e += 5) {
      assertTrue(loss[e] < loss[e - 5], "epoch " + e + ": " + Arrays.toString(loss));
    }

    Network net = new Network(CLASSIFIER);
    int correct = 0;
    for (int j = 0; j < data.size(); j++) {
      double[] out = net.predict(result.weights(), new double[][] {data.column(j)})[0];
      int predicted = out[1] > out[0] ? 1 : 0;
      correct += data.target(j)[predicted] == 1.0 ? 1 : 0;
    }
    assertEquals(data.size(), correct, "every training example classified right");
  }

  /** The articles' entry point fits y = 2x + 1 with one linear unit: w → 2, b → 1. */
  @Test
  void articlesEntryPointFitsALine() {
    int n = 20;
    double[][] x = new double[n][1];
    double[][] y = new double[n][1];
    for (int i = 0; i < n; i++) {
      x[i][0] = -1.0 + 2.0 * i / (n - 1);
      y[i][0] = 2.0 * x[i][0] + 1.0;
    }
    ReferenceTrainer.Result result = ReferenceTrainer.train(LINE, x, y, 4, 300, 0.1);
    assertEquals(2.0, result.weights()[0], 1e-3, "w");
    assertEquals(1.0, result.weights()[1], 1e-3, "b");
    assertEquals(300, result.epochLoss().length);
    assertTrue(result.epochLoss()[299] < 1e-6, "final loss " + result.epochLoss()[299]);
    assertTrue(result.epochLoss()[299] < result.epochLoss()[0]);

    // It is the general entry with the default seed and plain SGD.
    ReferenceTrainer.Result explicit = ReferenceTrainer.train(LINE,
        Initializer.initialize(LINE, ReferenceTrainer.DEFAULT_SEED), Block.ofRows(x, y),
        new ReferenceTrainer.Config(4, 300, ReferenceTrainer.DEFAULT_SEED, OptimizerSpec.sgd(0.1)));
    assertTrue(Arrays.equals(explicit.weights(), result.weights()));
    assertTrue(Arrays.equals(explicit.epochLoss(), result.epochLoss()));
  }

  /**
   * With the batch as large as the data, an epoch is one step of full-batch gradient descent, and
   * its loss is the mean loss at the starting weights. Equal up to summation order (the epoch
   * visits the examples shuffled).
   */
  @Test
  void aFullBatchEpochIsOneGradientStep() {
    Block data = blobs(12, 21);
    double[] w0 = Initializer.initialize(CLASSIFIER, 21);
    double lr = 0.3;
    ReferenceTrainer.Result result = ReferenceTrainer.train(CLASSIFIER, w0, data,
        new ReferenceTrainer.Config(50, 1, 21, OptimizerSpec.sgd(lr)));

    GradientAccumulator acc = new GradientAccumulator(CLASSIFIER, 12).add(w0, data);
    double[] g = acc.mean();
    for (int i = 0; i < w0.length; i++) {
      double expected = w0[i] - lr * g[i];
      assertEquals(expected, result.weights()[i], 1e-12 * Math.max(1.0, Math.abs(expected)),
          "w[" + i + "]");
    }
    assertEquals(acc.meanLoss(), result.epochLoss()[0], 1e-12 * acc.meanLoss());
  }

  @Test
  void badInputIsRefusedWithItsValues() {
    Block data = blobs(10, 1);
    ReferenceTrainer.Config config = new ReferenceTrainer.Config(4, 1, 1, OptimizerSpec.sgd(0.1));

    assertEquals("initial weights have 3 values, NetworkSpec[layers=[2, 4, 2], activations=[tanh,"
        + " softmax], loss=cross_entropy] has 22 parameters", assertThrows(
            IllegalArgumentException.class,
            () -> ReferenceTrainer.train(CLASSIFIER, new double[3], data, config)).getMessage());

    Block empty = new Block(2, 2, 0, new double[0], new double[0]);
    assertEquals("cannot train on an empty dataset", assertThrows(IllegalArgumentException.class,
        () -> ReferenceTrainer.train(CLASSIFIER, new double[22], empty, config)).getMessage());

    Block threeFeatures = new Block(3, 2, 1, new double[3], new double[] {1, 0});
    assertEquals("block has 3 features and 2 outputs; the network takes 2 and gives 2",
        assertThrows(IllegalArgumentException.class, () -> ReferenceTrainer.train(CLASSIFIER,
            new double[22], threeFeatures, config)).getMessage());

    assertEquals("batch size must be at least 1, got 0", assertThrows(
        IllegalArgumentException.class,
        () -> new ReferenceTrainer.Config(0, 1, 1, OptimizerSpec.sgd(0.1))).getMessage());
    assertEquals("epochs must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
        () -> new ReferenceTrainer.Config(4, 0, 1, OptimizerSpec.sgd(0.1))).getMessage());
    assertEquals("optimizer must be given", assertThrows(IllegalArgumentException.class,
        () -> new ReferenceTrainer.Config(4, 1, 1, null)).getMessage());
  }

  @Test
  void theArticlesEntryPointRefusesBadInputWithItsValues() {
    double[][] x = {{0.0}, {1.0}, {2.0}};
    double[][] y = {{1.0}, {3.0}, {5.0}};
    assertEquals("learning rate must be a finite number > 0, got 0.0", assertThrows(
        IllegalArgumentException.class,
        () -> ReferenceTrainer.train(LINE, x, y, 2, 1, 0.0)).getMessage());
    assertEquals("batch size must be at least 1, got 0", assertThrows(
        IllegalArgumentException.class,
        () -> ReferenceTrainer.train(LINE, x, y, 0, 1, 0.1)).getMessage());
    assertEquals("epochs must be at least 1, got -1", assertThrows(IllegalArgumentException.class,
        () -> ReferenceTrainer.train(LINE, x, y, 2, -1, 0.1)).getMessage());
    assertEquals("no examples: x and y are empty", assertThrows(IllegalArgumentException.class,
        () -> ReferenceTrainer.train(LINE, new double[0][], new double[0][], 2, 1, 0.1))
        .getMessage());
    assertEquals("x has 3 rows but y has 2", assertThrows(IllegalArgumentException.class,
        () -> ReferenceTrainer.train(LINE, x, new double[][] {{1.0}, {3.0}}, 2, 1, 0.1))
        .getMessage());
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Two Gaussian blobs around (-1.5, -1.5) and (1.5, 1.5), labelled by the side of the line
   * x0 + x1 = 0; points within 0.5 of the line are re-drawn, so the classes are linearly
   * separable with a margin.
   */
  static Block blobs(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<double[]> rows = new ArrayList<>();
    int[] labels = new int[n];
    while (rows.size() < n) {
      int label = rows.size() % 2;
      double centre = label == 1 ? 1.5 : -1.5;
      double x0 = centre + 0.8 * rnd.nextGaussian();
      double x1 = centre + 0.8 * rnd.nextGaussian();
      double side = x0 + x1;
      if ((label == 1 && side > 0.5) || (label == 0 && side < -0.5)) {
        labels[rows.size()] = label;
        rows.add(new double[] {x0, x1});
      }
    }
    double[] x = new double[2 * n];
    for (int j = 0; j < n; j++) {
      x[2 * j] = rows.get(j)[0];
      x[2 * j + 1] = rows.get(j)[1];
    }
    return new Block(2, 2, n, x, Block.oneHot(labels, 2));
  }
}
