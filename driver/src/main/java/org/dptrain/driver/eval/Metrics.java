package org.dptrain.driver.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.dptrain.driver.data.TaskType;

/**
 * Evaluation metrics. Classification (multiclass, binary at threshold 0.5): accuracy, macro F1
 * (mean per-class F1 over the classes present in truth or prediction), log loss (mean negative log
 * probability of the true class), confusion matrix (rows = true class). Regression: RMSE, MAE, R²
 * (1 - SSE/SST; NaN when the targets are constant). Unused values are NaN or null.
 *
 * <p>A regression with several outputs also has {@code perOutput}, each output's RMSE, MAE and
 * R². Its overall RMSE and MAE are over every (example, output) value; its overall R² is the mean
 * of the outputs' R² (each output against its own mean, as scikit-learn's default
 * {@code uniform_average}; outputs whose targets are constant are left out, NaN if all are).
 */
public record Metrics(TaskType type, long count, double accuracy, double macroF1, double logLoss,
    long[][] confusion, double rmse, double mae, double r2, List<OutputMetrics> perOutput) {

  public Metrics {
    perOutput = perOutput == null ? null : List.copyOf(perOutput);
  }

  /** Metrics without per-output values. */
  public Metrics(TaskType type, long count, double accuracy, double macroF1, double logLoss,
      long[][] confusion, double rmse, double mae, double r2) {
    this(type, count, accuracy, macroF1, logLoss, confusion, rmse, mae, r2, null);
  }

  static Metrics classification(TaskType type, long count, double accuracy, double macroF1,
      double logLoss, long[][] confusion) {
    return new Metrics(type, count, accuracy, macroF1, logLoss, confusion, Double.NaN, Double.NaN,
        Double.NaN);
  }

  static Metrics regression(long count, double rmse, double mae, double r2,
      List<OutputMetrics> perOutput) {
    return new Metrics(TaskType.REGRESSION, count, Double.NaN, Double.NaN, Double.NaN, null, rmse,
        mae, r2, perOutput);
  }

  /**
   * The value of a named metric ({@link Metric}).
   *
   * @throws IllegalArgumentException for an unknown name or one the task does not have
   */
  public double get(String name) {
    Metric metric = Metric.parse(name);
    if (!metric.appliesTo(type)) {
      List<String> names = Metric.of(type).stream().map(Metric::id).toList();
      throw new IllegalArgumentException("metric '" + name + "' is not computed for a "
          + type.name().toLowerCase(Locale.ROOT) + " task; use "
          + String.join(", ", names.subList(0, names.size() - 1)) + " or "
          + names.get(names.size() - 1));
    }
    return switch (metric) {
      case ACCURACY -> accuracy;
      case MACRO_F1 -> macroF1;
      case LOG_LOSS -> logLoss;
      case RMSE -> rmse;
      case MAE -> mae;
      case R2 -> r2;
    };
  }

  /** One line for progress output, e.g. {@code accuracy 0.8812 macro_f1 0.8790 log_loss 0.3301}. */
  public String summary() {
    if (type == TaskType.REGRESSION) {
      return String.format(Locale.ROOT, "rmse %.4f mae %.4f r2 %.4f", rmse, mae, r2);
    }
    return String.format(Locale.ROOT, "accuracy %.4f macro_f1 %.4f log_loss %.4f", accuracy,
        macroF1, logLoss);
  }

  /** As JSON, for metrics files and model.json. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("task", type.name().toLowerCase(Locale.ROOT));
    o.put("count", count);
    if (type == TaskType.REGRESSION) {
      put(o, "rmse", rmse);
      put(o, "mae", mae);
      put(o, "r2", r2);
      if (perOutput != null) {
        ArrayNode outputs = o.putArray("outputs");
        for (OutputMetrics m : perOutput) {
          ObjectNode e = outputs.addObject();
          put(e, "rmse", m.rmse());
          put(e, "mae", m.mae());
          put(e, "r2", m.r2());
        }
      }
    } else {
      put(o, "accuracy", accuracy);
      put(o, "macro_f1", macroF1);
      put(o, "log_loss", logLoss);
      ArrayNode rows = o.putArray("confusion");
      for (long[] row : confusion) {
        ArrayNode r = rows.addArray();
        for (long v : row) {
          r.add(v);
        }
      }
    }
    return o;
  }

  /**
   * Reads what {@link #toJson} wrote (a value it left out, being NaN, reads as NaN).
   *
   * @throws IllegalArgumentException if the task is missing or unknown
   */
  public static Metrics fromJson(JsonNode o) {
    String task = o.path("task").asText("");
    TaskType type;
    try {
      type = TaskType.valueOf(task.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("metrics JSON has task '" + task + "'; expected one of "
          + Arrays.toString(TaskType.values()).toLowerCase(Locale.ROOT), e);
    }
    long count = o.path("count").asLong();
    if (type == TaskType.REGRESSION) {
      List<OutputMetrics> perOutput = null;
      if (o.has("outputs")) {
        perOutput = new java.util.ArrayList<>();
        for (JsonNode e : o.get("outputs")) {
          perOutput.add(new OutputMetrics(get(e, "rmse"), get(e, "mae"), get(e, "r2")));
        }
      }
      return regression(count, get(o, "rmse"), get(o, "mae"), get(o, "r2"), perOutput);
    }
    JsonNode rows = o.path("confusion");
    long[][] confusion = new long[rows.size()][];
    for (int i = 0; i < confusion.length; i++) {
      JsonNode row = rows.get(i);
      confusion[i] = new long[row.size()];
      for (int j = 0; j < confusion[i].length; j++) {
        confusion[i][j] = row.get(j).asLong();
      }
    }
    return classification(type, count, get(o, "accuracy"), get(o, "macro_f1"),
        get(o, "log_loss"), confusion);
  }

  private static double get(JsonNode o, String name) {
    JsonNode v = o.get(name);
    return v == null || !v.isNumber() ? Double.NaN : v.doubleValue();
  }

  private static void put(ObjectNode o, String name, double v) {
    if (Double.isFinite(v)) {
      o.put(name, v);
    } else {
      o.putNull(name);
    }
  }
}
