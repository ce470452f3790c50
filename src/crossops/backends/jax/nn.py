"""JAX's functions of crossops.nn, found by op name (``backends/jax/nn.py``).

- activations: ``relu``, ``sigmoid``, ``silu``, ``glu``, ``softmax``, ``log_softmax`` call
  ``jax.nn``'s (what XLA fuses into a preceding convolution, where the generic
  ``where(x < 0, 0, x)`` is a select); half precision is computed in float32 and rounded
  once; a tuple ``axis`` or a 0-d input of softmax runs the generic form; ``gelu``'s
  tanh approximation of float32 and float64 is the generic form's own jax.numpy calls;
  the other activations run their generic forms compiled (``COMPILED``; ``elu`` and
  ``celu`` at their default alpha as ``jax.nn``'s, the same computation);
- ``conv``, ``depthwise_conv``, ``conv_transpose`` (``lax.conv_general_dilated``,
  ``lax.conv_transpose``; on the CPU a ``conv`` of one tap, or of a small output of a
  deep contraction, as one matmul of its taps, ``depthwise_conv`` as a sum over its taps
  and a strided ``conv_transpose`` as a matmul spread by ``lax.pad``, which XLA runs up
  to 30x faster there), ``max_pool`` and ``average_pool`` (``lax.reduce_window``; on the
  CPU ``max_pool``'s derivative routes each window's tangent as XLA's does, faster),
  compiled with ``jax.jit`` once per shape and set of static arguments
  (:mod:`crossops.backends.jax._jit`); arguments are checked by
  :mod:`crossops.backends._windows`, as the generic forms check them;
- ``COMPILED``: the ops whose generic implementation (written with crossops ops, many
  small ops) runs through ``jax.jit``, one program per shape: op name -> its static
  parameters; ``EAGER``: argument values for which the generic runs as it is (the beam
  search of ``ctc_decode``, whose loop depends on the values).

Examples
--------
>>> import jax.numpy as jnp, crossops.nn as nn
>>> nn.relu(jnp.array([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

from __future__ import annotations

import functools
import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _windows as w
from .._common import partial
from ._compute import down, up, up_float
from ._jit import jitted

#: float32, an array's dtype (a NumPy dtype, compared by identity)
_F32 = np.dtype(np.float32)
_CONV_STATIC = ("strides", "padding", "data_format", "dilation_rate")
_POOL_STATIC = ("pool_size", "strides", "padding", "data_format")
_FOLD_STATIC = ("kernel_size", "dilation", "padding", "stride")

#: generic implementations compiled as one program per shape: op name -> static parameters
COMPILED = {
    # the activations jax.nn has no kernel for, or whose jax.nn form rounds otherwise than
    # the generic one (one fused program where eager JAX runs each of their 3-15 ops)
    **dict.fromkeys(("relu6", "sparse_sigmoid", "softplus", "softsign", "sparse_plus",
                     "log_sigmoid", "hard_sigmoid", "hard_silu", "selu",
                     "hard_tanh", "tanh_shrink"), ()),
    "leaky_relu": ("negative_slope",),
    "elu": ("alpha",),
    "celu": ("alpha",),
    "soft_shrink": ("threshold",),
    "hard_shrink": ("threshold",),
    "squareplus": ("b",),
    "threshold": ("threshold", "default_value"),
    "sparsemax": ("axis",),
    "layer_normalization": ("axis", "epsilon"),
    "separable_conv": _CONV_STATIC,
    "adaptive_max_pool": ("output_size", "data_format"),
    "adaptive_average_pool": ("output_size", "data_format"),
    "unfold": _FOLD_STATIC,
    "fold": ("output_size", *_FOLD_STATIC),
    "ctc_loss": ("mask_index",),
    "ctc_decode": ("strategy", "beam_width", "top_paths", "merge_repeated", "mask_index"),
}
#: op name -> {parameter: value} for which the generic runs eagerly
EAGER = {"ctc_decode": {"strategy": "beam_search"}}


# -- activations -----------------------------------------------------------------------

def relu(x):
    if x.dtype == jnp.bool_:  # int32 whether x64 is on or off (jax.nn.relu: the default int)
        return x.astype(jnp.int32)
    return jax.nn.relu(x)


def sigmoid(x):
    if x.dtype is _F32:  # nothing to compute in another dtype
        return jax.nn.sigmoid(x)
    c, dt = up_float(x)
    return down(jax.nn.sigmoid(c), dt)


@partial
def glu(x, axis=-1):
    """``a * sigmoid(b)`` of ``x``'s halves along ``axis``, the sigmoid :func:`sigmoid`'s
    (``jax.nn.glu``), in float32 for half floats; a size that is odd or an axis out of
    range: the generic form's error."""
    if type(axis) is not int or not -x.ndim <= axis < x.ndim or x.shape[axis] % 2:
        return NotImplemented
    c, dt = up_float(x)
    return down(jax.nn.glu(c, axis), dt)


