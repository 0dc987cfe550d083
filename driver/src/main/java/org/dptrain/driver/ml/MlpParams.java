package org.dptrain.driver.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The training parameters that {@link MlpClassifier} and {@link MlpRegressor} share: the network,
 * the optimizer and how the distributed trainer runs. Names, docs, defaults and checks are those of
 * the job settings they carry ({@link org.dptrain.driver.config.SettingTable}), the command line's;
 * {@code layers} and {@code activations} have none and must be set. Every setter
 * validates its value and throws an {@link IllegalArgumentException} that names it; whether the
 * values fit together (sizes and activations, loss and output activation, input size and data) is
 * checked when fitting.
 *
 * @param <T> the estimator, returned by the setters for chaining
 */
public interface MlpParams<T extends MlpParams<T>> extends Params {

  /**
   * The training param called {@code name}; the typed accessors below are the API.
   *
   * @throws IllegalArgumentException for a name that is not a training param
   */
  Param<?> mlpParam(String name);

  /**
   * Layer sizes, input first (n_0, ..., n_L) as on the command line; or without the input size
   * (n_1, ..., n_L, as many as activations), which is then the width of the features column.
   * No default.
   */
  default IntArrayParam layers() {
    return (IntArrayParam) mlpParam("layers");
  }

  /** One activation per non-input layer (tanh, relu, softmax, ...). No default. */
  default StringArrayParam activations() {
    return (StringArrayParam) mlpParam("activations");
  }

  /** The loss: cross_entropy (default) or binary_cross_entropy to classify, mse (default) or
   *  sse to regress. */
  @SuppressWarnings("unchecked")
  default Param<String> loss() {
    return (Param<String>) mlpParam("loss");
  }

  /** Weight initializer: auto (default: per activation), gaussian, xavier or he. */
  @SuppressWarnings("unchecked")
  default Param<String> initializer() {
    return (Param<String>) mlpParam("initializer");
  }

  /** Update rule: sgd (default), momentum, nesterov or adam. */
  @SuppressWarnings("unchecked")
  default Param<String> optimizer() {
    return (Param<String>) mlpParam("optimizer");
  }

  /** Base learning rate, &gt; 0. */
  default DoubleParam learningRate() {
    return (DoubleParam) mlpParam("learningRate");
  }

  /** Mu of momentum and nesterov, in [0, 1). */
  default DoubleParam momentum() {
    return (DoubleParam) mlpParam("momentum");
  }

  /** Adam's beta1, in [0, 1). */
  default DoubleParam beta1() {
    return (DoubleParam) mlpParam("beta1");
  }

  /** Adam's beta2, in [0, 1). */
  default DoubleParam beta2() {
    return (DoubleParam) mlpParam("beta2");
  }

  /** Adam's epsilon, &gt; 0. */
  default DoubleParam epsilon() {
    return (DoubleParam) mlpParam("epsilon");
  }

  /** L2 weight decay, &ge; 0. */
  default DoubleParam weightDecay() {
    return (DoubleParam) mlpParam("weightDecay");
  }

  /** Gradient-norm clip, &ge; 0 (0 = off). */
  default DoubleParam clipNorm() {
    return (DoubleParam) mlpParam("clipNorm");
  }

  /** Learning-rate schedule, as on the command line (default constant). */
  @SuppressWarnings("unchecked")
  default Param<String> schedule() {
    return (Param<String>) mlpParam("schedule");
  }

  /** Global mini-batch size, &ge; 1. */
  default IntParam batchSize() {
    return (IntParam) mlpParam("batchSize");
  }

  /** Passes over the data, &ge; 1 (Spark's maxIter; every epoch is run). */
  default IntParam epochs() {
    return (IntParam) mlpParam("epochs");
  }

  /** Seed of the initial weights and of every shuffle. */
  default LongParam seed() {
    return (LongParam) mlpParam("seed");
  }

  /** Storage of the cached blocks and arithmetic of the matrix products: float64 (default) or
   *  float32 (half the block memory, sgemm; weights and the model stay float64). */
  @SuppressWarnings("unchecked")
  default Param<String> precision() {
    return (Param<String>) mlpParam("precision");
  }

  /** 1 = synchronous SGD; K &gt; 1 local steps between synchronisations; 0 = a whole epoch. */
  default IntParam localSteps() {
    return (IntParam) mlpParam("localSteps");
  }

  /** 1 = merge partial gradients on the driver; d &ge; 2 = in a tree of depth d. */
  default IntParam aggregationDepth() {
    return (IntParam) mlpParam("aggregationDepth");
  }

  /**
   * How partial gradients become one update: driver (default: a Spark job per synchronisation
   * through the driver) or allreduce (one barrier stage per epoch whose tasks sum among
   * themselves); both give the same weights bit for bit.
   */
  @SuppressWarnings("unchecked")
  default Param<String> sync() {
    return (Param<String>) mlpParam("sync");
  }

