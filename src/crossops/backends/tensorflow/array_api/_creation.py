"""Creation functions of the array API standard on TensorFlow.

Python data takes crossops's TensorFlow defaults: bool, int64, float32, complex64.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import tensorflow as tf

from .._compute import eager, executing_eagerly, int_tuple, run_kernel
from ._helpers import (
    DEFAULT_COMPLEX,
    DEFAULT_FLOAT,
    DEFAULT_INT,
    is_float8,
    is_tensor,
    ndim,
    on_device,
    scalar_tensor,
)

__all__ = [
    "arange", "asarray", "empty", "empty_like", "eye", "from_dlpack", "full", "full_like",
    "linspace", "meshgrid", "ones", "ones_like", "tril", "triu", "zeros", "zeros_like",
]

_KIND_DEFAULT = {"b": tf.bool, "i": DEFAULT_INT, "u": DEFAULT_INT, "f": DEFAULT_FLOAT,
                 "c": DEFAULT_COMPLEX}


def _scalar_dtype(v):
    """The default dtype of a Python scalar."""
    if isinstance(v, bool):
        return tf.bool
    if isinstance(v, int):
        return DEFAULT_INT
    if isinstance(v, float):
        return DEFAULT_FLOAT
    if isinstance(v, complex):
        return DEFAULT_COMPLEX
    if is_tensor(v):
        return v.dtype
    return _KIND_DEFAULT[np.asarray(v).dtype.kind]


def _has_tensor(obj) -> bool:
    if is_tensor(obj):
        return True
    if isinstance(obj, (list, tuple)):
        return any(_has_tensor(o) for o in obj)
    return False


def _np_dtype(dtype):
    return dtype.as_numpy_dtype


def asarray(obj, /, *, dtype=None, device=None, copy=None):
    """Convert ``obj`` (a tensor, a NumPy array, a buffer, a Python scalar or nested
    sequence) to a tensor.

    Python data takes bool, int64, float32 or complex64 unless ``dtype`` is given;
    ``copy=False`` raises ``ValueError`` where a copy cannot be avoided (a dtype change,
    Python data).
    """
    with on_device(device):
        if is_tensor(obj):
            x = tf.convert_to_tensor(obj) if isinstance(obj, tf.Variable) else obj
            if dtype is not None and x.dtype != dtype:
                if copy is False:
                    raise ValueError(f"asarray: copy=False but converting {x.dtype.name} to "
                                     f"{dtype.name} needs a copy; use copy=None")
                return tf.cast(x, dtype)
            return tf.identity(x) if copy else x
        if _has_tensor(obj):  # a (nested) sequence holding tensors, possibly symbolic
            if copy is False:
                raise ValueError("asarray: copy=False but a sequence must be copied; "
                                 "use copy=None")
            x = tf.convert_to_tensor(obj)
            return x if dtype is None or x.dtype == dtype else tf.cast(x, dtype)
        if hasattr(obj, "__dlpack__") and not isinstance(obj, np.ndarray) and not hasattr(
                obj, "__array__"):
            return from_dlpack(obj, copy=copy)
        python = isinstance(obj, (bool, int, float, complex, list, tuple))
        if python and copy is False:
            raise ValueError("asarray: copy=False but Python data must be copied into a "
                             "tensor; use copy=None")
        if dtype is not None:
            if python:
                try:
                    a = np.asarray(obj, dtype=_np_dtype(dtype))
                except (OverflowError, ValueError, TypeError):
                    a = np.asarray(obj)
            else:
                a = np.asarray(obj)
            x = tf.convert_to_tensor(a)
            return x if x.dtype == dtype else tf.cast(x, dtype)
        a = np.asarray(obj)
        if python:
            if a.dtype == object:
                raise TypeError(f"asarray: cannot convert {type(obj).__name__} of mixed or "
                                f"out-of-range values to a tensor; give dtype=")
            target = _KIND_DEFAULT[a.dtype.kind]
            x = tf.convert_to_tensor(a)
            return x if x.dtype == target else tf.cast(x, target)
        return tf.convert_to_tensor(a)


def from_dlpack(x, /, *, device=None, copy=None):
    """A tensor from any object with ``__dlpack__`` (tensors are returned as they are)."""
    if is_tensor(x):
        return tf.identity(x) if copy else x
    try:
        t = tf.experimental.dlpack.from_dlpack(x.__dlpack__())
    except Exception:  # noqa: BLE001  (dtypes or devices that TF's DLPack does not take)
        if copy is False:
            raise
        t = tf.convert_to_tensor(np.from_dlpack(x))
    with on_device(device):
        return tf.identity(t) if copy or device is not None else t


def _shape(shape, op):
    if isinstance(shape, int) or (is_tensor(shape) and shape.shape.rank == 0):
        return [shape]
    try:
        dims = list(shape)
    except TypeError:
        raise TypeError(f"{op}: shape must be an int or a tuple of ints, "
                        f"got {type(shape).__name__}") from None
    for d in dims:  # NumPy's TypeError for a float, a string or a nested list inside
        if not (is_tensor(d) and d.shape.rank == 0):
            _count(d, op, "shape")
    return dims


def _count(n, op: str, name: str) -> int:
    """``n`` as an int (a size or a count), or NumPy's TypeError naming ``name``."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral | np.integer):
        what = "an int or a tuple of ints" if name == "shape" else "an int"
        raise TypeError(f"{op}: {name} must be {what}, got {n!r} of type {type(n).__name__}")
    return int(n)


