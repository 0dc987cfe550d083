package org.dptrain.driver.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-output error sums of a regression with several outputs: for each output its squared and
 * absolute error sums and its targets' mean and sum of squared deviations (merged with Chan et
 * al.'s pairwise formula), from which {@link OutputMetrics} follow.
 */
public final class OutputErrors {
  private final int outputs;
  private final double[] squaredErrorSum;
  private final double[] absoluteErrorSum;
  private final double[] targetMean;
  private final double[] targetM2;
  private long count;

  OutputErrors(int outputs) {
    this.outputs = outputs;
    this.squaredErrorSum = new double[outputs];
    this.absoluteErrorSum = new double[outputs];
    this.targetMean = new double[outputs];
    this.targetM2 = new double[outputs];
  }

  /** Adds m examples: outputs {@code a} and targets {@code y}, outputs × m column-major. */
  void add(double[] a, double[] y, int m) {
    for (int c = 0; c < m; c++) {
      int off = c * outputs;
      long n = count + c + 1;
      for (int r = 0; r < outputs; r++) {
        double d = a[off + r] - y[off + r];
        squaredErrorSum[r] += d * d;
        absoluteErrorSum[r] += Math.abs(d);
        double delta = y[off + r] - targetMean[r];
        targetMean[r] += delta / n;
        targetM2[r] += delta * (y[off + r] - targetMean[r]);
      }
    }
    count += m;
  }

  /** Adds another's sums (in a fixed order for reproducible results). */
  void merge(OutputErrors other) {
    long na = count;
    long nb = other.count;
    for (int r = 0; r < outputs; r++) {
      squaredErrorSum[r] += other.squaredErrorSum[r];
      absoluteErrorSum[r] += other.absoluteErrorSum[r];
      if (nb > 0) {
        long n = na + nb;
        double delta = other.targetMean[r] - targetMean[r];
        targetMean[r] += delta * nb / n;
        targetM2[r] += other.targetM2[r] + delta * delta * ((double) na * nb / n);
      }
    }
    count += nb;
  }

  /** Each output's RMSE, MAE and R² (NaN when its targets are constant). */
  List<OutputMetrics> result() {
    List<OutputMetrics> out = new ArrayList<>();
    for (int r = 0; r < outputs; r++) {
      out.add(new OutputMetrics(Math.sqrt(squaredErrorSum[r] / count),
          absoluteErrorSum[r] / count,
          targetM2[r] > 0 ? 1.0 - squaredErrorSum[r] / targetM2[r] : Double.NaN));
    }
    return out;
  }
}
