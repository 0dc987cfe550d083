package org.dptrain.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.dptrain.activation.Activation;
import org.dptrain.loss.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Golden values worked by hand: a 2-3-2 network on one example, every z, a, the loss and every
 * gradient written out as scalar formulas (no BLAS, no library code but {@link Math}), compared
 * with {@link Network#forward} and {@link Network#backward}; and the source articles' worked
 * example of a linear hidden layer.
 */
class HandWorkedNetworkTest {
  static final double TOLERANCE = 1e-12;

  // The 2-3-2 network: W1 is 3 × 2, W2 is 2 × 3, indexed [unit][input].
  static final double[] X = {0.5, -1.0};
  static final double[][] W1 = {{0.1, -0.2}, {0.4, 0.3}, {-0.5, 0.2}};
  static final double[] B1 = {0.1, -0.1, 0.05};
  static final double[][] W2 = {{0.3, -0.6, 0.2}, {-0.1, 0.5, 0.4}};
  static final double[] B2 = {0.2, -0.3};
  static final double[] Y = {1.0, 0.0};

  /** Everything one forward and backward pass produces, by hand. */
  record Pass(double[] z1, double[] a1, double[] z2, double[] a2, double loss, double[][] dW1,
      double[] db1, double[][] dW2, double[] db2) {}

  @ParameterizedTest(name = "{0}")
  @EnumSource(BlasChoice.class)
  void sigmoidHiddenSigmoidOutputSse(BlasChoice blas) {
    // Hidden layer: z1_j = Σ_i W1[j][i] x_i + b1_j, a1_j = σ(z1_j).
    double[] z1 = new double[3];
    double[] a1 = new double[3];
    for (int j = 0; j < 3; j++) {
      z1[j] = W1[j][0] * X[0] + W1[j][1] * X[1] + B1[j];
      a1[j] = 1.0 / (1.0 + Math.exp(-z1[j]));
    }
    // Output layer: z2_k = Σ_j W2[k][j] a1_j + b2_k, a2_k = σ(z2_k).
    double[] z2 = new double[2];
    double[] a2 = new double[2];
    for (int k = 0; k < 2; k++) {
      z2[k] = W2[k][0] * a1[0] + W2[k][1] * a1[1] + W2[k][2] * a1[2] + B2[k];
      a2[k] = 1.0 / (1.0 + Math.exp(-z2[k]));
    }
    // SSE: L = ½ Σ_k (a2_k - y_k)².
    double loss = 0.5 * ((a2[0] - Y[0]) * (a2[0] - Y[0]) + (a2[1] - Y[1]) * (a2[1] - Y[1]));
    // delta2_k = (a2_k - y_k) σ'(z2_k), σ' = σ(1 - σ).
    double[] delta2 = new double[2];
    for (int k = 0; k < 2; k++) {
      delta2[k] = (a2[k] - Y[k]) * a2[k] * (1.0 - a2[k]);
    }
    Pass expected = backFromOutputDelta(z1, a1, z2, a2, loss, delta2);

    assertMatchesNetwork(expected, new NetworkSpec(new int[] {2, 3, 2},
        List.of(Activation.SIGMOID, Activation.SIGMOID), Loss.SSE), blas);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(BlasChoice.class)
  void sigmoidHiddenSoftmaxOutputCrossEntropy(BlasChoice blas) {
    double[] z1 = new double[3];
    double[] a1 = new double[3];
    for (int j = 0; j < 3; j++) {
      z1[j] = W1[j][0] * X[0] + W1[j][1] * X[1] + B1[j];
      a1[j] = 1.0 / (1.0 + Math.exp(-z1[j]));
    }
    double[] z2 = new double[2];
    for (int k = 0; k < 2; k++) {
      z2[k] = W2[k][0] * a1[0] + W2[k][1] * a1[1] + W2[k][2] * a1[2] + B2[k];
    }
    // Softmax: a2_k = e^{z2_k} / (e^{z2_0} + e^{z2_1}).
    double e0 = Math.exp(z2[0]);
    double e1 = Math.exp(z2[1]);
    double[] a2 = {e0 / (e0 + e1), e1 / (e0 + e1)};
    // Cross-entropy: L = -Σ_k y_k log a2_k.
    double loss = -(Y[0] * Math.log(a2[0]) + Y[1] * Math.log(a2[1]));
    // dL/dz2_k = a2_k - y_k for softmax with cross-entropy (targets summing to 1).
    double[] delta2 = {a2[0] - Y[0], a2[1] - Y[1]};
    Pass expected = backFromOutputDelta(z1, a1, z2, a2, loss, delta2);

    assertMatchesNetwork(expected, new NetworkSpec(new int[] {2, 3, 2},
        List.of(Activation.SIGMOID, Activation.SOFTMAX), Loss.CROSS_ENTROPY), blas);
  }

  /**
   * The articles' example: inputs (2, 3), hidden weights (1, 1) and (-1, 1), zero bias, linear
   * activation give hidden outputs i = 2 + 3 = 5 and j = -2 + 3 = 1. With output weights
   * (0.5, -0.25), output 2.25; against target 3 with mse (one output) the loss is 0.75² and every
   * gradient is a short binary fraction, so all values are exact.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(BlasChoice.class)
  void articlesLinearHiddenLayerExample(BlasChoice blas) {
    NetworkSpec spec = new NetworkSpec(new int[] {2, 2, 1},
        List.of(Activation.LINEAR, Activation.LINEAR), Loss.MSE);
    double[] w = {
        1, 1, -1, 1, 0, 0, // W1 rows (1, 1) and (-1, 1), b1 = 0
        0.5, -0.25, 0      // W2, b2
    };
    Network net = new Network(spec, blas.blas());
    Workspace ws = new Workspace(spec, 1);
    ws.a(0)[0] = 2;
    ws.a(0)[1] = 3;
    ws.target()[0] = 3;
    net.forward(w, ws, 1);
    assertEquals(5.0, ws.a(1)[0], 0.0, "hidden output i");
    assertEquals(1.0, ws.a(1)[1], 0.0, "hidden output j");
    assertEquals(2.25, ws.a(2)[0], 0.0, "network output 0.5·5 - 0.25·1");
    assertEquals(2.25, net.predict(w, new double[][] {{2, 3}})[0][0], 0.0, "predict");

    double[] g = new double[spec.numParams()];
    double loss = net.backward(w, ws, 1, g);
    assertEquals(0.5625, loss, 0.0, "(2.25 - 3)²");
    // delta2 = 2(a - y) = -1.5; dW2 = delta2·(5, 1); delta1 = W2^T delta2 = (-0.75, 0.375);
    // dW1 = delta1 x^T with x = (2, 3).
    double[] expected = {
        -1.5, -2.25, 0.75, 1.125, -0.75, 0.375,
        -7.5, -1.5, -1.5
    };
    assertEquals(Arrays.toString(expected), Arrays.toString(g));
  }

  /** The hand values of the 2-3-2 pass start from these literals, worked on paper. */
  @Test
  void hiddenWeightedInputsOnPaper() {
    // 0.1·0.5 - 0.2·(-1) + 0.1, 0.4·0.5 + 0.3·(-1) - 0.1, -0.5·0.5 + 0.2·(-1) + 0.05
    double[] onPaper = {0.35, -0.2, -0.4};
    for (int j = 0; j < 3; j++) {
      assertEquals(onPaper[j], W1[j][0] * X[0] + W1[j][1] * X[1] + B1[j], 1e-15, "z1[" + j + "]");
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The rest of backpropagation by hand, given the output delta: dW2[k][j] = delta2_k a1_j,
   * db2 = delta2, delta1_j = (Σ_k W2[k][j] delta2_k) σ'(z1_j), dW1[j][i] = delta1_j x_i,
   * db1 = delta1.
   */
  private static Pass backFromOutputDelta(double[] z1, double[] a1, double[] z2, double[] a2,
      double loss, double[] delta2) {
    double[][] dW2 = new double[2][3];
    for (int k = 0; k < 2; k++) {
      for (int j = 0; j < 3; j++) {
        dW2[k][j] = delta2[k] * a1[j];
      }
    }
    double[] delta1 = new double[3];
    for (int j = 0; j < 3; j++) {
      delta1[j] = (W2[0][j] * delta2[0] + W2[1][j] * delta2[1]) * a1[j] * (1.0 - a1[j]);
    }
    double[][] dW1 = new double[3][2];
    for (int j = 0; j < 3; j++) {
      for (int i = 0; i < 2; i++) {
        dW1[j][i] = delta1[j] * X[i];
      }
    }
    return new Pass(z1, a1, z2, a2, loss, dW1, delta1.clone(), dW2, delta2.clone());
  }

  /** Flat layout: for each layer, W row by row, then b. */
  private static double[] flatten(double[][] w1, double[] b1, double[][] w2, double[] b2) {
    double[] flat = new double[3 * 2 + 3 + 2 * 3 + 2];
    int p = 0;
    for (double[] row : w1) {
      for (double v : row) {
        flat[p++] = v;
      }
    }
    for (double v : b1) {
      flat[p++] = v;
    }
    for (double[] row : w2) {
      for (double v : row) {
        flat[p++] = v;
      }
    }
    for (double v : b2) {
      flat[p++] = v;
    }
    assertEquals(flat.length, p);
    return flat;
  }

  private static void assertMatchesNetwork(Pass expected, NetworkSpec spec, BlasChoice blas) {
    Network net = new Network(spec, blas.blas());
    Workspace ws = new Workspace(spec, 1);
    double[] w = flatten(W1, B1, W2, B2);
    System.arraycopy(X, 0, ws.a(0), 0, 2);
    System.arraycopy(Y, 0, ws.target(), 0, 2);
    net.forward(w, ws, 1);
    assertClose(expected.z1(), ws.z(1), "z1");
    assertClose(expected.a1(), ws.a(1), "a1");
    assertClose(expected.z2(), ws.z(2), "z2");
    assertClose(expected.a2(), ws.a(2), "a2");

    double[] g = new double[spec.numParams()];
    double loss = net.backward(w, ws, 1, g);
    assertEquals(expected.loss(), loss, TOLERANCE, "loss");
    assertClose(flatten(expected.dW1(), expected.db1(), expected.dW2(), expected.db2()), g,
        "gradient (dW1, db1, dW2, db2)");
  }

  private static void assertClose(double[] expected, double[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOLERANCE, what + "[" + i + "]");
    }
  }
}
