"""The Python twin of the JVM package org.dptrain.driver.ml: pyspark imports this module when it
loads a saved stage of one of its classes (see dptrain/ml.py). Use dptrain.ml in code."""

from dptrain.ml import (  # noqa: F401
    MlpClassificationModel,
    MlpClassifier,
    MlpRegressionModel,
    MlpRegressor,
)

__all__ = ["MlpClassifier", "MlpClassificationModel", "MlpRegressor", "MlpRegressionModel"]
