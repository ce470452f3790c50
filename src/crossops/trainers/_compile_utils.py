"""What ``compile`` turns its arguments into: a loss object from a name, a class instance
or a function, and metric objects from names (``"accuracy"`` picks the accuracy that fits
the loss, as Keras does)."""

from __future__ import annotations

from .. import losses as losses_mod
from .. import metrics as metrics_mod

#: Keras's short names of losses and metrics
ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
           "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error"}


def _classes(module, base) -> dict:
    return {k.lower(): v for k, v in vars(module).items()
            if isinstance(v, type) and issubclass(v, base)}


def get_loss(loss):
    """A :class:`crossops.losses.Loss` from ``compile``'s ``loss`` argument (None stays
    None: a model whose ``train_step`` or ``compute_loss`` computes its own loss)."""
    if loss is None or isinstance(loss, losses_mod.Loss):
        return loss
    if isinstance(loss, str):
        name = ALIASES.get(loss, loss)
        found = _classes(losses_mod, losses_mod.Loss).get(name.replace("_", "").lower())
        if found is not None:
            return found()
        fn = getattr(losses_mod, name, None)
        if fn is None:
            raise ValueError(f"compile: unknown loss {loss!r}; give a name such as "
                             "'sparse_categorical_crossentropy', a Loss or a function")
        return FunctionLoss(fn)
    if callable(loss):
        return FunctionLoss(loss)
    raise TypeError(f"compile: cannot use {loss!r} as a loss; give a name, a Loss or a "
                    "function of (y_true, y_pred)")


class FunctionLoss(losses_mod.Loss):
    """A per-example loss function used as a Loss (mean over the batch)."""

    def __init__(self, fn):
        super().__init__(name=getattr(fn, "__name__", "loss"))
        self.fn = fn

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred)


def get_metric(metric, loss):
    """A :class:`crossops.metrics.Metric` from ``compile``'s ``metrics`` entries; a name
    becomes the metric's name in the logs, as in Keras."""
    if isinstance(metric, metrics_mod.Metric):
        return metric
    if metric in ("accuracy", "acc"):
        kind = type(loss).__name__ if loss is not None else ""
        if "SparseCategorical" in kind:
            return metrics_mod.SparseCategoricalAccuracy(name=metric)
        if "Categorical" in kind:
            return metrics_mod.CategoricalAccuracy(name=metric)
        if "Binary" in kind:
            return metrics_mod.BinaryAccuracy(name=metric)
        return metrics_mod.Accuracy(name=metric)
    if isinstance(metric, str):
        name = ALIASES.get(metric, metric)
        found = _classes(metrics_mod, metrics_mod.Metric).get(name.replace("_", "").lower())
        if found is not None:
            return found(name=metric)
    if callable(metric) and not isinstance(metric, type):
        return metrics_mod.MeanMetricWrapper(metric, name=getattr(metric, "__name__", None))
    raise ValueError(f"compile: unknown metric {metric!r}; give a name such as 'accuracy', "
                     "a Metric or a function of (y_true, y_pred)")


def needs_sparse_labels(loss) -> bool:
    """Whether ``loss`` reads integer class labels (checked on the host before fitting)."""
    return loss is not None and "SparseCategorical" in type(loss).__name__
