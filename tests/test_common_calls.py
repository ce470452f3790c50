"""The backends' own functions for common calls that the C fronts call straight away
(``dot`` of arrays of one dtype: ``np.dot``, ``jnp.dot``, ``torch.matmul``; torch's
``divide``, ``negative``, ``floor``, ``ceil`` and ``trunc``), against NumPy at the edges
on every backend: the first call (which fills the caches) and the next (the front's) give
NumPy's values, dtypes and errors.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crossops.math as xmath
import crossops.nn as nn
import crossops.numpy as xnp
from crossops._accel import FRONTS

from .backends import backend_context, to_backend, to_numpy

V = np.array([1.5, -2.0, 0.0], np.float32)
M = np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5
B = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7
W = np.array([0.5, -1.0, 2.0, 0.25], np.float32)

#: (a, b) for dot: vectors, matrices, more dimensions (where matmul broadcasts and dot
#: contracts), 0-d, empty, float64 and integers
DOT_CASES = [(V, V), (M, V), (V, M.T), (M, M.T), (V, B), (M, B), (B, W),
             (B, B.transpose(0, 2, 1)), (V, np.float32(2)), (np.float32(2), V),
             (np.zeros(0, np.float32), np.zeros(0, np.float32)),
             (np.zeros((2, 0), np.float32), np.zeros((0, 3), np.float32)),
             (V.astype(np.float64), V.astype(np.float64)), (V.astype(np.float64), V),
             (np.array([3, -1, 2], np.int32), np.array([2, 5, -7], np.int32))]


@pytest.mark.parametrize("a,b", DOT_CASES, ids=[f"{np.shape(a)}.{np.shape(b)}-{np.asarray(a).dtype}"
                                                for a, b in DOT_CASES])
def test_dot_is_numpys(backend, a, b):
    expected = np.dot(a, b)
    with backend_context(backend):
        for _ in range(2):
            out = xnp.dot(to_backend(backend, a), to_backend(backend, b))
            np.testing.assert_allclose(to_numpy(out), expected, rtol=1e-6)
            assert tuple(np.shape(out)) == np.shape(expected)
            if backend == "numpy" and np.asarray(a).dtype == np.asarray(b).dtype:
                assert type(out) is type(expected)  # (a NumPy scalar for two vectors)


def test_dot_of_shapes_that_do_not_line_up_raises_the_ops_error(backend):
    with backend_context(backend):
        for a, b in ((M, M), (V, W), (B, V)):
            for _ in range(2):
                with pytest.raises(ValueError, match="dot: shapes"):
                    xnp.dot(to_backend(backend, a), to_backend(backend, b))


#: (normal numbers only: XLA and TensorFlow flush subnormals to zero on the CPU)
EDGES = np.array([[np.nan, -0.0, 0.0, 2.5], [-2.5, np.inf, -np.inf, 1e-30]], np.float32)


@pytest.mark.parametrize("name", ["negative", "floor", "ceil", "trunc"])
def test_unary_calls_are_numpys(backend, name):
    ints = np.array([[3, -1, 0, 127]], np.int8)
    with backend_context(backend):
        for x in (EDGES, EDGES.astype(np.float64), EDGES.astype(np.float16), ints,
                  ints.astype(np.uint8)):
            expected = getattr(np, name)(x)
            for _ in range(2):
                out = getattr(xnp, name)(to_backend(backend, x))
                got = to_numpy(out)
                np.testing.assert_array_equal(got, expected)
                assert np.array_equal(np.signbit(got), np.signbit(expected))
                assert got.dtype == expected.dtype or backend == "jax"


def test_divide_is_numpys(backend):
    a = EDGES
    b = np.array([[2.0, 0.0, -0.0, np.inf], [np.nan, 3.0, -2.0, 1e-30]], np.float32)
    with backend_context(backend):
        for x, y in ((a, b), (a.astype(np.float64), b.astype(np.float64)),
                     (np.array([1, 7, -3], np.int32), np.array([2, 2, 2], np.int32))):
            with np.errstate(all="ignore"):
                expected = np.divide(x, y)
            for _ in range(2):
                with np.errstate(all="ignore"):  # (NumPy's own warnings for 0 / 0)
                    out = xnp.divide(to_backend(backend, x), to_backend(backend, y))
                got = to_numpy(out)
                np.testing.assert_array_equal(got, expected)
                assert got.dtype == expected.dtype or backend == "jax"


def test_isclose_allclose_and_norm_are_numpys(backend):
    # jax runs their generic forms as one compiled program each (COMPILED); every backend:
    # NumPy's results at NaN, infinities and -0.0, integers in NumPy's float64 as the
    # backend has it (jax without x64: float32, and no warning about float64)
    import warnings

    a = np.array([1.0, np.nan, np.inf, -np.inf, 0.0, 1.0], np.float32)
    b = np.array([1.0 + 1e-6, np.nan, np.inf, np.inf, -0.0, 1.1], np.float32)
    ints = np.array([1, 2, 3], np.int32), np.array([1, 3, 3], np.int32)
    with backend_context(backend), warnings.catch_warnings():
        warnings.simplefilter("error")
        x, y = to_backend(backend, a), to_backend(backend, b)
        for _ in range(2):
            for kwargs in ({}, {"equal_nan": True}, {"rtol": 0.2}, {"atol": 0.5}):
                np.testing.assert_array_equal(to_numpy(xnp.isclose(x, y, **kwargs)),
                                              np.isclose(a, b, **kwargs))
                assert bool(xnp.allclose(x, y, **kwargs)) == np.allclose(a, b, **kwargs)
                for u, v in ((x, x), (x[2:], y[2:]), (x[:1], y[:1])):  # (close: True)
                    same = xnp.allclose(u, v, **kwargs)
                    assert type(same) is (np.bool_ if backend == "numpy" else type(x))
                    assert same.shape == ()  # (NumPy's own all gives a NumPy bool)
                    assert bool(same) == np.allclose(*map(to_numpy, (u, v)), **kwargs)
            np.testing.assert_array_equal(
                to_numpy(xnp.isclose(*(to_backend(backend, i) for i in ints))),
                np.isclose(*ints))
            m = M.astype(np.float32)
            for kwargs in ({}, {"axis": -1}, {"axis": 0, "keepdims": True}, {"ord": "fro"},
                           {"ord": 1, "axis": -1}, {"ord": np.inf}):
                np.testing.assert_allclose(to_numpy(xnp.linalg.norm(to_backend(backend, m),
                                                                    **kwargs)),
                                           np.linalg.norm(m, **kwargs), rtol=1e-6)


@pytest.mark.parametrize("name", ["pow", "power", "remainder", "floor_divide"])
def test_ufuncs_of_an_array_and_a_python_number_take_the_ops_path(backend, name):
    # the C front takes an array of a dtype the op's bool loop leaves alone and a Python
    # int or float to the slow path's function for their types (crossops's weak scalars:
    # torch.pow of a kept 0-d tensor, np.power of the number as it is): the generated
    # function's results bit for bit at the edges (bool arrays still take NumPy's loop,
    # and Python bools the generated function), and NumPy's at ordinary values
    f = getattr(xnp, name)
    arrays = [EDGES, EDGES.astype(np.float64), EDGES.astype(np.float16),
              np.array([[3, -2, 0, 7]], np.int32),
              np.array([[True, False, True, True]])]
    ordinary = np.array([[0.5, 3.0, 2.25, 7.0]], np.float32)
    with backend_context(backend), np.errstate(all="ignore"):
        for x in arrays:
            for s in (2, 3.0, 0.5, -1.5, True):
                outcomes = []
                for g in (FRONTS.get(f, f), f, f):  # the generated function, then the front
                    try:
                        out = to_numpy(g(to_backend(backend, x), s))
                        outcomes.append((out.dtype, out.tobytes()))
                    except Exception as e:  # noqa: BLE001  (compared below)
                        outcomes.append((type(e), None))
                assert outcomes[0] == outcomes[1] == outcomes[2], (x.dtype, s)
        for x in (ordinary, ordinary.astype(np.float64)):
            for s in (2, 3.0, 0.5, -1.5):
                expected = getattr(np, name)(x, s)
                got = to_numpy(f(to_backend(backend, x), s))
                np.testing.assert_allclose(got, expected, rtol=1e-6)
                assert got.dtype == expected.dtype or backend == "jax"


PAD_CASES = [(1, {}), ((1, 2), {}), (((1, 0), (2, 3)), {}), (0, {}), ([[1, 2], [0, 1]], {}),
             (1, {"constant_values": 2.5}), (1, {"constant_values": 7}),
             (1, {"constant_values": -0.0}), (2, {"mode": "edge"})]


@pytest.mark.parametrize("pad_width,kwargs", PAD_CASES, ids=[repr(c) for c in PAD_CASES])
def test_pad_is_numpys(backend, pad_width, kwargs):
    # torch's F.pad and jax's lax.pad in constant mode (other modes, dtypes and values:
    # the generic), against NumPy for floats, integers and bool, -0.0 kept
    x = np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5
    with backend_context(backend):
        for a in (x, x.astype(np.int32), x.astype(np.float64), x[0], x[None], x > 0):
            if a.dtype == np.int32 and isinstance(kwargs.get("constant_values"), float):
                continue  # (NumPy casts 2.5 to the integer 2, unsafely: not compared)
            if np.ndim(pad_width) == 2 and a.ndim != 2:
                continue  # (one pair per axis of a matrix)
            expected = np.pad(a, pad_width, **kwargs)
            for _ in range(2):
                got = to_numpy(xnp.pad(to_backend(backend, a), pad_width, **kwargs))
                np.testing.assert_array_equal(got, expected)
                assert np.array_equal(np.signbit(got), np.signbit(expected))
                assert got.dtype == expected.dtype or backend == "jax"
        for bad, error in ((-1, ValueError), (1.5, TypeError), (((1, 2, 3),), ValueError)):
            with pytest.raises(error, match="pad"):
                xnp.pad(to_backend(backend, x), bad)


def test_sign_is_numpys(backend):
    # numpy: np.sign from the C front; jax: one compiled program, whose -0.0 gives +0.0 as
    # NumPy's (XLA folds a ``+ 0`` away); NaN kept, complex z / |z|, integers, bool refused
    x = np.array([np.nan, -0.0, 0.0, -2.0, 3.0, np.inf, -np.inf, 1e-30], np.float32)
    z = np.array([1 + 1j, -2j, 0, -0.0 + 0j], np.complex64)
    with backend_context(backend):
        for a in (x, x.astype(np.float64), np.array([3, -2, 0], np.int32), z):
            if backend == "torch" and a.dtype == np.complex64:
                continue  # (checked by the suites; torch's complex sign is its own)
            expected = np.sign(a)
            for _ in range(2):
                got = to_numpy(xnp.sign(to_backend(backend, a)))
                np.testing.assert_array_equal(got, expected)
                assert np.array_equal(np.signbit(got.real), np.signbit(expected.real))
                assert got.dtype == expected.dtype or backend == "jax"
        with pytest.raises(TypeError, match="sign"):
            xnp.sign(to_backend(backend, np.array([True, False])))


def test_sign_compiled_is_numpys(jbackend):
    import crossops
    x = np.array([np.nan, -0.0, 0.0, -2.0, 3.0, np.inf], np.float32)
    with backend_context(jbackend):
        got = to_numpy(crossops.jit(xnp.sign)(to_backend(jbackend, x)))
    np.testing.assert_array_equal(got, np.sign(x))
    assert np.array_equal(np.signbit(got), np.signbit(np.sign(x)))


#: rows of zeros, overflowing squares, infinities and NaN, for vector norms along each axis
NORM_EDGES = np.array([[0.0, 3.0, -4.0], [0.0, 0.0, 0.0], [1e30, 1e30, 1.0],
                       [np.inf, 1.0, 2.0], [np.nan, 1.0, 0.0]], np.float32)


@pytest.mark.parametrize("ord", [None, 2, 1, 0, -1, 3, 0.5, np.inf, -np.inf, True])
def test_vector_norms_are_numpys(backend, ord):
    # numpy's and torch's fronts call np.linalg.norm / torch.linalg.norm for an order and
    # an int axis (AT_OPTIONS), jax a compiled 2-norm, tensorflow its kernels: NumPy's
    # values (its overflow to inf too), by position and by keyword, on the first call and
    # the front's; orders NumPy refuses for vectors raise the op's ValueError
    with backend_context(backend), np.errstate(all="ignore"):
        for a in (NORM_EDGES, NORM_EDGES.astype(np.float64)):
            x = to_backend(backend, a)
            for axis in (-1, 0):
                for keepdims in (False, True):
                    expected = np.linalg.norm(a, ord, axis, keepdims)
                    for got in (xnp.linalg.norm(x, ord, axis, keepdims),
                                xnp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)):
                        got = to_numpy(got)
                        np.testing.assert_allclose(got, expected, rtol=1e-6)
                        assert got.dtype == expected.dtype or backend == "jax"
        for _ in range(2):
            with pytest.raises(ValueError, match="linalg.norm"):
                xnp.linalg.norm(to_backend(backend, NORM_EDGES), "fro", -1)


def test_aliases_take_their_targets_functions(backend):
    # power, true_divide, absolute ... are other names of pow, divide, abs ...: the spec
    # says so (``alias``), and each backend's function for the target serves the alias
    # (one dispatch, not a second through the target's public function)
    from crossops._dispatch import TABLE
    from crossops._spec import load_spec

    aliases = {n: s.alias for n, s in load_spec().items() if s.alias}
    assert {"power", "true_divide", "absolute", "arctan2", "mod"} <= set(aliases)
    a = np.array([[1.5, -2.0, 0.0, 4.0]], np.float32)

    def own(name):  # (a partial function's fallback wrapper is made per op)
        f = TABLE[name].impl(backend)
        return getattr(f, "falls_back_from", f)

    with backend_context(backend):
        x = to_backend(backend, a)
        for name, target in (("power", "pow"), ("true_divide", "divide"), ("mod", "remainder"),
                             ("arctan2", "atan2")):
            got = getattr(xnp, name)(x, x + 3)
            np.testing.assert_array_equal(to_numpy(got), to_numpy(getattr(xnp, target)(x, x + 3)))
            assert own(name) is own(target)
        np.testing.assert_array_equal(to_numpy(xnp.absolute(x)), np.absolute(a))
        assert own("absolute") is own("abs")


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
def test_reductions_over_axis_tuples_are_numpys(backend, name):
    # torch's front calls torch.sum / torch.mean / torch.amax / torch.amin for a tuple of
    # axes in range (AT_OPTIONS), and hands the others to the op: an empty tuple (every
    # axis to torch, none to NumPy), repeated axes and axes out of range give NumPy's
    # results and errors on the first call and the front's
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 7
    a[0, 1, 2] = np.nan
    with backend_context(backend):
        x = to_backend(backend, a)
        for axis in ((0, 1), (2, 0), (0, 1, 2), (-1,), ()):
            for keepdims in (False, True):
                expected = getattr(np, name)(a, axis=axis, keepdims=keepdims)
                for _ in range(2):
                    got = to_numpy(getattr(xnp, name)(x, axis=axis, keepdims=keepdims))
                    np.testing.assert_allclose(got, expected, rtol=1e-6)
                    assert got.shape == expected.shape and got.dtype == expected.dtype
        for axis, error in (((0, 0), ValueError), ((0, 3), IndexError), ((-4,), IndexError)):
            for _ in range(2):
                with pytest.raises(error, match=name):
                    getattr(xnp, name)(x, axis=axis)


ASTYPE_NAMES = ["bool", "int8", "int16", "int32", "int64", "uint8", "float16", "bfloat16",
                "float32", "float64", "complex64"]


def test_astype_by_name_is_numpys(backend):
    """A dtype's name takes astype's front (its backend's dtype of that name) where the
    backend keys it: the same array as NumPy's astype, on the first call and the front's."""
    import ml_dtypes
    x = np.array([[1.5, -2.0, 0.0], [np.inf, 300.0, -0.5]], np.float32)
    with backend_context(backend):
        t = to_backend(backend, x)
        for name in ASTYPE_NAMES:
            expected = x.astype(ml_dtypes.bfloat16 if name == "bfloat16" else name)
            for _ in range(2):
                out = to_numpy(xnp.astype(t, name))
                assert str(out.dtype) == name
                with np.errstate(invalid="ignore"):
                    same = (out == expected) | (np.isnan(out.astype(np.complex64))
                                                & np.isnan(expected.astype(np.complex64)))
                # (inf, 300, and negatives to unsigned, are the platform's: not compared)
                finite = np.isfinite(x) & (np.abs(x) < 128) & ((x >= 0) | (name[0] != "u"))
                assert same[finite].all(), name
        for _ in range(2):
            with pytest.raises(TypeError, match="astype: unknown dtype 'float17'"):
                xnp.astype(t, "float17")


def test_torch_full_like_of_a_tensor_fill_keeps_its_gradient(backend):
    if backend != "torch":
        pytest.skip("a fill's gradient: torch's autograd (jax and tensorflow trace it)")
    import torch
    fill = torch.tensor(2.0, requires_grad=True)
    x = torch.zeros(2, 3)
    for _ in range(2):
        out = xnp.full_like(x, fill)
        assert out.requires_grad
        (g,) = torch.autograd.grad(out.sum(), fill)
        assert float(g) == 6.0
        assert xnp.full_like(x, 2.5).tolist() == torch.full_like(x, 2.5).tolist()



@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_full_of_a_number_past_the_dtypes_range_is_numpys(backend, dtype):
    """NumPy rounds a fill past a float dtype's range to inf, or to its largest just past
    it (torch.full raises for both)."""
    big = float(np.finfo(dtype).max)
    with backend_context(backend), np.errstate(over="ignore"):
        t = to_backend(backend, np.zeros(3, dtype))
        for fill in (1e300, -1e300, 2**70, big * (1 + 2.0**-13), 7.0):
            expected = np.full(3, fill, dtype)
            for out in (xnp.full_like(t, fill), xnp.full_like(t, fill),
                        xnp.full((3,), fill, dtype=dtype)):
                assert type(out) is type(t)
                np.testing.assert_array_equal(to_numpy(out), expected, err_msg=str(fill))
def test_argsort_front_sorts_stably_as_numpy(backend):
    """argsort's front (a backend's stable sort along an int axis: ``torch.argsort(x,
    stable=True, dim=axis)``, ``np.argsort(x, axis, kind='stable')``) gives NumPy's stable
    order at ties, -0.0 beside 0.0 and NaN; ``stable=None`` is the op's stable default."""
    from crossops import ops
    from crossops._errors import OpAxisError
    x = np.array([[1.0, np.nan, 3.0, 3.0, -0.0, 0.0, 1.0], [0.0, 0.0, -0.0, 2.0, np.nan,
                                                              -1.0, 2.0]], np.float32)
    with backend_context(backend):
        t = to_backend(backend, x)
        for _ in range(2):
            for axis in (-1, 0, 1):
                expected = np.argsort(x, axis=axis, kind="stable")
                np.testing.assert_array_equal(to_numpy(xnp.argsort(t, axis=axis)), expected)
                np.testing.assert_array_equal(
                    to_numpy(xnp.argsort(t, axis=axis, stable=None)), expected)
                keras = to_numpy(ops.argsort(t, axis=axis))
                assert keras.dtype == np.int32
                np.testing.assert_array_equal(keras, expected)
            np.testing.assert_array_equal(to_numpy(xnp.argsort(t)),
                                          np.argsort(x, kind="stable"))
            with pytest.raises(OpAxisError, match="argsort: axis 2"):
                xnp.argsort(t, axis=2)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_nan_to_num_deg2rad_exp2_are_numpys(backend, dtype):
    """Calls of one array that the fronts hand to a framework's kernel (torch's
    ``nan_to_num``, ``deg2rad``, ``exp2``; jax's compiled generic forms): NumPy's values at
    NaN, the infinities, zeros, subnormals and values that overflow."""
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.5, 90.0, 180.0, 128.0, -150.0,
                  1e-40, 3e38], np.float32).astype(dtype)
    with np.errstate(all="ignore"):
        expected = {"nan_to_num": np.nan_to_num(x), "deg2rad": np.deg2rad(x),
                    "exp2": np.exp2(x)}
    normal = np.abs(x.astype(np.float64)) > 1e-30  # (XLA and TensorFlow flush subnormals)
    with backend_context(backend):
        t = to_backend(backend, x)
        for name, e in expected.items():
            for _ in range(2):
                out = to_numpy(getattr(xnp, name)(t))
                assert out.dtype == e.dtype, name
                np.testing.assert_allclose(out[normal], e[normal], rtol=1e-6, err_msg=name)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nan_to_num_of_its_fills_is_numpys(backend, dtype):
    """``nan=`` as a Python number (tensorflow's three kernels take it), and explicit
    infinities (the generic form): NumPy's values and zeros' signs, bit for bit."""
    big = np.finfo(dtype).max
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.5, big, -big, 1e-30], dtype)
    calls = [{}, {"nan": 5}, {"nan": -2.5}, {"nan": 1.0, "posinf": 9.0},
             {"neginf": -0.0}, {"nan": 0, "posinf": 1e300, "neginf": -7}]
    with backend_context(backend):
        t = to_backend(backend, x)
        for kwargs in calls:
            with np.errstate(over="ignore"):
                expected = np.nan_to_num(x, **kwargs)
            for _ in range(2):
                out = to_numpy(xnp.nan_to_num(t, **kwargs))
                assert out.dtype == expected.dtype, kwargs
                np.testing.assert_array_equal(out, expected, err_msg=str(kwargs))
                np.testing.assert_array_equal(np.signbit(out), np.signbit(expected))


