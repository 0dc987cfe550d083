package org.dptrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.dptrain.activation.Activation;
import org.dptrain.loss.Loss;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.dptrain.network.Workspace;
import org.junit.jupiter.api.Test;

/** The worked numbers of the articles dptrain grew out of, computed through the real code. */
class ArticleExamplesTest {

  /** A neuron with inputs x, weights w, bias 0 and a linear activation is the dot product. */
  @Test
  void neuronWeightedSumIsTheDotProduct() {
    NetworkSpec neuron = new NetworkSpec(new int[] {3, 1}, List.of(Activation.LINEAR), Loss.SSE);
    double[] w = {0, 0.2, 0.4, /* bias */ 0};
    double[][] out = new Network(neuron).predict(w, new double[][] {{1, 1.5, 2.5}});
    assertEquals(1.3, out[0][0], 1e-12);
  }

  @Test
  void logisticOfTen() {
    assertEquals(0.999955, Activation.SIGMOID.apply(10), 5e-7);
    NetworkSpec neuron = new NetworkSpec(new int[] {1, 1}, List.of(Activation.SIGMOID), Loss.SSE);
    assertEquals(0.999955, new Network(neuron).predict(new double[] {1, 0}, new double[][] {{10}})[0][0],
        5e-7);
  }

  /** Σ (d - y)^2 for the article's vectors is 0.40; sse is half of that per example. */
  @Test
  void squaredErrorsSumToPointFour() {
    double[] d = {1, 2, 3, 4, 5};
    double[] y = {1.1, 2.1, 3.5, 4.2, 5.3};
    double sse = Loss.SSE.lossSum(d, d, y, 5, 1);
    assertEquals(0.40, 2 * sse, 1e-12);
    assertEquals(0.40 / 5, Loss.MSE.lossSum(d, d, y, 5, 1), 1e-12);
  }

  /** Inputs (2, 3), hidden weights (1, 1) and (-1, 1), linear: i = 5 and j = 1. */
  @Test
  void hiddenLayerOfTheWorkedExample() {
    NetworkSpec spec = new NetworkSpec(new int[] {2, 2, 1},
        List.of(Activation.LINEAR, Activation.LINEAR), Loss.SSE);
    double[] w = {1, 1, -1, 1, /* b1 */ 0, 0, /* W2 */ 1, 1, /* b2 */ 0};
    Workspace ws = new Workspace(spec, 1);
    System.arraycopy(new double[] {2, 3}, 0, ws.a(0), 0, 2);
    new Network(spec).forward(w, ws, 1);
    assertArrayEquals(new double[] {5, 1}, ws.a(1), 0.0);
    assertArrayEquals(new double[] {5, 1}, ws.z(1), 0.0);
    assertEquals(6, ws.a(2)[0], 0.0);
  }
}
