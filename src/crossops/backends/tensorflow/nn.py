"""TensorFlow's functions of crossops.nn, found by op name (``backends/tensorflow/nn.py``).

- activations: ``relu``, ``relu6``, ``sigmoid``, ``silu``, ``gelu``, ``softplus``,
  ``softsign``, ``log_sigmoid``, ``leaky_relu`` (float32: its slope is a float32
  attribute), ``softmax``, ``log_softmax`` call TensorFlow's own kernels (``softplus``
  within a few ulps of the generic form below ``log(eps)``, as Keras's TensorFlow
  backend computes it); ``elu``, ``selu``, ``hard_sigmoid``, ``hard_silu`` and
  ``tanh_shrink`` are the generic forms in TensorFlow's kernels, run by name
  (``Elu`` computes ``exp(x) - 1``, which cancels near 0); half precision is computed in
  float32 and rounded once;
  a NaN or +inf makes its row NaN (``tf.nn.softmax`` gives 0 beside them: put back, except
  under XLA, whose kernels give the NaN rows themselves); a tuple
  ``axis`` or a 0-d input runs the generic form;
- ``conv``, ``depthwise_conv``, ``conv_transpose`` (``tf.nn.convolution``,
  ``depthwise_conv2d``, ``conv_transpose``), ``max_pool`` and ``average_pool``
  (``tf.nn.pool``) and ``ctc_loss`` (``tf.nn.ctc_loss``). Where TensorFlow's CPU kernels
  lack a case, the function returns ``NotImplemented`` and the generic form runs (it is
  marked :func:`~crossops.backends._common.partial`): dilated transposed convolutions,
  3-D float64 pooling and strides beyond the window, float64 CTC (``tf.nn.ctc_loss``
  mixes in float32). Arguments are checked by :mod:`crossops.backends._windows`, as the generic
  forms check them;
- ``moments(synchronized=True)``: over the replicas of a ``tf.distribute`` strategy, as
  Keras's TensorFlow backend.

Examples
--------
>>> import tensorflow as tf, crossops.nn as nn
>>> nn.relu(tf.constant([-1.0, 2.0])).numpy().tolist()
[0.0, 2.0]
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ..._config import standardize_data_format
from .. import _windows as w
from .._common import SELU_ALPHA, SELU_SCALE, partial
from ._compute import (
    _HALF,
    KERNEL_FLOATS,
    below_inf,
    buffer_below_inf,
    down,
    eager,
    eager_cpu,
    raw_kernel,
    run_kernel,
    up,
    up_float,
)
from ._private import host_buffer, static_shape
from .array_api._helpers import dim
from .transforms import traced_for_xla

# -- activations -----------------------------------------------------------------------

def relu(x):
    if eager(x) and id(x.dtype) in KERNEL_FLOATS:  # tf.nn.relu's kernel, directly
        return run_kernel("Relu", x)
    if x.dtype is tf.bool:  # as jax.nn.relu: int32 (TensorFlow has no bool relu)
        return tf.cast(x, tf.int32)
    return tf.nn.relu(x)


def _one_kernel(name: str, f, x):
    """TensorFlow's kernel ``name`` run directly on an eager float32/float64 ``x``;
    otherwise its function ``f`` in :func:`up_float`'s compute dtype, rounded back."""
    if eager(x) and id(x.dtype) in KERNEL_FLOATS:
        return run_kernel(name, x)
    c, dt = up_float(x)
    return down(f(c), dt)


def sigmoid(x):
    return _one_kernel("Sigmoid", tf.sigmoid, x)


def silu(x):
    c, dt = up_float(x)
    return down(tf.nn.silu(c), dt)


def gelu(x, approximate=True):
    c, dt = up_float(x)
    return down(tf.nn.gelu(c, approximate=bool(approximate)), dt)


def relu6(x):
    return _one_kernel("Relu6", tf.nn.relu6, x)


