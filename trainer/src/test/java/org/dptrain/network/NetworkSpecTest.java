package org.dptrain.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkSpecTest {

  private static String error(int[] layers, List<String> acts, String loss) {
    return assertThrows(IllegalArgumentException.class, () -> NetworkSpec.of(layers, acts, loss))
        .getMessage();
  }

  @Test
  void offsetsFollowTheFlatLayout() {
    NetworkSpec s = NetworkSpec.of(new int[] {2, 10, 1}, List.of("tanh", "sigmoid"),
        "binary_cross_entropy");
    assertEquals(0, s.weightOffset(1));
    assertEquals(20, s.biasOffset(1));
    assertEquals(30, s.weightOffset(2));
    assertEquals(40, s.biasOffset(2));
    assertEquals(41, s.numParams());
    assertEquals(2, s.depth());
    assertEquals(List.of("tanh", "sigmoid"), s.activationIds());
  }

  @Test
  void fashionMnistNetworkSize() {
    NetworkSpec s = NetworkSpec.of(new int[] {784, 256, 128, 10}, List.of("relu", "relu", "softmax"),
        "cross_entropy");
    assertEquals(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10, s.numParams());
  }

  @Test
  void wrongNumberOfActivations() {
    assertEquals("3 activations [tanh, tanh, sigmoid] given for layers=[2, 10, 1], which needs 2"
        + " (one per non-input layer)",
        error(new int[] {2, 10, 1}, List.of("tanh", "tanh", "sigmoid"), "mse"));
  }

  @Test
  void layerSizeBelowOne() {
    assertEquals("layers[1] = 0: every layer size must be at least 1 (layers=[2, 0, 1])",
        error(new int[] {2, 0, 1}, List.of("tanh", "sigmoid"), "mse"));
  }

  @Test
  void tooFewLayers() {
    assertEquals("layers must list an input size and at least one layer size, got layers=[4]",
        error(new int[] {4}, List.of(), "mse"));
  }

  @Test
  void lossThatDoesNotFitTheOutput() {
    assertEquals("loss cross_entropy does not fit output activation sigmoid: cross_entropy needs a"
        + " softmax output layer",
        error(new int[] {2, 3, 2}, List.of("tanh", "sigmoid"), "cross_entropy"));
    assertEquals("loss binary_cross_entropy does not fit output activation softmax:"
        + " binary_cross_entropy needs a sigmoid output layer",
        error(new int[] {2, 3, 2}, List.of("tanh", "softmax"), "binary_cross_entropy"));
    assertEquals("loss mse does not fit output activation softmax: mse needs a differentiable output"
        + " activation other than softmax (softmax goes with cross_entropy)",
        error(new int[] {2, 3, 2}, List.of("tanh", "softmax"), "mse"));
  }

  @Test
  void softmaxOnlyAtTheOutput() {
    assertEquals("softmax is for the output layer only, found at layer 1 of 2 (activations"
        + " [softmax, softmax])",
        error(new int[] {2, 3, 2}, List.of("softmax", "softmax"), "cross_entropy"));
  }

  @Test
  void softmaxNeedsTwoUnits() {
    assertEquals("a softmax output needs at least 2 units, layers=[2, 3, 1] has 1 (use sigmoid +"
        + " binary_cross_entropy for 2 classes in one unit)",
        error(new int[] {2, 3, 1}, List.of("tanh", "softmax"), "cross_entropy"));
  }

  @Test
  void stepCannotBeBackpropagated() {
    assertEquals("activation step (layer 1) has no useful derivative, so backpropagation cannot"
        + " train it; the step activation is trained by the perceptron rule"
        + " (org.dptrain.train.PerceptronTrainer)",
        error(new int[] {2, 3, 1}, List.of("step", "sigmoid"), "mse"));
  }

  @Test
  void unknownNamesAreErrors() {
    assertEquals("unknown activation 'sigmod'; valid names: step, sigmoid, tanh, relu, leaky_relu,"
        + " softplus, linear, softmax",
        error(new int[] {2, 1}, List.of("sigmod"), "mse"));
    assertEquals("unknown loss 'l2'; valid names: cross_entropy, binary_cross_entropy, mse, sse",
        error(new int[] {2, 1}, List.of("sigmoid"), "l2"));
  }

  @Test
  void layersAreCopiedAndCompareByValue() {
    int[] layers = {2, 3, 1};
    NetworkSpec a = NetworkSpec.of(layers, List.of("relu", "linear"), "mse");
    layers[1] = 99;
    assertArrayEquals(new int[] {2, 3, 1}, a.layers());
    NetworkSpec b = NetworkSpec.of(new int[] {2, 3, 1}, List.of("RELU", "Linear"), "MSE");
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, NetworkSpec.of(new int[] {2, 4, 1}, List.of("relu", "linear"), "mse"));
    assertEquals("NetworkSpec[layers=[2, 3, 1], activations=[relu, linear], loss=mse]", a.toString());
  }

  @Test
  void initialWeightsAreNeverAllZeroAndDependOnlyOnTheSeed() {
    NetworkSpec s = NetworkSpec.of(new int[] {2, 10, 1}, List.of("tanh", "sigmoid"), "mse");
    for (Initializer init : Initializer.values()) {
      double[] w = Initializer.initialize(s, 3, init);
      for (int l = 1; l <= s.depth(); l++) {
        boolean nonZero = false;
        for (int i = s.weightOffset(l); i < s.biasOffset(l); i++) {
          nonZero |= w[i] != 0.0;
        }
        assertEquals(true, nonZero, init + " layer " + l);
      }
      assertArrayEquals(w, Initializer.initialize(s, 3, init), 0.0);
      assertNotEquals(w[0], Initializer.initialize(s, 4, init)[0]);
    }
    assertEquals(Initializer.HE, Initializer.defaultFor(org.dptrain.activation.Activation.RELU));
    assertEquals(Initializer.XAVIER, Initializer.defaultFor(org.dptrain.activation.Activation.TANH));
  }

  @Test
  void initializersHaveTheirScale() {
    NetworkSpec s = NetworkSpec.of(new int[] {400, 300, 2}, List.of("relu", "sigmoid"), "mse");
    double[] he = Initializer.initialize(s, 1, Initializer.HE);
    assertEquals(2.0 / 400, variance(he, 0, 400 * 300), 0.05 * 2.0 / 400);
    double[] xavier = Initializer.initialize(s, 1, Initializer.XAVIER);
    // uniform on ±L has variance L^2 / 3 = 2 / (n_in + n_out)
    assertEquals(2.0 / 700, variance(xavier, 0, 400 * 300), 0.05 * 2.0 / 700);
    double[] gauss = Initializer.initialize(s, 1, Initializer.GAUSSIAN);
    assertEquals(1.0, variance(gauss, 0, 400 * 300), 0.05);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Initializer.parse("zeros"));
    assertEquals("unknown initializer 'zeros'; valid names: gaussian, xavier, he", e.getMessage());
  }

  private static double variance(double[] w, int from, int to) {
    double s = 0;
    double sq = 0;
    for (int i = from; i < to; i++) {
      s += w[i];
      sq += w[i] * w[i];
    }
    int n = to - from;
    return sq / n - (s / n) * (s / n);
  }
}
