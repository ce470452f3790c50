"""JAX's functions of crossops.numpy that adapt ``jax.numpy``'s own to crossops's rules,
found by op name (``backends/jax/numpy.py``): ``i0`` (float16 and bfloat16 computed in
float32, integers in JAX's default float), ``view``, ``einsum`` (operands promoted with
crossops's table) and ``bincount``, and ``bin_sums``, the counting step that other ops
share; and jax's own at common calls: ``cumsum``, ``cumprod``, ``isclose``,
``allclose``, ``digitize`` of rising bins, ``nansum``, ``nanmean``, ``unique`` of
integers; the linear ``quantile``/``percentile`` by one sort and ``cross`` of
3-vectors, each in one compiled program.
Dtype and shape rules and argument checks: :mod:`crossops.backends._numpy_ops`.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ..._axes import normalize_axis
from ..._dtypes import dtype_name
from .. import _numpy_ops as shared
from .._common import apart, partial
from .._core import check_integer_indices
from . import (
    _F32_F64,
    _HALF,
    DTYPES,
    NAMESPACE,
    default_dtypes,
    jitted_hashable,
    searchsorted,
)
from .linalg import crossed_floats, products_apart

#: generic implementations compiled as one program per shape: op name -> static parameters
#: (``isclose``'s generic is ~15 small jax ops, each dispatched eagerly: 232 us a call at
#: 32x32 against jnp.isclose's 7)
COMPILED = {"isclose": ("rtol", "atol", "equal_nan"),
            "allclose": ("rtol", "atol", "equal_nan"),
            # (each of a few to twenty small ops, whose checks read shapes and static
            # arguments only: 30-350 us eagerly at 32x32, against jnp's 4-40; interp's
            # lerp keeps its product apart (backends._common.apart), which XLA's CPU compiler
            # would fuse into a multiply-add; not digitize, whose check of the bins' values
            # would not run compiled, nor the quantiles, whose Python q would be static:
            # their common call has its own form, below)
            **dict.fromkeys(("cross", "diag", "nan_to_num", "median", "heaviside",
                             "trapezoid", "append", "kron", "vdot", "inner", "deg2rad",
                             "rad2deg", "exp2", "cumprod", "diagonal", "trace", "ravel",
                             "angle", "interp"), None)}


# -- cumsum, cumprod: their common calls -----------------------------------------------------

@partial
def cumsum(a, axis=None, dtype=None):
    """The generic's call of cumulative_sum (x flattened without an axis), made here without
    the op's dispatch (floating x: jax's cumsum, the same kernel); float16/bfloat16 (summed
    in float32) and a bad axis take the generic."""
    if (dtype is None and type(axis) is int and isinstance(a, jax.Array)
            and a.dtype in _OWN_SUM and -(n := a.ndim) <= axis < n):
        # the common call (a float array, an int axis in range), checked first and in the
        # cheapest order (issue 19): jax's cumsum, as below
        return jnp.cumsum(a, axis)
    x = a
    if not isinstance(x, jax.Array) or x.dtype in _HALF:
        return NotImplemented
    if axis is None:  # NumPy flattens
        x, axis = jnp.reshape(x, (-1,)), 0
    elif type(axis) is not int or not -x.ndim <= axis < x.ndim:
        return NotImplemented
    if x.dtype in _OWN_SUM and (dtype is None or dtype == x.dtype):
        # jax's cumsum: the same lax.cumsum, compiled (cumulative_sum runs eagerly, twice
        # the time; it differs only in widening small integers)
        return jnp.cumsum(x, axis=axis)
    return jnp.cumulative_sum(x, axis=axis, dtype=dtype)


@partial
def cumprod(a, axis=None, dtype=None):
    """jax's cumprod (lax.cumprod, the kernel cumulative_prod runs) of a float32/64 or
    complex array along an int axis in range, without the generic's compiled program
    around it; other calls take the generic form."""
    if (dtype is None and type(axis) is int and isinstance(a, jax.Array)
            and a.dtype in _OWN_SUM and -(n := a.ndim) <= axis < n):
        return jnp.cumprod(a, axis)
    return NotImplemented


# -- nansum, nanmean: jax's own at their common calls -----------------------------------------
# (the generic forms run crossops's ops eagerly, one program each: 15-21x jnp's at 32x32)

@partial
def nansum(a, axis=None, dtype=None, keepdims=False, initial=None, where=True):
    """``jnp.nansum`` of a float32/64 array along all axes or an int axis in range (one
    compiled program); other calls take the generic form."""
    if not shared.common_nan_reduction(a, axis, dtype, keepdims, where, initial, jax.Array,
                                       _FULL_FLOATS):
        return NotImplemented
    return jnp.nansum(a, axis=axis, keepdims=keepdims)


@partial
def nanmean(a, axis=None, dtype=None, keepdims=False, *, where=True):
    """``jnp.nanmean`` (NaN where a slice holds only NaN, as NumPy's) of a float32/64
    array along all axes or an int axis in range; other calls take the generic form."""
    if not shared.common_nan_reduction(a, axis, dtype, keepdims, where, None, jax.Array,
                                       _FULL_FLOATS):
        return NotImplemented
    return jnp.nanmean(a, axis=axis, keepdims=keepdims)


_FULL_FLOATS = frozenset(_F32_F64)
#: dtypes a running sum or product keeps (no integer to widen)
_OWN_SUM = frozenset(map(jnp.dtype, ("float32", "float64", "complex64", "complex128")))


# -- unique: jax's own of integers -------------------------------------------------------------
# (the generic form sorts, compares and gathers eagerly, one program each: ~4x jnp.unique)

@partial
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None, *, equal_nan=True):
    """``jnp.unique`` (sorted, flattened) of a concrete integer or bool array alone;
    other calls (floats, whose zeros and NaN the generic form orders as NumPy, tracers,
    whose size is unknown) take the generic form."""
    if not shared.unique_alone(x, sorted, return_index, return_inverse, return_counts, axis,
                               size, equal_nan, _CONCRETE, _COUNTED):
        return NotImplemented
    return jnp.unique(x)


#: the integer and bool dtypes
_COUNTED = frozenset(np.dtype(d) for d in "?bhilqBHILQ")


# -- digitize: jax's search of rising bins --------------------------------------------------
# (the generic form checks the bins both ways and searches twice, eagerly: ~50x
# jnp.digitize; under jax.jit, where the bins' values are unknown, it runs compiled)

@partial
def digitize(x, bins, right=False):
    """jax's ``searchsorted`` of ``x`` in rising 1-d ``bins`` of its real dtype, read on
    the host (concrete arrays: the generic's call for them, NaN past the last bin as
    NumPy); other calls (decreasing bins, two dtypes, tracers) take the generic form."""
    if not (shared.common_digitize(x, bins, right, _CONCRETE, _SEARCHED)
            and shared.rising_bins(np.asarray(bins))):
        return NotImplemented
    return searchsorted(bins, x, side="left" if right else "right")


#: the type of concrete jax arrays (not tracers)
_CONCRETE = type(jnp.zeros(()))
#: the real dtypes (bfloat16 too: ml_dtypes's, which NumPy compares)
_SEARCHED = frozenset(np.dtype(d) for d in (*"bhilqBHILQefd", DTYPES["bfloat16"]))


# -- cross: NumPy's products and differences -------------------------------------------------

@partial
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """NumPy's cross product of float32/64 3-vectors along the last axes of two arrays of
    one dtype, in linalg.cross's compiled program (each product kept apart from its
    difference); other calls take the generic form, compiled (``COMPILED``)."""
    if (axisa != -1 or axisb != -1 or axisc != -1 or axis is not None
            or not crossed_floats(a, b)):
        return NotImplemented
    return products_apart(a, b)


# -- quantile, percentile: linear, by one sort --------------------------------------------
# (the generic form runs ~30 of crossops's ops eagerly: ~100x jnp.quantile at 32x32; it is
# not compiled whole, as a Python q would then be static, one program per value)

def _linear_quantile(a, q, axis, keepdims):
    """NumPy's linear quantile ``q`` (a fraction, or None: another call) of a float32/64
    array along an int axis or all of them: the generic form's values by one sort,
    compiled (one program per shape, axis and side of the lerp: the index and weight are
    arguments), the weight from the host (:func:`.._numpy_ops.linear_quantile_step`);
    other calls (methods, q lists or arrays, weights, float16) take the generic form."""
    if (q is None or not isinstance(a, jax.Array) or a.dtype not in _FULL_FLOATS
            or type(keepdims) is not bool):
        return NotImplemented
    if axis is None:
        n = a.size
    elif type(axis) is int and -a.ndim <= axis < a.ndim:
        n = a.shape[axis]
    else:
        return NotImplemented
    if not n:
        return NotImplemented
    lo, _, weight, upper = shared.linear_quantile_step(q, n, np.dtype(a.dtype).type)
    return _lerp_sorted(a, lo, 0.0 if weight is None else weight, axis=axis,
                        keepdims=keepdims, upper=weight is not None and upper,
                        element=weight is None)


quantile, percentile = shared.one_sort_quantiles(_linear_quantile)


def _lerp_sorted_eager(a, lo, weight, axis, keepdims, upper, element):
    """The compiled step of :func:`quantile`: ``a`` sorted along ``axis`` (NaN last), its
    elements ``lo`` and the one after it (but past the end: the last; ``lo`` and
    ``weight`` traced, one program for every q) and NumPy's lerp between them, NaN where
    the slice holds one. The lerp's product is kept its own
    rounding (:func:`.._common.apart`): XLA's CPU compiler would fuse it into the sum."""
    x, dim = (a.reshape(-1), 0) if axis is None else (a, axis)
    ordered = jnp.sort(x, axis=dim)
    low = jax.lax.dynamic_index_in_dim(ordered, lo, dim)
    if element:
        out = low
    else:
        hi = jnp.minimum(lo + 1, ordered.shape[dim] - 1)
        high = jax.lax.dynamic_index_in_dim(ordered, hi, dim)
        diff = high - low
        step = apart(jnp, diff, weight.astype(diff.dtype))
        out = high - step if upper else low + step
    last = jax.lax.index_in_dim(ordered, -1, dim)
    out = jnp.where(jnp.isnan(last), last, out)
    if axis is None:
        return out.reshape((1,) * a.ndim if keepdims else ())
    return out if keepdims else out.squeeze(dim)