def test_diag_of_vectors_and_matrices_is_numpys(backend):
    v = np.array([1.5, -2.0, 0.0], np.float32)
    m = np.arange(12).reshape(3, 4).astype(np.int32)
    with backend_context(backend):
        for _ in range(2):
            for a in (v, m, v > 0):
                for k in (0, 1, -2):
                    out = to_numpy(xnp.diag(to_backend(backend, a), k))
                    np.testing.assert_array_equal(out, np.diag(a, k))
                np.testing.assert_array_equal(to_numpy(xnp.diag(to_backend(backend, a))),
                                              np.diag(a))
            with pytest.raises(ValueError, match="diag"):
                xnp.diag(to_backend(backend, np.ones((2, 2, 2), np.float32)))


def test_cumprod_along_an_axis_is_numpys(backend):
    x = np.array([[1.5, 0.0, -2.0], [3.0, -0.5, np.inf]], np.float32)
    with backend_context(backend), np.errstate(invalid="ignore"):
        for a in (x, x.astype(np.float64), np.array([[2, -3, 4], [0, 5, 6]], np.int64)):
            for axis in (0, 1, -1):
                for _ in range(2):
                    out = to_numpy(xnp.cumprod(to_backend(backend, a), axis=axis))
                    expected = np.cumprod(a, axis=axis)
                    assert out.dtype == expected.dtype
                    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_isclose_and_floor_divide_are_numpys_at_the_edges(backend, dtype):
    """NaN, the infinities, +-0, values a rounding apart, at the defaults and with
    options (torch's isclose kernel takes both): NumPy's answers, first call and next;
    floor_divide of the same pairs (tensorflow: NumPy's loop on the host) bit for bit."""
    rng = np.random.default_rng(0)
    a = np.concatenate([rng.standard_normal(40) * 10.0 ** rng.integers(-6, 6, 40),
                        [np.nan, np.nan, np.inf, np.inf, -np.inf, 0.0, -0.0, 1.0, 1e-9, 5.0,
                         np.inf, -np.inf, 1.0, -1.0]])
    b = a * (1 + rng.standard_normal(54) * 10.0 ** rng.integers(-8, -3, 54))
    b[40:] = [np.nan, 1.0, np.inf, -np.inf, -np.inf, -0.0, 1e-300, 1.0 + 1e-6, 0.0, -3.0,
              2.0, -5e16, -np.inf, np.inf]
    with np.errstate(all="ignore"):
        a, b = a.astype(dtype), b.astype(dtype)
    with backend_context(backend):
        x, y = to_backend(backend, a), to_backend(backend, b)
        for kwargs in ({}, {"equal_nan": True}, {"rtol": 1e-3, "atol": 0.0}):
            for _ in range(2):
                np.testing.assert_array_equal(to_numpy(xnp.isclose(x, y, **kwargs)),
                                              np.isclose(a, b, **kwargs), err_msg=str(kwargs))
        with backend_context("numpy"), np.errstate(all="ignore"):
            # (NumPy's, with the array API's special cases: inf // 2 is inf, not NaN)
            expected = np.asarray(xnp.floor_divide(a, b))
        for _ in range(2):
            out = to_numpy(xnp.floor_divide(x, y))
            assert out.dtype == expected.dtype
            np.testing.assert_array_equal(out, expected)
            number = ~np.isnan(expected)  # (a NaN's sign bit is the platform's)
            np.testing.assert_array_equal(np.signbit(out[number]), np.signbit(expected[number]))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_remainder_is_numpys_with_the_sign_of_zeros(backend, dtype):
    """Zero results of every pair of signs (the frameworks' kernels give x1's sign, NumPy
    x2's), the infinities, NaN, x % 0 and tiny remainders beside pairs without a zero
    result (tensorflow's kernel alone, read on the host): NumPy's remainder bit for bit,
    the sign of every number included, first call and next."""
    rng = np.random.default_rng(1)
    a = np.array([-6.0, 6.0, -6.0, 6.0, 0.0, -0.0, 0.0, -0.0, 5.0, -5.0, np.inf, 1.0,
                  np.nan, 3.0, -1e-30, 1e-30, 7.5, -7.5])
    b = np.array([3.0, -3.0, -3.0, 3.0, 2.0, 2.0, -2.0, -2.0, np.inf, np.inf, 2.0, 0.0,
                  1.0, np.nan, 1.0, -1.0, -2.0, 2.0])
    nonzero = (rng.standard_normal(32) * 10, rng.standard_normal(32) * 3 + 0.5)
    for p, q in ((a, b), nonzero, (a[8:], b[8:])):
        with np.errstate(all="ignore"):
            p, q = p.astype(dtype), q.astype(dtype)
            expected = np.remainder(p, q)
        with backend_context(backend):
            for _ in range(2):
                out = to_numpy(xnp.remainder(to_backend(backend, p), to_backend(backend, q)))
                assert out.dtype == expected.dtype
                np.testing.assert_array_equal(out, expected)
                number = ~np.isnan(expected)  # (a NaN's sign bit is the platform's)
                np.testing.assert_array_equal(np.signbit(out[number]),
                                              np.signbit(expected[number]))