def _check_shape(shape, op):
    for s in shape:
        if isinstance(s, int) and s < 0:
            raise ValueError(f"{op}: negative dimension {s} in shape {tuple(shape)}")


def full(shape, fill_value, *, dtype=None, device=None):
    """tf.fill; an array fill_value (in its own dtype unless dtype is given) is broadcast
    to shape, as NumPy and Keras do."""
    if type(fill_value) in (bool, int, float):
        d = dtype or _scalar_dtype(fill_value)
        if (dims := _fill_dims(shape, d, device)) is not None:
            return run_kernel("Fill", dims, scalar_tensor(fill_value, d))
    shape = _shape(shape, "full")
    _check_shape(shape, "full")
    if isinstance(fill_value, np.ndarray | np.generic):  # (its dtype, as in NumPy)
        fill_value = tf.convert_to_tensor(fill_value)
    if dtype is None:
        dtype = _scalar_dtype(fill_value)
    with on_device(device):
        return _filled(shape, scalar_tensor(fill_value, dtype))


def _filled(shape, value):
    """A tensor of ``shape`` filled with ``value``: tf.fill for a scalar, a broadcast for
    an array (and for float8, which tf.fill has no kernel for; the float8 tensors of the
    other creation functions are made in float32, then cast)."""
    if value.shape.rank or is_float8(value.dtype):
        return tf.broadcast_to(value, shape)
    return tf.fill(shape, value)


#: the dtypes whose zeros :func:`zeros` fills eagerly (no float8), by id -> the DType
_FILLED = {id(d): d for d in (tf.bool, tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8,
                              tf.uint16, tf.uint32, tf.uint64, tf.float16, tf.bfloat16,
                              tf.float32, tf.float64, tf.complex64, tf.complex128)}
#: (value, id of a dtype of ``_FILLED``) -> its 0-d tensor, made eagerly and kept
_KEPT: dict = {}


def _kept(value, dtype):
    """The 0-d tensor of ``value`` (0, 1 or a bool) in ``dtype`` (one of ``_FILLED``), made
    once, eagerly (for the eager kernels' inputs; never while a tf.function traces)."""
    t = _KEPT.get((value, id(dtype)))
    if t is None:
        t = _KEPT[(value, id(dtype))] = tf.cast(tf.constant(value), dtype)
    return t


def _fill_dims(shape, dtype, device):
    """The kept int32 tensor of ``shape`` (:func:`int_tuple`) where TensorFlow's Fill kernel
    can make a tensor of it eagerly, without tf.fill's and tf.zeros's Python layers, which
    convert a Python shape at each call (~40 us of tf.zeros's 45 at 32x32): a tuple of
    ints, a dtype of ``_FILLED``, no device; else None."""
    if (device is None and type(shape) is tuple and id(dtype) in _FILLED
            and all(type(s) is int and s >= 0 for s in shape)):
        return int_tuple(shape)
    return None


def zeros(shape, *, dtype=None, device=None):
    if (dims := _fill_dims(shape, d := dtype or DEFAULT_FLOAT, device)) is not None:
        return run_kernel("Fill", dims, _kept(0, d))  # (a kept zero: :func:`_kept`)
    shape = _shape(shape, "zeros")
    _check_shape(shape, "zeros")
    with on_device(device):
        if is_float8(dtype):
            return tf.cast(tf.zeros(shape, tf.float32), dtype)
        return tf.zeros(shape, dtype or DEFAULT_FLOAT)


