"""Bool inputs, and the other edges where backends' own functions part from NumPy 2, given
to crossops.numpy (issue 12: the same values and dtypes as NumPy on every backend).

NumPy has no bool loop for ``square``, ``floor_divide``, ``remainder``, ``fmod``,
``power``, ``conj`` or the shifts: it computes bool inputs in int8 (int64 beside a Python
int), where JAX gives its default int, TensorFlow and PyTorch refuse bool, and
crossops's ``fmod`` gave float16. It has no loop at all for ``positive`` and
``sign`` of bool (TypeError), which JAX and TensorFlow answered. Also here: ``divmod``,
``bitwise_count``, ``trapezoid`` and ``gradient`` of bool; torch's missing bool kernels
(``matmul``, ``argmax``, ``isin`` ...) and TensorFlow's (``polyval``), ``bincount`` of
bool, ``partition``'s kth, NumPy's broadcast of ``roll``'s shift over its
axes, ``tril`` of a 1-d array, TensorFlow's negative shift counts, and ``pinv``'s default
cutoff (NumPy's rcond=1e-15 where neither rcond nor rtol is given).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp

from .backends import backend_context, name_of, to_backend, to_numpy

B = np.array([True, False, True, True, False, False])
B2 = np.array([True, True, False, True, False, True])
EMPTY = np.zeros((0,), bool)


def _numpy_ufuncs_without_bool_loop() -> list[str]:
    """NumPy's element-wise ufuncs (crossops.numpy has them all) whose result for bool
    inputs is no bool and no float (an int8 loop), or that have no loop for bool."""
    names = []
    for name in sorted(dir(np)):
        f = getattr(np, name)
        if not isinstance(f, np.ufunc) or f.signature is not None or not hasattr(xnp, name) \
                or name in ("isnat", "matmul"):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = f(*(B,) * f.nin)
        except TypeError:
            names.append(name)
            continue
        outs = out if isinstance(out, tuple) else (out,)
        if all(o.dtype.kind in "iu" for o in outs):
            names.append(name)
    return names


NAMES = _numpy_ufuncs_without_bool_loop()


def test_the_names_cover_the_issue():
    for name in ("square", "floor_divide", "remainder", "mod", "fmod", "power", "pow",
                 "left_shift", "right_shift", "bitwise_left_shift", "bitwise_right_shift",
                 "conj", "conjugate", "positive", "sign", "divmod", "bitwise_count",
                 "reciprocal", "negative", "subtract"):
        assert name in NAMES, name


def _compare(backend, name, args):
    """crossops.numpy's ``name`` of ``args`` (NumPy arrays moved to ``backend``, Python
    numbers as they are) against NumPy's: the dtypes and values, or NumPy's TypeError."""
    f = getattr(np, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = f(*args)
    except TypeError:
        with backend_context(backend), pytest.raises(TypeError):
            getattr(xnp, name)(*(to_backend(backend, a) for a in args))
        return
    with backend_context(backend), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = to_numpy(getattr(xnp, name)(*(to_backend(backend, a) for a in args)))
    wants = want if isinstance(want, tuple) else (want,)
    gots = got if isinstance(got, tuple) else (got,)
    assert len(gots) == len(wants), name
    for g, w in zip(gots, wants, strict=True):
        g, w = np.asarray(g), np.asarray(w)
        assert name_of(g.dtype) == name_of(w.dtype), (name, args, g.dtype, w.dtype)
        np.testing.assert_array_equal(g, w, err_msg=f"{name}{args}")


@pytest.mark.parametrize("name", NAMES)
def test_bool_arrays(backend, name):
    nin = getattr(np, name).nin
    _compare(backend, name, (B,) * nin)
    _compare(backend, name, (EMPTY,) * nin)
    _compare(backend, name, (B[0:1].reshape(()),) * nin)  # 0-d


@pytest.mark.parametrize("name", [n for n in NAMES if getattr(np, n).nin == 2])
def test_bool_arrays_beside_python_numbers(backend, name):
    for scalar in (True, 3):
        _compare(backend, name, (B2, scalar))
        _compare(backend, name, (scalar, B2))


@pytest.mark.parametrize("name", ["square", "left_shift", "floor_divide", "remainder",
                                  "power", "conj", "fmod"])
def test_int8_keeps_int8_and_wraps(backend, name):
    """Their int8 results stay int8 on every backend, overflow wrapping as NumPy's."""
    x = np.array([100, -128, 127, 0, 3, -7], np.int8)
    y = np.array([2, 1, 3, 5, 1, 2], np.int8)
    _compare(backend, name, (x,) if getattr(np, name).nin == 1 else (x, y))
    _compare(backend, name, (x,) if getattr(np, name).nin == 1 else (x, 1))


