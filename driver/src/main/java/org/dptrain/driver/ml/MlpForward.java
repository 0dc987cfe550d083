package org.dptrain.driver.ml;

import java.io.Serializable;
import org.apache.spark.ml.linalg.Vector;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.dptrain.network.Workspace;

/**
 * The forward pass of a trained network over one example, as the models' per-row prediction
 * needs it: features checked, scaled as in training, then z_L and a_L of the output layer.
 *
 * <p>Serializable, because Spark ships a model inside the closures of its transform; the network
 * and the per-thread workspaces are rebuilt where it lands. Thread-safe.
 */
final class MlpForward implements Serializable {
  private static final long serialVersionUID = 1L;

  private final NetworkSpec spec;
  private final double[] weights;
  private final FeatureScaling scaling;
  private transient volatile Buffers buffers;

  /** The forward buffers of one thread. */
  private record Buffers(Network network, ThreadLocal<Workspace> workspaces) {}

  /**
   * @param weights the flat parameters (not copied; nobody modifies them)
   * @param scaling applied to the features first, or null
   * @throws IllegalArgumentException if the weights or the scaling do not fit the spec
   */
  MlpForward(NetworkSpec spec, double[] weights, FeatureScaling scaling) {
    if (weights.length != spec.numParams()) {
      throw new IllegalArgumentException(weights.length + " weights given for " + spec
          + ", which has " + spec.numParams());
    }
    if (scaling != null && scaling.size() != spec.inputSize()) {
      throw new IllegalArgumentException("feature scaling for " + scaling.size() + " features"
          + " does not fit a network of " + spec.inputSize() + " inputs");
    }
    this.spec = spec;
    this.weights = weights;
    this.scaling = scaling;
  }

  NetworkSpec spec() {
    return spec;
  }

  /** The feature scaling applied first, or null. */
  FeatureScaling scaling() {
    return scaling;
  }

  /** The flat parameters (a copy). */
  double[] weights() {
    return weights.clone();
  }

  /**
   * One forward pass: {@code out} receives z_L (the output layer's weighted inputs, before its
   * activation) when {@code logits}, else a_L = f_L(z_L).
   *
   * @param out n_L values (modified in place)
   * @throws IllegalArgumentException if the vector is null, does not have exactly n_0 values
   *     (naming both), or holds a value that is not finite
   */
  void forward(Vector features, boolean logits, double[] out) {
    int f = spec.inputSize();
    if (features == null) {
      throw new IllegalArgumentException("a features vector is null; this model takes " + f
          + " features");
    }
    if (features.size() != f) {
      throw new IllegalArgumentException("a features vector has " + features.size()
          + " values; this model takes " + f + " features");
    }
    Buffers b = buffers();
    Workspace ws = b.workspaces().get();
    double[] x = ws.a(0);
    System.arraycopy(features.toArray(), 0, x, 0, f);
    for (int i = 0; i < f; i++) {
      if (!Double.isFinite(x[i])) {
        throw new IllegalArgumentException("features[" + i + "] is " + x[i]
            + ", not a finite number");
      }
    }
    if (scaling != null) {
      scaling.apply(x, 0, 1);
    }
    b.network().forward(weights, ws, 1);
    int depth = spec.depth();
    System.arraycopy(logits ? ws.z(depth) : ws.a(depth), 0, out, 0, spec.outputSize());
  }

  private Buffers buffers() {
    Buffers b = buffers;
    if (b == null) {
      synchronized (this) {
        b = buffers;
        if (b == null) {
          b = new Buffers(new Network(spec), ThreadLocal.withInitial(() -> new Workspace(spec,
              1)));
          buffers = b;
        }
      }
    }
    return b;
  }
}
