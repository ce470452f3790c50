"""NumPy's parameters that crossops.numpy's functions take and the ops behind them lack.

crossops.numpy's functions take NumPy 2's signatures (``sum(a, axis=None, dtype=None,
keepdims=False, ...)``, ``var(a, ..., ddof=0)``), while an op of the spec has the array
API standard's or keras.ops's (``var(x, /, *, axis=None, correction=0.0, ...)``).
``scripts/gen_ops.py`` writes each such function with NumPy's parameters mapped onto the
op's (``spec/forms/numpy.toml``); where NumPy has a parameter the op lacks, one line of the
function calls the helper here that takes it. Each helper is written over crossops ops, so
it runs on every backend, eager and compiled.

Examples
--------
>>> import numpy as np, crossops.numpy as xnp
>>> x = np.array([[1.0, 2.0], [3.0, 5.0]])
>>> xnp.var(x, 0, ddof=1)
array([2. , 4.5])
>>> xnp.round(np.array([1.25, 2.675]), 1)
array([1.2, 2.7])
>>> xnp.where(np.array([0, 3, 0, 4]))
(array([1, 3]),)
"""

from __future__ import annotations

import enum
import math
import operator

import numpy as np

from .._accel import not_given_marker
from .._axes import normalize_axis
from .._backend import native_dtypes_where
from .._dtypes import is_inexact, is_not_bool
from .._host import host_constant
from .._typing import Array, ArrayLike, DTypeLike, Shape
from ._extra import CASTINGS as _CASTINGS
from ._extra import _no_out as no_out  # noqa: F401  (NumPy's out=, for the generated functions)
from ._extra import (
    bool_loop,  # noqa: F401  (the generated functions' bool_loop rule)
    check_ufunc_keywords,
    loop_on_backend,
    numpy_ufunc_loop,
    scalar_names,
    ufunc_inputs,
    ufunc_loop,
)
from ._keras import _backend, _wide_float
from ._namespace import numpy_namespace

#: NumPy's memory orders: crossops arrays have no layout to choose, so each is taken and
#: changes nothing
ORDERS = (None, "C", "F", "A", "K")
_SORT_KINDS = (None, "quicksort", "mergesort", "heapsort", "stable")
#: NumPy's kinds that sort stably
_STABLE_KINDS = frozenset({"stable", "mergesort"})


_xnp = numpy_namespace


class NoValue(enum.Enum):
    """NumPy's ``<no value>`` default (``numpy._NoValue``): an argument not given. A
    crossops.numpy function takes ``value``, what it stands for (``keepdims``'s False,
    ``where``'s True, None; an enum, which torch.compile takes as a constant), in its
    place; it equals ``value``, so that the function's C
    front takes calls by keyword as it takes the op's (whose default is ``value``). Given
    explicitly (NumPy's wrappers pass ``numpy._NoValue`` on), the call is not a C front's
    fast call: the generated function takes it and reads the value.

    Examples
    --------
    >>> import inspect, crossops.numpy as xnp
    >>> inspect.signature(xnp.sum).parameters["keepdims"].default
    <no value>
    """

    FALSE = False
    TRUE = True
    NONE = None

    def __repr__(self) -> str:
        return "<no value>"

    def __eq__(self, other) -> bool:
        return other is self or (type(other) is not NoValue and other is self.value)

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.value)

    def __bool__(self) -> bool:
        return bool(self.value)


not_given_marker(NoValue)  # (given explicitly: the generated function reads it)


def check_order(op: str, order) -> None:
    """Raise NumPy's ValueError for an ``order`` that is none of C, F, A or K.

    Examples
    --------
    >>> check_order("zeros", "X")
    Traceback (most recent call last):
    ...
    ValueError: zeros: order must be one of 'C', 'F', 'A' or 'K', got 'X'
    """
    if order not in ORDERS:
        raise ValueError(f"{op}: order must be one of 'C', 'F', 'A' or 'K', got {order!r}")


def integral(dtype) -> bool:
    """Whether ``dtype`` is a bool or integer dtype.

    Examples
    --------
    >>> integral("int32"), integral("float32")
    (True, False)
    """
    from .._dtypes import dtype_name

    name = dtype_name(dtype)
    return name == "bool" or name.startswith(("int", "uint"))