def ones(shape, *, dtype=None, device=None):
    if (dims := _fill_dims(shape, d := dtype or DEFAULT_FLOAT, device)) is not None:
        return run_kernel("Fill", dims, _kept(1, d))
    shape = _shape(shape, "ones")
    _check_shape(shape, "ones")
    with on_device(device):
        if is_float8(dtype):
            return tf.cast(tf.ones(shape, tf.float32), dtype)
        return tf.ones(shape, dtype or DEFAULT_FLOAT)


def empty(shape, *, dtype=None, device=None):
    """Zeros: TensorFlow has no uninitialised tensors."""
    return zeros(shape, dtype=dtype, device=device)


def full_like(x, /, fill_value, *, dtype=None, device=None):
    """As :func:`full` of x's shape: a Python number by TensorFlow's Fill kernel on a kept
    shape tensor where x's shape is known (no tf.shape kernel nor tf.fill's layers)."""
    dtype = dtype or x.dtype
    if type(fill_value) in (bool, int, float) and (
            dims := _fill_dims(tuple(x.shape.as_list()), dtype, device)) is not None:
        return run_kernel("Fill", dims, scalar_tensor(fill_value, dtype))
    with on_device(device):
        return _filled(tf.shape(x), scalar_tensor(fill_value, dtype))


def zeros_like(x, /, *, dtype=None, device=None):
    if device is None and tf.is_tensor(x) and (dtype is None or dtype == x.dtype) \
            and not is_float8(x.dtype):
        return tf.raw_ops.ZerosLike(x=x)  # one kernel (tf.shape and tf.zeros: two, ~3x)
    if is_float8(dtype or x.dtype):
        return zeros(tf.shape(x), dtype=dtype or x.dtype, device=device)
    with on_device(device):
        return tf.zeros(tf.shape(x), dtype or x.dtype)


def ones_like(x, /, *, dtype=None, device=None):
    if device is None and tf.is_tensor(x) and (dtype is None or dtype == x.dtype) \
            and not is_float8(x.dtype):
        return tf.raw_ops.OnesLike(x=x)  # one kernel (tf.shape and tf.ones: two, ~3x)
    if is_float8(dtype or x.dtype):
        return ones(tf.shape(x), dtype=dtype or x.dtype, device=device)
    with on_device(device):
        return tf.ones(tf.shape(x), dtype or x.dtype)


def empty_like(x, /, *, dtype=None, device=None):
    """Zeros: TensorFlow has no uninitialised tensors."""
    return zeros_like(x, dtype=dtype, device=device)


def eye(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None):
    n_cols = n_rows if n_cols is None else n_cols
    for name, n in (("n_rows", n_rows), ("n_cols", n_cols)):
        if not is_tensor(n):
            _count(n, "eye", name)
        elif not n.dtype.is_integer:  # NumPy's and Keras's TypeError, for a 0-d tensor too
            raise TypeError(f"eye: {name} must be an int or an integer tensor, got a "
                            f"{n.dtype.name} tensor")
    if isinstance(k, int) and isinstance(n_rows, int) and isinstance(n_cols, int):
        k = int(max(-n_rows, min(k, n_cols)))  # any k beyond the matrix gives zeros
        if not is_float8(dtype) and n_rows + n_cols < _INT32_END:
            return _one_hot_eye(n_rows, n_cols, k, dtype or DEFAULT_FLOAT, device)
    with on_device(device):
        r = tf.range(n_rows, dtype=tf.int64)[:, None]
        c = tf.range(n_cols, dtype=tf.int64)[None, :]
        eye = tf.math.equal(c - r, k)
        if is_float8(dtype):  # (no bool -> float8 cast)
            return tf.cast(tf.cast(eye, tf.float32), dtype)
        return tf.cast(eye, dtype or DEFAULT_FLOAT)


_INT32_END = 1 << 31