@partial
def leaky_relu(x, negative_slope=0.2):
    """float32 by TensorFlow's kernel, whose slope is a float32 attribute (float64 would
    lose its precision: the generic form's there)."""
    if type(negative_slope) not in (float, int):
        return NotImplemented
    c, dt = up_float(x)
    if c.dtype is not tf.float32:
        return NotImplemented
    if eager(c):
        return down(run_kernel("LeakyRelu", c, "alpha", negative_slope), dt)
    return down(tf.nn.leaky_relu(c, negative_slope), dt)


def _kernels(c):
    """The function that runs TensorFlow's kernels by name on ``c``: :func:`run_kernel`
    for an eager tensor of a kernel floating dtype (without ``tf``'s Python layers: 1-2
    us a kernel where ``tf.where`` or ``c + 3.0`` cost 10-15), else ``tf.raw_ops``'s."""
    return run_kernel if eager(c) and id(c.dtype) in KERNEL_FLOATS else raw_kernel


@partial
def elu(x, alpha=1.0):
    """The generic form's, in TensorFlow's kernels (TensorFlow's Elu kernel computes
    ``exp(x) - 1``, which cancels near 0: 150 ulps off at -0.0015 in float32, 5% at
    -1e-6)."""
    if type(alpha) not in (float, int):
        return NotImplemented
    c, dt = up_float(x)
    return down(_elu(c, alpha), dt)


def _elu(c, alpha):
    # (expm1 of the negative part only: expm1 of a large x would make the gradient NaN)
    k = _kernels(c)
    negative = k("Expm1", k("Minimum", c, 0.0))
    if alpha != 1:
        negative = k("Mul", negative, alpha)
    if 0 <= alpha <= 1:  # alpha * expm1(x) >= x for x <= 0, and is 0 for x > 0: the
        return k("Maximum", c, negative)  # larger of the two, one kernel for two
    return k("SelectV2", k("Greater", c, 0.0), c, negative)


def selu(x):
    c, dt = up_float(x)
    return down(_kernels(c)("Mul", _elu(c, SELU_ALPHA), SELU_SCALE), dt)


def softplus(x):
    # (TensorFlow's kernel: within a few ulps of the generic form, as Keras's
    # TensorFlow backend computes it)
    return _one_kernel("Softplus", tf.nn.softplus, x)


def log_sigmoid(x):
    c, dt = up_float(x)
    return down(tf.math.log_sigmoid(c), dt)


def softsign(x):
    return _one_kernel("Softsign", tf.nn.softsign, x)


def _hard_sigmoid(c, k):
    # the generic form's relu6(x + 3) / 6
    return k("RealDiv", k("Relu6", k("AddV2", c, 3.0)), 6.0)


def hard_sigmoid(x):
    c, dt = up_float(x)
    return down(_hard_sigmoid(c, _kernels(c)), dt)


def hard_silu(x):
    c, dt = up_float(x)
    k = _kernels(c)
    return down(k("Mul", c, _hard_sigmoid(c, k)), dt)


def tanh_shrink(x):
    c, dt = up_float(x)
    k = _kernels(c)
    return down(k("Sub", c, k("Tanh", c)), dt)


@partial
def glu(x, axis=-1):
    """``a * sigmoid(b)`` of ``x``'s halves along ``axis``, the sigmoid :func:`sigmoid`'s
    (TensorFlow's kernel), in the Split, Sigmoid and Mul kernels (the generic form
    dispatches ~15 ops); a size that is odd or unknown, or an axis out of range: the
    generic form's error."""
    rank = x.shape.rank
    if type(axis) is not int or rank is None or not -rank <= axis < rank \
            or x.shape[axis] is None or x.shape[axis] % 2:
        return NotImplemented
    c, dt = up_float(x)
    k = _kernels(c)
    a, b = k("Split", axis, c, "num_split", 2)
    return down(k("Mul", a, k("Sigmoid", b)), dt)


