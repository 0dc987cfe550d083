"""pyspark.ml wrappers of dptrain's Spark ML estimators and models (org.dptrain.driver.ml).

The params are not typed here: their names, docs, value types and defaults come from the JVM
classes through ``params.json`` (written by ``org.dptrain.driver.ml.ParamsManifest``), read at
import time without a JVM, so a Spark Connect client gets them too.

Class names: pyspark finds the Python class of a JVM stage by name, replacing ``org.apache.spark``
with ``pyspark`` and importing the result (``JavaParams._from_java``,
``DefaultParamsReader.loadParamsInstance``, and the other way round
``JavaMLReader._java_loader_class`` and Spark Connect's ``RemoteMLReader``). For JVM classes
outside ``org.apache.spark`` the name is used as it is. So these classes declare the JVM package
as their ``__module__``, and the package ships the module ``org.dptrain.driver.ml``, which
re-exports them: a saved Pipeline holding dptrain stages loads in Python, classic and Connect,
with nothing patched.

Validation: in a classic session a bad value is refused when it is set, with the JVM validator's
message, as ``ValueError``; over Spark Connect the server validates at ``fit``, which then raises
:class:`FitError` with the same message. ``fit`` raises :class:`FitError` with the Java message
(naming the row of a bad example) in both modes.
"""

import json
import re
from importlib import resources
from typing import Any, Callable, Dict, List, Optional

from pyspark import keyword_only
# pyspark's own bases of its Java-backed classifiers and regressors (pinned pyspark: 4.1)
from pyspark.ml.classification import (
    _JavaProbabilisticClassificationModel,
    _JavaProbabilisticClassifier,
)
from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.param.shared import HasSeed
from pyspark.ml.regression import _JavaRegressionModel, _JavaRegressor
from pyspark.ml.util import JavaMLReadable, JavaMLWritable
from pyspark.ml.wrapper import JavaWrapper
from pyspark.sql.utils import is_remote

__all__ = [
    "MlpClassifier",
    "MlpClassificationModel",
    "MlpRegressor",
    "MlpRegressionModel",
    "FitError",
]

#: The JVM package of the wrapped classes, and the ``__module__`` of the classes here.
JVM_PACKAGE = "org.dptrain.driver.ml"


def _load_manifest() -> Dict[str, Any]:
    text = resources.files("dptrain").joinpath("params.json").read_text(encoding="utf-8")
    return json.loads(text)["classes"]


_MANIFEST = _load_manifest()

_CONVERTERS: Dict[str, Callable[[Any], Any]] = {
    "int": TypeConverters.toInt,
    "long": TypeConverters.toInt,
    "float": TypeConverters.toFloat,
    "bool": TypeConverters.toBoolean,
    "string": TypeConverters.toString,
    "list[int]": TypeConverters.toListInt,
    "list[float]": TypeConverters.toListFloat,
    "list[string]": TypeConverters.toListString,
}


class FitError(RuntimeError):
    """``fit`` failed in the JVM. ``str(e)`` is the Java message (a bad row is named by its
    0-based index in the DataFrame); ``java_class`` names the Java exception when known."""

    def __init__(self, message: str, java_class: Optional[str] = None):
        super().__init__(message)
        self.java_class = java_class


def _java_cause(exc: BaseException) -> Optional[tuple]:
    """(class name, message) of the most telling Java cause of a Py4J or pyspark-captured
    exception: the first dptrain exception in the cause chain, else the innermost cause."""
    java = getattr(exc, "java_exception", None) or getattr(exc, "_origin", None)
    if java is None:
        return None
    chain = []
    while java is not None and len(chain) < 32:
        chain.append(java)
        java = java.getCause()
    for j in chain:
        name = j.getClass().getName()
        if name.startswith("org.dptrain."):
            return name, j.getMessage()
    return chain[-1].getClass().getName(), chain[-1].getMessage()


def _getter(name: str) -> Callable[[Any], Any]:
    def get(self: Params) -> Any:
        return self.getOrDefault(name)

    get.__name__ = "get" + name[0].upper() + name[1:]
    get.__doc__ = f"Gets the value of `{name}` or its default value."
    return get


def _setter(name: str) -> Callable[[Any, Any], Any]:
    def set_(self: Params, value: Any) -> Any:
        return self._set(**{name: value})

    set_.__name__ = "set" + name[0].upper() + name[1:]
    set_.__doc__ = f"Sets the value of `{name}`."
    return set_


