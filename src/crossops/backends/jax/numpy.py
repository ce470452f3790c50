"""JAX's functions of crossops.numpy that adapt ``jax.numpy``'s own to crossops's rules,
found by op name (``backends/jax/numpy.py``): ``i0`` (float16 and bfloat16 computed in
float32, integers in JAX's default float), ``view``, ``einsum`` (operands promoted with
crossops's table) and ``bincount``, and ``bin_sums``, the counting step that other ops
share. Dtype and shape rules and argument checks: :mod:`crossops.backends._numpy_ops`.
"""

from __future__ import annotations

import jax.numpy as jnp

from ..._dtypes import dtype_name
from .. import _numpy_ops as shared
from . import DTYPES, default_dtypes

# -- i0 ---------------------------------------------------------------------------------------

def i0(x):
    work, out = shared.i0_dtypes(dtype_name(x.dtype), default_dtypes()[1])
    return jnp.i0(x.astype(DTYPES[work])).astype(DTYPES[out])


# -- view -------------------------------------------------------------------------------------

def view(x, dtype=None):
    if dtype is None:
        return x
    shared.view_shape(x.shape, dtype_name(x.dtype), dtype_name(dtype))
    return x.view(dtype)


# -- einsum -----------------------------------------------------------------------------------

def einsum(subscripts, *operands, **kwargs):
    eq, ops, r = shared.einsum_operands(subscripts, operands, jnp.asarray,
                                        lambda o, d: o.astype(d), DTYPES)
    out = jnp.einsum(eq, *ops, **kwargs)
    return out if dtype_name(out.dtype) == r else out.astype(DTYPES[r])


# -- bincount ---------------------------------------------------------------------------------

def bin_sums(x, w, length: int):
    """The counts of the values of ``x`` (JAX's default int), or the sums of ``w`` at them,
    in a result of ``length`` entries (``x`` 1-d with values in ``[0, length)``,
    unchecked; ``length`` a Python int, so this compiles)."""
    out = jnp.bincount(x, weights=w, minlength=length, length=length)
    return out if w is not None else out.astype(DTYPES[default_dtypes()[0]])


def bincount(x, weights=None, minlength=0, sparse=False):
    minlength = shared.check_bincount(x, minlength, sparse)
    x = x.astype(DTYPES[default_dtypes()[0]])
    n = x.shape[0]
    if n and bool(jnp.any(x < 0)):
        raise shared.negative_bins()
    length = max(int(jnp.max(x)) + 1 if n else 0, minlength)
    shared.check_weights(x, weights)
    return bin_sums(x, weights, length)
