"""NumPy backend: array-api-compat's NumPy namespace, with ml_dtypes for bfloat16."""

from __future__ import annotations

import functools
import operator
from math import isnan as _isnan  # (the module's names are ops; .math is a submodule)

import array_api_compat.numpy as NAMESPACE  # noqa: N812
import ml_dtypes
import numpy as np

from ..._axes import normalize_axes, normalize_axis
from .._axis_tuples import accumulate_axis
from .._common import (
    OptionsRoute,
    casting_functions,
    check_lstsq,
    dtype_functions,
    dtype_table,
    fix_expm1,
    float8_table,
    host_floor_divide,
    make_native_dtype,
)
from .._core import window_defaults
from .._numpy_ops import bool_clip_dtype
from .._spacing import number_linspace
from . import _private

NAME = "numpy"
ARRAY_TYPES = (np.ndarray, np.generic)
DTYPE_TYPES = (np.dtype,)
#: NumPy's own promotion differs from crossops's across kinds (int32 + float16)
NATIVE_PROMOTION = False
#: NumPy 2 (NEP 50) treats Python scalars as crossops does, but not next to bfloat16
#: (ml_dtypes widens it to float32), so crossops converts scalars itself
NATIVE_WEAK_SCALARS = False

DTYPES = dtype_table(lambda n: np.dtype(ml_dtypes.bfloat16 if n == "bfloat16" else n))
#: the float8 types (ml_dtypes's), which native_dtype takes too
FLOAT8_DTYPES = float8_table(lambda n: np.dtype(getattr(ml_dtypes, n)))
native_dtype = make_native_dtype({**DTYPES, **FLOAT8_DTYPES}, "numpy")
#: NumPy's own dtype objects, by their classes (one each: ``Float32DType``), which
#: :func:`native_dtype` returns as they are (the C front of ``astype`` passes such a dtype
#: straight on: crossops._accel; another object of a class, ``np.dtype('>f4')``, is
#: converted)
NATIVE_DTYPE_OBJECTS = {type(d): d for d in DTYPES.values()}


def reusable(x) -> bool:
    """Whether array ``x``, just made, may serve later calls: always (a NumPy array is
    concrete, and crossops's ops never write to their inputs)."""
    return True


def default_dtypes() -> tuple[str, str, str]:
    """Default (int, float, complex) dtype names."""
    return ("int64", "float64", "complex128")


def to_numpy(x) -> np.ndarray:
    return np.asarray(x)


globals().update(casting_functions(NAMESPACE, native_dtype))
_general_astype = astype  # noqa: F821  (made just above)
#: the NumPy dtypes of crossops's table, by id (the dtype a call of the op gives here)
_OWN_DTYPES = frozenset(map(id, DTYPES.values()))


def astype(x, dtype, /, *, copy=True, device=None):  # noqa: F811
    """array-api-compat's astype; an ndarray cast to a dtype of crossops's table (as the op
    gives it) without a device is ``x.astype`` itself (the same copy rule: a copy unless
    ``copy=False`` and x has the dtype), without the wrapper's two frames."""
    if device is None and type(x) is np.ndarray and id(dtype) in _OWN_DTYPES:
        return x.astype(dtype, copy=copy)
    return _general_astype(x, dtype, copy=copy, device=device)


def reshape(x, /, shape, *, copy=None):
    """np.reshape, except that a size below -1 raises ValueError, as on the other backends
    and in Keras (NumPy reads any negative size as -1); the error's message comes from the
    op's diagnosis of its arguments."""
    if type(shape) is tuple or type(shape) is list:
        for d in shape:
            if d < -1:
                raise ValueError(f"reshape: shape {shape!r} has a size below -1")
    elif type(shape) is int and shape < -1:
        raise ValueError(f"reshape: shape {shape!r} is below -1")
    if type(x) is np.ndarray:  # np.reshape's call of the method, without its two frames
        return x.reshape(shape, copy=copy)
    return np.reshape(x, shape, copy=copy)


def _cpu(op: str, device) -> None:
    """Raise for a device NumPy has not (called only where one is given: no call on the
    common path)."""
    if device != "cpu":
        raise ValueError(f"{op}: NumPy arrays live on the CPU; device must be None or 'cpu', "
                         f"got {device!r}")


