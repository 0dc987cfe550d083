package org.dptrain.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.BLAS;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dptrain.data.Precision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The float32 kernels (sgemm on float inputs and weights, element-wise work and sums in float64)
 * over {@link GradientCheckTest}'s grid, with float32 tolerances. Two checks per case:
 *
 * <ol>
 *   <li>against central differences of the float32 network itself. Float rounding makes the loss a
 *   staircase at the scale of float's epsilon (6e-8), so the step is {@link #H} = 1e-3, not 1e-6:
 *   the numeric derivative then carries an absolute error of about 1e-7/1e-3 = 1e-4 from round-off
 *   plus h²·f'''/6 from truncation. Pass iff |a - n| &lt; {@link #MIN_ABS_ERROR} (1e-3) or
 *   |a - n| / max(|a|, |n|) &le; {@link #MAX_REL_ERROR} (1e-2). Rectifier inputs are kept
 *   {@link #KINK_MARGIN} (0.01) away from 0, as a step of 1e-3 moves z by up to a few 1e-3;</li>
 *   <li>against the float64 gradient at the same point (the float inputs widened): the two differ
 *   by float round-off in the products only, so pass iff |a32 - a64| &lt; {@link #CLOSE_ABS}
 *   (1e-5) or the relative difference is at most {@link #CLOSE_REL} (1e-4). This is the check
 *   that would catch a wrong transpose or offset that the loose first check might let through.</li>
 * </ol>
 */
class Float32GradientCheckTest {
  static final double H = 1e-3;
  static final double MAX_REL_ERROR = 1e-2;
  static final double MIN_ABS_ERROR = 1e-3;
  static final double KINK_MARGIN = 0.01;
  static final double CLOSE_REL = 1e-4;
  static final double CLOSE_ABS = 1e-5;

  static java.util.stream.Stream<GradientCheckTest.Case> grid() {
    return GradientCheckTest.grid();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("grid")
  void float32BackpropMatchesCentralDifferencesAndTheFloat64Gradient(GradientCheckTest.Case c) {
    BLAS blas = c.blas().blas();
    int batch = GradientCheckTest.BATCH;
    NetworkSpec spec = new NetworkSpec(GradientCheckTest.LAYERS,
        List.of(c.hidden(), c.hidden(), c.output()), c.loss());
    Network net = new Network(spec, blas);
    Workspace ws = new Workspace(spec, batch, Precision.FLOAT32);
    double[] w = GradientCheckTest.pointAwayFromKinks(net, ws, c, KINK_MARGIN);

    int n = spec.numParams();
    double[] analytic = new double[n];
    net.forward(w, ws, batch);
    double lossSum = net.backward(w, ws, batch, analytic);
    for (int i = 0; i < n; i++) {
      analytic[i] /= batch;
    }
    assertEquals(lossSum / batch, GradientCheckTest.meanLoss(net, w, ws), 0.0,
        c + ": backward's loss sum is the forward loss");

    Workspace ws64 = new Workspace(spec, batch);
    float[] x32 = ws.a32(0);
    for (int i = 0; i < spec.inputSize() * batch; i++) {
      ws64.a(0)[i] = x32[i];
    }
    System.arraycopy(ws.target(), 0, ws64.target(), 0, spec.outputSize() * batch);
    double[] exact = new double[n];
    net.forward(w, ws64, batch);
    net.backward(w, ws64, batch, exact);

    List<String> failures = new ArrayList<>();
    double largest = 0.0;
    for (int i = 0; i < n; i++) {
      double saved = w[i];
      w[i] = saved + H;
      double plus = GradientCheckTest.meanLoss(net, w, ws);
      w[i] = saved - H;
      double minus = GradientCheckTest.meanLoss(net, w, ws);
      w[i] = saved;
      double numeric = (plus - minus) / (2 * H);
      double reference = exact[i] / batch;
      largest = Math.max(largest, Math.abs(analytic[i]));
      if (!close(analytic[i], numeric, MIN_ABS_ERROR, MAX_REL_ERROR)) {
        failures.add(String.format(Locale.ROOT, "  param %d (%s): analytic %.9e, numeric %.9e",
            i, GradientCheckTest.describe(spec, i), analytic[i], numeric));
      }
      if (!close(analytic[i], reference, CLOSE_ABS, CLOSE_REL)) {
        failures.add(String.format(Locale.ROOT, "  param %d (%s): float32 %.9e, float64 %.9e",
            i, GradientCheckTest.describe(spec, i), analytic[i], reference));
      }
    }
    assertTrue(failures.isEmpty(), () -> c + ": " + failures.size() + " failures of " + n
        + " parameters:\n" + String.join("\n", failures));
    assertTrue(largest > 1e-3, c + ": largest gradient component is only " + largest);
  }

  static boolean close(double a, double b, double abs, double rel) {
    double diff = Math.abs(a - b);
    double scale = Math.max(Math.abs(a), Math.abs(b));
    return diff < abs || (scale > 0 && diff / scale <= rel);
  }
}
