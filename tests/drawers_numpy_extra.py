"""Input drawers for the conformance suite of spec/numpy_extra.toml
(op name -> drawer(draw, spec, dtype) -> Case).

Arithmetic ops (products, polynomials, statistics, interpolation) draw small integer
values in floating dtypes, so that their sums and products are exact in every float type
and the backends' orders of evaluation cannot matter (as tests/drawers_numpy_products.py);
histograms draw integer data and power-of-two bin counts, so that every edge is exact.
Arguments that decide a result's shape (indices, counts, axes) are Python values.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from crossops._dtypes import kind as dtype_kind

from . import strategies as S
from .drawers_numpy_products import _small

DRAWERS: dict = {}


def _k(dt):
    return dtype_kind(dt)


def _finite(draw, dt, shape):
    return S.arrays(draw, dt, shape, finite=True)


def _ints(draw, shape, lo, hi, dt="int64"):
    return draw(hnp.arrays(np.int64, shape, elements=st.integers(lo, hi))).astype(dt)


def _as(a, dt):
    """An int64 or float64 array as dtype ``dt`` (bfloat16 through float32)."""
    if dt == "bfloat16":
        return a.astype(np.float32).astype(S.np_dtype(dt))
    return a.astype(S.np_dtype(dt))


def _vec(draw, dt, n, lo=-3, hi=3):
    return _small(draw, dt, (n,), lo, hi)


# -- element-wise ------------------------------------------------------------------------------

def _around(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.shapes), "moderate")
    lo = 0 if _k(dt) == "b" else -2
    return S.Case((x,), {"decimals": draw(st.integers(lo, 3))})


def _spacing(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.shapes))
    info = ml_dtypes.finfo(S.np_dtype(dt))
    # spacings that are subnormal numbers are flushed to zero by TensorFlow and XLA
    small = np.abs(x.astype(np.float64)) < float(info.tiny) * 2.0 ** (info.nmant + 1)
    return S.Case((np.where(small, np.ones_like(x), x).astype(x.dtype),))


def _float_power(draw, spec, dt):
    x1, x2 = S.binary(draw, spec, dt, values="moderate").args
    if _k(dt) == "c":
        x1 = np.where(x1 == 0, np.ones_like(x1), x1 / 10).astype(dt)
        x2 = (x2 / 10).astype(dt)
    elif _k(dt) in "iu":
        x2 = (np.abs(x2.astype(np.int64)) % 6).astype(dt)
    return S.Case((x1, x2))


def _divmod(draw, spec, dt):
    if _k(dt) in "iu":
        return S.binary_nonzero(draw, spec, dt)
    return S.binary(draw, spec, dt)


def _real_if_close(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.shapes), "moderate")
    kw = {}
    if _k(dt) == "c":
        scale = draw(st.sampled_from([0.0, 1e-20, 1.0]))
        x = (x.real + 1j * x.imag * scale).astype(dt)
        if draw(st.booleans()):
            kw["tol"] = draw(st.sampled_from([1e-3, 100, 1e30]))
    return S.Case((x,), kw)


# -- whole-array comparisons --------------------------------------------------------------------

def _array_equal(draw, spec, dt):
    x1 = S.arrays(draw, dt, draw(S.shapes))
    how = draw(st.sampled_from(["same", "changed", "other"]))
    if how == "same":
        x2 = x1.copy()
    elif how == "changed" and x1.size:
        x2 = x1.copy().reshape(-1)
        x2[draw(st.integers(0, x1.size - 1))] = draw(S.elements(dt))
        x2 = x2.reshape(x1.shape)
    else:
        x2 = S.arrays(draw, dt, draw(S.shapes))
    kw = {"equal_nan": draw(st.booleans())} if draw(st.booleans()) else {}
    return S.Case((x1, x2), kw)


def _array_equiv(draw, spec, dt):
    row = S.arrays(draw, dt, (draw(st.integers(0, 3)),), "moderate")
    x1 = np.broadcast_to(row, (draw(st.integers(1, 3)),) + row.shape).copy()
    x2 = draw(st.sampled_from([row, row[:1], x1, S.arrays(draw, dt, row.shape, "moderate"),
                               S.arrays(draw, dt, (2, 2), "moderate")]))
    return S.Case((x1, x2.copy()))


# -- indices --------------------------------------------------------------------------------

def _few_nonzero(draw, spec, dt):
    shape = draw(S.shapes)
    if _k(dt) == "b":
        return S.Case((draw(hnp.arrays(np.bool_, shape)),))
    return S.Case((_small(draw, dt, shape, 0, 1),))


def _tri_indices(draw, spec, dt):
    kw = {"k": draw(st.integers(-3, 3))}
    if draw(st.booleans()):
        kw["m"] = draw(st.integers(0, 5))
    return S.Case((draw(st.integers(0, 5)),), kw)


def _tri_indices_from(draw, spec, dt):
    x = S.arrays(draw, dt, draw(hnp.array_shapes(min_dims=2, max_dims=2, min_side=0,
                                                 max_side=4)))
    return S.Case((x,), {"k": draw(st.integers(-3, 3))})


def _diag_indices(draw, spec, dt):
    return S.Case((draw(st.integers(0, 4)),), {"ndim": draw(st.integers(1, 3))})


def _diag_indices_from(draw, spec, dt):
    n, nd = draw(st.integers(0, 3)), draw(st.integers(2, 3))
    return S.Case((S.arrays(draw, dt, (n,) * nd),))


def _ix(draw, spec, dt):
    lo = 0
    args = tuple(_ints(draw, (draw(st.integers(0, 3)),), lo, 5, dt)
                 for _ in range(draw(st.integers(1, 3))))
    return S.Case(args)


# -- shape and structure ---------------------------------------------------------------------

def _atleast(draw, spec, dt):
    shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=3)
    return S.Case(tuple(S.arrays(draw, dt, draw(shapes)) for _ in range(draw(st.integers(1, 3)))))


def _block(draw, spec, dt):
    nd = draw(st.integers(0, 2))
    n = draw(st.integers(1, 3))
    if nd == 0:
        parts = [S.arrays(draw, dt, ()) for _ in range(n)]
    else:
        lead = tuple(draw(st.integers(1, 3)) for _ in range(nd - 1))
        parts = [S.arrays(draw, dt, lead + (draw(st.integers(0, 3)),)) for _ in range(n)]
    if draw(st.integers(0, 4)) == 0:
        return S.Case((parts[0],))
    return S.Case((parts,))


def _choose(draw, spec, dt):
    n = draw(st.integers(1, 4))
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=n + 1, max_dims=3, max_side=3))
    mode = draw(st.sampled_from(["raise", "wrap", "clip"]))
    lo, hi = (0, n - 1) if mode == "raise" else (-n - 2, n + 2)
    idt = draw(st.sampled_from(["int64", "int32", "int8", "uint8"] if mode == "raise"
                               else ["int64", "int32", "int8"]))
    a = _ints(draw, shapes.input_shapes[0], lo, hi, idt)
    choices = [S.arrays(draw, dt, s) for s in shapes.input_shapes[1:]]
    kw = {} if mode == "raise" and draw(st.booleans()) else {"mode": mode}
    return S.Case((a, choices), kw)


def _compress(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.nonempty_shapes))
    axis = draw(st.sampled_from([None] + list(range(-x.ndim, x.ndim))))
    n = x.size if axis is None else x.shape[axis]
    cond = draw(hnp.arrays(np.bool_, (draw(st.integers(0, n)),)))
    return S.Case((cond, x), {} if axis is None else {"axis": axis})


def _delete(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.nonempty_shapes))
    axis = draw(st.sampled_from([None] + list(range(-x.ndim, x.ndim))))
    n = x.size if axis is None else x.shape[axis]
    idx = st.integers(-n, n - 1)
    how = draw(st.sampled_from(["int", "slice", "list", "mask"]))
    if how == "int":
        obj = draw(idx)
    elif how == "slice":
        obj = slice(draw(st.none() | st.integers(-n, n)), draw(st.none() | st.integers(-n, n)),
                    draw(st.sampled_from([None, 1, 2, -1])))
    elif how == "list":
        obj = draw(st.lists(idx, max_size=4))
    else:  # a Python list: obj is read eagerly, and compiled kernels hold it as a constant
        obj = draw(hnp.arrays(np.bool_, (n,))).tolist()
    return S.Case((x, obj), {"axis": axis})


def _insert(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.shapes))
    axis = None if x.ndim == 0 or draw(st.booleans()) else draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.size if axis is None else x.shape[axis]
    idx = st.integers(-n, n)
    if draw(st.booleans()):
        obj = draw(idx)
        if axis is None or x.ndim == 1:
            values = S.arrays(draw, dt, (draw(st.integers(0, 3)),))
        else:
            values = S.arrays(draw, dt, ())
    else:
        obj = draw(st.lists(idx, max_size=4))
        values = S.arrays(draw, dt, (len(obj),) if (axis is None or x.ndim == 1) and
                          draw(st.booleans()) else ())
    return S.Case((x, obj, values), {"axis": axis})


def _trim_zeros(draw, spec, dt):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=5))
    x = _small(draw, dt, shape, 0, 1) if _k(dt) != "b" else draw(hnp.arrays(np.bool_, shape))
    kw = {"trim": draw(st.sampled_from(["fb", "f", "b", "BF"]))}
    if x.ndim == 2 and draw(st.booleans()):
        kw["axis"] = draw(st.integers(-2, 1))
    return S.Case((x,), kw)


def _partition(draw, spec, dt):
    x = _finite(draw, dt, draw(S.nonempty_shapes))
    axis = draw(st.sampled_from([None, -1] + list(range(x.ndim))))
    n = x.size if axis is None else x.shape[axis]
    ks = st.integers(-n, n - 1)
    kth = draw(st.one_of(ks, st.lists(ks, min_size=1, max_size=3)))
    return S.Case((x, kth), {"axis": axis})


def _lexsort(draw, spec, dt):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=5))
    keys = [_small(draw, dt, shape, 0, 2) for _ in range(draw(st.integers(1, 3)))]
    return S.Case((keys,), {"axis": draw(st.integers(-len(shape), len(shape) - 1))})


def _diff1(v):
    return v[1:] - v[:-1]


def _first(v):
    return v[0]


def _outer(v):
    return v[:, None] * v[None, :]


def _apply_along_axis(draw, spec, dt):
    x = _small(draw, dt, draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1,
                                               max_side=3)), -3, 3)
    if _k(dt) in "bu":  # (torch has no subtraction of uint16/32/64)
        f = draw(st.sampled_from([_first, _outer]))
    else:
        f = draw(st.sampled_from([_diff1, _first, _outer]))
    return S.Case((f, draw(st.integers(-x.ndim, x.ndim - 1)), x))


def _sum_axis(x, axis):
    import crossops.numpy as xnp
    return xnp.sum(x, axis=axis)


def _apply_over_axes(draw, spec, dt):
    x = _small(draw, dt, draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1,
                                               max_side=3)), -3, 3)
    axes = draw(st.one_of(st.integers(-x.ndim, x.ndim - 1),
                          st.lists(st.integers(0, x.ndim - 1), max_size=x.ndim, unique=True)))
    return S.Case((_sum_axis, x, axes))


def _twice(v):
    return v * 2


def _minus_one(v):
    return v - 1


def _piecewise(draw, spec, dt):
    x = _small(draw, dt, draw(S.nonempty_shapes), -4, 4)
    zero = np.zeros((), x.dtype)
    conds = [x > zero, x < zero - np.ones((), x.dtype)] if _k(dt) != "u" else \
        [x > zero, x == zero]
    other = _twice if _k(dt) == "u" else _minus_one  # (torch has no uint16/32/64 subtraction)
    funcs = [_twice, draw(st.sampled_from([3, other]))]
    if draw(st.booleans()):
        funcs.append(draw(st.sampled_from([1, other])))
    return S.Case((x, conds, funcs))


def _ediff1d(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.shapes), "moderate")
    kw = {}
    for name in ("to_begin", "to_end"):
        if draw(st.booleans()):
            kw[name] = S.arrays(draw, dt, (draw(st.integers(0, 2)),), "moderate")
    return S.Case((x,), kw)


# -- products --------------------------------------------------------------------------------

def _outer_drawer(draw, spec, dt):
    return S.Case((_small(draw, dt, draw(S.shapes)), _small(draw, dt, draw(S.shapes))))


def _cross(draw, spec, dt):
    s1, s2 = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3)
                  ).input_shapes
    ka, kb = draw(st.sampled_from([3, 2])), draw(st.sampled_from([3, 2]))
    a, b = _small(draw, dt, s1 + (ka,)), _small(draw, dt, s2 + (kb,))
    kw = {}
    if draw(st.booleans()):  # the vectors along another axis
        ia, ib = draw(st.integers(0, a.ndim - 1)), draw(st.integers(0, b.ndim - 1))
        a, b = np.moveaxis(a, -1, ia), np.moveaxis(b, -1, ib)
        kw = {"axisa": ia, "axisb": ib}
        if ka == 3 or kb == 3:
            nd = len(np.broadcast_shapes(s1, s2)) + 1
            kw["axisc"] = draw(st.integers(-nd, nd - 1))
    return S.Case((a, b), kw)


def _matvec(draw, spec, dt):
    b1, b2 = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3)
                  ).input_shapes
    m, n = draw(st.integers(1, 3)), draw(st.integers(0, 3))
    return S.Case((_small(draw, dt, b1 + (m, n)), _small(draw, dt, b2 + (n,))))


def _vecmat(draw, spec, dt):
    b1, b2 = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3)
                  ).input_shapes
    m, n = draw(st.integers(1, 3)), draw(st.integers(0, 3))
    return S.Case((_small(draw, dt, b1 + (n,)), _small(draw, dt, b2 + (n, m))))


def _convolve(draw, spec, dt):
    m, n = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    return S.Case((_vec(draw, dt, m), _vec(draw, dt, n)),
                  {"mode": draw(st.sampled_from(["valid", "same", "full"]))})


def _cov(draw, spec, dt):
    nobs = draw(st.integers(2, 5))
    nvar = draw(st.integers(1, 3))
    rowvar = draw(st.booleans())
    shape = (nvar, nobs) if rowvar else (nobs, nvar)
    if nvar == 1 and draw(st.booleans()):
        shape = (nobs,)
    m = _small(draw, dt, shape, -3, 3)
    kw = {"rowvar": rowvar}
    if draw(st.booleans()):
        kw["y"] = _small(draw, dt, shape, -3, 3)
    if draw(st.booleans()):
        kw["bias"] = True
    if draw(st.booleans()):
        kw["ddof"] = draw(st.sampled_from([0, 1]))
    if draw(st.booleans()):
        kw["fweights"] = _ints(draw, (nobs,), 1, 3)
    if draw(st.booleans()):
        kw["aweights"] = _ints(draw, (nobs,), 1, 4).astype(np.float64)
    return S.Case((m,), kw)


# -- interpolation and differences ------------------------------------------------------------

def _interp(draw, spec, dt):
    n = draw(st.integers(1, 5))
    lo = 0 if _k(dt) == "u" else -6
    xp = np.sort(np.asarray(draw(st.lists(st.integers(lo, 6), min_size=n, max_size=n,
                                          unique=True)), np.int64))
    fp = _ints(draw, (n,), lo, 4)
    x = _ints(draw, draw(S.shapes), 2 * lo, 8)
    if _k(dt) == "f":
        x = x / 2  # half-way points
    xp, fp = _as(xp, dt), _as(fp, dt)
    x = _as(x, dt)
    kw = {}
    if draw(st.booleans()):
        kw["left"] = draw(st.sampled_from([-1.5, 9.0]))
    if draw(st.booleans()):
        kw["right"] = draw(st.sampled_from([2.5, -9.0]))
    if draw(st.integers(0, 3)) == 0:
        kw = {"period": draw(st.sampled_from([4, 7.5]))}
    return S.Case((x, xp, fp), kw)


def _gradient(draw, spec, dt):
    edge = draw(st.sampled_from([1, 2]))
    shape = tuple(draw(st.integers(edge + 1, 4)) for _ in range(draw(st.integers(1, 3))))
    f = _small(draw, dt, shape, -4, 4)
    axes = draw(st.sampled_from([None] + list(range(f.ndim)) + [tuple(range(f.ndim))]))
    ax = tuple(range(f.ndim)) if axes is None else (axes if isinstance(axes, tuple)
                                                    else (axes,))
    how = draw(st.sampled_from(["none", "scalar", "arrays"]))
    args = (f,)
    if how == "scalar":
        args += (draw(st.sampled_from([0.5, 2.0, 4])),)
    elif how == "arrays":
        coords = []
        for a in ax:
            if draw(st.booleans()):
                coords.append(draw(st.sampled_from([0.5, 2.0])))
                continue
            c = np.sort(np.asarray(draw(st.lists(st.integers(-8, 8), min_size=shape[a],
                                                 max_size=shape[a], unique=True)),
                                   np.int64))
            coords.append(c.astype(draw(st.sampled_from([np.float64, np.int64]))))
        args += tuple(coords)
    kw = {"edge_order": edge}
    if axes is not None:
        kw["axis"] = axes
    return S.Case(args, kw)


def _unwrap(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.nonempty_shapes), "moderate")
    kw = {"axis": draw(st.integers(-x.ndim, x.ndim - 1))}
    if draw(st.booleans()):
        kw["discont"] = draw(st.sampled_from([1.0, 4.0]))
    if draw(st.booleans()):  # an int period computes in x's integer type: within its range
        kw["period"] = draw(st.sampled_from([360.0, 10.0] + ([10] if _k(dt) in "if" else [])))
    return S.Case((x,), kw)


# -- histograms ------------------------------------------------------------------------------

def _data(draw, dt, shape):
    lo, hi = (0, 16) if _k(dt) == "u" else (-8, 8)
    return _as(_ints(draw, shape, lo, hi), dt), (lo, hi)


def _bins_kw(draw, lo, hi, dims=None):
    kw = {}
    if draw(st.booleans()):
        kw["bins"] = draw(st.sampled_from([1, 2, 4, 8]))
    elif draw(st.booleans()):  # (histogram2d reads 1 or 2 bins as one per dimension)
        kw["bins"] = np.asarray(sorted(draw(st.lists(st.integers(lo, hi), min_size=3,
                                                     max_size=5, unique=True))), np.float64)
    if draw(st.booleans()) and not isinstance(kw.get("bins"), np.ndarray):
        a, b = sorted(draw(st.integers(lo, hi)) for _ in range(2))
        kw["range"] = (a, b) if dims is None else [(a, b)] * dims
    return kw


def _histogram_bin_edges(draw, spec, dt):
    x, (lo, hi) = _data(draw, dt, draw(st.sampled_from([(draw(st.integers(0, 8)),),
                                                        draw(S.shapes)])))
    return S.Case((x,), _bins_kw(draw, lo, hi))


def _histogram2d(draw, spec, dt):
    n = draw(st.integers(0, 8))
    x, (lo, hi) = _data(draw, dt, (n,))
    y, _ = _data(draw, dt, (n,))
    kw = _bins_kw(draw, lo, hi, 2)
    if draw(st.booleans()):
        kw["weights"] = _ints(draw, (n,), 0, 3).astype(np.float64)
    if n and draw(st.booleans()):
        kw["density"] = True
    return S.Case((x, y), kw)


def _histogramdd(draw, spec, dt):
    n, d = draw(st.integers(0, 8)), draw(st.integers(1, 3))
    x, (lo, hi) = _data(draw, dt, (n, d))
    kw = _bins_kw(draw, lo, hi, d)
    if isinstance(kw.get("bins"), np.ndarray):
        kw["bins"] = [kw["bins"]] * d
    if draw(st.booleans()):
        kw["weights"] = _ints(draw, (n,), 0, 3).astype(np.float64)
    return S.Case((x,), kw)


# -- sets ----------------------------------------------------------------------------------

def _set_pair(draw, spec, dt, unique_ok=True):
    assume = unique_ok and draw(st.booleans())
    if assume:
        def vals():
            return np.asarray(draw(st.lists(st.integers(-4, 4), max_size=5, unique=True)))
        a1, a2 = _as(vals(), dt), _as(vals(), dt)
    else:
        a1 = _small(draw, dt, draw(S.shapes), -3, 3)
        a2 = _small(draw, dt, draw(S.shapes), -3, 3)
    return a1, a2, assume


def _intersect1d(draw, spec, dt):
    a1, a2, assume = _set_pair(draw, spec, dt)
    kw = {"assume_unique": assume} if assume else {}
    if draw(st.booleans()):
        kw["return_indices"] = True
    return S.Case((a1, a2), kw)


def _setdiff(draw, spec, dt):
    a1, a2, assume = _set_pair(draw, spec, dt)
    return S.Case((a1, a2), {"assume_unique": assume} if assume else {})


def _union1d(draw, spec, dt):
    a1, a2, _ = _set_pair(draw, spec, dt, unique_ok=False)
    return S.Case((a1, a2))


# -- polynomials -----------------------------------------------------------------------------

def _polyval(draw, spec, dt):
    p = _vec(draw, dt, draw(st.integers(1, 4)))
    return S.Case((p, _small(draw, dt, draw(S.shapes))))


def _poly_pair(draw, spec, dt):
    return S.Case((_vec(draw, dt, draw(st.integers(1, 4))),
                   _vec(draw, dt, draw(st.integers(1, 4)))))


def _polyder(draw, spec, dt):
    return S.Case((_vec(draw, dt, draw(st.integers(1, 5))),), {"m": draw(st.integers(0, 3))})


def _polyint(draw, spec, dt):
    m = draw(st.integers(0, 2))
    kw = {"m": m}
    if m and draw(st.booleans()):
        kw["k"] = draw(st.sampled_from([1.5, [2.0] * m, [0.5, -1.0, 3.0][:m]]))
    return S.Case((_vec(draw, dt, draw(st.integers(1, 4))),), kw)


def _polydiv(draw, spec, dt):
    n = draw(st.integers(1, 3))
    v = _vec(draw, dt, n)
    lead = draw(st.sampled_from([1, 2, -1, -2] if _k(dt) != "u" else [1, 2]))
    v = v.copy()
    v[0] = np.asarray(lead).astype(np.float32).astype(v.dtype)
    u = _vec(draw, dt, draw(st.integers(1, 5)))
    return S.Case((u, v))


def _poly(draw, spec, dt):
    lo = 0 if _k(dt) == "u" else -3
    return S.Case((_vec(draw, dt, draw(st.integers(0, 4)), lo, 3),))


def _roots(draw, spec, dt):
    zs = draw(st.lists(st.integers(-3, 3), max_size=3, unique=True))
    p = np.poly(np.asarray(zs, np.float64)) if zs else np.ones(1)
    p = p * draw(st.sampled_from([1, 2, -1]))
    if draw(st.booleans()):
        p = np.concatenate([np.zeros(draw(st.integers(1, 2))), p])
    if draw(st.booleans()):
        p = np.concatenate([p, np.zeros(draw(st.integers(1, 2)))])
    return S.Case((p.astype(dt),))


def _polyfit(draw, spec, dt):
    deg = draw(st.integers(0, 3))
    n = draw(st.integers(deg + 2, 6))
    x = np.asarray(sorted(draw(st.lists(st.integers(-4, 4), min_size=n, max_size=n,
                                        unique=True))), np.float64)
    y = _ints(draw, (n,) if draw(st.booleans()) else (n, 2), -4, 4).astype(np.float64)
    kw = {}
    if draw(st.booleans()):
        kw["w"] = _ints(draw, (n,), 1, 3).astype(dt)
    if draw(st.integers(0, 3)) == 0:
        kw["cov"] = True
    return S.Case((x.astype(dt), y.astype(dt), deg), kw)


# -- bits ------------------------------------------------------------------------------------

def _packbits(draw, spec, dt):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=10))
    x = _ints(draw, shape, 0, 2, dt) if _k(dt) != "b" else draw(hnp.arrays(np.bool_, shape))
    kw = {}
    if draw(st.booleans()):
        kw["axis"] = draw(st.integers(-x.ndim, x.ndim - 1))
    if draw(st.booleans()):
        kw["bitorder"] = draw(st.sampled_from(["big", "little"]))
    return S.Case((x,), kw)


def _unpackbits(draw, spec, dt):
    x = _ints(draw, draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3)),
              0, 255, "uint8")
    kw = {}
    if draw(st.booleans()):
        kw["axis"] = draw(st.integers(-x.ndim, x.ndim - 1))
    n = (x.size if "axis" not in kw else x.shape[kw["axis"]]) * 8
    if n and draw(st.booleans()):  # (NumPy pads an empty input with uninitialised bits)
        kw["count"] = draw(st.integers(-n, n + 4))
    if draw(st.booleans()):
        kw["bitorder"] = draw(st.sampled_from(["big", "little"]))
    return S.Case((x,), kw)


DRAWERS.update(
    around=_around, fix=S.unary, spacing=_spacing, float_power=_float_power, divmod=_divmod,
    iscomplex=S.unary, iscomplexobj=S.unary, isrealobj=S.unary, real_if_close=_real_if_close,
    array_equal=_array_equal, array_equiv=_array_equiv, argwhere=_few_nonzero,
    flatnonzero=_few_nonzero, tril_indices=_tri_indices, triu_indices=_tri_indices,
    tril_indices_from=_tri_indices_from, triu_indices_from=_tri_indices_from,
    diag_indices=_diag_indices, diag_indices_from=_diag_indices_from, ix_=_ix,
    atleast_1d=_atleast, atleast_2d=_atleast, atleast_3d=_atleast, block=_block,
    choose=_choose, compress=_compress, delete=_delete, insert=_insert,
    trim_zeros=_trim_zeros, partition=_partition, lexsort=_lexsort,
    apply_along_axis=_apply_along_axis, apply_over_axes=_apply_over_axes,
    piecewise=_piecewise, ediff1d=_ediff1d, outer=_outer_drawer, cross=_cross,
    matvec=_matvec, vecmat=_vecmat, convolve=_convolve, cov=_cov, interp=_interp,
    gradient=_gradient, unwrap=_unwrap, histogram_bin_edges=_histogram_bin_edges,
    histogram2d=_histogram2d, histogramdd=_histogramdd, intersect1d=_intersect1d,
    union1d=_union1d, setdiff1d=_setdiff, setxor1d=_setdiff, polyval=_polyval,
    polyadd=_poly_pair, polysub=_poly_pair, polymul=_poly_pair, polyder=_polyder,
    polyint=_polyint, polydiv=_polydiv, poly=_poly, roots=_roots, polyfit=_polyfit,
    packbits=_packbits, unpackbits=_unpackbits,
)
