package org.dptrain.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ludovic.netlib.blas.BLAS;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.dptrain.activation.Activation;
import org.dptrain.loss.Loss;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backpropagation against central differences, as DL4J's {@code GradientCheckUtil} does it: every
 * parameter w_i is moved by ±{@link #H} in double precision and the numeric derivative
 * (L(w + h e_i) - L(w - h e_i)) / 2h of the mean batch loss L = lossSum / m is compared with the
 * analytic one, backward's gradient sum / m.
 *
 * <p>Pass rule, per component, with a = analytic and n = numeric:
 * <pre>
 *   pass  iff  |a - n| &lt; MIN_ABS_ERROR (1e-8)                     (absolute floor)
 *          or  |a - n| / max(|a|, |n|) &le; MAX_REL_ERROR (1e-6)   (relative error)
 * </pre>
 * The floor covers components that are zero or tiny on both sides (dead ReLU units, saturated
 * sigmoids), where the relative error of a difference quotient is round-off: with h = 1e-6 the
 * numeric derivative carries an absolute error of about eps·|L|/h ≈ 1e-10. DL4J divides by
 * |a| + |n| instead of max(|a|, |n|); dividing by the max is the stricter of the two (by up to 2×).
 * A failure lists every failing component.
 *
 * <p>ReLU and leaky ReLU have a kink at z = 0 where the difference quotient straddles two slopes.
 * Instead of skipping parameters, weights and inputs are re-drawn (deterministically, from the
 * next seed) until, at the point checked, every z of every rectifier layer is at least
 * {@link #KINK_MARGIN} away from 0 (a move of h = 1e-6 in one weight shifts z by far less than
 * that) and every rectifier unit is active (z &gt; 0) on at least one example of the batch. The
 * second condition matters for a ReLU output behind positive hidden outputs (sigmoid, softplus,
 * ReLU): a unit dead on the whole batch has a zero gradient on both sides, and its parameters
 * would pass on the absolute floor without testing anything.
 */
class GradientCheckTest {
  /** Central-difference step. */
  static final double H = 1e-6;
  static final double MAX_REL_ERROR = 1e-6;
  static final double MIN_ABS_ERROR = 1e-8;
  /** Least |z| of a ReLU or leaky-ReLU unit at the point checked. */
  static final double KINK_MARGIN = 1e-4;

  static final int[] LAYERS = {3, 5, 4, 3};
  static final int BATCH = 5;
  static final int SGD_STEPS = 3;
  static final double SGD_RATE = 0.1;
  static final long WEIGHT_SEED = 20240601L;
  static final int MAX_DRAWS = 100;

  /** Every activation backpropagation can train in a hidden layer. */
  static final List<Activation> HIDDEN = List.of(Activation.SIGMOID, Activation.TANH,
      Activation.RELU, Activation.LEAKY_RELU, Activation.SOFTPLUS, Activation.LINEAR);

  /** One grid point. {@code steps} SGD steps on the batch are taken before the check. */
  record Case(BlasChoice blas, Activation hidden, Activation output, Loss loss, int steps) {
    @Override
    public String toString() {
      return "hidden " + hidden.id() + ", output " + output.id() + ", loss " + loss.id() + ", "
          + (steps == 0 ? "at init" : "after " + steps + " SGD steps") + ", " + blas;
    }
  }

  /** The output activations each loss is checked with. */
  static List<Activation> outputsFor(Loss loss) {
    return switch (loss) {
      case CROSS_ENTROPY -> List.of(Activation.SOFTMAX);
      case BINARY_CROSS_ENTROPY -> List.of(Activation.SIGMOID);
      case MSE, SSE -> HIDDEN;
    };
  }

  static Stream<Case> grid() {
    List<Case> cases = new ArrayList<>();
    for (BlasChoice blas : BlasChoice.values()) {
      for (Activation hidden : HIDDEN) {
        for (Loss loss : Loss.values()) {
          for (Activation output : outputsFor(loss)) {
            cases.add(new Case(blas, hidden, output, loss, 0));
            cases.add(new Case(blas, hidden, output, loss, SGD_STEPS));
          }
        }
      }
    }
    return cases.stream();
  }

  @Test
  void gridCoversEveryLossWithEveryOutputActivationItFits() {
    for (Loss loss : Loss.values()) {
      Set<Activation> fitting = EnumSet.noneOf(Activation.class);
      for (Activation a : Activation.values()) {
        if (loss.fits(a)) {
          fitting.add(a);
        }
      }
      assertEquals(fitting, EnumSet.copyOf(outputsFor(loss)), "outputs checked with " + loss.id());
    }
    Set<Activation> differentiableHidden = EnumSet.noneOf(Activation.class);
    for (Activation a : Activation.values()) {
      if (a.isDifferentiable() && a != Activation.SOFTMAX) {
        differentiableHidden.add(a);
      }
    }
    assertEquals(differentiableHidden, EnumSet.copyOf(HIDDEN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("grid")
  void backpropMatchesCentralDifferencesForEveryParameter(Case c) {
    BLAS blas = c.blas().blas();
    NetworkSpec spec = new NetworkSpec(LAYERS, List.of(c.hidden(), c.hidden(), c.output()),
        c.loss());
    Network net = new Network(spec, blas);
    Workspace ws = new Workspace(spec, BATCH);
    double[] w = pointAwayFromKinks(net, ws, c, KINK_MARGIN);

    int n = spec.numParams();
    double[] analytic = new double[n];
    net.forward(w, ws, BATCH);
    double lossSum = net.backward(w, ws, BATCH, analytic);
    for (int i = 0; i < n; i++) {
      analytic[i] /= BATCH;
    }
    assertEquals(lossSum / BATCH, meanLoss(net, w, ws), 0.0,
        c + ": backward's loss sum is the forward loss");

    List<String> failures = new ArrayList<>();
    double largest = 0.0;
    for (int i = 0; i < n; i++) {
      double saved = w[i];
      w[i] = saved + H;
      double plus = meanLoss(net, w, ws);
      w[i] = saved - H;
      double minus = meanLoss(net, w, ws);
      w[i] = saved;
      double numeric = (plus - minus) / (2 * H);
      largest = Math.max(largest, Math.abs(analytic[i]));
      if (!close(analytic[i], numeric)) {
        failures.add(String.format(Locale.ROOT, "  param %d (%s): analytic %.12e, numeric %.12e,"
            + " relative error %.3e", i, describe(spec, i), analytic[i], numeric,
            relativeError(analytic[i], numeric)));
      }
    }
    assertTrue(failures.isEmpty(), () -> c + ": " + failures.size() + " of " + n + " parameters"
        + " fail the gradient check:\n" + String.join("\n", failures));
    // A gradient that is zero everywhere would pass on the absolute floor alone.
    assertTrue(largest > 1e-3, c + ": largest gradient component is only " + largest);
  }

  /** Element-wise f'(z) against (f(z+h) - f(z-h)) / 2h, away from the rectifiers' kink. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Activation.class, names = {"SIGMOID", "TANH", "RELU", "LEAKY_RELU",
      "SOFTPLUS", "LINEAR"})
  void derivativeMatchesCentralDifferences(Activation f) {
    double[] points = {-20, -6, -2.5, -1, -0.3, -1e-3, 1e-3, 0.3, 1, 2.5, 6, 20};
    for (double z : points) {
      double numeric = (f.apply(z + H) - f.apply(z - H)) / (2 * H);
      double analytic = f.derivative(z);
      assertTrue(close(analytic, numeric), f.id() + "'(" + z + "): analytic " + analytic
          + ", numeric " + numeric);
    }
  }

  /** The rectifiers' documented choice at the kink and below it. */
  @Test
  void rectifierDerivativesAtAndBelowTheKink() {
    assertEquals(0.0, Activation.RELU.derivative(0.0), 0.0);
    assertEquals(0.0, Activation.RELU.derivative(-3.0), 0.0);
    assertEquals(Activation.LEAKY_SLOPE, Activation.LEAKY_RELU.derivative(-3.0), 0.0);
    assertEquals(1.0, Activation.LEAKY_RELU.derivative(3.0), 0.0);
  }

  /**
   * Activation.backward is the gradient of phi(z) = Σ g ⊙ f(z) over a block; for softmax that is
   * the Jacobian-vector product a ⊙ (g - (a·g)) of each column. Checked entry by entry with
   * central differences of phi computed through {@link Activation#forward}, and once more with
   * {@code out} the same array as {@code g}, which the network relies on.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Activation.class, names = {"SIGMOID", "TANH", "RELU", "LEAKY_RELU",
      "SOFTPLUS", "LINEAR", "SOFTMAX"})
  void backwardMatchesCentralDifferencesOfTheBlock(Activation f) {
    int rows = 4;
    int cols = 3;
    int len = rows * cols;
    SplittableRandom rnd = new SplittableRandom(99);
    double[] z = new double[len];
    double[] g = new double[len];
    for (int i = 0; i < len; i++) {
      double v = rnd.nextDouble(0.05, 2.5);
      z[i] = rnd.nextBoolean() ? v : -v;
      g[i] = rnd.nextDouble(-1.0, 1.0);
    }
    double[] a = new double[len];
    f.forward(z, a, rows, cols);
    double[] out = new double[len];
    f.backward(z, a, g, out, rows, cols);

    double[] scratch = new double[len];
    for (int i = 0; i < len; i++) {
      double saved = z[i];
      z[i] = saved + H;
      double plus = phi(f, z, g, scratch, rows, cols);
      z[i] = saved - H;
      double minus = phi(f, z, g, scratch, rows, cols);
      z[i] = saved;
      double numeric = (plus - minus) / (2 * H);
      int row = i % rows;
      int col = i / rows;
      assertTrue(close(out[i], numeric), f.id() + " backward at row " + row + ", column " + col
          + ": analytic " + out[i] + ", numeric " + numeric);
    }

    double[] aliased = g.clone();
    f.backward(z, a, aliased, aliased, rows, cols);
    assertEquals(Arrays.toString(out), Arrays.toString(aliased),
        "backward with out == g");
  }

  @Test
  void softmaxHasNoScalarForm() {
    UnsupportedOperationException apply = assertThrows(UnsupportedOperationException.class,
        () -> Activation.SOFTMAX.apply(1.0));
    assertEquals("softmax is defined over a column, not one unit", apply.getMessage());
    UnsupportedOperationException derivative = assertThrows(UnsupportedOperationException.class,
        () -> Activation.SOFTMAX.derivative(1.0));
    assertEquals("the softmax derivative is a Jacobian; use backward()", derivative.getMessage());
  }

  // ---------------------------------------------------------------------------------------------

  /** The pass rule of the class comment. */
  static boolean close(double analytic, double numeric) {
    double diff = Math.abs(analytic - numeric);
    return diff < MIN_ABS_ERROR || relativeError(analytic, numeric) <= MAX_REL_ERROR;
  }

  static double relativeError(double analytic, double numeric) {
    double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
    return scale == 0.0 ? 0.0 : Math.abs(analytic - numeric) / scale;
  }

  private static double phi(Activation f, double[] z, double[] g, double[] a, int rows, int cols) {
    f.forward(z, a, rows, cols);
    double s = 0.0;
    for (int i = 0; i < rows * cols; i++) {
      s += g[i] * a[i];
    }
    return s;
  }

  /** L = lossSum / m after a forward pass; the workspace holds inputs and targets. */
  static double meanLoss(Network net, double[] w, Workspace ws) {
    NetworkSpec spec = net.spec();
    int depth = spec.depth();
    net.forward(w, ws, BATCH);
    return spec.loss().lossSum(ws.z(depth), ws.a(depth), ws.target(), spec.outputSize(), BATCH)
        / BATCH;
  }

  /**
   * Fresh weights, a batch drawn from seed {@code draw}, and {@code c.steps()} SGD steps on it;
   * the first draw whose rectifier units all stay {@code margin} away from 0 at the point checked.
   * Leaves that batch in the workspace.
   *
   * @return the weights to check at
   */
  static double[] pointAwayFromKinks(Network net, Workspace ws, Case c, double margin) {
    NetworkSpec spec = net.spec();
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
      fillBatch(spec, ws, new SplittableRandom(draw));
      double[] w = Initializer.initialize(spec, WEIGHT_SEED + draw);
      Optimizer sgd = new Optimizer(OptimizerSpec.sgd(SGD_RATE), w.length);
      double[] g = new double[w.length];
      for (int s = 0; s < c.steps(); s++) {
        Arrays.fill(g, 0.0);
        net.forward(w, ws, BATCH);
        net.backward(w, ws, BATCH, g);
        for (int i = 0; i < g.length; i++) {
          g[i] /= BATCH;
        }
        sgd.step(w, g);
      }
      net.forward(w, ws, BATCH);
      if (rectifiersAreClearOfKinksAndAlive(spec, ws, margin)) {
        return w;
      }
    }
    return fail("no draw of " + MAX_DRAWS + " keeps every rectifier input " + margin
        + " away from 0 with no dead unit for " + c);
  }

  /**
   * Whether every unit of every ReLU and leaky-ReLU layer has |z| &ge; margin on every
   * example and z &gt; 0 on at least one (true when there are no such layers).
   */
  private static boolean rectifiersAreClearOfKinksAndAlive(NetworkSpec spec, Workspace ws,
      double margin) {
    for (int l = 1; l <= spec.depth(); l++) {
      Activation f = spec.activation(l);
      if (f != Activation.RELU && f != Activation.LEAKY_RELU) {
        continue;
      }
      int units = spec.size(l);
      double[] z = ws.z(l);
      for (int r = 0; r < units; r++) {
        boolean alive = false;
        for (int c = 0; c < BATCH; c++) {
          double v = z[c * units + r];
          if (Math.abs(v) < margin) {
            return false;
          }
          alive |= v > 0;
        }
        if (!alive) {
          return false;
        }
      }
    }
    return true;
  }

  /** Gaussian inputs (rounded to float in a float32 workspace); targets as the loss expects
   *  them: one-hot, 0/1, or real values. */
  static void fillBatch(NetworkSpec spec, Workspace ws, SplittableRandom rnd) {
    for (int i = 0; i < spec.inputSize() * BATCH; i++) {
      double v = rnd.nextGaussian();
      switch (ws.precision()) {
        case FLOAT64 -> ws.a(0)[i] = v;
        case FLOAT32 -> ws.a32(0)[i] = (float) v;
      }
    }
    int k = spec.outputSize();
    double[] y = ws.target();
    Arrays.fill(y, 0.0);
    for (int c = 0; c < BATCH; c++) {
      switch (spec.loss()) {
        case CROSS_ENTROPY -> y[c * k + rnd.nextInt(k)] = 1.0;
        case BINARY_CROSS_ENTROPY -> {
          for (int r = 0; r < k; r++) {
            y[c * k + r] = rnd.nextBoolean() ? 1.0 : 0.0;
          }
        }
        case MSE, SSE -> {
          for (int r = 0; r < k; r++) {
            y[c * k + r] = rnd.nextDouble(-1.0, 1.0);
          }
        }
      }
    }
  }

  /** "W2[1][3]" or "b3[0]" for flat index i. */
  static String describe(NetworkSpec spec, int i) {
    for (int l = spec.depth(); l >= 1; l--) {
      int w = spec.weightOffset(l);
      if (i >= spec.biasOffset(l)) {
        return "b" + l + "[" + (i - spec.biasOffset(l)) + "]";
      }
      if (i >= w) {
        int nIn = spec.size(l - 1);
        return "W" + l + "[" + (i - w) / nIn + "][" + (i - w) % nIn + "]";
      }
    }
    throw new IllegalArgumentException("index " + i);
  }
}
