"""NumPy's functions of crossops.numpy that adapt NumPy's own to crossops's rules, found
by op name (``backends/numpy/numpy.py``): ``i0`` (float16 and bfloat16 computed in
float32, integers in float64), ``view``, ``einsum`` (operands promoted with crossops's
table; bfloat16, which has no einsum loops, in float32 rounded once) and ``bincount``
(integer weights summed exactly), and ``bin_sums``, the counting step that other ops
share; and NumPy's own at the common calls of ``concatenate``, ``cumsum``, ``median``,
the quantile family, ``unique``, ``interp``, ``cross``, ``digitize`` (rising bins),
``bincount``, ``isclose`` and ``argwhere``. Dtype and shape rules and argument checks:
:mod:`crossops.backends._numpy_ops`.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from ..._dtypes import dtype_name
from .. import _numpy_ops as shared
from .._common import partial
from . import CLOSE_DTYPES, DOT_DTYPES, DTYPES, _private

# -- concatenate, cumsum: their common calls -------------------------------------------------
# The generic forms (crossops.numpy._keras) call concat and cumulative_sum through their ops,
# about 2 us more than np.concatenate and np.cumsum; these give those same calls straight away
# and leave every other one (promotion across dtypes, 0-d or empty 1-d arrays, dtype=,
# a bad axis, which the ops check) to the generic.

@partial
def concatenate(arrays, /, axis=0, *, dtype=None, casting="same_kind"):
    if not shared.common_concatenate(arrays, axis, dtype, casting, np.ndarray):
        return NotImplemented
    return np.concatenate(arrays, axis)


#: dtypes whose running sum np.cumsum computes as crossops does (in their own dtype)
_CUMSUM_OWN = frozenset(map(np.dtype, (np.float32, np.float64, np.int64)))


@partial
def cumsum(a, axis=None, dtype=None):
    if not shared.common_cumsum(a, axis, dtype, np.ndarray, _CUMSUM_OWN):
        return NotImplemented
    return np.cumsum(a.reshape(-1), 0) if axis is None else np.cumsum(a, axis)


# -- median: NumPy's own ---------------------------------------------------------------------
# (the generic form sorts and picks through crossops's ops, ~6x np.median at 32x32)

@partial
def median(a, axis=None, overwrite_input=False, keepdims=False):
    """``np.median`` (never overwriting ``a``) of a bool, integer or float16/32/64 array
    (bfloat16, ml_dtypes's, and complex take the generic form)."""
    if a.dtype not in _MEDIAN_DTYPES:
        return NotImplemented
    return np.median(a, axis=axis, keepdims=keepdims)


_MEDIAN_DTYPES = frozenset(np.dtype(d) for d in "?bhilqBHILQefd")


# -- quantile, nanquantile, percentile, nanpercentile: NumPy's own ------------------------------
# (the generic forms sort and pick through crossops's ops, 2.7x np.quantile at 32x32, and
# give what NumPy gives, method by method)

def _numpys_quantile(f):
    """The backend function of ``f`` (``np.quantile``, ...): ``f`` itself for a float16/32/64
    array without weights and q a number, a list or tuple, or an ndarray; a call NumPy
    raises for, and every other one, takes the generic form (which raises the op's error:
    q out of range, a bad method or axis)."""
    @partial
    def quantile_form(a, q, axis=None, overwrite_input=False, method="linear",
                      keepdims=False, *, weights=None):
        if (type(a) is not np.ndarray or a.dtype not in _FLOATS or weights is not None
                or type(q) not in _QUANTILES):
            return NotImplemented
        try:
            return f(a, q, axis=axis, method=method, keepdims=keepdims)
        except ValueError:
            return NotImplemented

    quantile_form.__name__ = quantile_form.__qualname__ = f.__name__
    return quantile_form


_FLOATS = frozenset(map(np.dtype, (np.float16, np.float32, np.float64)))
_QUANTILES = frozenset({int, float, list, tuple, np.ndarray})
quantile = _numpys_quantile(np.quantile)
nanquantile = _numpys_quantile(np.nanquantile)
percentile = _numpys_quantile(np.percentile)
nanpercentile = _numpys_quantile(np.nanpercentile)


# -- unique, interp, cross, bincount: NumPy's own at their common calls -----------------------
# (the generic forms run crossops's ops: 11-39x NumPy's at 32 elements)

@partial
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None, *, equal_nan=True):
    """``np.unique`` of an array alone (sorted, flattened; NaNs as one value, or each its
    own with ``equal_nan=False``, keras.ops's); calls with any other argument take the
    generic form."""
    if (type(x) is not np.ndarray or not shared.unique_alone(
            x, sorted, return_index, return_inverse, return_counts, axis, size, equal_nan,
            np.ndarray)):
        return NotImplemented
    return np.unique(x, equal_nan=equal_nan)


