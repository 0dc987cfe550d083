package org.dptrain.driver.registry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.dptrain.driver.data.TaskType;
import org.dptrain.driver.eval.Metric;

/**
 * The promotion rule: the challenger replaces the champion when, on the same holdout, the chosen
 * metric improves by at least {@code minImprovement} in the metric's own unit (higher or lower is
 * better as {@link Metric#largerIsBetter} says). Without a champion the challenger is promoted;
 * a challenger whose metric is not finite never is.
 *
 * @param metric the metric compared
 * @param challengerVersion the version the challenger is registered as
 * @param challenger the challenger's value on the holdout
 * @param championVersion the champion's version, or null when there is none
 * @param champion the champion's value on the holdout (NaN without a champion)
 * @param minImprovement the least improvement that promotes, at least 0
 * @param promoted the decision
 */
public record Promotion(String metric, String challengerVersion, double challenger,
    String championVersion, double champion, double minImprovement, boolean promoted) {

  /** The default of {@code --min-improvement}. */
  public static final double DEFAULT_MIN_IMPROVEMENT = 0.001;
  /**
   * Tolerance for the comparison: differences such as 0.3 - 0.2 come out as 0.0999...98 in
   * binary floating point, which must count as the 0.1 they are.
   */
  static final double TOLERANCE = 1e-9;

  /**
   * The metric compared for {@code type}: {@code requested}, checked to exist for the task, or
   * accuracy for classification and rmse for regression.
   *
   * @throws IllegalArgumentException for an unknown metric or one the task does not compute
   */
  public static String metricFor(TaskType type, String requested) {
    if (requested == null) {
      return Metric.defaultFor(type).id();
    }
    Metric m;
    try {
      m = Metric.parse(requested);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--metric '" + requested + "' is not a metric; valid"
          + " names: " + Metric.validNames(), e);
    }
    return m.checkFits("--metric", type).id();
  }

  /**
   * Checks a {@code --min-improvement} value.
   *
   * @throws IllegalArgumentException if it is negative or not finite
   */
  public static double checkMinImprovement(double value) {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException("--min-improvement must be a finite number >= 0, got "
          + value);
    }
    return value;
  }

  /**
   * Applies the rule.
   *
   * @param championVersion null when the registry has no champion yet ({@code champion} is then
   *     ignored)
   */
  public static Promotion decide(String metric, String challengerVersion, double challenger,
      String championVersion, double champion, double minImprovement) {
    boolean promoted;
    if (!Double.isFinite(challenger)) {
      promoted = false;
    } else if (championVersion == null || !Double.isFinite(champion)) {
      promoted = true;
    } else {
      promoted = improvement(metric, challenger, champion) >= minImprovement - TOLERANCE;
    }
    return new Promotion(metric, challengerVersion, challenger, championVersion,
        championVersion == null ? Double.NaN : champion, minImprovement, promoted);
  }

  /** How much better {@code challenger} is than {@code champion} (negative when worse). */
  public static double improvement(String metric, double challenger, double champion) {
    return Metric.parse(metric).largerIsBetter() ? challenger - champion : champion - challenger;
  }

  /** The improvement over the champion, NaN without one. */
  public double improvement() {
    return championVersion == null ? Double.NaN : improvement(metric, challenger, champion);
  }

  /**
   * The one-line verdict, for example
   *
   * <pre>
   * promoted v000004: accuracy 0.8812 vs champion v000003 0.8790 (+0.0022 &gt;= 0.0010)
   * kept champion v000003: accuracy of challenger v000004 0.8795 vs 0.8790 (+0.0005 &lt; 0.0010)
   * promoted v000001: accuracy 0.8812 (no champion before)
   * </pre>
   */
  public String verdict() {
    if (championVersion == null) {
      return promoted ? String.format(Locale.ROOT, "promoted %s: %s %.4f (no champion before)",
          challengerVersion, metric, challenger)
          : String.format(Locale.ROOT, "not promoted %s: %s is %s (no champion)",
              challengerVersion, metric, challenger);
    }
    if (!Double.isFinite(challenger)) {
      return String.format(Locale.ROOT,
          "kept champion %s: %s of challenger %s is %s (champion %.4f)",
          championVersion, metric, challengerVersion, challenger, champion);
    }
    if (!Double.isFinite(champion)) {
      return String.format(Locale.ROOT, "promoted %s: %s %.4f vs champion %s %s", challengerVersion,
          metric, challenger, championVersion, champion);
    }
    double d = improvement();
    if (promoted) {
      return String.format(Locale.ROOT, "promoted %s: %s %.4f vs champion %s %.4f (%+.4f >= %.4f)",
          challengerVersion, metric, challenger, championVersion, champion, d, minImprovement);
    }
    return String.format(Locale.ROOT,
        "kept champion %s: %s of challenger %s %.4f vs %.4f (%+.4f < %.4f)",
        championVersion, metric, challengerVersion, challenger, champion, d, minImprovement);
  }

  /** As JSON for registry.json. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("metric", metric);
    o.put("higherIsBetter", Metric.parse(metric).largerIsBetter());
    putNumber(o, "challenger", challenger);
    o.put("championVersion", championVersion);
    putNumber(o, "champion", champion);
    putNumber(o, "improvement", improvement());
    o.put("minImprovement", minImprovement);
    o.put("promoted", promoted);
    o.put("verdict", verdict());
    return o;
  }

  private static void putNumber(ObjectNode o, String name, double v) {
    if (Double.isFinite(v)) {
      o.put(name, v);
    } else {
      o.putNull(name);
    }
  }
}
