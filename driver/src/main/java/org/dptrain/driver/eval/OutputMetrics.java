package org.dptrain.driver.eval;

import java.util.Locale;

/**
 * The metrics of one output of a regression with several outputs.
 *
 * @param rmse root mean squared error over the examples
 * @param mae mean absolute error
 * @param r2 1 - SSE/SST of this output's targets; NaN when they are constant
 */
public record OutputMetrics(double rmse, double mae, double r2) {
  /** {@code rmse 0.1234 mae 0.0987 r2 0.9012}. */
  public String summary() {
    return String.format(Locale.ROOT, "rmse %.4f mae %.4f r2 %.4f", rmse, mae, r2);
  }
}
