"""Statistical functions of the array API standard on TensorFlow.

Also holds the small private helpers the other part-B modules share (axis
normalisation, promotion of two arrays, accumulator dtypes).
"""

from __future__ import annotations

import math

import tensorflow as tf

from ...._axes import normalize_axis
from ...._dtypes import result_name, weak_scalar_name
from ..._axis_tuples import accumulate_axis
from ..._common import zero_safe_sqrt
from .._compute import KERNEL_FLOATS, all_axes, cpu_buffer, eager_cpu, run_kernel
from .._private import static_shape
from ._helpers import dim, reduce_axis

__all__ = ["cumulative_prod", "cumulative_sum", "max", "mean", "min", "prod", "std",
           "sum", "var"]

_SIGNED = (tf.int8, tf.int16, tf.int32, tf.int64)
_UNSIGNED = (tf.uint8, tf.uint16, tf.uint32, tf.uint64)


def _ndim(x, op: str) -> int:
    nd = x.shape.rank
    if nd is None:
        raise ValueError(f"{op}: the input's rank must be known (got a tensor of unknown rank)")
    return nd




def _axes(x, axis, op: str) -> tuple[int, ...]:
    """``axis`` (None, int or tuple) as a sorted tuple of non-negative axes."""
    nd = _ndim(x, op)
    if axis is None:
        return tuple(range(nd))
    if isinstance(axis, (tuple, list)):
        out = tuple(normalize_axis(a, nd, op) for a in axis)
    else:
        out = (normalize_axis(axis, nd, op),)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in axis={axis!r}; give each axis once")
    return tuple(sorted(out))


def _tensor(x, op: str, name: str = "x"):
    if isinstance(x, tf.Tensor):  # what convert_to_tensor returns it as (without its ~1 us)
        return x
    if isinstance(x, tf.Variable):
        return tf.convert_to_tensor(x)
    raise TypeError(f"{op}: {name} must be a tf.Tensor, got {type(x).__name__}")


def _as_tensor_like(a, other):
    """``a`` as a tensor; a Python scalar becomes a weak scalar next to ``other``'s dtype."""
    if isinstance(a, (tf.Tensor, tf.Variable)):
        return tf.convert_to_tensor(a)
    if isinstance(a, (bool, int, float, complex)) and other is not None:
        name = weak_scalar_name(type(a), other.dtype.name, ("int64", "float32", "complex64"))
        if type(a) is bool and name != "bool":
            a = int(a)  # tf.constant makes no number of a bool
        return tf.constant(a, dtype=tf.as_dtype(name))
    return tf.convert_to_tensor(a)


def _promote(x1, x2, op: str):
    """Two arrays (or one array and a Python scalar) promoted with crossops's table."""
    t = (tf.Tensor, tf.Variable)
    if not isinstance(x1, t) and not isinstance(x2, t):
        raise TypeError(f"{op}: at least one of x1, x2 must be a tf.Tensor")
    if isinstance(x1, t):
        x1 = tf.convert_to_tensor(x1)
        x2 = _as_tensor_like(x2, x1)
    else:
        x2 = tf.convert_to_tensor(x2)
        x1 = _as_tensor_like(x1, x2)
    if x1.dtype != x2.dtype:
        try:
            r = tf.as_dtype(result_name(x1.dtype.name, x2.dtype.name))
        except (KeyError, TypeError, ValueError):
            raise TypeError(f"{op}: no common dtype for {x1.dtype.name} and {x2.dtype.name}; "
                            f"cast one of them first") from None
        x1, x2 = tf.cast(x1, r), tf.cast(x2, r)
    return x1, x2


#: the accumulator of bool and integer dtypes, by the dtype's id (TensorFlow's DType
#: compares in Python, ~0.3 us a comparison)
_ACCUMULATOR = {**{id(d): tf.int64 for d in (tf.bool, *_SIGNED)},
                **{id(d): tf.uint64 for d in _UNSIGNED}}


def _acc_dtype(dt):
    """The dtype of sum/prod/cumulative_sum/trace when no dtype is given."""
    return _ACCUMULATOR.get(id(dt), dt)


def _count(x, axes):
    """Number of elements reduced over ``axes`` (a Python int when static)."""
    n = 1
    for a in axes:  # (the dynamic shape, one more op, only where a size is unknown)
        n = n * dim(x, a)
    return n