# the creation functions without array-api-compat's wrapper (5 of the 6 steps of a call)
def zeros(shape, *, dtype=None, device=None):
    if device is not None:
        _cpu("zeros", device)
    return np.zeros(shape, dtype=dtype)


def ones(shape, *, dtype=None, device=None):
    if device is not None:
        _cpu("ones", device)
    return np.ones(shape, dtype=dtype)


def empty(shape, *, dtype=None, device=None):
    if device is not None:
        _cpu("empty", device)
    return np.empty(shape, dtype=dtype)


def full(shape, fill_value, *, dtype=None, device=None):
    if device is not None:
        _cpu("full", device)
    return np.full(shape, fill_value, dtype=dtype)


def arange(start, /, stop=None, step=1, *, dtype=None, device=None):
    if device is not None:
        _cpu("arange", device)
    if stop is None and dtype is None and type(step) is int and step == 1:
        return np.arange(start)  # (NumPy parses the one argument faster: ~0.15 us)
    return np.arange(start, stop, step, dtype=dtype)


def zeros_like(x, /, *, dtype=None, device=None):
    if device is not None:
        _cpu("zeros_like", device)
    return np.zeros_like(x, dtype=dtype)


def ones_like(x, /, *, dtype=None, device=None):
    if device is not None:
        _cpu("ones_like", device)
    return np.ones_like(x, dtype=dtype)


#: array-api-compat's permute_dims calls np.transpose (NumPy 2's permute_dims) in a Python
#: frame of its own
permute_dims = np.permute_dims
_BF16 = np.dtype(ml_dtypes.bfloat16)


def matmul(x1, x2, /):
    if x1.dtype is _BF16:  # ml_dtypes multiplies bfloat16 matrices into float32
        return np.matmul(x1, x2).astype(_BF16)
    return np.matmul(x1, x2)
where = np.where


def floor_divide(x1, x2, /):
    out = np.floor_divide(x1, x2)
    if out.dtype.kind == "f" or out.dtype is _BF16:  # (ml_dtypes' bfloat16 is of kind "V")
        return host_floor_divide(out, x1, x2)
    return out


def expm1(x, /):
    out = np.expm1(x)
    if out.dtype.kind == "c":
        return fix_expm1(NAMESPACE, out, x)
    return out


def linalg_vector_norm(x, /, *, axis=None, keepdims=False, ord=2):  # noqa: A002
    """NumPy's, which takes a float axis for some shapes (a (1, 1) array)."""
    if axis is not None and type(axis) is not int:
        normalize_axes(axis, np.ndim(x), "linalg.vector_norm")
    return NAMESPACE.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)


def diff(x, /, *, axis=-1, n=1, prepend=None, append=None):
    """np.diff marks a missing prepend/append by its own sentinel, not None; with n=0 it
    returns x without reading axis (checked here, as the other backends do)."""
    kw = {k: v for k, v in (("prepend", prepend), ("append", append)) if v is not None}
    if n == 0:
        normalize_axis(axis, np.ndim(x), "diff")
    return np.diff(x, axis=axis, n=n, **kw)


def sort(x, /, *, axis=-1, descending=False, stable=True):
    """``axis=None`` sorts the flattened array, as NumPy (array-api-compat's descending sort
    takes an int axis only).

    An ascending unstable sort of an ndarray (``stable=False``: crossops.numpy's default,
    NumPy's default kind), and a stable one whose result no sort order changes, run
    NumPy's default sort (its vectorised quicksort: a stable sort of a small float array
    took 3.5 times as long), np.sort's steps without its Python frame. Only zeros (0.0
    and -0.0) and NaNs (their signs and payloads; the vectorised sort writes NaNs back as
    NumPy's own) compare equal with different bits: so bool and integer arrays, and
    float16/32/64 arrays without a NaN (``argmax`` finds one first) and without a +0.0
    (then every zero is -0.0, of one bit pattern: counted on the integer view of the
    bits). The checks are C methods: a ufunc or a reduction costs 0.5 to 1 us a call.
    bfloat16 and long double take the stable sort."""
    if axis is None:
        x, axis = np.reshape(x, -1), -1
    if type(x) is np.ndarray and type(axis) is int and not descending:
        if stable:
            dt = x.dtype
            bits = _FLOAT_BITS.get(dt)
            if bits is not None:
                n = x.size
                fast = _count_nonzero(x.view(bits)) == n and not (
                    n and _isnan(x.item(x.argmax())))
            else:
                fast = dt.kind in "biu"
        if not stable or fast:
            out = x.copy(order="K")
            out.sort(axis)  # (a 0-d x or a bad axis raises here, as in np.sort)
            return out
    return NAMESPACE.sort(x, axis=axis, descending=descending, stable=stable)


