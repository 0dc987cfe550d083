package org.dptrain.optim;

import java.io.Serializable;
import java.util.Objects;
import org.dptrain.names.Names;

/**
 * Immutable optimizer configuration. Defaults are the constants below, used by code and
 * configuration parsing alike.
 *
 * @param kind the update rule
 * @param learningRate base learning rate, &gt; 0, multiplied by the schedule's factor
 * @param momentum mu of momentum and Nesterov, in [0, 1)
 * @param beta1 Adam's first-moment decay, in [0, 1)
 * @param beta2 Adam's second-moment decay, in [0, 1)
 * @param epsilon Adam's epsilon, added to sqrt(v_hat), &gt; 0
 * @param weightDecay L2 coefficient lambda &ge; 0: the gradient gets + lambda·w (all parameters)
 * @param clipNorm when &gt; 0, the gradient is scaled down so its L2 norm is at most this; 0 = off
 * @param schedule learning-rate schedule
 */
public record OptimizerSpec(Kind kind, double learningRate, double momentum, double beta1,
    double beta2, double epsilon, double weightDecay, double clipNorm, Schedule schedule)
    implements Serializable {

  public static final double DEFAULT_LEARNING_RATE = 0.05;
  public static final double DEFAULT_MOMENTUM = 0.9;
  public static final double DEFAULT_BETA1 = 0.9;
  public static final double DEFAULT_BETA2 = 0.999;
  public static final double DEFAULT_EPSILON = 1e-8;
  public static final double DEFAULT_WEIGHT_DECAY = 0.0;
  public static final double DEFAULT_CLIP_NORM = 0.0;

  /** The update rules. */
  public enum Kind {
    /** w -= lr·g. */
    SGD,
    /** v = mu·v + g; w -= lr·v (heavy ball; Polyak 1964, in the form PyTorch uses). */
    MOMENTUM,
    /** v = mu·v + g; w -= lr·(g + mu·v) — Nesterov's accelerated gradient as in Sutskever et al.,
     *  "On the importance of initialization and momentum in deep learning", ICML 2013. */
    NESTEROV,
    /** Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015:
     *  m = b1·m + (1-b1)·g; v = b2·v + (1-b2)·g²; w -= lr·m_hat / (sqrt(v_hat) + eps). */
    ADAM;

    public String id() {
      return Names.id(this);
    }

    /**
     * Parses a name case-insensitively.
     *
     * @throws IllegalArgumentException naming the value and listing the valid names
     */
    public static Kind parse(String name) {
      return Names.parse(Kind.class, "optimizer", name);
    }
  }

  public OptimizerSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(schedule, "schedule");
    require(learningRate > 0 && Double.isFinite(learningRate), "learning rate", learningRate,
        "a finite number > 0");
    require(momentum >= 0 && momentum < 1, "momentum", momentum, "in [0, 1)");
    require(beta1 >= 0 && beta1 < 1, "beta1", beta1, "in [0, 1)");
    require(beta2 >= 0 && beta2 < 1, "beta2", beta2, "in [0, 1)");
    require(epsilon > 0 && Double.isFinite(epsilon), "epsilon", epsilon, "a finite number > 0");
    require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay", weightDecay,
        "a finite number >= 0");
    require(clipNorm >= 0 && Double.isFinite(clipNorm), "clip norm", clipNorm,
        "a finite number >= 0 (0 = off)");
  }

  /** An optimizer of the given kind with every other setting at its default. */
  public static OptimizerSpec of(Kind kind, double learningRate) {
    return new OptimizerSpec(kind, learningRate, DEFAULT_MOMENTUM, DEFAULT_BETA1, DEFAULT_BETA2,
        DEFAULT_EPSILON, DEFAULT_WEIGHT_DECAY, DEFAULT_CLIP_NORM, new Schedule.Constant());
  }

  /** Plain SGD at a constant rate. */
  public static OptimizerSpec sgd(double learningRate) {
    return of(Kind.SGD, learningRate);
  }

  public OptimizerSpec withMomentum(double mu) {
    return new OptimizerSpec(kind, learningRate, mu, beta1, beta2, epsilon, weightDecay, clipNorm,
        schedule);
  }

  public OptimizerSpec withBetas(double b1, double b2) {
    return new OptimizerSpec(kind, learningRate, momentum, b1, b2, epsilon, weightDecay, clipNorm,
        schedule);
  }

  public OptimizerSpec withEpsilon(double eps) {
    return new OptimizerSpec(kind, learningRate, momentum, beta1, beta2, eps, weightDecay, clipNorm,
        schedule);
  }

  public OptimizerSpec withWeightDecay(double lambda) {
    return new OptimizerSpec(kind, learningRate, momentum, beta1, beta2, epsilon, lambda, clipNorm,
        schedule);
  }

  public OptimizerSpec withClipNorm(double norm) {
    return new OptimizerSpec(kind, learningRate, momentum, beta1, beta2, epsilon, weightDecay, norm,
        schedule);
  }

  public OptimizerSpec withSchedule(Schedule s) {
    return new OptimizerSpec(kind, learningRate, momentum, beta1, beta2, epsilon, weightDecay,
        clipNorm, s);
  }

  /** Doubles of state per parameter: 0 for SGD, 1 (velocity) for momentum and Nesterov, 2 (m, v)
   *  for Adam. */
  public int stateWidth() {
    return switch (kind) {
      case SGD -> 0;
      case MOMENTUM, NESTEROV -> 1;
      case ADAM -> 2;
    };
  }

  private static void require(boolean ok, String what, double value, String range) {
    if (!ok) {
      throw new IllegalArgumentException(what + " must be " + range + ", got " + value);
    }
  }
}
