"""Metrics over confusion counts at thresholds: Precision, Recall and AUC (ROC and PR), as
Keras 3 computes them (a prediction is positive when it is strictly above a threshold)."""

from __future__ import annotations

import numpy as np

import crossops.math as xm
import crossops.numpy as xnp
from crossops import core, nn

from .._config import epsilon
from ..losses._functions import as_array_like, float_pred, label
from ._metrics import Metric

NEG_INF = -1e10


def _top_k_only(y_pred, k):
    """Predictions outside the ``k`` largest of the last axis set to a large negative."""
    _, idx = xm.top_k(y_pred, k)
    keep = xnp.sum(nn.one_hot(idx, y_pred.shape[-1], dtype=y_pred.dtype), axis=-2)
    return y_pred * keep + NEG_INF * (1 - keep)


def confusion_counts(y_true, y_pred, thresholds, sample_weight=None, class_id=None,
                     top_k=None, per_label=False):
    """(tp, fp, tn, fn) at each threshold: arrays of shape (T,), or (T, labels) when
    ``per_label``."""
    y_pred = float_pred(y_pred)
    y_true = as_array_like(y_true, y_pred, getattr(y_true, "dtype", None),
                           op="confusion_counts")
    y_true = xnp.astype(y_true, "bool", copy=False)
    if top_k is not None:
        y_pred = _top_k_only(y_pred, top_k)
    if class_id is not None:
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
    if sample_weight is None:
        w = xnp.ones_like(y_pred)
    else:  # one weight per example: trailing axes added, then broadcast
        w = as_array_like(sample_weight, y_pred, op="confusion_counts",
                          names=("sample_weight", "y_pred"))
        w = xnp.broadcast_to(xnp.reshape(w, core.shape(w) + (1,) * (y_pred.ndim - w.ndim)),
                             core.shape(y_pred))
    shape = (-1, y_pred.shape[-1]) if per_label else (-1,)
    y_true, y_pred, w = (xnp.reshape(a, shape) for a in (y_true, y_pred, w))
    thr = as_array_like(np.asarray(thresholds, np.float32), y_pred, op="confusion_counts",
                        names=("thresholds", "y_pred"))
    thr = xnp.reshape(thr, (-1,) + (1,) * y_pred.ndim)
    pos = y_pred > thr                                   # (T, N[, L])
    wt = w * xnp.astype(y_true, w.dtype, copy=False)
    wf = w * xnp.astype(~y_true, w.dtype, copy=False)
    fpos = xnp.astype(pos, w.dtype, copy=False)
    tp = xnp.sum(fpos * wt, axis=1)
    fp = xnp.sum(fpos * wf, axis=1)
    return tp, fp, xnp.sum(wf, axis=0) - fp, xnp.sum(wt, axis=0) - tp


def _ratio(a, b):
    return xnp.where(b != 0, a / xnp.where(b != 0, b, 1.0), 0.0)


#: Keras's names of the confusion counts' variables
_COUNT_NAMES = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives",
                "fn": "false_negatives"}


class _AtThresholds(Metric):
    """Precision and Recall: counts at thresholds (default 0.5; none with ``top_k``)."""

    _counts = ()  # which of (tp, fp, tn, fn) the metric keeps

    @property
    def state_names(self) -> tuple:
        return tuple(_COUNT_NAMES[c] for c in self._counts)

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if thresholds is None:
            thresholds = 0.5 if top_k is None else NEG_INF
        self.single = not isinstance(thresholds, list | tuple)
        self.thresholds = [thresholds] if self.single else list(thresholds)
        for t in self.thresholds:
            if not (t == NEG_INF or 0 <= t <= 1):
                raise ValueError(f"{type(self).__name__}: thresholds must be in [0, 1], got {t}")
        self.top_k, self.class_id = top_k, class_id

    def initial(self):
        return tuple(((len(self.thresholds),), 0.0) for _ in self._counts)

    def update(self, variables, y_true, y_pred, sample_weight=None):
        counts = dict(zip(["tp", "fp", "tn", "fn"], confusion_counts(
            y_true, y_pred, self.thresholds, sample_weight, self.class_id, self.top_k)))
        return tuple(v + xnp.astype(counts[k], v.dtype, copy=False)
                     for v, k in zip(variables, self._counts))

    def compute(self, variables):
        tp, other = variables
        out = _ratio(tp, tp + other)
        return out[0] if self.single else out

    def get_config(self):
        return {**super().get_config(), "thresholds": self.thresholds[0] if self.single
                else self.thresholds, "top_k": self.top_k, "class_id": self.class_id}


