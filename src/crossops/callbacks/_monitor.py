"""The base of the callbacks that watch one logged quantity: which direction is better,
and whether a value improves on the best one by more than ``min_delta``."""

from __future__ import annotations

import warnings

from ._callback import Callback
from ._util import scalar

#: metric names (without ``val_``) that improve upwards; the rest of the known names down
_UP = ("acc", "accuracy", "auc", "precision", "recall", "f1", "fbeta", "iou", "r2",
       "top_k", "sensitivity", "specificity", "true_positives", "true_negatives")
_DOWN = ("loss", "error", "mse", "mae", "mape", "msle", "crossentropy", "hinge",
         "divergence", "kld", "poisson", "cosine_proximity", "false_positives",
         "false_negatives", "logcosh", "huber")


def _direction(callback: str, monitor: str, model) -> str:
    """``"min"`` or ``"max"`` for ``monitor`` in mode ``"auto"``: from the model's
    metric of that name when it says (``_direction`` ``"up"`` / ``"down"``), else from
    the name."""
    name = monitor.removeprefix("val_")
    for m in getattr(model, "metric_objs", None) or getattr(model, "metrics", None) or []:
        if getattr(m, "name", None) == name and getattr(m, "_direction", None) in ("up",
                                                                                  "down"):
            return "max" if m._direction == "up" else "min"
    words = name.lower()
    if words == "loss" or words.endswith("_loss") or any(w in words for w in _DOWN):
        return "min"
    if any(w in words for w in _UP):
        return "max"
    raise ValueError(f"{callback}: cannot tell whether monitor={monitor!r} should go up or "
                     "down; pass mode='max' to keep its highest value or mode='min' to "
                     "keep its lowest")


class MonitorCallback(Callback):
    """Watches ``monitor`` in the epoch logs; ``mode`` says which way is better.

    Parameters
    ----------
    monitor : str
        The logged quantity, e.g. ``"val_loss"``.
    mode : {"auto", "min", "max"}
        ``"auto"`` decides from the name (losses and errors go down, accuracies, AUC,
        precision and recall up) and raises ValueError for a name it does not know.
    baseline : float, optional
        The initial best value.
    min_delta : float
        An improvement smaller than this does not count.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto",
                 baseline: float | None = None, min_delta: float = 0.0) -> None:
        super().__init__()
        name = type(self).__name__
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"{name}: mode must be 'auto', 'min' or 'max', got {mode!r}")
        if not isinstance(monitor, str):
            raise TypeError(f"{name}: monitor must be a log name such as 'val_loss', got "
                            f"{monitor!r}")
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self._better: str | None = None if mode == "auto" else mode

    def _resolve_mode(self) -> str:
        if self._better is None:
            self._better = _direction(type(self).__name__, self.monitor, self.model)
        return self._better

    def _is_improvement(self, value, reference) -> bool:
        """Whether ``value`` beats ``reference`` (None: anything does) by ``min_delta``."""
        if reference is None:
            return True
        value, reference = scalar(value), scalar(reference)
        if self._resolve_mode() == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def _monitor_value(self, logs, what: str):
        """The monitored value in ``logs``, or None with a warning naming the logs."""
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(f"{type(self).__name__}: {what} watches {self.monitor!r}, which is "
                          f"not in the logs (they hold: {', '.join(logs or {}) or 'nothing'})"
                          "; pass one of those as monitor", stacklevel=3)
        return value
