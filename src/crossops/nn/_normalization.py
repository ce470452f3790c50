"""one_hot, moments, the normalisations, the crossentropies, psnr, polar and attention,
written with crossops ops (run on every backend)."""

from __future__ import annotations

import math

import crossops.numpy as xnp
from crossops import _config
from crossops._axes import normalize_axis
from crossops._dtypes import dtype_name

from ..numpy._compute import arange_like, down, name, up
from ._activations import _softplus


def _axes(axis):
    return tuple(axis) if isinstance(axis, list | tuple) else axis


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    if sparse:
        raise ValueError("one_hot: sparse=True makes a sparse array, which only the jax and "
                         "tensorflow backends have (as in keras.ops); pass sparse=False")
    if not hasattr(x, "dtype"):  # a list or Python int: an array of the default backend
        x = xnp.asarray(x)
    hot = xnp.equal(xnp.expand_dims(x, axis=-1), arange_like(x, num_classes, name(x)))
    out = xnp.astype(hot, "float32" if dtype is None else dtype_name(dtype), copy=False)
    return out if axis == -1 else xnp.moveaxis(out, -1, axis)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    if kwargs:
        raise TypeError(f"multi_hot: unexpected keyword arguments {sorted(kwargs)}")
    if not hasattr(inputs, "dtype"):
        inputs = xnp.asarray(inputs)
    if num_classes is None:  # eager only: the size comes from the values
        num_classes = int(xnp.max(inputs)) + 1
    hot = one_hot(inputs, num_classes, axis=axis, dtype=dtype, sparse=sparse)
    return xnp.max(hot, axis=1 if inputs.ndim > 1 else 0)


def moments(x, axes, keepdims=False, synchronized=False):
    if synchronized:
        raise NotImplementedError("moments: synchronized=True needs a distribution strategy")
    c, n = up(x)
    axes = _axes(axes)
    mean = xnp.mean(c, axis=axes, keepdims=True)
    var = xnp.mean(xnp.square(xnp.subtract(c, mean)), axis=axes, keepdims=keepdims)
    if not keepdims:
        mean = xnp.squeeze(mean, axis=axes)
    if n in ("float16", "bfloat16"):  # as Keras: a variance past the range is its largest
        var = xnp.minimum(var, float(xnp.finfo(n).max))  # value, not inf (NaN stays)
    return down(mean, n), down(var, n)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    c, n = up(x)
    shape = [1] * x.ndim
    shape[axis] = mean.shape[0]

    def b(v):
        return xnp.reshape(xnp.astype(v, name(c), copy=False), tuple(shape))

    inv = xnp.divide(1.0, xnp.sqrt(xnp.add(b(variance), epsilon)))
    if scale is not None:
        inv = xnp.multiply(inv, b(scale))
    out = xnp.multiply(xnp.subtract(c, b(mean)), inv)
    if offset is not None:
        out = xnp.add(out, b(offset))
    return down(out, n)


def batch_normalization_training(x, axis, offset=None, scale=None, epsilon=1e-3):
    import crossops.nn
    if not hasattr(x, "ndim"):
        x = xnp.asarray(x)
    axis = normalize_axis(axis, x.ndim, "nn.batch_normalization_training")
    # as BatchNormalization in Keras: the backend's moments, then batch_normalization
    mean, var = crossops.nn.moments(x, [a for a in range(x.ndim) if a != axis])
    out = crossops.nn.batch_normalization(x, mean, var, axis=axis, offset=offset, scale=scale,
                                          epsilon=epsilon)
    return out, mean, var