@pytest.mark.parametrize("args", [(0, 2), (0, 2, 32), (-3.5, 7.25, 17, False, 2),
                                  (1, 1, 5), (0, 3, 1), (0, 3, 0), (2, -2, 9, True, 0.5),
                                  (0, 1000, 7), (0.1, 0.7, 13, True, np.e)])
def test_logspace_of_numbers_is_numpys(backend, args):
    """Python-number bounds and base, the common call (NumPy's logspace on the host): in
    the backend's default float, NumPy's values rounded to it, bit for bit (jax: its
    working float is its default float, float32 with x64 off: NumPy's logspace of float32
    bounds)."""
    with backend_context(backend):
        made = xnp.logspace(*args)
        assert type(made) is type(xnp.zeros(1))  # (an array of the default backend)
        out = to_numpy(made)
        x64 = to_numpy(xnp.asarray(1.0)).dtype == np.float64
    work = np.float64 if backend != "jax" or x64 else np.float32
    start, stop, *rest = args
    base = rest[2] if len(rest) > 2 else 10.0
    expected = np.logspace(work(start), work(stop), *rest[:2], base=work(base))
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected.astype(out.dtype))


_BINS = [[-2.0, -1.5, -1.0, 0.0, 0.5, 2.0], [0.0, 0.0, 1.0, 1.0, 2.0], [1.0], [],
         [2.0, 1.0, 1.0, -3.0], [-np.inf, 0.0, np.inf], [3.0, 3.0]]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "int64"])