_count_nonzero = _private.count_nonzero  # (np.count_nonzero without its frame)
#: float16/32/64 -> the integer dtype of their size, whose view of the bits has one zero:
#: +0.0 (a dict by dtype: a byte-swapped float dtype is none of these)
_FLOAT_BITS = {np.dtype(f): np.dtype(i) for f, i in ((np.float16, np.int16),
                                                     (np.float32, np.int32),
                                                     (np.float64, np.int64))}


def argsort(x, /, *, axis=-1, descending=False, stable=True):
    """``axis=None``: the indices that sort the flattened array, as NumPy."""
    if axis is None:
        x, axis = np.reshape(x, -1), -1
    return NAMESPACE.argsort(x, axis=axis, descending=descending, stable=stable)


globals().update(dtype_functions(DTYPES, native_dtype, default_dtypes))


def namespace_info():
    return NAMESPACE.__array_namespace_info__()


linalg_matmul = matmul  # the standard's alias


def _keep_bfloat16(f):
    """ml_dtypes computes bfloat16 products in float32: give the result back in bfloat16."""
    def g(x1, x2, /, **kwargs):
        out = f(x1, x2, **kwargs)
        if x1.dtype is _BF16 and out.dtype != _BF16:
            return out.astype(_BF16)
        return out
    g.__name__ = g.__qualname__ = f.__name__
    return g


vecdot = linalg_vecdot = _keep_bfloat16(NAMESPACE.vecdot)
tensordot = linalg_tensordot = _keep_bfloat16(NAMESPACE.tensordot)


def _half_in_float32(f):
    """NumPy accumulates float16 statistics in float16 and overflows (std of [362, 0] is
    inf), and bfloat16 ones in bfloat16 (the mean of 200,000 values near 1000 is 1.3);
    compute them in float32 and round once, as the other backends do."""
    def g(x, /, **kwargs):
        if x.dtype == np.float16 or x.dtype is _BF16:
            return f(x.astype(np.float32), **kwargs).astype(x.dtype)
        return f(x, **kwargs)
    g.__name__ = g.__qualname__ = f.__name__
    return g


_std = _half_in_float32(NAMESPACE.std)
_var = _half_in_float32(NAMESPACE.var)
_mean = _half_in_float32(NAMESPACE.mean)
_HALF = frozenset(map(np.dtype, (np.float16, ml_dtypes.bfloat16)))

# The common calls of the statistics and of argmax, argmin, squeeze and clip: an ndarray's
# own method (C), which NumPy's function (np.var, np.argmax ...) calls with the same
# arguments after its __array_function__ dispatch and one or two Python frames (0.3 to
# 0.6 us of a 32x32 call).


def _by_method(method, general):
    """The statistic of ``method`` (``ndarray.std``, ``ndarray.var``) for a plain call of
    an ndarray of a dtype other than a half float, else ``general`` (array-api-compat's,
    half precision computed in float32: :func:`_half_in_float32`)."""
    def statistic(x, /, *, axis=None, correction=0.0, keepdims=False, **kwargs):
        if type(x) is np.ndarray and not kwargs and x.dtype not in _HALF:
            return method(x, axis=axis, ddof=_ddof(correction), keepdims=keepdims)
        return general(x, axis=axis, correction=correction, keepdims=keepdims, **kwargs)
    statistic.__name__ = statistic.__qualname__ = method.__name__
    return statistic


std = _by_method(np.ndarray.std, _std)
var = _by_method(np.ndarray.var, _var)


