"""The framework's own kernels for the hottest activations (named in spec/nn.toml's
``native`` tables).

The generic forms in ``_activations`` are correct everywhere, but a compiler sees
``where(x < 0, 0, x)`` as a select rather than a ReLU: XLA then does not fuse it into the
preceding convolution, and eager PyTorch runs two kernels (and saves a mask) where
``torch.relu`` runs one. The natives compute the same values: half precision in float32,
rounded once; NaN propagates; a tuple ``axis`` or a 0-d input falls back to the generic.
TensorFlow keeps the generic softmax: ``tf.nn.softmax`` gives 0, not NaN, beside a NaN.

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
