package org.dptrain.driver.data;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import org.dptrain.loss.Loss;

/**
 * How labels become target columns of a block: one-hot over {@code outputs} classes for
 * {@link TaskType#MULTICLASS}, the 0/1 label for {@link TaskType#BINARY}, the value (or the
 * vector of values) for {@link TaskType#REGRESSION}.
 *
 * @param type what the labels mean
 * @param outputs K, rows of a block's y: the number of classes (at least 2) for MULTICLASS,
 *     exactly 1 for BINARY, at least 1 for REGRESSION (with more than 1, every example needs a
 *     vector of K targets: several label columns, or a vector label column)
 * @param classNames the names of the classes, by class index ({@link ClassNames}), when the
 *     labels are names; null when they are numbers (class indices). Only for classification:
 *     K names for MULTICLASS, 2 for BINARY (index 0, then 1).
 */
public record Targets(TaskType type, int outputs, List<String> classNames)
    implements Serializable {
  private static final long serialVersionUID = 2L;

  public Targets {
    if (type == null) {
      throw new IllegalArgumentException("targets need a task type");
    }
    String problem = switch (type) {
      case MULTICLASS -> outputs < 2 ? "multiclass targets need at least 2 classes, got "
          + outputs + " outputs" : null;
      case BINARY -> outputs != 1 ? "binary targets have exactly 1 output (the 0/1 label), got "
          + outputs : null;
      case REGRESSION -> outputs < 1 ? "regression targets need at least 1 output, got "
          + outputs : classNames != null ? "regression targets have no class names" : null;
    };
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (classNames != null) {
      classNames = List.copyOf(classNames);
      int classes = classes(type, outputs);
      if (classNames.size() != classes) {
        throw new IllegalArgumentException(classNames.size() + " class names "
            + ClassNames.describe(classNames) + " for " + classes + " classes");
      }
      if (new HashSet<>(classNames).size() != classNames.size()) {
        throw new IllegalArgumentException("class names " + ClassNames.describe(classNames)
            + " name a class twice");
      }
    }
  }

  /** Targets whose labels are numbers (no class names). */
  public Targets(TaskType type, int outputs) {
    this(type, outputs, null);
  }

  /**
   * The targets a loss trains on: cross_entropy is MULTICLASS over {@code outputs} classes,
   * binary_cross_entropy is BINARY, mse and sse are REGRESSION.
   *
   * @param outputs the size of the network's output layer
   * @throws IllegalArgumentException if binary_cross_entropy has other than 1 output, or the
   *     outputs do not fit the task as the constructor requires
   */
  public static Targets of(Loss loss, int outputs) {
    if (loss == null) {
      throw new IllegalArgumentException("targets need a loss");
    }
    return switch (loss) {
      case CROSS_ENTROPY -> new Targets(TaskType.MULTICLASS, outputs);
      case BINARY_CROSS_ENTROPY -> {
        if (outputs != 1) {
          throw new IllegalArgumentException("binary_cross_entropy trains one sigmoid output on "
              + "0/1 labels, but the network has " + outputs + " outputs; use cross_entropy with "
              + "a softmax output for " + outputs + " classes");
        }
        yield new Targets(TaskType.BINARY, 1);
      }
      case MSE, SSE -> new Targets(TaskType.REGRESSION, outputs);
    };
  }

  /** The number of classes: {@code outputs} for MULTICLASS, 2 for BINARY, 0 for REGRESSION. */
  public int classes() {
    return classes(type, outputs);
  }

  private static int classes(TaskType type, int outputs) {
    return switch (type) {
      case MULTICLASS -> outputs;
      case BINARY -> 2;
      case REGRESSION -> 0;
    };
  }

  /**
   * These targets with labels that are class names (null: numbers).
   *
   * @throws IllegalArgumentException if the task is regression, or the names are not
   *     {@link #classes()} distinct names
   */
  public Targets withClassNames(List<String> names) {
    return new Targets(type, outputs, names);
  }

  /** The number of target values per example: {@code outputs} for REGRESSION, else 1 label. */
  public int labelWidth() {
    return type == TaskType.REGRESSION ? outputs : 1;
  }

  /**
   * What is wrong with {@code label} for this task, or null if it is acceptable: MULTICLASS needs
   * an integer in [0, outputs), BINARY needs 0 or 1, REGRESSION a finite number.
   */
  public String labelProblem(double label) {
    return switch (type) {
      case MULTICLASS -> {
        if (label != Math.rint(label) || Double.isInfinite(label)) {
          yield "label " + number(label) + " is not an integer class index in [0, " + outputs
              + ")";
        }
        if (label < 0 || label >= outputs) {
          yield "label " + number(label) + " is outside [0, " + outputs + ") (" + outputs
              + " classes)";
        }
        yield null;
      }
      case BINARY -> label == 0.0 || label == 1.0 ? null
          : "label " + number(label) + " is not 0 or 1 (binary classification)";
      case REGRESSION -> Double.isFinite(label) ? null
          : "label " + number(label) + " is not finite";
    };
  }

  /**
   * Writes the target of {@code label} into {@code y[offset .. offset + outputs)} (modified in
   * place; for MULTICLASS the other entries are set to 0). For REGRESSION with more than one
   * output use {@link #encode(double[], double[], int)}.
   *
   * @throws IllegalArgumentException if {@link #labelProblem} finds a problem, or the targets
   *     need a vector
   */
  public void encode(double label, double[] y, int offset) {
    String problem = labelProblem(label);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (labelWidth() != 1) {
      throw new IllegalArgumentException("regression with " + outputs + " outputs needs "
          + outputs + " targets per example, got one label");
    }
    if (type == TaskType.MULTICLASS) {
      for (int k = 0; k < outputs; k++) {
        y[offset + k] = 0.0;
      }
      y[offset + (int) label] = 1.0;
    } else {
      y[offset] = label;
    }
  }

  /**
   * What is wrong with a vector of regression targets, or null: it must have {@code outputs}
   * values, all finite. Not for classification (whose label is one number).
   */
  public String labelProblem(double[] labels) {
    if (type != TaskType.REGRESSION) {
      return "label is a vector of " + labels.length + " values; "
          + type.name().toLowerCase(java.util.Locale.ROOT) + " classification takes one class "
          + "per example";
    }
    if (labels.length != outputs) {
      return "label has " + labels.length + " values, expected " + outputs + " (one per output)";
    }
    for (int i = 0; i < labels.length; i++) {
      if (!Double.isFinite(labels[i])) {
        return "label[" + i + "] is " + number(labels[i]) + ", not a finite number";
      }
    }
    return null;
  }

  /**
   * Writes a vector of regression targets into {@code y[offset .. offset + outputs)}.
   *
   * @throws IllegalArgumentException if {@link #labelProblem(double[])} finds a problem
   */
  public void encode(double[] labels, double[] y, int offset) {
    String problem = labelProblem(labels);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    System.arraycopy(labels, 0, y, offset, outputs);
  }

  /** A number as a person writes it: 3 rather than 3.0, otherwise Java's shortest form. */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
