package org.dptrain.driver.ml;

import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.dptrain.loss.Loss;

/**
 * A Spark ML estimator that trains a dptrain multilayer perceptron to regress one real target,
 * by synchronous data-parallel SGD, and gives an {@link MlpRegressionModel}.
 *
 * <pre>{@code
 * MlpRegressor mlp = new MlpRegressor()
 *     .setLayers(32, 1).setActivations("relu", "linear")
 *     .setScale("standardize").setOptimizer("adam").setLearningRate(0.01).setEpochs(30);
 * }</pre>
 *
 * <p>The loss is {@code mse} (the default) or {@code sse}; the output layer has exactly 1 unit
 * (usually linear). Labels are any finite numbers, not scaled (scale the label column first if
 * its range is large); a null or non-finite label, like a bad features vector, fails the fit with
 * a message naming the row (0-based, in the Dataset's order). One numeric label per row, Spark
 * ML's convention (several targets per example, {@code --label-columns}, are for the command
 * line). Everything else is as for
 * {@link MlpClassifier}: the params of {@link MlpParams}, bit-reproducible distributed training,
 * and Spark's default params format for saving the estimator.
 */
public final class MlpRegressor extends Regressor<Vector, MlpRegressor, MlpRegressionModel>
    implements MlpParams<MlpRegressor>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final List<Loss> LOSSES = List.of(Loss.MSE, Loss.SSE);

  // Assigned lazily by uid() while the superclass constructor runs; no initializer on purpose.
  private String uid;
  private final MlpParamSet training;

  /** An estimator with a random uid and the default params. */
  public MlpRegressor() {
    this(Uids.pass(Identifiable.randomUID("mlpRegressor")));
  }

  /** An estimator with the given uid (as Spark's copy and load create them). */
  public MlpRegressor(String uid) {
    this(Uids.pass(uid));
  }

  private MlpRegressor(Uids.Passed passed) {
    super();
    Uids.check(passed, uid());
    training = new MlpParamSet(this, LOSSES);
  }

  @Override
  public String uid() {
    if (uid == null) {
      uid = Uids.claim("mlpRegressor");
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
   * @throws IllegalArgumentException for params that do not fit together or the data (an output
   *     layer of more than 1 unit, say)
   * @throws org.dptrain.driver.data.DataValidationException naming the first bad row found
   * @throws IllegalStateException if training diverges
   */
  @Override
  public MlpRegressionModel train(Dataset<?> dataset) {
    return new MlpRegressionModel(uid(),
        MlpTraining.fit(dataset, this, getFeaturesCol(), getLabelCol()));
  }

  @Override
  public MlpRegressor copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** The reader Spark's {@code Pipeline.load} finds by reflection. */
  public static MLReader<MlpRegressor> read() {
    return new DefaultParamsReader<>();
  }

  /** {@code read().load(path)}. */
  public static MlpRegressor load(String path) {
    return read().load(path);
  }
}
