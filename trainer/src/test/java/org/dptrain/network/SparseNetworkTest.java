package org.dptrain.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.dptrain.data.Block;
import org.dptrain.data.Layout;
import org.dptrain.data.Precision;
import org.dptrain.gradient.GradientAccumulator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * A whole network over sparse blocks: the same losses, outputs and gradients as over the same
 * examples dense (to round-off: the first layer sums in another order than gemm), the gradient
 * against central differences of the loss, float32 sparse blocks, and the workspace of a sparse
 * input (no features × capacity buffer).
 */
class SparseNetworkTest {
  static final int FEATURES = SparseInputTest.FEATURES;
  static final int[] LAYERS = {FEATURES, 9, 6, 4};

  static NetworkSpec spec() {
    return NetworkSpec.of(LAYERS, List.of("relu", "tanh", "softmax"), "cross_entropy");
  }

  /** {@link SparseInputTest#randomBlock}'s examples, dense (its 4 classes are this net's 4). */
  static Block randomDense(long seed, int n, double density) {
    return SparseInputTest.randomBlock(seed, n, density).as(Layout.DENSE);
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void gradientsOverSparseBlocksEqualTheDensePathToRoundOff(Precision precision) {
    NetworkSpec spec = spec();
    double[] w = SparseInputTest.randomWeights(spec, 11);
    Block dense = randomDense(12, 57, 0.04).as(precision);
    Block sparse = dense.as(Layout.SPARSE);
    assertEquals(precision, sparse.precision());
    int[] order = new int[57];
    for (int j = 0; j < 57; j++) {
      order[j] = (j * 23) % 57;
    }
    // chunks of 16 over a permutation: several gathers, the last one short
    GradientAccumulator d = new GradientAccumulator(spec, 16).add(w, dense, order, 3, 50);
    GradientAccumulator s = new GradientAccumulator(spec, 16).add(w, sparse, order, 3, 50);
    assertEquals(d.count(), s.count());
    double tol = precision == Precision.FLOAT64 ? 1e-12 : 1e-5;
    assertEquals(d.lossSum(), s.lossSum(), tol * Math.abs(d.lossSum()), "loss sum");
    double[] gd = d.gradientSum();
    double[] gs = s.gradientSum();
    double max = 0;
    for (double g : gd) {
      max = Math.max(max, Math.abs(g));
    }
    for (int i = 0; i < gd.length; i++) {
      assertEquals(gd[i], gs[i], tol * Math.max(1, max), "gradient index " + i);
    }

    Network net = new Network(spec);
    double[] outDense = net.predict(w, dense, Workspace.forBlock(spec, 10, dense));
    double[] outSparse = net.predict(w, sparse, Workspace.forBlock(spec, 10, sparse));
    assertEquals(outDense.length, outSparse.length);
    for (int i = 0; i < outDense.length; i++) {
      assertEquals(outDense[i], outSparse[i], tol, "output " + i);
    }
  }

  /** The same sparse block, any chunk size and buffer history: the same bits every time. */
  @ParameterizedTest
  @EnumSource(Precision.class)
  void sparseGradientsAreBitReproducible(Precision precision) {
    NetworkSpec spec = spec();
    double[] w = SparseInputTest.randomWeights(spec, 13);
    Block sparse = randomDense(14, 40, 0.1).as(precision).as(Layout.SPARSE);
    double[] first = new GradientAccumulator(spec, 40).add(w, sparse, null, 0, 40)
        .gradientSum();
    GradientAccumulator again = new GradientAccumulator(spec, 40);
    again.add(w, sparse, null, 0, 40);
    double[] second = again.gradientSum();
    assertArrayEquals(first, second);
  }

  /**
   * The mean batch loss's gradient over a sparse block against central differences, every
   * parameter (the pass rule of {@link GradientCheckTest}).
   */
  @Test
  void sparseNetworkGradientMatchesCentralDifferences() {
    int[] layers = {40, 5, 3};
    NetworkSpec spec = NetworkSpec.of(layers, List.of("tanh", "softmax"), "cross_entropy");
    SplittableRandom rnd = new SplittableRandom(15);
    int n = 6;
    double[] x = new double[40 * n];
    for (int i = 0; i < x.length; i++) {
      if (rnd.nextDouble() < 0.15) {
        x[i] = rnd.nextDouble(-1, 1);
      }
    }
    int[] labels = {0, 1, 2, 1, 0, 2};
    Block data = new Block(40, 3, n, x, Block.oneHot(labels, 3)).as(Layout.SPARSE);
    double[] w = SparseInputTest.randomWeights(spec, 16);
    Network net = new Network(spec);
    Workspace ws = Workspace.forBlock(spec, n, data);
    net.gather(data, null, 0, n, ws);
    net.forward(w, ws, n);
    double[] grad = new double[w.length];
    net.backward(w, ws, n, grad);
    int nonZero = 0;
    for (int i = 0; i < w.length; i++) {
      double keep = w[i];
      w[i] = keep + GradientCheckTest.H;
      double up = loss(net, w, ws, n);
      w[i] = keep - GradientCheckTest.H;
      double down = loss(net, w, ws, n);
      w[i] = keep;
      double numeric = (up - down) / (2 * GradientCheckTest.H);
      double analytic = grad[i] / n;
      double err = Math.abs(analytic - numeric);
      assertTrue(err < GradientCheckTest.MIN_ABS_ERROR
          || err / Math.max(Math.abs(analytic), Math.abs(numeric))
              <= GradientCheckTest.MAX_REL_ERROR,
          "parameter " + i + ": analytic " + analytic + ", numeric " + numeric);
      nonZero += analytic != 0 ? 1 : 0;
    }
    assertTrue(nonZero > w.length / 2, "only " + nonZero + " of " + w.length
        + " gradient components are non-zero");
  }

  private static double loss(Network net, double[] w, Workspace ws, int n) {
    net.forward(w, ws, n);
    return net.backward(w, ws, n, new double[w.length]) / n;
  }

  @Test
  void aSparseWorkspaceHoldsNoDenseInputAndRefusesDenseBlocks() {
    NetworkSpec spec = spec();
    Workspace ws = new Workspace(spec, 8, Precision.FLOAT64, Layout.SPARSE);
    assertNull(ws.a(0));
    Workspace ws32 = new Workspace(spec, 8, Precision.FLOAT32, Layout.SPARSE);
    assertNull(ws32.a32(0));
    assertEquals(spec.biasOffset(1), ws32.castBase());
    assertEquals(spec.numParams() - spec.biasOffset(1), ws32.weights32().length);
    Network net = new Network(spec);
    Block dense = randomDense(17, 8, 0.1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.gather(dense, null, 0, 8, ws));
    assertTrue(e.getMessage().contains("the block is float64 dense but the workspace is float64"
        + " sparse"), e.getMessage());
    IllegalStateException d = assertThrows(IllegalStateException.class,
        () -> new Workspace(spec, 8).sparseInput());
    assertTrue(d.getMessage().contains("dense input"), d.getMessage());
  }
}
