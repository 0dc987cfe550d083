package org.dptrain.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
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
import scala.Option;

/**
 * What a model stage holds, for both model classes ({@link MlpModel}): the forward pass of its
 * network (features scaled as in training), the extra fields of its model.json as JSON text and
 * the training summary Spark's {@code HasTrainingSummary} keeps. An empty state (the no-argument
 * constructors Spark Connect's service loader needs) holds no network and refuses to predict,
 * naming the model class.
 *
 * <p>Serializable: Spark ships the model, and so this, inside the closures of its transform.
 */
final class MlpModelState implements Serializable {
  private static final long serialVersionUID = 1L;
  /** What a model object costs beyond its doubles (uid, params, spec), for {@link #estimatedSize}. */
  static final long OVERHEAD_BYTES = 4096;

  private final Class<?> owner;
  // Null only in an empty state.
  private final MlpForward forward;
  private final String extraJson;
  private Option<MlpTrainingSummary> summary;

  private MlpModelState(Class<?> owner, MlpForward forward, String extraJson) {
    this.owner = owner;
    this.forward = forward;
    this.extraJson = extraJson;
    this.summary = Option.empty();
  }

  /**
   * The state of {@code model} (its weights copied) as a model of class {@code owner}, with the
   * summary of its training history.
   *
   * @throws IllegalArgumentException if its feature scaling is malformed or does not fit it
   */
  static MlpModelState of(Class<?> owner, Model model) {
    MlpModelState s = new MlpModelState(owner, new MlpForward(model.spec(),
        model.weights().clone(), FeatureScaling.of(model)), model.extra().toString());
    s.summary = s.historySummary();
    return s;
  }

  /** A state holding no network, for a model of class {@code owner}. */
  static MlpModelState empty(Class<?> owner) {
    return new MlpModelState(owner, null, "{}");
  }

  /** Whether this state holds no network. */
  boolean isEmpty() {
    return forward == null;
  }

  /**
   * The forward pass.
   *
   * @throws IllegalStateException for an empty state, naming the model class
   */
  MlpForward forward() {
    if (forward == null) {
      throw new IllegalStateException("this " + owner.getSimpleName() + " holds no network: the"
          + " no-argument constructor exists only for Spark Connect's service loader; use load"
          + " or fit");
    }
    return forward;
  }

  /** The dptrain model: spec, weights (a copy) and the extra fields (a copy). */
  Model toModel() {
    return new Model(forward().spec(), forward().weights(), extra());
  }

  /** The dptrain model, or null for an empty state (what a copy of the stage is made from). */
  Model toModelOrNull() {
    return forward == null ? null : toModel();
  }

  /**
   * The bytes a model holds, for Spark Connect's ML cache (which sizes models with
   * {@code Model.estimatedSize}): 8 per parameter and per feature-scaling value, the extra fields'
   * JSON text (2 bytes a char), plus {@link #OVERHEAD_BYTES}.
   */
  long estimatedSize() {
    if (forward == null) {
      return OVERHEAD_BYTES;
    }
    long doubles = forward.spec().numParams();
    if (forward.scaling() != null) {
      doubles += 2L * forward.scaling().size();
    }
    return 8L * doubles + 2L * extraJson.length() + OVERHEAD_BYTES;
  }

  /**
   * The per-epoch records of the fit that made the model ({@code training.history} of
   * model.json: epoch, step, trainLoss, learningRate, examples, seconds, syncs), as a JSON array;
   * {@code []} for a model without one (a run directory of {@code dptrain train}, whose history is
   * its metrics.jsonl).
   *
   * @throws IllegalStateException for an empty state
   */
  String historyJson() {
    forward();
    JsonNode history = history();
    return history.isArray() ? history.toString() : "[]";
  }

  /** The summary Spark's {@code HasTrainingSummary} holds. */
  Option<MlpTrainingSummary> summary() {
    return summary;
  }

  void setSummary(Option<MlpTrainingSummary> value) {
    summary = value;
  }

  /** The summary of the model's own training history (None without one). */
  Option<MlpTrainingSummary> historySummary() {
    return Option.apply(MlpTrainingSummary.of(history()));
  }

  private JsonNode history() {
    return extra().path("training").path("history");
  }

  /** The extra fields of model.json, parsed (a new object each call). */
  ObjectNode extra() {
    return parseExtra(extraJson);
  }

  /**
   * Extra fields of model.json parsed with {@link BoundedJson}'s limits.
   *
   * @throws IllegalStateException if they are not a bounded JSON object without a key twice
   */
  static ObjectNode parseExtra(String extraJson) {
    try {
      JsonNode extra = BoundedJson.readTree(extraJson.getBytes(StandardCharsets.UTF_8),
          "the model's extra fields");
      if (!(extra instanceof ObjectNode o)) {
        throw new IllegalStateException("the model's extra fields are not a JSON object: "
            + (extraJson.length() <= 200 ? extraJson : extraJson.substring(0, 200) + "..."));
      }
      return o;
    } catch (BadDocumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
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
