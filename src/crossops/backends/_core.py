"""Argument checks of crossops.core's ops that every backend's ``core`` chapter shares
(plain Python on shapes and dtype names, no framework), so that each backend checks a call
as the others do and raises the same errors: ``slice``, ``slice_update``, ``scatter``,
``scatter_update`` (start indices, sizes, reductions), ``unstack`` (its axis) and
``saturate_cast`` (the limits each pair of dtypes clips to); and NumPy's argument forms that
the frameworks lack, read once for every backend (``tile``'s bare int, ``take_along_axis``'s
``axis=None``).

Shared rules of the indexing ops (Keras is silent on them; these follow ``jax.lax``):

- start indices are clamped so that the slice (or the update) lies inside ``inputs``, as
  ``jax.lax.dynamic_slice`` and ``dynamic_update_slice`` do; they may be Python ints, a
  list of them, or an integer array of shape ``(inputs.ndim,)`` (traced under a compiler);
- a ``-1`` in ``slice``'s shape takes the rest of that axis (it needs concrete start
  indices);
- ``slice_update`` and ``scatter_update`` cast ``updates`` to the dtype of ``inputs``;
- ``scatter`` adds the values of repeated indices; ``scatter_update`` with
  ``reduction=None`` and repeated indices keeps one of them (which one is up to the
  backend); indices must lie inside the shape.

Examples
--------
>>> from crossops.backends._core import saturation_limits
>>> saturation_limits("int16", "int8")
(-128, 127)
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import ml_dtypes
import numpy as np

from .._dtypes import CATEGORIES, kind

try:  # inside_slices's check and the indexing in one C call (the C fronts' module)
    from .._fastpath import window, window_update
except ImportError:  # (no C extension: no fronts either, which alone call them)
    window = window_update = None

_REDUCTIONS = (None, "add", "max", "min", "mul")


# ----------------------------------------------------------------------------- argument checks


def is_concrete(v) -> bool:
    return isinstance(v, (int, np.integer))


def starts_of(op: str, inputs, start_indices) -> list:
    """The start indices as a list of ``inputs.ndim`` scalars (ints or 0-d arrays)."""
    ndim = len(inputs.shape)
    if hasattr(start_indices, "shape"):  # an array
        if tuple(start_indices.shape) != (ndim,):
            raise ValueError(f"{op}: start_indices must have shape ({ndim},) for inputs of "
                             f"{ndim} dimensions, got shape {tuple(start_indices.shape)}")
        if isinstance(start_indices, np.ndarray):
            return [int(s) for s in start_indices.tolist()]
        return [start_indices[i] for i in range(ndim)]
    starts = list(start_indices)
    if len(starts) != ndim:
        raise ValueError(f"{op}: start_indices has {len(starts)} entries but inputs has "
                         f"{ndim} dimensions; give one start per dimension")
    return [int(s) if is_concrete(s) else s for s in starts]


def window_defaults(plain: dict, copy: Callable) -> dict:
    """``plain`` (a backend's ``AT_DEFAULTS``) with the common calls of ``core.slice`` and
    ``core.slice_update``, the ones :func:`inside_slices` takes, by
    ``crossops._fastpath.window`` and ``window_update`` where it is built: the window's
    indexing straight from the C front (a backend whose arrays index by Python slices:
    NumPy's, torch's), and for ``slice_update`` its write into ``copy(inputs)``."""
    if window is None:
        return plain
    return {**plain, "core.slice": window,
            "core.slice_update": functools.partial(window_update, copy)}


def inside_slices(inputs, start_indices, shape) -> tuple | None:
    """The common ``slice`` call, checked in one pass: where ``start_indices`` and
    ``shape`` are tuples or lists of Python ints, one per axis, whose window lies inside
    ``inputs`` (no clamping, no ``-1``), the tuple of Python slices that indexes it; else
    None (the full checks of :func:`starts_of` and :func:`slice_sizes` follow)."""
    dims = inputs.shape
    if type(start_indices) not in (tuple, list) or type(shape) not in (tuple, list) \
            or len(start_indices) != len(dims) or len(shape) != len(dims):
        return None
    out = []
    for s, n, d in zip(start_indices, shape, dims):
        if type(s) is not int or type(n) is not int or s < 0 or n < 0 or s + n > d:
            return None
        out.append(slice(s, s + n))
    return tuple(out)


def slice_sizes(inputs, starts, shape) -> list[int]:
    dims = [int(d) for d in inputs.shape]
    shape = list(shape)
    if len(shape) != len(dims):
        raise ValueError(f"core.slice: shape {tuple(shape)} has {len(shape)} entries but "
                         f"inputs has {len(dims)} dimensions; give one size per dimension")
    out = []
    for d, s, n in zip(dims, starts, shape):
        n = int(n)
        if n == -1:
            if not is_concrete(s):
                raise ValueError("core.slice: a -1 in shape needs concrete (Python int) start "
                                 "indices; give the size instead")
            n = d - min(max(s, 0), d)
        if not 0 <= n <= d:
            raise ValueError(f"core.slice: size {n} does not fit an axis of length {d} "
                             f"(inputs shape {tuple(dims)}, slice shape {tuple(shape)})")
        out.append(n)
    return out


def clamped(starts, dims, sizes, clip) -> list:
    """Python ints clamped in Python, array starts with ``clip(s, lo, hi)``."""
    return [min(max(s, 0), d - n) if is_concrete(s) else clip(s, 0, d - n)
            for s, d, n in zip(starts, dims, sizes)]


def update_sizes(op, inputs, updates) -> list[int]:
    dims = [int(d) for d in inputs.shape]
    sizes = [int(d) for d in updates.shape]
    if len(sizes) != len(dims) or any(n > d for n, d in zip(sizes, dims)):
        raise ValueError(f"{op}: updates of shape {tuple(sizes)} do not fit inputs of shape "
                         f"{tuple(dims)}; updates need the rank of inputs and no larger axes")
    return sizes


def reduction_of(reduction):
    r = reduction.lower() if isinstance(reduction, str) else reduction
    if r not in _REDUCTIONS:
        raise ValueError(f"core.scatter_update: unknown reduction {reduction!r}; use None, 'add', "
                         f"'max', 'min' or 'mul'")
    return r


def check_scatter_shapes(op, indices, values, shape):
    shape = tuple(int(d) for d in shape)
    ishape = tuple(int(d) for d in indices.shape)
    if not ishape or ishape[-1] > len(shape):
        raise ValueError(f"{op}: indices of shape {ishape} cannot index an array of shape "
                         f"{shape}; their last axis holds one index per leading dimension")
    want = ishape[:-1] + shape[ishape[-1]:]
    got = tuple(int(d) for d in values.shape)
    if got != want:
        raise ValueError(f"{op}: values of shape {got} do not match indices of shape {ishape} "
                         f"for an array of shape {shape}; expected {want}")
    return shape


# --------------------------------------------------------------------- NumPy's argument forms


def tile_repetitions(repetitions) -> tuple:
    """``tile``'s repetitions as a tuple, as NumPy reads them: a bare int (or a 0-d integer
    array) ``n`` is ``(n,)``; a sequence or a 1-d array gives one count per axis. Python and
    NumPy integers become ints; other entries (a traced size) are left to the backend.

    Raises
    ------
    ValueError
        For a negative count, as NumPy.

    Examples
    --------
    >>> tile_repetitions(2), tile_repetitions([2, np.int64(3)])
    ((2,), (2, 3))
    """
    if isinstance(repetitions, (int, np.integer)) or getattr(repetitions, "ndim", None) == 0:
        repetitions = (repetitions,)
    reps = tuple(int(r) if isinstance(r, (int, np.integer)) else r for r in repetitions)
    for r in reps:
        if isinstance(r, int) and r < 0:
            raise ValueError(f"tile: repetitions {reps} has a negative count; counts must be "
                             f"non-negative (0 gives an empty axis)")
    return reps


def check_flat_indices(op: str, indices) -> None:
    """With ``axis=None``, ``take_along_axis`` takes ``x`` flattened, as NumPy: its indices
    must then be 1-d.

    Raises
    ------
    ValueError
        For indices of another number of dimensions, as NumPy.
    """
    ndim = len(indices.shape)
    if ndim != 1:
        raise ValueError(f"{op}: with axis=None x is taken flattened and indices must be 1-d, "
                         f"got indices of shape {tuple(indices.shape)}; reshape them to "
                         f"(-1,) or give an axis")


def check_integer_indices(op: str, name: str) -> None:
    """``take_along_axis``'s indices must be integers (NumPy's IndexError for the dtype
    ``name`` of any other, bool included; the frameworks raise TypeError, or take them).

    Raises
    ------
    IndexError
        For indices of a bool, float or complex dtype, as NumPy.
    """
    if name == "bool" or not name.startswith(("int", "uint")):
        raise IndexError(f"{op}: indices must be an integer array, got dtype {name}; cast "
                         f"them first, e.g. astype(indices, 'int64')")


# ----------------------------------------------------------------------------- unstack


def unstack_axis(x, num, axis):
    ndim = len(x.shape)
    if ndim == 0:
        raise ValueError("core.unstack: x is 0-d; it needs an axis to unstack along")
    if type(axis) is not int and (isinstance(axis, bool) or not hasattr(axis, "__index__")):
        raise TypeError(f"core.unstack: axis must be an int, got {axis!r}")  # as Keras
    if not -ndim <= axis < ndim:
        raise ValueError(f"core.unstack: axis {axis} is out of range for an array of {ndim} "
                         f"dimensions")
    axis %= ndim
    n = x.shape[axis]
    if n is None and num is None:
        raise ValueError(f"core.unstack: the length of axis {axis} is unknown; pass num")
    if num is not None and n is not None and int(num) != int(n):
        raise ValueError(f"core.unstack: num={num} but axis {axis} has length {n}")
    return axis


# ----------------------------------------------------------------------------- saturate_cast


def _np_dtype(name: str) -> np.dtype:
    if name == "bfloat16" or name.startswith("float8"):  # ml_dtypes's
        return np.dtype(getattr(ml_dtypes, name))
    return np.dtype(name)


def _range(name: str) -> tuple:
    """The smallest and largest finite values of a dtype (Python numbers)."""
    k = kind(name)
    if k == "b":
        return 0, 1
    if k in "iu":
        info = np.iinfo(name)
        return int(info.min), int(info.max)
    info = ml_dtypes.finfo(_np_dtype(name))
    return float(info.min), float(info.max)


def _toward_zero(value, name: str):
    """``value`` rounded to the float dtype ``name``, stepped toward zero if rounding took
    it beyond ``value`` (so that it stays inside the target range)."""
    dt = _np_dtype(name)
    v = np.asarray(float(value), np.float64).astype(dt)
    if abs(float(v)) > abs(value):  # also catches inf: step by one unit in the last place
        bits = {2: np.uint16, 4: np.uint32, 8: np.uint64}[dt.itemsize]
        v = (v.reshape(1).view(bits) - bits(1)).view(dt)[0]
    return float(v)


def saturation_limits(in_name: str, out_name: str):
    """``(low, high)`` (Python numbers, exact in ``in_name``) that ``saturate_cast`` clips
    to, or None when every value of ``in_name`` already fits ``out_name``."""
    if kind(in_name) == "b":
        return None
    lo_in, hi_in = _range(in_name)
    lo_out, hi_out = _range(out_name)
    if kind(in_name) in "iu":
        lo = max(lo_in, int(np.ceil(lo_out)))
        hi = min(hi_in, int(np.floor(hi_out)))
    else:
        lo = _toward_zero(lo_out, in_name) if lo_out > lo_in else lo_in
        hi = _toward_zero(hi_out, in_name) if hi_out < hi_in else hi_in
    if lo <= lo_in and hi >= hi_in and kind(in_name) in "iu":
        return None  # every integer fits: nothing to clip
    return lo, hi


# every pair's limits, computed once (ml_dtypes' finfo does not trace under torch.compile)
_REAL = CATEGORIES["real_or_bool"]
LIMITS = {(a, b): saturation_limits(a, b) for a in _REAL for b in _REAL}


def saturate_limits(in_name: str, out_name: str):
    """``(low, high)`` that ``saturate_cast`` from ``in_name`` to ``out_name`` clips to, or
    None where nothing needs clipping.

    Raises
    ------
    TypeError
        For a complex dtype, which has no range to saturate to.
    """
    if kind(in_name) == "c" or kind(out_name) == "c":
        raise TypeError(f"core.saturate_cast: complex dtypes have no range to saturate to (got "
                        f"{in_name} -> {out_name}); use cast")
    try:
        return LIMITS[in_name, out_name]
    except KeyError:  # a float8 dtype: its limits now (ml_dtypes' finfo)
        return saturation_limits(in_name, out_name)
