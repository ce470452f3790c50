"""Thin adapters over the frameworks' special functions, named in spec/math.toml's
``native`` tables: Keras's parameter names, and half-precision inputs computed in float32
(SciPy has no float16/bfloat16 loops, TensorFlow no half erfinv/igamma kernels) and
rounded once. Frameworks are imported on first call only."""

from __future__ import annotations

import crossops.numpy as xnp

from ..nn._common import down, name, up


def _unary(f, x):
    c, n = up(x)
    return down(f(c), n)


def _binary(f, x1, x2):
    c1, n = up(x1)
    c2 = xnp.astype(x2, name(c1))
    return down(f(c1, c2), n)


# numpy (SciPy)
def erf_numpy(x):
    from scipy import special
    return _unary(special.erf, x)


def erfc_numpy(x):
    from scipy import special
    return _unary(special.erfc, x)


def erfinv_numpy(x):
    from scipy import special
    return _unary(special.erfinv, x)


def gammainc_numpy(x1, x2):
    from scipy import special
    return _binary(special.gammainc, x1, x2)


# jax
def erf_jax(x):
    from jax.scipy import special
    return _unary(special.erf, x)


def erfc_jax(x):
    from jax.scipy import special
    return _unary(special.erfc, x)


def erfinv_jax(x):
    from jax.scipy import special
    return _unary(special.erfinv, x)


def gammainc_jax(x1, x2):
    from jax.scipy import special
    return _binary(special.gammainc, x1, x2)


# torch
def erf_torch(x):
    import torch
    return _unary(torch.special.erf, x)


def erfc_torch(x):
    import torch
    return _unary(torch.special.erfc, x)


def erfinv_torch(x):
    import torch
    return _unary(torch.special.erfinv, x)


def gammainc_torch(x1, x2):
    import torch
    if x1.dtype == torch.float64 or x2.dtype == torch.float64:
        raise NotImplementedError(
            "math.gammainc: torch.special.gammainc is accurate to about 1e-9 only in float64 "
            "(1e6 epsilons); compute in float32, or on another backend")
    return _binary(torch.special.gammainc, x1, x2)


# tensorflow
def erf_tensorflow(x):
    import tensorflow as tf

    def f(c):
        # tf.math.erf gives nan for float64 |x| beyond ~1e2; erf(6) rounds to 1 in float64
        c = xnp.where(c > 6, 6.0, xnp.where(c < -6, -6.0, c))
        return tf.math.erf(c)
    return _unary(f, x)


def erfc_tensorflow(x):
    import tensorflow as tf
    return _unary(tf.math.erfc, x)


def erfinv_tensorflow(x):
    import tensorflow as tf
    return _unary(tf.math.erfinv, x)


def gammainc_tensorflow(x1, x2):
    import tensorflow as tf
    return _binary(tf.math.igamma, x1, x2)
