"""The layers' math as pure functions of (parameters, inputs), written with crossops ops;
the layer classes call these with their variables' values."""

from __future__ import annotations

import functools

import crossops.numpy as xnp
from crossops import core, nn
from crossops._backend import backend_chapter, backend_of_type
from crossops._dispatch import FUNCTIONS

# keras.activations' defaults where they differ from the ops' (gelu is exact there)
_ACTIVATION_DEFAULTS = {"gelu": {"approximate": False}}
_ALIASES = {"swish": "silu", "exponential": "exp"}


def activation(name):
    """An activation function from a name (``"relu"``, ``"gelu"``, ``"softmax"``,
    ``"tanh"``, ``"linear"`` ...), a callable, or None (the identity), with
    ``keras.activations``' defaults.

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
    op = _ALIASES.get(name, name)
    f = getattr(nn, op, None) or getattr(xnp, op, None)
    if not callable(f) or f not in FUNCTIONS:
        raise ValueError(f"unknown activation {name!r}; use a crossops.nn or crossops.numpy "
                         "function name such as 'relu', 'gelu', 'softmax', 'tanh', or a "
                         "callable")
    defaults = _ACTIVATION_DEFAULTS.get(op)
    return functools.partial(f, **defaults) if defaults else f


def _identity(x):
    return x


def dense(x, kernel, bias=None, act=None):
    """``act(x @ kernel + bias)`` over the last axis of ``x``.

    Where ``x``'s backend has a fused form (its ``layers`` chapter's ``dense``: torch's
    ``addmm``, the kernels ``torch.nn.Linear`` runs, forward and backward) that form runs;
    it returns None where it does not apply, and the generic ``matmul`` + ``add`` runs."""
    fused = backend_form(type(x), "dense")
    y = None if fused is None else fused(x, kernel, bias)
    if y is None:
        y = xnp.matmul(x, kernel)
        if bias is not None:
            y = y + bias
    return y if act is None else act(y)


#: (array type, name) -> that array's backend's form ``name`` (``layers`` chapter), or None
_BACKEND_FORMS: dict = {}


def backend_form(t: type, name: str):
    """The function ``name`` of the ``layers`` chapter of array type ``t``'s backend (a
    fused form of a layer's computation, ``dense``, which returns None where it does not
    apply), or None where the backend has none; found once per type."""
    try:
        return _BACKEND_FORMS[t, name]
    except KeyError:
        pass
    backend = backend_of_type(t)
    chapter = None if backend is None else backend_chapter(backend, "layers")
    _BACKEND_FORMS[t, name] = found = getattr(chapter, name, None)
    return found


def embedding(ids, table):
    """Rows of ``table`` at the integer ``ids`` (any shape)."""
    if not xnp.isdtype(ids.dtype, "integral"):
        ids = xnp.astype(ids, "int32", copy=False)
    rows = xnp.take(table, xnp.reshape(ids, (-1,)), axis=0)
    return xnp.reshape(rows, core.shape(ids) + (table.shape[-1],))  # (a None batch too)


def layer_normalization(x, gamma, beta, axis=-1, epsilon=1e-3):
    mean = xnp.mean(x, axis=axis, keepdims=True)
    var = xnp.var(x, axis=axis, keepdims=True)
    y = (x - mean) / xnp.sqrt(var + epsilon)
    if gamma is not None:
        y = y * gamma
    if beta is not None:
        y = y + beta
    return y
