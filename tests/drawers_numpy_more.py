"""Input drawers for the conformance suite of the rest of NumPy 2's numerical namespace
(the entries of spec/numpy_extra.toml, spec/linalg.toml and spec/fft.toml implemented in
crossops/numpy/_more.py; op name or qualified name -> drawer(draw, spec, dtype) -> Case).

Arguments that decide a result's shape (dims, new shapes, axes, ``ind``) are Python
values; sequences of arrays are lists (the suite moves a list's arrays to the backend).
Products (multi_dot) draw small integer values, so that every backend's order of
evaluation gives the same sums; linear systems are well conditioned.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import crossops.numpy as xnp
from crossops._dtypes import kind as dtype_kind

from . import strategies as S
from .drawers_numpy_products import _small

DRAWERS: dict = {}


def _shape(draw, min_dims=0, max_dims=3, min_side=0, max_side=4):
    return draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                 max_side=max_side))


def _indices(draw, spec, dt):
    dims = _shape(draw, 0, 3)
    return S.Case((dims,), {"dtype": dt, "sparse": draw(st.booleans())})


def _ravel_multi_index(draw, spec, dt):
    dims = _shape(draw, 1, 3, 1, 5)
    shape = _shape(draw, 0, 2)
    mode = draw(st.sampled_from(["raise", "wrap", "clip", "per_dim"]))
    hi = 127 if dt in ("int8", "uint8") else 40
    lo = 0 if dtype_kind(dt) == "u" else -hi
    idx = []
    for d in dims:
        if mode == "raise":
            v = draw(hnp.arrays(np.int64, shape, elements=st.integers(0, d - 1)))
        else:
            v = draw(hnp.arrays(np.int64, shape, elements=st.integers(lo, hi)))
        idx.append(v.astype(dt))
    if mode == "per_dim":
        mode = tuple(draw(st.sampled_from(["wrap", "clip"])) for _ in dims)
    return S.Case((idx, dims), {"mode": mode, "order": draw(st.sampled_from(["C", "F"]))})


def _resize(draw, spec, dt):
    x = S.arrays(draw, dt, _shape(draw))
    new = _shape(draw, 0, 3, 0, 5)
    return S.Case((x, new if draw(st.booleans()) or len(new) != 1 else new[0]))


def _rollaxis(draw, spec, dt):
    x = S.arrays(draw, dt, _shape(draw, 1, 4, 1, 3))
    n = x.ndim
    return S.Case((x, draw(st.integers(-n, n - 1))), {"start": draw(st.integers(-n, n))})


def _extract(draw, spec, dt):
    shape = _shape(draw)
    cond = draw(hnp.arrays(np.bool_, shape))
    if draw(st.booleans()):  # any dtype: its nonzero entries
        cond = cond.astype(np.int32) * draw(st.sampled_from([1, -2]))
    return S.Case((cond, S.arrays(draw, dt, shape)))


def _bitwise_count(draw, spec, dt):
    return S.Case((S.arrays(draw, dt, _shape(draw)),))


def _invert(draw, spec, dt):
    return S.Case((S.arrays(draw, dt, _shape(draw)),))


def _sort_complex(draw, spec, dt):
    return S.Case((_small(draw, dt, _shape(draw, 1, 3), -3, 3),))


def _triu(m, k):
    """A mask_func that runs on arrays of every backend (NumPy's reference calls it
    positionally; crossops's triu takes k by keyword)."""
    return xnp.triu(m, k=k)


def _tril(m, k):
    return xnp.tril(m, k=k)


def _mask_indices(draw, spec, dt):
    return S.Case((draw(st.integers(0, 4)), draw(st.sampled_from([_triu, _tril]))),
                  {"k": draw(st.integers(-2, 2))})


def _grid(i, j, axis=0):
    """A function of the coordinate grids that runs on every backend and dtype (torch has
    no arithmetic on uint16/32/64)."""
    return xnp.stack((i, j), axis=axis)


def _fromfunction(draw, spec, dt):
    shape = _shape(draw, 2, 2, 0, 4)
    return S.Case((_grid, shape), {"dtype": dt, "axis": draw(st.integers(-3, 2))})


def _as(draw, spec, dt):
    kw = {}
    if draw(st.booleans()):
        # (not float32 from bfloat16: the reference computes bfloat16 in float32 and rounds
        # float32 results back to bfloat16)
        targets = ["float64", "int32"] + (["float32"] if dt != "bfloat16" else [])
        kw["dtype"] = draw(st.sampled_from(targets)) if dtype_kind(dt) != "c" \
            else "complex128"
    # (casting floats out of int32's range, or NaN, to int32 is undefined behaviour)
    x = S.arrays(draw, dt, _shape(draw), "moderate", finite=True)
    return S.Case((x,), kw)


def _chkfinite(draw, spec, dt):
    return S.Case((S.arrays(draw, dt, _shape(draw), finite=True),))


def _require(draw, spec, dt):
    case = _as(draw, spec, dt)
    flags = draw(st.lists(st.sampled_from(["C", "A", "W", "O", "E", "ALIGNED", "OWNDATA",
                                           "C_CONTIGUOUS"]), max_size=3))
    case.kwargs["requirements"] = flags or None
    return case


# -- linalg -----------------------------------------------------------------------------------

def _cond(draw, spec, dt):
    p = draw(st.sampled_from([None, 2, -2, "fro", "nuc", 1, -1, np.inf, -np.inf]))
    n = draw(st.integers(1, 4))
    m = n if p not in (None, 2, -2) or draw(st.booleans()) else draw(st.integers(1, 4))
    batch = draw(hnp.array_shapes(min_dims=0, max_dims=1, min_side=1, max_side=2))
    # well conditioned, also when not square (an ill-conditioned matrix's condition number
    # is rounding noise, which differs by backend)
    x = S.arrays(draw, "float64", batch + (n, m), "moderate") / 100 + 2 * np.eye(n, m)
    return S.Case((x.astype(dt),), {"p": p})


def _multi_dot(draw, spec, dt):
    n = draw(st.integers(2, 4))
    dims = [draw(st.integers(1, 4)) for _ in range(n + 1)]
    arrays = [_small(draw, dt, (dims[i], dims[i + 1]), -2, 2) for i in range(n)]
    if draw(st.booleans()):
        arrays[0] = arrays[0][0]
    if draw(st.booleans()):
        arrays[-1] = arrays[-1][:, 0]
    return S.Case((arrays,))


def _split(draw, n):
    """A shape whose sizes multiply to n (n in 1..6)."""
    return {1: (1,), 2: (2,), 3: (3,), 4: draw(st.sampled_from([(4,), (2, 2)])), 5: (5,),
            6: draw(st.sampled_from([(6,), (2, 3), (3, 2)]))}[n]


def _tensorinv(draw, spec, dt):
    n = draw(st.integers(1, 6))
    rows, cols = _split(draw, n), _split(draw, n)
    a = np.eye(n) * 2 + S.arrays(draw, "float64", (n, n), "moderate") / 400
    x = a.reshape(rows + cols).astype(dt)
    return S.Case((x,), {"ind": len(rows)})


def _tensorsolve(draw, spec, dt):
    n = draw(st.integers(1, 6))
    bshape, xshape = _split(draw, n), _split(draw, n)
    a = np.eye(n) * 2 + S.arrays(draw, "float64", (n, n), "moderate") / 400
    a = a.reshape(bshape + xshape)
    b = S.arrays(draw, "float64", bshape, "moderate")
    kw = {}
    if len(bshape) + len(xshape) > 2 and draw(st.booleans()):
        # the unknowns' axes placed first: axes moves them back to the end
        m = len(bshape)
        order = list(range(m, a.ndim)) + list(range(m))
        a = np.transpose(a, order)
        kw["axes"] = tuple(range(a.ndim - m))
    return S.Case((a.astype(dt), b.astype(dt)), kw)


# -- fft --------------------------------------------------------------------------------------

def _fft2(draw, spec, dt):
    x = S.arrays(draw, dt, _shape(draw, 2, 3, 2, 5), "moderate")
    kw = {"norm": draw(st.sampled_from([None, "backward", "ortho", "forward"]))}
    if x.ndim == 3 and draw(st.booleans()):
        kw["axes"] = draw(st.sampled_from([(0, 1), (0, 2), (-1, 0)]))
    if draw(st.booleans()):
        kw["s"] = (draw(st.integers(2, 6)), draw(st.integers(2, 6)))
    return S.Case((x,), kw)


DRAWERS.update({
    "indices": _indices, "ravel_multi_index": _ravel_multi_index, "resize": _resize,
    "rollaxis": _rollaxis, "extract": _extract, "bitwise_count": _bitwise_count,
    "invert": _invert, "sort_complex": _sort_complex, "mask_indices": _mask_indices,
    "fromfunction": _fromfunction, "asanyarray": _as, "ascontiguousarray": _as,
    "asfortranarray": _as, "asarray_chkfinite": _chkfinite, "require": _require,
    "linalg.cond": _cond, "linalg.multi_dot": _multi_dot, "linalg.tensorinv": _tensorinv,
    "linalg.tensorsolve": _tensorsolve, "fft.fft2": _fft2, "fft.ifft2": _fft2,
    "fft.rfft2": _fft2, "fft.irfft2": _fft2,
})