  /** Partitions of the training data, one block each; 0 = Spark's default parallelism. */
  default IntParam numPartitions() {
    return (IntParam) mlpParam("numPartitions");
  }

  /** Feature scaling: none (default), standardize or minmax. */
  @SuppressWarnings("unchecked")
  default Param<String> scale() {
    return (Param<String>) mlpParam("scale");
  }

  default int[] getLayers() {
    return getOrDefault(layers());
  }

  default String[] getActivations() {
    return getOrDefault(activations());
  }

  default String getLoss() {
    return getOrDefault(loss());
  }

  default String getInitializer() {
    return getOrDefault(initializer());
  }

  default String getOptimizer() {
    return getOrDefault(optimizer());
  }

  default double getLearningRate() {
    return (Double) getOrDefault(learningRate());
  }

  default double getMomentum() {
    return (Double) getOrDefault(momentum());
  }

  default double getBeta1() {
    return (Double) getOrDefault(beta1());
  }

  default double getBeta2() {
    return (Double) getOrDefault(beta2());
  }

  default double getEpsilon() {
    return (Double) getOrDefault(epsilon());
  }

  default double getWeightDecay() {
    return (Double) getOrDefault(weightDecay());
  }

  default double getClipNorm() {
    return (Double) getOrDefault(clipNorm());
  }

  default String getSchedule() {
    return getOrDefault(schedule());
  }

  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  default int getEpochs() {
    return (Integer) getOrDefault(epochs());
  }

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  default String getPrecision() {
    return getOrDefault(precision());
  }

  default int getLocalSteps() {
    return (Integer) getOrDefault(localSteps());
  }

  default int getAggregationDepth() {
    return (Integer) getOrDefault(aggregationDepth());
  }

  default String getSync() {
    return getOrDefault(sync());
  }

  default int getNumPartitions() {
    return (Integer) getOrDefault(numPartitions());
  }

  default String getScale() {
    return getOrDefault(scale());
  }

  @SuppressWarnings("unchecked")
  default T setLayers(int... value) {
    return (T) set(layers(), value);
  }

  @SuppressWarnings("unchecked")
  default T setActivations(String... value) {
    return (T) set(activations(), value);
  }

  @SuppressWarnings("unchecked")
  default T setLoss(String value) {
    return (T) set(loss(), value);
  }

  @SuppressWarnings("unchecked")
  default T setInitializer(String value) {
    return (T) set(initializer(), value);
  }

  @SuppressWarnings("unchecked")
  default T setOptimizer(String value) {
    return (T) set(optimizer(), value);
  }

  @SuppressWarnings("unchecked")
  default T setLearningRate(double value) {
    return (T) set(learningRate(), value);
  }

  @SuppressWarnings("unchecked")
  default T setMomentum(double value) {
    return (T) set(momentum(), value);
  }

  @SuppressWarnings("unchecked")
  default T setBeta1(double value) {
    return (T) set(beta1(), value);
  }

  @SuppressWarnings("unchecked")
  default T setBeta2(double value) {
    return (T) set(beta2(), value);
  }

  @SuppressWarnings("unchecked")
  default T setEpsilon(double value) {
    return (T) set(epsilon(), value);
  }

  @SuppressWarnings("unchecked")
  default T setWeightDecay(double value) {
    return (T) set(weightDecay(), value);
  }

  @SuppressWarnings("unchecked")
  default T setClipNorm(double value) {
    return (T) set(clipNorm(), value);
  }

  @SuppressWarnings("unchecked")
  default T setSchedule(String value) {
    return (T) set(schedule(), value);
  }

  @SuppressWarnings("unchecked")
  default T setBatchSize(int value) {
    return (T) set(batchSize(), value);
  }

  @SuppressWarnings("unchecked")
  default T setEpochs(int value) {
    return (T) set(epochs(), value);
  }

  @SuppressWarnings("unchecked")
  default T setSeed(long value) {
    return (T) set(seed(), value);
  }

  @SuppressWarnings("unchecked")
  default T setPrecision(String value) {
    return (T) set(precision(), value);
  }

  @SuppressWarnings("unchecked")
  default T setLocalSteps(int value) {
    return (T) set(localSteps(), value);
  }

  @SuppressWarnings("unchecked")
  default T setAggregationDepth(int value) {
    return (T) set(aggregationDepth(), value);
  }

  @SuppressWarnings("unchecked")
  default T setSync(String value) {
    return (T) set(sync(), value);
  }

  @SuppressWarnings("unchecked")
  default T setNumPartitions(int value) {
    return (T) set(numPartitions(), value);
  }

  @SuppressWarnings("unchecked")
  default T setScale(String value) {
    return (T) set(scale(), value);
  }
}
