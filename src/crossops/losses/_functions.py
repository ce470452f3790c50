"""The losses as pure functions returning per-example values (the last axis reduced),
before any sample weighting or reduction; formulas as Keras 3's ``keras.losses``."""

from __future__ import annotations

import math

import crossops
import crossops.numpy as xnp
from crossops import nn

from .._backend import backend_of_type, call_backend
from .._config import epsilon
from .._dispatch import call_on
from .._names import snake_case


def as_array_like(x, ref, dtype=None, *, op: str,
                  names: tuple[str, str] = ("y_true", "y_pred")):
    """``x`` (an array of ``ref``'s backend, a NumPy array, a list or a scalar) as an array
    of ``ref``'s backend, cast to ``dtype`` (default ``ref.dtype``).

    The dispatch's one rule: NumPy arrays are host data, two other backends never mix;
    their TypeError names ``op`` (the loss or metric) and ``names`` (the arguments that
    ``x`` and ``ref`` came as)."""
    dtype = ref.dtype if dtype is None else dtype
    backend = backend_of_type(type(ref))
    if backend_of_type(type(x)) == backend:
        return x if x.dtype == dtype else xnp.astype(x, dtype, copy=False)
    call_backend((type(x), type(ref)), op, names)
    host = crossops.to_numpy(x) if hasattr(x, "dtype") else x
    return call_on(backend, "asarray", host, dtype=dtype)


def check_one_backend(op: str, **arguments) -> None:
    """Raise the dispatch's TypeError, naming ``op`` and the two arguments, where
    ``arguments`` (name -> value) hold arrays of two backends other than NumPy."""
    call_backend(tuple(type(v) for v in arguments.values()), op, tuple(arguments))


def label(owner) -> str:
    """A loss's or metric's name in messages: its class's name, and its ``name`` where that
    is not the class's own."""
    cls = type(owner).__name__
    return cls if owner.name == snake_case(cls) else f"{cls} {owner.name!r}"


def float_pred(y_pred):
    """``y_pred`` as a floating array (integers become float32)."""
    if backend_of_type(type(y_pred)) is None:
        y_pred = xnp.asarray(y_pred)
    if not xnp.isdtype(y_pred.dtype, "real floating"):
        y_pred = xnp.astype(y_pred, "float32", copy=False)
    return y_pred


def _pair(y_true, y_pred, op):
    y_pred = float_pred(y_pred)
    return as_array_like(y_true, y_pred, op=op), y_pred


def squeeze_or_expand_to_same_rank(x1, x2):
    """Make ranks equal when they differ by a trailing axis of size 1 (as Keras)."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        return (x1, xnp.expand_dims(x2, axis=-1)) if r2 == 1 else (xnp.squeeze(x1, axis=-1), x2)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        return (xnp.expand_dims(x1, axis=-1), x2) if r1 == 1 else (x1, xnp.squeeze(x2, axis=-1))
    return x1, x2


def mean_squared_error(y_true, y_pred):
    """``mean(square(y_true - y_pred), axis=-1)``.

    Examples
    --------
    >>> import numpy as np
    >>> mean_squared_error(np.array([[0., 1.]]), np.array([[1., 1.]])).tolist()
    [0.5]
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_squared_error")
    d = y_true - y_pred
    return xnp.mean(d * d, axis=-1)


def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred, "mean_absolute_error")
    return xnp.mean(xnp.abs(y_true - y_pred), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Quadratic for errors up to ``delta``, linear beyond, averaged over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred, "huber")
    err = y_pred - y_true
    a = xnp.abs(err)
    return xnp.mean(xnp.where(a <= delta, 0.5 * err * err, delta * a - 0.5 * delta * delta),
                    axis=-1)


def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow."""
    y_true, y_pred = _pair(y_true, y_pred, "log_cosh")
    x = y_pred - y_true
    return xnp.mean(x + nn.softplus(-2.0 * x) - math.log(2.0), axis=-1)


def hinge(y_true, y_pred):
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``; labels in {0, 1} are first
    mapped to {-1, 1}."""
    y_true, y_pred = _pair(y_true, y_pred, "hinge")
    binary = xnp.all((y_true == 0) | (y_true == 1))
    y_true = xnp.where(binary, 2.0 * y_true - 1.0, y_true)
    return xnp.mean(xnp.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[epsilon, 1]``
    (``crossops.config.epsilon()``, 1e-7 unless set)."""
    y_true, y_pred = _pair(y_true, y_pred, "kl_divergence")
    y_true = xnp.clip(y_true, epsilon(), 1.0)
    y_pred = xnp.clip(y_pred, epsilon(), 1.0)
    return xnp.sum(y_true * xnp.log(y_true / y_pred), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy averaged over ``axis``, with labels smoothed towards 0.5."""
    y_true, y_pred = _pair(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return xnp.mean(nn.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def _smooth(y_true, y_pred, label_smoothing, axis):
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    return y_true


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Crossentropy between one-hot (or soft) labels and predicted probabilities or logits
    along ``axis``."""
    if isinstance(axis, bool):
        raise TypeError(f"categorical_crossentropy: axis must be an int, got {axis!r}")
    y_true, y_pred = _pair(y_true, y_pred, "categorical_crossentropy")
    y_true = _smooth(y_true, y_pred, label_smoothing, axis)
    return nn.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Focal crossentropy (Lin et al.): the crossentropy of each class weighted by
    ``alpha * (1 - p) ** gamma``."""
    y_true, y_pred = _pair(y_true, y_pred, "categorical_focal_crossentropy")
    y_true = _smooth(y_true, y_pred, label_smoothing, axis)
    if from_logits:
        y_pred = nn.softmax(y_pred, axis=axis)
    p = xnp.clip(y_pred / xnp.sum(y_pred, axis=axis, keepdims=True), epsilon(), 1.0 - epsilon())
    return xnp.sum(alpha * (1.0 - p) ** gamma * (-y_true * xnp.log(p)), axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Crossentropy between integer labels and predicted probabilities or logits along
    ``axis``; entries labelled ``ignore_class`` give 0."""
    y_pred = float_pred(y_pred)
    y_true = as_array_like(y_true, y_pred, dtype=None if not hasattr(y_true, "dtype")
                           else y_true.dtype, op="sparse_categorical_crossentropy")
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = xnp.squeeze(y_true, axis=axis)
    if ignore_class is None:
        return nn.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                                  axis=axis)
    valid = y_true != ignore_class
    safe = xnp.where(valid, y_true, xnp.zeros_like(y_true))
    res = nn.sparse_categorical_crossentropy(safe, y_pred, from_logits=from_logits, axis=axis)
    return xnp.where(valid, res, xnp.zeros_like(res))