_lerp_sorted = jitted_hashable(_lerp_sorted_eager, ("axis", "keepdims", "upper", "element"))


# -- isclose: jax's own ---------------------------------------------------------------------

@partial
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``jnp.isclose`` of two real floating arrays of one dtype (NumPy's test in that
    dtype, one compiled program; from the front at the defaults: ``AT_DEFAULTS``); other
    calls take the generic form, compiled (``COMPILED``)."""
    if not shared.common_isclose(a, b, rtol, atol, equal_nan, jax.Array, CLOSE_DTYPES):
        return NotImplemented
    return jnp.isclose(a, b, rtol, atol, equal_nan)


@partial
def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``jnp.allclose`` (:func:`isclose`'s test and its ``all``, one compiled program) of
    two real floating arrays of one dtype; other calls take the generic form, compiled."""
    if not shared.common_isclose(a, b, rtol, atol, equal_nan, jax.Array, CLOSE_DTYPES):
        return NotImplemented
    if rtol == 1e-05 and atol == 1e-08 and not equal_nan:  # (jnp's defaults: no number
        return jnp.allclose(a, b)  # made a device array, ~1.2 us each)
    return jnp.allclose(a, b, rtol, atol, equal_nan)


#: the dtypes whose isclose jnp.isclose computes as the generic form does (in their own)
CLOSE_DTYPES = frozenset(map(jnp.dtype, ("float16", "bfloat16", "float32", "float64")))


