package org.dptrain.network;

import java.util.SplittableRandom;
import org.dptrain.activation.Activation;
import org.dptrain.names.Names;

/**
 * Weight initializers. Weights are drawn at random from the seed, so they are never all zero (a
 * network whose hidden units start equal stays symmetric and learns nothing); biases start at 0.
 * Layer l draws from its own stream split off the seed, so one layer's size does not shift another
 * layer's numbers.
 *
 * <ul>
 *   <li>{@link #GAUSSIAN}: N(0, 1), the source articles' {@code randn};</li>
 *   <li>{@link #XAVIER}: uniform on ±sqrt(6 / (n_in + n_out)) — Glorot &amp; Bengio, "Understanding
 *       the difficulty of training deep feedforward neural networks", AISTATS 2010;</li>
 *   <li>{@link #HE}: N(0, 2 / n_in) — He et al., "Delving Deep into Rectifiers", ICCV 2015.</li>
 * </ul>
 */
public enum Initializer {
  GAUSSIAN, XAVIER, HE;

  /** The name used in configuration, e.g. {@code he}. */
  public String id() {
    return Names.id(this);
  }

  /**
   * Parses a name case-insensitively.
   *
   * @throws IllegalArgumentException naming the value and listing the valid names
   */
  public static Initializer parse(String name) {
    return Names.parse(Initializer.class, "initializer", name);
  }

  /** He for the rectifier family, Xavier for the saturating and linear activations. */
  public static Initializer defaultFor(Activation activation) {
    return switch (activation) {
      case RELU, LEAKY_RELU, SOFTPLUS -> HE;
      case STEP, SIGMOID, TANH, LINEAR, SOFTMAX -> XAVIER;
    };
  }

  /** Fresh parameters, each layer with the default initializer for its activation. */
  public static double[] initialize(NetworkSpec spec, long seed) {
    return initialize(spec, seed, null);
  }

  /**
   * Fresh parameters for {@code spec} from {@code seed}.
   *
   * @param override the initializer for every layer, or null for {@link #defaultFor} each layer
   */
  public static double[] initialize(NetworkSpec spec, long seed, Initializer override) {
    double[] w = new double[spec.numParams()];
    SplittableRandom root = new SplittableRandom(seed);
    for (int l = 1; l <= spec.depth(); l++) {
      SplittableRandom rnd = root.split();
      Initializer init = override != null ? override : defaultFor(spec.activation(l));
      int nIn = spec.size(l - 1);
      int nOut = spec.size(l);
      int off = spec.weightOffset(l);
      init.fill(w, off, nOut * nIn, nIn, nOut, rnd);
    }
    return w;
  }

  private void fill(double[] w, int off, int len, int nIn, int nOut, SplittableRandom rnd) {
    boolean anyNonZero = false;
    while (!anyNonZero) {
      for (int i = off; i < off + len; i++) {
        double v = switch (this) {
          case GAUSSIAN -> rnd.nextGaussian();
          case XAVIER -> {
            double limit = Math.sqrt(6.0 / (nIn + nOut));
            yield rnd.nextDouble(-limit, limit);
          }
          case HE -> rnd.nextGaussian() * Math.sqrt(2.0 / nIn);
        };
        w[i] = v;
        anyNonZero |= v != 0.0;
      }
    }
  }
}
