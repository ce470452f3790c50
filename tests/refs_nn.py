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


def batch_normalization_training(x, axis, offset=None, scale=None, epsilon=1e-3):
    axis %= x.ndim
    mean, var = moments(x, tuple(a for a in range(x.ndim) if a != axis))
    return batch_normalization(x, mean, var, axis, offset, scale, epsilon), mean, var


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


# -- convolution, pooling, fold/unfold, CTC: explicit loops over output positions ---------

def _last(x, data_format):
    """float64, channels_last."""
    x = _f(x)
    return x if data_format != "channels_first" else np.moveaxis(x, 1, -1)


def _back(y, data_format, like):
    y = y if data_format != "channels_first" else np.moveaxis(y, -1, 1)
    return _r(y, like)


def _tuple(v, n):
    return tuple(v) if isinstance(v, list | tuple) else (v,) * n


def _same_split(size, window, stride):
    """Keras "same": ceil(size / stride) outputs, the odd padding element at the end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return out, total // 2


def _window_positions(size, kernel, strides, dilation, padding):
    """Per spatial axis: (number of outputs, low padding)."""
    res = []
    for n, k, s, d in zip(size, kernel, strides, dilation):
        kd = (k - 1) * d + 1
        res.append(((n - kd) // s + 1, 0) if padding.lower() == "valid"
                   else _same_split(n, kd, s))
    return res


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """out[b, o..., g * Og + q] = sum over kernel offsets k and group channels c of
    x[b, o * s + k * d - pad_lo, g * Cg + c] * kernel[k, c, g * Og + q]."""
    x, kk = _last(inputs, data_format), _f(kernel)
    n = x.ndim - 2
    strides, dil = _tuple(strides, n), _tuple(dilation_rate, n)
    size, ksize = x.shape[1:-1], kk.shape[:n]
    groups = x.shape[-1] // kk.shape[-2]
    cg, og = kk.shape[-2], kk.shape[-1] // groups
    pos = _window_positions(size, ksize, strides, dil, padding)
    out = np.zeros((x.shape[0],) + tuple(m for m, _ in pos) + (kk.shape[-1],))
    for o in np.ndindex(*out.shape[1:-1]):
        for k in np.ndindex(*ksize):
            idx = tuple(oi * s + ki * d - lo for oi, ki, s, d, (_, lo) in
                        zip(o, k, strides, dil, pos))
            if all(0 <= i < m for i, m in zip(idx, size)):
                for g in range(groups):
                    out[(slice(None),) + o + (slice(g * og, (g + 1) * og),)] += (
                        x[(slice(None),) + idx + (slice(g * cg, (g + 1) * cg),)]
                        @ kk[k + (slice(None), slice(g * og, (g + 1) * og))])
    return _back(out, data_format, inputs)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """out[..., c * M + m] = sum_k x[..., o * s + k * d - lo, c] * kernel[k, c, m]."""
    x, kk = _last(inputs, data_format), _f(kernel)
    n = x.ndim - 2
    strides, dil = _tuple(strides, n), _tuple(dilation_rate, n)
    size, ksize = x.shape[1:-1], kk.shape[:n]
    c, mult = kk.shape[-2], kk.shape[-1]
    pos = _window_positions(size, ksize, strides, dil, padding)
    out = np.zeros((x.shape[0],) + tuple(m for m, _ in pos) + (c, mult))
    for o in np.ndindex(*out.shape[1:-2]):
        for k in np.ndindex(*ksize):
            idx = tuple(oi * s + ki * d - lo for oi, ki, s, d, (_, lo) in
                        zip(o, k, strides, dil, pos))
            if all(0 <= i < m for i, m in zip(idx, size)):
                out[(slice(None),) + o] += x[(slice(None),) + idx][..., None] * kk[k]
    return _back(out.reshape(out.shape[:-2] + (c * mult,)), data_format, inputs)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    mid = depthwise_conv(_f(inputs), depthwise_kernel, strides, padding, data_format,
                         dilation_rate)
    return _r(conv(mid, _f(pointwise_kernel), 1, "valid", data_format), inputs)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """Scatter: full[b, j * s + k * d, o] += x[b, j, c] * kernel[k, o, c]; Keras's output
    is full[start : start + out] (zeros past its end) with
    valid: out = (i - 1) s + kd + op (op default max(kd, s) - kd), start = 0;
    same: out = i s (op None) or (i - 1) s + kd % 2 + op, and start = kd - 1 - left with
    left = min(ceil(p / 2), kd - 1), p = s + kd - 2 (op None) or kd + kd % 2 - 2 + op."""
    x, kk = _last(inputs, data_format), _f(kernel)
    n = x.ndim - 2
    strides, dil = _tuple(strides, n), _tuple(dilation_rate, n)
    ops = (None,) * n if output_padding is None else _tuple(output_padding, n)
    size, ksize = x.shape[1:-1], kk.shape[:n]
    kd = tuple((k - 1) * d + 1 for k, d in zip(ksize, dil))
    full_shape = tuple((i - 1) * s + k for i, s, k in zip(size, strides, kd))
    full = np.zeros((x.shape[0],) + full_shape + (kk.shape[-2],))
    for j in np.ndindex(*size):
        for k in np.ndindex(*ksize):
            at = tuple(ji * s + ki * d for ji, ki, s, d in zip(j, k, strides, dil))
            full[(slice(None),) + at] += x[(slice(None),) + j] @ kk[k].T
    outs, starts = [], []
    for i, s, k, op in zip(size, strides, kd, ops):
        if padding.lower() == "valid":
            op = max(k, s) - k if op is None else op
            outs.append((i - 1) * s + k + op)
            starts.append(0)
        else:
            outs.append(i * s if op is None else (i - 1) * s + k % 2 + op)
            p = s + k - 2 if op is None else k + k % 2 - 2 + op
            starts.append(k - 1 - min(-(-p // 2), k - 1))
    out = np.zeros((x.shape[0],) + tuple(outs) + (kk.shape[-2],))
    for o in np.ndindex(*outs):
        src = tuple(oi + st for oi, st in zip(o, starts))
        if all(v < m for v, m in zip(src, full_shape)):
            out[(slice(None),) + o] = full[(slice(None),) + src]
    return _back(out, data_format, inputs)


def _pool(inputs, pool_size, strides, padding, data_format, reduce):
    x = _last(inputs, data_format)
    n = x.ndim - 2
    pool = _tuple(pool_size, n)
    strides = pool if strides is None else _tuple(strides, n)
    size = x.shape[1:-1]
    pos = _window_positions(size, pool, strides, (1,) * n, padding)
    out = np.zeros((x.shape[0],) + tuple(m for m, _ in pos) + (x.shape[-1],))
    for o in np.ndindex(*out.shape[1:-1]):
        # the real elements of the window (the padding takes no part)
        ranges = [range(max(oi * s - lo, 0), min(oi * s - lo + k, m)) for oi, s, (_, lo), k, m
                  in zip(o, strides, pos, pool, size)]
        vals = np.stack([x[(slice(None),) + idx] for idx in _product(ranges)], axis=0)
        out[(slice(None),) + o] = reduce(vals)
    return _back(out, data_format, inputs)


def _product(ranges):
    if not ranges:
        yield ()
        return
    for i in ranges[0]:
        for rest in _product(ranges[1:]):
            yield (i,) + rest


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, lambda v: v.max(axis=0))


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool(inputs, pool_size, strides, padding, data_format, lambda v: v.mean(axis=0))


def _adaptive(inputs, output_size, data_format, reduce):
    x = _last(inputs, data_format)
    n = x.ndim - 2
    outs = _tuple(output_size, n)
    size = x.shape[1:-1]
    out = np.zeros((x.shape[0],) + outs + (x.shape[-1],))
    for o in np.ndindex(*outs):
        ranges = [range(math.floor(i * L / m), math.ceil((i + 1) * L / m))
                  for i, L, m in zip(o, size, outs)]
        vals = np.stack([x[(slice(None),) + idx] for idx in _product(ranges)], axis=0)
        out[(slice(None),) + o] = reduce(vals)
    return _back(out, data_format, inputs)


def adaptive_max_pool(inputs, output_size, data_format=None):
    return _adaptive(inputs, output_size, data_format, lambda v: v.max(axis=0))


def adaptive_average_pool(inputs, output_size, data_format=None):
    return _adaptive(inputs, output_size, data_format, lambda v: v.mean(axis=0))


def _blocks(size, kernel, dilation, padding, stride):
    """Per axis of a 2-D fold/unfold: the number of block positions."""
    k, d, p, s = (_tuple(v, 2) for v in (kernel, dilation, padding, stride))
    return [(n + 2 * pi - di * (ki - 1) - 1) // si + 1
            for n, ki, di, pi, si in zip(size, k, d, p, s)], k, d, p, s


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """out[b, (c * kh + i) * kw + j, l = oh * OW + ow] = x[b, c, oh s + i d - p, ...]."""
    xf = _f(x)
    nb, c, h, w = xf.shape
    (oh, ow), k, d, p, s = _blocks((h, w), kernel_size, dilation, padding, stride)
    out = np.zeros((nb, c * k[0] * k[1], oh * ow))
    for ch, i, j, a, b in np.ndindex(c, k[0], k[1], oh, ow):
        r, q = a * s[0] + i * d[0] - p[0], b * s[1] + j * d[1] - p[1]
        if 0 <= r < h and 0 <= q < w:
            out[:, (ch * k[0] + i) * k[1] + j, a * ow + b] = xf[:, ch, r, q]
    return _r(out, x)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of unfold: each block element is added at its position."""
    xf = _f(x)
    size = _tuple(output_size, 2)
    (oh, ow), k, d, p, s = _blocks(size, kernel_size, dilation, padding, stride)
    c = xf.shape[1] // (k[0] * k[1])
    out = np.zeros((xf.shape[0], c) + size)
    for ch, i, j, a, b in np.ndindex(c, k[0], k[1], oh, ow):
        r, q = a * s[0] + i * d[0] - p[0], b * s[1] + j * d[1] - p[1]
        if 0 <= r < size[0] and 0 <= q < size[1]:
            out[:, ch, r, q] += xf[:, (ch * k[0] + i) * k[1] + j, a * ow + b]
    return _r(out, x)