# -- astype: one copy -------------------------------------------------------------------------

def astype(x, dtype, /, *, copy=True, device=None):
    """jax.numpy.astype, copying only where the cast itself makes none (x already has the
    dtype): ``copy=True`` would copy the cast's new array again (a second dispatch)."""
    return jnp.astype(x, dtype, copy=copy and x.dtype == dtype, device=device)


# -- repeat: bool counts ----------------------------------------------------------------------

def repeat(x, repeats, /, *, axis=None):
    """jax.numpy.repeat, with bool counts taken as NumPy's 0 and 1 (jax scatters them into
    a bool array, which it warns will become an error)."""
    if isinstance(repeats, jax.Array) and repeats.dtype == jnp.bool_:
        repeats = repeats.astype(jnp.int32)
    return jnp.repeat(x, repeats, axis=axis)


# -- tril, triu: NumPy's 1-d form -------------------------------------------------------------

def tril(x, /, *, k=0):
    """jax.numpy.tril; a 1-d x as NumPy's: its rows repeated into a square, masked."""
    return jnp.tril(jnp.broadcast_to(x, (x.shape[0],) * 2) if x.ndim == 1 else x, k=k)


def triu(x, /, *, k=0):
    """jax.numpy.triu; a 1-d x as NumPy's: its rows repeated into a square, masked."""
    return jnp.triu(jnp.broadcast_to(x, (x.shape[0],) * 2) if x.ndim == 1 else x, k=k)


