"""Argument checking and window arithmetic of the convolution, pooling, fold/unfold and
CTC ops (Keras's conventions), shared by every backend's ``nn`` chapter and by the
generic implementations in ``crossops.nn``: plain Python on shapes, no framework, so that
each backend checks a call exactly as the generic does and raises the same errors.

Conventions (those of Keras): inputs are ``(batch, *spatial, channels)`` for
``"channels_last"`` and ``(batch, channels, *spatial)`` for ``"channels_first"``;
``"same"`` padding gives ``ceil(size / stride)`` outputs and splits the total padding
``max((out - 1) * stride + dilated_kernel - size, 0)`` with the odd element at the end
(as TensorFlow and XLA do); ``"valid"`` pads nothing.

Examples
--------
>>> from crossops.backends._windows import pads
>>> pads("nn.conv", (5,), (3,), (2,), (1,), "same", "")
((1, 1),)
"""

from __future__ import annotations

import math
import operator

import numpy as np

from .._config import standardize_data_format
from .._shapes import static_dims

FORMATS = ("channels_last", "channels_first")


class Args:
    """The checked arguments of one window op, as attributes (``Args(n=2, fmt=...)``).

    A plain class rather than ``types.SimpleNamespace``: torch.compile traces building
    and updating it, where a SimpleNamespace would break the graph.
    """

    def __init__(self, **values):
        for key, value in values.items():
            setattr(self, key, value)


def padding(op: str, value) -> str:
    """``"valid"`` or ``"same"``, in any case (as Keras lowers it)."""
    p = value.lower() if isinstance(value, str) else value
    if p not in ("valid", "same"):
        raise ValueError(f'{op}: padding must be "valid" or "same" (any case), got {value!r}')
    return p


def ints(op: str, arg: str, value, n: int, *, minimum: int = 1) -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints (each at least ``minimum``) as an ``n``-tuple."""
    try:
        t = (operator.index(value),) * n if not isinstance(value, list | tuple) else tuple(
            operator.index(v) for v in value)
    except TypeError:
        raise TypeError(f"{op}: {arg} must be an int or a sequence of {n} ints, got "
                        f"{value!r}") from None
    if len(t) != n or any(v < minimum for v in t):
        raise ValueError(f"{op}: {arg} must be an int or a sequence of {n} ints, each >= "
                         f"{minimum}, got {value!r}")
    return t


def shape_of(x) -> tuple:
    """``x``'s shape as ints; a size unknown until the graph runs (TensorFlow's step
    traced once, with a None batch axis) stays None."""
    return static_dims(x.shape)


class Operands:
    """The operands of a window op described for its error messages (``f"{shapes}"``),
    written only when a message needs it: formatting the shapes cost about a quarter of a
    convolution's argument checks on every call."""

    def __init__(self, x, second: str, value, fmt: str):
        self.x, self.second, self.value, self.fmt = x, second, value, fmt

    def __str__(self) -> str:
        value = shape_of(self.value) if hasattr(self.value, "shape") else self.value
        return (f"inputs shape {shape_of(self.x)}, {self.second} {value}, "
                f"data_format={self.fmt!r}")

    __format__ = object.__format__


def spatial_input(op: str, x, ranks=(1, 2, 3)) -> int:
    """The number of spatial dimensions of ``x`` (rank - 2), checked against ``ranks``."""
    n = x.ndim - 2
    if n not in ranks:
        want = " or ".join(str(r + 2) for r in ranks)
        raise ValueError(f"{op}: inputs must have rank {want} (batch, spatial..., channels), "
                         f"got shape {shape_of(x)}")
    return n


def channels(x, fmt: str) -> int:
    return int(x.shape[-1] if fmt == "channels_last" else x.shape[1])


def spatial(x, fmt: str) -> tuple[int, ...]:
    s = shape_of(x)
    return s[1:-1] if fmt == "channels_last" else s[2:]


def dilated(k: int, d: int) -> int:
    return (k - 1) * d + 1