def _reduce(f, x, axis, keepdims, op):
    axis = reduce_axis(_axes(x, axis, op), x.shape.rank)
    raw = _KERNELS.get(f)
    if raw is None:
        return f(x, axis=axis, keepdims=keepdims)
    return _kernel(raw, x, axis, keepdims)


def _kernel(raw, x, axis, keepdims):
    """Reduction kernel ``raw`` (a tf.raw_ops function) of ``x`` over ``axis`` (as
    :func:`reduce_axis` gives it: None for every axis)."""
    return raw(input=x, axis=all_axes(x.shape.rank) if axis is None else axis,
               keep_dims=keepdims)


#: the kernels the tf.reduce_* functions call, called straight away: their wrappers cost
#: ~3 us, and given axis=None make the tensor of every axis on each call (~10 us)
_KERNELS = {tf.reduce_sum: tf.raw_ops.Sum, tf.reduce_prod: tf.raw_ops.Prod,
            tf.reduce_mean: tf.raw_ops.Mean, tf.reduce_max: tf.raw_ops.Max,
            tf.reduce_min: tf.raw_ops.Min, tf.reduce_any: tf.raw_ops.Any,
            tf.reduce_all: tf.raw_ops.All}


def _sum_prod(f, op, x, axis, dtype, keepdims):
    x = _tensor(x, op)
    if dtype is None and id(x.dtype) in _OWN_ACC:  # floating: in its own dtype
        if f is tf.reduce_prod and id(x.dtype) in _HALF:
            # tf.reduce_prod of float16/bfloat16 rounds at every step (2000 bfloat16 values
            # near 1: 0.21 for 0.40): multiplied in float32 and rounded once
            return tf.cast(_reduce(f, tf.cast(x, tf.float32), axis, keepdims, op), x.dtype)
        return _reduce(f, x, axis, keepdims, op)
    dt = _acc_dtype(x.dtype) if dtype is None else tf.as_dtype(dtype)
    if x.dtype is not dt:
        x = tf.cast(x, dt)
    if dt is tf.bool:  # sum/prod in bool: any/all
        g = tf.reduce_any if f is tf.reduce_sum else tf.reduce_all
        return _reduce(g, x, axis, keepdims, op)
    return _reduce(f, x, axis, keepdims, op)


#: dtypes that sum in their own dtype, by id (tensors' dtypes are interned; DType.__eq__ is
#: slow)
_OWN_ACC = frozenset(map(id, (tf.float32, tf.float64, tf.bfloat16, tf.float16, tf.complex64,
                              tf.complex128)))
#: half-precision dtypes, by id: products and running sums accumulate them in float32
_HALF = frozenset(map(id, (tf.float16, tf.bfloat16)))


def sum(x, /, *, axis=None, dtype=None, keepdims=False):  # noqa: A001
    if axis is None and dtype is None and keepdims is False:
        # hot path: floating dtypes accumulate in their own dtype
        if id(x.dtype) in _OWN_ACC:
            return _kernel(tf.raw_ops.Sum, x, None, False)
    return _sum_prod(tf.reduce_sum, "sum", x, axis, dtype, keepdims)


def prod(x, /, *, axis=None, dtype=None, keepdims=False):
    return _sum_prod(tf.reduce_prod, "prod", x, axis, dtype, keepdims)


def _max_min(op, f, fb, x, axis, keepdims):
    x = _tensor(x, op)
    if x.dtype.is_complex:
        raise TypeError(f"{op}: complex input ({x.dtype.name}) has no order; use a real dtype "
                        f"or reduce abs(x)")
    axes = _axes(x, axis, op)
    if any(x.shape[a] == 0 for a in axes):
        raise ValueError(f"{op}: zero-size reduction over axis {axes} of an array of shape "
                         f"{tuple(x.shape)} has no identity; reduce a non-empty axis")
    raw = _KERNELS[fb if x.dtype == tf.bool else f]
    return _kernel(raw, x, reduce_axis(axes, x.shape.rank), keepdims)


#: the real dtypes other than bool, by id: those whose maximum and minimum are the Max and
#: Min kernels' (bool: Any and All; complex: an error)
_ORDERED_IDS = frozenset(map(id, (tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8, tf.uint16,
                                  tf.uint32, tf.uint64, tf.float16, tf.bfloat16, tf.float32,
                                  tf.float64)))