def _ddof(correction):
    """NumPy's ``ddof`` for a ``correction``: the int 0 for 0.0 (the op's default), with
    which NumPy's var gives the same values 1.5 us sooner (its count of the reduced
    elements stays an int)."""
    return 0 if type(correction) is float and correction == 0.0 else correction


def mean(x, /, *, axis=None, keepdims=False, **kwargs):
    """np.mean, half precision computed in float32 (:func:`_half_in_float32`)."""
    if type(x) is np.ndarray and not kwargs and x.dtype not in _HALF:
        return x.mean(axis=axis, keepdims=keepdims)
    return _mean(x, axis=axis, keepdims=keepdims, **kwargs)


def argmax(x, /, *, axis=None, keepdims=False):
    """np.argmax."""
    if type(x) is np.ndarray:
        return x.argmax(axis=axis, keepdims=keepdims)
    return np.argmax(x, axis=axis, keepdims=keepdims)


def argmin(x, /, *, axis=None, keepdims=False):
    """np.argmin."""
    if type(x) is np.ndarray:
        return x.argmin(axis=axis, keepdims=keepdims)
    return np.argmin(x, axis=axis, keepdims=keepdims)


def _in_int32(f):
    """``f`` (argmax, argmin) with its indices in int32, as keras.ops gives them (see
    ``RESULT_FUNCTIONS``)."""
    def indices(x, /, *, axis=None, keepdims=False):
        return f(x, axis=axis, keepdims=keepdims).astype(np.int32)
    indices.__name__ = indices.__qualname__ = f"{f.__name__}_int32"
    return indices


_argmax_int32 = _in_int32(argmax)
_argmin_int32 = _in_int32(argmin)


def squeeze(x, /, axis):
    """np.squeeze."""
    if type(x) is np.ndarray:
        return x.squeeze(axis)
    return np.squeeze(x, axis)


def sum(x, /, *, axis=None, dtype=None, keepdims=False):  # noqa: A001
    """np.sum, accumulating bfloat16 in float32 (NumPy sums it in bfloat16: 200,000 values
    near 1000 add up to 262,144); the common call of every other dtype is np.sum itself
    (``AT_DEFAULTS``)."""
    if dtype is None and x.dtype is _BF16:
        return np.sum(x, axis=axis, dtype=np.float32, keepdims=keepdims).astype(_BF16)
    return np.sum(x, axis=axis, dtype=dtype, keepdims=keepdims)


def prod(x, /, *, axis=None, dtype=None, keepdims=False):
    """np.prod, accumulating bfloat16 in float32 and rounding once (NumPy multiplies it in
    bfloat16, rounding at every step: 2000 values near 1 come out 0.19 for 0.40)."""
    if dtype is None and x.dtype is _BF16:
        return np.prod(x, axis=axis, dtype=np.float32, keepdims=keepdims).astype(_BF16)
    return np.prod(x, axis=axis, dtype=dtype, keepdims=keepdims)


_F16 = np.dtype(np.float16)


def _cumulative_in_float32(f):
    """array-api-compat's cumulative_sum/cumulative_prod, accumulating bfloat16 and float16
    in float32 and rounding each partial result once (NumPy accumulates them in their own
    dtype, rounding at every step: the bfloat16 running sum of 2000 values near 1000 stops
    at 262,144; the float16 one of 2000 values near 10 ends at 19,120 for 19,944)."""
    def g(x, /, *, axis=None, dtype=None, include_initial=False):
        if type(axis) is tuple:  # NumPy's axis of one int in a tuple (array-api-compat's
            axis = accumulate_axis(axis, f.__name__)  # wrapper takes an int only)
        if x.ndim == 0:  # NumPy's 0-d is one element of 1-d (array-api-compat's wrapper
            x = x.reshape(1)  # fails on it with include_initial)
        if dtype is None and (x.dtype is _BF16 or x.dtype is _F16):
            return f(x, axis=axis, dtype=np.float32,
                     include_initial=include_initial).astype(x.dtype)
        return f(x, axis=axis, dtype=dtype, include_initial=include_initial)
    g.__name__ = g.__qualname__ = f.__name__
    return g