def _ctc_dtype(output):
    return np.float64 if np.asarray(output).dtype == np.float64 else np.float32


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """-log of the total probability of every alignment (enumerated one by one) whose
    collapse (merge repeats, drop blanks) is the target."""
    logp = special.log_softmax(_f(output), axis=-1)
    nb, _, nc = logp.shape
    loss = np.zeros(nb)
    for b in range(nb):
        want = tuple(int(v) for v in target[b, :int(target_length[b])])
        t = int(output_length[b])
        total = []
        for path in np.ndindex(*(nc,) * t):
            merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
            if tuple(c for c in merged if c != mask_index) == want:
                total.append(sum(logp[b, i, c] for i, c in enumerate(path)))
        loss[b] = -np.logaddexp.reduce(total) if total else np.inf
    return loss.astype(_ctc_dtype(output))


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Greedy: per step the best class within the sequence length; repeats merged; blanks
    dropped; labels left-aligned and padded with -1; score -sum of the step maxima."""
    x = _f(inputs)
    nb, t, nc = x.shape
    mask_index = nc - 1 if mask_index is None else mask_index
    paths = np.full((1, nb, t), -1, np.int32)
    scores = np.zeros((nb, 1))
    for b in range(nb):
        labels, prev = [], None
        for i in range(int(sequence_lengths[b])):
            c = int(np.argmax(x[b, i]))
            scores[b, 0] -= x[b, i].max()
            if c != mask_index and not (merge_repeated and c == prev):
                labels.append(c)
            prev = c
        paths[0, b, :len(labels)] = labels
    return paths, scores.astype(_ctc_dtype(inputs))


def ctc_beam_exhaustive(inputs, sequence_lengths, top_paths=1, mask_index=0):
    """The exact most probable labelings (every alignment enumerated), as ctc_decode's
    beam search gives them when the beam holds every prefix."""
    logp = special.log_softmax(_f(inputs), axis=-1)
    nb, t, nc = logp.shape
    paths = np.full((top_paths, nb, t), -1, np.int32)
    scores = np.full((nb, top_paths), -np.inf)
    for b in range(nb):
        probs: dict = {}
        for path in np.ndindex(*(nc,) * int(sequence_lengths[b])):
            merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
            key = tuple(c for c in merged if c != mask_index)
            lp = sum(logp[b, i, c] for i, c in enumerate(path))
            probs[key] = np.logaddexp(probs.get(key, -np.inf), lp)
        best = sorted(probs.items(), key=lambda kv: -kv[1])[:top_paths]
        for k, (labels, lp) in enumerate(best):
            paths[k, b, :len(labels)] = labels
            scores[b, k] = lp
    return paths, scores
