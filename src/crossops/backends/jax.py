"""JAX backend: ``jax.numpy`` is an array API namespace of its own."""

from __future__ import annotations

import jax
import jax.numpy as NAMESPACE  # noqa: N812
import numpy as np

from ._common import (dtype_functions, dtype_table, fix_remainder,
                      make_native_dtype)

# tracers are instances of jax.Array but not subclasses of it: name their class too
NAME = "jax"
ARRAY_TYPES = (jax.Array, jax.core.Tracer)
DTYPE_TYPES = ()
#: jax's promotion lattice is crossops's table
NATIVE_PROMOTION = True
#: jax treats Python scalars as weak, as crossops does
NATIVE_WEAK_SCALARS = True

#: every dtype crossops knows, as jax's NumPy dtypes. Without jax's x64 setting the
#: 64-bit ones are kept (as ``jax.numpy.float64`` is): jax itself then warns and gives
#: the 32-bit dtype, and ``__array_namespace_info__().dtypes()`` leaves them out.
DTYPES = dtype_table(lambda n: getattr(NAMESPACE, n).dtype if n != "bool" else np.dtype(bool))
native_dtype = make_native_dtype(DTYPES, "jax")


def default_dtypes() -> tuple[str, str, str]:
    """Default (int, float, complex) dtype names; 64-bit only with jax's x64 on."""
    if jax.config.jax_enable_x64:
        return ("int64", "float64", "complex128")
    return ("int32", "float32", "complex64")


def to_numpy(x) -> np.ndarray:
    return np.asarray(x)


globals().update(dtype_functions(DTYPES, native_dtype, default_dtypes))
_result_type = result_type  # noqa: F821  (defined just above)


def result_type(*arrays_and_dtypes):
    """crossops's promotion, then jax's x64 setting (float64 -> float32 without x64)."""
    return jax.dtypes.canonicalize_dtype(_result_type(*arrays_and_dtypes))


def namespace_info():
    """jax's own inspection object: its dtypes and defaults follow the x64 setting."""
    return NAMESPACE.__array_namespace_info__()


# --- the array API's special values, where XLA's kernels differ --------------------------
def floor_divide(x1, x2, /):
    """XLA's real floating values are NumPy's (``floor(x1 / x2)`` less one where the
    remainder's sign differs: inf // 1 is nan, 1 // -inf is -1); only the sign of a zero
    differs: NumPy's is the sign of ``x1 / x2``."""
    out = NAMESPACE.floor_divide(x1, x2)
    if NAMESPACE.issubdtype(out.dtype, NAMESPACE.floating):
        return NAMESPACE.where(out == 0, NAMESPACE.copysign(out, NAMESPACE.divide(x1, x2)), out)
    return out


def remainder(x1, x2, /):
    out = NAMESPACE.remainder(x1, x2)
    if NAMESPACE.issubdtype(out.dtype, NAMESPACE.floating):
        return fix_remainder(NAMESPACE, out, x2)
    return out


def sign(x, /):
    return NAMESPACE.sign(x) + 0  # sign(-0.0) is +0 in the standard; -0 + 0 is +0


def _complex(re, im):
    return jax.lax.complex(re, im)


def exp(x, /):
    out = NAMESPACE.exp(x)
    if not NAMESPACE.iscomplexobj(x):
        return out
    re, im = x.real, x.imag
    # exp(+-inf + i*(inf or nan)): +inf gives inf + nan*j, -inf gives 0 + 0j
    bad = NAMESPACE.isinf(re) & ~NAMESPACE.isfinite(im)
    fixed = _complex(NAMESPACE.where(re > 0, np.inf, 0.0).astype(re.dtype),
                     NAMESPACE.where(re > 0, np.nan, 0.0).astype(re.dtype))
    return NAMESPACE.where(bad, fixed, out)


def expm1(x, /):
    out = NAMESPACE.expm1(x)
    if NAMESPACE.iscomplexobj(x):
        return NAMESPACE.where(NAMESPACE.isfinite(x), out, exp(x) - 1)
    return out


def log(x, /):
    out = NAMESPACE.log(x)
    if not NAMESPACE.iscomplexobj(x):
        return out
    # an infinite part gives +inf, and the angle as the imaginary part (NaN with a NaN)
    inf = NAMESPACE.isinf(x.real) | NAMESPACE.isinf(x.imag)
    fixed = _complex(NAMESPACE.full_like(x.real, np.inf), NAMESPACE.arctan2(x.imag, x.real))
    return NAMESPACE.where(inf, fixed, out)