def _one_hot_eye(n_rows: int, n_cols: int, k: int, dtype, device):
    """eye of Python ints (``|k|`` within the matrix, their sums within int32): row ``r``
    is the one-hot row of index ``r + k`` among ``n_cols`` (an index outside ``[0,
    n_cols)`` is a row of zeros): two kernels, Range and OneHot (tf.eye's Python layers
    make a diagonal of ones and a matrix of it, at ~6x the time). Eagerly, the kernels
    themselves on a kept one and zero of ``dtype``."""
    if device is None and id(dtype) in _FILLED and executing_eagerly():
        rows = run_kernel("Range", k, k + n_rows, 1)
        return run_kernel("OneHot", rows, n_cols, _kept(1, dtype), _kept(0, dtype), "axis", -1)
    with on_device(device):
        return tf.one_hot(tf.range(k, k + n_rows), n_cols, on_value=tf.ones((), dtype),
                          off_value=tf.zeros((), dtype), dtype=dtype)


def arange(start, /, stop=None, step=1, *, dtype=None, device=None):
    """Values from ``start`` to ``stop`` (excluded) by ``step``: ``ceil((stop - start) /
    step)`` of them, computed in 64 bits and cast to ``dtype`` (int64 if every argument is
    an int or a NumPy integer, else float32)."""
    if stop is None:
        start, stop = 0, start
    if any(is_tensor(v) for v in (start, stop, step)):
        out = tf.range(start, stop, step)
        return out if dtype is None else tf.cast(out, dtype)
    if step == 0:
        raise ValueError("arange: step must not be 0")
    ints = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
    if ints:  # (NumPy's integer scalars too, as Python ints: no int32 overflow below)
        start, stop, step = int(start), int(stop), int(step)
    if dtype is None:
        dtype = DEFAULT_INT if ints else DEFAULT_FLOAT
    if ints:
        n = max(0, -((start - stop) // step))
    else:
        n = max(0, math.ceil((stop - start) / step))
    with on_device(device):
        if ints and (dtype.is_integer or dtype.is_floating):
            i = _iota64(n)
            if start == 0 and step == 1:  # i itself
                return tf.cast(i, dtype)
            # int64 arithmetic wraps modulo 2**64, which is exact for uint64 too
            out = tf.constant(_wrap64(start), tf.int64) + i * tf.constant(_wrap64(step), tf.int64)
            return tf.cast(out, dtype)
        i = tf.range(n, dtype=tf.float64)
        out = tf.constant(float(start), tf.float64) + i * tf.constant(float(step), tf.float64)
        return tf.cast(out, dtype)


#: int64 0 and 1, made on the first eager call
_RANGE64: list = []


def _iota64(n: int):
    """``tf.range(n, dtype=tf.int64)``: eagerly its kernel with kept int64 bounds (tf.range
    makes them and checks its arguments on each call: five times the time)."""
    if not tf.executing_eagerly():
        return tf.range(n, dtype=tf.int64)
    if not _RANGE64:
        _RANGE64.extend((tf.constant(0, tf.int64), tf.constant(1, tf.int64)))
    return tf.raw_ops.Range(start=_RANGE64[0], limit=n, delta=_RANGE64[1])


def _wrap64(v: int) -> int:
    return ((v + 2**63) % 2**64) - 2**63


def linspace(start, stop, /, num, *, dtype=None, device=None, endpoint=True):
    """``num`` evenly spaced values from ``start`` to ``stop`` (included if ``endpoint``),
    computed in 64-bit precision; float32 (complex64 for complex bounds) by default."""
    cplx = any(isinstance(v, complex) or (is_tensor(v) and v.dtype.is_complex)
               for v in (start, stop))
    if dtype is None:
        dtype = DEFAULT_COMPLEX if cplx else DEFAULT_FLOAT
    if not isinstance(num, int):  # NumPy's TypeError for a float or a string
        num = _count(num, "linspace", "num")
    if num < 0:
        raise ValueError(f"linspace: num must be a non-negative int, got {num!r}")
    work = tf.complex128 if cplx or dtype.is_complex else tf.float64
    with on_device(device):
        a, b = (scalar_tensor(v, work) for v in (start, stop))
        div = (num - 1) if endpoint else num
        i = tf.cast(tf.range(num, dtype=tf.float64), work)
        out = a + (b - a) * i / tf.cast(max(div, 1), work)
        if endpoint and num > 1:
            out = tf.concat([out[:-1], b[None]], 0)
        return tf.cast(out, dtype)


def meshgrid(*arrays, indexing="xy"):
    """Coordinate matrices from 1-D arrays (``indexing`` "xy" swaps the first two axes)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    arrays = [tf.reshape(a, [-1]) for a in arrays]
    n = len(arrays)
    sizes = [tf.shape(a)[0] for a in arrays]
    if indexing == "xy" and n >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    shape = tf.stack(sizes) if n else tf.zeros([0], tf.int32)
    out = []
    for i, a in enumerate(arrays):
        pos = i
        if indexing == "xy" and n >= 2 and i < 2:
            pos = 1 - i
        view = [1] * n
        view[pos] = -1
        out.append(tf.broadcast_to(tf.reshape(a, view), shape))
    return tuple(out)


def _band(x, k, lower, op):
    n = ndim(x, op)
    if n < 1:
        raise ValueError(f"{op}: x must have at least 1 dimension, got shape {x.shape}")
    if n == 1:  # NumPy's: its rows repeated into a square, masked
        x = tf.broadcast_to(x, tf.concat([tf.shape(x), tf.shape(x)], 0))
    rows, cols = x.shape[-2], x.shape[-1]
    if type(k) is int and rows is not None and cols is not None and not is_float8(x.dtype):
        return _band_part(x, k, lower, rows, cols)
    s = tf.shape(x)
    r = tf.range(s[-2], dtype=tf.int64)[:, None]
    c = tf.range(s[-1], dtype=tf.int64)[None, :]
    if type(k) is not int:  # a tensor or NumPy integer k (Keras's tests pass one under jit)
        k = tf.cast(k, tf.int64)
    keep = tf.math.less_equal(c - r, k) if lower else tf.math.greater_equal(c - r, k)
    return tf.where(keep, x, tf.zeros_like(x))


def _band_part(x, k: int, lower: bool, rows: int, cols: int):
    """tril (``lower``) or triu of ``x`` (at least 2-d, its last two sizes known) at the
    int offset ``k``, through TensorFlow's MatrixBandPart kernel (tf.linalg.band_part),
    which keeps the elements with ``row - col <= num_lower`` and ``col - row <= num_upper``
    (-1: no bound; a bound must not exceed the axis's size). tril keeps ``col - row <= k``
    and triu ``col - row >= k``: one kernel where that band reaches the diagonal (tril's
    k >= 0, triu's k <= 0); else the band of the elements to zero, a bool mask, and one
    select (exact for every value, NaN and inf too, where ``x - band`` is not)."""
    if lower:
        if k >= 0:
            return _band_kernel(x, -1, k if k < cols else -1)
        drop = (-k - 1 if -k - 1 < rows else -1, -1)  # row - col <= -k - 1
    else:
        if k <= 0:
            return _band_kernel(x, -k if -k < rows else -1, -1)
        drop = (-1, k - 1 if k - 1 < cols else -1)  # col - row <= k - 1
    if eager(x) and id(x.dtype) in _FILLED and (dims := int_tuple((rows, cols))) is not None:
        # eagerly: the three kernels, on a kept True and zero (tf.ones and tf.where's
        # Python layers took ~8x their time)
        mask = run_kernel("MatrixBandPart", run_kernel("Fill", dims, _kept(True, tf.bool)),
                          *drop)
        return run_kernel("SelectV2", mask, _kept(0, x.dtype), x)
    mask = tf.linalg.band_part(tf.ones((rows, cols), tf.bool), *drop)
    return tf.where(mask, tf.zeros((), x.dtype), x)


def _band_kernel(x, lower: int, upper: int):
    """tf.linalg.band_part(x, lower, upper); eagerly its kernel, without its Python layers."""
    if eager(x):
        return run_kernel("MatrixBandPart", x, lower, upper)
    return tf.linalg.band_part(x, lower, upper)


def tril(x, /, *, k=0):
    return _band(x, k, True, "tril")


def triu(x, /, *, k=0):
    return _band(x, k, False, "triu")


def tril_plain(x, /):
    """``tril(x)`` (k=0) of a tensor of at least 2 dimensions: MatrixBandPart's kernel alone
    (``AT_DEFAULTS``); a 1-d, 0-d or float8 tensor raises, and its call takes tril."""
    return run_kernel("MatrixBandPart", x, -1, 0) if eager(x) else tril(x)


def triu_plain(x, /):
    """``triu(x)`` (k=0), as :func:`tril_plain`."""
    return run_kernel("MatrixBandPart", x, 0, -1) if eager(x) else triu(x)