def integer_stat(stat: str, x: ArrayLike, dtype, *, axis, keepdims, where, correction=0,
                 mean=None) -> Array:
    """NumPy's ``mean``, ``var`` or ``std`` (``stat``, its name) with an integer or bool
    ``dtype``, as NumPy computes them: each sum in ``dtype`` (integers wrap), each division
    in floats cast back to ``dtype`` (toward zero); ``var``'s deviations from that truncated
    mean, squared in their own integer dtype; ``std`` the root of that truncated variance,
    cast back too.

    Examples
    --------
    >>> import numpy as np, crossops.numpy as xnp
    >>> integer_stat("mean", np.array([1, 2]), "int64", axis=None, keepdims=False,
    ...              where=True)
    array(1)
    >>> integer_stat("mean", np.array([100, 100, 100], np.int8), "int8", axis=None,
    ...              keepdims=False, where=True)
    array(14, dtype=int8)
    """
    if stat not in ("mean", "var", "std"):
        raise ValueError(f"integer_stat: stat must be 'mean', 'var' or 'std', got {stat!r}")
    xnp = _xnp()
    x = xnp.asarray(x)
    name = _name_of(dtype)
    wide = _wide_float(_backend(x))  # float64 (jax: float32 unless x64 is on)
    count = xnp.sum(xnp.ones_like(x, dtype=wide), axis=axis, keepdims=True, where=where)

    def divide(total, n):  # NumPy's true_divide into an integer out=: toward zero
        return xnp.astype(xnp.astype(total, wide) / n, name)

    total = xnp.sum(x, axis=axis, dtype=name, keepdims=True, where=where)
    if stat == "mean":
        out = divide(total, count)
    else:
        centre = divide(total, count) if mean is None else xnp.asarray(mean)
        d = xnp.subtract(x, centre)
        out = divide(xnp.sum(xnp.multiply(d, d), axis=axis, dtype=name, keepdims=True, where=where),
                     xnp.maximum(count - correction, 0.0))
        if stat == "std":
            out = xnp.astype(xnp.sqrt(xnp.astype(out, wide)), name)
    if not keepdims:
        out = xnp.squeeze(out, axis=axis) if axis is not None else xnp.reshape(out, ())
    return out


def _name_of(dtype) -> str:
    from .._dtypes import dtype_name
    return dtype_name(dtype)


def ddof_and_correction(op: str) -> None:
    """Raise NumPy's ValueError for both ``ddof`` (NumPy's) and ``correction`` (the
    standard's name of it) given.

    Examples
    --------
    >>> ddof_and_correction("var")
    Traceback (most recent call last):
    ...
    ValueError: var: ddof and correction can't be provided simultaneously; give one of them
    """
    raise ValueError(f"{op}: ddof and correction can't be provided simultaneously; give one "
                     f"of them")


def astype(x: ArrayLike, dtype: DTypeLike) -> Array:
    """``x`` as an array of ``dtype`` (NumPy's ``dtype=`` of ``mean``, ``var``, ``std``:
    the dtype to compute in).

    Examples
    --------
    >>> import numpy as np
    >>> astype(np.array([1, 2]), "float32").dtype
    dtype('float32')
    """
    xnp = _xnp()
    return xnp.astype(xnp.asarray(x), dtype)


def sort_stable(op: str, kind, order, stable, *, ties: bool = True) -> bool:
    """The standard's ``stable`` from NumPy's ``kind``, ``order`` and ``stable``.

    'stable' and 'mergesort' sort stably. NumPy leaves the order of ties to the others
    ('quicksort', 'heapsort'), so any order is one of its answers: where ``ties`` (argsort,
    whose indices show that order) crossops sorts stably, else (sort, whose tied values
    are equal: only -0.0 and 0.0 show their order) with the backend's own sort, which
    costs less. ``order`` (the fields of a structured array) is taken only as None.

    Examples
    --------
    >>> sort_stable("argsort", "quicksort", None, None)
    True
    >>> sort_stable("sort", "quicksort", None, None, ties=False)
    False
    >>> sort_stable("sort", "stable", None, None, ties=False)
    True
    """
    if order is not None:
        raise ValueError(f"{op}: order names the fields of a structured array; crossops "
                         f"arrays have none, so order must be None")
    if kind not in _SORT_KINDS:
        raise ValueError(f"{op}: kind must be one of {_SORT_KINDS[1:]} or None, got {kind!r}")
    if stable is not None and kind is not None:
        raise ValueError(f"{op}: kind and stable can't both be given; give one of them")
    if stable is not None:
        return bool(stable)
    return ties or kind in _STABLE_KINDS


def round_decimals(x: ArrayLike, decimals: int) -> Array:
    """``x`` rounded to ``decimals`` places, halves to even, as NumPy's ``round``: floats
    scaled by ``10**decimals``, rounded and scaled back; integers rounded to a multiple of
    ``10**-decimals`` exactly (and unchanged for ``decimals >= 0``).

    Examples
    --------
    >>> import numpy as np
    >>> round_decimals(np.array([1.234, -0.125]), 2)
    array([ 1.23, -0.12])
    >>> round_decimals(np.array([15, 25, -35]), -1)
    array([ 20,  20, -40])
    """
    xnp = _xnp()
    x = xnp.asarray(x)
    decimals = operator.index(decimals)
    if decimals == 0:
        return xnp.round(x)
    if xnp.isdtype(x.dtype, ("integral", "bool")):
        if decimals > 0:
            return x
        s = 10 ** -decimals  # to a multiple of s, halves to even, in integers (exact)
        q = xnp.floor_divide(x, s)
        r = x - q * s
        up = (2 * r > s) | ((2 * r == s) & (q % 2 == 1))
        return (q + xnp.astype(up, x.dtype)) * s
    scale = 10.0 ** abs(decimals)
    return xnp.round(x * scale) / scale if decimals > 0 else xnp.round(x / scale) * scale


