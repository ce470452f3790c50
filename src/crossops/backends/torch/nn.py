"""PyTorch's pieces of crossops.nn: ``batch_normalization`` as a subtraction and one
``torch.addcmul`` (two passes over the data where the generic form makes three, and fewer
in the backward pass; the same results within rounding; half precision computed in
float32 and rounded once), and ``conv_weight``, the convolutions' kernel layout.

(``moments`` keeps its generic form: ``torch.var_mean`` over the leading axes of a
channels-last batch, as batch normalisation reduces, is about 20x slower on CPU than a
mean and a mean of squares.)"""

from __future__ import annotations

import torch

from . import _HALF


def _compute(x):
    return x.float() if x.dtype in _HALF else x


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    c = _compute(x)
    shape = [1] * x.ndim
    shape[axis] = mean.shape[0]

    def b(v):
        return v.to(c.dtype).reshape(shape)

    inv = 1.0 / torch.sqrt(b(variance) + epsilon)
    if scale is not None:
        inv = inv * b(scale)
    centered = c - b(mean)
    out = centered * inv if offset is None else torch.addcmul(b(offset), centered, inv)
    return out.to(x.dtype)


class _ConvWeight(torch.autograd.Function):
    """A crossops kernel ``(*k, in, out)`` as torch's ``(out, in, *k)`` weight, copied into
    the layout the convolution reads (channels-last: ``in`` innermost in memory, by one
    blocked 2-D transpose; else contiguous), with a gradient copied back into the
    kernel's own contiguous layout. A plain ``permute`` would leave the convolution a
    strided copy and the optimizer a strided gradient (whose layout its state then takes,
    which makes ``torch.compile`` recompile)."""

    @staticmethod
    def forward(kernel, channels_last):
        n = kernel.ndim - 2
        if channels_last:  # (out, *k, in) in memory, viewed as (out, in, *k)
            return _out_first(kernel).permute(0, n + 1, *range(1, n + 1))
        return kernel.permute(n + 1, n, *range(n)).contiguous()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.channels_last = inputs[1]

    @staticmethod
    def backward(ctx, grad):
        n = grad.ndim - 2
        if ctx.channels_last:  # (out, in, *k) -> (out, *k, in) -> (*k * in, out)
            cout, cin, *spatial = grad.shape
            flat = grad.permute(0, *range(2, n + 2), 1).reshape(cout, -1)
            return flat.t().contiguous().view(*spatial, cin, cout), None
        return grad.permute(*range(2, n + 2), 1, 0).contiguous(), None

    generate_vmap_rule = True  # torch.func.vmap and jacrev run the methods above batched


def conv_weight(kernel, channels_last: bool):
    """Kernel ``(*k, in, out)`` as the weight of ``torch.nn.functional.conv{n}d``. A kernel
    stored by :func:`conv_kernel_layout` (a Conv layer's) is already in the channels-last
    weight layout: a permuted view, no copy, and its gradient comes back in the kernel's
    layout. Others are copied (the autograd.Function, about 20 us a call, only where a
    gradient is recorded)."""
    n = kernel.ndim - 2
    weight = kernel.permute(n + 1, n, *range(n))
    if channels_last and _is_channels_last(weight):
        return weight
    if torch.is_grad_enabled() and kernel.requires_grad:
        return _ConvWeight.apply(kernel, channels_last)
    return _ConvWeight.forward(kernel, channels_last)


def _is_channels_last(weight) -> bool:
    """Whether weight ``(out, in, *k)`` lies in memory as ``(out, *k, in)``."""
    if weight.ndim == 4:
        return weight.is_contiguous(memory_format=torch.channels_last)
    if weight.ndim == 5:
        return weight.is_contiguous(memory_format=torch.channels_last_3d)
    return False


def conv_kernel_layout(kernel):
    """A convolution kernel ``(*k, in, out)``, its shape unchanged, stored in the memory
    order ``(out, *k, in)`` that torch's channels-last convolutions read their weight in:
    no copy of the kernel per call, and gradients and optimizer state in that same
    layout (a Conv layer's kernel is made so, see ``Layer.add_weight``'s ``layout``)."""
    n = kernel.ndim
    if n not in (4, 5):  # 1-D convolutions have no channels-last weight format
        return kernel
    return _out_first(kernel).permute(*range(1, n), 0)


def _out_first(kernel):
    """Kernel ``(*k, in, out)`` copied to a contiguous ``(out, *k, in)``: one blocked 2-D
    transpose, about twice as fast on CPU as a general permuted copy."""
    *spatial, cin, cout = kernel.shape
    return kernel.reshape(-1, cout).t().contiguous().view(cout, *spatial, cin)
