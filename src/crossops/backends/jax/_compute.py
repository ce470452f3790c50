"""Compute dtypes of JAX's op functions: half precision computed in float32 and cast
back once."""

from __future__ import annotations

import jax.numpy as jnp

from ..._config import floatx

#: as NumPy dtypes (an array's dtype is one): a set lookup, where comparing a dtype with
#: jax's scalar types (jnp.float16) costs about 0.3 us each
_HALF = frozenset({jnp.dtype(jnp.float16), jnp.dtype(jnp.bfloat16)})
#: dtype -> whether it is inexact (jnp.issubdtype, found once per dtype)
_INEXACT: dict = {}


def up(x):
    """``x`` in its compute dtype (float16 and bfloat16 computed in float32), and its own
    dtype, to cast the result back with :func:`down`."""
    return (x.astype(jnp.float32) if x.dtype in _HALF else x), x.dtype


def up_float(x):
    """:func:`up` for an op whose result is a float: bool and integer inputs computed in, and
    given as, ``floatx()`` (as jax.nn's activations)."""
    d = x.dtype
    inexact = _INEXACT.get(d)
    if inexact is None:
        inexact = _INEXACT[d] = bool(jnp.issubdtype(d, jnp.inexact))
    if inexact:
        return up(x)
    f = jnp.dtype(floatx())
    return x.astype(f), f


def down(y, dtype):
    """``y`` cast back to ``dtype`` where it is not already."""
    return y if y.dtype == dtype else y.astype(dtype)