def log1p(x, /):
    out = NAMESPACE.log1p(x)
    if NAMESPACE.iscomplexobj(x):
        return NAMESPACE.where(NAMESPACE.isfinite(x), out, log(x + 1))
    return out


def sqrt(x, /):
    out = NAMESPACE.sqrt(x)
    if not NAMESPACE.iscomplexobj(x):
        return out
    # +-inf + nan*j: +inf gives inf + nan*j, -inf gives nan + inf*j
    re, im = x.real, x.imag
    bad = NAMESPACE.isinf(re) & NAMESPACE.isnan(im)
    fixed = _complex(NAMESPACE.where(re > 0, np.inf, np.nan).astype(re.dtype),
                     NAMESPACE.where(re > 0, np.nan, np.inf).astype(re.dtype))
    return NAMESPACE.where(bad, fixed, out)


# --- signatures and results as the standard has them --------------------------------------
def permute_dims(x, /, axes):
    """jax takes no negative axes here."""
    return NAMESPACE.permute_dims(x, tuple(a % x.ndim if a < 0 else a for a in axes))


def meshgrid(*arrays, indexing="xy"):
    return tuple(NAMESPACE.meshgrid(*arrays, indexing=indexing))


def broadcast_arrays(*arrays):
    return tuple(NAMESPACE.broadcast_arrays(*arrays))


def cumulative_prod(x, /, *, axis=None, dtype=None, include_initial=False):
    """Integers narrower than the default integer accumulate in it (as cumulative_sum)."""
    if dtype is None and NAMESPACE.issubdtype(x.dtype, NAMESPACE.integer):
        wide = jax.dtypes.canonicalize_dtype(
            np.uint64 if NAMESPACE.issubdtype(x.dtype, NAMESPACE.unsignedinteger) else np.int64)
        if x.dtype.itemsize < wide.itemsize:
            dtype = wide
    return NAMESPACE.cumulative_prod(x, axis=axis, dtype=dtype, include_initial=include_initial)


def searchsorted(x1, x2, /, *, side="left", sorter=None):
    """jax gives int32 indices always; the standard's are the default index dtype."""
    out = NAMESPACE.searchsorted(x1, x2, side=side, sorter=sorter)
    return out.astype(default_dtypes()[0])


def pow(x1, x2, /):  # noqa: A001
    out = NAMESPACE.pow(x1, x2)
    if not NAMESPACE.iscomplexobj(out):
        return out
    # a complex zero to a power of positive real part is zero (XLA gives nan + nan*j)
    x1, x2 = NAMESPACE.asarray(x1), NAMESPACE.asarray(x2)
    zero = (x1 == 0) & (NAMESPACE.real(x2) > 0)
    return NAMESPACE.where(zero, NAMESPACE.zeros((), out.dtype), out)


def _var_float16(x, axis, correction, keepdims):
    """NumPy's float16 variance: each step rounded to float16 (sums accumulated in
    float32), so a sum of squares past float16's range is inf, as NumPy has it."""
    axes = tuple(range(x.ndim)) if axis is None else \
        tuple(a % x.ndim for a in (axis if isinstance(axis, tuple) else (axis,)))
    n = 1
    for a in axes:
        n *= x.shape[a]
    f16 = x.dtype
    total = NAMESPACE.sum(x, axis=axes, keepdims=True, dtype=NAMESPACE.float32)
    mean = (total.astype(f16).astype(NAMESPACE.float32) / n).astype(f16)
    dev = x - mean
    sq = dev * dev
    ssq = NAMESPACE.sum(sq, axis=axes, keepdims=keepdims, dtype=NAMESPACE.float32).astype(f16)
    return (ssq.astype(NAMESPACE.float32) / max(n - correction, 0)).astype(f16)


def var(x, /, *, axis=None, correction=0.0, keepdims=False):
    if x.dtype == NAMESPACE.float16:
        return _var_float16(x, axis, correction, keepdims)
    return NAMESPACE.var(x, axis=axis, correction=correction, keepdims=keepdims)


def std(x, /, *, axis=None, correction=0.0, keepdims=False):
    if x.dtype == NAMESPACE.float16:
        return NAMESPACE.sqrt(_var_float16(x, axis, correction, keepdims))
    return NAMESPACE.std(x, axis=axis, correction=correction, keepdims=keepdims)


def linalg_pinv(x, /, *, rtol=None):
    """The standard's default cutoff is ``max(M, N) * eps`` (jax's is ten times that)."""
    if rtol is None:
        rtol = max(x.shape[-2:]) * NAMESPACE.finfo(x.dtype).eps
    return NAMESPACE.linalg.pinv(x, rtol=rtol)
