"""Per-example metric functions (accuracies), as Keras 3's ``keras.metrics``: each returns
float32 values, one per example (the class axis reduced)."""

from __future__ import annotations

import crossops.math as xm
import crossops.numpy as xnp
from crossops import core

from ..losses._functions import as_array_like, float_pred, squeeze_or_expand_to_same_rank


def _matches(a, b):
    return xnp.astype(a == b, "float32", copy=False)


def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred``, else 0.0.

    Examples
    --------
    >>> import numpy as np
    >>> accuracy(np.array([1, 2]), np.array([1, 3])).tolist()
    [1.0, 0.0]
    """
    y_true = as_array_like(y_true, y_pred, op="accuracy")
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _matches(y_true, y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Accuracy of ``y_pred > threshold`` against binary labels."""
    y_pred = float_pred(y_pred)
    y_true = as_array_like(y_true, y_pred, op="binary_accuracy")
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _matches(y_true, xnp.astype(y_pred > threshold, y_true.dtype, copy=False))


def sparse_categorical_accuracy(y_true, y_pred):
    """Whether the arg-max of ``y_pred`` over the last axis is the integer label."""
    y_true = as_array_like(y_true, y_pred, getattr(y_true, "dtype", "int32"),
                           op="sparse_categorical_accuracy")
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = xnp.squeeze(y_true, axis=-1)
    pred = xnp.argmax(y_pred, axis=-1)
    return _matches(xnp.astype(y_true, pred.dtype, copy=False), pred)


def categorical_accuracy(y_true, y_pred):
    """Whether the arg-max of ``y_pred`` is the arg-max of the one-hot ``y_true``."""
    y_true = as_array_like(y_true, y_pred, getattr(y_true, "dtype", None),
                           op="categorical_accuracy")
    return _matches(xnp.argmax(y_true, axis=-1), xnp.argmax(y_pred, axis=-1))


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Whether the one-hot label's class is among the ``k`` largest predictions."""
    y_true = as_array_like(y_true, y_pred, getattr(y_true, "dtype", None),
                           op="top_k_categorical_accuracy")
    labels = xnp.argmax(y_true, axis=-1)
    shape = core.shape(labels)  # (a None batch as a tensor)
    flat = xnp.reshape(y_pred, (-1, y_pred.shape[-1]))
    hits = xm.in_top_k(xnp.astype(xnp.reshape(labels, (-1,)), "int32", copy=False), flat, k)
    return xnp.reshape(xnp.astype(hits, "float32", copy=False), shape)