def _nan_rows(x, y, axis):
    """``y`` with NaN along ``axis`` wherever ``x`` has a NaN or a +inf there, as the
    generic form, jax and torch give them (the shift by the row's maximum makes inf - inf
    there; TensorFlow's kernels give 0 beside a NaN, and NaN only at a +inf). Eagerly, an
    ``x`` without either (one reduction, :func:`below_inf`) gives ``y`` as it is; so does
    a graph that crossops.jit compiles with XLA (:func:`traced_for_xla`), whose Softmax
    and LogSoftmax kernels give those NaN rows themselves."""
    if below_inf(x) or traced_for_xla():
        return y
    bad = tf.math.logical_or(tf.math.is_nan(x), tf.math.equal(x, float("inf")))
    bad = tf.reduce_any(bad, axis=axis, keepdims=True)
    return tf.where(bad, tf.constant(float("nan"), y.dtype), y)


@partial
def softmax(x, axis=-1):
    if _eager_last(x, axis):
        return _eager_rows("Softmax", x)
    if not isinstance(axis, int) or x.ndim == 0:
        return NotImplemented
    c, dt = up_float(x)
    # the last axis: the kernel tf.nn.softmax calls there, without its wrapper's ~4 us
    y = tf.raw_ops.Softmax(logits=c) if _is_last(axis, c) else tf.nn.softmax(c, axis)
    return down(_nan_rows(c, y, axis), dt)


@partial
def log_softmax(x, axis=-1):
    if _eager_last(x, axis):
        return _eager_rows("LogSoftmax", x)
    if not isinstance(axis, int) or x.ndim == 0:
        return NotImplemented
    c, dt = up_float(x)
    y = tf.raw_ops.LogSoftmax(logits=c) if _is_last(axis, c) else tf.nn.log_softmax(c, axis)
    return down(_nan_rows(c, y, axis), dt)


def _eager_last(x, axis) -> bool:
    """Whether a (log-)softmax of ``x`` over ``axis`` takes :func:`_eager_rows`: an eager
    CPU float32/float64 tensor of rank 1 or more, over its last axis (an int)."""
    return (type(axis) is int and eager_cpu(x) and id(x.dtype) in KERNEL_FLOATS
            and (n := x.ndim) > 0 and (axis == -1 or axis == n - 1))


def _eager_rows(name: str, x):
    """The general path's result for :func:`_eager_last` calls, with less around the kernel:
    kernel ``name`` (``Softmax``, ``LogSoftmax``) called directly, x's buffer read for NaN
    and +inf (NumPy's maximum), rows holding either wholly by :func:`_nan_rows` (as there)."""
    y = run_kernel(name, x)
    if buffer_below_inf(host_buffer(x)):
        return y
    return _nan_rows(x, y, -1)


def _is_last(axis: int, x) -> bool:
    """Whether ``axis`` is the last axis of ``x`` (of a known rank, where not -1)."""
    return axis == -1 or (x.ndim is not None and axis == x.ndim - 1)


# -- one_hot ---------------------------------------------------------------------------

@partial
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """tf.one_hot (one kernel; an id out of range, negative too, gives a zero row, as the
    generic's comparison with ``arange(num_classes)``); an ``axis``, sparse, an x that is
    not an int32/int64 tensor, a count that is not a positive int, or a result dtype other
    than a float or int32/int64 take the generic. ``sparse=True``: a ``tf.SparseTensor``
    (:func:`_sparse_one_hot`), as keras.ops on TensorFlow."""
    if sparse:
        return _sparse_one_hot(x, num_classes, axis, dtype)
    if (axis != -1 or type(num_classes) is not int or num_classes <= 0
            or not tf.is_tensor(x) or id(x.dtype) not in _ONE_HOT_INDICES):
        return NotImplemented
    if dtype is None:
        dtype = tf.float32
    elif not (dtype.is_floating or id(dtype) in _ONE_HOT_INDICES):
        return NotImplemented
    return tf.one_hot(x, num_classes, dtype=dtype)


#: int32 and int64 by id (a tensor's dtype is interned; DType.__eq__ costs ~0.7 us)
_ONE_HOT_INDICES = frozenset(map(id, (tf.int32, tf.int64)))


