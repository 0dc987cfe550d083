"""dptrain from a classic PySpark session: params, fit, inspect, save/load across Python and Java,
Pipeline, CrossValidator, bad input, and the Fashion-MNIST example."""

import json
import os
import sys

import pytest
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.evaluation import MulticlassClassificationEvaluator, RegressionEvaluator
from pyspark.ml.feature import VectorAssembler
from pyspark.ml.linalg import Vectors
from pyspark.ml.tuning import CrossValidator, ParamGridBuilder, TrainValidationSplit

from conftest import (CLASSIFIER_PARAMS, REGRESSOR_PARAMS, blobs_rows, classic_session, frame,
                      predictions, probabilities, regression_rows)
from dptrain.ml import (FitError, MlpClassificationModel, MlpClassifier, MlpRegressionModel,
                        MlpRegressor)


@pytest.fixture(scope="module")
def spark():
    session = classic_session("dptrain-python-classic")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def blobs(spark):
    return frame(spark, blobs_rows(120, 3))


@pytest.fixture(scope="module")
def fitted(blobs):
    return MlpClassifier(**CLASSIFIER_PARAMS).fit(blobs)


def test_params_are_the_jvms_names_docs_types_and_defaults(spark):
    for cls in (MlpClassifier, MlpRegressor):
        est = cls()
        java = est._java_obj
        names = sorted(p.name for p in est.params)
        assert names == sorted(p.name() for p in java.params())
        for p in est.params:
            jp = java.getParam(p.name)
            assert p.doc == jp.doc() or p.name in ("featuresCol", "labelCol", "predictionCol",
                                                   "probabilityCol", "rawPredictionCol",
                                                   "thresholds", "seed"), p.name
            if java.hasDefault(jp):
                expected = json.loads(jp.jsonEncode(java.getDefault(jp).get()))
                assert est.getOrDefault(p) == expected, p.name
            else:
                assert not est.hasDefault(p), p.name
    est = MlpClassifier()
    assert est.getSeed() == est._java_obj.getSeed()
    assert MlpRegressor().getLoss() == "mse" and MlpClassifier().getLoss() == "cross_entropy"


def test_keyword_only_constructor_setters_and_getters(spark):
    with pytest.raises(TypeError):
        MlpClassifier([4, 3])  # positional
    with pytest.raises(TypeError, match="has no param 'learning_rate'"):
        MlpClassifier(learning_rate=0.1)
    est = MlpClassifier(layers=[4, 3], epochs=2)
    assert est.getLayers() == [4, 3] and est.getEpochs() == 2
    assert est.setLearningRate(0.5) is est and est.getLearningRate() == 0.5
    est.setParams(optimizer="adam", batchSize=8)
    assert (est.getOptimizer(), est.getBatchSize()) == ("adam", 8)
    assert "learningRate" in est.explainParams()
    assert est.getSync() == "driver" and est.setSync("allreduce").getSync() == "allreduce"


def test_a_bad_value_is_refused_when_set_with_the_java_message(spark):
    est = MlpClassifier()
    with pytest.raises(ValueError, match=r"unknown activation 'swish'; valid names: step, sigmoid"):
        est.setActivations(["tanh", "swish"])
    assert not est.isSet("activations"), "a refused value is not kept"
    with pytest.raises(ValueError, match=r"learningRate must be a finite number > 0, got -1.0"):
        MlpClassifier(learningRate=-1.0)
    with pytest.raises(ValueError, match=r"layers\[1\] = 0"):
        est.setParams(layers=[4, 0])
    with pytest.raises(ValueError, match="loss 'mse' is not one this estimator trains"):
        est.setLoss("mse")
    with pytest.raises(ValueError, match="unknown sync 'ring'; valid names: driver, allreduce"):
        est.setSync("ring")
    with pytest.raises(TypeError):
        est.setEpochs("many")


def test_a_fitted_classifier_exposes_layers_classes_probabilities_and_history(spark, blobs, fitted):
    assert isinstance(fitted, MlpClassificationModel)
    assert fitted.layers == [4, 6, 3]
    assert fitted.numFeatures == 4 and fitted.numClasses == 3
    assert fitted.getFeaturesCol() == "features" and fitted.getProbabilityCol() == "probability"
    out = fitted.transform(blobs)
    first = blobs.first().features
    row = out.first()
    assert list(fitted.predictProbability(first).toArray()) == list(row.probability.toArray())
    assert fitted.predict(first) == row.prediction
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy").evaluate(out)
    assert accuracy > 0.8, accuracy

    history = fitted.trainingHistory
    assert [h["epoch"] for h in history] == [1, 2, 3, 4]
    assert [h["step"] for h in history] == [8, 16, 24, 32]  # 120 examples, batch 16
    assert all(h["examples"] == 120 for h in history)
    summary = fitted._java_obj.summary()
    assert [h["trainLoss"] for h in history] == list(summary.objectiveHistory())
    df = fitted.trainingHistoryDataFrame()
    assert df.count() == 4
    assert [r.trainLoss for r in df.orderBy("epoch").collect()] == [h["trainLoss"] for h in history]