def _declare(java_class: str) -> Callable[[type], type]:
    """Class decorator: declares the params of ``java_class`` from the manifest (those that a
    pyspark mixin does not already declare), a getX/setX per param, and the JVM defaults."""

    def decorate(cls: type) -> type:
        specs = _MANIFEST[java_class]["params"]
        defaults = {}
        for spec in specs:
            name, kind = spec["name"], spec["type"]
            if kind not in _CONVERTERS:
                raise TypeError(f"param {name} of {java_class} has type {kind}, unknown here")
            if not isinstance(getattr(cls, name, None), Param):
                setattr(cls, name, Param(Params._dummy(), name, spec["doc"], _CONVERTERS[kind]))
            cap = name[0].upper() + name[1:]
            if not hasattr(cls, "get" + cap):
                setattr(cls, "get" + cap, _getter(name))
            if not hasattr(cls, "set" + cap):
                setattr(cls, "set" + cap, _setter(name))
            if "default" in spec:
                defaults[name] = spec["default"]
        cls._java_class = java_class
        cls._jvm_defaults = defaults
        cls._jvm_param_names = tuple(s["name"] for s in specs)
        return cls

    return decorate


class _JvmChecked(Params):
    """Params whose values are checked by the JVM param's validator when set (classic mode)."""

    _java_class: str
    _jvm_defaults: Dict[str, Any]
    _jvm_param_names: tuple

    def _set(self, **kwargs: Any) -> "_JvmChecked":
        for name, value in kwargs.items():
            if name not in self._jvm_param_names:
                raise TypeError(
                    f"{type(self).__name__} has no param '{name}'; its params: "
                    + ", ".join(self._jvm_param_names))
            if value is None:
                continue
            param = getattr(self, name)
            try:
                value = param.typeConverter(value)
            except TypeError as e:
                raise TypeError(f"{name}: {e}") from None
            self._check_on_jvm(param, value)
        return super()._set(**kwargs)

    def _check_on_jvm(self, param: Param, value: Any) -> None:
        from py4j.java_gateway import JavaObject

        java_obj = getattr(self, "_java_obj", None)
        if is_remote() or not isinstance(java_obj, JavaObject):
            return
        try:
            # Spark's ParamPair runs the param's validator; ours throw a message naming the value.
            self._make_java_param_pair(param, value)
        except Exception as e:
            cause = _java_cause(e)
            if cause is None:
                raise
            raise ValueError(cause[1]) from None


def _fit_checked(estimator: Any, fit: Callable[[Any], Any], dataset: Any) -> Any:
    from py4j.protocol import Py4JJavaError

    try:
        return fit(dataset)
    except Py4JJavaError as e:
        cause = _java_cause(e)
        raise FitError(cause[1], cause[0]) from None
    except Exception as e:
        if is_remote():
            from pyspark.errors.exceptions.connect import SparkConnectGrpcException

            if isinstance(e, SparkConnectGrpcException):
                # the server's message, without the JVM stack trace it may append
                message = (e.getMessage() or str(e)).split("\n\nJVM stacktrace:")[0]
                raise FitError(message, e.getCondition()) from None
        cause = _java_cause(e)
        if cause is not None:
            raise FitError(cause[1], cause[0]) from None
        raise


class _MlpEstimatorMixin(_JvmChecked):
    """What both estimators share: the JVM twin with the JVM's defaults, keyword-only params, and
    fit errors as :class:`FitError`."""

    @keyword_only
    def __init__(self, **kwargs: Any):
        super().__init__()
        self._java_obj = self._new_java_obj(self._java_class, self.uid)
        self._setDefault(**self._jvm_defaults)
        self._set(**kwargs)

    @keyword_only
    def setParams(self, **kwargs: Any) -> Any:
        """Sets params by keyword (the same names as the constructor)."""
        return self._set(**kwargs)

    def _fit(self, dataset: Any) -> Any:
        return _fit_checked(self, super()._fit, dataset)