def _sparse_one_hot(x, num_classes, axis, dtype):
    """one_hot as a ``tf.SparseTensor``: an entry of 1 (True for bool) at each id in
    ``[0, num_classes)`` (other ids give no entry: a zero row, as the dense one_hot), the
    class axis at ``axis``; float32 unless ``dtype`` is given."""
    ids = x if tf.is_tensor(x) else tf.convert_to_tensor(x)
    if not ids.dtype.is_integer:
        return NotImplemented  # the generic says what it takes
    rank = ids.shape.rank
    axis = axis + rank + 1 if axis < 0 else axis
    if not 0 <= axis <= rank:
        return NotImplemented
    ids = tf.cast(ids, tf.int64)
    where = tf.where(tf.logical_and(ids >= 0, ids < num_classes))
    cols = tf.gather_nd(ids, where)[:, None]
    indices = tf.concat([where[:, :axis], cols, where[:, axis:]], axis=1)
    shape = tf.shape(ids, out_type=tf.int64)
    dense_shape = tf.concat([shape[:axis], [num_classes], shape[axis:]], 0)
    dtype = tf.float32 if dtype is None else tf.as_dtype(dtype)
    out = tf.sparse.reorder(tf.SparseTensor(indices, tf.ones(tf.shape(cols)[:1], dtype),
                                            dense_shape))
    static = ids.shape.as_list()
    out.set_shape(static[:axis] + [num_classes] + static[axis:])
    return out


@partial
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """``sparse=True``: a ``tf.SparseTensor`` (a 1 at each class id a sample holds, ids
    outside ``[0, num_classes)`` ignored), as keras.ops on TensorFlow; the dense form takes
    the generic."""
    if not sparse or kwargs:
        return NotImplemented
    ids = inputs if tf.is_tensor(inputs) else tf.convert_to_tensor(inputs)
    if num_classes is None:
        if not hasattr(ids, "numpy"):
            return NotImplemented  # the size comes from the values: eager only
        num_classes = int(tf.reduce_max(ids)) + 1
    dtype = tf.float32 if dtype is None else tf.as_dtype(dtype)
    work = tf.int8 if dtype == tf.bool else dtype  # tf.sparse.reduce_max takes no bools
    hot = _sparse_one_hot(ids, num_classes, axis, work)
    if hot is NotImplemented:
        return hot
    out = tf.sparse.reduce_max(hot, axis=1 if ids.shape.rank > 1 else 0,
                               output_is_sparse=True)
    if work is not dtype:
        shape = out.shape
        out = tf.SparseTensor(out.indices, tf.cast(out.values, dtype), out.dense_shape)
        out.set_shape(shape)
    return out


# -- moments ---------------------------------------------------------------------------

@partial
def moments(x, axes, keepdims=False, synchronized=False):
    """``synchronized=True``: the mean and variance over every replica of the current
    ``tf.distribute`` replica context, as Keras's TensorFlow backend (sums of x, of x**2 and
    the counts all-reduced; variance ``E[x**2] - mean**2``, at least 0). Outside a
    strategy's ``run`` (the default replica context, or none) they are the local moments.
    float16/bfloat16 are computed in float32, a variance past their range is their largest
    value (as the generic's). Unsynchronized calls take the generic."""
    if not synchronized:
        return NotImplemented
    ctx = tf.distribute.get_replica_context()  # None in a strategy's cross-replica context
    c, dtype = up(tf.convert_to_tensor(x))
    if not c.dtype.is_floating:
        c = tf.cast(c, tf.float32)  # Keras's moments are of floats
        dtype = c.dtype
    axes = list(axes) if isinstance(axes, list | tuple) else [axes]
    total = tf.reduce_sum(c, axis=axes, keepdims=True)
    squares = tf.reduce_sum(tf.square(c), axis=axes, keepdims=True)
    count = tf.reduce_sum(tf.ones_like(c), axis=axes, keepdims=True)
    if ctx is not None:
        total, squares, count = (ctx.all_reduce(tf.distribute.ReduceOp.SUM, v)
                                 for v in (total, squares, count))
    mean = tf.math.divide_no_nan(total, count)
    var = tf.maximum(tf.math.divide_no_nan(squares, count) - tf.square(mean), 0.0)
    if not keepdims:
        mean, var = tf.squeeze(mean, axes), tf.squeeze(var, axes)
    if dtype in _HALF:
        var = tf.minimum(var, dtype.max)
    return down(mean, dtype), down(var, dtype)