def like_shaped(op: str, x: ArrayLike, shape: Shape, dtype, device, fill_value=None) -> Array:
    """NumPy's ``zeros_like(a, shape=...)`` and its kin: an array of ``shape``, with ``x``'s
    dtype (or ``dtype``), backend and device.

    Examples
    --------
    >>> import numpy as np
    >>> like_shaped("full_like", np.ones(3, np.int8), (2,), None, None, 7)
    array([7, 7], dtype=int8)
    """
    xnp = _xnp()
    x = xnp.asarray(x)
    dtype = x.dtype if dtype is None else dtype
    if op == "full_like":
        return xnp.full(shape, fill_value, dtype=dtype, device=device, like=x)
    return getattr(xnp, op[:-len("_like")])(shape, dtype=dtype, device=device, like=x)


def take_mode(x: ArrayLike, indices: ArrayLike, axis, mode: str) -> Array:
    """``take``'s indices under NumPy's ``mode``: 'wrap' takes them modulo the axis
    length, 'clip' clips them to it ('raise' leaves them as they are).

    Examples
    --------
    >>> import numpy as np
    >>> take_mode(np.arange(3), np.array([-4, 5]), None, "wrap")
    array([2, 2])
    """
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"take: mode must be one of 'raise', 'wrap' or 'clip', got {mode!r}")
    xnp = _xnp()
    x = xnp.asarray(x)
    if mode == "raise":
        return indices
    flat = axis is None or (not x.ndim and type(axis) is int and axis in (0, -1))
    n = (math.prod(x.shape) if flat  # (a 0-d x along 0 or -1: its one element)
         else x.shape[normalize_axis(axis, x.ndim, "take")])
    indices = xnp.asarray(indices, like=x)
    if n == 0:
        raise IndexError("take: cannot take from an empty axis")
    return indices % n if mode == "wrap" else xnp.clip(indices, 0, n - 1)


def where_one(condition: ArrayLike, x1, x2):
    """NumPy's ``where(condition)`` with neither ``x`` nor ``y``: ``nonzero(condition)``;
    one without the other is NumPy's ValueError.

    Examples
    --------
    >>> import numpy as np
    >>> where_one(np.array([[0, 1], [1, 0]]), None, None)
    (array([0, 1]), array([1, 0]))
    """
    if x1 is not None or x2 is not None:
        raise ValueError("where: either both or neither of x and y should be given")
    xnp = _xnp()
    return xnp.nonzero(xnp.asarray(condition))


def clip_bounds(a_min, a_max, min, max, kwargs: dict):  # noqa: A002  (NumPy's names)
    """``clip``'s bounds from NumPy's positional ``a_min``/``a_max`` and its keyword
    ``min``/``max`` (one name for each bound); NumPy's ufunc keywords are not taken.

    Examples
    --------
    >>> clip_bounds(0, None, None, 5, {})
    (0, 5)
    """
    if kwargs:
        raise TypeError(f"clip: NumPy's ufunc keywords are not taken: {sorted(kwargs)}")
    if a_min is not None and min is not None:
        raise ValueError("clip: give the lower bound as a_min or as min, not both")
    if a_max is not None and max is not None:
        raise ValueError("clip: give the upper bound as a_max or as max, not both")
    return (min if a_min is None else a_min), (max if a_max is None else a_max)


def reversed_axes(x: ArrayLike) -> tuple[int, ...]:
    """The axes of ``x`` in reverse: NumPy's ``permute_dims(a)`` / ``transpose(a)``.

    Examples
    --------
    >>> import numpy as np
    >>> reversed_axes(np.zeros((2, 3, 4)))
    (2, 1, 0)
    """
    return tuple(range(_xnp().ndim(x) - 1, -1, -1))


#: the types of Python's numbers: ``linspace``'s bounds that take the op's own path
SCALARS = frozenset({bool, int, float, complex})
#: NumPy's arrays and scalars: host data, of the other bound's backend (a tuple, which
#: torch.compile reads in isinstance, where it does not read a union of types)
_HOST_ARRAYS = (np.ndarray, np.generic)