class _MlpModelMixin:
    """What both model classes expose beyond pyspark's prediction models."""

    @property
    def layers(self) -> List[int]:
        """The layer sizes n_0 (the input), n_1, ..., n_L."""
        if is_remote():
            # Connect lets a client call only allowlisted methods of a third-party model;
            # toString is one, and the JVM model keeps its form for this.
            text = self._call_java("toString")
            found = re.search(r"layers=\[([0-9, ]+)\]", text)
            if found is None:
                raise RuntimeError(f"cannot read the layers from the model's description {text!r}")
            return [int(v) for v in found.group(1).split(",")]
        return [int(v) for v in self._java_obj.layers()]

    @property
    def trainingHistory(self) -> List[Dict[str, Any]]:
        """One dict per epoch of the fit that made this model, epoch 1 first. Classic:
        epoch, step, trainLoss, learningRate, examples, seconds, syncs (as in metrics.jsonl).
        Spark Connect: epoch and trainLoss (a Connect client may read a training summary's
        objectiveHistory, nothing else). Empty for a model without a recorded fit."""
        if is_remote():
            if not self._call_java("hasSummary"):
                return []
            summary = JavaWrapper(java_obj=f"{self._java_obj.ref_id}.summary")
            losses = summary._call_java("objectiveHistory")
            return [{"epoch": i + 1, "trainLoss": float(v)} for i, v in enumerate(losses)]
        return json.loads(self._java_obj.trainingHistoryJson())

    def trainingHistoryDataFrame(self, spark: Any = None) -> Any:
        """:attr:`trainingHistory` as a DataFrame (one row per epoch) of ``spark`` (default: the
        active session)."""
        from pyspark.sql import Row, SparkSession

        spark = spark or SparkSession.active()
        rows = self.trainingHistory
        if not rows:
            return spark.createDataFrame([], "epoch int, trainLoss double")
        return spark.createDataFrame([Row(**r) for r in rows])


@_declare("org.dptrain.driver.ml.MlpClassifier")
class MlpClassifier(
    _MlpEstimatorMixin,
    _JavaProbabilisticClassifier["MlpClassificationModel"],
    HasSeed,
    JavaMLWritable,
    JavaMLReadable["MlpClassifier"],
):
    """Trains a dptrain multilayer perceptron to classify (softmax over K classes with
    cross_entropy, or one sigmoid with binary_cross_entropy), by synchronous data-parallel SGD in
    the JVM. Params, docs and defaults are those of the JVM class (``explainParams()``)::

        MlpClassifier(layers=[16, 3], activations=["tanh", "softmax"], optimizer="adam",
                      learningRate=0.01, epochs=20, seed=7)
    """

    __module__ = JVM_PACKAGE

    def _create_model(self, java_model: Any) -> "MlpClassificationModel":
        return MlpClassificationModel(java_model)


@_declare("org.dptrain.driver.ml.MlpClassificationModel")
class MlpClassificationModel(
    _MlpModelMixin,
    _JvmChecked,
    _JavaProbabilisticClassificationModel,
    JavaMLWritable,
    JavaMLReadable["MlpClassificationModel"],
):
    """A trained dptrain classifier: ``transform`` adds prediction, probability and
    rawPrediction; ``numFeatures``, ``numClasses``, ``predict``, ``predictRaw`` and
    ``predictProbability`` (one Vector) run in the JVM, classic and Connect alike."""

    __module__ = JVM_PACKAGE

    def __init__(self, java_model: Any = None):
        super().__init__(java_model)
        self._setDefault(**self._jvm_defaults)


@_declare("org.dptrain.driver.ml.MlpRegressor")
class MlpRegressor(
    _MlpEstimatorMixin,
    _JavaRegressor["MlpRegressionModel"],
    HasSeed,
    JavaMLWritable,
    JavaMLReadable["MlpRegressor"],
):
    """Trains a dptrain multilayer perceptron to regress one real target (mse or sse, one output
    unit). Params, docs and defaults are those of the JVM class (``explainParams()``)."""

    __module__ = JVM_PACKAGE

    def _create_model(self, java_model: Any) -> "MlpRegressionModel":
        return MlpRegressionModel(java_model)


@_declare("org.dptrain.driver.ml.MlpRegressionModel")
class MlpRegressionModel(
    _MlpModelMixin,
    _JvmChecked,
    _JavaRegressionModel,
    JavaMLWritable,
    JavaMLReadable["MlpRegressionModel"],
):
    """A trained dptrain regression network: ``transform`` adds prediction; ``numFeatures``
    and ``predict`` (one Vector) run in the JVM, classic and Connect alike."""

    __module__ = JVM_PACKAGE

    def __init__(self, java_model: Any = None):
        super().__init__(java_model)
        self._setDefault(**self._jvm_defaults)
