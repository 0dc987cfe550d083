package org.dptrain.driver.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.HasTrainingSummary;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.dptrain.loss.Loss;
import org.dptrain.model.Model;
import org.dptrain.network.NetworkSpec;
import scala.Option;

/**
 * A trained dptrain regression network as a Spark ML model: {@code transform} adds the
 * {@code prediction} column, a_L of one forward pass per row (features scaled as in training when
 * the model was trained with {@code scale}). A vector that does not have {@link #numFeatures()}
 * values, or holds a value that is not finite, fails the transform with a message saying so; a
 * features column whose ML attribute metadata records another width is refused before any job
 * runs.
 *
 * <p>{@code save} writes Spark's metadata and a dptrain model directory ({@link MlpModelWriter});
 * {@link #load} reads them back without Java deserialization.
 */
public final class MlpRegressionModel extends RegressionModel<Vector, MlpRegressionModel>
    implements MLWritable, HasTrainingSummary<MlpTrainingSummary> {
  private static final long serialVersionUID = 1L;

  // Assigned lazily by uid() while the superclass constructor runs; no initializer on purpose.
  private String uid;
  // Null only in a model made by the no-argument constructor (for Spark Connect's service loader).
  private final MlpForward forward;
  private final String extraJson;
  private Option<MlpTrainingSummary> trainingSummary;

  /**
   * Wraps a dptrain model, for instance one read from a run directory of {@code dptrain train}.
   *
   * @throws IllegalArgumentException if the model is a classifier (cross_entropy or
   *     binary_cross_entropy), has more than 1 output, or its feature scaling does not fit it
   */
  public MlpRegressionModel(String uid, Model model) {
    this(Uids.pass(uid), Objects.requireNonNull(model, "model"));
  }

  /**
   * A model that holds no network and refuses to predict. Spark Connect finds ML classes with
   * {@link java.util.ServiceLoader}, which needs a public no-argument constructor; models are
   * made by {@code fit} and {@link #load}.
   */
  public MlpRegressionModel() {
    this(Uids.pass(Identifiable.randomUID("mlpRegressionModel")), null);
  }

  private MlpRegressionModel(Uids.Passed passed, Model model) {
    super();
    Uids.check(passed, uid());
    trainingSummary = Option.empty();
    if (model == null) {
      this.forward = null;
      this.extraJson = "{}";
      return;
    }
    NetworkSpec spec = model.spec();
    if (spec.loss() == Loss.CROSS_ENTROPY || spec.loss() == Loss.BINARY_CROSS_ENTROPY) {
      throw new IllegalArgumentException("a " + spec.loss().id() + " model is a classifier, not a"
          + " regression model (" + spec + "); use MlpClassificationModel");
    }
    if (spec.outputSize() != 1) {
      throw new IllegalArgumentException("a regression model here predicts 1 value, but " + spec
          + " has " + spec.outputSize() + " outputs");
    }
    this.forward = new MlpForward(spec, model.weights().clone(), MlpModels.scaling(model));
    this.extraJson = model.extra().toString();
    setSummary(Option.apply(MlpModels.summary(extraJson)));
  }

  @Override
  public String uid() {
    if (uid == null) {
      uid = Uids.claim("mlpRegressionModel");
    }
    return uid;
  }

  private MlpForward forward() {
    return MlpModels.require(forward, getClass());
  }

  /** The network: layers, activations, loss. */
  public NetworkSpec spec() {
    return forward().spec();
  }

  /** The layer sizes n_0 (the input), n_1, ..., n_L. */
  public int[] layers() {
    return spec().layers();
  }

  /**
   * The per-epoch records of the fit that made this model, as a JSON array of objects (epoch,
   * step, trainLoss, learningRate, examples, seconds, syncs); {@code []} for a model wrapped from
   * a {@code dptrain train} run directory, whose history is its metrics.jsonl. Saved and loaded
   * with the model.
   */
  public String trainingHistoryJson() {
    forward();
    return MlpModels.historyJson(extraJson);
  }

  /**
   * 8 bytes per parameter and feature-scaling value plus the model's JSON fields and a fixed
   * overhead (Spark Connect's ML cache sizes models with this).
   */
  @Override
  public long estimatedSize() {
    return MlpModels.estimatedSize(forward, extraJson);
  }

  /** Spark's field of {@link HasTrainingSummary} (implemented here because this is Java). */
  @Override
  public Option<MlpTrainingSummary> trainingSummary() {
    return trainingSummary;
  }

  @Override
  public void trainingSummary_$eq(Option<MlpTrainingSummary> summary) {
    trainingSummary = summary;
  }

  /**
   * Nothing to write: the summary is the model's training history, which {@link #write()} saves
   * in model.json. (Spark Connect's ML cache calls this when it registers a model with a
   * summary, and fails for a class that does not override it.)
   */
  @Override
  public void saveSummary(String path) {}

  /**
   * Restores the summary from the model's own training history ({@code dataset} is not needed):
   * what Spark Connect calls when a client asks for the summary of a model it had offloaded.
   */
  @Override
  public void loadSummary(String path, Dataset<Row> dataset) {
    setSummary(Option.apply(MlpModels.summary(extraJson)));
  }

  /** The model as dptrain stores it: spec, weights (a copy) and the extra fields of model.json. */
  public Model toModel() {
    return MlpModels.model(forward(), extraJson);
  }

  /** The extra fields of model.json (a copy). */
  public ObjectNode extra() {
    return toModel().extra();
  }

  /** n_0, the width of the feature vectors this model takes. */
  @Override
  public int numFeatures() {
    return spec().inputSize();
  }

  /**
   * The network's output for one example.
   *
   * @throws IllegalArgumentException for a vector of the wrong width or with a value that is not
   *     finite
   */
  @Override
  public double predict(Vector features) {
    double[] a = new double[1];
    forward().forward(features, false, a);
    return a[0];
  }

  /** Spark's schema check plus the width check of the features column's metadata. */
  @Override
  public StructType transformSchema(StructType schema) {
    MlpModels.checkWidth(schema, getFeaturesCol(), numFeatures());
    return super.transformSchema(schema);
  }

  @Override
  public MlpRegressionModel copy(ParamMap extra) {
    MlpRegressionModel copied =
        new MlpRegressionModel(Uids.pass(uid()), forward == null ? null : toModel());
    return copyValues(copied, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new MlpModelWriter(this, toModel());
  }

  /** The reader {@code PipelineModel.load} finds by reflection. */
  public static MLReader<MlpRegressionModel> read() {
    return new MlpModelReader<>(MlpRegressionModel.class, MlpRegressionModel::new);
  }

  /** {@code read().load(path)}. */
  public static MlpRegressionModel load(String path) {
    return read().load(path);
  }

  /**
   * {@code MlpRegressionModel: uid=U, NetworkSpec[layers=[...], activations=[...], loss=L],
   * numFeatures=N}. Keep this form: a Spark Connect client may call only a few methods of a
   * third-party model remotely, {@code toString} among them, and the Python wrapper reads the
   * layers from it.
   */
  @Override
  public String toString() {
    if (forward == null) {
      return "MlpRegressionModel: uid=" + uid() + ", no network (service-loader instance)";
    }
    return "MlpRegressionModel: uid=" + uid() + ", " + spec() + ", numFeatures=" + numFeatures();
  }
}