@partial
def interp(x, xp, fp, left=None, right=None, period=None):
    """``np.interp`` of three real arrays (float64, as NumPy's); a call NumPy refuses (xp
    and fp of two lengths), or with ``left``, ``right`` or ``period``, takes the generic
    form, which names the op in its error."""
    if (type(x) is not np.ndarray or type(xp) is not np.ndarray or type(fp) is not np.ndarray
            or left is not None or right is not None or period is not None
            or not {x.dtype.kind, xp.dtype.kind, fp.dtype.kind} <= _REAL_KINDS):
        return NotImplemented
    try:
        return np.interp(x, xp, fp)
    except ValueError:
        return NotImplemented


_REAL_KINDS = frozenset("iuf")


@partial
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """``np.cross`` of two arrays of 3-vectors along their last axes, of one real dtype;
    other calls (2-vectors, which NumPy 2 deprecates, other axes) take the generic form."""
    if (type(a) is not np.ndarray or type(b) is not np.ndarray or a.dtype != b.dtype
            or a.dtype.kind not in "iuf" or axisa != -1 or axisb != -1 or axisc != -1
            or axis is not None or not a.ndim or not b.ndim or a.shape[-1] != 3
            or b.shape[-1] != 3):
        return NotImplemented
    return np.cross(a, b)


# -- digitize: NumPy's search of rising bins ---------------------------------------------------
# (the generic form checks the bins both ways and searches twice, ~5x np.digitize)

@partial
def digitize(x, bins, right=False):
    """``np.searchsorted`` of ``x`` in rising 1-d ``bins`` of its real dtype (the generic's
    call for them); other calls (decreasing bins, two dtypes) take the generic form."""
    if not (shared.common_digitize(x, bins, right, np.ndarray, _REAL_NUMBERS)
            and shared.rising_bins(bins)):
        return NotImplemented
    return np.searchsorted(bins, x, side="left" if right else "right")


_REAL_NUMBERS = frozenset(np.dtype(d) for d in "bhilqBHILQefd")


# -- isclose: NumPy's own ---------------------------------------------------------------------
# (the generic form's ~12 ops cost ~1.7x np.isclose at 32x32)

