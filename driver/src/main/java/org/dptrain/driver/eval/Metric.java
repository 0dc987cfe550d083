package org.dptrain.driver.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.dptrain.driver.data.TaskType;
import org.dptrain.names.Names;

/**
 * The evaluation metrics by name: which task computes each and whether a larger value is better.
 * Early stopping, the registry's promotion rule, the report and {@link Metrics#get} all read
 * metric names through this enum.
 */
public enum Metric {
  /** Fraction of examples whose predicted class is the true class. */
  ACCURACY(false, true),
  /** Mean per-class F1 over the classes present in truth or prediction. */
  MACRO_F1(false, true),
  /** Mean negative log probability of the true class. */
  LOG_LOSS(false, false),
  /** Root mean squared error. */
  RMSE(true, false),
  /** Mean absolute error. */
  MAE(true, false),
  /** 1 - SSE/SST. */
  R2(true, true);

  private final boolean regression;
  private final boolean largerIsBetter;

  Metric(boolean regression, boolean largerIsBetter) {
    this.regression = regression;
    this.largerIsBetter = largerIsBetter;
  }

  /** The name in configuration, metrics files and model.json, e.g. {@code macro_f1}. */
  public String id() {
    return Names.id(this);
  }

  /** Whether a larger value is better. */
  public boolean largerIsBetter() {
    return largerIsBetter;
  }

  /** Whether {@code type}'s evaluation computes this metric. */
  public boolean appliesTo(TaskType type) {
    return regression == (type == TaskType.REGRESSION);
  }

  /** The metrics {@code type}'s evaluation computes, in declaration order. */
  public static List<Metric> of(TaskType type) {
    return Arrays.stream(values()).filter(m -> m.appliesTo(type)).toList();
  }

  /** The metric a task is judged on when none is named: accuracy, or rmse for regression. */
  public static Metric defaultFor(TaskType type) {
    return type == TaskType.REGRESSION ? RMSE : ACCURACY;
  }

  /** Every name, comma separated. */
  public static String validNames() {
    return Names.valid(Metric.class);
  }

  /**
   * The metric called {@code name}.
   *
   * @throws IllegalArgumentException "unknown metric 'NAME'; valid names: ..."
   */
  public static Metric parse(String name) {
    return Names.parse(Metric.class, "metric", name);
  }

  /**
   * Checks this metric is computed for {@code type}.
   *
   * @param what how the setting is named in the message, e.g. {@code --early-stopping}
   * @throws IllegalArgumentException naming the metric, the task and the metrics that apply
   */
  public Metric checkFits(String what, TaskType type) {
    if (!appliesTo(type)) {
      throw new IllegalArgumentException(what + " " + id() + " does not apply to a "
          + type.name().toLowerCase(Locale.ROOT) + " task; use " + String.join(", ",
              of(type).stream().map(Metric::id).toList()));
    }
    return this;
  }
}