# -- layout helpers --------------------------------------------------------------------

def _to_last(x, fmt):
    """``x`` as channels_last."""
    if fmt == "channels_last":
        return x
    return tf.transpose(x, (0, *range(2, x.ndim), 1))


def _from_last(y, fmt):
    """A channels_last ``y`` in layout ``fmt``."""
    if fmt == "channels_last":
        return y
    return tf.transpose(y, (0, y.ndim - 1, *range(1, y.ndim - 1)))


def _pad_spatial(x, pad_pairs, first=1):
    """Pad the spatial axes ``first, first + 1, ...`` of ``x`` with zeros."""
    if not any(lo or hi for lo, hi in pad_pairs):
        return x
    width = [(0, 0)] * x.ndim
    for i, p in enumerate(pad_pairs):
        width[first + i] = tuple(p)
    return tf.pad(x, width)


def _operands(x, *kernels):
    """The compute-dtype operands (half precision in float32) and the result dtype."""
    c, dt = up(x)
    return (c,) + tuple(tf.cast(k, c.dtype) for k in kernels), dt


def _depthwise_as_grouped(kernel, n):
    """A depthwise kernel ``(*k, C, M)`` as a grouped conv kernel ``(*k, 1, C * M)``."""
    shape = tuple(int(d) for d in kernel.shape)
    return tf.reshape(kernel, shape[:n] + (1, shape[n] * shape[n + 1]))


# -- convolutions ----------------------------------------------------------------------

def _last_format(n: int) -> str:
    """TensorFlow's name of the channels_last layout of ``n`` spatial axes (``"NDHWC"``),
    given to its convolutions explicitly: Conv3D's gradient reads the attribute, which an
    eager op left at its default lacks (``AttributeError`` under an eager GradientTape)."""
    return "N" + "DHW"[3 - n:] + "C"


def _conv(c, k, a):
    """A channels_last TF convolution (grouped where k's in_channels divide C); TF has no
    strides > 1 together with dilation > 1, so those run at stride 1 and are subsampled."""
    both = any(s > 1 for s in a.strides) and any(d > 1 for d in a.dilation)
    strides = (1,) * a.n if both else a.strides
    x = _to_last(c, a.fmt)
    if a.pad == "same" and not both:  # Keras's "same" is TF's: the kernel pads, no copy
        padding = "SAME"
    else:
        x, padding = _pad_spatial(x, a.pads), "VALID"
    cg = int(k.shape[-2])
    groups = int(x.shape[-1]) // cg
    if groups > 1:  # TF's CPU kernels cannot differentiate grouped convolutions (and Conv3D
        # has no groups at all): one convolution per group
        og = int(k.shape[-1]) // groups
        y = tf.concat([tf.nn.convolution(x[..., g * cg:(g + 1) * cg],
                                         k[..., g * og:(g + 1) * og], strides=strides,
                                         padding=padding, data_format=_last_format(a.n),
                                         dilations=a.dilation)
                       for g in range(groups)], axis=-1)
    else:
        y = tf.nn.convolution(x, k, strides=strides, padding=padding,
                              data_format=_last_format(a.n), dilations=a.dilation)
    if both:
        y = y[(slice(None),) + tuple(slice(None, None, s) for s in a.strides)]
    return _from_last(y, a.fmt)


@partial
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    if (eager_cpu(inputs) and eager_cpu(kernel) and _exact_ints(strides)
            and _exact_ints(dilation_rate) and type(padding) is str
            and id(dt := inputs.dtype) in KERNEL_FLOATS and kernel.dtype is dt):
        attrs = _eager_conv2d_attrs(inputs, kernel, strides, padding, data_format,
                                    dilation_rate)
        if attrs is not None:
            return run_kernel("Conv2D", inputs, kernel, *attrs)
    a = w.conv_args("nn.conv", inputs, kernel, strides, padding, data_format, dilation_rate)
    (c, k), dt = _operands(inputs, kernel)
    return down(_conv(c, k, a), dt)


