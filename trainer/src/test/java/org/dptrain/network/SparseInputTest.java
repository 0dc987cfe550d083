package org.dptrain.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.dptrain.data.Block;
import org.dptrain.data.Layout;
import org.junit.jupiter.api.Test;

/**
 * The sparse first layer against the dense path on the same data (to round-off), against central
 * differences, and its summation order (the same bits every time, whatever the buffer sizes).
 */
class SparseInputTest {
  static final int FEATURES = 300;
  static final int[] LAYERS = {FEATURES, 7, 4};

  static Block randomBlock(long seed, int n, double density) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] x = new double[FEATURES * n];
    for (int i = 0; i < x.length; i++) {
      if (rnd.nextDouble() < density) {
        x[i] = rnd.nextDouble(-2, 2);
      }
    }
    int[] labels = new int[n];
    for (int j = 0; j < n; j++) {
      labels[j] = rnd.nextInt(LAYERS[2]);
    }
    return new Block(FEATURES, LAYERS[2], n, x, Block.oneHot(labels, LAYERS[2]))
        .as(Layout.SPARSE);
  }

  static double[] randomWeights(NetworkSpec spec, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] w = new double[(int) spec.numParams()];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextDouble(-0.3, 0.3);
    }
    return w;
  }

  static NetworkSpec spec() {
    return NetworkSpec.of(LAYERS, List.of("tanh", "softmax"), "cross_entropy");
  }

  @Test
  void sparseBlockRoundTripsThroughDense() {
    Block s = randomBlock(1, 20, 0.05);
    Block back = s.as(Layout.DENSE).as(Layout.SPARSE);
    assertArrayEquals(s.start(), back.start());
    assertArrayEquals(s.index(), back.index());
    assertArrayEquals(s.values(), back.values());
    assertTrue(s.density() > 0.02 && s.density() < 0.08, "density " + s.density());
  }

  @Test
  void forwardAndBackwardEqualTheDensePathToRoundOff() {
    NetworkSpec spec = spec();
    Network net = new Network(spec);
    double[] w = randomWeights(spec, 2);
    Block sparse = randomBlock(3, 40, 0.03);
    Block dense = sparse.as(Layout.DENSE);
    int[] order = new int[40];
    for (int j = 0; j < 40; j++) {
      order[j] = (j * 17) % 40; // a permutation: gather follows it
    }
    int m = 25;
    Workspace ws = new Workspace(spec, m);
    net.gather(dense, order, 5, 5 + m, ws);
    net.forward(w, ws, m);
    double[] denseGrad = new double[w.length];
    net.backward(w, ws, m, denseGrad);

    SparseInput in = new SparseInput(FEATURES, m, 1); // too small: gather grows it
    double[] target = new double[LAYERS[2] * m];
    in.gather(sparse, order, 5, 5 + m, target);
    assertArrayEquals(Arrays.copyOf(ws.target(), target.length), target);
    double[] z = new double[LAYERS[1] * m];
    in.forward(w, spec.weightOffset(1), spec.biasOffset(1), LAYERS[1], z);
    assertClose(Arrays.copyOf(ws.z(1), z.length), z, 1e-13, "z_1");

    double[] sparseGrad = new double[w.length];
    in.backward(ws.delta(1), LAYERS[1], sparseGrad, spec.weightOffset(1));
    int from = spec.weightOffset(1);
    int to = from + LAYERS[1] * FEATURES;
    assertClose(Arrays.copyOfRange(denseGrad, from, to), Arrays.copyOfRange(sparseGrad, from, to),
        1e-13, "dW_1");
    for (int i = 0; i < w.length; i++) {
      if (i < from || i >= to) {
        assertEquals(0.0, sparseGrad[i], "only W_1 is touched, index " + i);
      }
    }
  }

  /** d(Σ c ⊙ z)/dW = c xᵀ: the backward kernel against central differences of the forward one. */
  @Test
  void backwardMatchesCentralDifferencesOfForward() {
    NetworkSpec spec = spec();
    double[] w = randomWeights(spec, 4);
    Block data = randomBlock(5, 6, 0.1);
    int n = LAYERS[1];
    SparseInput in = new SparseInput(FEATURES, 6, 64);
    in.gather(data, null, 0, 6, new double[LAYERS[2] * 6]);
    double[] c = new double[n * 6];
    SplittableRandom rnd = new SplittableRandom(6);
    for (int i = 0; i < c.length; i++) {
      c[i] = rnd.nextDouble(-1, 1);
    }
    double[] grad = new double[w.length];
    in.backward(c, n, grad, spec.weightOffset(1));
    double h = 1e-6;
    int checked = 0;
    for (int i = spec.weightOffset(1); i < spec.weightOffset(1) + n * FEATURES; i++) {
      double keep = w[i];
      w[i] = keep + h;
      double up = dot(c, forward(in, spec, w));
      w[i] = keep - h;
      double down = dot(c, forward(in, spec, w));
      w[i] = keep;
      double numeric = (up - down) / (2 * h);
      assertEquals(numeric, grad[i], 1e-8 + 1e-6 * Math.abs(numeric), "dW index " + i);
      checked += grad[i] != 0 ? 1 : 0;
    }
    assertTrue(checked > 20, "only " + checked + " non-zero gradient components were checked");
  }

  @Test
  void sameBitsWhateverTheBufferSize() {
    NetworkSpec spec = spec();
    double[] w = randomWeights(spec, 7);
    Block data = randomBlock(8, 30, 0.2);
    double[][] results = new double[2][];
    int[] rooms = {0, 100_000};
    for (int t = 0; t < 2; t++) {
      SparseInput in = new SparseInput(FEATURES, 30, rooms[t]);
      in.gather(data, null, 0, 30, new double[LAYERS[2] * 30]);
      double[] z = forward(in, spec, w);
      double[] g = new double[w.length];
      in.backward(z, LAYERS[1], g, spec.weightOffset(1));
      results[t] = g;
    }
    assertArrayEquals(results[0], results[1]);
  }

  @Test
  void badBlocksAndBatchesAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Block.sparse(10, 1, 1, new int[] {0, 2}, new int[] {3, 3}, new double[] {1, 2},
            new double[1]));
    assertTrue(e.getMessage().contains("example 0: feature index 3 does not increase"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Block.sparse(10, 1, 1, new int[] {0, 1}, new int[] {10}, new double[] {1},
            new double[1]));
    assertTrue(e.getMessage().contains("feature index 10 is outside [0, 10)"), e.getMessage());
    SparseInput in = new SparseInput(FEATURES, 4, 0);
    e = assertThrows(IllegalArgumentException.class,
        () -> in.gather(randomBlock(9, 10, 0.1), null, 0, 5, new double[20]));
    assertTrue(e.getMessage().contains("batch of 5 examples; this input takes 1 to 4"),
        e.getMessage());
  }

  private static double[] forward(SparseInput in, NetworkSpec spec, double[] w) {
    double[] z = new double[LAYERS[1] * in.size()];
    in.forward(w, spec.weightOffset(1), spec.biasOffset(1), LAYERS[1], z);
    return z;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void assertClose(double[] expected, double[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      double scale = Math.max(1, Math.abs(expected[i]));
      assertEquals(expected[i], actual[i], tol * scale, what + " index " + i);
    }
  }
}
