"""conv, depthwise_conv, separable_conv and conv_transpose with Keras's signatures.

Kernels have Keras's layouts: ``(*kernel_spatial, in_channels, out_channels)`` for
``conv`` (inputs whose channels are a multiple of ``in_channels`` run as a grouped
convolution, as Keras's JAX and torch backends do), ``(*kernel_spatial, channels,
multiplier)`` for ``depthwise_conv`` and ``(*kernel_spatial, out_channels, in_channels)``
for ``conv_transpose``.

The generic functions (patch extraction and a batched matmul, every backend) run on
NumPy; ``*_jax``, ``*_torch`` and ``*_tensorflow`` call the framework's convolution and
are named in spec/nn.toml's ``native`` tables. float16 and bfloat16 are computed in
float32 and rounded once.

Examples
--------
>>> import numpy as np, crossops.nn as nn
>>> nn.conv(np.ones((1, 5, 1)), np.ones((3, 1, 2)), padding="same")[0, :, 0].tolist()
[2.0, 3.0, 3.0, 3.0, 2.0]
"""

from __future__ import annotations

import crossops.numpy as xnp

from .._config import standardize_data_format
from ..numpy._compute import down, down_torch, name, up
from . import _windows as w

# -- arguments -------------------------------------------------------------------------

def _args(op, inputs, kernel, strides, padding, data_format, dilation_rate, *,
          kernel_in_axis=-2):
    """Checked arguments of a convolution: spatial rank, layout, per-dimension strides,
    dilation, padding pairs, channels and groups."""
    n = w.spatial_input(op, inputs)
    fmt = standardize_data_format(data_format, op)
    pad = w.padding(op, padding)
    shapes = f"inputs shape {w.shape_of(inputs)}, kernel shape {w.shape_of(kernel)}, " \
             f"data_format={fmt!r}"
    if kernel.ndim != inputs.ndim:
        raise ValueError(f"{op}: the kernel must have the rank of the inputs ({inputs.ndim}: "
                         f"spatial..., in, out), got {shapes}")
    strides = w.ints(op, "strides", strides, n)
    dilation = w.ints(op, "dilation_rate", dilation_rate, n)
    ksize = w.shape_of(kernel)[:n]
    if 0 in ksize:
        raise ValueError(f"{op}: the kernel has an empty spatial dimension: {shapes}")
    c = w.channels(inputs, fmt)
    kin = int(kernel.shape[kernel_in_axis])
    size = w.spatial(inputs, fmt)
    return w.Args(n=n, fmt=fmt, pad=pad, strides=strides, dilation=dilation,
                           ksize=ksize, channels=c, kin=kin, size=size, shapes=shapes,
                           pads=w.pads(op, size, ksize, strides, dilation, pad, shapes))