def _eager_axis(x, axis, keepdims):
    """``axis`` in ``[0, ndim)`` where ``x`` is an eager CPU tensor whose axis ``axis`` (an
    int in range) has a non-zero length and ``keepdims`` is a bool: the calls whose
    reduction is the kernel over that axis, straight away (:func:`run_kernel`); else None."""
    if type(axis) is int and type(keepdims) is bool and eager_cpu(x):
        shape = static_shape(x)
        if -len(shape) <= axis < len(shape) and shape[axis]:
            return axis % len(shape)
    return None


def max(x, /, *, axis=None, keepdims=False):  # noqa: A001
    if id(x.dtype) in _ORDERED_IDS and (a := _eager_axis(x, axis, keepdims)) is not None:
        return run_kernel("Max", x, a, "keep_dims", keepdims)
    return _max_min("max", tf.reduce_max, tf.reduce_any, x, axis, keepdims)


def min(x, /, *, axis=None, keepdims=False):  # noqa: A001
    if id(x.dtype) in _ORDERED_IDS and (a := _eager_axis(x, axis, keepdims)) is not None:
        return run_kernel("Min", x, a, "keep_dims", keepdims)
    return _max_min("min", tf.reduce_min, tf.reduce_all, x, axis, keepdims)


def _floating(x, op):
    """``x`` as a tensor, integers and bools in float64 (NumPy's mean, var and std)."""
    x = _tensor(x, op)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        x = tf.cast(x, tf.float64)
    return x


def mean(x, /, *, axis=None, keepdims=False):
    if id(x.dtype) in KERNEL_FLOATS and (a := _eager_axis(x, axis, keepdims)) is not None:
        return run_kernel("Mean", x, a, "keep_dims", keepdims)  # (float32/64: as below)
    x = _floating(x, "mean")
    if x.dtype.is_complex:  # part by part: tf.reduce_mean of an empty complex array gives 0
        re = _reduce(tf.reduce_mean, tf.math.real(x), axis, keepdims, "mean")
        im = _reduce(tf.reduce_mean, tf.math.imag(x), axis, keepdims, "mean")
        return tf.complex(re, im)
    if x.dtype == tf.float16:  # summed in float32, as NumPy does (no overflow of the sum)
        return tf.cast(_reduce(tf.reduce_mean, tf.cast(x, tf.float32), axis, keepdims, "mean"),
                       tf.float16)
    return _reduce(tf.reduce_mean, x, axis, keepdims, "mean")


def var(x, /, *, axis=None, correction=0.0, keepdims=False):
    x = _floating(x, "var")
    if x.dtype in (tf.float16, tf.bfloat16):  # in float32 (the sum of squares and the count
        # overflow float16: NaN for 200,000 values), rounded once
        return tf.cast(var(tf.cast(x, tf.float32), axis=axis, correction=correction,
                           keepdims=keepdims), x.dtype)
    axes = _axes(x, axis, "var")
    red = reduce_axis(axes, x.shape.rank)
    mean = _kernel(tf.raw_ops.Mean, x, red, True)
    if x.dtype.is_complex:
        d = x - mean
        d2 = tf.math.real(d * tf.math.conj(d))
    else:  # (x - mean) * (x - mean) in one kernel, each step rounded as written out
        d2 = tf.raw_ops.SquaredDifference(x=x, y=mean)
    n = _count(x, axes)
    if type(n) is int and type(correction) in (int, float) and math.isfinite(correction):
        # the same float64 arithmetic in Python (three scalar ops fewer); the division
        # rounds it to d2's dtype as the cast does
        dof = float(n) - correction
        denom = dof if dof > 0.0 else 0.0
    else:
        denom = tf.cast(tf.maximum(tf.cast(n, tf.float64) - correction, 0.0), d2.dtype)
    return tf.raw_ops.RealDiv(x=_kernel(tf.raw_ops.Sum, d2, red, keepdims), y=denom)


def std(x, /, *, axis=None, correction=0.0, keepdims=False):
    """The square root of ``var``, whose gradient at a zero variance (a constant input) is
    0, a subgradient, rather than ``inf * 0 = nan``."""
    return zero_safe_root(var(x, axis=axis, correction=correction, keepdims=keepdims))


