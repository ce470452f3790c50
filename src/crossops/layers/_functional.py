"""The layers' math as pure functions of (parameters, inputs), written with crossops ops;
the layer classes call these with their variables' values."""

from __future__ import annotations

import crossops.numpy as xnp
from crossops import nn


def activation(name):
    """An activation function from a name (``"relu"``, ``"softmax"``, ``"linear"`` ...), a
    callable, or None (the identity).

    Examples
    --------
    >>> import numpy as np
    >>> activation("relu")(np.array([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """
    if name is None or name == "linear":
        return _identity
    if callable(name):
        return name
    f = getattr(nn, name, None)
    if f is None or not hasattr(f, "_op"):
        raise ValueError(f"unknown activation {name!r}; use a crossops.nn function name "
                         "such as 'relu', 'gelu', 'softmax', 'sigmoid', or a callable")
    return f


def _identity(x):
    return x


def dense(x, kernel, bias=None, act=None):
    """``act(x @ kernel + bias)`` over the last axis of ``x``."""
    y = xnp.matmul(x, kernel)
    if bias is not None:
        y = y + bias
    return y if act is None else act(y)


def embedding(ids, table):
    """Rows of ``table`` at the integer ``ids`` (any shape)."""
    return xnp.take(table, xnp.astype(ids, "int32") if ids.dtype != table.dtype and
                    not xnp.isdtype(ids.dtype, "integral") else ids, axis=0)


def layer_normalization(x, gamma, beta, axis=-1, epsilon=1e-3):
    mean = xnp.mean(x, axis=axis, keepdims=True)
    var = xnp.var(x, axis=axis, keepdims=True)
    y = (x - mean) / xnp.sqrt(var + epsilon)
    if gamma is not None:
        y = y * gamma
    if beta is not None:
        y = y + beta
    return y