@pytest.mark.parametrize("right", [False, True])
def test_digitize_is_numpys(backend, dtype, right):
    """Rising bins (each backend's own search, the bins read on the host), ties among
    them, one bin, none, decreasing bins (the generic form) and infinite ones, with NaN,
    the infinities, +-0 and values on the edges among x: NumPy's digitize, first call and
    next, in the backend's default integer dtype; bins that neither rise nor fall raise."""
    rng = np.random.default_rng(2)
    values = np.concatenate([rng.standard_normal(30) * 2, [-2.0, -1.0, 0.0, -0.0, 1.0, 2.0,
                                                           3.0, np.nan, np.inf, -np.inf]])
    integer = np.dtype(dtype).kind == "i"
    with np.errstate(invalid="ignore"):
        x = (np.round(np.nan_to_num(values, posinf=9, neginf=-9)) if integer
             else values).astype(dtype)
    with backend_context(backend):
        default_int = to_numpy(xnp.argmax(to_backend(backend, np.zeros(2)))).dtype
        for bins in _BINS:
            if integer and not np.isfinite(bins).all():
                continue
            b = np.asarray(bins, dtype)
            expected = np.digitize(x, b, right=right)
            for _ in range(2):
                out = to_numpy(xnp.digitize(to_backend(backend, x), to_backend(backend, b),
                                            right=right))
                assert out.dtype == default_int
                np.testing.assert_array_equal(out, expected, err_msg=str(bins))
        with pytest.raises(ValueError, match="digitize: bins must be monotonically"):
            xnp.digitize(to_backend(backend, x), to_backend(backend, np.array([0, 2, 1], dtype)))


