"""Generic implementations written with crossops ops over the backends' own random ops:
``dropout`` on every backend, ``beta`` where the framework has none (TensorFlow; PyTorch
runs it eagerly, see crossops/backends/torch/random.py)."""

from __future__ import annotations

import crossops.numpy as xnp

from .. import _seed, core
from .._dtypes import dtype_name, kind
from ._keys import backend_of_args, key_on


def dropout(inputs, rate, noise_shape=None, seed=None):
    import crossops.random as xr
    r = _seed.rate_value(rate, "dropout")
    name = dtype_name(inputs.dtype)
    if kind(name) != "f":
        raise TypeError(f"random.dropout: inputs must be floating-point, got dtype {name}")
    # a size unknown when traced (tf.function with a None batch) as its tf.shape tensor, so
    # that the mask of a batch of n is the eager one (a symbolic torch size stays symbolic)
    shape = core.shape(inputs)
    if noise_shape is None:
        noise = shape
    else:
        noise = tuple(noise_shape)
        if len(noise) != len(shape):
            raise ValueError(f"random.dropout: noise_shape {noise} must have one entry per "
                             f"dimension of inputs {shape} (None takes the input's)")
        noise = tuple(s if d is None else d for d, s in zip(noise, shape))
    k = key_on(backend_of_args(inputs), seed, "dropout")
    u = xr.uniform(noise, dtype="float32" if name in ("float16", "bfloat16") else name, seed=k)
    keep = xnp.greater_equal(u, r)  # kept with probability 1 - rate
    # one multiplication by the scale (a compiler has nothing to rewrite: eager == jit)
    return xnp.where(keep, xnp.multiply(inputs, 1.0 / (1.0 - r)), 0.0)


def _plus_one(a):
    return a + 1.0 if isinstance(a, int | float) else xnp.add(a, 1.0)


_TINY = {"float32": 1.1754943508222875e-38, "float64": 2.2250738585072014e-308}


def _log_gamma(shape, a, compute, k1, k2):
    """log of a Gamma(a) draw as log Gamma(a + 1) + log(U) / a (Marsaglia and Tsang's boost,
    valid for every a > 0 and free of underflow for small a)."""
    import crossops.random as xr
    g = xr.gamma(shape, _plus_one(a), dtype=compute, seed=k1)
    u = xr.uniform(shape, minval=_TINY[compute], maxval=1.0,
                   dtype=compute, seed=k2)
    if isinstance(a, int | float):  # a multiplication, which no graph optimiser rewrites
        return xnp.add(xnp.log(g), xnp.multiply(xnp.log(u), 1.0 / a))
    return xnp.add(xnp.log(g), xnp.divide(xnp.log(u), a))


def beta(shape, alpha, beta, dtype=None, seed=None):
    import crossops.random as xr
    name = _seed.float_name(dtype, "beta")
    shape = _seed.shape_tuple(shape, "beta")
    compute = "float64" if name == "float64" else "float32"
    k = key_on(backend_of_args(seed, alpha, beta), seed, "beta")
    ks = xr.split(k, 4)
    log_x = _log_gamma(shape, alpha, compute, ks[0], ks[1])
    log_y = _log_gamma(shape, beta, compute, ks[2], ks[3])
    # X / (X + Y), scaled by the larger of the two; a division of two arrays, which
    # TensorFlow's graph optimiser keeps as it is (tf.function gives the eager bits)
    m = xnp.maximum(log_x, log_y)
    x, y = xnp.exp(xnp.subtract(log_x, m)), xnp.exp(xnp.subtract(log_y, m))
    out = xnp.divide(x, xnp.add(x, y))
    return xnp.astype(out, name)


GENERIC = {"dropout": dropout, "beta": beta}