class Precision(_AtThresholds):
    """``tp / (tp + fp)`` at each threshold.

    Examples
    --------
    >>> import numpy as np
    >>> float(Precision()(np.array([0, 1, 1, 1]), np.array([1.0, 1.0, 0.0, 0.0])))
    0.5
    """

    _counts = ("tp", "fp")


class Recall(_AtThresholds):
    """``tp / (tp + fn)`` at each threshold."""

    _counts = ("tp", "fn")


class AUC(Metric):
    """Area under the ROC or PR curve, from confusion counts at ``num_thresholds``
    thresholds evenly spread over [0, 1] (plus -eps and 1+eps), summed by interpolation
    (PR: Davis & Goadrich's), or by minoring / majoring Riemann sums."""

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name, dtype=dtype)
        if curve.upper() not in ("ROC", "PR"):
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}")
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError("AUC: summation_method must be 'interpolation', 'minoring' or "
                             f"'majoring', got {summation_method!r}")
        if thresholds is not None:
            inner = sorted(thresholds)
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be > 1, got {num_thresholds}")
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.thresholds = [0.0 - epsilon()] + inner + [1.0 + epsilon()]
        self.num_thresholds = len(self.thresholds)
        self.curve, self.summation_method = curve.upper(), summation_method
        self.multi_label, self.num_labels = multi_label, num_labels
        self.label_weights, self.from_logits = label_weights, from_logits
        if multi_label and num_labels is None:
            raise ValueError("AUC: multi_label=True needs num_labels (the state's shape)")

    state_names = tuple(_COUNT_NAMES[c] for c in ("tp", "fp", "tn", "fn"))

    def initial(self):
        shape = (self.num_thresholds,) + ((self.num_labels,) if self.multi_label else ())
        return tuple((shape, 0.0) for _ in range(4))

    def update(self, variables, y_true, y_pred, sample_weight=None):
        y_pred = float_pred(y_pred)
        if self.from_logits:
            y_pred = nn.sigmoid(y_pred)
        counts = confusion_counts(y_true, y_pred, self.thresholds, sample_weight,
                                  per_label=self.multi_label)
        return tuple(v + xnp.astype(c, v.dtype, copy=False) for v, c in zip(variables, counts))

    def compute(self, variables):
        tp, fp, tn, fn = variables
        if self.curve == "PR" and self.summation_method == "interpolation":
            terms = self._pr_interpolated(tp, fp, fn)
        else:
            recall = _ratio(tp, tp + fn)
            if self.curve == "ROC":
                x, y = _ratio(fp, fp + tn), recall
            else:
                x, y = recall, _ratio(tp, tp + fp)
            lo, hi = y[:-1], y[1:]
            heights = {"interpolation": (lo + hi) / 2, "minoring": xnp.minimum(lo, hi),
                       "majoring": xnp.maximum(lo, hi)}[self.summation_method]
            terms = (x[:-1] - x[1:]) * heights
        by_label = xnp.sum(terms, axis=0)
        if not self.multi_label:
            return by_label
        if self.label_weights is None:
            return xnp.mean(by_label)
        w = as_array_like(np.asarray(self.label_weights, np.float32), by_label,
                          op=label(self), names=("label_weights", "values"))
        return _ratio(xnp.sum(by_label * w), xnp.sum(w))

    @staticmethod
    def _pr_interpolated(tp, fp, fn):
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _ratio(dtp, xnp.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = xnp.where(both, _ratio(p[:-1], xnp.maximum(p[1:], 0.0)), xnp.ones_like(p[1:]))
        return _ratio(slope * (dtp + intercept * xnp.log(ratio)),
                      xnp.maximum(tp[1:] + fn[1:], 0.0))

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "curve": self.curve, "summation_method": self.summation_method,
                "multi_label": self.multi_label, "num_labels": self.num_labels,
                "label_weights": self.label_weights, "from_logits": self.from_logits}


