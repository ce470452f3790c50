"""PyTorch's functions of crossops.nn, found by op name (``backends/torch/nn.py``).

- activations: ``relu``, ``relu6``, ``sigmoid``, ``silu``, ``gelu``, ``leaky_relu``,
  ``elu``, ``selu``, ``celu``, ``softplus``, ``log_sigmoid``, ``hard_sigmoid``,
  ``hard_tanh``, ``glu``, ``softmax``, ``log_softmax`` call torch's own kernels (one
  kernel where the generic form runs several, and what a compiler recognises; the
  generic forms' values, ``selu``'s within an ulp: torch multiplies by its two constants
  at once); ``hard_silu`` is ``x * hardsigmoid(x)`` (torch's ``hardswish`` overflows
  above a sixth of the largest float), ``softsign`` and ``tanh_shrink`` the generic
  forms in torch's ops; half precision is computed in float32 and rounded once; their
  derivatives are torch's own, right at 0 (sigmoid'(0) = 1/4, silu'(0) = 1/2; at a kink,
  a one-sided derivative: ``relu6'(0) = 0``, ``leaky_relu'(0)`` the slope). For
  x << 0 (below about -10) torch's gelu gives 0 or a value off by a few ulp of a tiny
  number, where the generic form has no cancellation (as Keras's own gelu, which uses the
  frameworks' kernels). A tuple ``axis`` of softmax is ``exp(x - logsumexp(x, axis))``;
- ``conv``, ``depthwise_conv``, ``conv_transpose`` (``torch.nn.functional.conv*``; the
  kernel in the layout the convolution reads, see :func:`conv_weight`),
  ``max_pool``, ``average_pool``, the adaptive poolings, ``unfold`` and ``fold``
  (``torch.nn.functional``), and ``ctc_loss`` (``torch.nn.functional.ctc_loss``; under
  torch.compile, which cannot trace that kernel, the generic runs): arguments are checked
  by :mod:`crossops.backends._windows`, as the generic forms check them; a float32 op that
  ``torch.autocast`` runs in its lower dtype keeps that dtype, as torch's op gives it;
- ``batch_normalization`` as a subtraction and one ``torch.addcmul`` (two passes over
  the data where the generic form makes three, and fewer in the backward pass; the same
  results within rounding; half precision computed in float32 and rounded once);
- ``batch_normalization_training`` (``BatchNormalization``'s training call) as torch's
  fused kernel, with the batch's statistics;
- ``sparse_categorical_crossentropy`` as ``F.cross_entropy`` / ``F.nll_loss`` (eager),
  with the generic form's values, gradients and 0 for an id out of range.

(``moments`` keeps its generic form: ``torch.var_mean`` over the leading axes of a
channels-last batch, as batch normalisation reduces, is about 20x slower on CPU than a
mean and a mean of squares.)

Examples
--------
>>> import torch, crossops.nn as nn
>>> nn.relu(torch.tensor([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..._config import epsilon as config_epsilon
from ..._config import image_data_format as config_image_data_format
from ..._dtypes import dtype_name
from .. import _windows as w
from .._common import partial
from . import _HALF, reusable
from ._compute import down, down_autocast, up, up_float
from ._functorch import in_transform


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


@partial
def batch_normalization_training(x, axis, offset=None, scale=None, epsilon=1e-3):
    """A training batch normalisation by torch's fused kernel (``F.batch_norm``, as
    ``torch.nn.BatchNorm*d`` computes it; channels-last inputs read in place):
    ``(out, mean, variance)``, the batch's statistics over every axis but ``axis``
    (``variance`` biased, as ``moments`` gives it) with ``out`` as
    ``batch_normalization(x, mean, variance, ...)`` and its gradient through the
    statistics. Two passes over the data forward where moments and the arithmetic make
    five, and one fused backward kernel. Eager float32 and float64 only
    (``NotImplemented`` elsewhere, and the generic form runs: half precision, under
    torch.compile or a torch.func transform, a batch of one value per channel).

    Rounding, as ``torch.nn.BatchNorm*d``'s: the statistics are float32 sums (on CPU
    accumulated in float64 where the channel axis is 1 of a contiguous batch, in float32
    where the batch is channels-last: within a float32 sum's bound), and the output is
    ``x * a + (offset - mean * a)`` with ``a = scale / sqrt(variance + epsilon)``, off by
    a rounding of ``x * a`` (more than the generic ``(x - mean) * a`` where the mean is
    large against the spread)."""
    if (not isinstance(x, torch.Tensor) or x.dtype not in (torch.float32, torch.float64)
            or x.ndim < 2 or type(axis) is not int or not -x.ndim <= axis < x.ndim
            or type(epsilon) not in (float, int) or torch.compiler.is_compiling()
            or in_transform()):
        return NotImplemented
    axis %= x.ndim
    channels = x.shape[axis]
    count = x.numel() // max(channels, 1)
    if count < 2 or any(v is not None and (not isinstance(v, torch.Tensor) or v.dtype != x.dtype
                                           or tuple(v.shape) != (channels,))
                        for v in (scale, offset)):
        return NotImplemented
    # the kernel writes the batch's mean and unbiased variance into these (momentum 1)
    mean = torch.zeros(channels, dtype=x.dtype, device=x.device)
    variance = torch.zeros(channels, dtype=x.dtype, device=x.device)
    out = F.batch_norm(x.movedim(axis, 1), mean, variance, scale, offset, training=True,
                       momentum=1.0, eps=epsilon).movedim(1, axis)
    variance = variance * ((count - 1) / count)
    if x.requires_grad and torch.is_grad_enabled():  # the buffers carry no gradient
        return out, *_BatchStatistics.apply(x, mean, variance, axis)
    return out, mean, variance


class _BatchStatistics(torch.autograd.Function):
    """The batch's mean and biased variance over every axis of ``x`` but ``axis``, as
    ``F.batch_norm`` wrote them into its buffers, with their gradients with respect to
    ``x`` (``g / n`` and ``2 (x - mean) g / n``); nothing is computed backward where
    neither statistic is used (the layer's case: they only update the moving averages)."""

    @staticmethod
    def forward(ctx, x, mean, variance, axis):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(x, mean)
        ctx.axis = axis
        return mean.clone(), variance.clone()

    @staticmethod
    def backward(ctx, g_mean, g_variance):
        if g_mean is None and g_variance is None:
            return None, None, None, None
        x, mean = ctx.saved_tensors
        shape = [1] * x.ndim
        shape[ctx.axis] = -1
        n = x.numel() // x.shape[ctx.axis]
        gx = torch.zeros_like(x)
        if g_mean is not None:
            gx = gx + (g_mean / n).reshape(shape)
        if g_variance is not None:
            gx = gx + (x - mean.reshape(shape)) * (g_variance * (2 / n)).reshape(shape)
        return gx, None, None, None


@partial
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    """torch's fused kernel (``F.layer_norm``'s), as Keras's torch backend, where the
    normalised axes are the last ones and the scale and offset have their shape (leading
    ones allowed); else ``NotImplemented`` (the generic form)."""
    if axis == -1 and type(x) is torch.Tensor and x.dtype in _FULL_FLOAT_SET and x.ndim \
            and _same_parameter(gamma, x) and _same_parameter(beta, x):
        # the common call, checked in the cheapest order: the last axis, float32/64 scale
        # and offset of its size and x's dtype, or None (torch.layer_norm: the builtin
        # that F.layer_norm calls, which takes __torch_function__ overrides itself,
        # without F.layer_norm's Python layer, ~1 us)
        return torch.layer_norm(x, x.shape[-1:], gamma, beta,
                                config_epsilon() if epsilon is None else epsilon)
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        return NotImplemented
    ndim = x.ndim
    if type(axis) is int:  # (the last axis alone)
        k = 1
        if ndim == 0 or (axis != -1 and axis != ndim - 1):
            return NotImplemented
    else:
        axes = axis if isinstance(axis, list | tuple) else [axis]
        k = len(axes)
        if not 0 < k <= ndim or any(type(a) is not int or not -ndim <= a < ndim for a in axes) \
                or sorted(a % ndim for a in axes) != list(range(ndim - k, ndim)):
            return NotImplemented
    shape = x.shape[ndim - k:]
    c = _compute(x)
    g, b = _norm_parameter(gamma, shape, c.dtype), _norm_parameter(beta, shape, c.dtype)
    if g is NotImplemented or b is NotImplemented:
        return NotImplemented
    y = torch.layer_norm(c, shape, g, b, config_epsilon() if epsilon is None else epsilon)
    return y if c is x else y.to(x.dtype)


_FULL_FLOAT_SET = frozenset({torch.float32, torch.float64})


def _same_parameter(v, x) -> bool:
    """Whether scale or offset ``v`` is None or a 1-d tensor of ``x``'s last size and
    dtype, as torch.layer_norm takes it."""
    return v is None or (isinstance(v, torch.Tensor) and v.dtype is x.dtype and v.ndim == 1
                         and v.shape[0] == x.shape[-1])


def _norm_parameter(v, shape, dtype):
    """A scale or an offset ``v`` as ``F.layer_norm``'s: None, or a tensor of ``shape``
    (leading ones allowed) in ``dtype``, converted only where it is not already (each
    conversion costs about a microsecond); ``NotImplemented`` for any other ``v``."""
    if v is None:
        return None
    if not isinstance(v, torch.Tensor):
        return NotImplemented
    if v.shape != shape:
        if v.shape[v.ndim - len(shape):] != shape or v.numel() != shape.numel():
            return NotImplemented
        v = v.reshape(shape)
    return v if v.dtype is dtype else v.to(dtype)


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
    layout. A small 2-D or 3-D kernel is given as its permuted view, which torch's
    convolution lays out itself (in C++, about 2 us less than a copy made here); others
    are copied (the autograd.Function, about 20 us a call, only where a gradient is
    recorded)."""
    n = kernel.ndim - 2
    weight = torch.permute(kernel, _WEIGHT_ORDER[n])
    # (a contiguous kernel is not stored so, but where out is 1: then both hold, and the
    # branches below give the weight alike; is_contiguous's keyword costs ~0.25 us)
    if channels_last and n != 1 and not kernel.is_contiguous() \
            and weight.is_contiguous(memory_format=_CHANNELS_LAST[n]):
        return weight  # (stored by conv_kernel_layout)
    if torch.is_grad_enabled() and kernel.requires_grad:
        return _ConvWeight.apply(kernel, channels_last)
    if channels_last and n in (2, 3) and kernel.numel() <= _SMALL_KERNEL:
        # the permuted view as it is: torch's convolution puts a weight in the input's
        # (channels-last) layout itself, the same values as a copy made here (which costs
        # its per-call overhead, about 2 us more at 3x3x8x8); the blocked transpose pays
        # that overhead five times (~9 against ~3.5 us)
        return weight
    return _ConvWeight.forward(kernel, channels_last)


#: the number of spatial axes -> the order of a kernel ``(*k, in, out)``'s axes that
#: gives torch's weight ``(out, in, *k)``
_WEIGHT_ORDER = {n: (n + 1, n, *range(n)) for n in (1, 2, 3)}


#: kernels of at most this many elements are handed to torch's convolution as their
#: permuted view, which it lays out itself (as fast as the blocked transpose up to a
#: 3x3x64x64 kernel, and faster below)
_SMALL_KERNEL = 1 << 15
_CHANNELS_LAST = {2: torch.channels_last, 3: torch.channels_last_3d}


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


# -- activations -----------------------------------------------------------------------

def relu(x):
    if x.dtype is torch.bool:  # as jax.nn.relu: int32 (torch has no bool relu)
        return x.to(torch.int32)
    return torch.relu(x)


def sigmoid(x):
    c, dt = up_float(x)
    return down(torch.sigmoid(c), dt)


def silu(x):
    c, dt = up_float(x)
    return down(F.silu(c), dt)


def gelu(x, approximate=True):
    dt = x.dtype
    if dt is torch.float32 or dt is torch.float64:  # the common call (as softmax's)
        return F.gelu(x, approximate="tanh" if approximate else "none")
    c, dt = up_float(x)
    return down(F.gelu(c, approximate="tanh" if approximate else "none"), dt)


def relu6(x):
    c, dt = up_float(x)
    return down(F.hardtanh(c, 0.0, 6.0), dt)


@partial
def hard_tanh(x):
    """Floating tensors (integers keep their dtype: the generic form's)."""
    if not x.dtype.is_floating_point:
        return NotImplemented
    return F.hardtanh(x)


@partial
def leaky_relu(x, negative_slope=0.2):
    if type(negative_slope) not in (float, int):  # (a tensor slope: the generic form's)
        return NotImplemented
    c, dt = up_float(x)
    return down(F.leaky_relu(c, negative_slope), dt)


@partial
def elu(x, alpha=1.0):
    if type(alpha) not in (float, int):
        return NotImplemented
    c, dt = up_float(x)
    return down(F.elu(c, alpha), dt)


def selu(x):
    # (torch's kernel multiplies by scale * alpha at once, where the generic form
    # multiplies by alpha, then scale: at most an ulp apart)
    c, dt = up_float(x)
    return down(torch.selu(c), dt)


@partial
def celu(x, alpha=1.0):
    if type(alpha) not in (float, int):
        return NotImplemented
    c, dt = up_float(x)
    return down(F.celu(c, alpha), dt)


def softplus(x):
    c, dt = up_float(x)
    return down(F.softplus(c, 1.0, _SOFTPLUS_LINEAR[c.dtype]), dt)  # (by position)


#: the dtype -> where softplus is x itself: above it log1p(exp(-x)) is below half an ulp
#: of x (torch's default of 20 is that for float32; float64 needs 37)
_SOFTPLUS_LINEAR = {torch.float32: 20.0, torch.float64: 40.0}


def log_sigmoid(x):
    c, dt = up_float(x)
    return down(F.logsigmoid(c), dt)


def hard_sigmoid(x):
    c, dt = up_float(x)
    return down(F.hardsigmoid(c), dt)


def hard_silu(x):
    # (F.hardswish computes x * relu6(x + 3) / 6, which overflows above a sixth of the
    # largest float, where x * hard_sigmoid(x) is x)
    c, dt = up_float(x)
    return down(c * F.hardsigmoid(c), dt)


def softsign(x):
    c, dt = up_float(x)
    return down(c / (torch.abs(c) + 1.0), dt)


def tanh_shrink(x):
    c, dt = up_float(x)
    return down(c - torch.tanh(c), dt)


@partial
def glu(x, axis=-1):
    if type(axis) is not int or not -x.ndim <= axis < x.ndim or x.shape[axis] % 2:
        return NotImplemented  # (the generic form's error)
    c, dt = up_float(x)
    return down(F.glu(c, axis), dt)


def _logsumexp(c, axis):
    """``log(sum(exp(c)))`` over ``axis`` (a tuple, or None: every axis), kept."""
    dims = tuple(range(c.ndim)) if axis is None else tuple(axis)
    if not dims:  # over no axis: each element is its own sum
        return c
    return torch.logsumexp(c, dim=dims, keepdim=True)


def softmax(x, axis=-1):
    dt = x.dtype
    if (dt is torch.float32 or dt is torch.float64) and type(axis) is int:  # the common call
        return torch.softmax(x, axis)
    c, dt = up_float(x)
    if isinstance(axis, int):
        return down(torch.softmax(c, dim=axis), dt)
    return down(torch.exp(c - _logsumexp(c, axis)), dt)


def log_softmax(x, axis=-1):
    dt = x.dtype
    if (dt is torch.float32 or dt is torch.float64) and type(axis) is int:
        return torch.log_softmax(x, axis)
    c, dt = up_float(x)
    if isinstance(axis, int):
        return down(torch.log_softmax(c, dim=axis), dt)
    return down(c - _logsumexp(c, axis), dt)


@partial
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None,
                          is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    """torch's fused ``F.scaled_dot_product_attention`` (as Keras's torch backend) of
    float32 or float64 query, key and value of one dtype and as many heads, without a
    bias, a mask or a soft cap (a causal mask is top-left aligned there, as in the
    generic form): the generic form's softmax attention, within rounding (torch's CPU
    kernel accumulates the softmax blockwise). Other cases take the generic form, and its
    errors."""
    if bias is not None or mask is not None or attn_logits_soft_cap is not None \
            or flash_attention or type(is_causal) is not bool \
            or not (scale is None or type(scale) in (float, int)):
        return NotImplemented
    dt = getattr(query, "dtype", None)
    if (dt is not torch.float32 and dt is not torch.float64) or not all(
            isinstance(t, torch.Tensor) and t.ndim == 4 and t.dtype is dt
            for t in (query, key, value)):
        return NotImplemented
    (b, t, n, h), (kb, s, kn, kh), vs = query.shape, key.shape, value.shape
    if (kb, kn, kh) != (b, n, h) or tuple(vs[:3]) != (b, s, n) or not t or not s:
        return NotImplemented
    out = F.scaled_dot_product_attention(
        torch.transpose(query, 1, 2), torch.transpose(key, 1, 2),
        torch.transpose(value, 1, 2), is_causal=is_causal, scale=scale)
    return torch.transpose(out, 1, 2)  # (batch, seq, heads, dim)


#: the dtypes of integer class ids that sparse_categorical_crossentropy's kernel reads
_CLASS_IDS = (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8)


@partial
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """torch's fused kernels, as Keras's torch backend: ``F.cross_entropy`` of logits,
    ``F.nll_loss`` of the clipped log-probabilities, where the generic form runs a
    one-hot comparison, a select and a sum, forward and backward (256 x 10 logits
    through the loss class and back, one CPU thread: 0.25 -> 0.18 ms, where a bare
    ``F.cross_entropy`` takes 0.10). The same values and gradients: torch's log_softmax,
    the same clipping, and ``-log p[target]`` of each row. An id outside
    ``[0, classes)`` gives 0 and no gradient, as the generic's (torch's kernels would
    raise): it is mapped to an index the kernel ignores. Half precision is computed in
    float32 and rounded once. Integer tensor ids only, eager (``NotImplemented`` under
    torch.compile or a torch.func transform, and for a case the generic form rejects:
    then it runs, with its error)."""
    if (not isinstance(output, torch.Tensor) or not isinstance(target, torch.Tensor)
            or target.dtype not in _CLASS_IDS or type(axis) is not int
            or not -output.ndim <= axis < output.ndim or torch.compiler.is_compiling()
            or in_transform()):
        return NotImplemented
    c, dt = up(output)
    if not (c.dtype is torch.float32 or c.dtype is torch.float64):
        return NotImplemented
    if target.ndim == output.ndim and target.shape[-1] == 1:  # as the generic squeezes
        target = target.squeeze(-1)
    classes = output.shape[axis]
    if axis != -1 and axis != output.ndim - 1:
        c = c.movedim(axis, -1)
    if classes == 0 or tuple(target.shape) != tuple(c.shape[:-1]):
        return NotImplemented
    flat = c if c.ndim == 2 else c.reshape(-1, classes)  # (rows, classes), ids (rows,)
    ids = target if target.ndim == 1 else target.reshape(-1)
    if ids.dtype is not torch.int64:
        ids = ids.long()
    if from_logits:
        loss = F.cross_entropy
    else:
        eps = config_epsilon()
        p = flat / torch.sum(flat, dim=-1, keepdim=True)
        flat, loss = torch.log(torch.clamp(p, eps, 1.0 - eps)), F.nll_loss
    try:  # (the kernel ignores an id of -100, its ignore_index: 0, as the generic gives)
        out = loss(flat, ids, reduction="none")
    except (IndexError, RuntimeError):  # an id outside [0, classes)
        # ids below 0 to -1, from `classes` up to `classes`, then -1 to `classes`: ignored
        ids = ids.clamp(-1, classes).remainder(classes + 1)
        out = loss(flat, ids, reduction="none", ignore_index=classes)
    return down(out if out.ndim == target.ndim else out.reshape(target.shape), dt)


# -- convolutions ----------------------------------------------------------------------

@partial
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """The generic's comparison of ``x`` with ``arange(num_classes)`` in torch's own calls
    (torch.nn.functional.one_hot raises for a negative id, where the op gives a zero row);
    an ``axis``, sparse, an x that is not an int32/int64 tensor, or a count that is not a
    positive int take the generic. Eager on the CPU, ids in ``[0, num_classes)`` pick rows
    of a kept identity matrix of the dtype (one index_select kernel, half
    torch.nn.functional.one_hot's time at 32 ids; it raises for any other id, and the
    comparison runs)."""
    if (sparse or axis != -1 or type(num_classes) is not int or num_classes <= 0
            or not isinstance(x, torch.Tensor)
            or (x.dtype is not torch.int64 and x.dtype is not torch.int32)):
        return NotImplemented
    dt = torch.float32 if dtype is None else dtype
    eager = (type(x) is torch.Tensor and not torch.compiler.is_compiling()
             and not in_transform())
    if eager and num_classes <= _EYE_MAX and x.is_cpu and dt in _EYE_DTYPES:
        try:
            return torch.embedding(_eye(num_classes, dt), x)
        except IndexError:  # (an id out of range: the CPU kernel checks each)
            pass
    device = x.device
    classes = _classes(num_classes, x.dtype, device)
    if eager:
        # one kernel: the comparison written into a result of the dtype (the same 0s and 1s
        # as the cast of the bool comparison below, without its second kernel)
        out = torch.empty((*x.shape, num_classes), dtype=dt, device=device)
        return torch.eq(torch.unsqueeze(x, -1), classes, out=out)
    return (torch.unsqueeze(x, -1) == classes).to(dt)


#: (count, dtype, device) -> arange(count), kept for the next one_hot (up to 64, then afresh)
_CLASSES: dict = {}
#: (count, dtype) -> the CPU identity matrix whose rows one_hot picks (up to 64, then
#: afresh), for counts up to _EYE_MAX (256 KiB of float32) and the dtypes torch.eye makes
_EYES: dict = {}
_EYE_MAX = 256
_EYE_DTYPES = frozenset({torch.float16, torch.bfloat16, torch.float32, torch.float64,
                         torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8,
                         torch.bool})


def _eye(n: int, dtype):
    """``torch.eye(n)`` on the CPU, kept where :func:`crossops.backends.torch.reusable`
    allows (one_hot only reads its rows: index_select copies them)."""
    key = (n, dtype)
    made = _EYES.get(key)
    if made is None:
        made = torch.eye(n, dtype=dtype, device="cpu")
        if reusable(made):
            if len(_EYES) >= 64:
                _EYES.clear()
            _EYES[key] = made
    return made


def _classes(n: int, dtype, device):
    """``torch.arange(n)``, kept where :func:`crossops.backends.torch.reusable` allows (it
    never leaves one_hot, which only compares with it); made afresh under torch.compile."""
    if torch.compiler.is_compiling():
        return torch.arange(n, dtype=dtype, device=device)
    key = (n, dtype, device)
    made = _CLASSES.get(key)
    if made is None:
        made = torch.arange(n, dtype=dtype, device=device)
        if reusable(made):
            if len(_CLASSES) >= 64:
                _CLASSES.clear()
            _CLASSES[key] = made
    return made


def _operands(x, *kernels):
    """The compute-dtype operands (half precision in float32) and the result dtype."""
    c, dt = up(x)
    return (c,) + tuple(k.to(c.dtype) for k in kernels), dt


def _depthwise_as_grouped(kernel, n):
    """A depthwise kernel ``(*k, C, M)`` as a grouped conv kernel ``(*k, 1, C * M)``."""
    shape = tuple(kernel.shape)
    return kernel.reshape(shape[:n] + (1, shape[n] * shape[n + 1]))


def _first(c, a):
    if a.fmt == "channels_first":
        return c
    order = _TO_FIRST.get(c.ndim)
    return c.movedim(-1, 1) if order is None else torch.permute(c, order)


def _back(y, a):
    if a.fmt == "channels_first":
        return y
    order = _TO_LAST.get(y.ndim)
    return y.movedim(1, -1) if order is None else torch.permute(y, order)


#: rank -> the axis order that moves the last axis to 1 (``movedim(-1, 1)``), and back
#: (``torch.permute`` with a tuple made once: about 0.35 us less than ``movedim``, and
#: 0.6 us less than the method ``x.permute(order)``, which parses its arguments twice)
_TO_FIRST = {r: (0, r - 1, *range(1, r - 1)) for r in (3, 4, 5)}
_TO_LAST = {r: (0, *range(2, r), 1) for r in (3, 4, 5)}


def _pad(x, pad_pairs, fill=0.0):
    """Pad the last ``len(pad_pairs)`` axes of ``x`` by (low, high) with ``fill``."""
    flat = [v for lo_hi in reversed(pad_pairs) for v in lo_hi]
    return F.pad(x, flat, value=fill) if any(flat) else x


def _conv_padding(a):
    """The ``padding`` of torch's convolution for ``a.pads``: the low pads where each axis
    pads both sides alike (the convolution pads by itself, no copy), else None (``x`` is
    padded by :func:`_pad` first)."""
    pads = a.pads
    return tuple(lo for lo, _ in pads) if all(lo == hi for lo, hi in pads) else None


def _conv(c, k, a, groups, padding=None):
    """The convolution of ``c`` (compute dtype) by kernel ``k`` (``c``'s dtype), ``padding``
    :func:`_conv_padding`'s where the caller has it."""
    x = _first(c, a)
    if padding is None:
        padding = _conv_padding(a)
        if padding is None:
            x, padding = _pad(x, a.pads), 0
    weight = conv_weight(k, a.fmt != "channels_first")
    f = (F.conv1d, F.conv2d, F.conv3d)[a.n - 1]
    # (by position: torch parses keywords at about 0.15 us each)
    return _back(f(x, weight, None, a.strides, padding, a.dilation, groups), a)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    a = _conv_args(inputs, kernel, strides, padding, data_format, dilation_rate)
    # _operands's casts, written out: a kernel of the compute dtype is taken as it is
    c, dt = up(inputs)
    if kernel.dtype is not c.dtype:
        kernel = kernel.to(c.dtype)
    y = _conv(c, kernel, a, a.groups, a.torch_padding)
    return y if y.dtype is dt else down_autocast(y, dt)


#: the checked arguments of eager ``conv`` calls, by all they depend on (up to 64, then
#: afresh): checking them cost about 7 us a call, an eighth of a small convolution
_CONV_ARGS: dict = {}


def _conv_args(inputs, kernel, strides, padding, data_format, dilation_rate):
    """``w.conv_args`` for ``nn.conv``, kept for the next call with the same shapes and
    options (not under torch.compile, which traces the checks; nor for unhashable options,
    a list of strides)."""
    if torch.compiler.is_compiling():
        a = w.conv_args("nn.conv", inputs, kernel, strides, padding, data_format,
                        dilation_rate)
        a.torch_padding = _conv_padding(a)
        return a
    key = (inputs.shape, kernel.shape, strides, padding,
           config_image_data_format() if data_format is None else data_format, dilation_rate)
    try:
        a = _CONV_ARGS.get(key)
    except TypeError:  # an unhashable option
        key = a = None
    if a is None:
        a = w.conv_args("nn.conv", inputs, kernel, strides, padding, data_format,
                        dilation_rate)
        a.torch_padding = _conv_padding(a)  # (None: padded by _pad first)
        if key is not None:
            if len(_CONV_ARGS) >= 64:
                _CONV_ARGS.clear()
            a.shapes = None  # (it holds the operands, for messages while checking)
            _CONV_ARGS[key] = a
    return a


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    a = w.depthwise_args("nn.depthwise_conv", inputs, kernel, strides, padding, data_format,
                         dilation_rate)
    (c, k), dt = _operands(inputs, kernel)
    return down_autocast(_conv(c, _depthwise_as_grouped(k, a.n), a, a.channels), dt)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    a = w.transpose_args("nn.conv_transpose", inputs, kernel, strides, padding,
                         output_padding, data_format, dilation_rate)
    (c, k), dt = _operands(inputs, kernel)
    weight = k.permute((a.n + 1, a.n) + tuple(range(a.n)))  # (in, out, *k)
    f = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[a.n - 1]
    y = f(_first(c, a), weight, stride=a.strides, dilation=a.dilation)
    idx, extra = w.crop_slices(y.shape, a.crops, 2)  # the Keras window of the full result
    return down_autocast(_back(_pad(y[idx], extra), a), dt)


# -- pooling ---------------------------------------------------------------------------

def _pool(kind, op, inputs, pool_size, strides, padding, data_format):
    window = _common_pool(inputs, pool_size, strides, padding, data_format)
    if window is not None:  # (the kernel on the channels-first view: see _common_pool)
        pool, stride = window
        f = F.max_pool2d if kind == "max" else F.avg_pool2d
        return torch.permute(f(torch.permute(inputs, _TO_FIRST[4]), pool, stride),
                             _TO_LAST[4])
    a = w.pool_args(op, inputs, pool_size, strides, padding, data_format)
    c, dt = up(inputs)
    x = _first(c, a)
    if kind == "max":
        if x.dtype is torch.bool:  # (no bool kernel: uint8's max is the or)
            return _pool(kind, op, inputs.to(torch.uint8), pool_size, strides, padding,
                         data_format).to(torch.bool)
        f = (F.max_pool1d, F.max_pool2d, F.max_pool3d)[a.n - 1]
        fill = -math.inf if x.is_floating_point() else w.max_pool_fill(dtype_name(x.dtype))
        y = f(_pad(x, a.pads, fill), a.pool, a.strides)
        return down(_back(y, a), dt)
    f = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[a.n - 1]
    y = _back(f(_pad(x, a.pads), a.pool, a.strides), a)
    counts = w.window_counts(a)
    if counts is not None:  # back to sums, then divided by the real counts
        counts = torch.as_tensor(counts, dtype=c.dtype, device=c.device)
        y = torch.divide(torch.multiply(y, float(math.prod(a.pool))), counts)
    return down(y, dt)


def _common_pool(inputs, pool_size, strides, padding, data_format):
    """``(pool, stride)`` where a 2-d pooling call is its common one: a float32/64 batch
    of channels-last images at least ``pool`` wide, an int ``pool_size`` and int or no
    ``strides``, ``"valid"`` padding. torch's kernel then runs on the channels-first view
    of the data (its channels-last kernel, no copy: faster than on NCHW data) without
    the general path's checks and conversions (~7 us), which no such call fails; None
    for any other call."""
    if (type(pool_size) is not int or not (strides is None or type(strides) is int)
            or padding != "valid" or type(inputs) is not torch.Tensor or inputs.ndim != 4
            or inputs.dtype not in _FULL_FLOATS
            or (data_format or config_image_data_format()) != "channels_last"):
        return None
    if not 0 < pool_size <= min(inputs.shape[1], inputs.shape[2]) or (
            strides is not None and strides <= 0):
        return None
    return pool_size, pool_size if strides is None else strides


_FULL_FLOATS = frozenset({torch.float32, torch.float64})


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool("max", "nn.max_pool", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool("avg", "nn.average_pool", inputs, pool_size, strides, padding, data_format)


def _adaptive(kind, op, inputs, output_size, data_format):
    a = w.adaptive_args(op, inputs, output_size, data_format)
    c, dt = up(inputs)
    fs = (F.adaptive_max_pool1d, F.adaptive_max_pool2d, F.adaptive_max_pool3d) if kind == \
        "max" else (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)
    return down(_back(fs[a.n - 1](_first(c, a), a.out), a), dt)


def adaptive_max_pool(inputs, output_size, data_format=None):
    return _adaptive("max", "nn.adaptive_max_pool", inputs, output_size, data_format)


def adaptive_average_pool(inputs, output_size, data_format=None):
    return _adaptive("avg", "nn.adaptive_average_pool", inputs, output_size, data_format)


# -- fold / unfold ---------------------------------------------------------------------

def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    a = w.unfold_args("nn.unfold", x, kernel_size, dilation, padding, stride)
    c, dt = up(x)
    return down(F.unfold(c, a.k, a.d, a.p, a.s), dt)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    a = w.fold_args("nn.fold", x, output_size, kernel_size, dilation, padding, stride)
    c, dt = up(x)
    return down(F.fold(c, a.size, a.k, a.d, a.p, a.s), dt)


# -- ctc -------------------------------------------------------------------------------

def _at_least_float32(x):
    """``x`` in ``result_type(x.dtype, float32)``, as Keras's ctc ops compute."""
    return x if x.dtype == torch.float64 or x.dtype == torch.float32 else x.float()


@partial
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    if torch.compiler.is_compiling():  # dynamo cannot trace torch's CTC kernel: the generic
        return NotImplemented
    w.check_ctc_loss(target, output, target_length, output_length)
    logp = F.log_softmax(_at_least_float32(output), dim=-1).transpose(0, 1)
    return F.ctc_loss(logp, target.to(torch.int64), output_length.to(torch.int64),
                      target_length.to(torch.int64), blank=mask_index, reduction="none")
