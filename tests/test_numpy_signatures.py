"""crossops.numpy's NumPy signatures for the ops of the keras.ops numpy group (issue 12).

The parameters these functions took from NumPy, against NumPy on every backend, at their
edges: ``ddof`` at and past the count (NaN), ``initial`` with empty and all-NaN slices,
``right`` at the bin edges, ``deg`` for negative reals and signed zeros, ``dtype`` for
integer input, ``casting`` where NumPy refuses; NumPy's parameter names by keyword and
NumPy's positions (``overwrite_input`` before ``method``, ``copy`` before ``nan``); and
crossops.ops keeping Keras's forms of the same ops.

Then the reductions' ``where=`` (elementwise, broadcast, empty and full masks, NaN left out,
integers, 0-d, under ``crossops.jit`` and differentiated), ``initial=`` (which ``max`` and
``min`` need with ``where``), ``mean=`` and ``correction=`` of the variances, and the
quantiles' ``weights=`` with ``method='inverted_cdf'`` (NumPy's errors too).
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp
import crossops.ops as ops

from .backends import backend_context, to_backend, to_numpy
from .reference import numpy_edge_cases

NAN = np.nan


@pytest.fixture(autouse=True)
def _edge_cases():
    """These tests compare the reductions at their edges on purpose (all-False masks,
    n - ddof <= 0, empty slices), where NumPy warns and so does crossops on the numpy
    backend, which computes with NumPy: those warnings are expected here, as in the
    conformance suite (``numpy_edge_cases``)."""
    with numpy_edge_cases():
        yield


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
    # float32 results may differ from NumPy's in the last bit (another framework's order
    # of summation); float64 ones to 1e-12
    rtol = 2 * np.finfo(np.float32).eps if got.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=rtol, atol=0, equal_nan=True)


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
        # NumPy's positions: ddof after dtype and out
        _same(getattr(xnp, op)(x, axis, None, None, ddof, True),
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


INTS = np.array([[100, 100, 100, 7], [-3, -4, 0, 1], [1, 2, 4, 7]], np.int32)


@pytest.mark.parametrize("op", ["mean", "var", "std", "nanmean", "nanvar", "nanstd"])
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "bool"])
def test_statistics_in_an_integer_dtype(backend, op, dtype):
    """An integer dtype= computes as NumPy does: sums in that dtype (int8 wraps: 300 is
    44), each division truncated toward zero (-3.5 is -3), var's deviations from that
    truncated mean; integer and bool inputs of the nan forms the same (no NaN to drop).
    Where NumPy raises TypeError (std of an array result, which its sqrt cannot write into
    an integer out=; var of bools in bool, which subtracts bools), crossops computes as
    for a 0-d result."""
    fn, ref = getattr(xnp, op), getattr(np, op)
    ddofs = [{}] if op.endswith("mean") else [{"ddof": 0}, {"ddof": 1}]
    mask = np.array([[True, False, True, True]] * 3)
    for a in (INTS, INTS.astype(np.int8), INTS > 0):
        (x,) = _on(backend, a)
        for axis, keepdims, where in [(None, False, True), (0, False, True), (1, True, True),
                                      (1, False, mask), (None, False, mask)]:
            for extra in ddofs:
                kwargs = dict(axis=axis, dtype=dtype, keepdims=keepdims, where=where, **extra)
                with np.errstate(all="ignore"):
                    try:
                        want = ref(a, **kwargs)
                    except TypeError:  # NumPy's std of an array result, its bool - bool
                        assert (op.endswith("std") and (axis is not None or keepdims)
                                or (op != "mean" and dtype == "bool" and a.dtype == bool))
                        continue
                with backend_context(backend), np.errstate(all="ignore"):
                    got = fn(x, **kwargs)
                _same(got, want)


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
        _same(f_x(i, 1, "int32", None, False, 2), f_np(ints, 1, "int32", None, False, 2))
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
        _same(f_x(i, 0, None, False, 10), f_np(ints, 0, None, False, 10))


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
            _same(getattr(xnp, op)(x, q, 1, None, True, method, True),
                  _numpy(getattr(np, op), a.copy(), q, 1, None, True, method, True))
        _same(to_numpy(x), a)  # untouched


@pytest.mark.parametrize("op", ["median", "nanmedian"])
def test_median_overwrite_input(backend, op):
    a = np.array([[3.0, NAN, 1.0], [2.0, 4.0, 6.0]])
    with backend_context(backend):
        (x,) = _on(backend, a)
        _same(getattr(xnp, op)(x, 1, None, True, True),
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


# -- where=, initial=, mean=, correction= of the reductions --------------------------------------

WA = np.array([[1.0, 5.0, NAN, 2.0], [-2.0, 0.5, 3.0, NAN], [4.0, 4.0, -1.0, 7.5]])
#: masks: elementwise (leaving the NaN of the first row out), a row broadcast, a column
#: broadcast, one picking a single element per column, none at all, every element
MASKS = {
    "full": np.array([[True, True, False, True], [False, True, True, True],
                      [True, False, True, True]]),
    "row": np.array([True, False, True, False]),
    "column": np.array([[True], [False], [True]]),
    "one": np.eye(3, 4, dtype=bool),
    "none": np.zeros((3, 4), bool),
    "all": True,
}
IDENTITY_REDUCTIONS = ["sum", "prod", "mean", "var", "std", "all", "any", "nansum", "nanprod",
                       "nanmean", "nanvar", "nanstd"]


def _mask_on(backend, mask):
    return mask if mask is True else to_backend(backend, np.asarray(mask))


@pytest.mark.parametrize("op", IDENTITY_REDUCTIONS)
@pytest.mark.parametrize("mask", list(MASKS))
def test_where(backend, op, mask):
    """Only the elements where picks take part, as NumPy: NaN left out by the mask does not
    propagate; an empty selection gives the identity (sum, prod, all, any) or NaN (mean,
    var, std and the nan forms); keepdims and every axis."""
    w = MASKS[mask]
    with backend_context(backend):
        (x,) = _on(backend, WA)
        f_x, f_np = getattr(xnp, op), getattr(np, op)
        for axis in (None, 0, 1, (0, 1)):
            for keepdims in (False, True):
                _same(f_x(x, axis=axis, keepdims=keepdims, where=_mask_on(backend, w)),
                      _numpy(f_np, WA, axis=axis, keepdims=keepdims, where=w))
        # the mask as host data (a list) beside an array of the backend
        if mask == "row":
            _same(f_x(x, axis=1, where=[True, False, True, False]),
                  _numpy(f_np, WA, axis=1, where=[True, False, True, False]))


@pytest.mark.parametrize("op", ["sum", "prod", "mean", "var", "std", "all", "any",
                                "nansum", "nanmean", "nanvar"])
def test_where_dtypes_and_0d(backend, op):
    """Integers and bools (sum's accumulation dtype; mean and var in float64), a 0-d
    input; a mask of Python ints is cast to bool, an integer array raises TypeError, as
    NumPy."""
    ints = np.array([[3, -1, 4], [1, 5, -9]], np.int32)
    flags = np.array([[True, False, True], [False, False, True]])
    w = np.array([[1, 1, 0], [0, 1, 1]])
    zero_d = np.float64(2.5)
    with backend_context(backend):
        i, b, z = _on(backend, ints, flags, zero_d)
        f_x, f_np = getattr(xnp, op), getattr(np, op)
        wb = to_backend(backend, w.astype(bool))
        for axis in (None, 1):
            _same(f_x(i, axis=axis, where=wb), _numpy(f_np, ints, axis=axis, where=w.astype(bool)))
            if op in ("sum", "all", "any"):
                _same(f_x(b, axis=axis, where=wb),
                      _numpy(f_np, flags, axis=axis, where=w.astype(bool)))
        _same(f_x(i, axis=0, where=w.tolist()), _numpy(f_np, ints, axis=0, where=w.tolist()))
        with pytest.raises(TypeError):
            f_np(ints, where=w)
        with pytest.raises(TypeError, match=f"{op}: where must be a boolean array"):
            f_x(i, where=to_backend(backend, w))
        for keep in (True, False):
            _same(f_x(z, where=keep), _numpy(f_np, zero_d, where=keep))


@pytest.mark.parametrize("op", ["max", "min", "amax", "amin", "nanmax", "nanmin"])
def test_where_needs_initial(backend, op):
    """max and min have no identity: with where they take initial, which an empty
    selection gives; without it, ValueError, as NumPy. The nan forms ignore NaN too, and
    an all-NaN selection gives initial."""
    big = "max" in op
    with backend_context(backend):
        (x,) = _on(backend, WA)
        f_x, f_np = getattr(xnp, op), getattr(np, op)
        for mask, w in MASKS.items():
            if mask == "all":
                continue
            for initial in (-10.0, 3.0) if big else (10.0, 3.0):
                for axis in (None, 0, 1):
                    for keepdims in (False, True):
                        _same(f_x(x, axis=axis, keepdims=keepdims, initial=initial,
                                  where=_mask_on(backend, w)),
                              _numpy(f_np, WA, axis=axis, keepdims=keepdims, initial=initial,
                                     where=w))
            with pytest.raises(ValueError):
                f_np(WA, where=w)
            with pytest.raises(ValueError, match=f"{op}: where needs initial"):
                f_x(x, where=_mask_on(backend, w))
        ints = np.array([[3, -1, 4], [1, 5, -9]], np.int16)
        (i,) = _on(backend, ints)
        w = np.array([[True, False, False], [False, False, False]])
        _same(f_x(i, axis=1, initial=2, where=to_backend(backend, w)),
              f_np(ints, axis=1, initial=2, where=w))


@pytest.mark.parametrize("op", ["sum", "prod", "max", "min"])
def test_initial_of_the_array_api_reductions(backend, op):
    """sum, prod, max and min take NumPy's initial: one more element of each slice (an
    empty slice gives it)."""
    data = np.array([[1.0, 5.0, -2.0], [0.5, 2.0, 7.0]])
    empty = np.zeros((0, 3))
    with backend_context(backend):
        d, e = _on(backend, data, empty)
        f_x, f_np = getattr(xnp, op), getattr(np, op)
        for initial in (0.0, 6.0, -3.0):
            for axis in (None, 1):
                _same(f_x(d, axis=axis, initial=initial), f_np(data, axis=axis, initial=initial))
            _same(f_x(e, axis=0, keepdims=True, initial=initial),
                  f_np(empty, axis=0, keepdims=True, initial=initial))


@pytest.mark.parametrize("op", ["var", "std", "nanvar", "nanstd"])
def test_mean_given(backend, op):
    """mean= (in keepdims=True's shape) is the mean the deviations are taken from, as
    NumPy: the computed one gives the same result, another one another."""
    data = np.array([[1.0, 2.0, 4.0, 7.0], [3.0, -1.0, 0.0, 2.0]])
    with backend_context(backend):
        (x,) = _on(backend, data)
        f_x, f_np = getattr(xnp, op), getattr(np, op)
        for m in (data.mean(axis=1, keepdims=True), np.array([[0.0], [10.0]])):
            (mb,) = _on(backend, m)
            for keepdims in (False, True):
                _same(f_x(x, axis=1, keepdims=keepdims, mean=mb),
                      f_np(data, axis=1, keepdims=keepdims, mean=m))
        m = np.array([[2.0, 0.5, 1.0, 4.0]])
        w = np.array([[True, False, True, True], [True, True, False, True]])
        _same(f_x(x, axis=0, where=to_backend(backend, w), mean=to_backend(backend, m)),
              _numpy(f_np, data, axis=0, where=w, mean=m))


@pytest.mark.parametrize("op", ["nanvar", "nanstd"])
def test_correction(backend, op):
    """correction is ddof's array API name; both given raises ValueError, as NumPy."""
    with backend_context(backend):
        (x,) = _on(backend, X3)
        f_x, f_np = getattr(xnp, op), getattr(np, op)
        for correction in (0, 1, 2.5):
            for axis in (None, 1):
                _same(f_x(x, axis=axis, correction=correction),
                      _numpy(f_np, X3, axis=axis, correction=correction))
        with pytest.raises(ValueError):
            f_np(X3, ddof=1, correction=1)
        with pytest.raises(ValueError, match=f"{op}: ddof and correction"):
            f_x(x, ddof=1, correction=1)


def test_var_zero_degrees_of_freedom_under_where(backend):
    """NumPy's var divides by max(count - ddof, 0): inf, or NaN for 0/0; nanvar gives NaN."""
    data = np.array([[1.0, 3.0, 8.0], [2.0, 2.0, 5.0]])
    w = np.array([[True, True, False], [True, True, False]])
    with backend_context(backend):
        (x,) = _on(backend, data)
        for op in ("var", "std", "nanvar", "nanstd"):
            f_x, f_np = getattr(xnp, op), getattr(np, op)
            kw = {"correction": 2} if op in ("var", "std") else {"ddof": 2}
            _same(f_x(x, axis=1, where=to_backend(backend, w), **kw),
                  _numpy(f_np, data, axis=1, where=w, **kw))


def test_where_that_does_not_broadcast(backend):
    with backend_context(backend):
        (x,) = _on(backend, WA)
        with pytest.raises(ValueError):
            np.sum(WA, where=np.ones(3, bool))
        with pytest.raises(ValueError, match="sum: where of shape"):
            xnp.sum(x, where=to_backend(backend, np.ones(3, bool)))


#: op -> its call under crossops.jit with the mask a traced argument
JIT_CALLS = {
    "sum": {}, "prod": {}, "mean": {}, "var": {"mean": None}, "std": {}, "all": {}, "any": {},
    "max": {"initial": -5.0}, "min": {"initial": 5.0}, "amax": {"initial": -5.0},
    "amin": {"initial": 5.0}, "nansum": {}, "nanprod": {}, "nanmean": {}, "nanvar": {},
    "nanstd": {}, "nanmax": {"initial": -5.0}, "nanmin": {"initial": 5.0},
}


@pytest.mark.parametrize("op", sorted(JIT_CALLS))
def test_where_under_jit(backend, op):
    w = MASKS["full"]
    if op in ("max", "min", "amax", "amin"):  # NaN left out: tf.function's XLA reduce_max
        w = w & ~np.isnan(WA)                 # and reduce_min drop NaN
    kwargs = {k: v for k, v in JIT_CALLS[op].items() if v is not None}

    def f(x, where):
        return getattr(xnp, op)(x, axis=1, where=where, **kwargs)

    with backend_context(backend):
        x, wb = _on(backend, WA, w)
        got = crossops.jit(f)(x, wb)
    _same(got, _numpy(getattr(np, op), WA, axis=1, where=w, **kwargs))


# -- weights= of the quantiles (method='inverted_cdf') -------------------------------------------

QA = np.array([[3.0, 1.0, 4.0, 1.0, 5.0], [9.0, 2.0, 6.0, 5.0, 3.0], [5.0, 8.0, 9.0, 7.0, 9.0]])
QW = np.array([[1.0, 0.0, 2.0, 0.5, 1.0], [0.0, 0.0, 1.0, 3.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0]])
QUANTILE_OPS = ["quantile", "nanquantile", "percentile", "nanpercentile"]


def _qs(op, qs):
    return [q * 100 if isinstance(q, float) else [v * 100 for v in q] for q in qs] \
        if "percentile" in op else qs


@pytest.mark.parametrize("op", QUANTILE_OPS)
def test_quantile_weights(backend, op):
    """Weights of a's shape, or of a along axis (one axis or several), zero weights (leading
    ones too), ties, q at 0 and 1, keepdims: NumPy's inverted_cdf."""
    with backend_context(backend):
        x, w = _on(backend, QA, QW)
        f_x, f_np = getattr(xnp, op), getattr(np, op)
        for q in _qs(op, [0.0, 0.2, 0.5, 0.75, 1.0, [0.1, 0.5, 0.99]]):
            for keepdims in (False, True):
                kw = {"method": "inverted_cdf", "keepdims": keepdims}
                _same(f_x(x, q, weights=w, **kw), f_np(QA, q, weights=QW, **kw))
                _same(f_x(x, q, axis=1, weights=w, **kw), f_np(QA, q, axis=1, weights=QW, **kw))
                # (NumPy's nan forms fail on weights along axis, an IndexError of
                # NumPy 2.4: they are compared with the same weights at a's shape)
                along = (lambda w, ax: np.broadcast_to(np.expand_dims(w, 1 - ax), QA.shape)) \
                    if op.startswith("nan") else (lambda w, ax: w)
                (w1,) = _on(backend, QW[1])
                _same(f_x(x, q, axis=1, weights=w1, **kw),
                      f_np(QA, q, axis=1, weights=along(QW[1], 1), **kw))
                (w0,) = _on(backend, QW[:, 2])
                _same(f_x(x, q, axis=0, weights=w0, **kw),
                      f_np(QA, q, axis=0, weights=along(QW[:, 2], 0), **kw))
                (wt,) = _on(backend, QW.T.copy())  # several axes: weights in axis order
                _same(f_x(x, q, axis=(1, 0), weights=wt, **kw),
                      f_np(QA, q, axis=(1, 0), weights=QW.T, **kw))


@pytest.mark.parametrize("op", QUANTILE_OPS)
def test_inverted_cdf_without_weights_and_dtypes(backend, op):
    """inverted_cdf without weights (equal ones), integer input keeping its dtype, NaN
    (a slice with NaN gives NaN; the nan forms leave it out, and its weight with it)."""
    ints = QA.astype(np.int64)
    nans = QA.copy()
    nans[0, 1] = nans[2, :] = NAN
    with backend_context(backend):
        x, i, n, w = _on(backend, QA, ints, nans, QW)
        f_x, f_np = getattr(xnp, op), getattr(np, op)
        for q in _qs(op, [0.3, [0.0, 0.5, 1.0]]):
            kw = {"method": "inverted_cdf"}
            _same(f_x(x, q, axis=1, **kw), f_np(QA, q, axis=1, **kw))
            _same(f_x(i, q, axis=1, **kw), f_np(ints, q, axis=1, **kw))
            _same(f_x(i, q, axis=0, weights=w, **kw), f_np(ints, q, axis=0, weights=QW, **kw))
            _same(f_x(n, q, axis=1, weights=w, **kw),
                  _numpy(f_np, nans, q, axis=1, weights=QW, **kw))


@pytest.mark.parametrize("op", QUANTILE_OPS)
def test_quantile_weights_errors(backend, op):
    """NumPy's errors: weights with another method, negative weights, weights all zero,
    weights of another shape without axis, or not that of a along axis."""
    q = 50.0 if "percentile" in op else 0.5
    f_x, f_np = getattr(xnp, op), getattr(np, op)
    bad = [({"weights": QW}, ValueError, "inverted_cdf"),
           ({"weights": -QW, "method": "inverted_cdf"}, ValueError, "non-negative"),
           ({"weights": 0 * QW, "method": "inverted_cdf"}, ValueError, "all zero"),
           ({"weights": QW[0], "method": "inverted_cdf"}, TypeError, "give axis"),
           ({"weights": QW[0, :3], "method": "inverted_cdf", "axis": 1}, ValueError,
            "along axis")]
    with backend_context(backend):
        (x,) = _on(backend, QA)
        for kwargs, error, match in bad:
            with pytest.raises(error):
                _numpy(f_np, QA, q, **kwargs)
            kwargs = {k: to_backend(backend, v) if k == "weights" else v
                      for k, v in kwargs.items()}
            with pytest.raises(error, match=match):
                f_x(x, q, **kwargs)


@pytest.mark.parametrize("op", QUANTILE_OPS)
# array-api-compat's torch functions look their namespace up through an lru_cache, which
# dynamo traces through and warns about once per process (its warning, not crossops's)
@pytest.mark.filterwarnings("ignore:Dynamo detected a call to a `functools.lru_cache`")
def test_quantile_weights_under_jit(backend, op):
    q = [25.0, 60.0] if "percentile" in op else [0.25, 0.6]

    def f(x, w):
        return getattr(xnp, op)(x, q, axis=1, method="inverted_cdf", weights=w)

    with backend_context(backend):
        x, w = _on(backend, QA, QW)
        got = crossops.jit(f)(x, w)
    _same(got, getattr(np, op)(QA, q, axis=1, method="inverted_cdf", weights=QW))


def test_where_gradients(backend):
    """A masked mean (a masked loss) and a masked variance differentiate: the left-out
    elements get zero gradient, the picked ones NumPy's formula's."""
    if backend == "numpy":
        pytest.skip("the numpy backend has no automatic differentiation")
    m = np.array([[True, False, True], [False, False, True]])
    x0 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    n = m.sum(axis=1, keepdims=True)
    mu = np.sum(x0 * m, axis=1, keepdims=True) / n
    with backend_context(backend):
        x, mb = _on(backend, x0, m)
        g_mean = crossops.grad(lambda x: xnp.mean(x, where=mb))(x)
        g_var = crossops.grad(lambda x: xnp.sum(xnp.var(x, axis=1, where=mb)))(x)
    _same(g_mean, m / m.sum())
    _same(g_var, np.where(m, 2 * (x0 - mu) / n, 0.0))


# -- NumPy's signatures of the standard's functions and Keras's (spec/forms/numpy.toml) ------

A = np.array([[1.0, -2.5, 3.0], [0.5, 2.5, -1.5]])
I = np.array([[3, 1, 2], [1, 3, 3]])  # noqa: E741  (ties)


def _calls():
    """(name, args, kwargs) called on crossops.numpy and NumPy alike: NumPy's positions
    and NumPy's parameters the standard lacks."""
    a, i = A, I
    return [
        ("sum", (a, 0), {}), ("sum", (i, 1, "float32"), {}),
        ("prod", (a, None, None, None, True), {}),
        ("mean", (a, 1), {}), ("mean", (i,), {"dtype": "float32"}), ("mean", (i, 0, "int64"), {}),
        ("var", (a, 0), {"ddof": 1}), ("var", (a, None, None, None, 1, True), {}),
        ("std", (a, 1, "float32"), {}), ("std", (i * 1.0,), {"ddof": 2}),
        ("max", (a, 1, None, True), {}), ("min", (i, 0), {}), ("argmax", (i, 1), {}),
        ("argmin", (i, 0), {}), ("all", (a, 0), {}), ("any", (i > 2, 1, None, True), {}),
        ("count_nonzero", (i - 1, 0), {}),
        ("round", (a, 1), {}), ("round", (np.array([15, 25, -35, 44]), -1), {}),
        ("round", (np.array([2.675, -0.125, 1234.5]), -2), {}),
        ("squeeze", (a[None],), {}), ("squeeze", (a[:1, None], 0), {}),
        ("clip", (a, -1.0, 1.0), {}), ("clip", (a, None, 0.0), {}), ("clip", (a,), {"max": 2.0}),
        ("sort", (i, 0), {}), ("sort", (i, -1, "stable"), {}), ("argsort", (i, 1, "mergesort"), {}),
        ("argsort", (i,), {"kind": "stable"}), ("sort", (a,), {"stable": True}),
        ("concat", ([a, a], 1), {}), ("stack", ([i, i], 1), {}),
        ("stack", ([i, i],), {"dtype": "float32"}), ("concat", ([a, i],), {"dtype": "float32"}),
        ("expand_dims", (a, 1), {}), ("flip", (a, 1), {}), ("tril", (a, -1), {}),
        ("triu", (a, 1), {}), ("take", (a, np.array([0, 2]), 1), {}),
        ("take", (a, np.array([-7, 5, 9]), 1), {"mode": "wrap"}),
        ("take", (a, np.array([-7, 5, 9])), {"mode": "clip"}),
        ("repeat", (a, 2, 0), {}), ("roll", (a, 1, 1), {}), ("diff", (a, 1, 0), {}),
        ("diff", (i, 2), {}), ("moveaxis", (a, 0, 1), {}), ("tile", (a, 2), {}),
        ("permute_dims", (a,), {}), ("permute_dims", (a, (1, 0)), {}),
        ("searchsorted", (np.array([1.0, 2.0, 3.0]), np.array([2.0, 0.0]), "right"), {}),
        ("tensordot", (a, a.T, 1), {}), ("take_along_axis", (i, np.argsort(i, 1), 1), {}),
        ("where", (i > 1,), {}), ("where", (i > 1, a, 0.0), {}),
        ("isin", (i, np.array([1, 3]), False, True), {}),
        ("broadcast_to", (np.array([1.0, 2.0]), (2, 2)), {}),
        ("reshape", (a, (3, 2)), {}), ("reshape", (a, (3, 2), "C"), {}),
        ("zeros_like", (a, "int32"), {}), ("ones_like", (i,), {"shape": (2, 1)}),
        ("full_like", (i, 7), {"shape": (3,), "dtype": "float32"}),
        ("empty_like", (a,), {"shape": (0, 2)}),
        ("linspace", (0.0, 1.0), {}), ("linspace", (0.0, 1.0, 5, False), {}),
        ("linspace", (0.0, 1.0, 5), {"retstep": True}),
        ("linspace", (np.array([0.0, 1.0]), 2.0, 3), {"axis": 1}),
        ("histogram", (a, 3), {"weights": np.abs(a)}), ("histogram", (a, 4, (-3, 3), True), {}),
        ("unique", (i,), {"return_counts": True}), ("unique", (i, True, True), {}),
        ("bincount", (np.array([0, 2, 2]), np.array([1.0, 0.5, 0.5])), {}),
        ("array", (a,), {"ndmin": 3}), ("copy", (a, "C"), {}),
        ("array", ([[1.0, 2.0], [3.0, 4.0]],), {"ndmax": 2}), ("array", (a,), {"ndmax": 1}),
        ("linalg.eigvalsh", (np.array([[2.0, 9.0], [1.0, 3.0]]), "L"), {}),
        ("linalg.eigvalsh", (np.array([[2.0, 1.0], [9.0, 3.0]]), "U"), {}),
        ("linalg.svd", (A,), {"compute_uv": False}), ("linalg.matrix_rank", (A, 3.5), {}),
        ("linalg.pinv", (A, 1e-3), {}), ("linalg.solve", (np.eye(2) * 2, np.ones(2)), {}),
        ("fft.fft", (A, 4, 0), {}), ("fft.rfft", (A,), {"norm": None}),
    ]


def _resolve(mod, name):
    for part in name.split("."):
        mod = getattr(mod, part)
    return mod


@pytest.mark.parametrize("case", range(len(_calls())))
def test_numpy_signatures_of_standard_functions(backend, case):
    """A call written for NumPy (its positions, ddof=, decimals=, kind=, mode=, shape=,
    retstep=, weights= ...) gives NumPy's result on every backend."""
    name, args, kwargs = _calls()[case]
    want = _numpy(_resolve(np, name), *args, **{k: (np.dtype(v) if k == "dtype" else v)
                                                for k, v in kwargs.items()})
    with backend_context(backend):
        on = [[to_backend(backend, np.asarray(v)) for v in a] if isinstance(a, list) else
              to_backend(backend, a) if isinstance(a, np.ndarray) else a for a in args]
        kw = {k: to_backend(backend, v) if isinstance(v, np.ndarray) else v
              for k, v in kwargs.items()}
        got = _resolve(xnp, name)(*on, **kw)
    if name == "linspace" and kwargs.get("retstep"):
        _close(got[0], want[0])
        assert got[1] == want[1]
        return
    if isinstance(want, tuple) or type(want).__name__.endswith("Result"):
        want = tuple(want)
        for g, w in zip(got, want):
            _close(g, w)
        return
    _close(got, want)


def _close(got, want):
    """NumPy's values and shape; NumPy's dtype where the backend has it (jax without x64
    and torch's default float follow the backend, as crossops's defaults do)."""
    got, want = to_numpy(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype.kind == want.dtype.kind, (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, equal_nan=True)


@pytest.mark.parametrize("call, error", [
    (lambda x: xnp.var(x, ddof=1, correction=1), ValueError),
    (lambda x: xnp.sort(x, kind="bogo"), ValueError),
    (lambda x: xnp.sort(x, order="f0"), ValueError),
    (lambda x: xnp.sort(x, kind="stable", stable=True), ValueError),
    (lambda x: xnp.take(x, np.array([0]), mode="nearest"), ValueError),
    (lambda x: xnp.where(x > 0, x), ValueError),
    (lambda x: xnp.clip(x, 0, None, min=1), ValueError),
    (lambda x: xnp.zeros_like(x, order="X"), ValueError),
    (lambda x: xnp.stack([x, x], dtype="int8", casting="safe"), TypeError),
    (lambda x: xnp.linalg.eigh(x[:, :2], UPLO="X"), ValueError),
    (lambda x: xnp.sum(x, 0, None, x), TypeError),
])
def test_numpy_parameter_errors(backend, call, error):
    """NumPy's errors for NumPy's parameters (the same type on every backend)."""
    with backend_context(backend):
        (x,) = _on(backend, A)
        with pytest.raises(error):
            call(x)
        with pytest.raises(error):  # and NumPy's own
            call(np.asarray(A)) if backend != "numpy" else call(A)


def test_numpy_forms_compile(backend):
    """NumPy's parameters under crossops.jit (jax.jit, torch.compile, tf.function)."""
    def f(x):
        return (xnp.var(x, 0, ddof=1) + xnp.round(x, 1)[0] + xnp.squeeze(x[None])[1]
                + xnp.take(x, xnp.asarray([4, -4], like=x), 1, mode="wrap")[0, :1])

    with backend_context(backend):
        (x,) = _on(backend, A)
        want = to_numpy(f(x))
        got = to_numpy(crossops.jit(f)(x))
    np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(want, np.var(A, 0, ddof=1) + np.round(A, 1)[0] + A[1]
                               + np.take(A, [4, -4], 1, mode="wrap")[0, :1], rtol=1e-6)


def test_examples_of_the_numpy_form_helpers_run():
    """The examples of ``crossops.numpy._forms`` (the helpers that take NumPy's parameters)
    run as doctests."""
    import doctest

    from crossops.numpy import _forms

    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = doctest.DocTestFinder(exclude_empty=True).find(_forms, "_forms")
    for t in tests:
        runner.run(t)
    assert runner.tries > 20 and runner.failures == 0, (runner.tries, runner.failures)


@pytest.mark.parametrize("op", ["mean", "var", "std"])
def test_statistics_of_integers_and_bools(backend, op):
    """NumPy's mean, var and std of integer and bool arrays compute in float64 (jax with
    x64 off: its float32); keras.ops's mean gives floatx() (float32), as Keras."""
    for v in (np.array([[1, 2, 4], [7, 7, 9]], np.int32), np.array([True, False, True]),
              np.array([], np.int64)):
        with backend_context(backend):
            (x,) = _on(backend, v)
            got = getattr(xnp, op)(x, axis=-1)
        _close(got, _numpy(getattr(np, op), v, axis=-1))
        assert to_numpy(got).dtype == np.float64
    with backend_context(backend):
        (x,) = _on(backend, np.array([1, 2], np.int32))
        assert to_numpy(ops.mean(x)).dtype == np.float32


@pytest.mark.parametrize("ndmax", [1, -1, 65])
def test_array_ndmax_refuses_what_numpy_refuses(backend, ndmax):
    """Nested sequences deeper than ndmax (NumPy: objects, which need dtype=object) and an
    ndmax out of [0, 64] raise ValueError, as in NumPy."""
    with pytest.raises(ValueError):
        np.array([[1.0, 2.0], [3.0, 4.0]], ndmax=ndmax)
    with backend_context(backend), pytest.raises(ValueError, match="array: .*ndmax"):
        xnp.array([[1.0, 2.0], [3.0, 4.0]], ndmax=ndmax)