def linspace(start, stop, num: int, endpoint: bool, retstep: bool, dtype, axis: int,
             device):
    """NumPy's ``linspace`` beyond the op's call (Python numbers, ``axis=0``, no
    ``retstep``): with ``retstep`` the step as well; array ``start``/``stop`` (of any
    backend, 0-d included) give the samples along a new ``axis``, computed as NumPy
    computes them (``start + arange(num) * step``, ``stop`` itself last), in the dtype
    crossops's table gives the bounds and a Python float (the backend's default float
    for integers), ``floor``-ed first for an integer ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> linspace(0.0, 1.0, 5, True, True, None, 0, None)
    (array([0.  , 0.25, 0.5 , 0.75, 1.  ]), 0.25)
    >>> linspace(np.array([0.0, 1.0]), np.array([1.0, 3.0]), 3, True, False, None, -1, None)
    array([[0. , 0.5, 1. ],
           [1. , 2. , 3. ]])
    """
    xnp = _xnp()
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"linspace: num must be non-negative, got {num}")
    div = (num - 1) if endpoint else num
    if type(start) in SCALARS and type(stop) in SCALARS:
        out = xnp.linspace(start, stop, num, endpoint=endpoint, dtype=dtype, device=device)
        step = (stop - start) / div if div > 0 else math.nan
        if axis != 0:
            out = xnp.moveaxis(out, 0, axis)
        return (out, step) if retstep else out
    # the backend of the bounds: a framework's array among them, else the default one's
    # (host data: NumPy arrays, lists)
    # (loops, not generators: torch.compile traces them)
    first = start if type(start) not in SCALARS else stop
    for v in (start, stop):
        if _is_array(v) and not isinstance(v, _HOST_ARRAYS):
            first = v
            break
    first = xnp.asarray(first)
    lo = start if type(start) in SCALARS else xnp.asarray(start, like=first)
    hi = stop if type(stop) in SCALARS else xnp.asarray(stop, like=first)
    dt = xnp.result_type(lo.dtype if _is_array(lo) else lo, hi.dtype if _is_array(hi) else hi,
                         1.0)
    lo, hi = xnp.broadcast_arrays(xnp.astype(xnp.asarray(lo, like=first), dt),
                                  xnp.astype(xnp.asarray(hi, like=first), dt))
    delta = hi - lo
    real = dt if not xnp.isdtype(dt, "complex floating") else xnp.real(lo).dtype
    y = xnp.astype(xnp.arange(num, dtype=real, like=lo), dt)
    y = xnp.reshape(y, (num,) + (1,) * lo.ndim)
    if div > 0:
        # divisors as whole arrays: XLA (jax, eagerly too) multiplies by the reciprocal of
        # a broadcast divisor, which is an ulp off NumPy's quotient in half the cases
        step = delta / xnp.full_like(delta, div)
        # NumPy scales by delta after dividing where some step is 0 (underflowed)
        y = xnp.where(xnp.any(step == 0), y / xnp.full_like(y, div) * delta, y * step)
    else:  # no step: 0 samples, or 1 with the endpoint
        step = math.nan
        y = y * delta
    y = y + lo
    if endpoint and num > 1:
        y = xnp.concat([y[:-1], hi[None]], axis=0)
    if axis != 0:
        y = xnp.moveaxis(y, 0, axis)
    if dtype is not None:
        if integral(dtype) and not xnp.isdtype(dt, "complex floating"):
            y = xnp.floor(y)
        y = xnp.astype(y, dtype)
    return (y, step) if retstep else y


def _is_array(x) -> bool:
    return hasattr(x, "shape") and hasattr(x, "dtype")


