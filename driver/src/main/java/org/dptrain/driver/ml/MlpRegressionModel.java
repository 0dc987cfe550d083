package org.dptrain.driver.ml;

import java.util.Objects;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
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
    implements MlpModel {
  private static final long serialVersionUID = 1L;

  // Assigned lazily by uid() while the superclass constructor runs; no initializer on purpose.
  private String uid;
  private final MlpModelState state;

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
    if (model == null) {
      this.state = MlpModelState.empty(getClass());
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
    this.state = MlpModelState.of(getClass(), model);
  }

  @Override
  public String uid() {
    if (uid == null) {
      uid = Uids.claim("mlpRegressionModel");
    }
    return uid;
  }

  @Override
  public MlpModelState mlpState() {
    return state;
  }

  /**
   * 8 bytes per parameter and feature-scaling value plus the model's JSON fields and a fixed
   * overhead (Spark Connect's ML cache sizes models with this).
   */
  @Override
  public long estimatedSize() {
    return state.estimatedSize();
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
    state.forward().forward(features, false, a);
    return a[0];
  }

  /** Spark's schema check plus the width check of the features column's metadata. */
  @Override
  public StructType transformSchema(StructType schema) {
    MlpModelState.checkWidth(schema, getFeaturesCol(), numFeatures());
    return super.transformSchema(schema);
  }

  @Override
  public MlpRegressionModel copy(ParamMap extra) {
    return copyValues(new MlpRegressionModel(Uids.pass(uid()), state.toModelOrNull()), extra)
        .setParent(parent());
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
    if (state.isEmpty()) {
      return "MlpRegressionModel: uid=" + uid() + ", no network (service-loader instance)";
    }
    return "MlpRegressionModel: uid=" + uid() + ", " + spec() + ", numFeatures=" + numFeatures();
  }
}
