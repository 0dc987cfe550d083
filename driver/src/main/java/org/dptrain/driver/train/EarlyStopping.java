package org.dptrain.driver.train;

import org.dptrain.driver.eval.Metric;
import org.dptrain.driver.eval.Metrics;

/**
 * Early stopping on a validation metric: remembers the best epoch (its metrics and weights) and
 * says when the metric has not improved for {@code patience} epochs. Plain logic: no Spark.
 */
public final class EarlyStopping {
  private final Metric metric;
  private final int patience;
  private Metrics best;
  private double[] bestWeights;
  private int bestEpoch;
  private int sinceBest;

  /**
   * @param metric the metric to watch
   * @param patience epochs without improvement before stopping, at least 1
   */
  public EarlyStopping(Metric metric, int patience) {
    if (patience < 1) {
      throw new IllegalArgumentException("--patience must be at least 1, got " + patience);
    }
    this.metric = java.util.Objects.requireNonNull(metric, "metric");
    this.patience = patience;
  }

  /**
   * Takes the metrics after {@code epoch}; an improvement (strictly better, in the metric's
   * direction) becomes the best, with a copy of {@code weights}.
   *
   * @return whether to stop now
   */
  public boolean offer(int epoch, Metrics m, double[] weights) {
    double value = m.get(metric.id());
    double bestValue = best == null ? Double.NaN : best.get(metric.id());
    boolean better = best == null
        || (metric.largerIsBetter() ? value > bestValue : value < bestValue);
    if (better) {
      best = m;
      bestWeights = weights.clone();
      bestEpoch = epoch;
      sinceBest = 0;
      return false;
    }
    sinceBest++;
    return sinceBest >= patience;
  }

  public Metric metric() {
    return metric;
  }

  /** The best epoch's metrics, or null before the first offer. */
  public Metrics best() {
    return best;
  }

  /** The best epoch's weights, or null before the first offer. */
  public double[] bestWeights() {
    return bestWeights;
  }

  /** The best epoch (1-based), 0 before the first offer. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** Epochs since the best. */
  public int sinceBest() {
    return sinceBest;
  }

  /**
   * Continues from a checkpoint's state.
   *
   * @throws IllegalArgumentException if exactly one of {@code best} and {@code weights} is null
   */
  void restore(int bestEpoch, int sinceBest, Metrics best, double[] weights) {
    if ((best == null) != (weights == null)) {
      throw new IllegalArgumentException(best == null ? "best weights without best metrics"
          : "best metrics without best weights");
    }
    this.bestEpoch = bestEpoch;
    this.sinceBest = sinceBest;
    this.best = best;
    this.bestWeights = weights;
  }
}