@pytest.mark.parametrize("dtype", ["float16", "float32", "int32"])
def test_median_is_numpys_bit_for_bit(backend, dtype):
    """median and nanmedian of an even count are the mean of the two middle values, as
    NumPy's (its quantile lerps instead: a rounding apart in ~2 of 3 random slices), with
    NaN, along each axis and all of them."""
    rng = np.random.default_rng(0)
    a = (rng.standard_normal((5, 6)) * 100).astype(dtype)
    b = a.copy()
    if dtype != "int32":
        b[1, 2] = b[3, 0] = np.nan
    with backend_context(backend), np.errstate(all="ignore"):
        for x in (a, b):
            for axis in (None, 0, 1):
                for ours, numpys in ((xnp.median, np.median), (xnp.nanmedian, np.nanmedian)):
                    expected = numpys(x, axis=axis)
                    out = to_numpy(ours(to_backend(backend, x), axis=axis))
                    if backend != "jax" or expected.dtype != np.float64:  # (x64 off)
                        assert out.dtype == expected.dtype
                    np.testing.assert_array_equal(out, expected.astype(out.dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_products_and_sums_compiled_are_numpys(jbackend, dtype):
    """The linear quantile (jax: one sort in its own compiled program, also under an outer
    one), interp and cross compiled keep NumPy's two roundings of ``a + (b - a) * t`` and
    ``a1 * b2 - a2 * b1`` (XLA's CPU compiler fuses a product and the sum after it into
    one multiply-add, a rounding off NumPy's in ~1 of 4 values, unless the product is kept
    apart): bit for bit."""
    import crossops
    rng = np.random.default_rng(5)
    x = rng.standard_normal((40, 33)).astype(dtype)
    x[3, 4], x[7, :2] = np.nan, (-np.inf, np.inf)
    xp = np.sort(rng.standard_normal(20)).astype(dtype)
    fp = rng.standard_normal(20).astype(dtype)
    v = (rng.standard_normal(500) * 1.5).astype(dtype)
    qs = (0.137, 0.5, 0.731, 0.25)

    def lerps(a, v, xp, fp):
        return (*(xnp.quantile(a, q, axis=1) for q in qs), xnp.percentile(a, 61.8, axis=0),
                xnp.quantile(a, 0.377), xnp.interp(v, xp, fp), xnp.cross(a[:, :3], a[:, 3:6]),
                xnp.linalg.cross(a[:, 6:9], a[:, 9:12]))

    with np.errstate(all="ignore"):
        expected = (*(np.quantile(x, q, axis=1) for q in qs), np.percentile(x, 61.8, axis=0),
                    np.quantile(x, 0.377), np.interp(v, xp, fp), np.cross(x[:, :3], x[:, 3:6]),
                    np.linalg.cross(x[:, 6:9], x[:, 9:12]))
    with backend_context(jbackend):
        args = (to_backend(jbackend, t) for t in (x, v, xp, fp))
        got = [to_numpy(r) for r in crossops.jit(lerps)(*args)]
    for out, want in zip(got, expected, strict=True):
        np.testing.assert_array_equal(out, want.astype(out.dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "uint8"])
def test_cross_of_3_vectors_is_numpys_bit_for_bit(backend, dtype):
    """NumPy's six products and three differences, each rounded (a multiply-add, as
    torch.linalg.cross computes, is a rounding off in ~1 of 4 values), broadcast against
    one vector too, with infinities and NaN; integers wrap as NumPy's; linalg.cross
    too."""
    rng = np.random.default_rng(6)
    a = (rng.standard_normal((200, 3)) * 50).astype(dtype)
    b = (rng.standard_normal((200, 3)) * 50).astype(dtype)
    if dtype.startswith("float"):
        a[0], b[1, 1], a[2, 0] = (np.inf, 1.0, -2.0), np.nan, -np.inf
    with backend_context(backend), np.errstate(all="ignore"):
        for x, y in ((a, b), (a, b[7]), (a[:4], b[:4, None][:, :, :])):
            expected = np.cross(x, y)
            for f in (xnp.cross, xnp.linalg.cross) if x.ndim == y.ndim else (xnp.cross,):
                if f is xnp.linalg.cross and dtype == "uint8":
                    continue  # (the array API's linalg.cross: no uint8 on tensorflow)
                for _ in range(2):
                    got = to_numpy(f(to_backend(backend, x), to_backend(backend, y)))
                    assert got.dtype == expected.dtype
                    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32"])
def test_clip_by_arrays_of_its_dtype_is_numpys(backend, dtype):
    """clip between arrays of x's dtype (each framework's clamp or maximum and minimum):
    NumPy's values, NaN wherever x or a bound holds one, max where min > max, one bound
    None, broadcast bounds (a zero's sign is each kernel's: NumPy's own differs between
    dtypes)."""
    rng = np.random.default_rng(9)
    vals = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.5])
    if dtype == "int32":
        vals = np.array([0, 1, -1, 7, -7, 2**31 - 1, -2**31])
    x, lo, hi = (rng.choice(vals, (40, 8)).astype(dtype) for _ in range(3))
    with backend_context(backend), np.errstate(all="ignore"):
        for bounds in ((lo, hi), (None, hi), (lo, None), (lo[0], hi[:, :1])):
            expected = np.clip(x, *bounds)
            for _ in range(2):
                got = to_numpy(xnp.clip(to_backend(backend, x), *(
                    None if b is None else to_backend(backend, b) for b in bounds)))
                assert got.dtype == expected.dtype
                np.testing.assert_array_equal(got, expected)