def linalg_cross(x1, x2, /, *, axis=-1):
    """NumPy's linalg.cross (array-api-compat's is ``numpy.cross``, which also takes
    vectors of 2 elements)."""
    return np.linalg.cross(x1, x2, axis=axis)


cumulative_sum = _cumulative_in_float32(NAMESPACE.cumulative_sum)
cumulative_prod = _cumulative_in_float32(NAMESPACE.cumulative_prod)
linspace = number_linspace(NAMESPACE.linspace)  # array bounds: the generic's (NumPy's)

#: the dtypes of dot's own function (numpy.py's dot): NumPy's BLAS and integer loops
DOT_DTYPES = frozenset(map(np.dtype, (np.float32, np.float64, np.complex64, np.complex128,
                                      np.int8, np.int16, np.int32, np.int64, np.uint8,
                                      np.uint16, np.uint32, np.uint64)))
#: the dtypes whose isclose np.isclose computes as the op does (in their own dtype)
CLOSE_DTYPES = frozenset(map(np.dtype, (np.float16, np.float32, np.float64)))

AT_DEFAULTS = {"sum": {d: np.sum for d in DTYPES.values() if d is not _BF16},
               "prod": {d: np.prod for d in DTYPES.values() if d is not _BF16},
               # creation, a call of the shape alone (the creation fronts of
               # crossops._accel; arange of a Python int, whose range np.arange makes)
               "zeros": np.zeros, "ones": np.ones, "empty": np.empty,
               "arange": {int: np.arange},
               "eye": {int: np.eye},  # (an int size: by the first argument's type)
               # (Python number bounds, by the first's type: array-api-compat's
               # linspace calls it so)
               "linspace": {int: np.linspace, float: np.linspace},
               "full": np.full,  # (full above calls it so)
               # (of an ndarray and a fill, as array-api-compat's full_like calls it)
               "full_like": np.full_like,
               # NumPy's own (its AxisError, for a 0-d array too, goes on to the op's)
               "swapaxes": np.swapaxes, "transpose": np.transpose,
               # NumPy's own (array-api-compat's wrapper calls it; bool, which it refuses,
               # takes the op's bool loop)
               "sign": np.sign,
               # two arrays of one floating dtype, or one and a Python number (NumPy 2's
               # weak rule: crossops._dispatch._weak_scalar_call)
               "pow": dict.fromkeys(map(np.dtype, (np.float16, np.float32, np.float64,
                                                   np.complex64, np.complex128)), np.power),
               # two arrays of one dtype (the front checks): NumPy's own, as numpy.py's dot
               # and isclose
               "dot": dict.fromkeys(DOT_DTYPES, np.dot),
               "isclose": dict.fromkeys(CLOSE_DTYPES, np.isclose),
               # (the 2-norm of every element, a matrix's Frobenius norm: NumPy's own)
               "linalg.norm": dict.fromkeys(map(np.dtype, (np.float32, np.float64)),
                                            np.linalg.norm),
               # floating arrays: NumPy's own (array-api-compat's wrappers call floor, ceil
               # and trunc after a check of NumPy's version, a third of the call; the
               # generic forms of nan_to_num, trace and diag run crossops's ops; a 3-d diag
               # raises: the op names it)
               **{name: dict.fromkeys(map(np.dtype, (np.float16, np.float32, np.float64)), f)
                  for name, f in (("floor", np.floor), ("ceil", np.ceil),
                                  ("trunc", np.trunc), ("nan_to_num", np.nan_to_num),
                                  ("trace", np.trace), ("diag", np.diag))},
               # (of an ndarray: itself, as array-api-compat's asarray gives it)
               "asarray": np.asarray}
AT_DEFAULTS = window_defaults(AT_DEFAULTS, np.ndarray.copy)  # (core.slice, slice_update inside)
#: AT_DEFAULTS's creation functions that take ``dtype=`` as the op's functions do (a
#: dtype asked for: keras.ops's floatx and int32)
AT_DEFAULTS_DTYPE_KEYWORD = frozenset({"zeros", "ones", "empty", "arange", "eye", "linspace",
                                       "full"})

