"""Helpers shared by the TensorFlow namespace modules (axes, dtypes, kernel gaps)."""

from __future__ import annotations

import contextlib
import math

import tensorflow as tf

from ...._axes import normalize_axis
from ...._dtypes import dtype_name, result_name

UNSIGNED = (tf.uint8, tf.uint16, tf.uint32, tf.uint64)
#: signed integer dtype of the same width (for bitcasts)
SAME_WIDTH_INT = {1: tf.int8, 2: tf.int16, 4: tf.int32, 8: tf.int64}

DEFAULT_INT, DEFAULT_FLOAT, DEFAULT_COMPLEX = tf.int64, tf.float32, tf.complex64

#: the float8 types (``crossops._dtypes.FLOAT8``): storage dtypes, which TensorFlow casts
#: to only from floats and has no fill, ones/zeros-like or arithmetic kernels for on CPU
FLOAT8 = frozenset(getattr(tf.dtypes.experimental, n) for n in ("float8_e4m3fn", "float8_e5m2"))
#: by id: TensorFlow's DType objects are interned (hashing one costs more than the test)
_FLOAT8_IDS = frozenset(map(id, FLOAT8))


def is_float8(dtype) -> bool:
    """Whether ``dtype`` (a TensorFlow DType, or None) is a float8 type."""
    return id(dtype) in _FLOAT8_IDS


def is_tensor(x) -> bool:
    return isinstance(x, (tf.Tensor, tf.Variable))


def tensor(x, dtype=None):
    """``x`` as a tensor (a Python scalar takes ``dtype``)."""
    if is_tensor(x):
        return x if dtype is None or x.dtype == dtype else tf.cast(x, dtype)
    return tf.convert_to_tensor(x, dtype=dtype)


def ndim(x, op: str) -> int:
    """The static rank of ``x``; a ``ValueError`` if it is not known when tracing."""
    r = x.shape.rank
    if r is None:
        raise ValueError(f"{op}: the rank of x must be known (got a tensor of unknown rank); "
                         f"give the tf.function an input_signature with a known rank")
    return r




def norm_axes(axis, n: int, op: str, arg: str = "axis") -> tuple[int, ...]:
    """``axis`` (None, an int or a sequence of ints) as a tuple of distinct axes in [0, n)."""
    if axis is None:
        return tuple(range(n))
    if isinstance(axis, (list, tuple)):
        out = tuple(normalize_axis(a, n, op, arg) for a in axis)
        if len(set(out)) != len(out):
            raise ValueError(f"{op}: {arg}={axis} repeats an axis; give each axis once")
        return out
    return (normalize_axis(axis, n, op, arg),)


def reduce_axis(axes: tuple[int, ...], n: int):
    """The ``axis`` argument of a ``tf.reduce_*`` call over ``axes`` of a rank-``n`` array:
    None for all of them and an int for one (TensorFlow's eager fast path takes those; a
    list of axes goes through its slow fallback, at 3-4x the time), else a list."""
    if len(axes) == n:
        return None
    return axes[0] if len(axes) == 1 else list(axes)


def common_dtype(arrays, op: str):
    """The dtype of ``arrays`` under crossops's promotion table."""
    names = [dtype_name(a.dtype) for a in arrays]
    try:
        name = result_name(*names)
        return getattr(tf, name) if hasattr(tf, name) else arrays[0].dtype  # (one float8)
    except KeyError:
        raise TypeError(f"{op}: no common dtype for {', '.join(names)}") from None


def promote(arrays, op: str) -> list:
    """Tensors of ``arrays`` cast to their common dtype."""
    arrays = [tensor(a) for a in arrays]
    if not arrays:
        return arrays
    dt = common_dtype(arrays, op)
    return [a if a.dtype == dt else tf.cast(a, dt) for a in arrays]


def via_int(x, fn):
    """``fn`` on a bitcast of ``x`` to the signed int of its width (for data movement ops
    without a kernel for some dtypes, e.g. ``tile`` and ``repeat`` on uint16)."""
    if x.dtype in (tf.uint16, tf.uint32, tf.uint64):
        it = SAME_WIDTH_INT[x.dtype.size]
        return tf.bitcast(fn(tf.bitcast(x, it)), x.dtype)
    return fn(x)


def on_device(device):
    """A context placing new tensors on ``device`` (nothing if ``device`` is None)."""
    if device is None:
        return contextlib.nullcontext()
    return tf.device(getattr(device, "name", device))


def shape_list(x, static: list | None = None, dynamic=None) -> list:
    """The shape of ``x``: static ints where known, scalar tensors of its dynamic shape
    where a size is unknown while ``tf.function`` traces (crossops's one static-or-dynamic
    shape read on TensorFlow, with :func:`dim`; ``tests/test_layering.py`` finds no other).

    Parameters
    ----------
    x : tf.Tensor
        The array (or a sparse or ragged one, with ``static`` and ``dynamic`` given).
    static : list, optional
        ``x``'s static shape, None where unknown; ``x.shape.as_list()`` by default.
    dynamic : callable, optional
        A function giving ``x``'s shape as a 1-d tensor, called only where a size is
        unknown; ``tf.shape(x)`` by default (a sparse array's: its ``dense_shape``).

    Returns
    -------
    list
        One int or 0-d tensor per axis.
    """
    if static is None:
        static = x.shape.as_list()
    if all(d is not None for d in static):
        return static
    dyn = tf.shape(x) if dynamic is None else dynamic()
    return [d if d is not None else dyn[i] for i, d in enumerate(static)]


def dim(x, axis: int, out_type=tf.int32):
    """The size of ``x`` along ``axis``: an int where static, else a 0-d ``out_type``
    tensor of ``tf.shape(x)`` (see :func:`shape_list`)."""
    d = x.shape[axis]
    return d if d is not None else tf.shape(x, out_type=out_type)[axis]


def scalar_tensor(value, dtype):
    """``value`` (a Python scalar, or a tensor) as a tensor of ``dtype``; -0.0 is made as
    the negative of 0.0 in a float or complex dtype, since ``tf.constant(-0.0, dtype)``
    gives the 0.0 of TensorFlow's eager cache of Python scalars once a 0.0 was converted
    (they compare equal)."""
    if is_tensor(value):
        return value if value.dtype == dtype else tf.cast(value, dtype)
    if (type(value) is float and value == 0.0 and math.copysign(1.0, value) < 0
            and (dtype.is_floating or dtype.is_complex)):
        return tf.math.negative(tf.constant(0.0, dtype=dtype))
    try:
        return tf.constant(value, dtype=dtype)
    except (TypeError, ValueError):
        return tf.cast(tf.constant(value), dtype)


def nonzero(x):
    """``x != 0`` as bool, exact for subnormal floats (TensorFlow's CPU kernels flush them
    to zero)."""
    if x.dtype == tf.bool:
        return x
    if x.dtype.is_complex:
        return tf.math.logical_or(nonzero(tf.math.real(x)), nonzero(tf.math.imag(x)))
    if x.dtype.is_floating:
        it = SAME_WIDTH_INT[x.dtype.size]
        magnitude = tf.constant((1 << (8 * x.dtype.size - 1)) - 1, it)  # all but the sign bit
        return tf.math.not_equal(tf.bitwise.bitwise_and(tf.bitcast(x, it), magnitude), 0)
    return tf.math.not_equal(x, tf.zeros((), x.dtype))