def test_a_regressor_fits_and_predicts(spark):
    data = frame(spark, regression_rows(150, 4))
    model = MlpRegressor(**REGRESSOR_PARAMS).fit(data)
    assert isinstance(model, MlpRegressionModel)
    assert model.layers == [4, 8, 1] and model.numFeatures == 4
    out = model.transform(data)
    assert model.predict(data.first().features) == out.first().prediction
    rmse = RegressionEvaluator(metricName="rmse").evaluate(out)
    assert rmse < 1.0, rmse
    assert len(model.trainingHistory) == 4
    # the allreduce mode trains the same bits as the driver mode (the JVM's promise, seen here)
    allreduce = MlpRegressor(sync="allreduce", **REGRESSOR_PARAMS).fit(data)
    assert predictions(allreduce.transform(data)) == predictions(out)


def test_models_and_estimators_save_and_load_in_python(spark, blobs, fitted, tmp_path):
    fitted.write().overwrite().save(str(tmp_path / "model"))
    loaded = MlpClassificationModel.load(str(tmp_path / "model"))
    assert isinstance(loaded, MlpClassificationModel) and loaded.uid == fitted.uid
    assert probabilities(loaded.transform(blobs)) == probabilities(fitted.transform(blobs))
    assert loaded.trainingHistory == fitted.trainingHistory

    est = MlpClassifier(**CLASSIFIER_PARAMS)
    est.save(str(tmp_path / "estimator"))
    again = MlpClassifier.load(str(tmp_path / "estimator"))
    assert again.uid == est.uid
    assert {p.name: again.getOrDefault(p) for p in again.params if again.isDefined(p)} == \
        {p.name: est.getOrDefault(p) for p in est.params if est.isDefined(p)}


def _xy(spark, rows):
    return spark.createDataFrame([(x[0], x[1], x[2], x[3], y) for x, y in rows],
                                 ["a", "b", "c", "d", "label"])


def test_a_pipeline_saved_from_python_loads_in_python_and_in_java(spark, tmp_path):
    data = _xy(spark, blobs_rows(120, 3))
    pipeline = Pipeline(stages=[VectorAssembler(inputCols=["a", "b", "c", "d"], outputCol="features"),
                                MlpClassifier(**CLASSIFIER_PARAMS)])
    model = pipeline.fit(data)
    path = str(tmp_path / "pipeline")
    model.write().overwrite().save(path)
    expected = probabilities(model.transform(data))

    loaded = PipelineModel.load(path)
    assert isinstance(loaded.stages[1], MlpClassificationModel)
    assert probabilities(loaded.transform(data)) == expected

    java_model = spark._jvm.org.apache.spark.ml.PipelineModel.load(path)
    java_stage = java_model.stages()[1]
    assert java_stage.getClass().getName() == "org.dptrain.driver.ml.MlpClassificationModel"
    from pyspark.sql import DataFrame
    java_out = DataFrame(java_model.transform(data._jdf), spark)
    assert probabilities(java_out) == expected

    pipeline.write().overwrite().save(str(tmp_path / "unfitted"))
    unfitted = Pipeline.load(str(tmp_path / "unfitted"))
    assert isinstance(unfitted.getStages()[1], MlpClassifier)
    assert unfitted.getStages()[1].getLayers() == CLASSIFIER_PARAMS["layers"]
    assert probabilities(unfitted.fit(data).transform(data)) == expected, "same seed, same bits"


