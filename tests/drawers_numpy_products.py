"""Input drawers for the conformance suite of spec/numpy_products.toml and
spec/einops.toml (op name -> drawer(draw, spec, dtype) -> Case).

Products, integrals and correlations draw small integer values in floating dtypes, so
that every sum is exact in every float type (bfloat16 included) and the backends' orders
of summation cannot matter; integer dtypes draw moderate values (their products wrap
alike everywhere). Histograms draw integer data, power-of-two bin counts and integer
ranges, so that every bin edge is exact and values on edges are counted the same way.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from crossops._dtypes import kind as dtype_kind

from . import strategies as S

DRAWERS: dict = {}

_SIDE = st.integers(0, 3)


def _small(draw, dt, shape, lo=-3, hi=3):
    """Integer values in [lo, hi] (real and imaginary parts for complex) as dtype ``dt``;
    integer dtypes get moderate values instead (unsigned ones non-negative)."""
    k = dtype_kind(dt)
    if k in "iu":
        return S.arrays(draw, dt, shape, "moderate")
    if k == "b":
        return S.arrays(draw, dt, shape)
    ints = hnp.arrays(np.int64, shape, elements=st.integers(lo, hi))
    out = draw(ints).astype(np.float64)
    if k == "c":
        out = out + 1j * draw(ints)
    return out.astype(S.np_dtype(dt))


def _shape(draw, ndim):
    return tuple(draw(_SIDE) for _ in range(ndim))


def _dot(draw, spec, dt):
    k = draw(_SIDE)
    case = draw(st.sampled_from(["scalar", "1-1", "n-1", "1-m", "n-m"]))
    if case == "scalar":
        other = _shape(draw, draw(st.integers(0, 3)))
        s1, s2 = ((), other) if draw(st.booleans()) else (other, ())
    else:
        n1 = 1 if case[0] == "1" else draw(st.integers(2, 3))
        n2 = 1 if case[-1] == "1" else draw(st.integers(2, 3))
        s1 = _shape(draw, n1 - 1) + (k,)
        s2 = (k,) if n2 == 1 else _shape(draw, n2 - 2) + (k, draw(_SIDE))
    return S.Case((_small(draw, dt, s1), _small(draw, dt, s2)))


def _inner(draw, spec, dt):
    k = draw(_SIDE)
    if not draw(st.integers(0, 4)):
        return S.Case((_small(draw, dt, ()), _small(draw, dt, _shape(draw, 2))))
    s1 = _shape(draw, draw(st.integers(0, 2))) + (k,)
    s2 = _shape(draw, draw(st.integers(0, 2))) + (k,)
    return S.Case((_small(draw, dt, s1), _small(draw, dt, s2)))


def _vdot(draw, spec, dt):
    shape = _shape(draw, draw(st.integers(0, 3)))
    n = int(np.prod(shape))
    other = draw(st.sampled_from([shape, (n,), tuple(reversed(shape))]))
    return S.Case((_small(draw, dt, shape), _small(draw, dt, other)))


def _kron(draw, spec, dt):
    s1 = _shape(draw, draw(st.integers(0, 3)))
    s2 = _shape(draw, draw(st.integers(0, 3)))
    return S.Case((_small(draw, dt, s1), _small(draw, dt, s2)))


_LABELS = "abcd"


def _einsum(draw, spec, dt):
    sizes = {c: draw(st.integers(1, 3)) for c in _LABELS}
    n_ops = draw(st.integers(1, 3))
    ell = draw(st.integers(0, 4)) == 0  # sometimes a shared leading "..."
    batch = _shape(draw, draw(st.integers(0, 2))) if ell else ()
    terms, ops = [], []
    for _ in range(n_ops):
        labels = draw(st.lists(st.sampled_from(_LABELS), max_size=3))
        terms.append(("..." if ell else "") + "".join(labels))
        ops.append(_small(draw, dt, batch + tuple(sizes[c] for c in labels), -2, 2))
    eq = ",".join(terms)
    if draw(st.booleans()):
        used = sorted({c for t in terms for c in t if c != "."})
        out = draw(st.permutations(used))[:draw(st.integers(0, len(used)))]
        eq += "->" + ("..." if ell else "") + "".join(out)
    return S.Case((eq, *ops))


def _correlate(draw, spec, dt):
    m, n = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    return S.Case((_small(draw, dt, (m,)), _small(draw, dt, (n,))),
                  {"mode": draw(st.sampled_from(["valid", "same", "full"]))})


def _corrcoef(draw, spec, dt):
    d = draw(st.integers(2, 5))
    shape = (d,) if draw(st.integers(0, 3)) == 0 else (draw(st.integers(1, 3)), d)
    x = _small(draw, dt, shape, -4, 4)
    if dtype_kind(dt) in "iu":
        x = (np.abs(x.astype(np.int64)) % 8).astype(x.dtype)
    rows = x.reshape(-1, d)
    flat = rows.copy()
    for r in flat:  # no constant rows (their coefficients are nan, by rounding or not)
        if np.all(r == r[0]):
            r[0] = r[0] + 1
    return S.Case((flat.reshape(shape),))


def _trapezoid(draw, spec, dt):
    shape = draw(S.nonempty_shapes)
    y = _small(draw, dt, shape, -4, 4)
    if dtype_kind(dt) in "iu":
        y = (np.abs(y.astype(np.int64)) % 8).astype(y.dtype)
    axis = draw(st.integers(-y.ndim, y.ndim - 1))
    how = draw(st.sampled_from(["dx", "x1", "full"]))
    if how == "dx":
        kw = {"axis": axis}
        if draw(st.booleans()):
            kw["dx"] = draw(st.sampled_from([0.5, 1.0, 2.0]))
        return S.Case((y,), kw)
    xshape = (y.shape[axis],) if how == "x1" else y.shape
    x = _small(draw, dt, xshape, 0, 4)
    if dtype_kind(dt) in "iu":
        x = (np.abs(x.astype(np.int64)) % 5).astype(y.dtype)
    x = np.sort(x.real if dtype_kind(dt) == "c" else x, axis=axis if how == "full" else 0)
    return S.Case((y, x.astype(y.dtype)), {"axis": axis})


def _bincount(draw, spec, dt):
    x = draw(hnp.arrays(S.np_dtype(dt), (draw(st.integers(0, 6)),),
                        elements=st.integers(0, 6)))
    kw = {"minlength": draw(st.integers(0, 8))}
    wdt = draw(st.sampled_from([None, "float32", "float64", "float16", "bfloat16", "int32",
                                "int64", "uint8"]))
    if wdt is not None:
        lo = 0 if wdt == "uint8" else -8
        w = draw(hnp.arrays(np.int64, x.shape, elements=st.integers(lo, 8)))
        kw["weights"] = w.astype(np.float32).astype(S.np_dtype(wdt)) \
            if wdt == "bfloat16" else w.astype(wdt)
    return S.Case((x,), kw)


def _histogram(draw, spec, dt):
    lo, hi = (0, 16) if dtype_kind(dt) == "u" else (-8, 8)
    shape = draw(st.sampled_from([(draw(st.integers(0, 8)),), draw(S.shapes)]))
    x = draw(hnp.arrays(np.int64, shape, elements=st.integers(lo, hi)))
    x = x.astype(np.float32).astype(S.np_dtype(dt)) if dt == "bfloat16" else x.astype(dt)
    kw = {}
    if draw(st.booleans()):
        kw["bins"] = draw(st.sampled_from([1, 2, 4, 8]))
    if draw(st.booleans()):
        a, b = sorted(draw(st.integers(lo, hi)) for _ in range(2))
        kw["range"] = (a, b)
    return S.Case((x,), kw)


def _argpartition(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.nonempty_shapes), finite=True)
    axis = draw(st.sampled_from([None, -1] + list(range(x.ndim))))
    n = x.size if axis is None else x.shape[axis]
    ks = st.integers(-n, n - 1)
    kth = draw(st.one_of(ks, st.lists(ks, min_size=1, max_size=3)))
    return S.Case((x, kth), {"axis": axis})


def _unique(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.shapes), "moderate")
    if x.size and draw(st.booleans()):  # repeats: values from a few
        x = np.take(x.reshape(-1), draw(hnp.arrays(np.int64, x.shape, elements=st.integers(
            0, min(2, x.size - 1)))))
    kw = {}
    for flag in ("sorted", "return_index", "return_inverse", "return_counts"):
        if draw(st.booleans()):
            kw[flag] = draw(st.booleans())
    if x.ndim and draw(st.booleans()):
        kw["axis"] = draw(st.integers(-x.ndim, x.ndim - 1))
    if draw(st.integers(0, 3)) == 0:
        kw["size"] = draw(st.integers(0, 6))
        if draw(st.booleans()):
            kw["fill_value"] = draw(S.elements(dt, "moderate"))
    return S.Case((x,), kw)


_NAMES = "bhwcxy"


def _rearrange(draw, spec, dt):
    names = list(draw(st.permutations(_NAMES)))[:draw(st.integers(1, 4))]
    sizes = {n: draw(st.integers(1, 3)) for n in names}

    def grouping(order):
        out, i = [], 0
        while i < len(order):
            k = draw(st.integers(1, len(order) - i))
            out.append(order[i:i + k])
            i += k
        return out

    left = grouping(list(draw(st.permutations(names))))
    right = grouping(list(draw(st.permutations(names))))
    ell = draw(st.integers(0, 3)) == 0
    lead = _shape(draw, draw(st.integers(0, 2))) if ell else ()
    x = S.arrays(draw, dt, lead + tuple(int(np.prod([sizes[n] for n in g])) for g in left))
    given = {}
    for g in left:
        if len(g) > 1:
            skip = draw(st.sampled_from(g))
            given.update({n: sizes[n] for n in g if n != skip})

    def text(groups):
        return " ".join(g[0] if len(g) == 1 else "(" + " ".join(g) + ")" for g in groups)

    lhs, rhs = text(left), text(right)
    if ell:
        lhs = "... " + lhs
        rhs = draw(st.sampled_from(["... " + rhs, rhs + " ...", "(...) " + rhs]))
    if draw(st.integers(0, 3)) == 0:
        rhs += draw(st.sampled_from([" 1", " ()"]))
    return S.Case((x, f"{lhs} -> {rhs}"), given)


DRAWERS.update(dot=_dot, inner=_inner, vdot=_vdot, kron=_kron, einsum=_einsum,
               correlate=_correlate, corrcoef=_corrcoef, trapezoid=_trapezoid,
               bincount=_bincount, histogram=_histogram, argpartition=_argpartition,
               unique=_unique)
DRAWERS["core.rearrange"] = _rearrange
