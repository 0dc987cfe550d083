package org.dptrain.optim;

/**
 * An optimizer's state and its update. The state is exchanged as ONE flat array of
 * {@code stateWidth · numParams} doubles (momentum: v; Adam: m then v) plus the step counter t, so
 * it can be checkpointed and averaged across workers like the parameters. Inside, each state
 * vector is an array of its own: the JIT vectorises the update loops only then (BENCHMARKS.md,
 * "Optimizer state layout").
 *
 * <p>Each {@link #step} does, in this order: g += lambda·w (weight decay); if the L2 norm of g
 * exceeds clipNorm, g *= clipNorm/‖g‖; lr_t = learningRate · schedule.factor(t); the rule of the
 * kind (see {@link OptimizerSpec.Kind}); t += 1.
 */
public final class Optimizer {
  private final OptimizerSpec spec;
  private final int numParams;
  /** Velocity (momentum, Nesterov) or first moment m (Adam); empty for SGD. */
  private final double[] first;
  /** Adam's second moment v; empty otherwise. */
  private final double[] second;
  private long step;

  /** A fresh optimizer (zero state, t = 0) for {@code numParams} parameters. */
  public Optimizer(OptimizerSpec spec, int numParams) {
    if (numParams < 1) {
      throw new IllegalArgumentException("number of parameters must be at least 1, got "
          + numParams);
    }
    this.spec = spec;
    this.numParams = numParams;
    int width = spec.stateWidth();
    this.first = new double[width >= 1 ? numParams : 0];
    this.second = new double[width >= 2 ? numParams : 0];
  }

  public OptimizerSpec spec() {
    return spec;
  }

  /** Updates taken so far (t). */
  public long stepCount() {
    return step;
  }

  /** A copy of the state as one flat array: stateWidth · numParams doubles (m then v for Adam). */
  public double[] state() {
    double[] flat = new double[first.length + second.length];
    System.arraycopy(first, 0, flat, 0, first.length);
    System.arraycopy(second, 0, flat, first.length, second.length);
    return flat;
  }

  /**
   * Replaces the state and step counter, e.g. from a checkpoint or an average over workers.
   *
   * @throws IllegalArgumentException if the length does not match
   */
  public void restore(double[] newState, long stepCount) {
    int length = first.length + second.length;
    if (newState.length != length) {
      throw new IllegalArgumentException("optimizer state has " + newState.length + " values; "
          + spec.kind().id() + " over " + numParams + " parameters needs " + length);
    }
    if (stepCount < 0) {
      throw new IllegalArgumentException("step count must be at least 0, got " + stepCount);
    }
    System.arraycopy(newState, 0, first, 0, first.length);
    System.arraycopy(newState, first.length, second, 0, second.length);
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
        double[] vel = first;
        for (int i = 0; i < n; i++) {
          double v = mu * vel[i] + g[i];
          vel[i] = v;
          w[i] -= lr * v;
        }
        break;
      }
      case NESTEROV: {
        double mu = spec.momentum();
        double[] vel = first;
        for (int i = 0; i < n; i++) {
          double v = mu * vel[i] + g[i];
          vel[i] = v;
          w[i] -= lr * (g[i] + mu * v);
        }
        break;
      }
      case ADAM: {
        double b1 = spec.beta1();
        double b2 = spec.beta2();
        double eps = spec.epsilon();
        long t = step + 1;
        // m_hat = m / c1 and v_hat = v / c2, as products with the reciprocals (a division in the
        // loop would cost more than the rest of it)
        double ic1 = 1.0 / (1.0 - Math.pow(b1, t));
        double ic2 = 1.0 / (1.0 - Math.pow(b2, t));
        double[] ms = first;
        double[] vs = second;
        for (int i = 0; i < n; i++) {
          double gi = g[i];
          double m = b1 * ms[i] + (1.0 - b1) * gi;
          double v = b2 * vs[i] + (1.0 - b2) * gi * gi;
          ms[i] = m;
          vs[i] = v;
          w[i] -= lr * (m * ic1) / (Math.sqrt(v * ic2) + eps);
        }
        break;
      }
      default:
        throw new AssertionError(spec.kind());
    }
    step++;
  }
}
