package org.dptrain.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dptrain.activation.Activation;
import org.junit.jupiter.api.Test;

class LossTest {

  @Test
  void namesParseAndUnknownOnesAreListed() {
    assertEquals(Loss.CROSS_ENTROPY, Loss.parse("Cross_Entropy"));
    assertEquals(Loss.BINARY_CROSS_ENTROPY, Loss.parse("binary-cross-entropy"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Loss.parse("hinge"));
    assertEquals("unknown loss 'hinge'; valid names: cross_entropy, binary_cross_entropy, mse, sse",
        e.getMessage());
  }

  @Test
  void whichOutputActivationsFit() {
    assertTrue(Loss.CROSS_ENTROPY.fits(Activation.SOFTMAX));
    assertFalse(Loss.CROSS_ENTROPY.fits(Activation.SIGMOID));
    assertTrue(Loss.BINARY_CROSS_ENTROPY.fits(Activation.SIGMOID));
    assertFalse(Loss.BINARY_CROSS_ENTROPY.fits(Activation.TANH));
    assertTrue(Loss.MSE.fits(Activation.LINEAR));
    assertTrue(Loss.SSE.fits(Activation.TANH));
    assertFalse(Loss.MSE.fits(Activation.SOFTMAX));
    assertFalse(Loss.SSE.fits(Activation.STEP));
  }

  @Test
  void crossEntropyMatchesTheFormula() {
    double[] z = {0.5, -1.0, 2.0};
    double[] a = new double[3];
    Activation.SOFTMAX.forward(z, a, 3, 1);
    double[] y = {0, 0, 1};
    assertEquals(-Math.log(a[2]), Loss.CROSS_ENTROPY.lossSum(z, a, y, 3, 1), 1e-14);
  }

  /** Log-sum-exp keeps a confident wrong answer finite where log(a) would be log(0). */
  @Test
  void crossEntropyIsStableWhereSoftmaxUnderflows() {
    double[] z = {0.0, 1000.0};
    double[] a = new double[2];
    Activation.SOFTMAX.forward(z, a, 2, 1);
    assertEquals(0.0, a[0]);
    assertEquals(1000.0, Loss.CROSS_ENTROPY.lossSum(z, a, new double[] {1, 0}, 2, 1), 1e-9);
  }

  @Test
  void binaryCrossEntropyMatchesTheFormulaAndStaysFinite() {
    double[] z = {0.3, -2.0};
    double[] a = {Activation.sigmoid(0.3), Activation.sigmoid(-2.0)};
    double[] y = {1, 0};
    double expected = -Math.log(a[0]) - Math.log(1 - a[1]);
    assertEquals(expected, Loss.BINARY_CROSS_ENTROPY.lossSum(z, a, y, 1, 2), 1e-14);
    double[] big = {-800};
    assertEquals(800.0, Loss.BINARY_CROSS_ENTROPY.lossSum(big, new double[] {0.0},
        new double[] {1}, 1, 1), 1e-9);
  }

  @Test
  void squaredErrorsFollowTheirNormalisation() {
    double[] a = {1, 2, 3, 4};
    double[] y = {0, 2, 5, 4};
    // two examples of K = 2: squared errors (1 + 0) and (4 + 0)
    assertEquals(0.5 * 5, Loss.SSE.lossSum(a, a, y, 2, 2), 0.0);
    assertEquals(5.0 / 2, Loss.MSE.lossSum(a, a, y, 2, 2), 0.0);
  }

  @Test
  void fusedOutputDeltaIsOutputMinusTarget() {
    double[] z = {0.1, 0.2};
    double[] a = {0.7, 0.3};
    double[] y = {1, 0};
    double[] delta = new double[2];
    Loss.CROSS_ENTROPY.outputDelta(Activation.SOFTMAX, z, a, y, delta, 2, 1);
    assertEquals(-0.3, delta[0], 1e-15);
    assertEquals(0.3, delta[1], 1e-15);
  }
}
