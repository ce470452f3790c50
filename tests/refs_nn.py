"""NumPy/SciPy references of the nn ops: computed in float64, rounded to the input dtype."""

from __future__ import annotations

import math

import numpy as np
from scipy import special

EPS = 1e-7


def _f(x):
    return np.asarray(x).astype(np.float64)


def _r(y, like):
    return np.asarray(y).astype(np.asarray(like).dtype)


def _unary(f):
    def ref(x, *args, **kwargs):
        with np.errstate(all="ignore"):
            return _r(f(_f(x), *args, **kwargs), x)
    ref.__name__ = f.__name__
    return ref


@_unary
def relu(x):
    return np.where(x < 0, 0.0, x)


@_unary
def relu6(x):
    return np.where(x < 0, 0.0, np.where(x > 6, 6.0, x))


@_unary
def sigmoid(x):
    return special.expit(x)


@_unary
def sparse_sigmoid(x):
    return np.where(x <= -1, 0.0, np.where(x >= 1, 1.0, 0.5 * (x + 1)))


@_unary
def softplus(x):
    return np.logaddexp(x, 0.0)


@_unary
def softsign(x):
    return x / (1 + np.abs(x))


@_unary
def soft_shrink(x, threshold=0.5):
    return np.where(x > threshold, x - threshold, np.where(x < -threshold, x + threshold, 0.0))


@_unary
def sparse_plus(x):
    return np.where(x <= -1, 0.0, np.where(x < 1, 0.25 * (x + 1) ** 2, x))


@_unary
def silu(x):
    return x * special.expit(x)


swish = silu


@_unary
def squareplus(x, b=4):
    # exact in float64 for the drawn range, computed without cancellation
    s = np.hypot(x, math.sqrt(b))
    return np.where(x >= 0, (x + s) / 2, b / (2 * (s - x)))


@_unary
def log_sigmoid(x):
    return -np.logaddexp(-x, 0.0)


@_unary
def leaky_relu(x, negative_slope=0.2):
    return np.where(x < 0, negative_slope * x, x)


@_unary
def hard_sigmoid(x):
    return np.clip(x / 6 + 0.5, 0.0, 1.0)


@_unary
def hard_silu(x):
    return x * np.clip(x / 6 + 0.5, 0.0, 1.0)


hard_swish = hard_silu


@_unary
def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(x))


@_unary
def selu(x):
    a, s = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return s * np.where(x > 0, x, a * np.expm1(x))


@_unary
def gelu(x, approximate=True):
    if approximate:
        u = math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)
        return x * special.expit(2 * u)
    return 0.5 * x * special.erfc(-x / math.sqrt(2))


@_unary
def celu(x, alpha=1.0):
    return np.maximum(x, 0.0) + alpha * np.expm1(np.minimum(x, 0.0) / alpha)


@_unary
def glu(x, axis=-1):
    a, b = np.split(x, 2, axis=axis)
    return a * special.expit(b)


@_unary
def hard_tanh(x):
    return np.where(x < -1, -1.0, np.where(x > 1, 1.0, x))


@_unary
def hard_shrink(x, threshold=0.5):
    return np.where(np.abs(x) > threshold, x, 0.0)


@_unary
def tanh_shrink(x):
    return x - np.tanh(x)


@_unary
def threshold(x, threshold, default_value):
    return np.where(x > threshold, x, default_value)


@_unary
def softmax(x, axis=-1):
    return special.softmax(x, axis=axis)


@_unary
def log_softmax(x, axis=-1):
    return special.log_softmax(x, axis=axis)


@_unary
def sparsemax(x, axis=-1):
    """Martins & Astudillo (2016), by the sort-based definition, one row at a time."""
    m = np.moveaxis(x, axis, -1)
    out = np.empty_like(m)
    for idx in np.ndindex(m.shape[:-1]):
        z = m[idx] - m[idx].max()  # shift-invariant; keeps z - tau free of cancellation
        zs = np.sort(z)[::-1]
        cs = np.cumsum(zs)
        k = np.arange(1, len(z) + 1)
        kz = k[1 + k * zs > cs].max()
        tau = (cs[kz - 1] - 1) / kz
        out[idx] = np.maximum(z - tau, 0.0)
    return np.moveaxis(out, -1, axis)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    from .strategies import np_dtype
    out = np.zeros(x.shape + (num_classes,), np_dtype(dtype or "float32"))
    for idx in np.ndindex(x.shape):
        if 0 <= x[idx] < num_classes:
            out[idx + (int(x[idx]),)] = 1
    return np.moveaxis(out, -1, axis)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False):
    hot = one_hot(inputs, num_classes, axis=axis, dtype=dtype)
    return hot.max(axis=1 if inputs.ndim > 1 else 0)