def sparse_grid(arrays, indexing: str) -> tuple:
    """NumPy's ``meshgrid(..., sparse=True)``: each 1-D input reshaped to size one along
    every axis but its own, so that they broadcast to the full grid.

    Examples
    --------
    >>> import numpy as np
    >>> [g.shape for g in sparse_grid((np.arange(2), np.arange(3)), "xy")]
    [(1, 2), (3, 1)]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    xnp = _xnp()
    n = len(arrays)
    out = []
    for i, a in enumerate(arrays):
        a = xnp.reshape(xnp.asarray(a), (-1,))
        shape = [1] * n
        shape[i] = a.shape[0]
        if indexing == "xy" and n > 1 and i < 2:
            shape[0], shape[1] = shape[1], shape[0]
        out.append(xnp.reshape(a, tuple(shape)))
    return tuple(out)


def cast_all(op: str, arrays, dtype, casting: str):
    """``concat``'s and ``stack``'s arrays cast to ``dtype`` under NumPy's ``casting`` rule
    (left as they are where ``dtype`` is None).

    Examples
    --------
    >>> import numpy as np
    >>> [a.dtype for a in cast_all("stack", [np.ones(2, np.int8)], "float32", "same_kind")]
    [dtype('float32')]
    """
    if casting not in _CASTINGS:
        raise ValueError(f"{op}: casting must be one of {_CASTINGS}, got {casting!r}")
    if dtype is None:
        return arrays
    xnp = _xnp()
    out = []
    for a in arrays:
        a = xnp.asarray(a)
        if not can_cast(a.dtype, dtype, casting):
            raise TypeError(f"{op}: cannot cast {a.dtype} to {dtype} under casting="
                            f"{casting!r}; pass casting='unsafe' to allow it")
        out.append(xnp.astype(a, dtype))
    return out


def ufunc(op: str, f, arrays: tuple, where, casting: str, dtype, signature):
    """``f(*arrays)``, an element-wise function called with NumPy's ufunc keywords.

    ``dtype=`` is the result's dtype, as in NumPy: where ``f`` does not give it already,
    the arrays are cast to it first (each cast allowed by ``casting``), and a function
    that then still gives another dtype (a comparison asked for floats, true division
    for integers) raises TypeError, as NumPy finds no loop. Without ``dtype``, a
    ``casting`` of 'no', 'equiv' or 'safe' checks each array's cast to the dtype ``f``
    computes in (its result's; the promoted inputs' for a boolean result).

    Examples
    --------
    >>> import numpy as np, crossops.numpy as xnp
    >>> xnp.add(np.array([1, 2], np.int32), 1, dtype="float32")
    array([2., 3.], dtype=float32)
    >>> xnp.sqrt(np.array([4], np.int32), casting="no")
    Traceback (most recent call last):
    ...
    TypeError: sqrt: cannot cast input 0 from int32 to float64 with casting='no'
    """
    check_ufunc_keywords(op, where, casting, signature)
    loop = ufunc_loop(op, arrays, dtype, casting)  # NumPy's own loop search, or None
    if loop is not None:
        if dtype is None:  # casting= checked: the result is crossops's (its table)
            return f(*arrays)
        target = loop[1][0]
        out = f(*ufunc_inputs(arrays, loop))
        return out if _name_of(out.dtype) == target else _xnp().astype(out, target)
    if dtype is None:
        out = f(*arrays)
        if casting not in ("same_kind", "unsafe"):
            loop = _name_of(out.dtype)
            if loop == "bool":
                loop = _name_of(_xnp().result_type(*(a for a in arrays if _is_array(a)) or
                                                   [out]))
            _check_casts(op, arrays, loop, casting)
        return out
    target = _name_of(dtype)
    try:
        out = f(*arrays)
    except (TypeError, ValueError):  # no computation in the inputs' dtype (bool negative)
        out = None
    if out is not None and _name_of(out.dtype) == target:
        return out
    xnp = _xnp()
    if not any(_is_array(a) for a in arrays):  # Python numbers alone: NumPy's default dtypes
        arrays = tuple(xnp.asarray(a) for a in arrays)
    _check_casts(op, arrays, target, casting)
    out = f(*(xnp.astype(a, target) if _is_array(a) else a for a in arrays))
    if _name_of(out.dtype) != target:
        raise TypeError(f"{op}: no computation gives dtype={target} (from {target} inputs it "
                        f"gives {_name_of(out.dtype)}); NumPy finds no loop either")
    return out


def numpy_loop(op: str, *xs) -> tuple:
    """``xs``, the arguments of NumPy's ufunc ``op``, with integer and bool arrays cast to
    the dtypes of the loop NumPy runs for them (``sqrt``: int8 and bool in float16, int16
    in float32, int32 and int64 in float64, as the backend gives float64: jax without x64
    float32), where a backend's own function would compute them in its default float or
    refuse them. Arrays of several dtypes are promoted by crossops's table first; an
    array of another kind, or no array, leaves ``xs`` as they are.

    Examples
    --------
    >>> import numpy as np
    >>> numpy_loop("arctan2", np.ones(2, np.int8), 2)
    (array([1., 1.], dtype=float16), 2)
    >>> numpy_loop("sqrt", np.ones(2, np.float32))[0].dtype
    dtype('float32')
    """
    # (loops, not generators: torch.compile traces them)
    names = []
    for x in xs:
        if _is_array(x):
            if not integral(x.dtype):
                return xs
            names.append(_name_of(x.dtype))
    if not names:
        return xs
    xnp = _xnp()
    if len(set(names)) > 1:
        common = xnp.result_type(*[x for x in xs if _is_array(x)])
        xs = tuple([xnp.astype(x, common) if _is_array(x) else x for x in xs])
    found = numpy_ufunc_loop(op, scalar_names(xs), None, "same_kind")
    if found[0] != "loop":
        return xs
    return ufunc_inputs(xs, loop_on_backend(found, xs))


def integral_array(x) -> bool:
    """Whether ``x`` is an array of a bool or integer dtype.

    Examples
    --------
    >>> import numpy as np
    >>> integral_array(np.ones(2, np.int8)), integral_array(np.ones(2)), integral_array(3)
    (True, False, False)
    """
    return _is_array(x) and integral(x.dtype)


def integer_reciprocal(x: Array) -> Array:
    """NumPy's ``reciprocal`` of integers: ``1 / x`` in their own dtype, toward zero, so 1
    and -1 give themselves and other values 0; bool computes as int8, as NumPy's loop.
    Zero gives NumPy's value on this machine (its cast of an infinite quotient, which
    NumPy gives with a divide-by-zero warning: on x86 0 for 8- and 16-bit integers, the
    minimum for wider ones).

    Examples
    --------
    >>> import numpy as np
    >>> integer_reciprocal(np.array([1, -1, 2, -3, 5], np.int32))
    array([ 1, -1,  0,  0,  0], dtype=int32)
    """
    xnp = _xnp()
    if _name_of(x.dtype) == "bool":
        x = xnp.astype(x, "int8")
    one = xnp.ones_like(x)
    keep = x == one
    if xnp.isdtype(x.dtype, "signed integer"):  # (unsigned: -1 is their maximum)
        keep = keep | (x == -one)
    out = xnp.where(keep, x, xnp.zeros_like(x))
    at_zero = _reciprocal_of_zero(_name_of(x.dtype))
    return out if at_zero == 0 else xnp.where(x == 0, xnp.full_like(x, at_zero), out)


@host_constant
def _reciprocal_of_zero(name: str) -> int:
    """NumPy's ``reciprocal`` of a zero of integer dtype ``name``, on this machine."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return int(np.reciprocal(np.zeros(1, name))[0])


def inexact_dtypes() -> set:
    """The native float and complex dtypes of every loaded backend (a live set): a C
    front (``crossops._accel.accelerate``) of a function whose integer inputs NumPy
    computes in a float loop (:func:`numpy_loop`) takes only arrays of these, and hands
    the others to the function.

    Examples
    --------
    >>> import numpy as np
    >>> np.dtype("float32") in inexact_dtypes(), np.dtype("int32") in inexact_dtypes()
    (True, False)
    """
    return native_dtypes_where(is_inexact)