def silu(x):
    if x.dtype is _F32:  # nothing to compute in another dtype
        return jax.nn.silu(x)
    c, dt = up_float(x)
    return down(jax.nn.silu(c), dt)


@partial
def gelu(x, approximate=True):
    """The generic form's tanh approximation (``crossops/nn/_activations.py``: ``x
    sigmoid(2u)``, the sigmoid without overflow) of a float32 or float64 ``x``, as the same
    jax.numpy calls in the same order: the same program, traced or eager, and the same
    values (jax.nn.gelu's ``0.5 x (1 + tanh(u))`` differs from it in the last bit), without
    crossops's dispatch of each of its 15 small ops (a quarter of an eager call); an
    array's (not a tracer's) call adds 1 to ``e`` once (the same values, one op fewer).
    Other dtypes, and ``approximate=False``, take the generic form."""
    if not approximate or x.dtype not in _F32_F64:
        return NotImplemented
    u2 = jnp.multiply(jnp.add(x, jnp.multiply(jnp.multiply(x, jnp.square(x)), 0.044715)),
                      _GELU_SCALE)
    positive = u2 >= 0
    e = jnp.exp(jnp.where(positive, jnp.negative(u2), u2))
    d = jnp.add(e, 1.0)
    return jnp.multiply(x, jnp.where(positive, jnp.divide(1.0, d), jnp.divide(
        e, jnp.add(e, 1.0) if isinstance(x, jax.core.Tracer) else d)))


_GELU_SCALE = 2 * math.sqrt(2 / math.pi)
_F32_F64 = (_F32, np.dtype(np.float64))


@partial
def softmax(x, axis=-1):
    if not isinstance(axis, int) or x.ndim == 0:
        return NotImplemented
    c, dt = up_float(x)
    return down(jax.nn.softmax(c, axis=axis), dt)


@partial
def log_softmax(x, axis=-1):
    if x.dtype is _F32 and type(axis) is int and x.shape:  # (nothing to compute in float32)
        return jax.nn.log_softmax(x, axis=axis)
    if not isinstance(axis, int) or x.ndim == 0:
        return NotImplemented
    c, dt = up_float(x)
    return down(jax.nn.log_softmax(c, axis=axis), dt)


# -- one_hot ---------------------------------------------------------------------------

@partial
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """The generic's comparison of ``x`` with ``arange(num_classes)``, compiled as one
    program (eagerly, the generic's four small ops cost five times jax.nn.one_hot); an
    ``axis``, an x that is not an int32/int64 array, or a count that is not a positive int
    take the generic. ``sparse=True`` gives a BCOO (``backends/jax/sparse.py``)."""
    if sparse:
        from .sparse import bcoo_one_hot  # (imports jax.experimental.sparse: 0.15 s)
        return bcoo_one_hot(x, num_classes, axis, dtype)
    if (axis != -1 or type(num_classes) is not int or num_classes <= 0
            or not isinstance(x, jax.Array) or x.dtype not in _ONE_HOT_INDICES):
        return NotImplemented
    return _one_hot(x, num_classes, jnp.float32 if dtype is None else dtype)


def _one_hot_compute(x, num_classes, dtype):
    return (x[..., None] == jnp.arange(num_classes, dtype=x.dtype)).astype(dtype)


_one_hot = jitted(_one_hot_compute, ("num_classes", "dtype"))
_ONE_HOT_INDICES = (np.dtype(np.int32), np.dtype(np.int64))


@partial
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """``sparse=True``: a BCOO (``backends/jax/sparse.py``); otherwise the generic."""
    if not sparse or kwargs:
        return NotImplemented
    from .sparse import bcoo_multi_hot
    return bcoo_multi_hot(inputs, num_classes, axis, dtype)


# -- convolutions ----------------------------------------------------------------------