def zero_safe_root(s):
    """:func:`crossops.backends._common.zero_safe_sqrt` of a real ``s``: the same values and
    gradient, in four kernels where that one calls six (the zeros and ones are scalars);
    ``std``'s, and the 2-norms' of ``linalg``."""
    if s.dtype.is_complex:
        return zero_safe_sqrt(tf, s)
    # the tensor first in each call: a traced kernel takes its dtype from its first operand
    nonzero = tf.raw_ops.NotEqual(x=s, y=0.0)
    root = tf.raw_ops.Sqrt(x=tf.raw_ops.SelectV2(condition=nonzero, t=s, e=1.0))
    return tf.raw_ops.SelectV2(condition=nonzero, t=root, e=0.0)


def _cumulative(op, f, init, x, axis, dtype, include_initial):
    x = _tensor(x, op)
    nd = _ndim(x, op)
    if axis is None:
        if nd > 1:
            raise ValueError(f"{op}: axis is required for an array of {nd} dimensions; give "
                             f"axis=, or flatten first with reshape(x, (-1,))")
        axis = 0
    if nd == 0:  # NumPy reads a 0-d array as one element of 1-d
        x = tf.reshape(x, [1])
        nd = 1
    if type(axis) is tuple:  # NumPy's axis of one int in a tuple
        axis = accumulate_axis(axis, op)
    axis = normalize_axis(axis, nd, op)
    if dtype is None and id(x.dtype) in _HALF:
        # tf.cumsum and tf.math.cumprod of float16/bfloat16 round at every step (a bfloat16
        # running sum of values near 1000 stops at 262,144): in float32, each result
        # rounded once to the input's dtype
        return tf.cast(_cumulative(op, f, init, tf.cast(x, tf.float32), axis, None,
                                   include_initial), x.dtype)
    dt = _acc_dtype(x.dtype) if dtype is None else tf.as_dtype(dtype)
    x = tf.cast(x, dt) if x.dtype is not dt else x
    if dt is tf.bool:  # cumulative sum/prod in bool: any/all so far
        out = tf.cast(f(tf.cast(x, tf.int64), axis=axis), tf.bool)
    else:
        out = f(x, axis=axis)
    if include_initial:
        pad = [[0, 0]] * nd
        pad[axis] = [1, 0]
        out = tf.pad(out, pad, constant_values=tf.cast(init, dt) if dt != tf.bool else bool(init))
    return out


def cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False):
    return _cumulative("cumulative_sum", tf.cumsum, 0, x, axis, dtype, include_initial)


def _cumprod(x, axis):
    """tf.math.cumprod, whose gradient is right where ``x`` holds zeros (tf's divides the
    reversed running sum by ``x``: 0 there). An eager CPU tensor without zeros (read on
    the host) takes tf's own gradient: ``tf.custom_gradient`` costs ~50 us a call."""
    if not x.dtype.is_floating:
        return tf.math.cumprod(x, axis=axis)
    values = cpu_buffer(x)
    if values is not None and values.all():
        return tf.math.cumprod(x, axis=axis)

    @tf.custom_gradient
    def f(x):
        def grad(g):
            # d/dx_i = prod_{k<i} x_k * R_i, R_i = sum_{j>=i} g_j prod_{i<k<=j} x_k, i.e.
            # R_i = g_i + x_{i+1} R_{i+1}: a scan from the end, with no division
            xt = tf.experimental.numpy.moveaxis(x, axis, 0)
            gt = tf.experimental.numpy.moveaxis(g, axis, 0)
            following = tf.concat([xt[1:], tf.ones_like(xt[:1])], 0)
            r = tf.scan(lambda acc, e: e[0] + e[1] * acc, (gt, following),
                        initializer=tf.zeros(tf.shape(gt)[1:], gt.dtype), reverse=True)
            # (the initial value made of the shape, not gt[0]: an empty axis has none)
            before = tf.math.cumprod(xt, axis=0, exclusive=True)
            return tf.experimental.numpy.moveaxis(before * r, 0, axis)
        return tf.math.cumprod(x, axis=axis), grad

    return f(x)


def cumulative_prod(x, /, *, axis=None, dtype=None, include_initial=False):
    return _cumulative("cumulative_prod", _cumprod, 1, x, axis, dtype, include_initial)