def _broadcast_param(v, c, axis):
    if v is None:
        return None
    v = xnp.astype(v, name(c), copy=False)
    axes = sorted(a % c.ndim for a in axis)
    if len(v.shape) != c.ndim and axes != [c.ndim - 1]:
        shape = [c.shape[d] if d in axes else 1 for d in range(c.ndim)]
        v = xnp.reshape(v, tuple(shape))
    return v


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    epsilon = _config.epsilon() if epsilon is None else epsilon
    import crossops.math
    import crossops.nn
    c, n = up(x)
    axis = list(axis) if isinstance(axis, list | tuple) else [axis]
    # as Keras: the backend's moments (TensorFlow's tf.nn.moments), then one rsqrt
    mean, var = crossops.nn.moments(c, tuple(axis), keepdims=True)
    out = xnp.multiply(xnp.subtract(c, mean), crossops.math.rsqrt(xnp.add(var, epsilon)))
    g, bt = _broadcast_param(gamma, c, axis), _broadcast_param(beta, c, axis)
    if g is not None:
        out = xnp.multiply(out, g)
    if bt is not None:
        out = xnp.add(out, bt)
    return down(out, n)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    epsilon = _config.epsilon() if epsilon is None else epsilon
    c, n = up(x)
    if c.ndim == 0:
        c = xnp.expand_dims(c, axis=0)
    ax = _axes(axis)
    ms = xnp.mean(xnp.square(c), axis=ax, keepdims=True)
    out = xnp.divide(c, xnp.sqrt(xnp.add(ms, epsilon)))
    if scale is not None:
        out = xnp.multiply(out, xnp.astype(scale, name(c), copy=False))
    return down(out, n)


def normalize(x, axis=-1, order=2, epsilon=None):
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize: order must be an int >= 1, got {order!r}")
    epsilon = _config.epsilon() if epsilon is None else epsilon
    c, n = up(x)
    if c.ndim == 0:
        c = xnp.expand_dims(c, axis=0)
    ax = _axes(axis)
    if order == 2:
        ss = xnp.sum(xnp.square(c), axis=ax, keepdims=True)
        out = xnp.divide(c, xnp.sqrt(xnp.maximum(ss, xnp.full_like(ss, epsilon * epsilon))))
    else:
        norm = xnp.linalg.vector_norm(c, axis=ax, keepdims=True, ord=order)
        out = xnp.divide(c, xnp.maximum(norm, xnp.full_like(norm, epsilon)))
    return down(out, n)


def _log_probs_last(o, from_logits):
    if from_logits:
        import crossops.nn
        return crossops.nn.log_softmax(o, axis=-1)  # the framework's own where it has one
    o = xnp.divide(o, xnp.sum(o, axis=-1, keepdims=True))
    return xnp.log(xnp.clip(o, _config.epsilon(), 1.0 - _config.epsilon()))


def binary_crossentropy(target, output, from_logits=False):
    o, n = up(output)
    t = xnp.astype(target, name(o), copy=False)
    if from_logits:
        # softplus(x) - x t: exact for any logit, and its derivative sigmoid(x) - t
        # everywhere (also at 0, where a form through |x| would lose it)
        return down(xnp.subtract(_softplus(o), xnp.multiply(o, t)), n)
    o = xnp.clip(o, _config.epsilon(), 1.0 - _config.epsilon())
    ll = xnp.add(xnp.multiply(t, xnp.log(o)),
                 xnp.multiply(xnp.subtract(1.0, t), xnp.log1p(xnp.negative(o))))
    return down(xnp.negative(ll), n)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if target.shape != output.shape:
        raise ValueError(f"categorical_crossentropy: target and output must have the same "
                         f"shape, got {tuple(target.shape)} and {tuple(output.shape)}")
    o, n = up(output)
    o = xnp.moveaxis(o, axis, -1)
    t = xnp.moveaxis(xnp.astype(target, name(o), copy=False), axis, -1)
    logp = _log_probs_last(o, from_logits)
    return down(xnp.negative(xnp.sum(xnp.multiply(t, logp), axis=-1)), n)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = xnp.squeeze(target, axis=-1)
    o, n = up(output)
    o = xnp.moveaxis(o, axis, -1)
    if tuple(target.shape) != tuple(o.shape[:-1]):
        raise ValueError(f"sparse_categorical_crossentropy: target shape {tuple(target.shape)} "
                         f"does not match output shape {tuple(output.shape)} without axis {axis}")
    logp = _log_probs_last(o, from_logits)
    if name(target) in ("int8", "uint8", "int16", "uint16"):  # whose arange would wrap
        target = xnp.astype(target, "int32")
    hot = xnp.equal(xnp.expand_dims(target, axis=-1),
                    arange_like(target, o.shape[-1], name(target)))
    return down(xnp.negative(xnp.sum(xnp.where(hot, logp, xnp.zeros_like(logp)), axis=-1)), n)


