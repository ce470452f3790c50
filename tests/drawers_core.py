"""Input drawers for the core array ops (qualified names ``"core.<op>"``): slicing with
start indices that need clamping, scatters with repeated indices, casts between every
pair of dtypes with values that each cast defines."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from crossops._dtypes import CATEGORIES
from crossops._dtypes import kind as dtype_kind

from .strategies import Case, arrays, nonempty_shapes, np_dtype

_sides = hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4)


def _starts(draw, dims, *, array_ok=True):
    """Start indices, some beyond either end (they are clamped): Python ints or an
    int32 array (traced under the compilers)."""
    starts = [draw(st.integers(-2, d + 2)) for d in dims]
    if array_ok and draw(st.booleans()):
        return np.asarray(starts, np.int32)
    return starts


def _slice(draw, spec, dt):
    x = arrays(draw, dt, draw(_sides))
    starts = _starts(draw, x.shape)
    shape = [draw(st.integers(0, d)) for d in x.shape]
    if isinstance(starts, list):  # -1 (the rest of the axis) needs Python-int starts
        shape = [draw(st.sampled_from([n, -1])) for n in shape]
    return Case((x, starts, tuple(shape)))


def _slice_update(draw, spec, dt):
    x = arrays(draw, dt, draw(_sides))
    u_shape = tuple(draw(st.integers(0, d)) for d in x.shape)
    u_dt = draw(st.sampled_from([dt, "float32"])) if dtype_kind(dt) == "f" else dt
    updates = arrays(draw, u_dt, u_shape)
    return Case((x, _starts(draw, x.shape), updates))


def _small(draw, dt, shape):
    """Small integers as ``dt`` (sums and products of a few stay exact in every dtype)."""
    lo = 0 if dtype_kind(dt) in "ub" else -3
    vals = draw(hnp.arrays(np.int64, shape, elements=st.integers(lo, 3)))
    return vals.astype(np_dtype(dt))


def _index_rows(draw, dims, n, *, unique):
    rows = st.tuples(*(st.integers(0, d - 1) for d in dims))
    drawn = draw(st.lists(rows, min_size=n, max_size=n, unique=unique))
    return np.asarray(drawn, np.int64).reshape(n, len(dims))


def _scatter(draw, spec, dt):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    k = draw(st.integers(1, len(shape)))
    batch = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=3))
    n = int(np.prod(batch))
    idx = _index_rows(draw, shape[:k], n, unique=False).reshape(batch + (k,))
    values = _small(draw, dt, batch + shape[k:])
    return Case((idx.astype(draw(st.sampled_from([np.int32, np.int64]))), values, shape))


def _scatter_update(draw, spec, dt):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    k = draw(st.integers(1, len(shape)))
    reduction = draw(st.sampled_from([None, "add", "max", "min", "mul"]))
    space = int(np.prod(shape[:k]))
    n = draw(st.integers(0, min(4, space) if reduction is None else 4))
    # replacing at repeated indices keeps an unspecified one: draw unique rows for it
    idx = _index_rows(draw, shape[:k], n, unique=reduction is None)
    return Case((_small(draw, dt, shape), idx, _small(draw, dt, (n,) + shape[k:])),
                {"reduction": reduction})


def _unstack(draw, spec, dt):
    x = arrays(draw, dt, draw(nonempty_shapes))
    axis = draw(st.integers(-x.ndim, x.ndim - 1))
    num = draw(st.sampled_from([None, x.shape[axis]]))
    return Case((x,), {"num": num, "axis": axis})


def _castable(draw, dt, target, shape):
    """Values of ``dt`` that ``target`` holds after truncation: finite, |x| <= 100,
    not negative for unsigned targets."""
    x = arrays(draw, dt, shape, "moderate")
    if dtype_kind(target) == "u" and dtype_kind(dt) not in "bu":
        x = np.abs(x)
    return x


def _targets(dt, names):
    """``names`` less float32 for bfloat16 inputs: tests/reference.py rounds a float32
    reference result of a bfloat16 input to bfloat16 (its rule for NumPy's missing bfloat16
    loops), which would turn a correct bfloat16 -> float32 cast into a mismatch."""
    return [n for n in names if not (dt == "bfloat16" and n == "float32")]


def _cast(draw, spec, dt):
    # complex sources go to complex targets only (other casts drop the imaginary part
    # with a warning on some backends)
    names = CATEGORIES["complex_floating"] if dtype_kind(dt) == "c" else CATEGORIES["all"]
    target = draw(st.sampled_from(_targets(dt, names)))
    return Case((_castable(draw, dt, target, draw(_sides)), target))


def _saturate_cast(draw, spec, dt):
    target = draw(st.sampled_from(_targets(dt, CATEGORIES["real_or_bool"])))
    return Case((arrays(draw, dt, draw(_sides)), target))


def _convert_to_tensor(draw, spec, dt):
    targets = [None, dt] + (["float64", "float32"] if dtype_kind(dt) in "iuf" else [])
    target = draw(st.sampled_from(_targets(dt, targets)))
    x = _castable(draw, dt, target or dt, draw(_sides))
    return Case((x,), {"dtype": target})


DRAWERS = {
    "core.slice": _slice,
    "core.slice_update": _slice_update,
    "core.scatter": _scatter,
    "core.scatter_update": _scatter_update,
    "core.unstack": _unstack,
    "core.cast": _cast,
    "core.saturate_cast": _saturate_cast,
    "core.convert_to_tensor": _convert_to_tensor,
}
