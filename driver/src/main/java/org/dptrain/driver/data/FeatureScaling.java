package org.dptrain.driver.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.dptrain.model.Model;

/**
 * A per-feature affine map x' = (x - shift) / scale, fitted on training data and stored with the
 * model so that prediction scales inputs the same way.
 *
 * <ul>
 *   <li>{@value #STANDARDIZE}: shift = the mean, scale = the population standard deviation
 *       sqrt(Σ (x - mean)² / n), so scaled features have mean 0 and variance 1;</li>
 *   <li>{@value #MINMAX}: shift = the minimum, scale = max - min, so scaled training features lie
 *       in [0, 1].</li>
 * </ul>
 * A feature that is constant in the training data would get scale 0; it gets scale 1 instead
 * (it is only shifted), so scale is never 0.
 *
 * @param method {@value #STANDARDIZE} or {@value #MINMAX}
 * @param shift per feature, finite (the arrays are copied in; do not modify what the accessors
 *     return)
 * @param scale per feature, finite and non-zero
 */
public record FeatureScaling(String method, double[] shift, double[] scale)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Mean 0, variance 1 per feature. */
  public static final String STANDARDIZE = "standardize";
  /** [0, 1] per feature over the training data. */
  public static final String MINMAX = "minmax";
  /** The methods, as named in configuration and model files. */
  public static final List<String> METHODS = List.of(STANDARDIZE, MINMAX);
  /** The field of a model's extra fields (model.json, checkpoints) that holds its scaling. */
  public static final String MODEL_FIELD = "featureScaling";

  /** @throws IllegalArgumentException naming the bad method, length or value */
  public FeatureScaling {
    checkMethod(method);
    if (shift == null || scale == null) {
      throw new IllegalArgumentException("feature scaling needs shift and scale");
    }
    if (shift.length != scale.length || shift.length == 0) {
      throw new IllegalArgumentException("feature scaling has " + shift.length + " shifts and "
          + scale.length + " scales; they must be equally many, at least 1");
    }
    for (int i = 0; i < shift.length; i++) {
      if (!Double.isFinite(shift[i])) {
        throw new IllegalArgumentException("shift[" + i + "] is " + shift[i]
            + "; it must be finite");
      }
      if (!Double.isFinite(scale[i]) || scale[i] == 0.0) {
        throw new IllegalArgumentException("scale[" + i + "] is " + scale[i]
            + "; it must be finite and non-zero");
      }
    }
    shift = shift.clone();
    scale = scale.clone();
  }

  /** The number of features it scales. */
  public int size() {
    return shift.length;
  }

  /**
   * Fits a scaling on the features of {@code data}, distributedly: each partition computes its
   * count, minima, maxima and exact sums of x and x² ({@link ExactMoments}); the driver adds the
   * partials up in partition order (the order of {@code collect}, not of arrival). The sums being
   * exact integers, the order and the split into partitions do not matter: the same examples give
   * the same bits whatever the partition count, task timing or retries. The mean and the
   * deviation sqrt(n·Σx² - (Σx)²) / n are rounded once, to the nearest double, so they are as
   * accurate as a double allows (no cancellation: the difference is taken exactly).
   *
   * <p>Every feature vector is validated as {@link BlockStacker} does (not null, width
   * {@code data.numFeatures()}, finite values); labels are not looked at.
   *
   * @param method {@value #STANDARDIZE} or {@value #MINMAX}
   * @throws DataValidationException for the first bad feature vector
   * @throws IllegalArgumentException for an unknown method or an empty frame
   */
  public static FeatureScaling fit(LoadedData data, String method) {
    checkMethod(method);
    int f = data.numFeatures();
    RowChecker checker = new RowChecker(data, null);
    JavaRDD<Row> rows = data.frame().select(RowChecker.COLUMNS[0], RowChecker.COLUMNS[1],
        RowChecker.COLUMNS[2], RowChecker.COLUMNS[3]).javaRDD();
    List<long[]> partials;
    try {
      partials = rows.mapPartitions(it -> {
        ExactMoments s = new ExactMoments(f);
        double[] x = new double[f];
        while (it.hasNext()) {
          checker.features(it.next(), x, 0);
          s.add(x, 0);
        }
        return List.of(s.encode()).iterator();
      }).collect();
    } catch (Exception e) {
      throw DataValidationException.unwrap(e);
    }
    ExactMoments total = new ExactMoments(f);
    for (long[] s : partials) {
      total.merge(ExactMoments.decode(s, f));
    }
    if (total.count() == 0) {
      throw new IllegalArgumentException("cannot fit feature scaling on no examples");
    }
    double[] shift = new double[f];
    double[] scale = new double[f];
    for (int i = 0; i < f; i++) {
      if (STANDARDIZE.equals(method)) {
        shift[i] = total.mean(i);
        scale[i] = total.deviation(i);
      } else {
        shift[i] = total.min(i);
        scale[i] = total.max(i) - shift[i];
      }
      if (scale[i] == 0.0) {
        scale[i] = 1.0;
      }
    }
    return new FeatureScaling(method, shift, scale);
  }

  /**
   * Scales {@code n} examples stored column-major from {@code offset}: x[offset + j·F + i] becomes
   * (x - shift[i]) / scale[i] for i &lt; F = {@link #size()}, j &lt; n (modified in place). For
   * one example, n = 1; for a block, {@code apply(block.x(), 0, block.size())}.
   *
   * @throws IllegalArgumentException if the examples do not fit in {@code x}
   */
  public void apply(double[] x, int offset, int n) {
    int f = shift.length;
    if (offset < 0 || n < 0 || (long) offset + (long) n * f > x.length) {
      throw new IllegalArgumentException(n + " examples of " + f + " features from offset "
          + offset + " do not fit in an array of " + x.length);
    }
    for (int j = 0; j < n; j++) {
      int base = offset + j * f;
      for (int i = 0; i < f; i++) {
        x[base + i] = (x[base + i] - shift[i]) / scale[i];
      }
    }
  }

  /** {@code {"method": ..., "shift": [...], "scale": [...]}}, doubles written exactly. */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("method", method);
    ArrayNode s = node.putArray("shift");
    for (double v : shift) {
      s.add(v);
    }
    ArrayNode c = node.putArray("scale");
    for (double v : scale) {
      c.add(v);
    }
    return node;
  }

  /**
   * The feature scaling {@code model} was trained with (its {@value #MODEL_FIELD} field, as
   * {@link #writeTo} records it), or null when it has none (the field absent or JSON null). Every
   * reader of a model's scaling goes through here.
   *
   * @throws IllegalArgumentException if the field is malformed (see {@link #fromJson})
   */
  public static FeatureScaling of(Model model) {
    JsonNode node = model.extra().get(MODEL_FIELD);
    return node == null || node.isNull() ? null : fromJson(node);
  }

  /** Records this scaling in a model's extra fields, where {@link #of(Model)} reads it. */
  public void writeTo(ObjectNode extra) {
    extra.set(MODEL_FIELD, toJson());
  }

  /**
   * Reads what {@link #toJson()} wrote (an ObjectNode, or any JsonNode of that shape).
   *
   * @throws IllegalArgumentException naming a missing or mistyped field or a bad value
   */
  public static FeatureScaling fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("feature scaling must be a JSON object, got " + node);
    }
    JsonNode method = node.get("method");
    if (method == null || !method.isTextual()) {
      throw new IllegalArgumentException("feature scaling JSON needs a text field \"method\"");
    }
    return new FeatureScaling(method.asText(), numbers(node, "shift"), numbers(node, "scale"));
  }

  private static double[] numbers(JsonNode node, String field) {
    JsonNode array = node.get(field);
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("feature scaling JSON needs an array field \"" + field
          + "\"");
    }
    double[] values = new double[array.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode v = array.get(i);
      if (!v.isNumber()) {
        throw new IllegalArgumentException("feature scaling \"" + field + "\"[" + i + "] is " + v
            + ", not a number");
      }
      values[i] = v.doubleValue();
    }
    return values;
  }

  private static void checkMethod(String method) {
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException("unknown feature scaling '" + method + "'; valid names: "
          + String.join(", ", METHODS));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureScaling s && method.equals(s.method)
        && Arrays.equals(shift, s.shift) && Arrays.equals(scale, s.scale);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * method.hashCode() + Arrays.hashCode(shift)) + Arrays.hashCode(scale);
  }

  @Override
  public String toString() {
    return "FeatureScaling[" + method + ", " + shift.length + " features]";
  }
}
