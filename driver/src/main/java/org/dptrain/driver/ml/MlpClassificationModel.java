package org.dptrain.driver.ml;

import java.util.Objects;
import java.util.UUID;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import org.dptrain.activation.Activation;
import org.dptrain.loss.Loss;
import org.dptrain.model.Model;
import org.dptrain.network.NetworkSpec;
import scala.Tuple3;

/**
 * A trained dptrain classifier as a Spark ML model: {@code transform} adds Spark's three
 * classifier columns, each computed from one forward pass per row on the executors.
 *
 * <ul>
 *   <li>{@code rawPrediction}: for a softmax output (cross_entropy, K classes), z_L, the K
 *       weighted inputs of the output layer before the softmax; for one sigmoid output
 *       (binary_cross_entropy) the margins [-z, z], as Spark's logistic regression gives them;</li>
 *   <li>{@code probability}: softmax(z_L), computed by the same kernel the network uses, or
 *       [1 - sigmoid(z), sigmoid(z)]; each row sums to 1;</li>
 *   <li>{@code prediction}: the class of the largest probability (ties go to the lower class),
 *       or by Spark's {@code thresholds} when they are set.</li>
 * </ul>
 *
 * Features are scaled as in training when the model was trained with {@code scale}. A vector that
 * does not have {@link #numFeatures()} values, or holds a value that is not finite, fails the
 * transform with a message saying so; a features column whose ML attribute metadata records
 * another width is refused before any job runs.
 *
 * <p>{@code save} writes Spark's metadata and a dptrain model directory ({@link MlpModelWriter});
 * {@link #load} reads them back without Java deserialization, so that {@code PipelineModel.load}
 * finds this class's static {@link #read()} and gets identical predictions, double for double.
 */
public final class MlpClassificationModel
    extends ProbabilisticClassificationModel<Vector, MlpClassificationModel> implements MlpModel {
  private static final long serialVersionUID = 1L;

  // Assigned lazily by uid() while the superclass constructor runs; no initializer on purpose.
  private String uid;
  private final MlpModelState state;
  private final boolean binary;

  /**
   * Wraps a dptrain model, for instance one read from a run directory of {@code dptrain train}.
   * Its {@code featureScaling} field, when present, scales features as in training.
   *
   * @throws IllegalArgumentException if the model is not a classifier (its loss is not
   *     cross_entropy or binary_cross_entropy) or its feature scaling does not fit it
   */
  public MlpClassificationModel(String uid, Model model) {
    this(Uids.pass(uid), Objects.requireNonNull(model, "model"));
  }

  /**
   * A model that holds no network and refuses to predict. Spark Connect finds ML classes with
   * {@link java.util.ServiceLoader}, which needs a public no-argument constructor; models are
   * made by {@code fit} and {@link #load}.
   */
  public MlpClassificationModel() {
    this(Uids.pass(Identifiable.randomUID("mlpClassificationModel")), null);
  }

  private MlpClassificationModel(Uids.Passed passed, Model model) {
    super();
    Uids.check(passed, uid());
    if (model == null) {
      this.binary = false;
      this.state = MlpModelState.empty(getClass());
      return;
    }
    Loss loss = model.spec().loss();
    if (loss != Loss.CROSS_ENTROPY && loss != Loss.BINARY_CROSS_ENTROPY) {
      throw new IllegalArgumentException("a " + loss.id() + " model is a regression model, not a"
          + " classifier (" + model.spec() + "); use MlpRegressionModel");
    }
    this.binary = loss == Loss.BINARY_CROSS_ENTROPY;
    this.state = MlpModelState.of(getClass(), model);
  }

  @Override
  public String uid() {
    if (uid == null) {
      uid = Uids.claim("mlpClassificationModel");
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

  /** K: the softmax's outputs, or 2 for one sigmoid output. */
  @Override
  public int numClasses() {
    return binary ? 2 : spec().outputSize();
  }

  /** n_0, the width of the feature vectors this model takes. */
  @Override
  public int numFeatures() {
    return spec().inputSize();
  }

  /**
   * z_L for a softmax output, [-z, z] for one sigmoid output (see the class comment).
   *
   * @throws IllegalArgumentException for a vector of the wrong width or with a value that is not
   *     finite
   */
  @Override
  public Vector predictRaw(Vector features) {
    double[] z = new double[spec().outputSize()];
    state.forward().forward(features, true, z);
    return binary ? Vectors.dense(-z[0], z[0]) : Vectors.dense(z);
  }

  /** softmax(raw), or [1 - sigmoid(z), sigmoid(z)] from the margins [-z, z] (modified in place). */
  @Override
  public Vector raw2probabilityInPlace(Vector rawPrediction) {
    if (!(rawPrediction instanceof DenseVector dense)) {
      throw new IllegalArgumentException("rawPrediction must be a dense vector, got "
          + rawPrediction.getClass().getSimpleName());
    }
    double[] v = dense.values();
    if (v.length != numClasses()) {
      throw new IllegalArgumentException("rawPrediction has " + v.length + " values; this model"
          + " has " + numClasses() + " classes");
    }
    if (binary) {
      double p = Activation.sigmoid(v[1]);
      v[0] = 1.0 - p;
      v[1] = p;
    } else {
      Activation.SOFTMAX.forward(v, v, v.length, 1);
    }
    return dense;
  }

  /**
   * Spark's schema check plus the width check: a features column whose ML attribute metadata
   * records a width other than {@link #numFeatures()} is refused.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    MlpModelState.checkWidth(schema, getFeaturesCol(), numFeatures());
    return super.transformSchema(schema);
  }

  @Override
  public MlpClassificationModel copy(ParamMap extra) {
    return copyValues(new MlpClassificationModel(Uids.pass(uid()), state.toModelOrNull()), extra)
        .setParent(parent());
  }

  /**
   * The model with probability and prediction columns set, and their names, for Spark's
   * summaries. (Overridden because the two inherited declarations clash in Java; a raw
   * {@code Tuple3} satisfies both.)
   */
  @Override
  @SuppressWarnings("rawtypes")
  public Tuple3 findSummaryModel() {
    MlpClassificationModel model = this;
    if (getProbabilityCol().isEmpty() || getPredictionCol().isEmpty()) {
      model = copy(ParamMap.empty());
      if (getProbabilityCol().isEmpty()) {
        model.setProbabilityCol("probability_" + UUID.randomUUID());
      }
      if (getPredictionCol().isEmpty()) {
        model.setPredictionCol("prediction_" + UUID.randomUUID());
      }
    }
    return new Tuple3<>(model, model.getProbabilityCol(), model.getPredictionCol());
  }

  /** The reader {@code PipelineModel.load} finds by reflection. */
  public static MLReader<MlpClassificationModel> read() {
    return new MlpModelReader<>(MlpClassificationModel.class, MlpClassificationModel::new);
  }

  /** {@code read().load(path)}. */
  public static MlpClassificationModel load(String path) {
    return read().load(path);
  }

  /**
   * {@code MlpClassificationModel: uid=U, NetworkSpec[layers=[...], activations=[...], loss=L],
   * numClasses=K, numFeatures=N}. Keep this form: a Spark Connect client may call only a few
   * methods of a third-party model remotely, {@code toString} among them, and the Python wrapper
   * reads the layers from it.
   */
  @Override
  public String toString() {
    if (state.isEmpty()) {
      return "MlpClassificationModel: uid=" + uid() + ", no network (service-loader instance)";
    }
    return "MlpClassificationModel: uid=" + uid() + ", " + spec() + ", numClasses="
        + numClasses() + ", numFeatures=" + numFeatures();
  }
}