def non_bool_dtypes() -> set:
    """The native dtypes but bool of every loaded backend (a live set): the C front of a
    function whose bool inputs NumPy computes in another loop (:func:`bool_loop`) takes
    only arrays of these, and hands bool arrays to the function.

    Examples
    --------
    >>> import numpy as np
    >>> np.dtype("int8") in non_bool_dtypes(), np.dtype("bool") in non_bool_dtypes()
    (True, False)
    """
    return native_dtypes_where(is_not_bool)


def _check_casts(op: str, arrays, target: str, casting: str) -> None:
    """Raise NumPy's TypeError where an array of ``arrays`` cannot be cast to ``target``
    under ``casting`` (Python numbers are weak: they take any dtype)."""
    for i, a in enumerate(arrays):
        if _is_array(a) and not can_cast(a.dtype, target, casting):
            raise TypeError(f"{op}: cannot cast input {i} from {_name_of(a.dtype)} to "
                            f"{target} with casting={casting!r}")


def _kind_rank(name: str) -> int:
    """NumPy's order of kinds for casting='same_kind': bool < unsigned < signed integer <
    float < complex (a cast to a later kind, or within one, is of the same kind)."""
    if name == "bool":
        return 0
    if name.startswith("uint"):
        return 1
    if name.startswith("int"):
        return 2
    if name.startswith(("float", "bfloat")):
        return 3
    return 4


def _native_order(dtype) -> bool:
    """Whether a dtype (a NumPy dtype or spelling: ``'>i4'`` is not) is in the machine's
    byte order; every other backend's dtype is."""
    import numpy as np
    if isinstance(dtype, str | np.dtype):
        try:
            return np.dtype(dtype).isnative
        except TypeError:
            return True
    return True


def can_cast(from_, to, casting: str) -> bool:
    """NumPy's ``can_cast`` under a ``casting`` rule: 'safe' is the standard's (crossops's
    table, which the op computes), 'no' and 'equiv' ask for the same dtype, 'same_kind'
    for a safe cast or one within a kind (or to a higher kind), 'unsafe' allows any.

    Examples
    --------
    >>> can_cast("float64", "float32", "same_kind"), can_cast("float64", "int32", "same_kind")
    (True, False)
    """
    if casting not in _CASTINGS:
        raise ValueError(f"can_cast: casting must be one of {_CASTINGS}, got {casting!r}")
    from .._dtypes import dtype_name
    from ..backends._common import not_a_dtype, refuse_array_dtype
    refuse_array_dtype("can_cast", "to", to)
    xnp = _xnp()
    if not_a_dtype(from_):
        from_ = from_.dtype
    src, dst = dtype_name(from_), dtype_name(to)
    if casting == "unsafe":
        return True
    if casting == "no":  # the same dtype in the same byte order ('equiv' allows a swap)
        return src == dst and _native_order(from_) == _native_order(to)
    if casting == "equiv":
        return src == dst
    if xnp.can_cast(src, dst):
        return True
    if casting == "safe":  # (concatenate's, stack's and einsum's casting='safe')
        return False
    return _kind_rank(src) <= _kind_rank(dst)


def check_isin_kind(kind) -> None:
    """NumPy's ``isin(kind=...)``: None, 'sort' or 'table' (the result is the same).

    Examples
    --------
    >>> check_isin_kind("table")
    """
    if kind not in (None, "sort", "table"):
        raise ValueError(f"isin: kind must be None, 'sort' or 'table', got {kind!r}")


def histogram(a: ArrayLike, bins, range, density, weights):  # noqa: A002
    """NumPy's ``histogram`` with ``weights`` or ``density``: the weighted counts of the
    bins (each value adds its weight), and with ``density`` their density.

    Examples
    --------
    >>> import numpy as np
    >>> h, edges = histogram(np.array([0.0, 0.5, 1.0]), 2, None, None,
    ...                      np.array([1.0, 2.0, 3.0]))
    >>> h
    array([1., 5.])
    """
    xnp = _xnp()
    a = xnp.asarray(a)
    counts, edges = xnp.histogram(a, bins=bins, range=range)
    if weights is not None:
        weights = xnp.asarray(weights, like=a)
        if tuple(weights.shape) != tuple(a.shape):
            raise ValueError("histogram: weights should have the same shape as a")
        x = xnp.reshape(a, (-1,))
        w = xnp.reshape(weights, (-1,))
        n = edges.shape[0] - 1
        inside = (x >= edges[0]) & (x <= edges[-1])
        index = xnp.searchsorted(edges, x, side="right") - 1
        index = xnp.clip(index, 0, n - 1)  # the last edge belongs to the last bin
        index = xnp.where(inside, index, n)
        counts = xnp.bincount(index, weights=w, minlength=n + 1)[:n]
    if density:
        widths = edges[1:] - edges[:-1]
        counts = xnp.astype(counts, widths.dtype) if not xnp.isdtype(
            counts.dtype, "real floating") else counts
        counts = counts / widths / xnp.sum(counts)
    return counts, edges


