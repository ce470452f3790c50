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


def _layer_norm(draw, spec, dt):
    x = _x(draw, dt, nonempty_shapes, "moderate")
    axis = draw(st.sampled_from([-1, x.ndim - 1] + ([[x.ndim - 2, x.ndim - 1]] if x.ndim > 1
                                                     else [])))
    axes = axis if isinstance(axis, list) else [axis]
    pshape = tuple(x.shape[a] for a in axes)
    kw = dict(axis=axis, epsilon=1e-3)
    if draw(st.booleans()):
        kw["gamma"] = arrays(draw, dt, pshape, "moderate")
    if draw(st.booleans()):
        kw["beta"] = arrays(draw, dt, pshape, "moderate")
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
    b = draw(st.integers(1, 3))
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
