"""The framework's own kernels for the hottest activations (named in spec/nn.toml's
``native`` tables).

The generic forms in ``_activations`` are correct everywhere, but a compiler sees
``where(x < 0, 0, x)`` as a select rather than a ReLU: XLA then does not fuse it into the
preceding convolution, and eager PyTorch runs two kernels (and saves a mask) where
``torch.relu`` runs one; the generic sigmoid is eight eager calls where the framework's is
one. The natives compute the same values: half precision in float32, rounded once; NaN
propagates (``tf.nn.softmax`` gives 0 beside a NaN: the TensorFlow natives put the NaN
back); a tuple ``axis`` or a 0-d input falls back to the generic. Their derivatives are
the frameworks' own, right at 0 (sigmoid'(0) = 1/4, silu'(0) = 1/2). One difference:
for x << 0 (below about -10) the frameworks' gelu gives 0 or a value off by a few ulp of
a tiny number, where the generic form has no cancellation (as Keras's own gelu, which
uses the frameworks' kernels).

Examples
--------
>>> import torch, crossops.nn as nn
>>> nn.relu(torch.tensor([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

from __future__ import annotations

from ..numpy._compute import down, up
from . import _activations as generic


def relu_jax(x):
    import jax
    return jax.nn.relu(x)


def relu_torch(x):
    import torch
    return torch.relu(x)


def relu_tensorflow(x):
    import tensorflow as tf
    return tf.nn.relu(x)


def _native_axis(x, axis) -> bool:
    return isinstance(axis, int) and x.ndim > 0


def softmax_jax(x, axis=-1):
    import jax
    if not _native_axis(x, axis):
        return generic.softmax(x, axis)
    c, n = up(x)
    return down(jax.nn.softmax(c, axis=axis), n)


def log_softmax_jax(x, axis=-1):
    import jax
    if not _native_axis(x, axis):
        return generic.log_softmax(x, axis)
    c, n = up(x)
    return down(jax.nn.log_softmax(c, axis=axis), n)


def softmax_torch(x, axis=-1):
    import torch
    if not _native_axis(x, axis):
        return generic.softmax(x, axis)
    c, n = up(x)
    return down(torch.softmax(c, dim=axis), n)


def log_softmax_torch(x, axis=-1):
    import torch
    if not _native_axis(x, axis):
        return generic.log_softmax(x, axis)
    c, n = up(x)
    return down(torch.log_softmax(c, dim=axis), n)


def sigmoid_jax(x):
    import jax
    c, n = up(x)
    return down(jax.nn.sigmoid(c), n)


def sigmoid_torch(x):
    import torch
    c, n = up(x)
    return down(torch.sigmoid(c), n)


def sigmoid_tensorflow(x):
    import tensorflow as tf
    c, n = up(x)
    return down(tf.sigmoid(c), n)


def silu_jax(x):
    import jax
    c, n = up(x)
    return down(jax.nn.silu(c), n)


def silu_torch(x):
    import torch
    c, n = up(x)
    return down(torch.nn.functional.silu(c), n)


def silu_tensorflow(x):
    import tensorflow as tf
    c, n = up(x)
    return down(tf.nn.silu(c), n)


def _nan_rows_tensorflow(x, y, axis):
    """``y`` with NaN along ``axis`` wherever ``x`` has a NaN there (as the generic)."""
    import tensorflow as tf
    nan = tf.reduce_any(tf.math.is_nan(x), axis=axis, keepdims=True)
    return tf.where(nan, tf.constant(float("nan"), y.dtype), y)


def softmax_tensorflow(x, axis=-1):
    import tensorflow as tf
    if not _native_axis(x, axis):
        return generic.softmax(x, axis)
    c, n = up(x)
    return down(_nan_rows_tensorflow(c, tf.nn.softmax(c, axis=axis), axis), n)


def log_softmax_tensorflow(x, axis=-1):
    import tensorflow as tf
    if not _native_axis(x, axis):
        return generic.log_softmax(x, axis)
    c, n = up(x)
    return down(_nan_rows_tensorflow(c, tf.nn.log_softmax(c, axis=axis), axis), n)


def gelu_torch(x, approximate=True):
    import torch
    c, n = up(x)
    return down(torch.nn.functional.gelu(c, approximate="tanh" if approximate else "none"), n)


def gelu_tensorflow(x, approximate=True):
    import tensorflow as tf
    c, n = up(x)
    return down(tf.nn.gelu(c, approximate=bool(approximate)), n)
