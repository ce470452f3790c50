"""JAX's special functions for crossops.math, from ``jax.scipy.special``, with Keras's
parameter names; half precision is computed in float32 and rounded once."""

from __future__ import annotations

import jax.numpy as jnp
import jax.scipy.special as special
from jax import lax

_HALF = (jnp.float16, jnp.bfloat16)

#: generic implementations compiled as one program per shape: op name -> static parameters
#: (top_k: the stable descending argsort, its first k and their values, one program)
COMPILED = {"top_k": ("k", "sorted", "is_stable")}


def _unary(f, x):
    if x.dtype in _HALF:
        return f(x.astype(jnp.float32)).astype(x.dtype)
    return f(x)


def _binary(f, x1, x2):
    compute = jnp.float32 if x1.dtype in _HALF else x1.dtype
    return f(x1.astype(compute), x2.astype(compute)).astype(x1.dtype)


def rsqrt(x):
    return _unary(lax.rsqrt, x)


def erf(x):
    # (lax.erf: special.erf's kernel, without its ~7 us of argument promotion)
    return _unary(lax.erf if jnp.issubdtype(x.dtype, jnp.floating) else special.erf, x)


def erfc(x):
    return _unary(special.erfc, x)


def erfinv(x):
    return _unary(special.erfinv, x)


def _gammainc(a, x):
    """jax's gammainc, with d/dx at (a, x) = (1, 0) its value 1 (jax's is nan there: its
    ``x**(a - 1) * exp(-x) / gamma(a)`` is formed as ``exp((a - 1) * log(x) - ...)``, 0 * -inf
    at a = 1); there ``P(1, x) = 1 - exp(-x)`` is ``x`` to first order."""
    edge = (a == 1) & (x == 0)
    return jnp.where(edge, x, special.gammainc(a, jnp.where(edge, jnp.ones_like(x), x)))


def gammainc(x1, x2):
    return _binary(_gammainc, x1, x2)
