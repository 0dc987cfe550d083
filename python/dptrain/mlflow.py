"""MLflow for dptrain fits: the estimator's params and the model's per-epoch history.

    with mlflow.start_run():
        model = estimator.fit(train)
        dptrain.mlflow.log_fit(estimator, model)          # params + metrics per epoch
        mlflow.spark.log_model(model, artifact_path="model")        # or a PipelineModel holding it

Works for classic and Spark Connect sessions (on Connect the history holds the training loss
only, see ``trainingHistory``). Needs ``mlflow`` or ``mlflow-skinny``.
"""

import json
from typing import Any, Dict


def fit_params(estimator: Any) -> Dict[str, str]:
    """Every param of ``estimator`` with a value (set or default), as MLflow param strings
    (lists as JSON)."""
    out = {}
    for p in estimator.params:
        if estimator.isDefined(p):
            value = estimator.getOrDefault(p)
            out[p.name] = json.dumps(value) if isinstance(value, (list, tuple)) else str(value)
    return out


def log_fit(estimator: Any, model: Any, prefix: str = "") -> None:
    """Logs the params of ``estimator`` and, per epoch of ``model.trainingHistory``, every
    numeric field but ``epoch`` (trainLoss, learningRate, seconds...) as an MLflow metric named
    ``prefix + field`` with ``step`` = the epoch, into the active run (MLflow starts one if none
    is active)."""
    import mlflow

    mlflow.log_params({prefix + k: v for k, v in fit_params(estimator).items()})
    for record in model.trainingHistory:
        metrics = {prefix + k: float(v) for k, v in record.items()
                   if k != "epoch" and isinstance(v, (int, float))}
        mlflow.log_metrics(metrics, step=int(record["epoch"]))
