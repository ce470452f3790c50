"""Compute dtypes of JAX's op functions: half precision computed in float32 and cast
back once."""

from __future__ import annotations

import jax.numpy as jnp

from ..._config import floatx

_HALF = (jnp.float16, jnp.bfloat16)


def up(x):
    """``x`` in its compute dtype (float16 and bfloat16 computed in float32), and its own
    dtype, to cast the result back with :func:`down`."""
    return (x.astype(jnp.float32) if x.dtype in _HALF else x), x.dtype


def up_float(x):
    """:func:`up` for an op whose result is a float: bool and integer inputs computed in, and
    given as, ``floatx()`` (as jax.nn's activations)."""
    if jnp.issubdtype(x.dtype, jnp.inexact):
        return up(x)
    f = jnp.dtype(floatx())
    return x.astype(f), f


def down(y, dtype):
    """``y`` cast back to ``dtype`` where it is not already."""
    return y if y.dtype == dtype else y.astype(dtype)
