package org.dptrain.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.dptrain.network.NetworkSpec;

/**
 * A trained network: its spec, its flat parameters and any further fields of {@code model.json}
 * (class labels, feature scaling, provenance, metrics), kept as JSON so that a reader passes on
 * what it does not know.
 *
 * @param spec the topology, activations and loss
 * @param weights flat parameters, spec.numParams() of them
 * @param extra fields beyond the required ones (never null; may be empty)
 */
public record Model(NetworkSpec spec, double[] weights, ObjectNode extra) {

  public Model {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(weights, "weights");
    extra = extra == null ? JsonNodeFactory.instance.objectNode() : extra.deepCopy();
    if (weights.length != spec.numParams()) {
      throw new IllegalArgumentException("model has " + weights.length + " weights, " + spec
          + " has " + spec.numParams() + " parameters");
    }
    for (String field : ModelFile.REQUIRED_FIELDS) {
      if (extra.has(field)) {
        throw new IllegalArgumentException("extra field '" + field
            + "' would overwrite a required model.json field");
      }
    }
  }

  /**
   * The extra fields (a copy: the constructor checked that none would overwrite a required field,
   * and a caller changing the live node could undo that).
   */
  @Override
  public ObjectNode extra() {
    return extra.deepCopy();
  }

  /** A model with no extra fields. */
  public Model(NetworkSpec spec, double[] weights) {
    this(spec, weights, null);
  }
}
