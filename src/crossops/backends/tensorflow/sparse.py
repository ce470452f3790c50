"""TensorFlow's sparse arrays (``tf.SparseTensor``, ``tf.IndexedSlices``) in crossops ops.

A call given a sparse array runs the function of the op's name here, which keeps the
result sparse where keras.ops does; an op with no function here gets its sparse
arguments made dense by :func:`densify` (see ``crossops._dispatch.Op.sparse``).
"""

from __future__ import annotations

import tensorflow as tf


def densify(x):
    """Sparse array ``x`` as a dense tensor."""
    if isinstance(x, tf.IndexedSlices):
        return tf.convert_to_tensor(x)
    return tf.sparse.to_dense(x)