def moments(x, axes, keepdims=False, synchronized=False):
    c = _f(x)
    axes = tuple(axes) if isinstance(axes, list | tuple) else axes
    return (_r(c.mean(axis=axes, keepdims=keepdims), x),
            _r(c.var(axis=axes, keepdims=keepdims), x))


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    shape = [1] * x.ndim
    shape[axis] = -1
    b = lambda v: _f(v).reshape(shape)  # noqa: E731
    out = (_f(x) - b(mean)) / np.sqrt(b(variance) + epsilon)
    if scale is not None:
        out = out * b(scale)
    if offset is not None:
        out = out + b(offset)
    return _r(out, x)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    eps = EPS if epsilon is None else epsilon
    axes = tuple(axis) if isinstance(axis, list | tuple) else (axis,)
    c = _f(x)
    out = (c - c.mean(axis=axes, keepdims=True)) / np.sqrt(c.var(axis=axes, keepdims=True) + eps)
    shape = [c.shape[d] if d in [a % c.ndim for a in axes] else 1 for d in range(c.ndim)]
    if gamma is not None:
        out = out * _f(gamma).reshape(shape)
    if beta is not None:
        out = out + _f(beta).reshape(shape)
    return _r(out, x)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    eps = EPS if epsilon is None else epsilon
    c = _f(x)
    out = c / np.sqrt(np.mean(c * c, axis=axis, keepdims=True) + eps)
    if scale is not None:
        out = out * _f(scale)
    return _r(out, x)


def normalize(x, axis=-1, order=2, epsilon=None):
    eps = EPS if epsilon is None else epsilon
    c = _f(x)
    norm = np.sum(np.abs(c) ** order, axis=axis, keepdims=True) ** (1 / order)
    return _r(c / np.maximum(norm, eps), x)


def binary_crossentropy(target, output, from_logits=False):
    t, o = _f(target), _f(output)
    if from_logits:
        out = np.maximum(o, 0) - o * t + np.log1p(np.exp(-np.abs(o)))
    else:
        o = np.clip(o, EPS, 1 - EPS)
        out = -(t * np.log(o) + (1 - t) * np.log1p(-o))
    return _r(out, output)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    t, o = _f(target), _f(output)
    if from_logits:
        logp = special.log_softmax(o, axis=axis)
    else:
        logp = np.log(np.clip(o / o.sum(axis=axis, keepdims=True), EPS, 1 - EPS))
    return _r(-(t * logp).sum(axis=axis), output)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    o = _f(output)
    hot = one_hot(target, o.shape[axis], axis=axis, dtype="float64")
    return categorical_crossentropy(hot, output, from_logits, axis)


def psnr(x1, x2, max_val):
    mse = np.mean((_f(x1) - _f(x2)) ** 2)
    return _r(20 * np.log10(max_val) - 10 * np.log10(mse), x1)


def polar(abs_, angle):
    out = _f(abs_) * np.exp(1j * _f(angle))
    return out.astype(np.complex64 if abs_.dtype == np.float32 else np.complex128)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None,
                          is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    q, k, v = _f(query), _f(key), _f(value)
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * np.tanh(logits / attn_logits_soft_cap)
    if bias is not None:
        logits = logits + _f(bias)
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= np.asarray(mask, bool)
    if is_causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    neg = -0.7 * (65500.0 if query.dtype == np.float16 else 3.38953e38)
    probs = special.softmax(np.where(keep, logits, neg), axis=-1)
    return _r(np.einsum("bnts,bsnh->btnh", probs, v), query)


def depth_to_space(x, block_size, data_format="channels_last"):
    """Element by element: out[n, h b + i, w b + j, k] = x[n, h, w, (i b + j) C' + k]
    (channels_first: out[n, k, h b + i, w b + j] = x[n, k b^2 + i b + j, h, w])."""
    b = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
        cc = c // (b * b)
        out = np.empty((n, h * b, w * b, cc), x.dtype)
        for N, H, W, i, j, k in np.ndindex(n, h, w, b, b, cc):
            out[N, H * b + i, W * b + j, k] = x[N, H, W, (i * b + j) * cc + k]
        return out
    n, c, h, w = x.shape
    cc = c // (b * b)
    out = np.empty((n, cc, h * b, w * b), x.dtype)
    for N, H, W, i, j, k in np.ndindex(n, h, w, b, b, cc):
        out[N, k, H * b + i, W * b + j] = x[N, k * b * b + i * b + j, H, W]
    return out


def space_to_depth(x, block_size, data_format="channels_last"):
    """The inverse of depth_to_space, element by element."""
    b = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
        out = np.empty((n, h // b, w // b, c * b * b), x.dtype)
        for N, H, W, i, j, k in np.ndindex(n, h // b, w // b, b, b, c):
            out[N, H, W, (i * b + j) * c + k] = x[N, H * b + i, W * b + j, k]
        return out
    n, c, h, w = x.shape
    out = np.empty((n, c * b * b, h // b, w // b), x.dtype)
    for N, H, W, i, j, k in np.ndindex(n, h // b, w // b, b, b, c):
        out[N, k * b * b + i * b + j, H, W] = x[N, k, H * b + i, W * b + j]
    return out
