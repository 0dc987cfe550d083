package org.dptrain.driver.ml;

import java.util.List;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.dptrain.loss.Loss;

/**
 * A Spark ML estimator that trains a dptrain multilayer perceptron to classify, by synchronous
 * data-parallel SGD ({@code org.dptrain.driver.train.DistributedTrainer}), and gives an
 * {@link MlpClassificationModel} with prediction, probability and rawPrediction columns.
 *
 * <pre>{@code
 * MlpClassifier mlp = new MlpClassifier()
 *     .setLayers(16, 3)                       // input size taken from the features column
 *     .setActivations("tanh", "softmax")
 *     .setOptimizer("adam").setLearningRate(0.01).setEpochs(20).setSeed(7);
 * PipelineModel model = new Pipeline().setStages(new PipelineStage[] {assembler, mlp}).fit(train);
 * }</pre>
 *
 * <p>Tasks: {@code cross_entropy} (the default) with a softmax output of K units classifies K
 * classes, labels 0, 1, ..., K-1; {@code binary_cross_entropy} with one sigmoid output classifies
 * labels 0 and 1. The label column may be of any numeric type; a row whose label is null or not
 * such a class index fails the fit with a message naming the row (0-based, in the Dataset's order)
 * and the value, as does a null, mis-sized or non-finite features vector. Nothing is trained on
 * data that failed validation. Labels are class indices, Spark ML's convention: string labels are
 * indexed upstream with {@code StringIndexer} (and named back with {@code IndexToString}); the
 * class names that {@code dptrain train} reads from CSV and Parquet are for the command line.
 *
 * <p>The parameters are those of {@link MlpParams}. Fitting reads the Dataset a few times (width,
 * row numbering, optional scaling, stacking into cached blocks); it must give the same rows in the
 * same order each time. The same Dataset, params and number of partitions give the same weights
 * bit for bit; with one partition they equal the in-process reference trainer's.
 *
 * <p>The estimator saves and loads with Spark's default params format (it holds no data).
 */
public final class MlpClassifier
    extends ProbabilisticClassifier<Vector, MlpClassifier, MlpClassificationModel>
    implements MlpParams<MlpClassifier>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final List<Loss> LOSSES = List.of(Loss.CROSS_ENTROPY, Loss.BINARY_CROSS_ENTROPY);

  // Assigned lazily by uid() while the superclass constructor runs; no initializer on purpose.
  private String uid;
  private final MlpParamSet training;

  /** An estimator with a random uid and the default params. */
  public MlpClassifier() {
    this(Uids.pass(Identifiable.randomUID("mlpClassifier")));
  }

  /** An estimator with the given uid (as Spark's copy and load create them). */
  public MlpClassifier(String uid) {
    this(Uids.pass(uid));
  }

  private MlpClassifier(Uids.Passed passed) {
    super();
    Uids.check(passed, uid());
    training = new MlpParamSet(this, LOSSES);
  }

  @Override
  public String uid() {
    if (uid == null) {
      uid = Uids.claim("mlpClassifier");
    }
    return uid;
  }

  @Override
  public Param<?> mlpParam(String name) {
    return training.get(name);
  }

  /**
   * Trains on {@code dataset} (Spark's {@code fit} has checked the columns' types and cast the
   * label to double).
   *
   * @throws IllegalArgumentException for params that do not fit together or the data
   * @throws org.dptrain.driver.data.DataValidationException naming the first bad row found
   * @throws IllegalStateException if training diverges
   */
  @Override
  public MlpClassificationModel train(Dataset<?> dataset) {
    return new MlpClassificationModel(uid(),
        MlpTraining.fit(dataset, this, getFeaturesCol(), getLabelCol()));
  }

  @Override
  public MlpClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** The reader Spark's {@code Pipeline.load} finds by reflection. */
  public static MLReader<MlpClassifier> read() {
    return new DefaultParamsReader<>();
  }

  /** {@code read().load(path)}. */
  public static MlpClassifier load(String path) {
    return read().load(path);
  }
}