def psnr(x1, x2, max_val):
    if tuple(x1.shape) != tuple(x2.shape):
        raise ValueError(f"psnr: shapes {tuple(x1.shape)} and {tuple(x2.shape)} must match")
    c1, n = up(x1)
    c2 = xnp.astype(x2, name(c1), copy=False)
    mse = xnp.mean(xnp.square(xnp.subtract(c1, c2)))
    out = xnp.subtract(20 * math.log10(max_val), xnp.multiply(xnp.log10(mse), 10.0))
    return down(out, n)


def polar(abs_, angle):
    re = xnp.multiply(abs_, xnp.cos(angle))
    im = xnp.multiply(abs_, xnp.sin(angle))
    return xnp.add(re, xnp.multiply(im, 1j))


def _large_negative(name):
    return -0.7 * (65500.0 if name == "float16" else 3.38953e38)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None,
                          is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    if flash_attention:
        raise ValueError("dot_product_attention: flash_attention is not available in crossops")
    if query.ndim != 4:
        raise ValueError(f"dot_product_attention takes 4-D (batch, seq, heads, dim) inputs, "
                         f"got query of shape {tuple(query.shape)}")
    q, n = up(query)
    k = xnp.astype(key, name(q), copy=False)
    v = xnp.astype(value, name(q), copy=False)
    heads, kv_heads = q.shape[2], k.shape[2]
    if kv_heads != heads:  # grouped-query attention: query head i reads kv head i // group
        if kv_heads < 1 or heads % kv_heads or v.shape[2] != kv_heads:
            raise ValueError(f"dot_product_attention: the key and value heads ({kv_heads}, "
                             f"{v.shape[2]}) must be equal and divide the query heads "
                             f"({heads})")
        k = xnp.repeat(k, heads // kv_heads, axis=2)
        v = xnp.repeat(v, heads // kv_heads, axis=2)
    h = k.shape[-1]
    scale = 1.0 / math.sqrt(h) if scale is None else scale
    logits = xnp.matmul(xnp.permute_dims(q, (0, 2, 1, 3)), xnp.permute_dims(k, (0, 2, 3, 1)))
    logits = xnp.multiply(logits, scale)                    # (B, N, T, S)
    if attn_logits_soft_cap is not None:
        cap = attn_logits_soft_cap
        logits = xnp.multiply(xnp.tanh(xnp.divide(logits, cap)), cap)
    if bias is not None:
        logits = xnp.add(logits, xnp.astype(bias, name(logits), copy=False))
    keep = None
    if mask is not None:
        keep = xnp.astype(mask, "bool", copy=False)
    if is_causal:
        t, s = logits.shape[-2], logits.shape[-1]
        causal = xnp.expand_dims(arange_like(q, t), axis=1) >= xnp.expand_dims(
            arange_like(q, s), axis=0)
        keep = causal if keep is None else xnp.logical_and(keep, causal)
    if keep is not None:
        logits = xnp.where(keep, logits, _large_negative(n))
    m = xnp.max(logits, axis=-1, keepdims=True)
    e = xnp.exp(xnp.subtract(logits, m))
    probs = xnp.divide(e, xnp.sum(e, axis=-1, keepdims=True))
    out = xnp.matmul(probs, xnp.permute_dims(v, (0, 2, 1, 3)))   # (B, N, T, H)
    return down(xnp.permute_dims(out, (0, 2, 1, 3)), n)


OTHERS = {f.__name__: f for f in (
    one_hot, multi_hot, moments, batch_normalization, batch_normalization_training,
    layer_normalization,
    rms_normalization, normalize, binary_crossentropy, categorical_crossentropy,
    sparse_categorical_crossentropy, psnr, polar, dot_product_attention)}