#: NumPy's own functions for calls that give an op some of its options and leave the others
#: at their defaults (see the torch backend's ``AT_OPTIONS``): concatenate of a list or
#: tuple of ndarrays of one dtype and one number of dimensions (the front checks) along an
#: int axis in range of theirs, as numpy.py's concatenate calls it there
AT_OPTIONS = {"concatenate": (np.concatenate, ("axis",), ("axis",)),
              # a real array along an int axis in range (the front checks), stably, as
              # the op's default (NaN last, as the op's)
              "argsort": (dict.fromkeys([d for d in DTYPES.values() if d.kind in "biuf"],
                                        functools.partial(np.argsort, kind="stable")),
                          ("axis",), ("axis",)),
              # (a tuple or list of ints: np.transpose, as numpy.py's transpose calls it;
              # axes it refuses raise, and transpose's own path names the error)
              "transpose": OptionsRoute(np.transpose, ("axes",), sequences=True),
              # a float32 or float64 array's vector norm along an int axis in range (the
              # front checks): NumPy's own (an order it refuses for vectors raises, and
              # the op's path names it)
              "linalg.norm": (dict.fromkeys(map(np.dtype, (np.float32, np.float64)),
                                            np.linalg.norm), ("ord", "axis", "keepdims"),
                              ("axis",))}

#: a dtype's name -> the cast of an op's result to it, which a C front calls on the result
#: of a keras.ops form that casts it (``ops.argmax``'s int32 indices): a C callable, as
#: ``astype`` casts (an array, or a NumPy scalar where the op gives one)
RESULT_CASTS = {"int32": operator.methodcaller("astype", np.int32)}
#: (op, dtype name) -> the op's function giving its result in that dtype, which a C front
#: calls in place of the op's function and the cast (``ops.argmax``: one call fewer)
RESULT_FUNCTIONS = {("argmax", "int32"): _argmax_int32, ("argmin", "int32"): _argmin_int32}


def linalg_lstsq(a, b, rcond=None):
    """keras.ops.linalg.lstsq: the solution of ``numpy.linalg.lstsq``."""
    check_lstsq(a, b)
    return np.linalg.lstsq(a, b, rcond=rcond)[0]


_BFLOAT16 = np.dtype(ml_dtypes.bfloat16)


_SCALAR_BOUNDS = frozenset({float, int, type(None)})
_ARRAY_BOUNDS = frozenset({np.ndarray, type(None)})


def _own(bound):
    return bound.copy() if isinstance(bound, np.ndarray) else bound


def clip(x, /, min=None, max=None):  # noqa: A002
    """np.clip, which has no bfloat16 loop next to Python bounds: maximum then minimum
    there (the same result: NaN propagates, and max wins where min > max); NumPy's own
    for Python bounds, or arrays of x's dtype, of a float or integer x."""
    if x.dtype.kind == "f" and type(min) in _SCALAR_BOUNDS and type(max) in _SCALAR_BOUNDS:
        # (NEP 50: Python bounds keep x's float dtype; an ndarray's clip method is what
        # np.clip calls, after its dispatch and two Python frames)
        return x.clip(min, max) if type(x) is np.ndarray else np.clip(x, min, max)
    if (type(min) in _ARRAY_BOUNDS and type(max) in _ARRAY_BOUNDS and x.dtype.kind in "fiu"
            and (min is None or min.dtype == x.dtype) and (max is None or max.dtype == x.dtype)):
        # bounds of x's dtype: np.clip itself (no promotion, no bound to fit in x's range)
        return np.clip(x, min, max)
    if x.dtype == np.bool_:  # NumPy's promotion of the bounds (array-api-compat keeps bool)
        dt = DTYPES[bool_clip_dtype(min, max, default_dtypes())]
        return np.clip(x.astype(dt), *(None if b is None else np.asarray(b).astype(dt)
                                       for b in (min, max)))
    if x.dtype != _BFLOAT16:  # (array-api-compat writes into integer array bounds: copies)
        return NAMESPACE.clip(x, min=_own(min), max=_own(max))
    out = x.copy()
    if min is not None:
        out = np.maximum(out, np.asarray(min).astype(_BFLOAT16))
    if max is not None:
        out = np.minimum(out, np.asarray(max).astype(_BFLOAT16))
    return out
