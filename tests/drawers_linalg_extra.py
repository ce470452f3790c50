"""Input drawers for the keras.ops linalg ops beyond the array API (spec/linalg.toml,
qualified name -> drawer(draw, spec, dtype) -> Case).

lu_factor's pivots are unique only up to ties, so its results are compared by what every
valid factorisation shares (tests.refs_linalg_extra.lu_reconstruction), registered by its
drawer in the suite's table of canonical forms (tests.reference.CANONICAL; at the first draw,
as tests.reference imports this module through tests.strategies).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from . import strategies as S

DRAWERS: dict = {}

_INF = float("inf")
_VECTOR_ORDS = [None, 1, 2, _INF, -_INF, 0, 3]
_MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, _INF, -_INF]
_batch = hnp.array_shapes(min_dims=0, max_dims=1, min_side=1, max_side=2)


def _cholesky_inverse(draw, spec, dt):
    upper = draw(st.booleans())
    a = S._matrix(draw, "float64", spd=True)
    return S.Case((np.linalg.cholesky(a, upper=upper).astype(dt),), {"upper": upper})


def _lstsq(draw, spec, dt):
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    a = S.arrays(draw, "float64", (m, n), "moderate") / 100 + 2 * np.eye(m, n)
    b_shape = (m,) if draw(st.booleans()) else (m, draw(st.integers(1, 3)))
    b = S.arrays(draw, dt, b_shape, "moderate")
    return S.Case((a.astype(dt), b), {"rcond": draw(st.sampled_from([None, 1e-3]))})


def _lu_factor(draw, spec, dt):
    # no diagonal shift: rows get swapped; zeros and equal values give ties
    shape = draw(_batch) + (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    return S.Case(((S.arrays(draw, "float64", shape, "moderate") / 10).astype(dt),))


def _solve_triangular(draw, spec, dt):
    a = S._matrix(draw, dt)  # the other triangle holds values too: it must be ignored
    n = a.shape[-1]
    core = (n,) if draw(st.booleans()) else (n, draw(st.integers(1, 3)))
    b = S.arrays(draw, dt, a.shape[:-2] + core, "moderate")
    return S.Case((a, b), {"lower": draw(st.booleans())})


def _norm(draw, spec, dt):
    form = draw(st.sampled_from(["all", "vector", "matrix", "by_ndim"]))
    keepdims = draw(st.booleans())
    if form == "all":  # axis=None, ord=None: every element, any shape
        return S.Case((S.arrays(draw, dt, draw(S.shapes), "moderate"),),
                      {"keepdims": keepdims})
    if form == "by_ndim":  # axis=None with an ord: a vector or a matrix by x's ndim
        if draw(st.booleans()):
            x = S.arrays(draw, dt, (draw(st.integers(1, 4)),), "moderate")
            ord_ = draw(st.sampled_from(_VECTOR_ORDS))
        else:
            x = S._matrix(draw, dt, square=False, batch=False)
            ord_ = draw(st.sampled_from(_MATRIX_ORDS))
        return S.Case((x,), {"ord": ord_, "keepdims": keepdims})
    if form == "vector":
        x = S.arrays(draw, dt, draw(S.nonempty_shapes), "moderate")
        return S.Case((x,), {"ord": draw(st.sampled_from(_VECTOR_ORDS)),
                             "axis": draw(st.integers(-x.ndim, x.ndim - 1)),
                             "keepdims": keepdims})
    shape = draw(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4))
    x = S.arrays(draw, dt, shape, "moderate")
    axes = draw(st.permutations(range(x.ndim)))[:2]
    axes = tuple(a - x.ndim if draw(st.booleans()) else a for a in axes)
    return S.Case((x,), {"ord": draw(st.sampled_from(_MATRIX_ORDS)), "axis": axes,
                         "keepdims": keepdims})


DRAWERS.update({
    "linalg.cholesky_inverse": _cholesky_inverse,
    "linalg.lstsq": _lstsq,
    "linalg.lu_factor": _lu_factor,
    "linalg.norm": _norm,
    "linalg.solve_triangular": _solve_triangular,
})
