package org.dptrain.activation;

import org.dptrain.names.Names;

/**
 * The activation functions of a layer. Scalar forms ({@link #apply}, {@link #derivative}) serve
 * tests and single neurons; the block forms ({@link #forward}, {@link #backward}) are the kernels
 * the network runs over column-major mini-batches and allocate nothing.
 */
public enum Activation {
  /** Heaviside step, 1 if z &ge; 0 else 0. Its derivative is 0 almost everywhere, so it is only
   *  trained with the perceptron rule, never by backpropagation. */
  STEP,
  /** Logistic sigmoid 1 / (1 + e^-z), computed without overflow for large |z|. */
  SIGMOID,
  /** Hyperbolic tangent. */
  TANH,
  /** max(0, z); the derivative at 0 is taken as 0. */
  RELU,
  /** z for z &gt; 0, {@link #LEAKY_SLOPE}·z otherwise. */
  LEAKY_RELU,
  /** log(1 + e^z), computed as max(z, 0) + log1p(e^-|z|). Its derivative is the sigmoid. */
  SOFTPLUS,
  /** The identity. */
  LINEAR,
  /** Per column, a_k = e^{z_k - max} / Σ_j e^{z_j - max}. Output layer only, with cross-entropy. */
  SOFTMAX;

  /** Slope of {@link #LEAKY_RELU} for negative inputs. */
  public static final double LEAKY_SLOPE = 0.01;

  /** The name used in configuration and model files: lower case, e.g. {@code leaky_relu}. */
  public String id() {
    return Names.id(this);
  }

  /** Whether {@link #backward} gives a derivative backpropagation can use. */
  public boolean isDifferentiable() {
    return this != STEP;
  }

  /**
   * Parses a name case-insensitively ({@code "ReLU"}, {@code "leaky_relu"}, {@code "leaky-relu"}).
   *
   * @throws IllegalArgumentException naming the value and listing the valid names
   */
  public static Activation parse(String name) {
    return Names.parse(Activation.class, "activation", name);
  }

  /** The valid names, comma separated. */
  public static String validNames() {
    return Names.valid(Activation.class);
  }

  /**
   * f(z) for one unit.
   *
   * @throws UnsupportedOperationException for {@link #SOFTMAX}, which needs the whole column
   */
  public double apply(double z) {
    return switch (this) {
      case STEP -> z >= 0 ? 1.0 : 0.0;
      case SIGMOID -> sigmoid(z);
      case TANH -> Math.tanh(z);
      case RELU -> z > 0 ? z : 0.0;
      case LEAKY_RELU -> z > 0 ? z : LEAKY_SLOPE * z;
      case SOFTPLUS -> Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z)));
      case LINEAR -> z;
      case SOFTMAX -> throw new UnsupportedOperationException(
          "softmax is defined over a column, not one unit");
    };
  }

  /**
   * f'(z) for one unit.
   *
   * @throws UnsupportedOperationException for {@link #SOFTMAX}, whose derivative is a Jacobian
   *     (see {@link #backward})
   */
  public double derivative(double z) {
    return switch (this) {
      case STEP -> 0.0;
      case SIGMOID -> {
        double s = sigmoid(z);
        yield s * (1.0 - s);
      }
      case TANH -> {
        double t = Math.tanh(z);
        yield 1.0 - t * t;
      }
      case RELU -> z > 0 ? 1.0 : 0.0;
      case LEAKY_RELU -> z > 0 ? 1.0 : LEAKY_SLOPE;
      case SOFTPLUS -> sigmoid(z);
      case LINEAR -> 1.0;
      case SOFTMAX -> throw new UnsupportedOperationException(
          "the softmax derivative is a Jacobian; use backward()");
    };
  }

  /** The logistic function, stable for large |z|. */
  public static double sigmoid(double z) {
    if (z >= 0) {
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1.0 + e);
  }

  /**
   * a = f(z) over the first {@code rows*cols} entries of a column-major block.
   *
   * @param z weighted inputs, rows × cols
   * @param a outputs, rows × cols (modified in place; may be the same array as z)
   */
  public void forward(double[] z, double[] a, int rows, int cols) {
    int n = rows * cols;
    // javac checks switch expressions for exhaustiveness, not switch statements over an enum:
    // ActivationTest.blockKernelsMatchTheScalarForms fails for a constant left out here or in
    // backward
    switch (this) {
      case LINEAR -> {
        if (a != z) {
          System.arraycopy(z, 0, a, 0, n);
        }
      }
      case RELU -> {
        for (int i = 0; i < n; i++) {
          double v = z[i];
          a[i] = v > 0 ? v : 0.0;
        }
      }
      case SOFTMAX -> {
        for (int c = 0; c < cols; c++) {
          int off = c * rows;
          double max = Double.NEGATIVE_INFINITY;
          for (int r = 0; r < rows; r++) {
            max = Math.max(max, z[off + r]);
          }
          double sum = 0.0;
          for (int r = 0; r < rows; r++) {
            double e = Math.exp(z[off + r] - max);
            a[off + r] = e;
            sum += e;
          }
          double inv = 1.0 / sum;
          for (int r = 0; r < rows; r++) {
            a[off + r] *= inv;
          }
        }
      }
      case STEP, SIGMOID, TANH, LEAKY_RELU, SOFTPLUS -> {
        for (int i = 0; i < n; i++) {
          a[i] = apply(z[i]);
        }
      }
    }
  }

  /**
   * The chain rule through this activation: given g = dL/da, out = dL/dz. For element-wise
   * activations out = g ⊙ f'(z); for softmax, per column, out_k = a_k (g_k - Σ_j a_j g_j).
   *
   * @param z weighted inputs, rows × cols
   * @param a outputs f(z), rows × cols
   * @param g dL/da, rows × cols
   * @param out dL/dz, rows × cols (modified in place; may be the same array as g)
   */
  public void backward(double[] z, double[] a, double[] g, double[] out, int rows, int cols) {
    int n = rows * cols;
    switch (this) {
      case LINEAR -> {
        if (out != g) {
          System.arraycopy(g, 0, out, 0, n);
        }
      }
      case RELU -> {
        for (int i = 0; i < n; i++) {
          out[i] = z[i] > 0 ? g[i] : 0.0;
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          out[i] = g[i] * a[i] * (1.0 - a[i]);
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          out[i] = g[i] * (1.0 - a[i] * a[i]);
        }
      }
      case SOFTMAX -> {
        for (int c = 0; c < cols; c++) {
          int off = c * rows;
          double dot = 0.0;
          for (int r = 0; r < rows; r++) {
            dot += a[off + r] * g[off + r];
          }
          for (int r = 0; r < rows; r++) {
            out[off + r] = a[off + r] * (g[off + r] - dot);
          }
        }
      }
      case STEP, LEAKY_RELU, SOFTPLUS -> {
        for (int i = 0; i < n; i++) {
          out[i] = g[i] * derivative(z[i]);
        }
      }
    }
  }
}
