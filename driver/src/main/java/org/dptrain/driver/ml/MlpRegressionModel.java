package org.dptrain.driver.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.types.StructType;
import org.dptrain.loss.Loss;
import org.dptrain.model.Model;
import org.dptrain.network.NetworkSpec;

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
    implements MLWritable {
  private static final long serialVersionUID = 1L;

  // Assigned lazily by uid() while the superclass constructor runs; no initializer on purpose.
  private String uid;
  private final MlpForward forward;
  private final String extraJson;

  /**
   * Wraps a dptrain model, for instance one read from a run directory of {@code dptrain train}.
   *
   * @throws IllegalArgumentException if the model is a classifier (cross_entropy or
   *     binary_cross_entropy), has more than 1 output, or its feature scaling does not fit it
   */
  public MlpRegressionModel(String uid, Model model) {
    this(Uids.pass(uid), model);
  }

  private MlpRegressionModel(Uids.Passed passed, Model model) {
    super();
    Uids.check(passed, uid());
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
  }

  @Override
  public String uid() {
    if (uid == null) {
      uid = Uids.claim("mlpRegressionModel");
    }
    return uid;
  }

  /** The network: layers, activations, loss. */
  public NetworkSpec spec() {
    return forward.spec();
  }

  /** The model as dptrain stores it: spec, weights (a copy) and the extra fields of model.json. */
  public Model toModel() {
    return MlpModels.model(forward, extraJson);
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
    forward.forward(features, false, a);
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
    MlpRegressionModel copied = new MlpRegressionModel(uid(), toModel());
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

  @Override
  public String toString() {
    return "MlpRegressionModel: uid=" + uid() + ", " + spec() + ", numFeatures=" + numFeatures();
  }
}
