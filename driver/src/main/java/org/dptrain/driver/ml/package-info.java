/**
 * dptrain in Spark ML pipelines: {@link org.dptrain.driver.ml.MlpClassifier} and
 * {@link org.dptrain.driver.ml.MlpRegressor} are estimators that train with the distributed
 * trainer of {@code org.dptrain.driver.train}, and give {@link
 * org.dptrain.driver.ml.MlpClassificationModel} (prediction, probability and rawPrediction
 * columns) and {@link org.dptrain.driver.ml.MlpRegressionModel} (prediction).
 *
 * <p>The two estimators extend different Spark bases ({@code ProbabilisticClassifier},
 * {@code Regressor}), as do the two models, so what each pair shares lives in interfaces with
 * default methods, as Spark's {@code *Params} traits do: {@link
 * org.dptrain.driver.ml.MlpParams} (over {@code MlpParamSet}) for the estimators, {@link
 * org.dptrain.driver.ml.MlpModel} (over {@code MlpModelState}) for the models; the classes keep
 * only their constructors, uid and what their task does differently.
 *
 * <p>Conventions inside: the training params ({@link org.dptrain.driver.ml.MlpParams}) are the
 * job settings of {@link org.dptrain.driver.config.SettingTable} that name a param: their names,
 * docs, defaults and checks come from there and are validated when set, with messages naming the
 * bad value; a fitted model's provenance records them as {@code provenance.config} under the
 * command line's keys, as {@code dptrain train} does; bad rows are {@link org.dptrain.driver.data.DataValidationException}s naming the 0-based
 * row of the input Dataset. A saved model stage is Spark's {@code metadata/} plus a dptrain model
 * directory {@code model/} (model.json + weights.bin) written through
 * {@link org.dptrain.driver.fs.HadoopFiles} on any Hadoop filesystem; loading reads JSON and raw
 * doubles, never Java-serialized objects. Every class here must produce its uid lazily inside
 * {@code uid()}: Spark's params ask for it while the superclass constructor runs.
 */
package org.dptrain.driver.ml;
