package org.dptrain.driver.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.model.Model;

/** The feature scaling a model was trained with, from its model.json, or null. */
final class ModelScaling {
  private ModelScaling() {}

  static FeatureScaling of(Model m) {
    return m.extra().has("featureScaling")
        ? FeatureScaling.fromJson((ObjectNode) m.extra().get("featureScaling")) : null;
  }
}