# -- take_along_axis: NumPy's error for indices that are no integers -------------------------

def take_along_axis(x, indices, /, *, axis=-1):
    """jax.numpy.take_along_axis (out-of-range indices filled), with NumPy's IndexError
    for indices of a bool or float dtype (jax's is a TypeError: the indices' dtype is read
    only then, not on every call)."""
    try:
        return NAMESPACE.take_along_axis(x, indices, axis=axis)
    except TypeError:
        if indices.dtype.kind not in "iu":  # (a NumPy dtype's kind: no name made)
            check_integer_indices("take_along_axis", dtype_name(indices.dtype))
        raise


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
    if sparse:  # a BCOO of the counts (backends/jax/sparse.py)
        from .sparse import bincount as sparse_bincount
        return sparse_bincount(x, weights, minlength, sparse)
    minlength = shared.check_bincount(x, minlength, sparse)
    x = x.astype(DTYPES[default_dtypes()[0]])
    n = x.size
    if n and bool(jnp.any(x < 0)):
        raise shared.negative_bins()
    length = max(int(jnp.max(x)) + 1 if n else 0, minlength)
    shared.check_weights(x, weights)
    if x.ndim == 2:  # Keras's batched form: row i counted in bins [i * length, (i + 1) * length)
        rows = x.shape[0]
        flat = (x + jnp.arange(rows, dtype=x.dtype)[:, None] * length).reshape(-1)
        w = None if weights is None else weights.reshape(-1)
        return bin_sums(flat, w, rows * length).reshape(rows, length)
    return bin_sums(x, weights, length)


# -- found by name by crossops.numpy's generic functions (the other backends have none) ------

def wide_dtypes() -> tuple[str, str, str]:
    """NumPy's (int64, float64, complex128) as jax gives them: its default dtypes, 32-bit
    unless jax's x64 setting is on (crossops follows that setting rather than warn on
    every call). A backend without this function keeps the 64-bit dtypes."""
    return default_dtypes()


def native_vectorize(pyfunc, excluded, signature):
    """``vectorize``'s function as ``jax.numpy.vectorize`` makes it (batched with
    ``jax.vmap``, so it compiles); the other backends loop, or batch, in the generic."""
    return jnp.vectorize(pyfunc, excluded=set(excluded), signature=signature)


def quantile_list(q, like):
    """``quantile``'s ``q`` given as a list: an array in jax's default dtype, which the
    caller casts to ``like``'s (a backend without this function makes it in ``like``'s
    dtype straight away)."""
    return jnp.asarray(q)


def qr_raw(x):
    """NumPy's ``linalg.qr(x, mode='raw')``: LAPACK geqrf's ``(h, tau)``, h transposed
    (``jax.numpy.linalg.qr``'s raw mode; ``x`` floating or complex, at least 2-d)."""
    h, tau = jnp.linalg.qr(x, mode="raw")
    return h, tau


# -- outer: one compiled call -------------------------------------------------------------------

@partial
def outer(a, b, out=None):
    """jax.numpy.outer (compiled: both inputs flattened, promoted by jax's lattice, which is
    crossops's table; complex not conjugated), for two arrays and no ``out``; Python values
    (weak scalars, lists) and ``out=`` take the generic."""
    if out is None and isinstance(a, jax.Array) and isinstance(b, jax.Array):
        return jnp.outer(a, b)
    return NotImplemented