def test_argwhere_is_numpys(backend):
    """argwhere (NumPy's, torch's and TensorFlow's own): NumPy's indices and int64 dtype,
    NaN nonzero and -0.0 zero, of bool, float and int arrays of ranks 0 to 3, empty too."""
    f = np.array([[0.0, np.nan, -0.0], [1.0, 0.0, -np.inf]], np.float32)
    cases = (f, f > 0, np.array([3, 0, -1]),
             np.zeros((2, 0, 3)), np.arange(24).reshape(2, 3, 4) % 3, np.array(2.0),
             np.array(0))
    with backend_context(backend):
        for x in cases:
            expected = np.argwhere(x)
            got = to_numpy(xnp.argwhere(to_backend(backend, x)))
            assert got.dtype == expected.dtype and got.shape == expected.shape, x
            np.testing.assert_array_equal(got, expected)


def _rows():
    rng = np.random.default_rng(4)
    a = rng.standard_normal((6, 5)).astype(np.float32)
    a[1, :], a[3, 2] = np.nan, np.nan  # (a row of NaN only, and one more)
    return rng, a


@pytest.mark.parametrize("call", ["unique", "interp", "bincount", "cross", "norm", "nansum",
                                  "nanmean", "solve"])
def test_common_numpy_calls_are_numpys(backend, call):
    """The common calls each backend hands to its framework (or NumPy on the host):
    NumPy's values at the edges (NaN, an all-NaN slice, repeated values, minlength, a
    float and an integer dtype), first call and next; bincount's negative values raise the
    op's error."""
    rng, a = _rows()
    ints = rng.integers(0, 7, 20)
    cases = {
        "unique": [((ints,), {}), ((ints.astype(np.int8),), {}), ((np.array([2.0, np.nan, 1.0,
                                                                           np.nan, 2.0]),), {})],
        "interp": [((np.array([-3.0, -1.0, 0.0, 0.5, 2.0, 7.0]), np.array([-1.0, 0.0, 2.0]),
                     np.array([5.0, -1.0, 3.0])), {})],
        "bincount": [((ints,), {}), ((ints.astype(np.int32),), {"minlength": 12})],
        "cross": [((a[:, :3], a[::-1, 2:]), {}), ((ints[:9].reshape(3, 3),
                                                   ints[9:18].reshape(3, 3)), {})],
        "norm": [((np.nan_to_num(a),), {}), ((np.nan_to_num(a[0]).astype(np.float64),), {})],
        "nansum": [((a,), {}), ((a,), {"axis": 0}), ((a,), {"axis": 1, "keepdims": True})],
        "nanmean": [((a,), {}), ((a,), {"axis": 0}), ((a,), {"axis": -1})],
        "solve": [((np.eye(4) * 3 + rng.standard_normal((4, 4)), rng.standard_normal((4, 2))),
                   {})],
    }[call]
    f, ref = (xnp.linalg.norm, np.linalg.norm) if call == "norm" else \
        (xnp.linalg.solve, np.linalg.solve) if call == "solve" else \
        (getattr(xnp, call), getattr(np, call))
    with backend_context(backend):
        for args, kwargs in cases:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expected = np.asarray(ref(*args, **kwargs))
                for _ in range(2):
                    out = to_numpy(f(*(to_backend(backend, v) for v in args), **kwargs))
                    assert out.shape == expected.shape, (args, kwargs)
                    np.testing.assert_allclose(out, expected.astype(out.dtype), rtol=2e-6,
                                               atol=1e-6, equal_nan=True)
        if call == "bincount":
            with pytest.raises(ValueError, match="bincount: x must hold non-negative"):
                xnp.bincount(to_backend(backend, np.array([-1, 2])))


