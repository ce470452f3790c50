"""Thin adapters over the frameworks' special functions, named in spec/math.toml's
``native`` tables: Keras's parameter names, and half-precision inputs computed in float32
(SciPy has no float16/bfloat16 loops, TensorFlow no half erfinv/igamma kernels) and
rounded once. Frameworks are imported on first call only."""

from __future__ import annotations

import importlib

import crossops.numpy as xnp

from ..numpy._compute import down, name, up


def _unary(f, x):
    c, n = up(x)
    return down(f(c), n)


def _binary(f, x1, x2):
    c1, n = up(x1)
    c2 = xnp.astype(x2, name(c1))
    return down(f(c1, c2), n)


def _framework_function(path: str):
    module, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def _adapter(path: str, arity: int):
    """An adapter for the framework function at ``path`` (imported on first call)."""
    if arity == 1:
        return lambda x: _unary(_framework_function(path), x)
    return lambda x1, x2: _binary(_framework_function(path), x1, x2)


# op -> (arity, {backend: framework function}); adapters are named <op>_<backend>
_FUNCTIONS = {
    "erf": (1, {"numpy": "scipy.special.erf", "jax": "jax.scipy.special.erf",
                "torch": "torch.special.erf"}),
    "erfc": (1, {"numpy": "scipy.special.erfc", "jax": "jax.scipy.special.erfc",
                 "torch": "torch.special.erfc", "tensorflow": "tensorflow.math.erfc"}),
    "erfinv": (1, {"numpy": "scipy.special.erfinv", "jax": "jax.scipy.special.erfinv",
                   "torch": "torch.special.erfinv", "tensorflow": "tensorflow.math.erfinv"}),
    "gammainc": (2, {"numpy": "scipy.special.gammainc", "jax": "jax.scipy.special.gammainc",
                     "tensorflow": "tensorflow.math.igamma"}),
}
for _op, (_arity, _paths) in _FUNCTIONS.items():
    for _backend, _path in _paths.items():
        globals()[f"{_op}_{_backend}"] = _adapter(_path, _arity)


def gammainc_torch(x1, x2):
    import torch
    if x1.dtype == torch.float64 or x2.dtype == torch.float64:
        raise NotImplementedError(
            "math.gammainc: torch.special.gammainc is accurate to about 1e-9 only in float64 "
            "(1e6 epsilons); compute in float32, or on another backend")
    return _binary(torch.special.gammainc, x1, x2)


def erf_tensorflow(x):
    import tensorflow as tf

    def f(c):
        # tf.math.erf gives nan for float64 |x| beyond ~1e2; erf(6) rounds to 1 in float64
        c = xnp.where(c > 6, 6.0, xnp.where(c < -6, -6.0, c))
        return tf.math.erf(c)
    return _unary(f, x)
