"""MLflow: a PipelineModel holding a dptrain stage round-trips through mlflow.spark with identical
predictions (local file tracking store, no server); dptrain.mlflow logs params and per-epoch
metrics."""

import pytest
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.feature import VectorAssembler

from conftest import CLASSIFIER_PARAMS, blobs_rows, classic_session, probabilities
from dptrain.ml import MlpClassificationModel, MlpClassifier
import dptrain.mlflow

mlflow = pytest.importorskip("mlflow")


@pytest.fixture(scope="module")
def spark():
    session = classic_session("dptrain-python-mlflow")
    yield session
    session.stop()


@pytest.fixture()
def tracking(tmp_path, monkeypatch):
    # a local file store, as the issue asks; MLflow 3 keeps it behind this switch
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    mlflow.set_tracking_uri((tmp_path / "mlruns").as_uri())
    mlflow.set_experiment("dptrain-test")
    yield
    mlflow.set_tracking_uri(None)


def test_a_pipeline_model_round_trips_through_mlflow_spark(spark, tracking, tmp_path):
    data = spark.createDataFrame([(x[0], x[1], x[2], x[3], y) for x, y in blobs_rows(120, 3)],
                                 ["a", "b", "c", "d", "label"])
    estimator = MlpClassifier(**CLASSIFIER_PARAMS)
    model = Pipeline(stages=[VectorAssembler(inputCols=["a", "b", "c", "d"],
                                             outputCol="features"), estimator]).fit(data)
    with mlflow.start_run() as run:
        dptrain.mlflow.log_fit(estimator, model.stages[1])
        # pinned requirements: MLflow would otherwise infer them, which takes a minute
        mlflow.spark.log_model(model, artifact_path="model", pip_requirements=["pyspark==4.1.0"])
    loaded = mlflow.spark.load_model(f"runs:/{run.info.run_id}/model")
    assert isinstance(loaded, PipelineModel)
    assert isinstance(loaded.stages[1], MlpClassificationModel)
    assert probabilities(loaded.transform(data)) == probabilities(model.transform(data))

    client = mlflow.tracking.MlflowClient()
    logged = client.get_run(run.info.run_id).data
    assert logged.params["layers"] == "[6, 3]"
    assert logged.params["learningRate"] == "0.02"
    assert logged.params["loss"] == "cross_entropy"
    losses = client.get_metric_history(run.info.run_id, "trainLoss")
    history = model.stages[1].trainingHistory
    assert sorted((m.step, m.value) for m in losses) == \
        [(h["epoch"], h["trainLoss"]) for h in history]
    assert len(client.get_metric_history(run.info.run_id, "learningRate")) == len(history)