# -- swapaxes: jax's, with the op's axis errors -------------------------------------------------

def swapaxes(a, axis1, axis2):
    """jax.numpy.swapaxes (compiled), with each axis checked as the op checks it (an int
    in range: the op's axis error, naming ``axis1`` or ``axis2``; a bool is no axis)."""
    n = a.ndim
    if not (type(axis1) is int and -n <= axis1 < n):
        axis1 = normalize_axis(axis1, n, "swapaxes", "axis1")
    if not (type(axis2) is int and -n <= axis2 < n):
        axis2 = normalize_axis(axis2, n, "swapaxes", "axis2")
    return jnp.swapaxes(a, axis1, axis2)


# -- pad: its constant mode ---------------------------------------------------------------------

def _padded(x, fill, widths):
    return jax.lax.pad(x, jnp.asarray(fill, x.dtype), [(b, a, 0) for b, a in widths])


# one program per shape and widths (the fill a traced number: 0.0 and -0.0 are equal keys)
_padded_compiled = jitted_hashable(_padded, ("widths",))


@partial
def pad(array, pad_width, mode="constant", constant_values=None):
    """``lax.pad`` in constant mode, compiled (where the generic concatenates two fills
    per axis, op by op: ~70 us at 32x32), of a floating or integer array by 0 or a Python
    number its dtype holds as it is (an int for integers); NumPy's widths checked by the
    generic's rules; other modes, dtypes and values take the generic."""
    value = 0 if constant_values is None else constant_values
    dtype = array.dtype
    floating = jnp.issubdtype(dtype, jnp.floating)
    if (mode != "constant" or array.ndim == 0
            or not (floating or jnp.issubdtype(dtype, jnp.integer))
            or not (type(value) is int or (type(value) is float and floating))):
        return NotImplemented
    if not floating:
        try:
            np.asarray(value, dtype)
        except OverflowError:  # (a value the dtype cannot hold: the generic's)
            return NotImplemented
    return _padded_compiled(array, value, tuple(shared.pad_widths(pad_width, array.ndim)))


# -- transpose: lax.transpose ------------------------------------------------------------------

@partial
def transpose(a, axes=None):
    """``lax.transpose`` of the axes (reversed by default; negative ones counted from the
    end), which ``jnp.transpose`` calls after ~2 us of its own checks: a tuple or list of
    ints only; axes that are no permutation of x's (repeated, out of range, too few) take
    the generic, which names the error."""
    n = a.ndim
    if axes is None:
        return jax.lax.transpose(a, tuple(range(n - 1, -1, -1)))
    if type(axes) is not tuple and type(axes) is not list:
        return NotImplemented
    perm = []
    for k in axes:
        if type(k) is not int:  # (a bool is no axis; NumPy's ints take the generic)
            return NotImplemented
        perm.append(k + n if k < 0 else k)
    if sorted(perm) != list(range(n)):
        return NotImplemented
    return jax.lax.transpose(a, perm)


# -- split, array_split: the pieces as one compiled program ------------------------------------

def _pieces(x, bounds, axis):
    """The slices ``bounds`` of ``x`` along ``axis``."""
    return tuple(jax.lax.slice_in_dim(x, lo, hi, axis=axis) for lo, hi in bounds)


_pieces_compiled = jitted_hashable(_pieces, ("bounds", "axis"))


def _split(x, indices_or_sections, axis, equal: bool, op: str) -> list:
    n = x.ndim
    if not (type(axis) is int and -n <= axis < n):
        axis = normalize_axis(axis, n, op)
    axis %= n
    bounds = tuple(shared.split_points(x.shape[axis], indices_or_sections, equal))
    return list(_pieces_compiled(x, bounds, axis))


def split(ary, indices_or_sections, axis=0):
    """NumPy's split (the generic's pieces, found on the host) as one compiled program of
    slices (eager jax runs each slice as its own program)."""
    return _split(ary, indices_or_sections, axis, True, "split")


def array_split(ary, indices_or_sections, axis=0):
    """:func:`split`, with sections of unequal length allowed (the first ones one longer)."""
    return _split(ary, indices_or_sections, axis, False, "array_split")