@partial
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``np.isclose`` of two float16/32/64 arrays of one dtype (the front calls it itself
    at the defaults: ``AT_DEFAULTS``); other calls take the generic form."""
    if not shared.common_isclose(a, b, rtol, atol, equal_nan, np.ndarray, CLOSE_DTYPES):
        return NotImplemented
    return np.isclose(a, b, rtol, atol, equal_nan)


# -- outer: its common call -------------------------------------------------------------------
# The generic form (crossops.numpy._extra) reshapes, promotes and multiplies through
# crossops's ops; this makes np.outer's one call for two 1-d arrays of one dtype and leaves
# the others (two dtypes, which crossops's table promotes; more dimensions; out=) to it.

@partial
def argwhere(a):
    """``np.argwhere`` of an ndarray (the generic's nonzero and stack, in one call)."""
    if type(a) is not np.ndarray:
        return NotImplemented
    return np.argwhere(a)


@partial
def outer(a, b, out=None):
    if out is not None or a.dtype != b.dtype or a.ndim != 1 or b.ndim != 1:
        return NotImplemented
    return np.outer(a, b)


# -- transpose: its call with axes --------------------------------------------------------------
# The generic form (crossops.numpy._keras) checks the axes and permutes through the op
# permute_dims, ~1 us above np.transpose's one call (the front calls np.transpose itself
# for a call without axes: ``AT_DEFAULTS``); this makes that call for a tuple or list of
# axes and leaves the axes NumPy refuses (bools, repeated, out of range) to the generic, which
# names the error.

@partial
def transpose(a, axes=None):
    if type(a) is not np.ndarray or not (
            axes is None or type(axes) is tuple or type(axes) is list):
        return NotImplemented
    try:
        return np.transpose(a, axes)
    except (ValueError, TypeError):  # (NumPy's AxisError is a ValueError)
        return NotImplemented


# -- dot: NumPy's own, for arrays of one dtype ---------------------------------------------------

@partial
def dot(a, b):
    """np.dot of two arrays of one of :data:`DOT_DTYPES` (the C front calls it itself:
    ``AT_DEFAULTS``), its NumPy scalar for two vectors (BLAS's); other dtypes (which crossops's
    table promotes), and shapes that do not line up, take the generic, which names the
    error."""
    if type(a) is not np.ndarray or type(b) is not np.ndarray or a.dtype != b.dtype \
            or a.dtype not in DOT_DTYPES:
        return NotImplemented
    try:
        return np.dot(a, b)
    except ValueError:
        return NotImplemented


# -- i0 ---------------------------------------------------------------------------------------

def i0(x):
    x = np.asarray(x)
    work, out = shared.i0_dtypes(dtype_name(x.dtype), "float64")
    return np.asarray(np.i0(x.astype(DTYPES[work]))).astype(DTYPES[out])


# -- view -------------------------------------------------------------------------------------

def view(x, dtype=None):
    if dtype is None:
        return x.view()
    shared.view_shape(x.shape, dtype_name(x.dtype), dtype_name(dtype))
    return x.view(dtype)


# -- einsum -----------------------------------------------------------------------------------

#: NumPy's einsum at its default ``optimize=False``, which np.einsum calls as it is after
#: its dispatch (0.7 us of a 32x32 product's 9)
_c_einsum = _private.c_einsum


def einsum(subscripts, *operands, **kwargs):
    if not kwargs and type(subscripts) is str and "->" in subscripts and operands:
        # the common call: an explicit equation and ndarrays of one dtype (other than
        # bfloat16), which nothing promotes: NumPy's einsum as it is (an array: NumPy
        # gives a scalar for a 0-d result)
        d = getattr(operands[0], "dtype", _BF16)
        if d is not _BF16:
            for o in operands:
                if type(o) is not np.ndarray or o.dtype is not d:
                    break
            else:
                out = _c_einsum(subscripts, *operands)
                return out if type(out) is np.ndarray else np.asarray(out)
    eq, ops, r = shared.einsum_operands(subscripts, operands, np.asarray,
                                        lambda o, d: o.astype(d), DTYPES)
    if r == "bfloat16":  # ml_dtypes has no einsum loops: float32, rounded once
        out = np.einsum(eq, *(o.astype(np.float32) for o in ops), **kwargs)
        return np.asarray(out).astype(ml_dtypes.bfloat16)
    return np.asarray(np.einsum(eq, *ops, **kwargs))


_BF16 = np.dtype(ml_dtypes.bfloat16)


# -- bincount ---------------------------------------------------------------------------------

def bin_sums(x, w, length: int):
    """The counts of the values of ``x`` (int64), or the sums of ``w`` at them, in a result
    of ``length`` entries (``x`` 1-d int64 with values in ``[0, length)``, unchecked)."""
    if w is None:
        return np.bincount(x, minlength=length).astype(np.int64)
    if w.dtype.kind in "iu":  # exact, where NumPy's float64 accumulation would round
        out = np.zeros(length, w.dtype)
        np.add.at(out, x, w)
        return out
    return np.bincount(x, weights=w.astype(np.float64), minlength=length).astype(w.dtype)


def bincount(x, weights=None, minlength=0, sparse=False):
    if (weights is None and sparse is False and type(minlength) is int and minlength >= 0
            and type(x) is np.ndarray and x.ndim == 1 and x.dtype in _BINCOUNTED):
        try:  # (the common call: NumPy's own; a negative value raises the op's error below)
            return np.bincount(x, minlength=minlength)
        except ValueError:
            pass
    minlength = shared.check_bincount(x, minlength, sparse)
    x = x.astype(np.int64)
    n = x.size
    if n and bool(np.any(x < 0)):
        raise shared.negative_bins()
    length = max(int(np.max(x)) + 1 if n else 0, minlength)
    shared.check_weights(x, weights)
    if x.ndim == 2:  # Keras's batched form: row i counted in bins [i * length, (i + 1) * length)
        rows = x.shape[0]
        flat = (x + np.arange(rows, dtype=np.int64)[:, None] * length).reshape(-1)
        w = None if weights is None else weights.reshape(-1)
        return bin_sums(flat, w, rows * length).reshape(rows, length)
    return bin_sums(x, weights, length)


#: the integer dtypes NumPy counts as they are (int64 holds each value; not uint64)
_BINCOUNTED = frozenset(np.dtype(d) for d in "bhilqBHI")


def qr_raw(x):
    """NumPy's ``linalg.qr(x, mode='raw')``: LAPACK geqrf's ``(h, tau)``, h transposed
    (``x`` float32, float64, complex64 or complex128, at least 2-d)."""
    h, tau = np.linalg.qr(x, mode="raw")
    return h, tau