@pytest.mark.parametrize("ids", [[0, 0, 1, 3, 3, 3], [2, -1, 0, 0, 1, 1], [0, 1, 5, 1, 0, 0]])
def test_segment_sum_and_sparse_crossentropy_are_the_generic_forms(backend, ids):
    """segment_sum by the frameworks' scatter-adds (torch, tensorflow) and the sparse
    categorical cross-entropy by one gather (tensorflow): the generic forms' values, ids
    outside the segments or classes included (a row dropped, a zero loss)."""
    from crossops.math._generic import segment_sum as generic_segment_sum
    from crossops.nn._normalization import sparse_categorical_crossentropy as generic_xent
    rng, _ = _rows()
    data = rng.standard_normal((6, 3)).astype(np.float32)
    index = np.int64 if backend == "torch" else np.int32
    ids = np.asarray(ids, index)
    with backend_context(backend):
        d, s = to_backend(backend, data), to_backend(backend, ids)
        for _ in range(2):
            np.testing.assert_allclose(
                to_numpy(xmath.segment_sum(d, s, num_segments=4)),
                to_numpy(generic_segment_sum(d, s, 4)), rtol=1e-6, atol=1e-6)
        logits = to_backend(backend, rng.standard_normal((6, 4)).astype(np.float32))
        for _ in range(2):
            np.testing.assert_array_equal(
                to_numpy(nn.sparse_categorical_crossentropy(s, logits, from_logits=True)),
                to_numpy(generic_xent(s, logits, True)))


