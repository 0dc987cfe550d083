package org.dptrain.gradient;

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
import org.dptrain.loss.Loss;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.dptrain.network.Workspace;
import org.dptrain.train.BatchPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The accumulator's algebra, as Spark's aggregator suite tests it: an empty accumulator is the
 * identity of merge, and any split of the data into parts accumulated separately and merged gives
 * the sums of one pass, up to the round-off of a different summation order. "Close" is relative,
 * per component: |a - b| &le; 1e-12 · max(|a|, |b|).
 */
class GradientAccumulatorTest {
  static final double RELATIVE_TOLERANCE = 1e-12;
  static final NetworkSpec SPEC = new NetworkSpec(new int[] {3, 5, 2},
      List.of(Activation.TANH, Activation.SOFTMAX), Loss.CROSS_ENTROPY);
  static final int N = 20;
  static final Block DATA = data(SPEC, N, 3);
  static final double[] WEIGHTS = weights(SPEC, 4);

  @Test
  void mergingAnEmptyAccumulatorChangesNothing() {
    GradientAccumulator full = new GradientAccumulator(SPEC, 6).add(WEIGHTS, DATA);
    double[] sum = full.gradientSum().clone();
    double loss = full.lossSum();

    assertTrue(full == full.merge(new GradientAccumulator(SPEC, 6)), "merge returns this");
    assertArrayEquals(sum, full.gradientSum(), "gradient sum, bit for bit");
    assertEquals(Double.doubleToRawLongBits(loss), Double.doubleToRawLongBits(full.lossSum()),
        "loss sum, bit for bit");
    assertEquals(N, full.count());

    // The other way round: 0 + x = x, so the empty side takes the other's sums exactly.
    GradientAccumulator empty = new GradientAccumulator(SPEC, 6).merge(full);
    assertArrayEquals(sum, empty.gradientSum(), 0.0);
    assertEquals(loss, empty.lossSum(), 0.0);
    assertEquals(N, empty.count());
  }

  /** The data split, through a shuffled index, into {@code parts} near-equal pieces. */
  @ParameterizedTest(name = "{0} parts")
  @ValueSource(ints = {1, 2, 3, 7})
  void splittingNWaysAndMergingEqualsOnePass(int parts) {
    GradientAccumulator onePass = new GradientAccumulator(SPEC, N).add(WEIGHTS, DATA);

    int[] order = BatchPlan.permutation(11, 0, 0, N);
    GradientAccumulator merged = new GradientAccumulator(SPEC, N);
    int added = 0;
    for (int p = 0; p < parts; p++) {
      int from = p * N / parts;
      int to = (p + 1) * N / parts;
      GradientAccumulator part = new GradientAccumulator(SPEC, N).add(WEIGHTS, DATA, order, from,
          to);
      assertEquals(to - from, part.count());
      added += to - from;
      merged.merge(part);
    }
    assertEquals(N, added);

    assertEquals(onePass.count(), merged.count());
    assertRelativelyClose(onePass.gradientSum(), merged.gradientSum(), "gradient sum");
    assertRelativelyClose(new double[] {onePass.lossSum()}, new double[] {merged.lossSum()},
        "loss sum");
    assertRelativelyClose(onePass.mean(), merged.mean(), "mean gradient");
  }

  @ParameterizedTest(name = "chunks of {0}")
  @ValueSource(ints = {1, 3, 7, 19})
  void chunksSmallerThanTheBatchGiveTheSameSums(int chunkSize) {
    GradientAccumulator onePass = new GradientAccumulator(SPEC, N).add(WEIGHTS, DATA);
    GradientAccumulator chunked = new GradientAccumulator(SPEC, chunkSize).add(WEIGHTS, DATA);
    assertEquals(N, chunked.count());
    assertRelativelyClose(onePass.gradientSum(), chunked.gradientSum(), "gradient sum");
    assertRelativelyClose(new double[] {onePass.meanLoss()}, new double[] {chunked.meanLoss()},
        "mean loss");
  }

  /** mean() is backward's sum over the batch divided by m (same BLAS, same order: same bits). */
  @Test
  void meanIsTheBackwardSumOverTheCount() {
    Network net = new Network(SPEC);
    Workspace ws = new Workspace(SPEC, N);
    net.gather(DATA, null, 0, N, ws);
    net.forward(WEIGHTS, ws, N);
    double[] sum = new double[SPEC.numParams()];
    double lossSum = net.backward(WEIGHTS, ws, N, sum);
    double[] expected = new double[sum.length];
    for (int i = 0; i < sum.length; i++) {
      expected[i] = sum[i] / N;
    }

    GradientAccumulator acc = new GradientAccumulator(SPEC, N).add(WEIGHTS, DATA);
    assertArrayEquals(expected, acc.mean());
    double[] out = new double[sum.length];
    acc.mean(out);
    assertArrayEquals(expected, out);
    assertEquals(lossSum / N, acc.meanLoss());
  }

