package org.dptrain.driver.train;

import java.util.Locale;
import org.dptrain.model.Float64Codec;

/**
 * The divergence check of a training step: whether its loss and mean gradient are finite, and if
 * not, what to say. The test of a whole array is {@link Float64Codec#allFinite} (cheap enough for
 * every step); the slow search for the bad values runs only once something is wrong.
 */
public final class Finite {
  private Finite() {}

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
    if (Float64Codec.allFinite(gradient)) {
      return null;
    }
    int first = Float64Codec.firstNonFinite(gradient);
    return String.format(Locale.ROOT, "the gradient has %d non-finite values (parameter %d is %s)",
        Float64Codec.countNonFinite(gradient), first, describe(gradient[first]));
  }

  private static String describe(double v) {
    return Double.isNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity";
  }
}
