"""TensorFlow's special functions for crossops.math, from ``tf.math``, with Keras's
parameter names; half precision is computed in float32 (TensorFlow has no half erfinv or
igamma kernels) and rounded once; and ``segment_sum``'s common call
(``tf.math.unsorted_segment_sum``), ``top_k`` and ``in_top_k`` by their kernels."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from .._common import partial, plain_axes
from ._compute import KERNEL_FLOATS, eager_cpu
from ._private import host_buffer, run_kernel

#: by id (TensorFlow's DType compares in Python, ~0.3 us a comparison)
_HALF = frozenset(map(id, (tf.float16, tf.bfloat16)))


def _unary(f, x):
    if id(x.dtype) in _HALF:
        return tf.cast(f(tf.cast(x, tf.float32)), x.dtype)
    return f(x)


def _binary(f, x1, x2):
    compute = tf.float32 if id(x1.dtype) in _HALF else x1.dtype
    return tf.cast(f(tf.cast(x1, compute), tf.cast(x2, compute)), x1.dtype)


def _erf(c):
    # tf.math.erf gives nan for float64 infinities (its float32 kernel gives +-1, as
    # everywhere past +-4: as it is); erf(6) rounds to 1 in float64
    if c.dtype is tf.float32:
        return run_kernel("Erf", c) if eager_cpu(c) else tf.math.erf(c)
    six = tf.constant(6, c.dtype)
    return tf.math.erf(tf.where(c > six, six, tf.where(c < -six, -six, c)))


def rsqrt(x):
    return _unary(tf.math.rsqrt, x)


def erf(x):
    return _unary(_erf, x)


def erfc(x):
    return _unary(tf.math.erfc, x)


def erfinv(x):
    return _unary(tf.math.erfinv, x)


def _igamma(a, x):
    """tf.math.igamma, with d/dx at (a, x) = (1, 0) its value 1 (tf's is nan there: its
    ``x**(a - 1) * exp(-x) / gamma(a)`` is formed as ``exp((a - 1) * log(x) - ...)``, 0 * -inf
    at a = 1); there ``P(1, x) = 1 - exp(-x)`` is ``x`` to first order."""
    edge = tf.logical_and(tf.equal(a, 1), tf.equal(x, 0))
    safe = tf.where(edge, tf.ones_like(x), x)
    return tf.where(edge, x, tf.math.igamma(a, safe))


def gammainc(x1, x2):
    return _binary(_igamma, x1, x2)


#: the dtypes of TensorFlow's TopKV2 kernel on the CPU
_TOP_K_DTYPES = frozenset((tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int8,
                           tf.int16, tf.int32, tf.int64, tf.uint8))


_TARGETS = frozenset(map(id, (tf.int32, tf.int64)))


@partial
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """``tf.math.unsorted_segment_sum`` of an eager CPU float32/64 or int32/64 tensor by 1-d
    int ids below ``num_segments`` (read on the host; a negative one drops its row, as the
    generic form's mask does); other calls (no ``num_segments``, an id past it, under
    ``tf.function``) take the generic form."""
    if not (type(num_segments) is int and data.dtype in _SUMMED and eager_cpu(data)
            and eager_cpu(segment_ids) and segment_ids.dtype in (tf.int32, tf.int64)
            and segment_ids.shape.rank == 1 and data.shape.rank
            and segment_ids.shape[0] == data.shape[0]):
        return NotImplemented
    ids = host_buffer(segment_ids)
    if ids.size and ids.max() >= num_segments:
        return NotImplemented
    return tf.math.unsorted_segment_sum(data, segment_ids, num_segments)


_SUMMED = frozenset({tf.float32, tf.float64, tf.int32, tf.int64})


@partial
def in_top_k(targets, predictions, k):
    """TensorFlow's InTopKV2 kernel for eager CPU float32 predictions of rank 2 that are
    all finite and int32/int64 targets of rank 1 that name classes (read on the host):
    ties at the k-th count in, as the generic form's count of larger predictions gives
    them. A non-finite prediction (the kernel says False for its whole row), a target out
    of range, other dtypes and graphs take the generic form."""
    if not isinstance(predictions, tf.Tensor) or not isinstance(targets, tf.Tensor) \
            or predictions.dtype is not tf.float32 or id(targets.dtype) not in _TARGETS \
            or type(k) is not int or not eager_cpu(predictions) or not eager_cpu(targets) \
            or predictions.shape.rank != 2 or targets.shape.rank != 1:
        return NotImplemented
    scores, classes = host_buffer(predictions), host_buffer(targets)
    if not np.isfinite(scores).all() or (classes.size and not (
            0 <= classes.min() and classes.max() < scores.shape[1])):
        return NotImplemented
    return run_kernel("InTopKV2", predictions, targets, np.asarray(k, classes.dtype))


@partial
def top_k(x, k, sorted=True, is_stable=True):
    """TensorFlow's TopKV2 kernel for an eager CPU tensor holding no NaN (its order of
    NaN is open; read on the host, ~1.5 us for 32x32): sorted, ties with the lower index
    first, as the generic form's stable descending sort gives them. NaN, graphs, other
    devices and other dtypes take the generic form."""
    if not isinstance(x, tf.Tensor) or not eager_cpu(x) or x.dtype not in _TOP_K_DTYPES \
            or x.shape.rank == 0 or type(k) is not int or not 0 <= k <= x.shape[-1]:
        return NotImplemented
    if x.dtype.is_floating and np.isnan(host_buffer(x)).any():
        return NotImplemented
    values, indices = run_kernel("TopKV2", x, k, "sorted", True, "index_type", tf.int32)
    return values, indices


@partial
def logsumexp(x, axis=None, keepdims=False):
    """The generic form's computation in TensorFlow's kernels, run by name, for an eager
    CPU float32 or float64 tensor whose slices all have a finite maximum (read on the
    host): ``log(sum(exp(x - max))) + max``, the generic's values bit for bit, in six
    kernels where the generic dispatches ten ops (``tf.reduce_logsumexp`` is a Python
    composite of about as many). Other cases take the generic form."""
    if not isinstance(x, tf.Tensor) or not eager_cpu(x) or id(x.dtype) not in KERNEL_FLOATS \
            or type(keepdims) is not bool or not x.shape.num_elements():
        return NotImplemented
    axis = plain_axes(axis, x.shape.rank)
    if axis is None:
        return NotImplemented
    # (axes as a NumPy array: TensorFlow converts a Python list ~25 us slower)
    axes = np.array(axis if type(axis) is tuple else (axis,), np.int32)
    m = run_kernel("Max", x, axes, "keep_dims", True)
    if not np.isfinite(host_buffer(m)).all():
        return NotImplemented  # (a slice of NaN or infinities: the generic's selections)
    s = run_kernel("Sum", run_kernel("Exp", run_kernel("Sub", x, m)), axes,
                   "keep_dims", keepdims)
    if not keepdims:
        m = run_kernel("Reshape", m, np.array(s.shape, np.int32))
    return run_kernel("AddV2", run_kernel("Log", s), m)