def array(x: ArrayLike, dtype, copy, ndmin: int, ndmax: int, like) -> Array:
    """NumPy's ``array`` with ``copy`` other than True, ``ndmin`` or ``ndmax``.

    ``copy=False`` raises ValueError where the data must be converted or copied (a list,
    another dtype); ``copy=None`` copies only then. ``ndmin`` prepends axes of size one.
    ``ndmax`` limits the axes made from nested sequences (an array keeps its own): deeper
    sequences raise ValueError, as NumPy does without ``dtype=object``, which crossops
    does not have.

    Examples
    --------
    >>> import numpy as np
    >>> array([1, 2], None, True, 3, 0, None).shape
    (1, 1, 2)
    >>> array([[1, 2], [3, 4]], None, True, 0, 2, None).shape
    (2, 2)
    """
    if not 0 <= operator.index(ndmax) <= 64:
        raise ValueError(f"array: ndmax must be in the range [0, 64], got {ndmax}")
    xnp = _xnp()
    out = xnp.asarray(x, dtype=dtype, copy=copy, like=like) if like is not None else \
        xnp.asarray(x, dtype=dtype, copy=copy)
    if ndmax and isinstance(x, list | tuple) and out.ndim > ndmax:
        raise ValueError(f"array: the nested sequences make {out.ndim} dimensions, more than "
                         f"ndmax={ndmax}; NumPy keeps the deeper ones as objects "
                         f"(dtype=object), which crossops arrays cannot hold")
    if ndmin > out.ndim:
        out = xnp.reshape(out, (1,) * (ndmin - out.ndim) + tuple(out.shape))
    return out


# -- numpy.linalg -------------------------------------------------------------------------

def hermitian(op: str, x: ArrayLike, uplo: str) -> Array:
    """The Hermitian matrix NumPy's ``eigh(a, UPLO)`` reads: the ``uplo`` triangle of
    ``x`` with its conjugate transpose as the other (the backends differ: JAX averages the
    two triangles). An ``x`` that is not a matrix is returned as it is, for the op to name.

    Examples
    --------
    >>> import numpy as np
    >>> hermitian("eigh", np.array([[1.0, 9.0], [2.0, 3.0]]), "L")
    array([[1., 2.],
           [2., 3.]])
    """
    if uplo not in ("L", "U"):
        raise ValueError(f"{op}: UPLO must be 'L' or 'U', got {uplo!r}")
    xnp = _xnp()
    if isinstance(x, (list, tuple)):
        try:
            x = xnp.asarray(x)
        except (TypeError, ValueError):
            return x
    if not _is_array(x) or x.ndim < 2 or not xnp.isdtype(x.dtype, ("real floating",
                                                                  "complex floating")):
        return x
    part = xnp.tril(x, k=-1) if uplo == "L" else xnp.triu(x, k=1)
    diag = xnp.real(xnp.linalg.diagonal(x)) if xnp.isdtype(x.dtype, "complex floating") \
        else xnp.linalg.diagonal(x)
    other = xnp.conj(xnp.matrix_transpose(part)) if xnp.isdtype(
        x.dtype, "complex floating") else xnp.matrix_transpose(part)
    eye = xnp.eye(x.shape[-1], dtype="bool", like=x)
    return part + other + xnp.where(eye, xnp.astype(diag[..., None, :], x.dtype), 0)


def rank_with_tol(x: ArrayLike, tol, rtol) -> Array:
    """NumPy's ``matrix_rank(A, tol)``: the singular values above the absolute ``tol``.

    Examples
    --------
    >>> import numpy as np
    >>> rank_with_tol(np.diag([3.0, 1e-3, 0.0]), 1e-2, None)
    np.int64(1)
    """
    if rtol is not None:
        raise ValueError("matrix_rank: give tol (absolute) or rtol (relative), not both")
    xnp = _xnp()
    s = xnp.linalg.svdvals(xnp.asarray(x))
    tol = xnp.asarray(tol, dtype=s.dtype, like=s)
    if xnp.ndim(tol) > 0:
        tol = tol[..., None]
    return xnp.count_nonzero(s > tol, axis=-1)


def rcond_rtol(rcond, rtol):
    """``pinv``'s relative cutoff from NumPy's ``rcond`` and the standard's ``rtol``, as
    NumPy 2 takes them: neither given, NumPy's 1e-15; ``rtol=None``, the standard's
    default (None: ``max(M, N)`` times the dtype's epsilon); both given, ValueError.

    Examples
    --------
    >>> rcond_rtol(1e-3, NoValue.NONE), rcond_rtol(None, NoValue.NONE), rcond_rtol(None, None)
    (0.001, 1e-15, None)
    """
    if type(rtol) is not NoValue:
        if rcond is not None:
            raise ValueError("pinv: give rcond or rtol, not both")
        return rtol
    return 1e-15 if rcond is None else rcond


def svdvals(x: ArrayLike) -> Array:
    """NumPy's ``svd(a, compute_uv=False)``: the singular values, largest first.

    Examples
    --------
    >>> import numpy as np
    >>> svdvals(np.diag([1.0, 3.0]))
    array([3., 1.])
    """
    xnp = _xnp()
    return xnp.linalg.svdvals(xnp.asarray(x))