@pytest.mark.parametrize("name", ["square", "left_shift", "floor_divide", "sign", "positive"])
def test_bool_arrays_compiled(backend, name):
    if backend == "numpy":
        pytest.skip("crossops.jit compiles nothing on numpy (the eager test covers it)")
    f = getattr(xnp, name)
    args = (B,) * getattr(np, name).nin
    with backend_context(backend):
        arrays = [to_backend(backend, a) for a in args]
        step = crossops.jit(lambda *a: f(*a))
        try:
            with np.errstate(divide="ignore"):  # (floor_divide of False by False)
                want = getattr(np, name)(*args)
        except TypeError:
            with pytest.raises(TypeError):
                step(*arrays)
            return
        got = to_numpy(step(*arrays))
    assert name_of(got.dtype) == name_of(want.dtype)
    np.testing.assert_array_equal(got, want)


def test_bitwise_count_and_divmod_of_bool_take_numpys_loops(backend):
    _compare(backend, "bitwise_count", (B,))
    _compare(backend, "divmod", (B, B2))
    _compare(backend, "divmod", (B, True))
    with backend_context(backend), pytest.raises(TypeError):
        xnp.bitwise_count(to_backend(backend, B), dtype="int8")  # NumPy: no such loop


# -- trapezoid and gradient -------------------------------------------------------------------

TRAPEZOID = [
    (B, None),  # neighbours added as bools (or), as NumPy
    (np.array([100, 100, 100], np.int8), None),  # int8 neighbours wrap, as NumPy
    (np.array([1, 2, 3], np.int8), np.array([True, False, True])),  # x's steps as bools (xor)
    (np.array([1.0, 2.0, 3.0], np.float16), np.array([0, 1, 3], np.int8)),
    (np.array([[1, 2], [3, 4]], np.int16), np.array([[0, 1], [2, 5]], np.int16)),
    (np.array([True, True]), np.array([0.5, 2.0], np.float32)),
]


@pytest.mark.parametrize("case", range(len(TRAPEZOID)))
def test_trapezoid_as_numpy(backend, case):
    y, x = TRAPEZOID[case]
    want = np.asarray(np.trapezoid(y, x))
    with backend_context(backend):
        got = to_numpy(xnp.trapezoid(to_backend(backend, y),
                                     None if x is None else to_backend(backend, x)))
    assert name_of(got.dtype) == name_of(want.dtype)
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=1e-3)


def test_gradient_of_bool_raises_as_numpy(backend):
    with pytest.raises(TypeError):
        np.gradient(B)
    with backend_context(backend), pytest.raises(TypeError, match="gradient"):
        xnp.gradient(to_backend(backend, B))


# -- torch's missing bool kernels (the same calls on every backend) ----------------------------