  @Test
  void theMeanOfAnEmptyAccumulatorIsAnError() {
    GradientAccumulator empty = new GradientAccumulator(SPEC, 4);
    String message = "the mean of an empty gradient accumulator is undefined: no examples were added";
    assertEquals(message, assertThrows(IllegalStateException.class, empty::mean).getMessage());
    assertEquals(message, assertThrows(IllegalStateException.class,
        () -> empty.mean(new double[SPEC.numParams()])).getMessage());
    assertEquals(message, assertThrows(IllegalStateException.class, empty::meanLoss).getMessage());

    // Adding an empty range leaves it empty.
    empty.add(WEIGHTS, DATA, null, 5, 5);
    assertEquals(0, empty.count());
    assertEquals(message, assertThrows(IllegalStateException.class, empty::meanLoss).getMessage());
  }

  @Test
  void mergingAccumulatorsOfDifferentSpecsIsAnError() {
    NetworkSpec other = new NetworkSpec(new int[] {3, 4, 2},
        List.of(Activation.TANH, Activation.SOFTMAX), Loss.CROSS_ENTROPY);
    GradientAccumulator mine = new GradientAccumulator(SPEC, 4).add(WEIGHTS, DATA);
    double[] before = mine.gradientSum().clone();
    GradientAccumulator theirs = new GradientAccumulator(other, 4);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> mine.merge(theirs));
    assertEquals("cannot merge gradients of NetworkSpec[layers=[3, 4, 2], activations=[tanh,"
        + " softmax], loss=cross_entropy] into NetworkSpec[layers=[3, 5, 2], activations=[tanh,"
        + " softmax], loss=cross_entropy]", e.getMessage());
    assertArrayEquals(before, mine.gradientSum(), "a refused merge leaves the sums alone");
    assertEquals(N, mine.count());

