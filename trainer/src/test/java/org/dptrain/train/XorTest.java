package org.dptrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The articles' lesson: one layer cannot learn XOR, two layers with a non-linearity can. The
 *  tests of what one layer cannot do assert what it does instead, which a broken rule or gradient
 *  would change. */
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

  /**
   * What the perceptron rule does on XOR, visiting the four points in order: the first pass makes
   * a mistake on every point, and the four updates cancel (b: -0.1 +0.1 +0.1 -0.1; each weight
   * +0.1 -0.1), so from then on every pass ends where it started: a cycle of one epoch that never
   * converges. The unit it is left with classifies only (1, 1) right.
   */
  @Test
  void singleLayerPerceptronCyclesOnXor() {
    PerceptronTrainer.Result one = PerceptronTrainer.train(X, LABELS, 0.1, 1, 1);
    PerceptronTrainer.Result many = PerceptronTrainer.train(X, LABELS, 0.1, 1000, 1);
    assertFalse(many.converged());
    assertEquals(1000, many.epochs());
    assertArrayEquals(one.perceptron().weights(), many.perceptron().weights(), 0.0);
    assertEquals(0.0, one.perceptron().bias(), 0.0);
    assertEquals(0.0, many.perceptron().bias(), 0.0);
    // the weights are the initial draw (0.01 N(0, 1) from seed 1) up to the round-off of +-0.1
    java.util.SplittableRandom seed = new java.util.SplittableRandom(1);
    double[] initial = {0.01 * seed.nextGaussian(), 0.01 * seed.nextGaussian()};
    assertArrayEquals(initial, many.perceptron().weights(), 1e-16);
    assertEquals(1, correct(many.perceptron(), LABELS));
    assertEquals(1, correct(one.perceptron(), LABELS));
    // the rule itself works: OR is separable, and the same call converges on it
    PerceptronTrainer.Result or = PerceptronTrainer.train(X, new int[] {0, 1, 1, 1}, 0.1, 1000, 1);
    assertTrue(or.converged(), "the perceptron rule did not learn OR in " + or.epochs() + " epochs");
    assertEquals(4, correct(or.perceptron(), new int[] {0, 1, 1, 1}));
  }

  private static int correct(PerceptronTrainer.Perceptron p, int[] labels) {
    int ok = 0;
    for (int i = 0; i < X.length; i++) {
      ok += p.predict(X[i]) == labels[i] ? 1 : 0;
    }
    return ok;
  }

  /**
   * One sigmoid unit is logistic regression: its cross-entropy on XOR is convex with its only
   * minimum at w = 0, b = 0. Gradient descent reaches it: every output 1/2, loss ln 2, the loss of
   * knowing nothing.
   */
  @Test
  void singleLayerSigmoidNetworkEndsAtOneHalfEverywhere() {
    NetworkSpec spec = NetworkSpec.of(new int[] {2, 1}, List.of("sigmoid"), "binary_cross_entropy");
    ReferenceTrainer.Result r = ReferenceTrainer.train(spec, X, Y, 4, 3000, 0.5);
    double[] loss = r.epochLoss();
    assertTrue(loss[0] > Math.log(2) + 0.05, "first epoch's loss " + loss[0]);
    assertEquals(Math.log(2), loss[loss.length - 1], 1e-12);
    assertArrayEquals(new double[3], r.weights(), 1e-9);
    for (double[] out : new Network(spec).predict(r.weights(), X)) {
      assertEquals(0.5, out[0], 1e-9);
    }
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

  /** A linear hidden layer adds nothing: linear + sigmoid is logistic regression again (outputs
   *  1/2, loss ln 2), and an all-linear network is least squares, which predicts 1/2 everywhere. */
  @Test
  void theSameMlpWithLinearActivationsCannot() {
    NetworkSpec spec = NetworkSpec.of(new int[] {2, 4, 1}, List.of("linear", "sigmoid"),
        "binary_cross_entropy");
    ReferenceTrainer.Result r = ReferenceTrainer.train(spec, X, Y, 4, 3000, 0.5);
    assertEquals(Math.log(2), r.epochLoss()[r.epochLoss().length - 1], 1e-12);
    for (double[] out : new Network(spec).predict(r.weights(), X)) {
      assertEquals(0.5, out[0], 1e-9);
    }
    NetworkSpec allLinear = NetworkSpec.of(new int[] {2, 4, 1}, List.of("linear", "linear"), "mse");
    ReferenceTrainer.Result rl = ReferenceTrainer.train(allLinear, X, Y, 4, 3000, 0.05);
    // least squares on XOR predicts 0.5 everywhere: mse = 0.25
    assertEquals(0.25, rl.epochLoss()[rl.epochLoss().length - 1], 1e-3);
    for (double[] out : new Network(allLinear).predict(rl.weights(), X)) {
      assertEquals(0.5, out[0], 1e-6);
    }
  }
}