def pads(op: str, size, kernel, strides, dilation, pad: str, shapes: object
         ) -> tuple[tuple[int, int], ...]:
    """Per spatial dimension, the (low, high) zero padding of a window op; raises if a
    ``"valid"`` window does not fit (``shapes`` describes the operands for the message)."""
    out = []
    for n, k, s, d in zip(size, kernel, strides, dilation):
        kd = dilated(k, d)
        if pad == "valid":
            if kd > n:
                raise ValueError(f"{op}: the window ({kd} after dilation) is larger than the "
                                 f'input ({n}) with padding="valid": {shapes}')
            out.append((0, 0))
        else:
            total = max((-(-n // s) - 1) * s + kd - n, 0)
            out.append((total // 2, total - total // 2))
    return tuple(out)


def out_sizes(size, kernel, strides, dilation, pad_pairs) -> tuple[int, ...]:
    return tuple((n + lo + hi - dilated(k, d)) // s + 1
                 for n, k, s, d, (lo, hi) in zip(size, kernel, strides, dilation, pad_pairs))


def prod(values) -> int:
    return math.prod(values)


# -- convolutions ----------------------------------------------------------------------

def _conv_common(op, inputs, kernel, strides, padding_, data_format, dilation_rate, *,
                 kernel_in_axis=-2):
    """Checked arguments of a convolution: spatial rank, layout, per-dimension strides,
    dilation, padding pairs, channels and groups."""
    n = spatial_input(op, inputs)
    fmt = standardize_data_format(data_format, op)
    pad = padding(op, padding_)
    shapes = Operands(inputs, "kernel shape", kernel, fmt)
    if kernel.ndim != inputs.ndim:
        raise ValueError(f"{op}: the kernel must have the rank of the inputs ({inputs.ndim}: "
                         f"spatial..., in, out), got {shapes}")
    strides = ints(op, "strides", strides, n)
    dilation = ints(op, "dilation_rate", dilation_rate, n)
    ksize = shape_of(kernel)[:n]
    if 0 in ksize:
        raise ValueError(f"{op}: the kernel has an empty spatial dimension: {shapes}")
    c = channels(inputs, fmt)
    kin = int(kernel.shape[kernel_in_axis])
    size = spatial(inputs, fmt)
    return Args(n=n, fmt=fmt, pad=pad, strides=strides, dilation=dilation, ksize=ksize,
                channels=c, kin=kin, size=size, shapes=shapes,
                pads=pads(op, size, ksize, strides, dilation, pad, shapes))


def conv_args(op, inputs, kernel, strides, padding_, data_format, dilation_rate) -> Args:
    """The checked arguments of ``conv`` (kernel ``(*k, in, out)``; ``groups`` set)."""
    a = _conv_common(op, inputs, kernel, strides, padding_, data_format, dilation_rate)
    out = int(kernel.shape[-1])
    if a.kin == 0 or a.channels % a.kin or out % (a.channels // a.kin):
        raise ValueError(
            f"{op}: the input channels ({a.channels}) must equal the kernel's in_channels "
            f"(kernel.shape[-2] = {a.kin}), or be a multiple of it whose ratio (groups) "
            f"divides the kernel's out_channels ({out}): {a.shapes}")
    a.groups = a.channels // a.kin
    return a


def depthwise_args(op, inputs, kernel, strides, padding_, data_format, dilation_rate) -> Args:
    """The checked arguments of ``depthwise_conv`` (kernel ``(*k, channels, multiplier)``)."""
    a = _conv_common(op, inputs, kernel, strides, padding_, data_format, dilation_rate)
    if a.kin != a.channels:
        raise ValueError(f"{op}: the input channels ({a.channels}) must equal the kernel's "
                         f"kernel.shape[-2] ({a.kin}): {a.shapes}")
    return a


def transpose_args(op, inputs, kernel, strides, padding_, output_padding, data_format,
                   dilation_rate) -> Args:
    """The checked arguments of ``conv_transpose`` (kernel ``(*k, out, in)``), with the
    padding of the stride-spread input (``edge_pads``) and the crop of the full transposed
    convolution (``crops``) that give Keras's output."""
    a = _conv_common(op, inputs, kernel, strides, "same", data_format, dilation_rate,
                     kernel_in_axis=-1)
    a.pad = padding(op, padding_)
    if a.kin != a.channels:
        raise ValueError(f"{op}: the input channels ({a.channels}) must equal the kernel's "
                         f"in_channels (kernel.shape[-1] = {a.kin}; the layout is spatial..., "
                         f"out, in): {a.shapes}")
    outpad = (None,) * a.n if output_padding is None else ints(
        op, "output_padding", output_padding, a.n, minimum=0)
    # Keras's convention: pad the stride-spread input by (lo, hi), then a valid
    # convolution with the flipped kernel; equivalently, crop the full transposed
    # convolution ((size - 1) * stride + dilated kernel) by (k - 1 - lo, k - 1 - hi)
    edges, crops = [], []
    for s, kd, op_ in zip(a.strides, map(dilated, a.ksize, a.dilation), outpad):
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


def crop_slices(shape, crops, first: int) -> tuple[tuple, tuple]:
    """The index of the Keras window of a full transposed convolution of ``shape`` (crop
    (lo, hi) per spatial axis from ``first`` on) and the (0, extra) zeros to append per
    spatial axis where hi is negative."""
    idx = [slice(None)] * len(shape)
    extra = []
    for i, (lo, hi) in enumerate(crops):
        n = int(shape[first + i])
        idx[first + i] = slice(lo, n - max(hi, 0))
        extra.append((0, max(-hi, 0)))
    return tuple(idx), tuple(extra)


def separable_args(op, inputs, depthwise_kernel, pointwise_kernel, strides, padding_,
                   data_format, dilation_rate) -> Args:
    """The checked arguments of ``separable_conv``."""
    a = depthwise_args(op, inputs, depthwise_kernel, strides, padding_, data_format,
                       dilation_rate)
    mid = a.channels * int(depthwise_kernel.shape[-1])
    pshape = shape_of(pointwise_kernel)
    if pointwise_kernel.ndim != inputs.ndim or any(d != 1 for d in pshape[:a.n]) \
            or pshape[a.n] != mid:
        raise ValueError(f"{op}: pointwise_kernel must have shape {(1,) * a.n + (mid,)} + "
                         f"(out_channels,) (channels * multiplier = {mid}), got {pshape}; "
                         f"{a.shapes}")
    return a


# -- pooling ---------------------------------------------------------------------------

def pool_args(op, inputs, pool_size, strides, padding_, data_format) -> Args:
    """The checked arguments of ``max_pool`` / ``average_pool``."""
    n = spatial_input(op, inputs)
    fmt = standardize_data_format(data_format, op)
    pad = padding(op, padding_)
    pool = ints(op, "pool_size", pool_size, n)
    strides = pool if strides is None else ints(op, "strides", strides, n)
    size = spatial(inputs, fmt)
    shapes = Operands(inputs, "pool_size", pool, fmt)
    pad_pairs = pads(op, size, pool, strides, (1,) * n, pad, shapes)
    return Args(n=n, fmt=fmt, pad=pad, pool=pool, strides=strides, size=size,
                pads=pad_pairs, out=out_sizes(size, pool, strides, (1,) * n, pad_pairs))


def max_pool_fill(dtype: str) -> float | int | bool:
    """What max pooling pads with, for a dtype by name: a value no window of real entries
    takes for its max, -inf for a float, the least value for an integer (which holds no
    -inf), False for bool."""
    if dtype == "bool":
        return False
    if dtype.startswith(("int", "uint")):
        return int(np.iinfo(dtype).min)
    return -math.inf


def window_counts(a: Args) -> np.ndarray | None:
    """The number of real (not padding) elements in each window of pooling arguments
    ``a`` (NumPy float64), shaped to broadcast against the output in its layout; None where
    every window is full."""
    if a.pad == "valid" or not any(lo or hi for lo, hi in a.pads):
        return None
    per_dim = []
    for n, k, s, (lo, _), m in zip(a.size, a.pool, a.strides, a.pads, a.out):
        start = np.arange(m) * s - lo
        per_dim.append(np.minimum(start + k, n) - np.maximum(start, 0))
    counts = per_dim[0]
    for c in per_dim[1:]:
        counts = np.multiply.outer(counts, c)
    shape = (1,) + counts.shape + (1,) if a.fmt == "channels_last" else (1, 1) + counts.shape
    return counts.reshape(shape).astype(np.float64)


def adaptive_args(op, inputs, output_size, data_format) -> Args:
    """The checked arguments of ``adaptive_max_pool`` / ``adaptive_average_pool``."""
    n = spatial_input(op, inputs)
    fmt = standardize_data_format(data_format, op)
    out = ints(op, "output_size", output_size, n)
    size = spatial(inputs, fmt)
    if 0 in size:
        raise ValueError(f"{op}: the inputs have an empty spatial dimension: shape "
                         f"{shape_of(inputs)}, data_format={fmt!r}")
    return Args(n=n, fmt=fmt, out=out, size=size)


# -- fold / unfold ---------------------------------------------------------------------

def _fold_common(op, kernel_size, dilation, padding_, stride) -> Args:
    return Args(k=ints(op, "kernel_size", kernel_size, 2), d=ints(op, "dilation", dilation, 2),
                p=ints(op, "padding", padding_, 2, minimum=0), s=ints(op, "stride", stride, 2))


def _positions(op, a, size, shapes):
    out = out_sizes(size, a.k, a.s, a.d, tuple((p, p) for p in a.p))
    if any(m < 1 for m in out):
        raise ValueError(f"{op}: no window fits: kernel_size {a.k} with dilation {a.d} is "
                         f"larger than the padded size of {shapes}")
    return out


def unfold_args(op, x, kernel_size, dilation, padding_, stride) -> Args:
    """The checked arguments of ``unfold`` (``out``: the output positions per axis)."""
    if x.ndim != 4:
        raise ValueError(f"{op}: x must be 4-D (N, C, H, W), got shape {shape_of(x)}")
    a = _fold_common(op, kernel_size, dilation, padding_, stride)
    a.out = _positions(op, a, shape_of(x)[2:], f"x shape {shape_of(x)} (padding {a.p})")
    return a


def fold_args(op, x, output_size, kernel_size, dilation, padding_, stride) -> Args:
    """The checked arguments of ``fold``."""
    if x.ndim != 3:
        raise ValueError(f"{op}: x must be 3-D (N, C * kh * kw, L), got shape "
                         f"{shape_of(x)}")
    a = _fold_common(op, kernel_size, dilation, padding_, stride)
    a.size = ints(op, "output_size", output_size, 2)
    n, ckk, length = shape_of(x)
    kk = a.k[0] * a.k[1]
    a.out = _positions(op, a, a.size, f"output_size {a.size} (padding {a.p})")
    if ckk % kk or length != a.out[0] * a.out[1]:
        raise ValueError(
            f"{op}: x shape {shape_of(x)} does not fit: axis 1 must be a multiple of "
            f"kh * kw = {kk} and axis 2 the number of blocks, {a.out[0] * a.out[1]} "
            f"({a.out[0]} x {a.out[1]} for output_size {a.size}, kernel_size {a.k}, "
            f"dilation {a.d}, padding {a.p}, stride {a.s})")
    a.n, a.c = n, ckk // kk
    return a


# -- ctc -------------------------------------------------------------------------------

def check_ctc_loss(target, output, target_length, output_length) -> None:
    """The shapes of ``ctc_loss``'s arguments, checked."""
    op = "nn.ctc_loss"
    if output.ndim != 3 or target.ndim != 2:
        raise ValueError(f"{op}: output must be 3-D (batch, time, classes) and target 2-D "
                         f"(batch, max_label_length), got shapes {shape_of(output)} and "
                         f"{shape_of(target)}")
    b = int(output.shape[0])
    for arg, v in (("target", target), ("target_length", target_length),
                   ("output_length", output_length)):
        if int(v.shape[0]) != b or (arg != "target" and v.ndim != 1):
            raise ValueError(f"{op}: {arg} must have the batch size of output ({b}) as its "
                             f"{'first axis' if arg == 'target' else 'shape (batch,)'}, "
                             f"got shape {shape_of(v)}")
