"""conv, depthwise_conv, separable_conv and conv_transpose with Keras's signatures.

Kernels have Keras's layouts: ``(*kernel_spatial, in_channels, out_channels)`` for
``conv`` (inputs whose channels are a multiple of ``in_channels`` run as a grouped
convolution, as Keras's JAX and torch backends do), ``(*kernel_spatial, channels,
multiplier)`` for ``depthwise_conv`` and ``(*kernel_spatial, out_channels, in_channels)``
for ``conv_transpose``.

The generic functions here (patch extraction and a batched matmul, every backend) run on
NumPy; JAX, PyTorch and TensorFlow call their framework's convolution, in
``crossops/backends/<backend>/nn.py`` (JAX compiles ``separable_conv``'s generic form).
float16 and bfloat16 are computed in float32 and rounded once.

Examples
--------
>>> import numpy as np, crossops.nn as nn
>>> nn.conv(np.ones((1, 5, 1)), np.ones((3, 1, 2)), padding="same")[0, :, 0].tolist()
[2.0, 3.0, 3.0, 3.0, 2.0]
"""

from __future__ import annotations

import crossops.numpy as xnp

from ..numpy._compute import down, name, up
from ..numpy._keras import sizes
from . import _windows as w


def _operands(x, *kernels):
    """The compute-dtype operands (half precision in float32) and the result dtype."""
    c, n = up(x)
    return (c,) + tuple(xnp.astype(k, name(c), copy=False) for k in kernels), n


def _depthwise_as_grouped(kernel, n):
    """A depthwise kernel ``(*k, C, M)`` as a grouped conv kernel ``(*k, 1, C * M)``."""
    shape = w.shape_of(kernel)
    return xnp.reshape(kernel, shape[:n] + (1, shape[n] * shape[n + 1]))


# -- generic ---------------------------------------------------------------------------

def _grouped_matmul(p, kernel, groups, out_shape):
    """``p`` windows ``(batch, *out, K, C)`` times ``kernel`` ``(*k, C / groups, O)``."""
    shape = w.shape_of(p)
    # (-1: the rows, where a size is unknown while traced, a None batch axis)
    m = -1 if None in shape[:-2] else w.prod(shape[:-2])
    k, c = shape[-2], shape[-1]
    cg = c // groups
    o = int(kernel.shape[-1])
    p = xnp.reshape(p, (m, k, groups, cg))
    p = xnp.reshape(xnp.permute_dims(p, (2, 0, 1, 3)), (groups, m, k * cg))
    kk = xnp.reshape(kernel, (k, cg, groups, o // groups))
    kk = xnp.reshape(xnp.permute_dims(kk, (2, 0, 1, 3)), (groups, k * cg, o // groups))
    y = xnp.matmul(p, kk)  # (groups, m, o / groups)
    y = xnp.permute_dims(y, (1, 0, 2))
    return xnp.reshape(y, tuple(out_shape) + (o,))


def _conv_core(x_last, kernel, strides, dilation, pad_pairs, groups):
    """A channels_last convolution in the compute dtype (generic)."""
    ksize = w.shape_of(kernel)[:-2]
    p = w.patches(x_last, ksize, strides, dilation, pad_pairs)
    out_shape = sizes(p)[:-2]  # (a None batch axis: tf.shape's)
    return _grouped_matmul(p, kernel, groups, out_shape)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    a = w.conv_args("nn.conv", inputs, kernel, strides, padding, data_format, dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    y = _conv_core(w.to_last(c, a.fmt), k, a.strides, a.dilation, a.pads, a.groups)
    return down(w.from_last(y, a.fmt), n)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    a = w.depthwise_args("nn.depthwise_conv", inputs, kernel, strides, padding, data_format,
                         dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    y = _conv_core(w.to_last(c, a.fmt), _depthwise_as_grouped(k, a.n), a.strides, a.dilation,
                   a.pads, a.channels)
    return down(w.from_last(y, a.fmt), n)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    op = "nn.separable_conv"
    a = w.separable_args(op, inputs, depthwise_kernel, pointwise_kernel, strides, padding,
                         data_format, dilation_rate)
    from . import conv as conv_op
    from . import depthwise_conv as depthwise_op
    (c, dk, pk), n = _operands(inputs, depthwise_kernel, pointwise_kernel)
    y = depthwise_op(c, dk, a.strides, a.pad, a.fmt, a.dilation)
    return down(conv_op(y, pk, 1, "valid", a.fmt, 1), n)


def crop_full(y, crops, first):
    """The Keras window of a full transposed convolution ``y``: crop (lo, hi) per spatial
    axis from ``first`` on; a negative hi appends zeros."""
    idx, extra = w.crop_slices(y.shape, crops, first)
    return w.pad_spatial(y[idx], extra, 0.0, first)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    a = w.transpose_args("nn.conv_transpose", inputs, kernel, strides, padding,
                         output_padding, data_format, dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    x = w.spread(w.to_last(c, a.fmt), a.strides)
    x = w.pad_spatial(x, a.edge_pads)
    # a valid convolution with the spatially flipped kernel, (out, in) swapped
    k = xnp.flip(k, axis=tuple(range(a.n)))
    k = xnp.permute_dims(k, tuple(range(a.n)) + (a.n + 1, a.n))
    y = _conv_core(x, k, (1,) * a.n, a.dilation, ((0, 0),) * a.n, 1)
    return down(w.from_last(y, a.fmt), n)


CONV = {f.__name__: f for f in (conv, depthwise_conv, separable_conv, conv_transpose)}
