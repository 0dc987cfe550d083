package org.dptrain.network;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.dptrain.activation.Activation;
import org.dptrain.loss.Loss;

/**
 * The immutable shape of a multilayer perceptron: layer sizes, one activation per non-input layer,
 * and the loss it is trained on. Validated on construction; every message names the bad value.
 *
 * <p>Serializable so that Spark can ship it inside task closures; a record deserializes through
 * its validating constructor.
 *
 * @param layers sizes n_0 (inputs) .. n_L (outputs), each &ge; 1
 * @param activations f_1 .. f_L
 * @param loss the training loss, which must fit f_L
 */
public record NetworkSpec(int[] layers, List<Activation> activations, Loss loss)
    implements Serializable {

  /** Largest parameter count a flat {@code double[]} can hold. */
  public static final long MAX_PARAMS = Integer.MAX_VALUE - 8L;

  public NetworkSpec {
    Objects.requireNonNull(layers, "layers");
    Objects.requireNonNull(activations, "activations");
    Objects.requireNonNull(loss, "loss");
    layers = layers.clone();
    activations = List.copyOf(activations);
    String shape = "layers=" + Arrays.toString(layers);
    if (layers.length < 2) {
      throw new IllegalArgumentException(
          "layers must list an input size and at least one layer size, got " + shape);
    }
    for (int i = 0; i < layers.length; i++) {
      if (layers[i] < 1) {
        throw new IllegalArgumentException("layers[" + i + "] = " + layers[i]
            + ": every layer size must be at least 1 (" + shape + ")");
      }
    }
    if (activations.size() != layers.length - 1) {
      throw new IllegalArgumentException(activations.size() + " activations " + ids(activations)
          + " given for " + shape + ", which needs " + (layers.length - 1)
          + " (one per non-input layer)");
    }
    int last = activations.size() - 1;
    for (int l = 0; l <= last; l++) {
      Activation a = activations.get(l);
      if (a == Activation.STEP) {
        throw new IllegalArgumentException("activation step (layer " + (l + 1)
            + ") has no useful derivative, so backpropagation cannot train it; the step activation"
            + " is trained by the perceptron rule (org.dptrain.train.PerceptronTrainer)");
      }
      if (a == Activation.SOFTMAX && l != last) {
        throw new IllegalArgumentException("softmax is for the output layer only, found at layer "
            + (l + 1) + " of " + (last + 1) + " (activations " + ids(activations) + ")");
      }
    }
    Activation out = activations.get(last);
    if (out == Activation.SOFTMAX && layers[layers.length - 1] < 2) {
      throw new IllegalArgumentException("a softmax output needs at least 2 units, " + shape
          + " has " + layers[layers.length - 1] + " (use sigmoid + binary_cross_entropy for 2 classes"
          + " in one unit)");
    }
    if (!loss.fits(out)) {
      throw new IllegalArgumentException("loss " + loss.id() + " does not fit output activation "
          + out.id() + ": " + loss.requirement());
    }
    long params = 0;
    for (int l = 1; l < layers.length; l++) {
      params += (long) layers[l] * layers[l - 1] + layers[l];
    }
    if (params > MAX_PARAMS) {
      throw new IllegalArgumentException(shape + " has " + params + " parameters, more than the "
          + MAX_PARAMS + " one flat array can hold");
    }
  }

  /**
   * Parses names, as given on a command line or in a model file.
   *
   * @throws IllegalArgumentException for an unknown name or an invalid combination
   */
  public static NetworkSpec of(int[] layers, List<String> activations, String loss) {
    List<Activation> acts = new ArrayList<>(activations.size());
    for (String name : activations) {
      acts.add(Activation.parse(name));
    }
    return new NetworkSpec(layers, acts, Loss.parse(loss));
  }

  /** The layer sizes (a copy). */
  @Override
  public int[] layers() {
    return layers.clone();
  }

  /** Number of weight layers L (layers minus the input). */
  public int depth() {
    return layers.length - 1;
  }

  /** n_l; l = 0 is the input. */
  public int size(int l) {
    return layers[l];
  }

  /** n_0. */
  public int inputSize() {
    return layers[0];
  }

  /** n_L. */
  public int outputSize() {
    return layers[layers.length - 1];
  }

  /** f_l for l = 1..L. */
  public Activation activation(int l) {
    return activations.get(l - 1);
  }

  /** f_L. */
  public Activation outputActivation() {
    return activations.get(activations.size() - 1);
  }

  /** Offset of W_l (l = 1..L) in the flat parameter vector. */
  public int weightOffset(int l) {
    int off = 0;
    for (int i = 1; i < l; i++) {
      off += layers[i] * layers[i - 1] + layers[i];
    }
    return off;
  }

  /** Offset of b_l in the flat parameter vector. */
  public int biasOffset(int l) {
    return weightOffset(l) + layers[l] * layers[l - 1];
  }

  /** Total number of parameters, Σ_l n_l n_{l-1} + n_l. */
  public int numParams() {
    return weightOffset(layers.length);
  }

  /** The activation names, e.g. {@code [tanh, softmax]}. */
  public List<String> activationIds() {
    List<String> ids = new ArrayList<>(activations.size());
    for (Activation a : activations) {
      ids.add(a.id());
    }
    return ids;
  }

  private static String ids(List<Activation> acts) {
    List<String> ids = new ArrayList<>();
    for (Activation a : acts) {
      ids.add(a == null ? "null" : a.id());
    }
    return ids.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkSpec s && Arrays.equals(layers, s.layers)
        && activations.equals(s.activations) && loss == s.loss;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(layers), activations, loss);
  }

  @Override
  public String toString() {
    return "NetworkSpec[layers=" + Arrays.toString(layers) + ", activations=" + activationIds()
        + ", loss=" + loss.id() + "]";
  }
}