    // Same layers, another loss: still a different spec.
    NetworkSpec mse = new NetworkSpec(new int[] {3, 5, 2},
        List.of(Activation.TANH, Activation.SIGMOID), Loss.MSE);
    IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
        () -> mine.merge(new GradientAccumulator(mse, 4)));
    assertEquals("cannot merge gradients of " + mse + " into " + SPEC, e2.getMessage());
  }

  @Test
  void resetEmptiesAndTheBuffersAreReused() {
    GradientAccumulator acc = new GradientAccumulator(SPEC, 6).add(WEIGHTS, DATA);
    double[] live = acc.gradientSum();
    acc.reset();
    assertEquals(0, acc.count());
    assertEquals(0.0, acc.lossSum());
    assertArrayEquals(new double[SPEC.numParams()], acc.gradientSum());
    assertTrue(live == acc.gradientSum(), "reset keeps the same array");
    assertEquals("the mean of an empty gradient accumulator is undefined: no examples were added",
        assertThrows(IllegalStateException.class, acc::mean).getMessage());

    acc.add(WEIGHTS, DATA);
    GradientAccumulator fresh = new GradientAccumulator(SPEC, 6).add(WEIGHTS, DATA);
    assertArrayEquals(fresh.gradientSum(), acc.gradientSum(), "after reset as good as new");
    assertEquals(fresh.lossSum(), acc.lossSum());
    assertEquals(N, acc.count());
  }

  @Test
  void addWithAnIndexUsesTheIndexedColumns() {
    int[] index = {7, 0, 13, 2, 19, 5};
    GradientAccumulator indexed = new GradientAccumulator(SPEC, 3).add(WEIGHTS, DATA, index, 1, 5);

    int[] picked = {0, 13, 2, 19};
    GradientAccumulator direct = new GradientAccumulator(SPEC, 3).add(WEIGHTS, columns(picked));
    assertEquals(4, indexed.count());
    assertArrayEquals(direct.gradientSum(), indexed.gradientSum(), "same examples, same order");
    assertEquals(direct.lossSum(), indexed.lossSum());

    GradientAccumulator contiguous = new GradientAccumulator(SPEC, 3).add(WEIGHTS, DATA, null, 1,
        5);
    assertFalse(Arrays.equals(contiguous.gradientSum(), indexed.gradientSum()),
        "examples 1..4 are not the indexed ones");
    assertArrayEquals(new GradientAccumulator(SPEC, 3).add(WEIGHTS, columns(new int[] {1, 2, 3,
        4})).gradientSum(), contiguous.gradientSum(), "without an index: examples from..to");
  }

  @Test
  void badArgumentsAreRefusedWithTheirValues() {
    assertEquals("chunk size must be at least 1, got 0", assertThrows(
        IllegalArgumentException.class, () -> new GradientAccumulator(SPEC, 0)).getMessage());

    GradientAccumulator acc = new GradientAccumulator(SPEC, 4);
    int p = SPEC.numParams();
    assertEquals("weights have 3 values, the network has " + p + " parameters", assertThrows(
        IllegalArgumentException.class, () -> acc.add(new double[3], DATA)).getMessage());
    assertEquals("bad example range [3, 2)", assertThrows(IllegalArgumentException.class,
        () -> acc.add(WEIGHTS, DATA, null, 3, 2)).getMessage());
    assertEquals("bad example range [-1, 2)", assertThrows(IllegalArgumentException.class,
        () -> acc.add(WEIGHTS, DATA, null, -1, 2)).getMessage());

    Block wrongShape = new Block(2, 2, 1, new double[2], new double[2]);
    assertEquals("block has 2 features and 2 outputs; the network takes 3 and gives 2",
        assertThrows(IllegalArgumentException.class, () -> acc.add(WEIGHTS, wrongShape))
            .getMessage());

    GradientAccumulator filled = new GradientAccumulator(SPEC, 4).add(WEIGHTS, DATA);
    assertEquals("output has 2 values, the network has " + p + " parameters", assertThrows(
        IllegalArgumentException.class, () -> filled.mean(new double[2])).getMessage());

    assertEquals("gradient sum has 1 values, the network has " + p + " parameters", assertThrows(
        IllegalArgumentException.class,
        () -> new GradientAccumulator(SPEC, 4, new double[1], 0.0, 1)).getMessage());
    assertEquals("count must be at least 0, got -1", assertThrows(IllegalArgumentException.class,
        () -> new GradientAccumulator(SPEC, 4, new double[p], 0.0, -1)).getMessage());
  }

  /** A range past the end is refused before any chunk is summed, leaving the accumulator as is. */
  @Test
  void aRangePastTheEndIsRefusedBeforeAnythingIsAdded() {
    GradientAccumulator acc = new GradientAccumulator(SPEC, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> acc.add(WEIGHTS, DATA, null, 0, N + 5));
    assertEquals("example range [0, 25) goes past the block's 20 examples", e.getMessage());
    assertEquals(0, acc.count());
    assertEquals(0.0, acc.lossSum());
    assertArrayEquals(new double[SPEC.numParams()], acc.gradientSum());

    int[] index = {3, 1, 4};
    IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
        () -> acc.add(WEIGHTS, DATA, index, 1, 4));
    assertEquals("example range [1, 4) goes past the index's 3 entries", e2.getMessage());
    assertEquals(0, acc.count());
  }

  @Test
  void anAccumulatorBuiltFromSumsReportsThem() {
    double[] sum = new double[SPEC.numParams()];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = i - 4.0;
    }
    GradientAccumulator acc = new GradientAccumulator(SPEC, 4, sum, 6.0, 4);
    sum[0] = 1e9;
    assertEquals(-4.0 / 4, acc.mean()[0], 0.0, "the sums are copied");
    assertEquals(1.5, acc.meanLoss(), 0.0);
    assertEquals(4, acc.count());
    assertEquals(4, acc.chunkSize());
    assertEquals(SPEC, acc.spec());
  }

  // ---------------------------------------------------------------------------------------------

  private static void assertRelativelyClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    List<String> off = new ArrayList<>();
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs(expected[i] - actual[i]);
      double scale = Math.max(Math.abs(expected[i]), Math.abs(actual[i]));
      if (diff > RELATIVE_TOLERANCE * scale) {
        off.add(what + "[" + i + "]: " + expected[i] + " vs " + actual[i]);
      }
    }
    assertTrue(off.isEmpty(), () -> String.join("\n", off));
  }

  /** A block of the given examples of DATA, in that order. */
  private static Block columns(int[] picked) {
    int f = DATA.features();
    int k = DATA.outputs();
    double[] x = new double[picked.length * f];
    double[] y = new double[picked.length * k];
    for (int j = 0; j < picked.length; j++) {
      System.arraycopy(DATA.column(picked[j]), 0, x, j * f, f);
      System.arraycopy(DATA.target(picked[j]), 0, y, j * k, k);
    }
    return new Block(f, k, picked.length, x, y);
  }

  /** Gaussian features and one-hot classes. */
  static Block data(NetworkSpec spec, int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] x = new double[spec.inputSize() * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian();
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = rnd.nextInt(spec.outputSize());
    }
    return new Block(spec.inputSize(), spec.outputSize(), n, x, Block.oneHot(labels,
        spec.outputSize()));
  }

  /** Gaussian weights and biases (not the initializer's zero biases, so every term counts). */
  static double[] weights(NetworkSpec spec, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] w = new double[spec.numParams()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.7 * rnd.nextGaussian();
    }
    return w;
  }
}