def _operands(x, *kernels):
    """The compute-dtype operands (half precision in float32) and the result dtype."""
    c, dt = up(x)
    return (c,) + tuple(k.astype(c.dtype) for k in kernels), dt


def _depthwise_as_grouped(kernel, n):
    """A depthwise kernel ``(*k, C, M)`` as a grouped conv kernel ``(*k, 1, C * M)``."""
    shape = tuple(int(d) for d in kernel.shape)
    return jnp.reshape(kernel, shape[:n] + (1, shape[n] * shape[n + 1]))


def _lax_numbers(n, fmt):
    lhs = (0, n + 1) + tuple(range(1, n + 1)) if fmt == "channels_last" else tuple(
        range(n + 2))
    return lax.ConvDimensionNumbers(lhs_spec=lhs, rhs_spec=(n + 1, n) + tuple(range(n)),
                                    out_spec=lhs)


def _conv(c, k, a, groups):
    return lax.conv_general_dilated(c, k, a.strides, a.pads, rhs_dilation=a.dilation,
                                    dimension_numbers=_lax_numbers(a.n, a.fmt),
                                    feature_group_count=groups)


# On the CPU, XLA's convolution is slower than other programs of the same sums, measured
# forward and backward (``jax.grad`` of both operands under ``jax.jit``, float32):
# - a kernel of one tap (1x1), which is a matmul over the channels: 1.5-3.7x slower than
#   the matmul, at every size measured (2x2 to 56x56 maps, 64 to 2048 channels);
# - a small output (at most 49 positions an image) of a deep contraction (taps x input
#   channels at least 1024), as in a ResNet's last stages at a small input: 1.3-30x
#   slower than one matmul of the input's taps (a 3x3, 512-channel convolution of a 2x2
#   map: 140 ms against 4 ms). Below 1024 (64 channels), or on larger maps, XLA's
#   convolution is as fast or faster, and keeps no copy of the taps;
# - a depthwise convolution (one group a channel): 9-33x slower than the sum over the
#   kernel's taps of each tap's slice of the input times its weights (3x3 and 5x5
#   kernels, 4x4 to 56x56 maps, 96 to 960 channels);
# - the gradient of a strided transposed convolution: 2-9x slower than one matmul by
#   every tap's weights, each tap's product spread to its output positions by a
#   ``lax.pad`` (4x4 to 32x32 inputs, strides 2; at stride 1 XLA's is faster, 4.7 ms
#   against 7.5 ms for 16x16, 64 channels).
# There, on the CPU, channels-last ``conv``, ``depthwise_conv`` and (strided)
# ``conv_transpose`` run in those forms: the same sums, in another order. Elsewhere
# (other shapes, channels-first, a GPU or TPU) they are XLA's convolutions.
_MATMUL_POSITIONS = 49
_MATMUL_DEPTH = 1024


def _on_cpu(a) -> bool:
    """Whether the window op (convolution, pool) of the checked arguments ``a`` is
    channels-last, on the CPU: where the forms above and below run."""
    return a.fmt == "channels_last" and jax.default_backend() == "cpu"


def _as_matmul(a) -> bool:
    """Whether ``conv`` of the checked arguments ``a`` runs as one matmul of its taps: an
    ungrouped convolution on the CPU of one tap, or of a small output of a deep
    contraction (above)."""
    if a.groups != 1 or not _on_cpu(a):
        return False
    taps = math.prod(a.ksize)
    return taps == 1 or (
        math.prod(w.out_sizes(a.size, a.ksize, a.strides, a.dilation, a.pads))
        <= _MATMUL_POSITIONS and taps * a.channels >= _MATMUL_DEPTH)


def _taps(c, pads, window, strides, dilation=None, fill=0) -> list:
    """The channels-last input's taps: per window position, in the window's (row-major)
    order, the slice of ``c`` padded by ``pads`` (with ``fill``), dilated and strided, that
    it meets at each output position."""
    if any(lo or hi for lo, hi in pads):
        c = jnp.pad(c, ((0, 0), *pads, (0, 0)), constant_values=fill)
    dilation = dilation or (1,) * len(window)
    out = [(m - w.dilated(k, d)) // s + 1
           for m, k, s, d in zip(c.shape[1:-1], window, strides, dilation)]
    steps = (1, *strides, 1)
    slices = []
    for offsets in itertools.product(*map(range, window)):
        start = (0, *(o * d for o, d in zip(offsets, dilation)), 0)
        stop = (c.shape[0], *((o + (m - 1) * s + 1) for o, m, s in
                              zip(start[1:-1], out, strides)), c.shape[-1])
        slices.append(lax.slice(c, start, stop, steps))
    return slices


