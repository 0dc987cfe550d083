package org.dptrain.train;

import java.util.SplittableRandom;
import org.dptrain.activation.Activation;

/**
 * Rosenblatt's perceptron learning rule (Rosenblatt, "The Perceptron: a probabilistic model for
 * information storage and organization in the brain", Psychological Review, 1958), for one step
 * unit: y_hat = step(w·x + b); on each example, w += lr (y - y_hat) x and b += lr (y - y_hat).
 * It converges whenever the two classes are linearly separable (AND, OR) and never otherwise
 * (XOR).
 */
public final class PerceptronTrainer {

  /**
   * A trained step unit.
   *
   * @param weights one per input
   * @param bias the bias b
   */
  public record Perceptron(double[] weights, double bias) {
    /** step(w·x + b), 0 or 1. */
    public int predict(double[] x) {
      if (x.length != weights.length) {
        throw new IllegalArgumentException("input has " + x.length + " values, the perceptron takes "
            + weights.length);
      }
      double z = bias;
      for (int i = 0; i < x.length; i++) {
        z += weights[i] * x[i];
      }
      return (int) Activation.STEP.apply(z);
    }
  }

  /**
   * @param perceptron the unit after training
   * @param epochs passes made
   * @param converged whether the last pass made no mistake
   */
  public record Result(Perceptron perceptron, int epochs, boolean converged) {}

  private PerceptronTrainer() {}

  /**
   * Applies the rule, visiting examples in order, until a pass makes no mistake or
   * {@code maxEpochs} passes are done. Weights start small and random from {@code seed}.
   *
   * @param x one row per example
   * @param y labels, each 0 or 1
   */
  public static Result train(double[][] x, int[] y, double lr, int maxEpochs, long seed) {
    if (x.length == 0 || x.length != y.length) {
      throw new IllegalArgumentException("need as many labels as examples, at least one; got "
          + x.length + " examples and " + y.length + " labels");
    }
    if (!(lr > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
    }
    int f = x[0].length;
    for (int i = 0; i < y.length; i++) {
      if (y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException("label " + y[i] + " at row " + i + " is not 0 or 1");
      }
      if (x[i].length != f) {
        throw new IllegalArgumentException("row " + i + " has " + x[i].length + " values, row 0 has "
            + f);
      }
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] w = new double[f];
    for (int i = 0; i < f; i++) {
      w[i] = 0.01 * rnd.nextGaussian();
    }
    double b = 0.0;
    for (int epoch = 1; epoch <= maxEpochs; epoch++) {
      int mistakes = 0;
      for (int i = 0; i < x.length; i++) {
        double z = b;
        for (int j = 0; j < f; j++) {
          z += w[j] * x[i][j];
        }
        int err = y[i] - (int) Activation.STEP.apply(z);
        if (err != 0) {
          mistakes++;
          for (int j = 0; j < f; j++) {
            w[j] += lr * err * x[i][j];
          }
          b += lr * err;
        }
      }
      if (mistakes == 0) {
        return new Result(new Perceptron(w, b), epoch, true);
      }
    }
    return new Result(new Perceptron(w, b), maxEpochs, false);
  }
}
