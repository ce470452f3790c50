"""JAX's special functions for crossops.math, from ``jax.scipy.special``, with Keras's
parameter names; half precision is computed in float32 and rounded once."""

from __future__ import annotations

import jax.numpy as jnp
import jax.scipy.special as special

_HALF = (jnp.float16, jnp.bfloat16)


def _unary(f, x):
    if x.dtype in _HALF:
        return f(x.astype(jnp.float32)).astype(x.dtype)
    return f(x)


def _binary(f, x1, x2):
    compute = jnp.float32 if x1.dtype in _HALF else x1.dtype
    return f(x1.astype(compute), x2.astype(compute)).astype(x1.dtype)


def erf(x):
    return _unary(special.erf, x)


def erfc(x):
    return _unary(special.erfc, x)


def erfinv(x):
    return _unary(special.erfinv, x)


def gammainc(x1, x2):
    return _binary(special.gammainc, x1, x2)
