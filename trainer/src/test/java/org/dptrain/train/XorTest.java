package org.dptrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The articles' lesson: one layer cannot learn XOR, two layers with a non-linearity can. */
class XorTest {
  static final double[][] X = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  static final double[][] Y = {{0}, {1}, {1}, {0}};
  static final int[] LABELS = {0, 1, 1, 0};

  private static int correct(NetworkSpec spec, double[] w) {
    double[][] out = new Network(spec).predict(w, X);
    int ok = 0;
    for (int i = 0; i < X.length; i++) {
      ok += (out[i][0] >= 0.5 ? 1 : 0) == LABELS[i] ? 1 : 0;
    }
    return ok;
  }

  @Test
  void singleLayerPerceptronCannotLearnXor() {
    PerceptronTrainer.Result r = PerceptronTrainer.train(X, LABELS, 0.1, 1000, 1);
    assertFalse(r.converged());
    assertEquals(1000, r.epochs());
    int ok = 0;
    for (int i = 0; i < X.length; i++) {
      ok += r.perceptron().predict(X[i]) == LABELS[i] ? 1 : 0;
    }
    assertTrue(ok <= 3, "a line separates at most 3 of the 4 XOR points, got " + ok);
  }

  @Test
  void singleLayerSigmoidNetworkCannotLearnXor() {
    NetworkSpec spec = NetworkSpec.of(new int[] {2, 1}, List.of("sigmoid"), "binary_cross_entropy");
    ReferenceTrainer.Result r = ReferenceTrainer.train(spec, X, Y, 4, 3000, 0.5);
    assertTrue(correct(spec, r.weights()) <= 3);
  }

  @ParameterizedTest(name = "hidden {0}")
  @ValueSource(strings = {"sigmoid", "tanh"})
  void mlpWithANonLinearHiddenLayerLearnsXor(String hidden) {
    NetworkSpec spec = NetworkSpec.of(new int[] {2, 4, 1}, List.of(hidden, "sigmoid"),
        "binary_cross_entropy");
    ReferenceTrainer.Result r = ReferenceTrainer.train(spec, X, Y, 4, 3000, 1.0);
    assertEquals(4, correct(spec, r.weights()));
    assertTrue(r.epochLoss()[r.epochLoss().length - 1] < 0.1,
        "final loss " + r.epochLoss()[r.epochLoss().length - 1]);
  }

  @Test
  void theSameMlpWithLinearActivationsCannot() {
    NetworkSpec spec = NetworkSpec.of(new int[] {2, 4, 1}, List.of("linear", "sigmoid"),
        "binary_cross_entropy");
    ReferenceTrainer.Result r = ReferenceTrainer.train(spec, X, Y, 4, 3000, 0.5);
    assertTrue(correct(spec, r.weights()) <= 3);
    NetworkSpec allLinear = NetworkSpec.of(new int[] {2, 4, 1}, List.of("linear", "linear"), "mse");
    ReferenceTrainer.Result rl = ReferenceTrainer.train(allLinear, X, Y, 4, 3000, 0.05);
    assertTrue(correct(allLinear, rl.weights()) <= 3);
    // least squares on XOR predicts 0.5 everywhere: mse = 0.25
    assertEquals(0.25, rl.epochLoss()[rl.epochLoss().length - 1], 1e-3);
  }
}
