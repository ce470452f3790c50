"""crossops.numpy's NumPy signatures for the ops of the keras.ops numpy group (issue 12).

The parameters these functions took from NumPy, against NumPy on every backend, at their
edges: ``ddof`` at and past the count (NaN), ``initial`` with empty and all-NaN slices,
``right`` at the bin edges, ``deg`` for negative reals and signed zeros, ``dtype`` for
integer input, ``casting`` where NumPy refuses; NumPy's parameter names by keyword and
NumPy's positions (``overwrite_input`` before ``method``, ``copy`` before ``nan``); and
crossops.ops keeping Keras's forms of the same ops.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import crossops.numpy as xnp
import crossops.ops as ops

from .backends import backend_context, to_backend, to_numpy

NAN = np.nan


def _on(backend, *values):
    return [to_backend(backend, np.asarray(v)) for v in values]


def _numpy(f, *args, **kwargs):
    """NumPy's result, its warnings (empty slices, degrees of freedom) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return f(*args, **kwargs)


def _same(got, want):
    """Equal dtype, shape and values (NaN where NumPy has NaN), or the same tuple of them."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
        return
    got, want = to_numpy(got), np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0, equal_nan=True)


# -- nanvar, nanstd: ddof and dtype -------------------------------------------------------------

X3 = np.array([[1.0, NAN, 3.0], [NAN, NAN, NAN], [2.0, 2.0, 5.0], [4.0, NAN, NAN]])


@pytest.mark.parametrize("op", ["nanvar", "nanstd"])
@pytest.mark.parametrize("ddof", [0, 1, 2, 3, 0.5])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_nanvar_ddof(backend, op, ddof, axis):
    """ddof >= the count of non-NaN values (and an all-NaN row) gives NaN, as NumPy."""
    with backend_context(backend):
        (x,) = _on(backend, X3)
        got = getattr(xnp, op)(x, axis=axis, ddof=ddof)
        _same(got, _numpy(getattr(np, op), X3, axis=axis, ddof=ddof))
        # NumPy's position of ddof: after dtype (and out, which crossops does not take)
        _same(getattr(xnp, op)(x, axis, None, ddof, True),
              _numpy(getattr(np, op), X3, axis, None, None, ddof, True))


@pytest.mark.parametrize("op", ["nanvar", "nanstd", "nanmean"])
def test_nan_statistics_dtype(backend, op):
    """Integers compute in float64; dtype= picks the float dtype, as NumPy."""
    ints = np.array([[1, 2, 4], [7, 7, 9]], np.int32)
    floats = np.array([1.0, NAN, 2.5, 4.0])
    with backend_context(backend):
        i, f = _on(backend, ints, floats)
        for axis in (None, 1):
            _same(getattr(xnp, op)(i, axis=axis), getattr(np, op)(ints, axis=axis))
            _same(getattr(xnp, op)(i, axis=axis, dtype="float32"),
                  getattr(np, op)(ints, axis=axis, dtype=np.float32))
        _same(getattr(xnp, op)(f, dtype="float32"), getattr(np, op)(floats, dtype=np.float32))
        with pytest.raises(TypeError, match="dtype"):
            getattr(xnp, op)(f, dtype="int32")  # NumPy: TypeError too, for float input


# -- nansum, nanprod: dtype and initial ---------------------------------------------------------

@pytest.mark.parametrize("op", ["nansum", "nanprod"])
def test_nansum_nanprod_dtype_and_initial(backend, op):
    ints = np.array([[1, 2, 3], [4, 5, 6]], np.int8)
    floats = np.array([[1.5, NAN], [NAN, NAN]])
    with backend_context(backend):
        i, f = _on(backend, ints, floats)
        f_np, f_x = getattr(np, op), getattr(xnp, op)
        for dtype in ("int16", "int64", "float32"):
            _same(f_x(i, axis=1, dtype=dtype), f_np(ints, axis=1, dtype=dtype))
        for initial in (3.0, -2.0):
            _same(f_x(f, initial=initial), f_np(floats, initial=initial))
            _same(f_x(f, axis=0, keepdims=True, initial=initial),
                  f_np(floats, axis=0, keepdims=True, initial=initial))
        _same(f_x(i, 1, "int32", False, 2), f_np(ints, 1, "int32", None, False, 2))
        empty = np.zeros((0, 2))
        (e,) = _on(backend, empty)
        _same(f_x(e, axis=0, initial=4.0), f_np(empty, axis=0, initial=4.0))


# -- amax, amin, nanmax, nanmin: initial --------------------------------------------------------

@pytest.mark.parametrize("op", ["amax", "amin", "nanmax", "nanmin"])
def test_initial(backend, op):
    """initial is one more element of every slice: an empty slice gives it, an all-NaN
    slice gives it in the nan forms (NaN propagates in amax/amin)."""
    data = np.array([[1.0, 5.0, -2.0], [NAN, NAN, NAN], [0.5, NAN, 7.0]])
    empty = np.zeros((0, 3))
    ints = np.array([3, -4, 2], np.int16)
    with backend_context(backend):
        d, e, i = _on(backend, data, empty, ints)
        f_np, f_x = getattr(np, op), getattr(xnp, op)
        for initial in (0.0, 6.0, -3.0):
            for axis in (None, 1):
                _same(f_x(d, axis=axis, initial=initial),
                      _numpy(f_np, data, axis=axis, initial=initial))
            for keepdims in (False, True):
                _same(f_x(e, axis=0, keepdims=keepdims, initial=initial),
                      f_np(empty, axis=0, keepdims=keepdims, initial=initial))
        _same(f_x(e, initial=1.5), f_np(empty, initial=1.5))
        _same(f_x(i, initial=2), f_np(ints, initial=2))
        _same(f_x(i, 0, False, 10), f_np(ints, 0, None, False, 10))


# -- digitize: right -----------------------------------------------------------------------------

@pytest.mark.parametrize("right", [False, True])
@pytest.mark.parametrize("decreasing", [False, True])
def test_digitize_right(backend, right, decreasing):
    """Values on the bin edges go left or right of them by ``right``, as NumPy."""
    bins = np.array([0.0, 1.0, 1.0, 2.5, 4.0])
    bins = bins[::-1].copy() if decreasing else bins
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.5, 3.0, 4.0, 5.0])
    with backend_context(backend):
        xb, bb = _on(backend, x, bins)
        _same(xnp.digitize(xb, bb, right=right), np.digitize(x, bins, right=right))
        _same(xnp.digitize(xb, bb, right), np.digitize(x, bins, right))


# -- angle: deg ---------------------------------------------------------------------------------

def test_angle_deg(backend):
    reals = np.array([-2.0, -0.0, 0.0, 3.0])
    cplx = np.array([1j, -1 + 0j, -1 - 1e-300j, 1 + 1j, 0j])
    ints = np.array([-3, 0, 4], np.int64)
    with backend_context(backend):
        r, c, i = _on(backend, reals, cplx, ints)
        for deg in (False, True):
            _same(xnp.angle(r, deg=deg), np.angle(reals, deg=deg))
            _same(xnp.angle(c, deg), np.angle(cplx, deg))
            if backend != "tensorflow":  # integers give float32 on TensorFlow (documented)
                _same(xnp.angle(i, deg=deg), np.angle(ints, deg=deg))
        _same(xnp.angle(z=r), np.angle(z=reals))


# -- average: returned, keepdims ----------------------------------------------------------------

def test_average_returned_keepdims(backend):
    a = np.array([[1.0, 2.0, 4.0], [3.0, 5.0, 0.0]])
    w = np.array([1.0, 0.5, 2.0])
    with backend_context(backend):
        xa, xw = _on(backend, a, w)
        for keepdims in (False, True):
            _same(xnp.average(xa, axis=1, weights=xw, returned=True, keepdims=keepdims),
                  np.average(a, axis=1, weights=w, returned=True, keepdims=keepdims))
            _same(xnp.average(xa, axis=0, keepdims=keepdims),
                  np.average(a, axis=0, keepdims=keepdims))
            _same(xnp.average(xa, axis=0, returned=True, keepdims=keepdims),
                  np.average(a, axis=0, returned=True, keepdims=keepdims))
        _same(xnp.average(xa, None, None, True), np.average(a, None, None, True))


# -- corrcoef: y, rowvar, dtype -----------------------------------------------------------------

def test_corrcoef_y_rowvar_dtype(backend):
    x = np.array([[1.0, 2.0, 4.0, 7.0], [2.0, 1.0, 0.0, 1.5]])
    y = np.array([3.0, 1.0, 2.0, 0.0])
    ints = np.array([[1, 2, 3, 5], [6, 4, 2, 2]], np.int64)
    with backend_context(backend):
        xb, yb, ib = _on(backend, x, y, ints)
        xt, = _on(backend, x.T.copy())
        _same(xnp.corrcoef(xb, yb), np.corrcoef(x, y))
        _same(xnp.corrcoef(xb, y=yb), np.corrcoef(x, y=y))
        _same(xnp.corrcoef(xt, rowvar=False), np.corrcoef(x.T, rowvar=False))
        _same(xnp.corrcoef(xt, xt, False), np.corrcoef(x.T, x.T, False))
        _same(xnp.corrcoef(ib), np.corrcoef(ints))
        got = to_numpy(xnp.corrcoef(ib, dtype="float32"))
        want = np.corrcoef(ints, dtype=np.float32)
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-6)


# -- size, ndim -----------------------------------------------------------------------------------

def test_size_axis(backend):
    a = np.zeros((2, 3, 5))
    with backend_context(backend):
        (x,) = _on(backend, a)
        for axis in (None, 0, -1, (0, 2), (1,)):
            assert xnp.size(x, axis) == np.size(a, axis)
            assert xnp.size(x, axis=axis) == np.size(a, axis=axis)
        assert xnp.size(a=x) == np.size(a=a) == 30
    assert xnp.size([[1, 2, 3]], 1) == np.size([[1, 2, 3]], 1) == 3
    assert xnp.ndim([[1], [2]]) == np.ndim([[1], [2]]) == 2
    assert xnp.ndim(a=2.0) == np.ndim(a=2.0) == 0


# -- concatenate, hstack, vstack: dtype and casting ---------------------------------------------

@pytest.mark.parametrize("op", ["concatenate", "hstack", "vstack"])
def test_join_dtype_and_casting(backend, op):
    a = np.array([[1, 2]], np.int32)
    b = np.array([[2.5, -1.0]])
    with backend_context(backend):
        xa, xb = _on(backend, a, b)
        f_np, f_x = getattr(np, op), getattr(xnp, op)
        for dtype, casting in (("float32", "same_kind"), ("int64", "unsafe"),
                               ("float64", "safe"), (None, "same_kind")):
            _same(f_x([xa, xb], dtype=dtype, casting=casting),
                  f_np([a, b], dtype=dtype, casting=casting))
        _same(f_x([xa, xa], dtype="int64", casting="safe"),
              f_np([a, a], dtype="int64", casting="safe"))
        for dtype, casting in (("int32", "same_kind"), ("float32", "safe"), ("float64", "no"),
                               (None, "equiv")):
            with pytest.raises(TypeError):
                f_np([a, b], dtype=dtype, casting=casting)
            with pytest.raises(TypeError, match="cast"):
                f_x([xa, xb], dtype=dtype, casting=casting)
        with pytest.raises(ValueError, match="casting"):
            f_x([xa, xb], casting="sometimes")
    if op == "concatenate":
        with backend_context(backend):
            _same(xnp.concatenate([xa, xb], None, dtype="float32"),
                  np.concatenate([a, b], None, dtype="float32"))


# -- tri: NumPy's float default, like -------------------------------------------------------------

def test_tri_dtype_and_like(backend):
    with backend_context(backend):
        (like,) = _on(backend, np.zeros(2, np.float32))
        for kwargs in ({}, {"dtype": float}, {"dtype": int}, {"dtype": "int8"},
                       {"dtype": bool}):
            got = xnp.tri(3, 4, -1, like=like, **kwargs)
            assert type(got) is type(like)
            _same(got, np.tri(3, 4, -1, **kwargs))
    _same(xnp.tri(2), np.tri(2))  # the default backend


# -- ravel, unravel_index: order ----------------------------------------------------------------

def test_order(backend):
    a = np.arange(24).reshape(2, 3, 4)
    idx = np.array([0, 5, 13, 23])
    with backend_context(backend):
        xa, xi = _on(backend, a, idx)
        for order in ("C", "F"):
            _same(xnp.ravel(xa, order), np.ravel(a, order))
            _same(xnp.unravel_index(xi, (2, 3, 4), order=order),
                  np.unravel_index(idx, (2, 3, 4), order=order))
        for bad in ("A", "K", "X"):
            with pytest.raises(ValueError, match="order"):
                xnp.ravel(xa, order=bad)


# -- NumPy's positions --------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["quantile", "nanquantile", "percentile", "nanpercentile"])
def test_quantile_positions(backend, op):
    """overwrite_input comes before method, as in NumPy: a positional call means the same
    (crossops never writes into its input either way)."""
    a = np.array([[3.0, NAN, 1.0, 8.0], [2.0, 4.0, 6.0, 5.0]])
    q = 50.0 if "percentile" in op else 0.5
    with backend_context(backend):
        (x,) = _on(backend, a)
        for method in ("linear", "lower", "nearest"):
            _same(getattr(xnp, op)(x, q, 1, True, method, True),
                  _numpy(getattr(np, op), a.copy(), q, 1, None, True, method, True))
        _same(to_numpy(x), a)  # untouched


@pytest.mark.parametrize("op", ["median", "nanmedian"])
def test_median_overwrite_input(backend, op):
    a = np.array([[3.0, NAN, 1.0], [2.0, 4.0, 6.0]])
    with backend_context(backend):
        (x,) = _on(backend, a)
        _same(getattr(xnp, op)(x, 1, True, True),
              _numpy(getattr(np, op), a.copy(), 1, None, True, True))
        _same(getattr(xnp, op)(x, axis=0, overwrite_input=True),
              _numpy(getattr(np, op), a.copy(), axis=0, overwrite_input=True))
        _same(to_numpy(x), a)


def test_nan_to_num_copy(backend):
    """copy comes before nan, as in NumPy; crossops returns a new array either way."""
    a = np.array([NAN, np.inf, -np.inf, 1.0])
    with backend_context(backend):
        (x,) = _on(backend, a)
        _same(xnp.nan_to_num(x, True, 5.0, 9.0, -9.0), np.nan_to_num(a, True, 5.0, 9.0, -9.0))
        _same(xnp.nan_to_num(x, copy=False, nan=-1.0), np.nan_to_num(a.copy(), copy=False,
                                                                      nan=-1.0))
        _same(to_numpy(x), a)


def test_argpartition_kind_order(backend):
    a = np.array([5, 1, 4, 2, 3])
    with backend_context(backend):
        (x,) = _on(backend, a)
        got = to_numpy(xnp.argpartition(x, 2, -1, "introselect", None))
        assert a[got][2] == np.sort(a)[2]
        with pytest.raises(ValueError, match="kind"):
            xnp.argpartition(x, 2, kind="quicksort")
        with pytest.raises(ValueError, match="order"):
            xnp.argpartition(x, 2, order="f0")


# -- NumPy's parameter names by keyword ---------------------------------------------------------

M = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
V = np.array([1.0, 2.0, 3.0])
CUBE = np.arange(8.0).reshape(2, 2, 2)

#: op -> the keyword arguments of a call that names every array argument as NumPy does
BY_NAME = {
    "allclose": {"a": V, "b": V + 1e-9}, "isclose": {"a": V, "b": V + 1e-9},
    "append": {"arr": V, "values": M}, "array_split": {"ary": V, "indices_or_sections": 2},
    "split": {"ary": V, "indices_or_sections": 3}, "hsplit": {"ary": M, "indices_or_sections": 3},
    "vsplit": {"ary": M, "indices_or_sections": 2},
    "dsplit": {"ary": CUBE, "indices_or_sections": 2},
    "column_stack": {"tup": [V, V]}, "dstack": {"tup": [M, M]}, "hstack": {"tup": [V, V]},
    "vstack": {"tup": [V, V]}, "correlate": {"a": V, "v": V[:2]},
    "diag": {"v": V, "k": 1}, "diagflat": {"v": M, "k": -1}, "fliplr": {"m": M},
    "flipud": {"m": M}, "rot90": {"m": M, "k": 3}, "swapaxes": {"a": M, "axis1": 0, "axis2": 1},
    "transpose": {"a": CUBE, "axes": (1, 2, 0)}, "ravel": {"a": M}, "dot": {"a": M, "b": V},
    "kron": {"a": V, "b": M}, "cumsum": {"a": M, "axis": 1}, "cumprod": {"a": M},
    "nancumsum": {"a": M}, "nancumprod": {"a": M, "axis": 0}, "ptp": {"a": M, "axis": 0},
    "nanargmax": {"a": M, "axis": 1}, "nanargmin": {"a": M}, "amax": {"a": M},
    "amin": {"a": M, "axis": 1}, "nanmax": {"a": M}, "nanmin": {"a": M},
    "nanmean": {"a": M}, "nansum": {"a": M}, "nanprod": {"a": M}, "nanvar": {"a": M},
    "nanstd": {"a": M}, "median": {"a": M}, "nanmedian": {"a": M},
    "quantile": {"a": M, "q": 0.25}, "percentile": {"a": M, "q": 25.0},
    "average": {"a": M, "weights": M}, "pad": {"array": V, "pad_width": 1},
    "concatenate": {"axis": 0},  # arrays is positional-only, as in NumPy
}


@pytest.mark.parametrize("op", sorted(BY_NAME))
def test_numpy_keyword_names(backend, op):
    want = getattr(np, op)(*([M, M],) if op == "concatenate" else (), **BY_NAME[op])
    with backend_context(backend):
        kwargs = {k: [to_backend(backend, v) for v in val] if isinstance(val, list) else
                  to_backend(backend, val) for k, val in BY_NAME[op].items()}
        args = ([to_backend(backend, M)] * 2,) if op == "concatenate" else ()
        got = getattr(xnp, op)(*args, **kwargs)
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
    else:
        _same(got, np.asarray(want))


def test_windows_by_name(backend):
    with backend_context(backend):
        for op in ("bartlett", "blackman", "hamming", "hanning"):
            _same(getattr(xnp, op)(M=5), getattr(np, op)(M=5))
        _same(xnp.kaiser(M=6, beta=3.0), np.kaiser(M=6, beta=3.0))
        # (numbers give the backend's default float: float32 on torch and TensorFlow)
        _same(xnp.logspace(0.0, 2.0, 3, dtype="float64"), np.logspace(0.0, 2.0, 3))
        _same(xnp.logspace(0.0, 2.0, 3, True, 2.0, "float64"), np.logspace(0.0, 2.0, 3, True, 2.0))


def test_products_positional_only(backend):
    """inner and vdot take their operands by position only, as NumPy."""
    with backend_context(backend):
        a, b = _on(backend, V, V[::-1].copy())
        _same(xnp.inner(a, b), np.inner(V, V[::-1]))
        _same(xnp.vdot(a, b), np.vdot(V, V[::-1]))
        with pytest.raises(TypeError):
            xnp.inner(a=a, b=b)


# -- crossops.ops keeps Keras's forms -----------------------------------------------------------

KERAS_FORMS = {
    "nanvar": ("x", "axis", "keepdims"), "nansum": ("x", "axis", "keepdims"),
    "amax": ("x", "axis", "keepdims"), "concatenate": ("xs", "axis"),
    "percentile": ("x", "q", "axis", "method", "keepdims"),
    "nan_to_num": ("x", "nan", "posinf", "neginf"), "append": ("x1", "x2", "axis"),
    "digitize": ("x", "bins"), "angle": ("x",), "corrcoef": ("x",), "tri": ("N", "M", "k",
                                                                            "dtype"),
    "rot90": ("array", "k", "axes"), "average": ("x", "axis", "weights"),
}


@pytest.mark.parametrize("op", sorted(KERAS_FORMS))
def test_ops_keep_keras_signature(op):
    assert tuple(inspect.signature(getattr(ops, op)).parameters) == KERAS_FORMS[op]


def test_ops_keras_call_by_keras_names(backend):
    with backend_context(backend):
        (x,) = _on(backend, X3)
        _same(ops.nanvar(x=x, axis=1), _numpy(np.nanvar, X3, axis=1))
        _same(ops.percentile(x=x[:1], q=50.0, method="lower"),
              _numpy(np.percentile, X3[:1], 50.0, method="lower"))
        _same(ops.nan_to_num(x, 1.0), np.nan_to_num(X3, nan=1.0))