M1 = np.array([[True, False, True], [False, False, False]])
M2 = np.array([[True, False], [False, True], [True, True]])
BOOL_CALLS = {
    "matmul": lambda m, a, b: m.matmul(a, b),
    "linalg.matmul": lambda m, a, b: m.linalg.matmul(a, b),
    "dot": lambda m, a, b: m.dot(a, b),
    "vecdot": lambda m, a, b: m.vecdot(a, m.permute_dims(b, (1, 0))),
    "tensordot": lambda m, a, b: m.tensordot(a, b, axes=1),
    "inner": lambda m, a, b: m.inner(a, m.permute_dims(b, (1, 0))),
    "vdot": lambda m, a, b: m.vdot(a[0], b[:, 1]),
    "convolve": lambda m, a, b: m.convolve(a[0], b[:, 1]),
    "argmax": lambda m, a, b: m.argmax(a, axis=1),
    "argmin": lambda m, a, b: m.argmin(b, axis=0),
    "nanargmax": lambda m, a, b: m.nanargmax(b),
    "isin": lambda m, a, b: m.isin(a, b[:, 1]),
    "setdiff1d": lambda m, a, b: m.setdiff1d(a, b[:, 1]),
    "take": lambda m, a, b: m.take(a[0], b[:, 0]),
    "repeat": lambda m, a, b: m.repeat(a[0], b[:, 1]),
    "imag": lambda m, a, b: m.imag(a),
    "bincount": lambda m, a, b: m.bincount(b[:, 1], minlength=3),
    "polyadd": lambda m, a, b: m.polyadd(a[0], b[:, 1]),
    "polyval": lambda m, a, b: m.polyval(a[0], b[:, 1]),
}