def _exact_ints(v) -> bool:
    """Whether ``v`` is an int or a tuple of ints, of type int exactly (a key of
    :data:`_CONV2D_ATTRS`: 1.0 and True, which hash as 1, are not taken)."""
    return type(v) is int or (type(v) is tuple and all(type(e) is int for e in v))


#: (inputs' shape, kernel's shape, strides, padding, data format, dilation) -> the Conv2D
#: attributes of :func:`_eager_conv2d_attrs`, or None where the general path runs (kept up
#: to 64 entries, then afresh)
_CONV2D_ATTRS: dict = {}


def _eager_conv2d_attrs(x, k, strides, padding: str, data_format, dilation):
    """For a convolution of eager CPU tensors ``x`` and ``k`` (strides and dilation of
    :func:`_exact_ints`): the attributes of the ``Conv2D`` kernel, as ``tf.nn.conv2d`` gives
    them, where
    :func:`_conv` would call that kernel through ``tf.nn.convolution`` (2-D,
    channels_last, ungrouped, undilated), else None. Its Python layers took a sixth of a
    small convolution's time, the argument checks (``conv_args``, pure functions of the
    shapes and these arguments) nine microseconds: both are skipped, the checks' outcome
    kept per shapes and arguments once they passed."""
    try:
        key = (static_shape(x), static_shape(k), strides, padding,
               standardize_data_format(data_format, "nn.conv"), dilation)
        return _CONV2D_ATTRS[key]
    except KeyError:
        pass
    except Exception:  # (the general path raises what its checks find, in their order)
        return None
    a = w.conv_args("nn.conv", x, k, strides, padding, data_format, dilation)
    attrs = None
    if a.n == 2 and a.fmt == "channels_last" and a.groups == 1 and a.dilation == (1, 1):
        attrs = ("strides", [1, *a.strides, 1], "use_cudnn_on_gpu", True,
                 "padding", "SAME" if a.pad == "same" else "VALID", "explicit_paddings", [],
                 "data_format", "NHWC", "dilations", [1, 1, 1, 1])
    if len(_CONV2D_ATTRS) >= 64:
        _CONV2D_ATTRS.clear()
    _CONV2D_ATTRS[key] = attrs
    return attrs


@partial
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    a = w.depthwise_args("nn.depthwise_conv", inputs, kernel, strides, padding, data_format,
                         dilation_rate)
    (c, k), dt = _operands(inputs, kernel)
    # TF's depthwise kernel: equal strides, and no strides > 1 together with dilation > 1
    if a.n == 2 and a.strides[0] == a.strides[1] and not (
            a.strides[0] > 1 and any(d > 1 for d in a.dilation)):
        return down(_depthwise2d(c, k, a), dt)
    return down(_conv(c, _depthwise_as_grouped(k, a.n), a), dt)


def _depthwise2d(c, k, a):
    """TF's own depthwise convolution (one kernel, differentiable on CPU), where a grouped
    convolution would run one convolution per channel."""
    x = _to_last(c, a.fmt)
    if a.pad == "same":
        padding = "SAME"
    else:
        x, padding = _pad_spatial(x, a.pads), "VALID"
    y = tf.nn.depthwise_conv2d(x, k, strides=(1, *a.strides, 1), padding=padding,
                               dilations=a.dilation)
    return _from_last(y, a.fmt)


@partial
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    a = w.transpose_args("nn.conv_transpose", inputs, kernel, strides, padding,
                         output_padding, data_format, dilation_rate)
    if any(d > 1 for d in a.dilation):
        # TF's CPU kernels have no dilated transposed convolution: the generic runs
        return NotImplemented
    (c, k), dt = _operands(inputs, kernel)
    x = _to_last(c, a.fmt)
    full = tuple((i - 1) * s + w.dilated(kk, d) for i, s, kk, d in
                 zip(a.size, a.strides, a.ksize, a.dilation))
    # (the batch size unknown while traced, a None batch axis: tf.shape's)
    shape = (dim(x, 0),) + full + (int(k.shape[-2]),)
    y = tf.nn.conv_transpose(x, k, shape, a.strides, padding="VALID", dilations=a.dilation)
    idx, extra = w.crop_slices(y.shape, a.crops, 1)  # the Keras window of the full result
    return down(_from_last(_pad_spatial(y[idx], extra), a.fmt), dt)