@pytest.mark.parametrize("name", ["max_pool", "average_pool"])
def test_valid_2d_pooling_is_the_numpy_backends(backend, name):
    """2-d pooling's common call (channels last, int pool and stride, "valid"; torch: its
    kernel on the channels-first view, without the general path): the numpy backend's
    values, NaN and infinities included (tensorflow's MaxPool passes over NaN: crossops
    gives it, as the others), for several windows and strides, channels first and "same"
    padding through the general path beside it; compiled too."""
    x = np.random.default_rng(10).standard_normal((2, 7, 6, 3)).astype(np.float32)
    x[0, 1, 1, 0], x[1, 2, 3, 1], x[1, 0, 0, 2] = np.nan, np.inf, -np.inf
    f = getattr(nn, name)
    calls = [((k, s), {}) for k, s in ((2, None), (3, 2), (2, 1), (6, 3))]
    calls += [((2, 2), {"padding": "same"}), ((2, None), {"data_format": "channels_first"})]
    with backend_context(backend):
        for args, kwargs in calls:
            expected = np.asarray(f(x, *args, **kwargs))
            got = to_numpy(f(to_backend(backend, x), *args, **kwargs))
            assert got.shape == expected.shape and got.dtype == expected.dtype
            np.testing.assert_allclose(got, expected, rtol=1e-6, equal_nan=True)
        if backend != "numpy":  # (compiled: tensorflow's graph pools NaN by its mask)
            import crossops
            got = to_numpy(crossops.jit(lambda t: f(t, 3, 2))(to_backend(backend, x)))
            np.testing.assert_allclose(got, np.asarray(f(x, 3, 2)), rtol=1e-6, equal_nan=True)
