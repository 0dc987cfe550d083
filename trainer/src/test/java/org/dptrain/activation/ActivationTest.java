package org.dptrain.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ActivationTest {

  @Test
  void namesParseCaseInsensitively() {
    assertEquals(Activation.RELU, Activation.parse("ReLU"));
    assertEquals(Activation.LEAKY_RELU, Activation.parse("leaky_relu"));
    assertEquals(Activation.LEAKY_RELU, Activation.parse("Leaky-ReLU"));
    assertEquals(Activation.SOFTMAX, Activation.parse(" SOFTMAX "));
    for (Activation a : Activation.values()) {
      assertEquals(a, Activation.parse(a.id()));
    }
  }

  @Test
  void unknownNameIsAnErrorListingTheValidOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Activation.parse("swish"));
    assertEquals("unknown activation 'swish'; valid names: step, sigmoid, tanh, relu, leaky_relu,"
        + " softplus, linear, softmax", e.getMessage());
    IllegalArgumentException n =
        assertThrows(IllegalArgumentException.class, () -> Activation.parse(null));
    assertTrue(n.getMessage().startsWith("unknown activation 'null'"), n.getMessage());
  }

  @Test
  void scalarValues() {
    assertEquals(1.0, Activation.STEP.apply(0.0));
    assertEquals(0.0, Activation.STEP.apply(-1e-9));
    assertEquals(0.5, Activation.SIGMOID.apply(0.0));
    assertEquals(Math.tanh(0.3), Activation.TANH.apply(0.3));
    assertEquals(0.0, Activation.RELU.apply(-2.0));
    assertEquals(2.0, Activation.RELU.apply(2.0));
    assertEquals(-0.02, Activation.LEAKY_RELU.apply(-2.0), 1e-15);
    assertEquals(Math.log(2.0), Activation.SOFTPLUS.apply(0.0), 1e-15);
    assertEquals(-3.5, Activation.LINEAR.apply(-3.5));
  }

  @Test
  void extremeInputsStayFinite() {
    assertEquals(1.0, Activation.SIGMOID.apply(800));
    assertEquals(0.0, Activation.SIGMOID.apply(-800));
    assertEquals(800.0, Activation.SOFTPLUS.apply(800));
    assertEquals(0.0, Activation.SOFTPLUS.apply(-800));
    double[] z = {1000, 0, -1000};
    double[] a = new double[3];
    Activation.SOFTMAX.forward(z, a, 3, 1);
    assertEquals(1.0, a[0]);
    assertEquals(0.0, a[2]);
  }

  @Test
  void softmaxColumnsSumToOne() {
    double[] z = {1, 2, 3, -1, 0, 1};
    double[] a = new double[6];
    Activation.SOFTMAX.forward(z, a, 3, 2);
    assertEquals(1.0, a[0] + a[1] + a[2], 1e-15);
    assertEquals(1.0, a[3] + a[4] + a[5], 1e-15);
    // softmax is shift-invariant, so both columns are equal
    for (int r = 0; r < 3; r++) {
      assertEquals(a[r], a[3 + r], 1e-15);
    }
  }

  @Test
  void softmaxHasNoScalarForm() {
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> Activation.SOFTMAX.apply(1.0));
    assertEquals("softmax is defined over a column, not one unit", e.getMessage());
    UnsupportedOperationException d = assertThrows(UnsupportedOperationException.class,
        () -> Activation.SOFTMAX.derivative(1.0));
    assertEquals("the softmax derivative is a Jacobian; use backward()", d.getMessage());
  }

  @Test
  void stepHasNoUsefulDerivative() {
    assertEquals(0.0, Activation.STEP.derivative(0.3));
    assertEquals(false, Activation.STEP.isDifferentiable());
  }

  /** Every element-wise activation's block kernels compute its scalar forms: forward gives
   *  f(z) and backward g ⊙ f'(z) in every entry (the outputs start as NaN, so an activation a
   *  kernel's switch leaves out fails here). */
  @Test
  void blockKernelsMatchTheScalarForms() {
    double[] z = {-800, -3.5, -1, -1e-9, 0, 1e-9, 0.25, 1, 3.5, 800};
    double[] g = {0.5, -1.25, 2, 1, -0.75, 3, -2, 0.125, 1.5, -1};
    int n = z.length;
    for (Activation f : Activation.values()) {
      if (f == Activation.SOFTMAX) {
        continue;
      }
      double[] a = new double[n];
      Arrays.fill(a, Double.NaN);
      f.forward(z, a, 2, n / 2);
      double[] out = new double[n];
      Arrays.fill(out, Double.NaN);
      f.backward(z, a, g, out, 2, n / 2);
      for (int i = 0; i < n; i++) {
        assertEquals(f.apply(z[i]), a[i], 0.0, f + " forward at z = " + z[i]);
        double expected = g[i] * f.derivative(z[i]);
        assertEquals(expected, out[i], 1e-15 * Math.max(1.0, Math.abs(expected)),
            f + " backward at z = " + z[i]);
      }
    }
  }
}
