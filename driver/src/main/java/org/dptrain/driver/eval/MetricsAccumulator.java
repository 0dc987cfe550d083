package org.dptrain.driver.eval;

import java.util.List;
import org.dptrain.driver.data.TaskType;

/**
 * Sums from which the metrics of a task follow, filled from network outputs and targets and
 * merged across partitions. Multiclass and binary: a confusion matrix (rows = true class, columns
 * = predicted) and the log-loss sum; regression: squared and absolute error sums and the targets'
 * count, mean and sum of squared deviations (merged with Chan et al.'s pairwise formula, so R² is
 * stable), and with several outputs the same per output ({@link OutputErrors}).
 */
public final class MetricsAccumulator {
  private final TaskType type;
  private final int outputs;
  private final long[] confusion;
  /** Per-output sums of a regression with several outputs, else null. */
  private final OutputErrors perOutput;
  private long count;
  private double logLossSum;
  private double squaredErrorSum;
  private double absoluteErrorSum;
  private double targetMean;
  private double targetM2;

  /** Empty sums for a task with {@code outputs} network outputs. */
  public MetricsAccumulator(TaskType type, int outputs) {
    this.type = type;
    this.outputs = outputs;
    int classes = classes(type, outputs);
    this.confusion = type == TaskType.REGRESSION ? new long[0] : new long[classes * classes];
    this.perOutput = type == TaskType.REGRESSION && outputs > 1 ? new OutputErrors(outputs) : null;
  }

  static int classes(TaskType type, int outputs) {
    return type == TaskType.BINARY ? 2 : outputs;
  }

  public TaskType type() {
    return type;
  }

  public long count() {
    return count;
  }

  /**
   * Adds m examples: network outputs {@code a} and targets {@code y}, both outputs × m
   * column-major, starting at column 0.
   */
  public void add(double[] a, double[] y, int m) {
    if (perOutput != null) {
      perOutput.add(a, y, m);
    }
    int k = outputs;
    for (int c = 0; c < m; c++) {
      int off = c * k;
      // javac checks switch expressions for exhaustiveness, not switch statements over an enum:
      // MetricsTest adds examples of every task type
      switch (type) {
        case MULTICLASS -> {
          int truth = argmax(y, off, k);
          int pred = argmax(a, off, k);
          confusion[truth * k + pred]++;
          logLossSum -= Math.log(Math.max(a[off + truth], Double.MIN_NORMAL));
        }
        case BINARY -> {
          int truth = y[off] >= 0.5 ? 1 : 0;
          double p = a[off];
          int pred = p >= 0.5 ? 1 : 0;
          confusion[truth * 2 + pred]++;
          double q = truth == 1 ? p : 1.0 - p;
          logLossSum -= Math.log(Math.max(q, Double.MIN_NORMAL));
        }
        case REGRESSION -> {
          for (int r = 0; r < k; r++) {
            double d = a[off + r] - y[off + r];
            squaredErrorSum += d * d;
            absoluteErrorSum += Math.abs(d);
            long n = count * k + c * k + r + 1;
            double delta = y[off + r] - targetMean;
            targetMean += delta / n;
            targetM2 += delta * (y[off + r] - targetMean);
          }
        }
      }
    }
    count += m;
  }

  /** Adds another accumulator's sums (call in a fixed order for reproducible results). */
  public MetricsAccumulator merge(MetricsAccumulator other) {
    if (other.type != type || other.outputs != outputs) {
      throw new IllegalArgumentException("cannot merge " + other.type + " metrics of "
          + other.outputs + " outputs into " + type + " metrics of " + outputs);
    }
    for (int i = 0; i < confusion.length; i++) {
      confusion[i] += other.confusion[i];
    }
    logLossSum += other.logLossSum;
    if (perOutput != null) {
      perOutput.merge(other.perOutput);
    }
    squaredErrorSum += other.squaredErrorSum;
    absoluteErrorSum += other.absoluteErrorSum;
    long na = count * (type == TaskType.REGRESSION ? outputs : 1);
    long nb = other.count * (type == TaskType.REGRESSION ? outputs : 1);
    if (nb > 0) {
      long n = na + nb;
      double delta = other.targetMean - targetMean;
      targetMean += delta * nb / n;
      targetM2 += other.targetM2 + delta * delta * ((double) na * nb / n);
    }
    count += other.count;
    return this;
  }

  /**
   * The metrics.
   *
   * @throws IllegalStateException when no example was added
   */
  public Metrics result() {
    if (count == 0) {
      throw new IllegalStateException("no examples were evaluated");
    }
    if (type == TaskType.REGRESSION) {
      double n = (double) count * outputs;
      List<OutputMetrics> each = perOutput == null ? null : perOutput.result();
      double r2 = each == null ? (targetM2 > 0 ? 1.0 - squaredErrorSum / targetM2 : Double.NaN)
          : meanR2(each);
      return Metrics.regression(count, Math.sqrt(squaredErrorSum / n), absoluteErrorSum / n, r2,
          each);
    }
    int kc = classes(type, outputs);
    long[][] matrix = new long[kc][kc];
    long correct = 0;
    for (int t = 0; t < kc; t++) {
      for (int p = 0; p < kc; p++) {
        matrix[t][p] = confusion[t * kc + p];
      }
      correct += matrix[t][t];
    }
    return Metrics.classification(type, count, (double) correct / count, macroF1(matrix),
        logLossSum / count, matrix);
  }

  /** The mean R² of the outputs whose targets vary, NaN if none does. */
  static double meanR2(List<OutputMetrics> each) {
    double sum = 0.0;
    int used = 0;
    for (OutputMetrics m : each) {
      if (!Double.isNaN(m.r2())) {
        sum += m.r2();
        used++;
      }
    }
    return used == 0 ? Double.NaN : sum / used;
  }

  /** Mean F1 over the classes that occur as truth or as prediction. */
  static double macroF1(long[][] m) {
    int k = m.length;
    double sum = 0.0;
    int used = 0;
    for (int c = 0; c < k; c++) {
      long tp = m[c][c];
      long truth = 0;
      long predicted = 0;
      for (int j = 0; j < k; j++) {
        truth += m[c][j];
        predicted += m[j][c];
      }
      if (truth == 0 && predicted == 0) {
        continue;
      }
      used++;
      sum += 2.0 * tp / (truth + predicted);
    }
    return used == 0 ? 0.0 : sum / used;
  }

  private static int argmax(double[] v, int off, int k) {
    int best = 0;
    for (int r = 1; r < k; r++) {
      if (v[off + r] > v[off + best]) {
        best = r;
      }
    }
    return best;
  }
}
