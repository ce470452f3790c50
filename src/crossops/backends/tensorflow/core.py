"""TensorFlow's functions of crossops.core, found by op name
(``backends/tensorflow/core.py``): ``slice`` (``tf.slice``), ``slice_update``
(``TensorStridedSliceUpdate`` at known starts, else ``tf.tensor_scatter_nd_update``),
``scatter`` and ``scatter_update`` (``tf.tensor_scatter_nd_*``; ``mul`` as a product of
segments) and ``unstack``. Arguments are checked by :mod:`crossops.backends._core`,
which gives the rules the backends share.
"""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from .. import _core as c
from ._private import eager, run_kernel


def slice(inputs, start_indices, shape):
    window = c.inside_slices(inputs, start_indices, shape)
    if window is not None and eager(inputs):  # (Python int bounds inside inputs)
        # (bounds as NumPy arrays: TensorFlow converts a Python list ~25 us slower)
        return run_kernel("Slice", inputs, np.array([w.start for w in window], np.int64),
                          np.array([w.stop - w.start for w in window], np.int64))
    starts = c.starts_of("core.slice", inputs, start_indices)
    sizes = c.slice_sizes(inputs, starts, shape)
    dims = [int(d) for d in inputs.shape]
    starts = c.clamped(starts, dims, sizes,
                      lambda s, lo, hi: tf.clip_by_value(tf.cast(s, tf.int64), lo, hi))
    begin = tf.stack([tf.cast(s, tf.int64) for s in starts]) if starts else \
        tf.zeros((0,), tf.int64)
    return tf.slice(inputs, begin, tf.constant(sizes, tf.int64))


def _tf_grid(starts, sizes):
    """int64 indices of shape sizes + (ndim,) for the block at ``starts``."""
    ranges = [tf.range(n, dtype=tf.int64) + tf.cast(s, tf.int64) for s, n in zip(starts, sizes)]
    return tf.stack(tf.meshgrid(*ranges, indexing="ij"), axis=-1)


def slice_update(inputs, start_indices, updates):
    updates = tf.cast(tf.convert_to_tensor(updates), inputs.dtype)
    sizes = c.update_sizes("core.slice_update", inputs, updates)
    starts = c.starts_of("core.slice_update", inputs, start_indices)
    dims = [int(d) for d in inputs.shape]
    if not dims:
        return tf.identity(updates)
    if 0 in sizes:
        return tf.identity(inputs)
    starts = c.clamped(starts, dims, sizes,
                      lambda s, lo, hi: tf.clip_by_value(tf.cast(s, tf.int64), lo, hi))
    if all(map(c.is_concrete, starts)):  # the block's bounds known: one kernel, which XLA
        # compiles (its bounds are constants there); NumPy arrays convert ~25 us faster
        begin = np.array(starts, np.int64)
        return tf.raw_ops.TensorStridedSliceUpdate(
            input=inputs, begin=begin, end=begin + np.array(sizes, np.int64),
            strides=np.ones(len(dims), np.int64), value=updates)
    return tf.tensor_scatter_nd_update(inputs, _tf_grid(starts, sizes), updates)


def scatter(indices, values, shape):
    indices = tf.cast(tf.convert_to_tensor(indices), tf.int64)
    values = tf.convert_to_tensor(values)
    shape = c.check_scatter_shapes("core.scatter", indices, values, shape)
    return tf.scatter_nd(indices, values, tf.constant(shape, tf.int64))


def scatter_update(inputs, indices, updates, reduction=None):
    r = c.reduction_of(reduction)
    indices = tf.cast(tf.convert_to_tensor(indices), tf.int64)
    updates = tf.cast(tf.convert_to_tensor(updates), inputs.dtype)
    c.check_scatter_shapes("core.scatter_update", indices, updates, inputs.shape)
    if r == "mul":  # no tensor_scatter_nd_mul: multiply by the product of each target's updates
        k = int(indices.shape[-1])
        dims = [int(d) for d in inputs.shape]
        lead, rest = dims[:k], dims[k:]
        strides = tf.constant([math.prod(lead[j + 1:]) for j in range(k)], tf.int64)
        flat = tf.reshape(tf.reduce_sum(indices * strides, axis=-1), [-1])
        prods = tf.math.unsorted_segment_prod(tf.reshape(updates, [-1] + rest), flat,
                                              math.prod(lead))
        return tf.reshape(tf.reshape(inputs, [math.prod(lead)] + rest) * prods, dims)
    f = {None: tf.tensor_scatter_nd_update, "add": tf.tensor_scatter_nd_add,
         "max": tf.tensor_scatter_nd_max, "min": tf.tensor_scatter_nd_min}[r]
    return f(inputs, indices, updates)


def unstack(x, num=None, axis=0):
    return tf.unstack(x, num=num, axis=c.unstack_axis(x, num, axis))