def _conv_as_matmul(c, k, a):
    """``conv`` as one matmul of the taps of ``c`` (concatenated along the channels) by
    the kernel ``(spatial..., in, out)`` flattened to ``(taps x in, out)``."""
    taps = _taps(c, a.pads, a.ksize, a.strides, a.dilation)
    x = taps[0] if len(taps) == 1 else jnp.concatenate(taps, axis=-1)
    out = k.shape[-1]
    y = jnp.reshape(x, (-1, x.shape[-1])) @ jnp.reshape(k, (-1, out))
    return jnp.reshape(y, (*x.shape[:-1], out))


def _depthwise_as_taps(c, k, a):
    """``depthwise_conv`` as the sum over the taps of ``c`` of each times its weights.
    The kernel ``(spatial..., C, M)`` gives output channel ``c * M + m`` (Keras's order),
    that is input channel ``c`` repeated M times: the products stay flat over the
    channels (an (..., C, M) product made XLA's loop 2-5x slower)."""
    multiplier = k.shape[-1]
    if multiplier > 1:
        c = jnp.repeat(c, multiplier, axis=-1)
    y = None
    taps = _taps(c, a.pads, a.ksize, a.strides, a.dilation)
    for tap, weights in zip(taps, jnp.reshape(k, (-1, c.shape[-1]))):
        y = tap * weights if y is None else y + tap * weights
    return y


def _conv_eager(inputs, kernel, strides=1, padding="valid", data_format=None,
                dilation_rate=1):
    a = w.conv_args("nn.conv", inputs, kernel, strides, padding, data_format, dilation_rate)
    (c, k), dt = _operands(inputs, kernel)
    if _as_matmul(a):
        return down(_conv_as_matmul(c, k, a), dt)
    return down(_conv(c, k, a, a.groups), dt)


def _depthwise_conv_eager(inputs, kernel, strides=1, padding="valid", data_format=None,
                          dilation_rate=1):
    a = w.depthwise_args("nn.depthwise_conv", inputs, kernel, strides, padding, data_format,
                         dilation_rate)
    (c, k), dt = _operands(inputs, kernel)
    if _on_cpu(a):
        return down(_depthwise_as_taps(c, k, a), dt)
    return down(_conv(c, _depthwise_as_grouped(k, a.n), a, a.channels), dt)


def _conv_transpose_as_taps(c, k, a):
    """``conv_transpose`` (kernel ``(spatial..., out, in)``) as one matmul of ``c`` by
    every tap's ``(in, out)`` weights, each tap's product then spread to its output
    positions (``i * stride + tap * dilation`` of the full transposed convolution,
    cropped to Keras's window) by one ``lax.pad`` and the taps summed."""
    taps = list(itertools.product(*map(range, a.ksize)))
    out, cin = k.shape[-2:]
    weights = jnp.reshape(jnp.moveaxis(jnp.reshape(k, (len(taps), out, cin)), -1, 0),
                          (cin, -1))
    z = jnp.reshape(jnp.reshape(c, (-1, cin)) @ weights, (*c.shape[:-1], len(taps), out))
    zero = jnp.zeros((), z.dtype)
    y = None
    for i, tap in enumerate(taps):
        spread = [(0, 0, 0)]
        for t, m, s, d, kd, (lo, hi) in zip(tap, a.size, a.strides, a.dilation,
                                            map(w.dilated, a.ksize, a.dilation), a.crops):
            first = t * d  # the full output's length is (m - 1) * s + kd
            spread.append((first - lo, kd - 1 - first - hi, s - 1))
        term = lax.pad(z[..., i, :], zero, [*spread, (0, 0, 0)])
        y = term if y is None else y + term
    return y


def _conv_transpose_eager(inputs, kernel, strides=1, padding="valid", output_padding=None,
                          data_format=None, dilation_rate=1):
    a = w.transpose_args("nn.conv_transpose", inputs, kernel, strides, padding,
                         output_padding, data_format, dilation_rate)
    (c, k), dt = _operands(inputs, kernel)
    if _on_cpu(a) and any(s > 1 for s in a.strides):
        return down(_conv_transpose_as_taps(c, k, a), dt)
    y = lax.conv_transpose(c, k, a.strides, a.edge_pads, rhs_dilation=a.dilation,
                           dimension_numbers=_lax_numbers(a.n, a.fmt), transpose_kernel=True)
    return down(y, dt)


