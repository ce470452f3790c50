"""Indexing functions of the array API standard on TensorFlow."""

from __future__ import annotations

import tensorflow as tf

from ...._axes import normalize_axis
from ..._core import check_flat_indices, check_integer_indices
from .._compute import eager_cpu, run_kernel
from .._private import host_buffer, static_shape
from ._helpers import dim, is_tensor, ndim, tensor, via_int

__all__ = ["take", "take_along_axis"]


#: index dtypes tf.gather takes none of, by id (a tensor's dtype is interned; comparing it
#: with each of six costs ~4 us)
_NARROW_INDICES = frozenset(map(id, (tf.int8, tf.int16, tf.uint8, tf.uint16, tf.uint32,
                                     tf.uint64)))


def _wrap(indices, size, op):
    """Negative indices counted from the end of an axis of ``size`` (an int where the
    shape is static, else a scalar tensor).

    Eagerly, an index outside ``[-size, size)`` raises IndexError, as in NumPy, and indices
    that are all in ``[0, size)`` go to the gather as they are. Inside a ``tf.function``
    TensorFlow's gather decides: InvalidArgumentError when the graph runs on CPU, zeros on
    GPU (see the spec entry's doc).
    """
    indices = tensor(indices)
    if not indices.dtype.is_integer:
        raise TypeError(f"{op}: indices has dtype {indices.dtype.name}; use an integer array")
    if id(indices.dtype) in _NARROW_INDICES:
        wide = tf.int64 if indices.dtype.is_unsigned else tf.int32
        indices = tf.cast(indices, wide)  # gather's index dtypes (a uint64 above 2**63 is
        # negative now, and out of bounds below)
    if tf.executing_eagerly():
        values = indices.numpy()  # bounds on the host: one copy, no kernel launches
        if values.size:
            n = int(size)
            lo, hi = int(values.min()), int(values.max())
            if lo < -n or hi >= n:
                raise IndexError(f"{op}: indices span [{lo}, {hi}], out of bounds for an axis"
                                 f" of size {n}; use indices in [{-n}, {n})")
            if lo >= 0:
                return indices
        else:
            return indices
    return tf.where(indices < 0, indices + tf.cast(size, indices.dtype), indices)


def take(x, indices, /, *, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis``; without one, of the flattened ``x``
    (NumPy's and keras.ops's reading; the standard leaves it open beyond 1-D), as along
    axis 0 or -1 of a 0-d ``x`` (NumPy's)."""
    if axis is None or (type(axis) is int and axis in (0, -1) and ndim(x, "take") == 0):
        x, axis = tf.reshape(tensor(x), [-1]), 0
    n = ndim(x, "take")
    axis = normalize_axis(axis, n, "take")
    if is_tensor(indices) and indices.dtype is tf.bool:  # NumPy's: bools as 0 and 1
        indices = tf.cast(indices, tf.int32)
    idx = _wrap(indices, _size(x, axis), "take")
    return via_int(x, lambda v: _gather(v, idx, axis))


def _gather(x, indices, axis: int, batch_dims: int = 0):
    """``tf.gather`` of indices in range (an int ``axis``): its kernel, without the ~40 us
    of its Python wrapper (which adds a variable's sparse read; a tf.Variable's value is
    read here as any tensor's)."""
    return tf.raw_ops.GatherV2(params=x, indices=indices, axis=axis, batch_dims=batch_dims)


def _size(x, axis):
    """The length of ``x`` along ``axis``: an int where static, else an int64 scalar
    tensor."""
    return dim(x, axis, tf.int64)


#: the index dtypes of :func:`take_along_axis`'s eager call, by id
_GATHER_INDICES = frozenset(map(id, (tf.int32, tf.int64)))
#: the dtypes whose gather :func:`via_int` makes on a bitcast, by id
_VIA_INT = frozenset(map(id, (tf.uint16, tf.uint32, tf.uint64)))


def take_along_axis(x, indices, /, *, axis=-1):
    """Elements of ``x`` at ``indices`` along ``axis``; the other axes broadcast. With
    ``axis=None``, of the flattened ``x`` at 1-d indices (NumPy's reading)."""
    if (type(axis) is int and eager_cpu(x) and eager_cpu(indices)
            and id(indices.dtype) in _GATHER_INDICES and id(x.dtype) not in _VIA_INT):
        xs, js = static_shape(x), static_shape(indices)
        n = len(xs)
        if n and len(js) == n and (axis == -1 or axis == n - 1) and xs[:-1] == js[:-1]:
            # eagerly, the common case below (no axis to move, nothing to broadcast) with
            # indices in [0, size): the gather kernel, straight away
            v = host_buffer(indices)
            if not v.size or (v.min() >= 0 and v.max() < xs[-1]):
                return run_kernel("GatherV2", x, indices, n - 1, "batch_dims", n - 1)
    if axis is None:
        check_flat_indices("take_along_axis", tensor(indices))
        x, axis = tf.reshape(tensor(x), [-1]), 0
    n = ndim(x, "take_along_axis")
    if ndim(tensor(indices), "take_along_axis") != n:
        raise ValueError(f"take_along_axis: indices must have as many axes as x ({n}), "
                         f"got {tensor(indices).shape.rank}")
    axis = normalize_axis(axis, n, "take_along_axis")
    check_integer_indices("take_along_axis", tensor(indices).dtype.name)
    idx = _wrap(indices, _size(x, axis), "take_along_axis")
    if axis == n - 1 and x.shape[:-1].is_fully_defined() and x.shape[:-1] == idx.shape[:-1]:
        # the common case (top-k, sort indices): no axis to move, nothing to broadcast
        return via_int(x, lambda v: _gather(v, idx, n - 1, n - 1))
    # move the axis last, broadcast the other axes, gather with batch dims
    perm = [a for a in range(n) if a != axis] + [axis]
    xt, it = tf.transpose(x, perm), tf.transpose(idx, perm)
    xs, is_ = tf.shape(xt, out_type=tf.int64), tf.shape(it, out_type=tf.int64)
    batch = tf.broadcast_dynamic_shape(xs[:-1], is_[:-1])
    xt = tf.broadcast_to(xt, tf.concat([batch, xs[-1:]], 0))
    it = tf.broadcast_to(it, tf.concat([batch, is_[-1:]], 0))
    out = via_int(xt, lambda v: tf.gather(v, it, axis=n - 1, batch_dims=n - 1))
    inv = [0] * n
    for i, p in enumerate(perm):
        inv[p] = i
    return tf.transpose(out, inv)
