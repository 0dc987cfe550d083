package org.dptrain.loss;

import org.dptrain.activation.Activation;
import org.dptrain.names.Names;

/**
 * The losses a network can be trained on. Each is fused with its output activation where that
 * is faster and numerically safer: softmax + cross-entropy and sigmoid + binary cross-entropy both
 * give delta = a - y and are evaluated from z with log-sum-exp, so no log(0) ever happens.
 *
 * <p>Notation: m = examples in the batch, K = outputs, a = network output, y = target.
 */
public enum Loss {
  /** Softmax cross-entropy, L = -(1/m) Σ_i Σ_k y_ik log a_ik. Output activation: softmax. Each
   *  target column must be a probability distribution (one-hot for classes): the fused delta
   *  a - y is the gradient only when Σ_k y_ik = 1. */
  CROSS_ENTROPY,
  /** L = -(1/m) Σ_i Σ_k [y_ik log a_ik + (1 - y_ik) log(1 - a_ik)]. Output activation: sigmoid. */
  BINARY_CROSS_ENTROPY,
  /** Mean squared error, L = (1/m) Σ_i (1/K) Σ_k (a_ik - y_ik)^2. */
  MSE,
  /** The articles' cost, L = (1/m) Σ_i ½ Σ_k (a_ik - y_ik)^2. */
  SSE;

  /** The name used in configuration and model files, e.g. {@code cross_entropy}. */
  public String id() {
    return Names.id(this);
  }

  /**
   * Parses a name case-insensitively.
   *
   * @throws IllegalArgumentException naming the value and listing the valid names
   */
  public static Loss parse(String name) {
    return Names.parse(Loss.class, "loss", name);
  }

  /** Whether this loss can be trained behind the given output activation. */
  public boolean fits(Activation output) {
    return switch (this) {
      case CROSS_ENTROPY -> output == Activation.SOFTMAX;
      case BINARY_CROSS_ENTROPY -> output == Activation.SIGMOID;
      case MSE, SSE -> output != Activation.SOFTMAX && output.isDifferentiable();
    };
  }

  /** What {@link #fits} requires, in words, for error messages. */
  public String requirement() {
    return switch (this) {
      case CROSS_ENTROPY -> "cross_entropy needs a softmax output layer";
      case BINARY_CROSS_ENTROPY -> "binary_cross_entropy needs a sigmoid output layer";
      case MSE, SSE -> id() + " needs a differentiable output activation other than softmax"
          + " (softmax goes with cross_entropy)";
    };
  }

  /**
   * Σ_i l_i over the first m columns (the caller divides by m).
   *
   * @param z output-layer weighted inputs, k × m column-major
   * @param a output activations f(z), k × m
   * @param y targets, k × m
   */
  public double lossSum(double[] z, double[] a, double[] y, int k, int m) {
    int n = k * m;
    return switch (this) {
      case CROSS_ENTROPY -> {
        double sum = 0.0;
        for (int c = 0; c < m; c++) {
          int off = c * k;
          double max = Double.NEGATIVE_INFINITY;
          for (int r = 0; r < k; r++) {
            max = Math.max(max, z[off + r]);
          }
          double s = 0.0;
          for (int r = 0; r < k; r++) {
            s += Math.exp(z[off + r] - max);
          }
          double logSumExp = max + Math.log(s);
          for (int r = 0; r < k; r++) {
            double t = y[off + r];
            if (t != 0.0) {
              sum -= t * (z[off + r] - logSumExp);
            }
          }
        }
        yield sum;
      }
      case BINARY_CROSS_ENTROPY -> {
        // -[y log σ(z) + (1-y) log(1-σ(z))] = max(z,0) - y z + log(1 + e^-|z|)
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
          double v = z[i];
          sum += Math.max(v, 0.0) - y[i] * v + Math.log1p(Math.exp(-Math.abs(v)));
        }
        yield sum;
      }
      case MSE -> squaredErrorSum(a, y, n) / k;
      case SSE -> 0.5 * squaredErrorSum(a, y, n);
    };
  }

  private static double squaredErrorSum(double[] a, double[] y, int n) {
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      double d = a[i] - y[i];
      sum += d * d;
    }
    return sum;
  }

  /**
   * The output-layer error of backpropagation's first equation, delta_i = dl_i/dz_i, per example
   * (not divided by m).
   *
   * @param output the output activation (must {@link #fits fit})
   * @param delta k × m (modified in place)
   */
  public void outputDelta(Activation output, double[] z, double[] a, double[] y, double[] delta,
      int k, int m) {
    int n = k * m;
    // a switch statement, which javac does not check for exhaustiveness: GradientCheckTest runs
    // every loss through here, so a constant left out fails it
    switch (this) {
      // fused with the output activation: a - y is dl/dz itself
      case CROSS_ENTROPY, BINARY_CROSS_ENTROPY -> {
        for (int i = 0; i < n; i++) {
          delta[i] = a[i] - y[i];
        }
      }
      // dl/da, then through f'(z)
      case MSE -> {
        double scale = 2.0 / k;
        for (int i = 0; i < n; i++) {
          delta[i] = scale * (a[i] - y[i]);
        }
        output.backward(z, a, delta, delta, k, m);
      }
      case SSE -> {
        for (int i = 0; i < n; i++) {
          delta[i] = a[i] - y[i];
        }
        output.backward(z, a, delta, delta, k, m);
      }
    }
  }
}