conv = jitted(_conv_eager, _CONV_STATIC)
depthwise_conv = jitted(_depthwise_conv_eager, _CONV_STATIC)
conv_transpose = jitted(_conv_transpose_eager, (*_CONV_STATIC, "output_padding"))


# -- pooling ---------------------------------------------------------------------------

def _window(a, values, fill=1):
    """Per-axis window values in the input layout (1 for batch and channels)."""
    return (fill,) + tuple(values) + (fill,) if a.fmt == "channels_last" else (
        fill, fill) + tuple(values)


def _max_pool_eager(inputs, pool_size, strides=None, padding="valid", data_format=None):
    a = w.pool_args("nn.max_pool", inputs, pool_size, strides, padding, data_format)
    if (_on_cpu(a) and math.prod(a.pool) <= _ROUTED_TAPS
            and jnp.issubdtype(inputs.dtype, jnp.floating)):
        return _max_pool_routed(inputs, a)
    return _max_pool(inputs, a)


def _max_pool(x, a):
    # a concrete (NumPy) init value: lax then knows the max monoid and differentiates it
    fill = np.array(w.max_pool_fill(np.dtype(x.dtype).name), x.dtype)
    return lax.reduce_window(x, fill, lax.max, _window(a, a.pool), _window(a, a.strides),
                             _window(a, a.pads, (0, 0)))


# XLA differentiates a max pool by ``select_and_scatter``, which on the CPU took 13-20x
# the forward's time ((8, 32, 32, 64), 3x3 windows, stride 2: 9.1 ms against 0.7 ms).
# Its rule: a window's entries are visited in row-major order, padding (-inf) included;
# the first is chosen, and a later entry ``e`` replaces the choice unless ``choice >= e``
# (so a tie keeps the first, a NaN is passed over by the next entry, and a window of
# -inf keeps its padding). The derivative below makes the same choice, per window, from
# the input's taps, and sends each window's tangent through it: elementwise selects and,
# reversed, one ``lax.pad`` per tap, which XLA fuses: 4-13x faster compiled (2x2 and 3x3
# windows). It is taken for windows of at most 16 entries: an eager ``jax.grad`` runs the
# taps one by one, and its first call for a 5x5 window took 1.5 s against 0.7 s (7x7:
# 3.1 s against 0.5 s; 12x12: 26 s).
_ROUTED_TAPS = 16


def _max_pool_routed(x, a):
    """``max_pool`` (XLA's ``reduce_window``) whose derivative routes each window's
    tangent from the entry XLA's ``select_and_scatter`` chooses (above)."""
    taps = functools.partial(_taps, pads=a.pads, window=a.pool, strides=a.strides)

    @jax.custom_jvp
    def pool(x):
        return _max_pool(x, a)

    @pool.defjvp
    def pool_jvp(primals, tangents):
        (x,), (dx,) = primals, tangents
        values = taps(x, fill=-np.inf)
        chosen, choice = values[0], jnp.zeros(values[0].shape, np.int8)  # (<= 16 entries)
        for i, v in enumerate(values[1:], 1):
            later = ~(chosen >= v)
            chosen, choice = jnp.where(later, v, chosen), jnp.where(later, np.int8(i), choice)
        routed = None
        for i, d in enumerate(taps(dx)):
            term = jnp.where(choice == i, d, jnp.zeros((), d.dtype))
            routed = term if routed is None else routed + term
        return pool(x), routed

    return pool(x)


def _average_pool_eager(inputs, pool_size, strides=None, padding="valid", data_format=None):
    a = w.pool_args("nn.average_pool", inputs, pool_size, strides, padding, data_format)
    c, dt = up(inputs)
    total = lax.reduce_window(c, np.array(0, c.dtype), lax.add, _window(a, a.pool),
                              _window(a, a.strides), _window(a, a.pads, (0, 0)))
    counts = w.window_counts(a)  # the real (not padding) elements of each window
    if counts is None:
        return down(jnp.divide(total, float(math.prod(a.pool))), dt)
    return down(jnp.divide(total, jnp.asarray(counts).astype(c.dtype)), dt)


max_pool = jitted(_max_pool_eager, _POOL_STATIC)
average_pool = jitted(_average_pool_eager, _POOL_STATIC)
