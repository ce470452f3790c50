"""Input drawers for the conformance suite (op name -> drawer(draw, spec, dtype) -> Case).

Keys are qualified names (``"nn.softmax"``): nn ops live in the ``nn`` namespace.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .strategies import Case, arrays, nonempty_shapes, np_dtype, shapes


def _x(draw, dt, shape=shapes, values=None, **kw):
    return arrays(draw, dt, draw(shape) if not isinstance(shape, tuple) else shape, values, **kw)


def _axis(draw, x):
    return draw(st.integers(-x.ndim, x.ndim - 1))


def _with(**params):
    """A drawer of one array of any values plus keyword parameters drawn from ``params``."""
    def drawer(draw, spec, dt):
        kw = {k: draw(v) for k, v in params.items()}
        return Case((_x(draw, dt),), kw)
    return drawer


def _unit(draw, dt, shape):
    """Values in (0, 1), as probabilities."""
    a = arrays(draw, "float32", shape, "moderate")
    return (np.abs(a) / 101 + 0.001).astype(np_dtype(dt))


def _along_axis(draw, spec, dt):
    x = _x(draw, dt, nonempty_shapes, "moderate")
    return Case((x,), dict(axis=_axis(draw, x)))


def _glu(draw, spec, dt):
    shape = list(draw(nonempty_shapes))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    shape[axis] *= 2
    return Case((arrays(draw, dt, tuple(shape), "moderate"),), dict(axis=axis))


def _one_hot(draw, spec, dt):
    n = draw(st.integers(1, 5))
    x = draw(hnp.arrays(np.int32, draw(shapes), elements=st.integers(-1, n)))
    return Case((x, n), dict(axis=draw(st.sampled_from([-1, 0])) if x.ndim else -1, dtype=dt))


def _multi_hot(draw, spec, dt):
    n = draw(st.integers(1, 5))
    x = draw(hnp.arrays(np.int32, draw(nonempty_shapes.filter(lambda s: len(s) <= 2)),
                        elements=st.integers(0, n - 1)))
    return Case((x,), dict(num_classes=n, dtype=dt))


def _moments(draw, spec, dt):
    x = _x(draw, dt, nonempty_shapes, "moderate")
    axes = draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True))
    return Case((x,), dict(axes=axes, keepdims=draw(st.booleans())))


def _batch_norm(draw, spec, dt):
    x = _x(draw, dt, nonempty_shapes, "moderate")
    axis = draw(st.integers(0, x.ndim - 1))
    c = x.shape[axis]
    mean = arrays(draw, dt, (c,), "moderate")
    var = np.abs(arrays(draw, dt, (c,), "moderate"))
    kw = dict(axis=axis, epsilon=1e-3)
    if draw(st.booleans()):
        kw["offset"] = arrays(draw, dt, (c,), "moderate")
    if draw(st.booleans()):
        kw["scale"] = arrays(draw, dt, (c,), "moderate")
    return Case((x, mean, var), kw)


def _batch_norm_training(draw, spec, dt):
    x = _x(draw, dt, nonempty_shapes, "moderate")
    axis = _axis(draw, x)
    c = x.shape[axis]
    kw = dict(epsilon=1e-3)
    if draw(st.booleans()):
        kw["offset"] = arrays(draw, dt, (c,), "moderate")
    if draw(st.booleans()):
        kw["scale"] = arrays(draw, dt, (c,), "moderate")
    return Case((x, axis), kw)


def _layer_norm(draw, spec, dt):
    x = _x(draw, dt, nonempty_shapes, "moderate")
    axis = draw(st.sampled_from([-1, x.ndim - 1] + ([[x.ndim - 2, x.ndim - 1]] if x.ndim > 1
                                                     else [])))
    axes = axis if isinstance(axis, list) else [axis]
    pshape = tuple(x.shape[a] for a in axes)
    kw = dict(axis=axis, epsilon=1e-3)
    # gamma and beta of order 1: x_hat * gamma + beta can cancel, and the rounding of its
    # terms is then relative to the terms, so terms of ~100 would need a tolerance in
    # hundreds of the output's eps; of order 1, the spec's absolute 8 eps covers it
    if draw(st.booleans()):
        kw["gamma"] = (arrays(draw, dt, pshape, "moderate").astype(np.float64) / 64).astype(
            np.asarray(x).dtype)
    if draw(st.booleans()):
        kw["beta"] = (arrays(draw, dt, pshape, "moderate").astype(np.float64) / 64).astype(
            np.asarray(x).dtype)
    return Case((x,), kw)


def _rms_norm(draw, spec, dt):
    x = _x(draw, dt, nonempty_shapes, "moderate")
    kw = dict(axis=-1, epsilon=1e-3)
    if draw(st.booleans()):
        kw["scale"] = arrays(draw, dt, (x.shape[-1],), "moderate")
    return Case((x,), kw)


def _normalize(draw, spec, dt):
    x = _x(draw, dt, nonempty_shapes, "moderate")
    return Case((x,), dict(axis=_axis(draw, x), order=draw(st.sampled_from([1, 2, 3]))))


def _bce(draw, spec, dt):
    shape = draw(shapes)
    t = _unit(draw, dt, shape)
    logits = draw(st.booleans())
    o = arrays(draw, dt, shape, "moderate") if logits else _unit(draw, dt, shape)
    return Case((t, o), dict(from_logits=logits))


def _cce(draw, spec, dt):
    shape = draw(nonempty_shapes)
    t = _unit(draw, dt, shape)
    logits = draw(st.booleans())
    o = arrays(draw, dt, shape, "moderate") if logits else _unit(draw, dt, shape)
    return Case((t, o), dict(from_logits=logits, axis=draw(st.integers(-len(shape),
                                                                       len(shape) - 1))))


def _scce(draw, spec, dt):
    shape = draw(nonempty_shapes)
    logits = draw(st.booleans())
    o = arrays(draw, dt, shape, "moderate") if logits else _unit(draw, dt, shape)
    t = draw(hnp.arrays(np.int32, shape[:-1], elements=st.integers(0, shape[-1] - 1)))
    return Case((t, o), dict(from_logits=logits))


def _psnr(draw, spec, dt):
    shape = draw(nonempty_shapes)
    x1 = _unit(draw, dt, shape)
    x2 = _unit(draw, dt, shape)
    x2 = np.where(x1 == x2, x2.astype(np.float32) / 2, x2).astype(x1.dtype)  # a nonzero error
    return Case((x1, x2), dict(max_val=1.0))


def _polar(draw, spec, dt):
    shape = draw(shapes)
    return Case((np.abs(arrays(draw, dt, shape, "moderate")), arrays(draw, dt, shape, "moderate")))


def _attention(draw, spec, dt):
    b, t, s, n, h = (draw(st.integers(1, 3)) for _ in range(5))
    q = (arrays(draw, dt, (b, t, n, h), "moderate") / 10).astype(np_dtype(dt))
    k = (arrays(draw, dt, (b, s, n, h), "moderate") / 10).astype(np_dtype(dt))
    v = (arrays(draw, dt, (b, s, n, h), "moderate") / 100).astype(np_dtype(dt))  # |v| <= 1
    kw = dict(is_causal=draw(st.booleans()))
    if draw(st.booleans()):
        kw["mask"] = draw(hnp.arrays(np.bool_, (b, n, t, s)))
    if draw(st.booleans()):
        kw["bias"] = (arrays(draw, dt, (1, 1, t, s), "moderate") / 10).astype(np_dtype(dt))
    if draw(st.booleans()):
        kw["scale"] = 0.5
    return Case((q, k, v), kw)


# parameters exact in every float dtype, so that comparisons with them agree everywhere
def _depth_to_space(draw, spec, dt):
    b = draw(st.integers(2, 3))  # Keras refuses block_size 1
    n, h, w, c = (draw(st.integers(1, 3)) for _ in range(4))
    fmt = draw(st.sampled_from(["channels_last", "channels_first"]))
    if spec.name == "depth_to_space":
        shape = (n, h, w, c * b * b) if fmt == "channels_last" else (n, c * b * b, h, w)
    else:
        shape = (n, h * b, w * b, c) if fmt == "channels_last" else (n, c, h * b, w * b)
    return Case((arrays(draw, dt, shape), b), dict(data_format=fmt))


_slope = st.sampled_from([0.125, 0.25, 0.5, 1.0, 1.5])
DRAWERS: dict = {
    "nn.soft_shrink": _with(threshold=_slope),
    "nn.hard_shrink": _with(threshold=_slope),
    "nn.squareplus": _with(b=st.sampled_from([1, 4, 0.5])),
    "nn.leaky_relu": _with(negative_slope=_slope),
    "nn.elu": _with(alpha=_slope),
    "nn.celu": _with(alpha=_slope),
    "nn.gelu": _with(approximate=st.booleans()),
    "nn.threshold": _with(threshold=st.sampled_from([-1.5, 0.0, 0.5]),
                          default_value=st.sampled_from([-2.0, 0.0, 0.75])),
    "nn.glu": _glu,
    "nn.softmax": _along_axis,
    "nn.log_softmax": _along_axis,
    "nn.sparsemax": _along_axis,
    "nn.one_hot": _one_hot,
    "nn.multi_hot": _multi_hot,
    "nn.moments": _moments,
    "nn.batch_normalization": _batch_norm,
    "nn.batch_normalization_training": _batch_norm_training,
    "nn.layer_normalization": _layer_norm,
    "nn.rms_normalization": _rms_norm,
    "nn.normalize": _normalize,
    "nn.binary_crossentropy": _bce,
    "nn.categorical_crossentropy": _cce,
    "nn.sparse_categorical_crossentropy": _scce,
    "nn.psnr": _psnr,
    "nn.polar": _polar,
    "nn.dot_product_attention": _attention,
    "nn.depth_to_space": _depth_to_space,
    "nn.space_to_depth": _depth_to_space,
}


# -- convolution, pooling, fold/unfold, CTC ------------------------------------------------
# values are multiples of 1/8 in [-1, 1]: exact in every float dtype, and so are the sums of
# their products in float32, so every backend and the reference round the same exact value

def _eighths(draw, dt, shape):
    k = draw(hnp.arrays(np.int8, shape, elements=st.integers(-8, 8)))
    return (k.astype(np.float32) / 8).astype(np_dtype(dt))


def _per_dim(draw, n, lo, hi):
    """An int or a tuple of n ints in [lo, hi] (both spellings Keras takes)."""
    if draw(st.booleans()):
        return draw(st.integers(lo, hi))
    return tuple(draw(st.integers(lo, hi)) for _ in range(n))


def _tup(v, n):
    return v if isinstance(v, tuple) else (v,) * n


_padding = st.sampled_from(["valid", "same", "SAME", "Valid"])
_format = st.sampled_from(["channels_last", "channels_first"])


def _window_case(draw, *, max_kernel=3):
    """Spatial rank, layout, padding, kernel size, strides, dilation and an input spatial
    size that fits a "valid" window (3-D kept tiny)."""
    n = draw(st.integers(1, 3))
    kmax = 2 if n == 3 else max_kernel
    ksize = tuple(draw(st.integers(1, kmax)) for _ in range(n))
    strides = _per_dim(draw, n, 1, 2)
    dil = _per_dim(draw, n, 1, 2)
    kd = [(k - 1) * d + 1 for k, d in zip(ksize, _tup(dil, n))]
    size = tuple(k + draw(st.integers(0, 2 if n < 3 else 1)) for k in kd)
    return n, draw(_format), draw(_padding), ksize, strides, dil, size


def _input(draw, dt, fmt, batch, size, c):
    shape = (batch,) + size + (c,) if fmt == "channels_last" else (batch, c) + size
    return _eighths(draw, dt, shape)


def _conv(draw, spec, dt):
    _, fmt, pad, ksize, strides, dil, size = _window_case(draw)
    groups = draw(st.integers(1, 2))
    cg = draw(st.integers(1, 2))
    out = groups * draw(st.integers(1, 2))
    x = _input(draw, dt, fmt, draw(st.integers(1, 2)), size, groups * cg)
    k = _eighths(draw, dt, ksize + (cg, out))
    return Case((x, k), dict(strides=strides, padding=pad, data_format=fmt, dilation_rate=dil))


def _depthwise(draw, spec, dt):
    n, fmt, pad, ksize, strides, dil, size = _window_case(draw)
    c, mult = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    x = _input(draw, dt, fmt, draw(st.integers(1, 2)), size, c)
    args = (x, _eighths(draw, dt, ksize + (c, mult)))
    if spec.name == "separable_conv":
        args += (_eighths(draw, dt, (1,) * n + (c * mult, draw(st.integers(1, 3)))),)
    return Case(args, dict(strides=strides, padding=pad, data_format=fmt, dilation_rate=dil))


def _conv_transpose(draw, spec, dt):
    n = draw(st.integers(1, 3))
    fmt, pad = draw(_format), draw(_padding)
    ksize = tuple(draw(st.integers(1, 2 if n == 3 else 3)) for _ in range(n))
    strides = _per_dim(draw, n, 1, 2)
    dil = _per_dim(draw, n, 1, 2)
    size = tuple(draw(st.integers(1, 2 if n == 3 else 3)) for _ in range(n))
    kw = dict(strides=strides, padding=pad, data_format=fmt, dilation_rate=dil)
    if draw(st.booleans()):  # below the stride, as Keras asks
        kw["output_padding"] = tuple(draw(st.integers(0, s - 1)) for s in _tup(strides, n))
    c, out = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    x = _input(draw, dt, fmt, draw(st.integers(1, 2)), size, c)
    return Case((x, _eighths(draw, dt, ksize + (out, c))), kw)


def _pool(draw, spec, dt):
    n = draw(st.integers(1, 3))
    fmt, pad = draw(_format), draw(_padding)
    pool = tuple(draw(st.integers(1, 2 if n == 3 else 3)) for _ in range(n))
    strides = draw(st.none() | st.integers(1, 2) | st.tuples(*[st.integers(1, 2)] * n))
    size = tuple(p + draw(st.integers(0, 2)) for p in pool)
    x = _input(draw, dt, fmt, draw(st.integers(1, 2)), size, draw(st.integers(1, 2)))
    pool_size = pool[0] if len(set(pool)) == 1 and draw(st.booleans()) else pool
    return Case((x, pool_size), dict(strides=strides, padding=pad, data_format=fmt))


def _adaptive(draw, spec, dt):
    n = draw(st.integers(1, 3))
    fmt = draw(_format)
    size = tuple(draw(st.integers(1, 3 if n == 3 else 5)) for _ in range(n))
    out = _per_dim(draw, n, 1, 3)
    x = _input(draw, dt, fmt, draw(st.integers(1, 2)), size, draw(st.integers(1, 2)))
    return Case((x,), dict(output_size=out, data_format=fmt))


def _fold_params(draw):
    k, d, p, s = (_per_dim(draw, 2, lo, hi) for lo, hi in ((1, 3), (1, 2), (0, 1), (1, 2)))
    kd = [(ki - 1) * di + 1 for ki, di in zip(_tup(k, 2), _tup(d, 2))]
    size = tuple(max(kdi - 2 * pi, 1) + draw(st.integers(0, 2))
                 for kdi, pi in zip(kd, _tup(p, 2)))
    blocks = [(n + 2 * pi - kdi) // si + 1
              for n, kdi, pi, si in zip(size, kd, _tup(p, 2), _tup(s, 2))]
    return size, dict(kernel_size=k, dilation=d, padding=p, stride=s), blocks


def _unfold(draw, spec, dt):
    size, kw, _ = _fold_params(draw)
    x = _eighths(draw, dt, (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + size)
    return Case((x,), kw)


def _fold(draw, spec, dt):
    size, kw, blocks = _fold_params(draw)
    kk = int(np.prod(_tup(kw["kernel_size"], 2)))
    x = _eighths(draw, dt, (draw(st.integers(1, 2)), draw(st.integers(1, 2)) * kk,
                            blocks[0] * blocks[1]))
    return Case((x,), dict(output_size=size, **kw))


def _ctc_loss(draw, spec, dt):
    b, t, c = draw(st.integers(1, 2)), draw(st.integers(1, 4)), draw(st.integers(2, 4))
    blank = draw(st.integers(0, c - 1))
    labels = [v for v in range(c) if v != blank]
    s = draw(st.integers(1, 3))
    target = draw(hnp.arrays(np.int32, (b, s), elements=st.sampled_from(labels)))
    tl, ol = [], []
    for row in target:
        n = draw(st.integers(0, s))
        # feasible: each label one step, and a blank between equal neighbours
        while n and n + int(np.sum(row[1:n] == row[:n - 1])) > t:
            n -= 1
        need = n + int(np.sum(row[1:n] == row[:n - 1])) if n else 0
        tl.append(n)
        ol.append(draw(st.integers(max(need, 1), t)))
    logits = _eighths(draw, dt, (b, t, c)) * 4
    return Case((target, logits, np.array(tl, np.int32), np.array(ol, np.int32)),
                dict(mask_index=blank))


def _ctc_decode(draw, spec, dt):
    b, t, c = draw(st.integers(1, 2)), draw(st.integers(1, 5)), draw(st.integers(2, 4))
    # distinct values in each row: no ties for argmax to break
    rows = [draw(st.permutations(range(c))) for _ in range(b * t)]
    logits = (np.array(rows, np.float32).reshape(b, t, c) / 2 - 1).astype(np_dtype(dt))
    lengths = draw(hnp.arrays(np.int32, (b,), elements=st.integers(0, t)))
    return Case((logits, lengths), dict(strategy="greedy", merge_repeated=draw(st.booleans()),
                                        mask_index=draw(st.integers(0, c - 1))))


DRAWERS.update({
    "nn.conv": _conv,
    "nn.depthwise_conv": _depthwise,
    "nn.separable_conv": _depthwise,
    "nn.conv_transpose": _conv_transpose,
    "nn.max_pool": _pool,
    "nn.average_pool": _pool,
    "nn.adaptive_max_pool": _adaptive,
    "nn.adaptive_average_pool": _adaptive,
    "nn.unfold": _unfold,
    "nn.fold": _fold,
    "nn.ctc_loss": _ctc_loss,
    "nn.ctc_decode": _ctc_decode,
})