# -- pooling ---------------------------------------------------------------------------

def _pool(kind, op, inputs, pool_size, strides, padding, data_format):
    a = w.pool_args(op, inputs, pool_size, strides, padding, data_format)
    if a.n == 3 and inputs.dtype == tf.float64 or inputs.dtype == tf.bool or any(
            s > k for s, k in zip(a.strides, a.pool)):
        # the generic where TF has no kernel: 3-D float64, bool, strides beyond the window
        return NotImplemented
    c, dt = up(inputs)
    # TF's "SAME" is Keras's (average pooling excludes the padding); its CPU kernels
    # take channels_last only
    # (max_pool / avg_pool: the kernel for the rank, without tf.nn.pool's general wrapper,
    # a third of the call)
    pool = tf.nn.max_pool if kind == "MAX" else tf.nn.avg_pool
    x = _to_last(c, a.fmt)
    y = pool(x, a.pool, a.strides, a.pad.upper())
    if kind == "MAX" and x.dtype.is_floating and _may_hold_nan(x):
        # TensorFlow's MaxPool passes over NaN; NumPy's maximum, and every other backend's
        # pool, gives it: NaN where the window holds one (its pooled mask)
        nan = pool(tf.cast(tf.math.is_nan(x), x.dtype), a.pool, a.strides, a.pad.upper())
        y = tf.where(nan > 0, tf.constant(float("nan"), x.dtype), y)
    return down(_from_last(y, a.fmt), dt)


def _may_hold_nan(x) -> bool:
    """Whether floating ``x`` may hold NaN: an eager CPU tensor's buffer read on the
    host; any other tensor may."""
    values = host_buffer(x) if eager_cpu(x) else None
    return values is None or bool(np.isnan(values).any())


@partial
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool("MAX", "nn.max_pool", inputs, pool_size, strides, padding, data_format)


@partial
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool("AVG", "nn.average_pool", inputs, pool_size, strides, padding, data_format)


# -- sparse_categorical_crossentropy ---------------------------------------------------

@partial
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """``-log_softmax(output)[target]`` by ``tf.nn.log_softmax`` and one gather: the
    generic form's values bit for bit (its log-probabilities are that kernel's), without
    its one-hot comparison, select and sum (~3.8x TensorFlow's fused loss at 32x32, whose
    own arithmetic is a rounding off in ~3% of rows). Float32/64 logits along the last
    axis, eager CPU int32/64 ids of the logits' leading shape, each a class (read on the
    host: an id outside gives the generic's 0); other calls take the generic form."""
    if (from_logits is not True or output.dtype not in (tf.float32, tf.float64)
            or target.dtype not in (tf.int32, tf.int64) or not eager_cpu(output)
            or not eager_cpu(target) or type(axis) is not int
            or axis not in (-1, output.shape.rank - 1)
            or target.shape != output.shape[:-1]):
        return NotImplemented
    ids = host_buffer(target)
    if ids.size and (ids.min() < 0 or ids.max() >= output.shape[-1]):
        return NotImplemented
    logp = tf.nn.log_softmax(output)
    return -tf.gather(logp, target, axis=-1, batch_dims=target.shape.rank)


# -- ctc -------------------------------------------------------------------------------

@partial
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    w.check_ctc_loss(target, output, target_length, output_length)
    if output.dtype == tf.float64:  # tf.nn.ctc_loss mixes in float32: the generic runs
        return NotImplemented
    logits = output if output.dtype == tf.float32 else tf.cast(output, tf.float32)
    return tf.nn.ctc_loss(labels=tf.cast(target, tf.int32), logits=logits,
                          label_length=tf.cast(target_length, tf.int32),
                          logit_length=tf.cast(output_length, tf.int32),
                          logits_time_major=False, blank_index=mask_index)