def _conv_args(op, inputs, kernel, strides, padding, data_format, dilation_rate):
    a = _args(op, inputs, kernel, strides, padding, data_format, dilation_rate)
    out = int(kernel.shape[-1])
    if a.kin == 0 or a.channels % a.kin or out % (a.channels // a.kin):
        raise ValueError(
            f"{op}: the input channels ({a.channels}) must equal the kernel's in_channels "
            f"(kernel.shape[-2] = {a.kin}), or be a multiple of it whose ratio (groups) "
            f"divides the kernel's out_channels ({out}): {a.shapes}")
    a.groups = a.channels // a.kin
    return a


def _depthwise_args(op, inputs, kernel, strides, padding, data_format, dilation_rate):
    a = _args(op, inputs, kernel, strides, padding, data_format, dilation_rate)
    if a.kin != a.channels:
        raise ValueError(f"{op}: the input channels ({a.channels}) must equal the kernel's "
                         f"kernel.shape[-2] ({a.kin}): {a.shapes}")
    return a


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
    m, k, c = w.prod(shape[:-2]), shape[-2], shape[-1]
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
    out_shape = w.shape_of(p)[:-2]
    return _grouped_matmul(p, kernel, groups, out_shape)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    a = _conv_args("nn.conv", inputs, kernel, strides, padding, data_format, dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    y = _conv_core(w.to_last(c, a.fmt), k, a.strides, a.dilation, a.pads, a.groups)
    return down(w.from_last(y, a.fmt), n)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    a = _depthwise_args("nn.depthwise_conv", inputs, kernel, strides, padding, data_format,
                        dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    y = _conv_core(w.to_last(c, a.fmt), _depthwise_as_grouped(k, a.n), a.strides, a.dilation,
                   a.pads, a.channels)
    return down(w.from_last(y, a.fmt), n)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    op = "nn.separable_conv"
    a = _depthwise_args(op, inputs, depthwise_kernel, strides, padding, data_format,
                        dilation_rate)
    mid = a.channels * int(depthwise_kernel.shape[-1])
    pshape = w.shape_of(pointwise_kernel)
    if pointwise_kernel.ndim != inputs.ndim or any(d != 1 for d in pshape[:a.n]) \
            or pshape[a.n] != mid:
        raise ValueError(f"{op}: pointwise_kernel must have shape {(1,) * a.n + (mid,)} + "
                         f"(out_channels,) (channels * multiplier = {mid}), got {pshape}; "
                         f"{a.shapes}")
    from . import conv as conv_op
    from . import depthwise_conv as depthwise_op
    (c, dk, pk), n = _operands(inputs, depthwise_kernel, pointwise_kernel)
    y = depthwise_op(c, dk, a.strides, a.pad, a.fmt, a.dilation)
    return down(conv_op(y, pk, 1, "valid", a.fmt, 1), n)


def _transpose_args(op, inputs, kernel, strides, padding, output_padding, data_format,
                    dilation_rate):
    a = _args(op, inputs, kernel, strides, "same", data_format, dilation_rate,
              kernel_in_axis=-1)
    a.pad = w.padding(op, padding)
    if a.kin != a.channels:
        raise ValueError(f"{op}: the input channels ({a.channels}) must equal the kernel's "
                         f"in_channels (kernel.shape[-1] = {a.kin}; the layout is spatial..., "
                         f"out, in): {a.shapes}")
    outpad = (None,) * a.n if output_padding is None else w.ints(
        op, "output_padding", output_padding, a.n, minimum=0)
    # Keras's convention: pad the stride-spread input by (lo, hi), then a valid
    # convolution with the flipped kernel; equivalently, crop the full transposed
    # convolution ((size - 1) * stride + dilated kernel) by (k - 1 - lo, k - 1 - hi)
    edges, crops = [], []
    for s, kd, op_ in zip(a.strides, map(w.dilated, a.ksize, a.dilation), outpad):
        if a.pad == "valid":
            op_ = max(kd, s) - kd if op_ is None else op_
            lo, hi = kd - 1, kd - 1 + op_
        else:
            total = s + kd - 2 if op_ is None else kd + kd % 2 - 2 + op_
            lo = min(total // 2 + total % 2, kd - 1)
            hi = total - lo
        edges.append((lo, hi))
        crops.append((kd - 1 - lo, kd - 1 - hi))
    a.edge_pads, a.crops = tuple(edges), tuple(crops)
    return a


def crop_full(y, crops, first):
    """The Keras window of a full transposed convolution ``y``: crop (lo, hi) per spatial
    axis from ``first`` on; a negative hi appends zeros."""
    idx = [slice(None)] * y.ndim
    extra = []
    for i, (lo, hi) in enumerate(crops):
        n = int(y.shape[first + i])
        idx[first + i] = slice(lo, n - max(hi, 0))
        extra.append((0, max(-hi, 0)))
    return w.pad_spatial(y[tuple(idx)], extra, 0.0, first)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    a = _transpose_args("nn.conv_transpose", inputs, kernel, strides, padding, output_padding,
                        data_format, dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    x = w.spread(w.to_last(c, a.fmt), a.strides)
    x = w.pad_spatial(x, a.edge_pads)
    # a valid convolution with the spatially flipped kernel, (out, in) swapped
    k = xnp.flip(k, axis=tuple(range(a.n)))
    k = xnp.permute_dims(k, tuple(range(a.n)) + (a.n + 1, a.n))
    y = _conv_core(x, k, (1,) * a.n, a.dilation, ((0, 0),) * a.n, 1)
    return down(w.from_last(y, a.fmt), n)


# -- jax -------------------------------------------------------------------------------

def _lax_numbers(n, fmt):
    from jax import lax
    lhs = (0, n + 1) + tuple(range(1, n + 1)) if fmt == "channels_last" else tuple(
        range(n + 2))
    return lax.ConvDimensionNumbers(lhs_spec=lhs, rhs_spec=(n + 1, n) + tuple(range(n)),
                                    out_spec=lhs)


def _jax_conv(c, k, a, groups):
    from jax import lax
    return lax.conv_general_dilated(c, k, a.strides, a.pads, rhs_dilation=a.dilation,
                                    dimension_numbers=_lax_numbers(a.n, a.fmt),
                                    feature_group_count=groups)


def _conv_jax(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    a = _conv_args("nn.conv", inputs, kernel, strides, padding, data_format, dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    return down(_jax_conv(c, k, a, a.groups), n)


def _depthwise_conv_jax(inputs, kernel, strides=1, padding="valid", data_format=None,
                       dilation_rate=1):
    a = _depthwise_args("nn.depthwise_conv", inputs, kernel, strides, padding, data_format,
                        dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    return down(_jax_conv(c, _depthwise_as_grouped(k, a.n), a, a.channels), n)


def _conv_transpose_jax(inputs, kernel, strides=1, padding="valid", output_padding=None,
                       data_format=None, dilation_rate=1):
    from jax import lax
    a = _transpose_args("nn.conv_transpose", inputs, kernel, strides, padding, output_padding,
                        data_format, dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    y = lax.conv_transpose(c, k, a.strides, a.edge_pads, rhs_dilation=a.dilation,
                           dimension_numbers=_lax_numbers(a.n, a.fmt), transpose_kernel=True)
    return down(y, n)


_CONV_STATIC = ("strides", "padding", "data_format", "dilation_rate")
conv_jax = w.jax_compiled(_conv_jax, *_CONV_STATIC)
depthwise_conv_jax = w.jax_compiled(_depthwise_conv_jax, *_CONV_STATIC)
conv_transpose_jax = w.jax_compiled(_conv_transpose_jax, *_CONV_STATIC, "output_padding")
#: the generic, compiled as one program per shape
separable_conv_jax = w.jax_compiled(separable_conv, *_CONV_STATIC)


# -- torch -----------------------------------------------------------------------------

def _torch_first(c, a):
    return c if a.fmt == "channels_first" else xnp.moveaxis(c, -1, 1)


def _torch_back(y, a):
    return y if a.fmt == "channels_first" else xnp.moveaxis(y, 1, -1)


def _torch_pad(x, pad_pairs, fill=0.0):
    import torch.nn.functional as F
    flat = [v for lo_hi in reversed(pad_pairs) for v in lo_hi]
    return F.pad(x, flat, value=fill) if any(flat) else x


def _torch_conv(c, k, a, groups):
    import torch.nn.functional as F

    from ..backends.torch.nn import conv_weight
    x = _torch_first(c, a)
    if all(lo == hi for lo, hi in a.pads):  # the convolution pads by itself, no copy
        padding = tuple(lo for lo, _ in a.pads)
    else:
        x, padding = _torch_pad(x, a.pads), 0
    weight = conv_weight(k, a.fmt != "channels_first")
    f = (F.conv1d, F.conv2d, F.conv3d)[a.n - 1]
    return _torch_back(f(x, weight, stride=a.strides, padding=padding, dilation=a.dilation,
                         groups=groups), a)


def conv_torch(inputs, kernel, strides=1, padding="valid", data_format=None,
               dilation_rate=1):
    a = _conv_args("nn.conv", inputs, kernel, strides, padding, data_format, dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    return down_torch(_torch_conv(c, k, a, a.groups), n)


def depthwise_conv_torch(inputs, kernel, strides=1, padding="valid", data_format=None,
                         dilation_rate=1):
    a = _depthwise_args("nn.depthwise_conv", inputs, kernel, strides, padding, data_format,
                        dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    return down_torch(_torch_conv(c, _depthwise_as_grouped(k, a.n), a, a.channels), n)


def conv_transpose_torch(inputs, kernel, strides=1, padding="valid", output_padding=None,
                         data_format=None, dilation_rate=1):
    import torch.nn.functional as F
    a = _transpose_args("nn.conv_transpose", inputs, kernel, strides, padding, output_padding,
                        data_format, dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    weight = k.permute((a.n + 1, a.n) + tuple(range(a.n)))  # (in, out, *k)
    f = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[a.n - 1]
    y = f(_torch_first(c, a), weight, stride=a.strides, dilation=a.dilation)
    return down_torch(_torch_back(crop_full(y, a.crops, 2), a), n)


# -- tensorflow ------------------------------------------------------------------------

def _tf_conv(c, k, a):
    """A channels_last TF convolution (grouped where k's in_channels divide C); TF has no
    strides > 1 together with dilation > 1, so those run at stride 1 and are subsampled."""
    import tensorflow as tf
    both = any(s > 1 for s in a.strides) and any(d > 1 for d in a.dilation)
    strides = (1,) * a.n if both else a.strides
    x = w.to_last(c, a.fmt)
    if a.pad == "same" and not both:  # Keras's "same" is TF's: the kernel pads, no copy
        padding = "SAME"
    else:
        x, padding = w.pad_spatial(x, a.pads), "VALID"
    cg = int(k.shape[-2])
    groups = int(x.shape[-1]) // cg
    if groups > 1:  # TF's CPU kernels cannot differentiate grouped convolutions (and Conv3D
        # has no groups at all): one convolution per group
        og = int(k.shape[-1]) // groups
        y = xnp.concat([tf.nn.convolution(x[..., g * cg:(g + 1) * cg],
                                          k[..., g * og:(g + 1) * og], strides=strides,
                                          padding=padding, dilations=a.dilation)
                        for g in range(groups)], axis=-1)
    else:
        y = tf.nn.convolution(x, k, strides=strides, padding=padding, dilations=a.dilation)
    if both:
        y = y[(slice(None),) + tuple(slice(None, None, s) for s in a.strides)]
    return w.from_last(y, a.fmt)


def conv_tensorflow(inputs, kernel, strides=1, padding="valid", data_format=None,
                    dilation_rate=1):
    a = _conv_args("nn.conv", inputs, kernel, strides, padding, data_format, dilation_rate)
    if a.n == 3:  # TF's Conv3D gradient fails under an eager GradientTape: the generic runs
        return conv(inputs, kernel, strides, padding, data_format, dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    return down(_tf_conv(c, k, a), n)


def depthwise_conv_tensorflow(inputs, kernel, strides=1, padding="valid", data_format=None,
                              dilation_rate=1):
    a = _depthwise_args("nn.depthwise_conv", inputs, kernel, strides, padding, data_format,
                        dilation_rate)
    if a.n == 3:  # TF's Conv3D gradient fails under an eager GradientTape: the generic runs
        return depthwise_conv(inputs, kernel, strides, padding, data_format, dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    # TF's depthwise kernel: equal strides, and no strides > 1 together with dilation > 1
    if a.n == 2 and a.strides[0] == a.strides[1] and not (
            a.strides[0] > 1 and any(d > 1 for d in a.dilation)):
        return down(_tf_depthwise2d(c, k, a), n)
    return down(_tf_conv(c, _depthwise_as_grouped(k, a.n), a), n)


def _tf_depthwise2d(c, k, a):
    """TF's own depthwise convolution (one kernel, differentiable on CPU), where a grouped
    convolution would run one convolution per channel."""
    import tensorflow as tf
    x = w.to_last(c, a.fmt)
    if a.pad == "same":
        padding = "SAME"
    else:
        x, padding = w.pad_spatial(x, a.pads), "VALID"
    y = tf.nn.depthwise_conv2d(x, k, strides=(1, *a.strides, 1), padding=padding,
                               dilations=a.dilation)
    return w.from_last(y, a.fmt)


def conv_transpose_tensorflow(inputs, kernel, strides=1, padding="valid", output_padding=None,
                              data_format=None, dilation_rate=1):
    import tensorflow as tf
    a = _transpose_args("nn.conv_transpose", inputs, kernel, strides, padding, output_padding,
                        data_format, dilation_rate)
    if any(d > 1 for d in a.dilation):
        # TF's CPU kernels have no dilated transposed convolution: the generic runs
        return conv_transpose(inputs, kernel, strides, padding, output_padding, data_format,
                              dilation_rate)
    (c, k), n = _operands(inputs, kernel)
    x = w.to_last(c, a.fmt)
    full = tuple((i - 1) * s + w.dilated(kk, d) for i, s, kk, d in
                 zip(a.size, a.strides, a.ksize, a.dilation))
    shape = (int(x.shape[0]),) + full + (int(k.shape[-2]),)
    y = tf.nn.conv_transpose(x, k, shape, a.strides, padding="VALID", dilations=a.dilation)
    return down(w.from_last(crop_full(y, a.crops, 1), a.fmt), n)


CONV = {f.__name__: f for f in (conv, depthwise_conv, separable_conv, conv_transpose)}