def test_a_pipeline_saved_by_the_java_api_loads_in_python(spark, tmp_path):
    jvm = spark._jvm
    data = _xy(spark, regression_rows(100, 8))
    gateway = spark.sparkContext._gateway
    cols = gateway.new_array(jvm.java.lang.String, 4)
    for i, c in enumerate(["a", "b", "c", "d"]):
        cols[i] = c
    assembler = jvm.org.apache.spark.ml.feature.VectorAssembler().setInputCols(cols) \
        .setOutputCol("features")
    layers = gateway.new_array(gateway.jvm.int, 2)
    layers[0], layers[1] = 5, 1
    acts = gateway.new_array(jvm.java.lang.String, 2)
    acts[0], acts[1] = "tanh", "linear"
    mlp = jvm.org.dptrain.driver.ml.MlpRegressor().setLayers(layers).setActivations(acts) \
        .setEpochs(2).setSeed(3)
    stages = gateway.new_array(jvm.org.apache.spark.ml.PipelineStage, 2)
    stages[0], stages[1] = assembler, mlp
    java_model = jvm.org.apache.spark.ml.Pipeline().setStages(stages).fit(data._jdf)
    path = str(tmp_path / "java-pipeline")
    java_model.write().overwrite().save(path)
    from pyspark.sql import DataFrame
    expected = predictions(DataFrame(java_model.transform(data._jdf), spark))

    loaded = PipelineModel.load(path)
    stage = loaded.stages[1]
    assert isinstance(stage, MlpRegressionModel) and stage.layers == [4, 5, 1]
    assert predictions(loaded.transform(data)) == expected
    assert len(stage.trainingHistory) == 2


def test_cross_validation_and_train_validation_split_over_dptrain_params(spark, tmp_path):
    data = frame(spark, blobs_rows(120, 5))
    mlp = MlpClassifier(activations=["tanh", "softmax"], epochs=2, batchSize=16,
                        numPartitions=2, seed=1, optimizer="adam")
    grid = (ParamGridBuilder().addGrid(mlp.learningRate, [0.001, 0.05])
            .addGrid(mlp.layers, [[2, 3], [8, 3]]).build())
    evaluator = MulticlassClassificationEvaluator(metricName="accuracy")
    cv = CrossValidator(estimator=mlp, estimatorParamMaps=grid, evaluator=evaluator, numFolds=2,
                        seed=3)
    cv_model = cv.fit(data)
    assert len(cv_model.avgMetrics) == 4
    best = cv_model.bestModel
    assert isinstance(best, MlpClassificationModel)
    best_index = max(range(4), key=lambda i: cv_model.avgMetrics[i])
    assert best.layers == [4] + grid[best_index][mlp.layers]
    cv_model.write().overwrite().save(str(tmp_path / "cv"))
    from pyspark.ml.tuning import CrossValidatorModel
    again = CrossValidatorModel.load(str(tmp_path / "cv"))
    assert isinstance(again.bestModel, MlpClassificationModel)
    assert probabilities(again.bestModel.transform(data)) == probabilities(best.transform(data))

    tvs = TrainValidationSplit(estimator=mlp, estimatorParamMaps=grid, evaluator=evaluator,
                               trainRatio=0.7, seed=3)
    tvs_model = tvs.fit(data)
    assert len(tvs_model.validationMetrics) == 4
    assert isinstance(tvs_model.bestModel, MlpClassificationModel)


def test_bad_rows_fail_fit_with_the_java_message_naming_the_row(spark):
    est = MlpClassifier(layers=[4, 3], activations=["tanh", "softmax"], epochs=1)
    out_of_range = spark.createDataFrame(
        [(Vectors.dense([0.0, 1.0]), 0.0), (Vectors.dense([1.0, 0.0]), 2.0),
         (Vectors.dense([1.0, 1.0]), 7.0)], ["features", "label"])
    with pytest.raises(FitError, match=r"row 2 \(0-based\): label 7 is outside \[0, 3\)") as e:
        est.fit(out_of_range)
    assert e.value.java_class == "org.dptrain.driver.data.DataValidationException"
    assert "Py4J" not in str(e.value) and "at org." not in str(e.value)

    from pyspark.ml.linalg import VectorUDT
    from pyspark.sql.types import DoubleType, StructField, StructType
    schema = StructType([StructField("features", VectorUDT(), True),
                         StructField("label", DoubleType(), True)])
    null_vector = spark.createDataFrame(
        [(Vectors.dense([0.0, 1.0]), 0.0), (None, 1.0)], schema)
    with pytest.raises(FitError, match=r"row 1 .*features is null"):
        est.fit(null_vector)

    with pytest.raises(ValueError, match="unknown activation 'sigmod'"):
        est.setActivations(["sigmod", "softmax"])


def test_the_fashion_mnist_example_trains_from_python(spark):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))
    try:
        import fashion_mnist
    finally:
        sys.path.pop(0)
    accuracy = fashion_mnist.run(spark, epochs=1)
    assert accuracy > 0.6, accuracy
