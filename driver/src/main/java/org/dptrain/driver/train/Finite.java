package org.dptrain.driver.train;

import java.util.Locale;

/**
 * The divergence checks of the training loop: whether a step's loss, gradient or weights are all
 * finite. Cheap enough for every step: one pass of integer operations over the bit patterns,
 * which the JIT vectorises (a floating-point sum would not be: its order is fixed); the slow search
 * for the first bad value runs only once something is wrong.
 */
public final class Finite {
  private static final long EXPONENT = 0x7ff0000000000000L;
  private static final long EXPONENT_ONE = 0x0010000000000000L;

  private Finite() {}

  /** Whether every value is finite. */
  public static boolean all(double[] values) {
    // the exponent field is all ones exactly for NaN and ±∞; adding one to it then carries into
    // the sign bit, so the OR over all values is negative iff one of them is not finite
    long any = 0;
    for (double v : values) {
      any |= (Double.doubleToRawLongBits(v) & EXPONENT) + EXPONENT_ONE;
    }
    return any >= 0;
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
