"""Shared test helpers. Each test module starts at most one Spark session (module-scoped)."""

import os
import random

import pytest

import dptrain

# Session-independent settings of every test session: small, quiet, loopback only.
SPARK_CONF = {
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "2",
    "spark.driver.memory": "1g",
}


def classic_session(app_name):
    """A local[2] classic session with dptrain's jar: the README's one-line set-up."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    builder = (SparkSession.builder.master("local[2]").appName(app_name)
               .config("spark.jars", dptrain.jar_path()))
    for k, v in SPARK_CONF.items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def blobs_rows(n, seed, num_features=4, num_classes=3):
    """(features list, label) rows: Gaussian blobs, feature k shifted by 2 for class k."""
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        label = rnd.randrange(num_classes)
        x = [rnd.gauss(0.0, 0.7) + (2.0 if f == label else 0.0) for f in range(num_features)]
        rows.append((x, float(label)))
    return rows


def regression_rows(n, seed):
    """(features list, target) rows: y = 2 x0 - x1 + 0.5 x2 x3 + noise."""
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        x = [rnd.uniform(-1.0, 1.0) for _ in range(4)]
        rows.append((x, 2.0 * x[0] - x[1] + 0.5 * x[2] * x[3] + rnd.gauss(0.0, 0.05)))
    return rows


def frame(spark, rows):
    """A DataFrame of ``features`` (dense Vector) and ``label`` (double) from such rows."""
    from pyspark.ml.linalg import Vectors

    return spark.createDataFrame([(Vectors.dense(x), y) for x, y in rows], ["features", "label"])


#: The classifier and regressor the classic and Connect tests both fit (same seed, partitions).
CLASSIFIER_PARAMS = dict(layers=[6, 3], activations=["tanh", "softmax"], optimizer="adam",
                         learningRate=0.02, epochs=4, batchSize=16, numPartitions=2, seed=11,
                         scale="standardize")
REGRESSOR_PARAMS = dict(layers=[8, 1], activations=["tanh", "linear"], optimizer="adam",
                        learningRate=0.02, epochs=4, batchSize=16, numPartitions=2, seed=5)


def probabilities(df):
    """The probability column of a transformed DataFrame, as lists of floats, in row order."""
    return [list(r.probability.toArray()) for r in df.select("probability").collect()]


def predictions(df):
    return [r.prediction for r in df.select("prediction").collect()]


@pytest.fixture(scope="session")
def jar():
    return dptrain.jar_path()