@pytest.mark.parametrize("name", sorted(BOOL_CALLS))
def test_bool_operands_as_numpy(backend, name):
    call = BOOL_CALLS[name]
    want = np.asarray(call(np, M1, M2))
    with backend_context(backend):
        got = to_numpy(call(xnp, to_backend(backend, M1), to_backend(backend, M2)))
    assert name_of(got.dtype) == name_of(want.dtype), (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dt", ["int8", "uint8", "int16", "bool"])
def test_take_and_repeat_take_any_integer_dtype(backend, dt):
    x = np.arange(10.0, 16.0)
    idx = np.array([1, 0, 1, 1], dt) if dt == "bool" else np.array([5, 0, -1, 2], dt) \
        if dt != "uint8" else np.array([5, 0, 1, 2], dt)
    counts = np.array([2, 0, 1, 3, 1, 0], dt) if dt != "bool" else \
        np.array([True, False, True, True, False, True])
    with backend_context(backend):
        got = to_numpy(xnp.take(to_backend(backend, x), to_backend(backend, idx)))
        reps = to_numpy(xnp.repeat(to_backend(backend, x), to_backend(backend, counts)))
    np.testing.assert_array_equal(got, np.take(x, idx))
    np.testing.assert_array_equal(reps, np.repeat(x, counts))


@pytest.mark.parametrize("dt", ["bool", "float16", "float32"])
def test_take_along_axis_of_indices_that_are_no_integers_raises_numpys_error(backend, dt):
    x, idx = np.arange(4.0), np.array([1, 0], dt)
    with pytest.raises(IndexError):
        np.take_along_axis(x, idx, axis=0)
    with backend_context(backend), pytest.raises(IndexError, match="take_along_axis"):
        xnp.take_along_axis(to_backend(backend, x), to_backend(backend, idx), axis=0)


def test_partition_kth_as_numpy(backend):
    """kth as a NumPy array of ints is taken; bools are refused (NumPy's ValueError)."""
    x = np.array([5, 1, 4, 2, 3])
    with backend_context(backend):
        a = to_backend(backend, x)
        for f in ("partition", "argpartition"):
            got = to_numpy(getattr(xnp, f)(a, np.array([1, 3])))
            want = getattr(np, f)(x, np.array([1, 3]))
            # (the order within each side is NumPy's implementation detail: compare the
            # elements at kth and the sides' sets)
            vals = got if f == "partition" else x[got]
            wvals = want if f == "partition" else x[want]
            assert vals[1] == wvals[1] and vals[3] == wvals[3]
            assert set(vals[:1]) == set(wvals[:1]) and set(vals[4:]) == set(wvals[4:])
            with pytest.raises(ValueError):
                getattr(np, f)(x, True)
            with pytest.raises(ValueError, match="kth"):
                getattr(xnp, f)(a, True)


def test_imag_of_real_arrays_is_zeros(backend):
    for dt in ("int8", "float32", "bool"):
        x = np.ones(3, dt)
        with backend_context(backend):
            got = to_numpy(xnp.imag(to_backend(backend, x)))
        assert name_of(got.dtype) == dt
        np.testing.assert_array_equal(got, np.imag(x))


# -- roll, tril, shifts, pinv -------------------------------------------------------------------

ROLLS = [(1, (0, 1)), ((1, 2), 0), ((1, 2), (0, 0)), ((1,), (0, 1)), ((2, -1), (1, 0)),
         ((1, 2), None), (-4, None), (7, -1), (0, (0, 1))]


@pytest.mark.parametrize("case", range(len(ROLLS)))
def test_roll_broadcasts_shift_over_axes(backend, case):
    shift, axis = ROLLS[case]
    x = np.arange(6.0).reshape(2, 3)
    with backend_context(backend):
        got = to_numpy(xnp.roll(to_backend(backend, x), shift, axis=axis))
    np.testing.assert_array_equal(got, np.roll(x, shift, axis=axis))


@pytest.mark.parametrize("axis", [None, 0, -1])
@pytest.mark.parametrize("shift", [True, False])
def test_roll_by_a_bool_shift_as_numpy(backend, shift, axis):
    """NumPy reads a bool shift as 0 or 1 (torch.roll and tf.roll refused it)."""
    x = np.arange(6.0).reshape(2, 3)
    with backend_context(backend):
        out = to_numpy(xnp.roll(to_backend(backend, x), shift, axis=axis))
    np.testing.assert_array_equal(out, np.roll(x, shift, axis=axis))


def test_roll_of_mismatched_shift_and_axis_raises(backend):
    x = np.arange(6.0).reshape(2, 3)
    with pytest.raises(ValueError):
        np.roll(x, (1, 2), axis=(0, 1, 1))
    with backend_context(backend), pytest.raises(ValueError, match="roll"):
        xnp.roll(to_backend(backend, x), (1, 2), axis=(0, 1, 1))


def test_roll_compiled(backend):
    if backend == "numpy":
        pytest.skip("crossops.jit compiles nothing on numpy (the eager test covers it)")
    x = np.arange(6.0).reshape(2, 3)
    with backend_context(backend):
        got = to_numpy(crossops.jit(lambda a: xnp.roll(a, 1, axis=(0, 1)))(
            to_backend(backend, x)))
    np.testing.assert_array_equal(got, np.roll(x, 1, axis=(0, 1)))


@pytest.mark.parametrize("name", ["tril", "triu"])
@pytest.mark.parametrize("k", [0, -1, 2])
def test_triangles_of_1d_arrays_as_numpy(backend, name, k):
    """NumPy masks a 1-d array of n elements with an (n, n) triangle: an (n, n) result."""
    for x in (np.array([1, 2, 3], np.int8), np.array([True, False]), np.zeros(0)):
        want = getattr(np, name)(x, k)
        with backend_context(backend):
            got = to_numpy(getattr(xnp, name)(to_backend(backend, x), k))
        assert got.shape == want.shape and name_of(got.dtype) == name_of(want.dtype)
        np.testing.assert_array_equal(got, want)
        if backend != "numpy":
            with backend_context(backend):
                f = getattr(xnp, name)
                got = to_numpy(crossops.jit(lambda a, f=f: f(a, k))(to_backend(backend, x)))
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dt", ["int8", "int32", "int64"])
def test_negative_and_wide_shift_counts_as_numpy(backend, dt):
    x = np.array([5, -4, 1, 7, -1, 0], dt)
    s = np.array([-1, -4, -70, 2, 100, -1], dt)
    for name in ("left_shift", "right_shift"):
        _compare(backend, name, (x, s))


def test_pinv_default_cutoff_is_numpys(backend):
    """Neither rcond nor rtol: NumPy's 1e-15; ``rtol=None``: max(M, N) * eps (the array
    API standard's default), which keeps a singular value of 5e-16 relative to 1."""
    a = np.diag([1.0, 5e-16])
    for kwargs in ({}, {"rtol": None}, {"rcond": 1e-20}, {"rtol": 1e-20}, {"rcond": 0.1}):
        want = np.linalg.pinv(a, **kwargs)
        with backend_context(backend):
            got = to_numpy(xnp.linalg.pinv(to_backend(backend, a), **kwargs))
        np.testing.assert_allclose(got, want, rtol=1e-6, err_msg=str(kwargs))
    a32 = np.diag([1.0, 1e-9]).astype(np.float32)  # below float32's eps: kept by 1e-15
    for kwargs in ({}, {"rtol": None}):
        want = np.linalg.pinv(a32, **kwargs)
        with backend_context(backend):
            got = to_numpy(xnp.linalg.pinv(to_backend(backend, a32), **kwargs))
        np.testing.assert_allclose(got, want, rtol=1e-5, err_msg=str(kwargs))
    with pytest.raises(ValueError):
        np.linalg.pinv(a, rcond=0.1, rtol=None)
    with backend_context(backend), pytest.raises(ValueError, match="pinv"):
        xnp.linalg.pinv(to_backend(backend, a), rcond=0.1, rtol=None)


# -- clip, quantile, percentile and median of bool ----------------------------------------------

#: the default float of each backend, which a Python float beside bool gives (crossops's
#: promotion: a weak Python scalar of a higher kind takes the backend's default dtype of its
#: kind; NumPy's and jax's (x64) is float64, torch's and TensorFlow's float32)
DEFAULT_FLOAT = {"numpy": "float64", "jax": "float64", "torch": "float32",
                 "tensorflow": "float32"}
BC = np.array([True, False, True])
CLIPS = {
    "no bound": lambda m, t: m.clip(t(BC)),
    "None and None": lambda m, t: m.clip(t(BC), None, None),
    "int lower bound": lambda m, t: m.clip(t(BC), 0, None),
    "int upper bound": lambda m, t: m.clip(t(BC), None, 0),
    "int bounds": lambda m, t: m.clip(t(BC), 0, 1),
    "bool lower bound": lambda m, t: m.clip(t(BC), False, None),
    "bool upper bound": lambda m, t: m.clip(t(BC), None, False),
    "max= True": lambda m, t: m.clip(t(BC), max=True),
    "min= True": lambda m, t: m.clip(t(BC), min=True),
    "float lower bound": lambda m, t: m.clip(t(BC), 0.5, None),
    "bool array bound": lambda m, t: m.clip(t(BC), t(np.array(False)), t(B2[:3])),
    "int8 array bound": lambda m, t: m.clip(t(BC), t(np.array(0, np.int8)), None),
    "int8 array and int bounds": lambda m, t: m.clip(t(BC), t(np.array([0, 1, 1], np.int8)), 5),
    "float32 array bound": lambda m, t: m.clip(t(BC), None, t(np.array(0.5, np.float32))),
    "empty": lambda m, t: m.clip(t(EMPTY), 0, None),
}


@pytest.mark.parametrize("case", sorted(CLIPS))
def test_clip_of_bool_as_numpy(backend, case):
    call = CLIPS[case]
    try:
        want = np.asarray(call(np, lambda a: a))
    except TypeError:
        with backend_context(backend), pytest.raises(TypeError, match="clip"):
            call(xnp, lambda a: to_backend(backend, a))
        return
    with backend_context(backend):
        got = to_numpy(call(xnp, lambda a: to_backend(backend, a)))
    want_dtype = DEFAULT_FLOAT[backend] if case == "float lower bound" else name_of(want.dtype)
    assert name_of(got.dtype) == want_dtype, (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


def test_clip_of_bool_compiled(backend):
    if backend == "numpy":
        pytest.skip("crossops.jit compiles nothing on numpy (the eager test covers it)")
    with backend_context(backend):
        a = to_backend(backend, BC)
        lower = to_numpy(crossops.jit(lambda x: xnp.clip(x, 0, None))(a))
        upper = to_numpy(crossops.jit(lambda x: xnp.clip(x, None, False))(a))
    assert name_of(lower.dtype) == "int64" and name_of(upper.dtype) == "bool"
    np.testing.assert_array_equal(lower, np.clip(BC, 0, None))
    np.testing.assert_array_equal(upper, np.clip(BC, None, False))


BB = np.array([True, False, True, True])
QUANTILES = {
    f"{name}, {method}": (lambda m, t, name=name, method=method: getattr(m, name)(
        t(BB), 0.5 if "quantile" in name else 50, method=method))
    for name in ("quantile", "percentile", "nanquantile", "nanpercentile")
    for method in ("linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf")
}
QUANTILES.update({
    "quantile, array q, higher": lambda m, t: m.quantile(t(BB), t(np.array([0.0, 0.5, 1.0])),
                                                         method="higher"),
    "quantile, list q, lower, axis": lambda m, t: m.quantile(
        t(BB.reshape(2, 2)), [0.25, 1.0], axis=0, method="lower"),
    "percentile, nearest, keepdims": lambda m, t: m.percentile(
        t(BB.reshape(2, 2)), 50, axis=1, method="nearest", keepdims=True),
    "median": lambda m, t: m.median(t(BB)),
    "median, odd": lambda m, t: m.median(t(BB[:3])),
    "median, axis": lambda m, t: m.median(t(BB.reshape(2, 2)), axis=0),
    "nanmedian": lambda m, t: m.nanmedian(t(BB)),
    "nanmedian, all False": lambda m, t: m.nanmedian(t(np.zeros(3, bool))),
    # no elements: NaN from median and the nan-forms, IndexError from the others
    "median, empty": lambda m, t: m.median(t(EMPTY)),
    "median, empty axis": lambda m, t: m.median(t(np.zeros((0, 3), bool)), axis=0),
    "median, empty axis, keepdims": lambda m, t: m.median(t(np.zeros((0, 3), bool)), axis=0,
                                                          keepdims=True),
    "median, empty rows": lambda m, t: m.median(t(np.zeros((0, 3), bool)), axis=1),
    "nanmedian, empty": lambda m, t: m.nanmedian(t(EMPTY)),
    "nanquantile, empty, lower": lambda m, t: m.nanquantile(t(EMPTY), 0.5, method="lower"),
    "quantile, empty, lower": lambda m, t: m.quantile(t(EMPTY), 0.5, method="lower"),
    "percentile, empty, nearest": lambda m, t: m.percentile(t(EMPTY), 50, method="nearest"),
})


@pytest.mark.parametrize("case", sorted(QUANTILES))
def test_quantiles_of_bool_as_numpy(backend, case):
    """NumPy keeps bool for the methods that pick elements and raises TypeError for those
    that interpolate (they subtract bools); median computes in float64."""
    call = QUANTILES[case]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (NumPy's warning of an empty slice)
            want = np.asarray(call(np, lambda a: a))
    except (TypeError, IndexError) as e:
        with backend_context(backend), pytest.raises(type(e), match=case.split(",")[0]):
            call(xnp, lambda a: to_backend(backend, a))
        return
    with backend_context(backend):
        got = to_numpy(call(xnp, lambda a: to_backend(backend, a)))
    assert got.shape == want.shape
    assert name_of(got.dtype) == name_of(want.dtype), (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dt", ["float32", "float64", "int8"])
def test_median_of_no_elements_is_nan_as_numpy(backend, dt):
    for axis, shape in ((None, (0,)), (0, (0, 3)), (1, (0, 3)), ((0, 1), (2, 0))):
        x = np.zeros(shape, dt)
        for name in ("median", "nanmedian"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                want = np.asarray(getattr(np, name)(x, axis=axis))
            with backend_context(backend):
                got = to_numpy(getattr(xnp, name)(to_backend(backend, x), axis=axis))
            assert got.shape == want.shape and name_of(got.dtype) == name_of(want.dtype), \
                (name, axis, got.shape, got.dtype, want.shape, want.dtype)
            np.testing.assert_array_equal(got, want)


def test_quantile_of_bool_compiled(backend):
    if backend == "numpy":
        pytest.skip("crossops.jit compiles nothing on numpy (the eager test covers it)")
    with backend_context(backend):
        got = to_numpy(crossops.jit(lambda x: xnp.quantile(x, 0.5, method="lower"))(
            to_backend(backend, BB)))
    want = np.quantile(BB, 0.5, method="lower")
    assert name_of(got.dtype) == "bool"
    np.testing.assert_array_equal(got, want)
