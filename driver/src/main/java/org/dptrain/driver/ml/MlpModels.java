package org.dptrain.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.json.BadDocumentException;
import org.dptrain.json.BoundedJson;
import org.dptrain.model.Model;

/** What both model classes do with a dptrain {@link Model}. */
final class MlpModels {
  /** The model.json field holding the feature scaling, as {@code dptrain train} writes it. */
  static final String FEATURE_SCALING = "featureScaling";
  /** What a model object costs beyond its doubles (uid, params, spec), for {@link #estimatedSize}. */
  static final long OVERHEAD_BYTES = 4096;

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
    return new Model(forward.spec(), forward.weights(), extra(extraJson));
  }

  /**
   * The bytes a model holds, for Spark Connect's ML cache (which sizes models with
   * {@code Model.estimatedSize}): 8 per parameter and per feature-scaling value, the extra fields'
   * JSON text (2 bytes a char), plus {@link #OVERHEAD_BYTES}.
   */
  static long estimatedSize(MlpForward forward, String extraJson) {
    if (forward == null) {
      return OVERHEAD_BYTES;
    }
    long doubles = forward.spec().numParams();
    if (extra(extraJson).has(FEATURE_SCALING)) {
      doubles += 2L * forward.spec().inputSize();
    }
    return 8L * doubles + 2L * extraJson.length() + OVERHEAD_BYTES;
  }

  /**
   * The per-epoch records of the fit that made the model ({@code training.history} of
   * model.json: epoch, step, trainLoss, learningRate, examples, seconds, syncs), as a JSON array;
   * {@code []} for a model without one (a run directory of {@code dptrain train}, whose history is
   * its metrics.jsonl).
   */
  static String historyJson(String extraJson) {
    JsonNode history = extra(extraJson).path("training").path("history");
    return history.isArray() ? history.toString() : "[]";
  }

  /** The training summary of the model's history, or null without one. */
  static MlpTrainingSummary summary(String extraJson) {
    return MlpTrainingSummary.of(extra(extraJson).path("training").path("history"));
  }

  /**
   * The extra fields of model.json, parsed with {@link BoundedJson}'s limits.
   *
   * @throws IllegalStateException if they are not a bounded JSON object without a key twice
   */
  static ObjectNode extra(String extraJson) {
    try {
      JsonNode extra = BoundedJson.readTree(extraJson.getBytes(StandardCharsets.UTF_8),
          "the model's extra fields");
      if (!(extra instanceof ObjectNode o)) {
        throw new IllegalStateException("the model's extra fields are not a JSON object: "
            + abbreviate(extraJson));
      }
      return o;
    } catch (BadDocumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  /**
   * Refuses use of a model made by the no-argument constructor, which exists only because Spark
   * Connect finds ML classes with {@link java.util.ServiceLoader}.
   *
   * @throws IllegalStateException naming the class
   */
  static MlpForward require(MlpForward forward, Class<?> type) {
    if (forward == null) {
      throw new IllegalStateException("this " + type.getSimpleName() + " holds no network: the"
          + " no-argument constructor exists only for Spark Connect's service loader; use load"
          + " or fit");
    }
    return forward;
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
