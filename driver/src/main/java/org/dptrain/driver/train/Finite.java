package org.dptrain.driver.train;

import java.util.Locale;

/**
 * The divergence checks of the training loop: whether a step's loss, gradient or weights are all
 * finite. Cheap enough for every step: one pass that multiplies by zero (x·0 is 0 for finite x
 * and NaN for NaN and ±∞), which the JIT vectorises; the slow search for the first bad value runs
 * only once something is wrong.
 */
public final class Finite {
  private Finite() {}

  /** Whether every value is finite. */
  public static boolean all(double[] values) {
    double z = 0.0;
    for (double v : values) {
      z += v * 0.0;
    }
    return z == 0.0;
  }

  /**
   * What is not finite in a step, or null if nothing: first the loss sum, then the mean gradient.
   *
   * @param lossSum the step's loss sum
   * @param gradient the step's mean gradient
   * @return e.g. "the mean loss of the step is NaN"
   */
  public static String check(double lossSum, double[] gradient) {
    if (!Double.isFinite(lossSum)) {
      return "the mean loss of the step is " + describe(lossSum);
    }
    if (all(gradient)) {
      return null;
    }
    int bad = 0;
    int first = -1;
    for (int i = 0; i < gradient.length; i++) {
      if (!Double.isFinite(gradient[i])) {
        bad++;
        first = first < 0 ? i : first;
      }
    }
    return String.format(Locale.ROOT, "the gradient has %d non-finite values (parameter %d is %s)",
        bad, first, describe(gradient[first]));
  }

  private static String describe(double v) {
    return Double.isNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity";
  }
}
