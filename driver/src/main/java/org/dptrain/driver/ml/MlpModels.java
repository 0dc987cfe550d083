package org.dptrain.driver.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.model.Model;

/** What both model classes do with a dptrain {@link Model}. */
final class MlpModels {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The model.json field holding the feature scaling, as {@code dptrain train} writes it. */
  static final String FEATURE_SCALING = "featureScaling";

  private MlpModels() {}

  /**
   * The feature scaling recorded in the model, or null if it has none.
   *
   * @throws IllegalArgumentException if the field is malformed
   */
  static FeatureScaling scaling(Model model) {
    ObjectNode extra = model.extra();
    return extra.has(FEATURE_SCALING) ? FeatureScaling.fromJson(extra.get(FEATURE_SCALING))
        : null;
  }

  /** The dptrain model of a forward pass and the JSON text of its extra fields. */
  static Model model(MlpForward forward, String extraJson) {
    try {
      JsonNode extra = JSON.readTree(extraJson);
      return new Model(forward.spec(), forward.weights(), (ObjectNode) extra);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the model's extra fields are not JSON: " + extraJson, e);
    }
  }

  /**
   * Refuses a features column whose ML attribute metadata (as {@code VectorAssembler} writes it)
   * records a width other than {@code numFeatures}. A column without such metadata, or that is
   * missing, passes: Spark's own schema check reports a missing column, and each row's width is
   * checked when it is predicted.
   *
   * @throws IllegalArgumentException naming the column, its width and the model's
   */
  static void checkWidth(StructType schema, String column, int numFeatures) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      return;
    }
    StructField field = schema.apply(column);
    if (!(field.dataType() instanceof VectorUDT)) {
      return;
    }
    int width = AttributeGroup.fromStructField(field).size();
    if (width >= 0 && width != numFeatures) {
      throw new IllegalArgumentException("features column '" + column + "' holds vectors of "
          + width + " values, but this model takes " + numFeatures + " features");
    }
  }
}