def qr(x: ArrayLike, mode: str):
    """NumPy's ``qr(a, mode='r')``: R alone; and ``mode='raw'``: LAPACK geqrf's
    ``(h, tau)``, h transposed as NumPy gives it (the Householder vectors below the
    diagonal of ``h.T``, R on and above it; ``tau`` their scales, ``min(M, N)`` per matrix).
    Integer and bool input computes in float64 (JAX without x64: float32), as NumPy; half
    precision raises TypeError, as NumPy's linalg. numpy, jax and torch call LAPACK's geqrf
    (``torch.geqrf``); TensorFlow runs the same Householder steps (``backends/tensorflow/
    numpy.py``). Signs are LAPACK's: a real alpha of -0.0 counts as negative (NumPy's
    OpenBLAS; torch's LAPACK may choose the other sign there).

    Examples
    --------
    >>> import numpy as np
    >>> r = qr(np.array([[3.0, 0.0], [4.0, 1.0]]), "r")
    >>> np.abs(r).round(6).tolist()
    [[5.0, 0.8], [0.0, 0.6]]
    >>> h, tau = qr(np.array([[3.0, 0.0], [4.0, 1.0]]), "raw")
    >>> h.round(6).tolist(), tau.round(6).tolist()
    ([[-5.0, 0.5], [-0.8, 0.6]], [1.6, 0.0])
    """
    if mode == "raw":
        return _qr_raw(x)
    if mode != "r":
        raise ValueError(f"qr: mode must be 'reduced', 'complete', 'r' or 'raw', got {mode!r}")
    xnp = _xnp()
    return xnp.linalg.qr(xnp.asarray(x), mode="reduced")[1]


def _qr_raw(x: ArrayLike) -> tuple:
    from .._backend import backend_chapter
    from .._dtypes import dtype_name, kind
    xnp = _xnp()
    x = xnp.asarray(x)
    b = _backend(x)
    name = dtype_name(x.dtype)
    if kind(name) not in ("f", "c"):  # integers and bool: NumPy's float64
        name = _wide_float(b)
        x = xnp.astype(x, name)
    if name not in ("float32", "float64", "complex64", "complex128"):
        raise TypeError(f"qr: array type {name} is unsupported in linalg; use float32, "
                        f"float64, complex64 or complex128 (cast with astype)")
    if x.ndim < 2:
        raise np.linalg.LinAlgError(f"qr: {x.ndim}-dimensional array given. Array must be at "
                                    f"least two-dimensional")
    return backend_chapter(b, "numpy").qr_raw(x)

_EINSUM_KEYWORDS = ("dtype", "order", "casting")


def einsum_args(operands: tuple, optimize, kwargs: dict) -> tuple:
    """NumPy's einsum arguments, ``(*operands, optimize=, **kwargs)``, as the op takes
    them: ``(subscripts, operands, keywords for the backend's einsum)``. NumPy's ``dtype``
    casts the arrays (under ``casting``: each must cast to it by that rule; without
    ``dtype``, 'no' and 'equiv' ask for one dtype); ``order`` is checked; ``optimize`` goes
    to the backend's einsum unless it is NumPy's default, False.

    Examples
    --------
    >>> import numpy as np
    >>> s, ops, kw = einsum_args(("i,i", np.arange(3, dtype=np.int8), [1, 2, 3]), False,
    ...                          {"dtype": "float32"})
    >>> s, [o.dtype for o in ops], kw
    ('i,i', [dtype('float32'), dtype('float32')], {})
    >>> einsum_args(("i", np.ones(2)), False, {"dtype": "int32"})
    Traceback (most recent call last):
    ...
    TypeError: einsum: cannot cast float64 to int32 under casting='safe'; pass ...
    """
    if not kwargs and optimize is False and operands and type(operands[0]) is str:
        return operands[0], operands[1:], {}  # (the common call: nothing to check or cast)
    unknown = [k for k in kwargs if k not in _EINSUM_KEYWORDS]
    if unknown:
        raise TypeError(f"einsum: unexpected keyword argument {unknown[0]!r}; NumPy's einsum "
                        f"takes out, dtype, order, casting and optimize")
    if not operands:
        raise ValueError("einsum: must specify the einstein sum subscripts string and at "
                         "least one operand, or at least one operand and its subscripts list")
    dtype, casting = kwargs.get("dtype"), kwargs.get("casting", "safe")
    check_order("einsum", kwargs.get("order", "K"))
    items = list(operands)
    if isinstance(items[0], str):  # the arrays: after the subscripts string, or alternating
        at = list(range(1, len(items)))  # with their sublists (then the output's sublist)
    else:
        at = list(range(0, 2 * (len(items) // 2), 2))
    arrays = [items[i] for i in at]
    if dtype is not None:
        arrays = cast_all("einsum", arrays, dtype, casting)
    elif casting not in _CASTINGS:
        raise ValueError(f"einsum: casting must be one of {_CASTINGS}, got {casting!r}")
    elif casting in ("no", "equiv"):
        from .._dtypes import dtype_name
        xnp = _xnp()
        names = [dtype_name(xnp.asarray(a).dtype) for a in arrays]
        if len(set(names)) > 1:
            other = next(n for n in names if n != names[0])
            raise TypeError(f"einsum: casting={casting!r} asks the operands for one dtype, got "
                            f"{names[0]} and {other}; pass casting='safe' or a dtype")
    for i, a in zip(at, arrays):
        items[i] = a
    return items[0], items[1:], ({} if optimize is False else {"optimize": optimize})
