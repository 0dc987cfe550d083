"""dptrain over Spark Connect: a real Connect server on loopback (Spark's SparkConnectServer from
the pyspark wheel, with dptrain's jar) and a Connect client in this process. The same fits in a
classic session (same data, seed and partitions) must give the same predictions bit for bit."""

import os
import socket
import subprocess
import sys
import time

import pytest

from conftest import (CLASSIFIER_PARAMS, REGRESSOR_PARAMS, SPARK_CONF, blobs_rows, classic_session,
                      frame, predictions, probabilities, regression_rows)
from dptrain.ml import FitError, MlpClassificationModel, MlpClassifier, MlpRegressionModel, \
    MlpRegressor

BLOBS = blobs_rows(120, 3)
REGRESSION = regression_rows(150, 4)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(jar, port, log_path):
    """SparkConnectServer in its own process group (spark-submit of the pyspark wheel)."""
    import pyspark

    spark_home = os.path.dirname(pyspark.__file__)
    cmd = [os.path.join(spark_home, "bin", "spark-submit"),
           "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
           "--name", "dptrain-connect-test", "--master", "local[2]",
           "--jars", jar, "--driver-class-path", jar,
           "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
           "--conf", f"spark.connect.grpc.binding.port={port}"]
    for k, v in SPARK_CONF.items():
        cmd += ["--conf", f"{k}={v}"]
    cmd.append("spark-internal")
    env = dict(os.environ, SPARK_HOME=spark_home, OPENBLAS_NUM_THREADS="1")
    env.pop("SPARK_CONNECT_MODE_ENABLED", None)
    log = open(log_path, "w")
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True), log


def _wait_for(proc, port, log_path, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Connect server exited with {proc.returncode}:\n"
                               + open(log_path).read()[-4000:])
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(1)
    raise RuntimeError(f"the Connect server did not listen on {port} in {timeout} s:\n"
                       + open(log_path).read()[-4000:])


def _stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


@pytest.fixture(scope="module")
def classic_reference(jar, tmp_path_factory):
    """The classic fits the Connect ones must equal, computed while the server starts."""
    spark = classic_session("dptrain-python-connect-reference")
    try:
        classifier = MlpClassifier(**CLASSIFIER_PARAMS).fit(frame(spark, BLOBS))
        regressor = MlpRegressor(**REGRESSOR_PARAMS).fit(frame(spark, REGRESSION))
        return {
            "probabilities": probabilities(classifier.transform(frame(spark, BLOBS))),
            "regression": predictions(regressor.transform(frame(spark, REGRESSION))),
            "history": [h["trainLoss"] for h in classifier.trainingHistory],
            "layers": classifier.layers,
        }
    finally:
        spark.stop()


@pytest.fixture(scope="module")
def server(jar, tmp_path_factory):
    port = _free_port()
    log_path = str(tmp_path_factory.mktemp("connect") / "server.log")
    proc, log = _start_server(jar, port, log_path)
    try:
        yield proc, port, log_path
    finally:
        _stop(proc)
        log.close()


@pytest.fixture(scope="module")
def spark(server, classic_reference):
    from pyspark.sql import SparkSession

    proc, port, log_path = server
    _wait_for(proc, port, log_path)
    session = SparkSession.builder.remote(f"sc://127.0.0.1:{port}").getOrCreate()
    yield session
    session.stop()
    # the remote builder marks the whole process as a Connect client; later modules are classic
    os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)


def test_the_client_is_a_connect_client(spark):
    from pyspark.sql.utils import is_remote
    assert is_remote() and type(spark).__module__.startswith("pyspark.sql.connect")
    est = MlpClassifier(**CLASSIFIER_PARAMS)
    assert isinstance(est._java_obj, str), "on Connect the estimator is a name, not a JVM object"
    assert est.getLearningRate() == CLASSIFIER_PARAMS["learningRate"]
    assert MlpClassifier().getBatchSize() == 32, "defaults come from the manifest, not a JVM"


def test_a_classifier_fits_over_connect_as_in_a_classic_session(spark, classic_reference,
                                                                 tmp_path):
    data = frame(spark, BLOBS)
    model = MlpClassifier(**CLASSIFIER_PARAMS).fit(data)
    assert isinstance(model, MlpClassificationModel)
    assert probabilities(model.transform(data)) == classic_reference["probabilities"]
    assert model.numFeatures == 4 and model.numClasses == 3
    assert model.layers == classic_reference["layers"] == [4, 6, 3]
    history = model.trainingHistory
    assert [h["trainLoss"] for h in history] == classic_reference["history"]
    assert [h["epoch"] for h in history] == [1, 2, 3, 4]
    assert model.trainingHistoryDataFrame().count() == 4
    first = data.first().features
    assert list(model.predictProbability(first).toArray()) == \
        classic_reference["probabilities"][0]

    path = str(tmp_path / "classifier")
    model.write().overwrite().save(path)
    loaded = MlpClassificationModel.load(path)
    assert probabilities(loaded.transform(data)) == classic_reference["probabilities"]
    assert loaded.layers == [4, 6, 3]


def test_a_regressor_fits_over_connect_as_in_a_classic_session(spark, classic_reference, tmp_path):
    data = frame(spark, REGRESSION)
    model = MlpRegressor(**REGRESSOR_PARAMS).fit(data)
    assert isinstance(model, MlpRegressionModel)
    assert predictions(model.transform(data)) == classic_reference["regression"]
    assert model.numFeatures == 4 and model.layers == [4, 8, 1]
    path = str(tmp_path / "regressor")
    model.write().overwrite().save(path)
    assert predictions(MlpRegressionModel.load(path).transform(data)) == \
        classic_reference["regression"]


def test_a_pipeline_saves_and_loads_over_connect(spark, classic_reference, tmp_path):
    from pyspark.ml import Pipeline, PipelineModel

    data = frame(spark, BLOBS)
    model = Pipeline(stages=[MlpClassifier(**CLASSIFIER_PARAMS)]).fit(data)
    path = str(tmp_path / "pipeline")
    model.write().overwrite().save(path)
    loaded = PipelineModel.load(path)
    assert isinstance(loaded.stages[0], MlpClassificationModel)
    assert probabilities(loaded.transform(data)) == classic_reference["probabilities"]


def test_bad_values_and_rows_fail_fit_on_the_server_with_the_java_message(spark):
    from pyspark.ml.linalg import Vectors

    data = frame(spark, BLOBS)
    # not checked on the client (no JVM there): the server refuses it when fit sets it
    est = MlpClassifier(layers=[4, 3], activations=["tanh", "swish"], epochs=1)
    with pytest.raises(FitError, match="unknown activation 'swish'"):
        est.fit(data)
    bad = spark.createDataFrame([(Vectors.dense([0.0, 1.0]), 0.0),
                                 (Vectors.dense([1.0, 1.0]), 7.0)], ["features", "label"])
    with pytest.raises(FitError, match=r"row 1 \(0-based\): label 7 is outside \[0, 3\)") as e:
        MlpClassifier(layers=[4, 3], activations=["tanh", "softmax"], epochs=1).fit(bad)
    assert "JVM stacktrace" not in str(e.value) and "\tat org." not in str(e.value)
