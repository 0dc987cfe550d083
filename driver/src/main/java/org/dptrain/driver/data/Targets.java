package org.dptrain.driver.data;

import java.io.Serializable;
import org.dptrain.loss.Loss;

/**
 * How labels become target columns of a block: one-hot over {@code outputs} classes for
 * {@link TaskType#MULTICLASS}, the 0/1 label for {@link TaskType#BINARY}, the value for
 * {@link TaskType#REGRESSION}.
 *
 * @param type what the labels mean
 * @param outputs K, rows of a block's y: the number of classes (at least 2) for MULTICLASS,
 *     exactly 1 for BINARY, at least 1 for REGRESSION (the loaders read one label number per
 *     example, so they accept only 1)
 */
public record Targets(TaskType type, int outputs) implements Serializable {
  private static final long serialVersionUID = 1L;

  public Targets {
    if (type == null) {
      throw new IllegalArgumentException("targets need a task type");
    }
    switch (type) {
      case MULTICLASS:
        if (outputs < 2) {
          throw new IllegalArgumentException("multiclass targets need at least 2 classes, got "
              + outputs + " outputs");
        }
        break;
      case BINARY:
        if (outputs != 1) {
          throw new IllegalArgumentException("binary targets have exactly 1 output (the 0/1 "
              + "label), got " + outputs);
        }
        break;
      default:
        if (outputs < 1) {
          throw new IllegalArgumentException("regression targets need at least 1 output, got "
              + outputs);
        }
    }
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
    switch (loss) {
      case CROSS_ENTROPY:
        return new Targets(TaskType.MULTICLASS, outputs);
      case BINARY_CROSS_ENTROPY:
        if (outputs != 1) {
          throw new IllegalArgumentException("binary_cross_entropy trains one sigmoid output on "
              + "0/1 labels, but the network has " + outputs + " outputs; use cross_entropy with "
              + "a softmax output for " + outputs + " classes");
        }
        return new Targets(TaskType.BINARY, 1);
      default:
        return new Targets(TaskType.REGRESSION, outputs);
    }
  }

  /**
   * What is wrong with {@code label} for this task, or null if it is acceptable: MULTICLASS needs
   * an integer in [0, outputs), BINARY needs 0 or 1, REGRESSION a finite number.
   */
  public String labelProblem(double label) {
    switch (type) {
      case MULTICLASS:
        if (label != Math.rint(label) || Double.isInfinite(label)) {
          return "label " + number(label) + " is not an integer class index in [0, " + outputs
              + ")";
        }
        if (label < 0 || label >= outputs) {
          return "label " + number(label) + " is outside [0, " + outputs + ") (" + outputs
              + " classes)";
        }
        return null;
      case BINARY:
        return label == 0.0 || label == 1.0 ? null
            : "label " + number(label) + " is not 0 or 1 (binary classification)";
      default:
        return Double.isFinite(label) ? null : "label " + number(label) + " is not finite";
    }
  }

  /**
   * Writes the target of {@code label} into {@code y[offset .. offset + outputs)} (modified in
   * place; for MULTICLASS the other entries are set to 0).
   *
   * @throws IllegalArgumentException if {@link #labelProblem} finds a problem
   */
  public void encode(double label, double[] y, int offset) {
    String problem = labelProblem(label);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
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

  /** A number as a person writes it: 3 rather than 3.0, otherwise Java's shortest form. */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
