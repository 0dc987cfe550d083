package org.dptrain.optim;

/**
 * An optimizer's state and its update. The state is ONE flat array of
 * {@code stateWidth · numParams} doubles (momentum: v; Adam: m then v) plus the step counter t, so
 * it can be checkpointed and averaged across workers like the parameters.
 *
 * <p>Each {@link #step} does, in this order: g += lambda·w (weight decay); if the L2 norm of g
 * exceeds clipNorm, g *= clipNorm/‖g‖; lr_t = learningRate · schedule.factor(t); the rule of the
 * kind (see {@link OptimizerSpec.Kind}); t += 1.
 */
public final class Optimizer {
  private final OptimizerSpec spec;
  private final int numParams;
  private final double[] state;
  private long step;

  /** A fresh optimizer (zero state, t = 0) for {@code numParams} parameters. */
  public Optimizer(OptimizerSpec spec, int numParams) {
    if (numParams < 1) {
      throw new IllegalArgumentException("number of parameters must be at least 1, got "
          + numParams);
    }
    this.spec = spec;
    this.numParams = numParams;
    this.state = new double[Math.multiplyExact(spec.stateWidth(), numParams)];
  }

  public OptimizerSpec spec() {
    return spec;
  }

  /** Updates taken so far (t). */
  public long stepCount() {
    return step;
  }

  /** The live state array (not a copy): stateWidth · numParams doubles. */
  public double[] state() {
    return state;
  }

  /**
   * Replaces the state and step counter, e.g. from a checkpoint or an average over workers.
   *
   * @throws IllegalArgumentException if the length does not match
   */
  public void restore(double[] newState, long stepCount) {
    if (newState.length != state.length) {
      throw new IllegalArgumentException("optimizer state has " + newState.length + " values; "
          + spec.kind().id() + " over " + numParams + " parameters needs " + state.length);
    }
    if (stepCount < 0) {
      throw new IllegalArgumentException("step count must be at least 0, got " + stepCount);
    }
    System.arraycopy(newState, 0, state, 0, state.length);
    step = stepCount;
  }

  /** The learning rate the next step will use. */
  public double currentLearningRate() {
    return spec.learningRate() * spec.schedule().factor(step);
  }

  /**
   * One update of {@code w} from gradient {@code g}.
   *
   * @param w parameters (modified in place)
   * @param g gradient of the loss at w (modified in place by weight decay and clipping)
   */
  public void step(double[] w, double[] g) {
    if (w.length != numParams || g.length != numParams) {
      throw new IllegalArgumentException("optimizer for " + numParams + " parameters got w of "
          + w.length + " and g of " + g.length);
    }
    int n = numParams;
    double lambda = spec.weightDecay();
    if (lambda != 0.0) {
      for (int i = 0; i < n; i++) {
        g[i] += lambda * w[i];
      }
    }
    if (spec.clipNorm() > 0) {
      double sq = 0.0;
      for (int i = 0; i < n; i++) {
        sq += g[i] * g[i];
      }
      double norm = Math.sqrt(sq);
      if (norm > spec.clipNorm()) {
        double scale = spec.clipNorm() / norm;
        for (int i = 0; i < n; i++) {
          g[i] *= scale;
        }
      }
    }
    double lr = currentLearningRate();
    switch (spec.kind()) {
      case SGD:
        for (int i = 0; i < n; i++) {
          w[i] -= lr * g[i];
        }
        break;
      case MOMENTUM: {
        double mu = spec.momentum();
        for (int i = 0; i < n; i++) {
          double v = mu * state[i] + g[i];
          state[i] = v;
          w[i] -= lr * v;
        }
        break;
      }
      case NESTEROV: {
        double mu = spec.momentum();
        for (int i = 0; i < n; i++) {
          double v = mu * state[i] + g[i];
          state[i] = v;
          w[i] -= lr * (g[i] + mu * v);
        }
        break;
      }
      case ADAM: {
        double b1 = spec.beta1();
        double b2 = spec.beta2();
        double eps = spec.epsilon();
        long t = step + 1;
        double c1 = 1.0 - Math.pow(b1, t);
        double c2 = 1.0 - Math.pow(b2, t);
        for (int i = 0; i < n; i++) {
          double gi = g[i];
          double m = b1 * state[i] + (1.0 - b1) * gi;
          double v = b2 * state[n + i] + (1.0 - b2) * gi * gi;
          state[i] = m;
          state[n + i] = v;
          w[i] -= lr * (m / c1) / (Math.sqrt(v / c2) + eps);
        }
        break;
      }
      default:
        throw new AssertionError(spec.kind());
    }
    step++;
  }
}
