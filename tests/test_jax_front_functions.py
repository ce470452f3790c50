"""The JAX backend's functions that the C fronts call straight away (``AT_DEFAULTS``,
``AT_OPTIONS``) and its shortened paths (issue 19): the same values, dtypes and errors as
the ops' own functions, eagerly and under jax.jit."""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = jax.numpy

import crossops  # noqa: E402
import crossops.numpy as xnp  # noqa: E402
from crossops import nn  # noqa: E402
from crossops import ops as kops  # noqa: E402

X = np.array([[1e-40, 0.0, -1.0, np.nan], [3.0, 5.0, 5.0, -0.0], [2.0, -3.0, 0.5, 1.0]],
             np.float32)


def _outcome(f, *args, **kwargs):
    """(dtype, values as float32 lists) of ``f(*args, **kwargs)``, or its error's type."""
    try:
        out = f(*args, **kwargs)
    except Exception as e:  # noqa: BLE001  (compared by the tests)
        return type(e).__name__
    return str(out.dtype), np.asarray(out.astype(jnp.float32)).tolist()


def _close(got, want, rtol=1e-6, atol=0.0):
    assert np.asarray(got).dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(np.asarray(got), want, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_exp_sigmoid_log_softmax(dtype):
    x = np.array([[-2.0, 0.0, 0.5], [1.0, 30.0, -20.0]], dtype)
    a = jnp.asarray(x)
    tol = 2e-3 if dtype is np.float16 else 1e-5
    with np.errstate(over="ignore"):  # (exp(30) is inf in float16)
        _close(xnp.exp(a), np.exp(x), tol)
    wide = x.astype(np.float64)
    _close(nn.sigmoid(a), (1 / (1 + np.exp(-wide))).astype(dtype), tol)
    for axis in (-1, 0):
        m = wide.max(axis, keepdims=True)
        want = wide - m - np.log(np.exp(wide - m).sum(axis, keepdims=True))
        _close(nn.log_softmax(a, axis=axis), want.astype(dtype), tol, atol=tol)
    with pytest.raises(ValueError):
        nn.log_softmax(a, axis=2)


def test_exp_complex():
    special = np.array([complex(-np.inf, np.inf), complex(np.inf, np.nan), 1 + 2j], np.complex64)
    _close(xnp.exp(jnp.asarray(special)), np.exp(special))  # (its special cases: not jnp.exp's)


def test_mean_and_var_axes():
    a = jnp.asarray(X)
    for axis, keepdims in [(0, False), (-1, True), (None, False)]:
        _close(xnp.mean(a, axis=axis, keepdims=keepdims), np.mean(X, axis, keepdims=keepdims))
        _close(xnp.var(a, axis=axis, keepdims=keepdims), np.var(X, axis, keepdims=keepdims),
               1e-5)
    for axis in (2, -3):
        with pytest.raises(ValueError, match="axis"):
            xnp.mean(a, axis=axis)
        with pytest.raises(ValueError, match="axis"):
            xnp.var(a, axis=axis)
    h = np.array([[400.0, 2.0], [1.0, 3.0]], np.float16)  # (its sum of squares: inf in float16)
    _close(xnp.var(jnp.asarray(h), axis=0), np.var(h.astype(np.float32), 0).astype(np.float16))
    assert xnp.mean(jnp.arange(4), axis=0).dtype == jnp.zeros(()).dtype  # (jax's default)


def test_argmax_argmin():
    a = jnp.asarray(X)
    for axis, keepdims in [(None, False), (1, True), (-2, False)]:
        for op in ("argmax", "argmin"):
            got = getattr(xnp, op)(a, axis=axis, keepdims=keepdims)
            want = getattr(np, op)(X, axis=axis, keepdims=keepdims)
            assert got.shape == want.shape
            np.testing.assert_array_equal(np.asarray(got), want, err_msg=f"{op} {axis}")
    assert kops.argmax(a, axis=-1).dtype == jnp.int32
    np.testing.assert_array_equal(np.asarray(xnp.argmax(jnp.arange(3), axis=0)), 2)
    with pytest.raises(ValueError, match="argmax: axis 2"):
        xnp.argmax(a, axis=2)


def test_take_along_axis_index_dtypes():
    a = jnp.asarray(X)
    j = np.array([[3, 0], [1, 1], [2, 0]])
    for dt in (np.int32, np.uint8):
        np.testing.assert_array_equal(
            np.asarray(xnp.take_along_axis(a, jnp.asarray(j.astype(dt)), axis=1)),
            np.take_along_axis(X, j, 1))
    with pytest.raises(IndexError, match="integer"):
        xnp.take_along_axis(a, jnp.asarray(j > 0), axis=1)


def test_take_along_an_axis_calls_jax_take(monkeypatch):
    # take(x, i, axis=a) of jax arrays: AT_OPTIONS's jnp.take from C, with the generated
    # function's values and dtypes (every index dtype, negative indices, 0-d and empty x,
    # 2-d indices); an axis out of range, a 0-d x along 0 or -1 (NumPy's one element) and
    # bool indices take the op's own path, with its result or error
    from crossops._accel import FRONTS
    from crossops._dispatch import TABLE
    calls = []

    def spy(*args):
        calls.append(args[2])
        return jnp.take(*args)

    xs = [jnp.asarray(X), jnp.asarray(X.astype(np.int8)), jnp.asarray(2.5), jnp.zeros((0, 3)),
          jnp.asarray(X > 0), jnp.asarray(X).astype(jnp.bfloat16)]
    ids = [np.array([2, 0, -1]), np.array([[1], [0]]), np.array([0, 1], np.uint8),
           np.array([], np.int32), np.array([True, False])]
    xnp.take(xs[0], jnp.asarray(ids[0]), axis=0)  # fills the caches
    key = type(xs[0])
    function, *rest = TABLE["take"].options[key]
    assert function is jnp.take
    monkeypatch.setitem(TABLE["take"].options, key, (spy, *rest))
    for front in (xnp.take, kops.take):
        for x in xs:
            for i in ids:
                for axis in (0, -1, 1, 2):
                    args, kwargs = (x, jnp.asarray(i)), {"axis": axis}
                    got, want = _outcome(front, *args, **kwargs), _outcome(
                        FRONTS[front], *args, **kwargs)
                    assert got == want or (got[0] == want[0] and np.array_equal(
                        got[1], want[1], equal_nan=True)), (x.shape, i, axis, got, want)
    assert calls and set(calls) <= {0, -1, 1, 2}


def test_jit():
    a = jnp.asarray(X[1:])

    def f(x):  # (under jit the array arguments are tracers: their own cache entries)
        y = xnp.exp(x) + nn.sigmoid(x) + nn.log_softmax(x, axis=-1)
        return y + xnp.mean(x, axis=0, keepdims=True)

    np.testing.assert_allclose(jax.jit(f)(a), f(a), rtol=1e-5)


def test_outer_split_swapaxes():
    """The one-program forms of outer, split, array_split and swapaxes: NumPy's values,
    dtypes and errors, eagerly and under jax.jit."""
    for dt in (np.bool_, np.uint8, np.int8, np.float32, np.complex64):
        v, m = np.arange(3).astype(dt), np.arange(4).reshape(2, 2).astype(dt)
        for x1, x2 in [(v, m), (m, v), (v, np.float32(2) * v)]:
            got, want = xnp.outer(jnp.asarray(x1), jnp.asarray(x2)), np.outer(x1, x2)
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(np.asarray(got), want)
    assert xnp.outer(jnp.zeros(0), jnp.ones(3)).shape == (0, 3)
    np.testing.assert_array_equal(np.asarray(jax.jit(xnp.outer)(jnp.arange(3.0), jnp.ones(2))),
                                  np.outer(np.arange(3.0), np.ones(2)))
    x = np.arange(24).reshape(4, 6)
    for ios, axis in [(2, 0), (3, -1), ([1, 4], 1), ([4, 2], 1), ([9], 0), ((), 0)]:
        for op in ("split", "array_split"):
            got, want = getattr(xnp, op)(jnp.asarray(x), ios, axis=axis), \
                getattr(np, op)(x, ios, axis=axis)
            assert type(got) is list and len(got) == len(want)
            for g, w in zip(got, want):
                np.testing.assert_array_equal(np.asarray(g), w)
    shapes = [p.shape for p in xnp.array_split(jnp.asarray(x), 4, axis=1)]
    assert shapes == [(4, 2), (4, 2), (4, 1), (4, 1)]
    with pytest.raises(ValueError, match="split"):
        xnp.split(jnp.asarray(x), 4, axis=1)
    with pytest.raises(ValueError, match="split: axis 2"):
        xnp.split(jnp.asarray(x), 2, axis=2)
    pieces = jax.jit(lambda a: xnp.split(a, 2, axis=1))(jnp.asarray(x))
    np.testing.assert_array_equal(np.asarray(pieces[1]), x[:, 3:])
    a3 = np.arange(24).reshape(2, 3, 4).astype(np.uint8)
    for i, j in [(0, 2), (-1, 1), (1, 1)]:
        np.testing.assert_array_equal(np.asarray(xnp.swapaxes(jnp.asarray(a3), i, j)),
                                      np.swapaxes(a3, i, j))
    with pytest.raises(ValueError, match="swapaxes: axis2 3"):
        xnp.swapaxes(jnp.asarray(a3), 0, 3)
    with pytest.raises(TypeError):
        xnp.swapaxes(jnp.asarray(a3), True, True)


def test_concatenate_and_swapaxes_call_jax_from_c():
    """concatenate of arrays of one dtype and rank (with or without an int axis) and
    swapaxes of int axes in range: jax's own functions from the C front (AT_DEFAULTS,
    AT_OPTIONS), with the generated functions' values, dtypes and errors; other calls
    (mixed dtypes, which crossops promotes, mixed ranks, 0-d items, axes out of range or
    None, an empty list, a 0-d swapaxes) take the op's path."""
    from crossops._accel import FRONTS
    m, v = np.arange(6.0, dtype=np.float32).reshape(2, 3), np.arange(3, dtype=np.int8)
    cases = [([m, m], {}), ((m, m), {"axis": 1}), ([m, m], {"axis": -1}), ([m], {"axis": 0}),
             ([m, m.astype(np.int8)], {"axis": 0}), ([m, v], {"axis": 0}), ([v, v], {}),
             ([m, m], {"axis": 2}), ([m, m], {"axis": None}), ([np.float32(1)] * 2, {}),
             ([], {}), ([np.zeros((0, 3), np.float32), m], {}), ([v > 0, v > 1], {}),
             ([m.astype(jnp.bfloat16)] * 2, {"axis": 1})]

    for front in (xnp.concatenate, kops.concatenate):
        for arrays, kwargs in cases:
            arrays = type(arrays)(jnp.asarray(a) for a in arrays)
            for _ in range(2):  # the first call fills the caches, the second takes the front
                assert _outcome(front, arrays, **kwargs) == _outcome(
                    FRONTS[front], arrays, **kwargs), (arrays, kwargs)
    a3 = jnp.asarray(np.arange(24.0).reshape(2, 3, 4))
    for x, i, j in [(a3, 0, 2), (a3, -1, 1), (a3, 0, 3), (a3, -4, 0), (jnp.asarray(1.0), 0, 0),
                    (a3, True, 0)]:
        for _ in range(2):
            assert _outcome(xnp.swapaxes, x, i, j) == _outcome(FRONTS[xnp.swapaxes], x, i, j)


def test_full_linspace_any_all():
    """full and linspace as one compiled call: jax's values, dtypes and weak types;
    any and all as jax's, complex read as NumPy does."""
    for value in (2.0, 0.1, 7, True):
        for dtype in (None, "float32", "float16", "int8", "complex64"):
            want = jnp.full((2, 3), value, None if dtype is None else jnp.dtype(dtype))
            got = xnp.full((2, 3), value, dtype=dtype, like=jnp.zeros(()))
            assert (got.dtype, got.weak_type) == (want.dtype, want.weak_type)
            np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    assert kops.full((2,), 7).dtype == jnp.float32
    with crossops.use_backend("jax"):
        got = xnp.linspace(0, 1, 5)
    assert isinstance(got, jax.Array)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(jnp.linspace(0, 1, 5)))
    c = np.array([[True, False], [True, True]])
    z = np.array([[1j, 0], [1, 1]], np.complex64)
    for x in (c, c.astype(np.float32), z):
        for op in ("any", "all"):
            for kw in ({}, {"axis": 0}, {"axis": -1, "keepdims": True}):
                got = getattr(xnp, op)(jnp.asarray(x), **kw)
                np.testing.assert_array_equal(np.asarray(got), getattr(np, op)(x, **kw))
