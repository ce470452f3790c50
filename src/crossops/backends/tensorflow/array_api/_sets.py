"""Set functions of the array API standard on TensorFlow.

The ``unique_*`` functions have data-dependent output shapes: they run eagerly and
inside ``tf.function`` (with unknown dimensions), not under XLA. Every NaN is a
distinct value (as in NumPy 2); -0.0 and 0.0 are one value.
"""

from __future__ import annotations

from typing import NamedTuple

import tensorflow as tf

from ._sorting import _argsort_last, _sort_key
from ._statistics import _promote, _tensor

__all__ = ["isin", "unique_all", "unique_counts", "unique_inverse", "unique_values"]


class UniqueAllResult(NamedTuple):
    values: tf.Tensor
    indices: tf.Tensor
    inverse_indices: tf.Tensor
    counts: tf.Tensor


class UniqueCountsResult(NamedTuple):
    values: tf.Tensor
    counts: tf.Tensor


class UniqueInverseResult(NamedTuple):
    values: tf.Tensor
    inverse_indices: tf.Tensor


def _unique(x, op):
    """(values, first indices, inverse indices (shape of x), counts)."""
    x = _tensor(x, op)
    flat = tf.reshape(x, [-1])
    n = tf.shape(flat, out_type=tf.int64)[0]
    if flat.dtype.is_complex:  # lexicographic: by real part, then by imaginary part
        perm = _argsort_last(_sort_key(tf.math.imag(flat), op), False)
        key = tf.gather(_sort_key(tf.math.real(flat), op), perm)
        perm = tf.gather(perm, _argsort_last(key, False))
    else:
        perm = _argsort_last(_sort_key(flat, op), False)
    perm = tf.cast(perm, tf.int64)
    s = tf.gather(flat, perm)
    # a new value starts where it differs from its predecessor (NaN != NaN: each its own)
    new = tf.concat([tf.ones(tf.minimum(n, 1)[None], tf.bool),
                     tf.not_equal(s[1:], s[:-1])], 0)
    starts = tf.where(new)[:, 0]
    values = tf.gather(s, starts)
    indices = tf.gather(perm, starts)
    counts = tf.concat([starts[1:], n[None]], 0) - starts
    group = tf.cumsum(tf.cast(new, tf.int64)) - 1
    inverse = tf.reshape(tf.scatter_nd(perm[:, None], group, n[None]), tf.shape(x))
    return values, indices, inverse, counts


def unique_all(x, /):
    return UniqueAllResult(*_unique(x, "unique_all"))


def unique_counts(x, /):
    v, _, _, c = _unique(x, "unique_counts")
    return UniqueCountsResult(v, c)


def unique_inverse(x, /):
    v, _, inv, _ = _unique(x, "unique_inverse")
    return UniqueInverseResult(v, inv)


def unique_values(x, /):
    return _unique(x, "unique_values")[0]


def isin(x1, x2, /, *, assume_unique=False, invert=False):
    """Membership by a sorted lookup, exact whether or not ``assume_unique`` holds."""
    x1, x2 = _promote(x1, x2, "isin")
    k2 = _sort_key(tf.reshape(x2, [-1]), "isin")
    k2 = tf.gather(k2, _argsort_last(k2, False))
    flat = tf.reshape(x1, [-1])
    k1 = _sort_key(flat, "isin")
    i = tf.searchsorted(k2[None], k1[None], side="left")[0]
    found = tf.equal(tf.gather(tf.concat([k2, tf.zeros([1], k2.dtype)], 0), i), k1)
    hit = tf.logical_and(i < tf.shape(k2)[0], found)
    if x1.dtype.is_floating:  # NaN is in nothing
        hit = tf.logical_and(hit, tf.logical_not(tf.math.is_nan(flat)))
    hit = tf.reshape(hit, tf.shape(x1))
    return tf.logical_not(hit) if invert else hit
