"""The JAX backend's functions that the C fronts call straight away (``AT_DEFAULTS``,
``AT_OPTIONS``) and its shortened paths (issue 19): the same values, dtypes and errors as
the ops' own functions, eagerly and under jax.jit."""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = jax.numpy

import crossops.numpy as xnp  # noqa: E402
from crossops import nn  # noqa: E402
from crossops import ops as kops  # noqa: E402

X = np.array([[1e-40, 0.0, -1.0, np.nan], [3.0, 5.0, 5.0, -0.0], [2.0, -3.0, 0.5, 1.0]],
             np.float32)


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


def test_jit():
    a = jnp.asarray(X[1:])

    def f(x):  # (under jit the array arguments are tracers: their own cache entries)
        y = xnp.exp(x) + nn.sigmoid(x) + nn.log_softmax(x, axis=-1)
        return y + xnp.mean(x, axis=0, keepdims=True)

    np.testing.assert_allclose(jax.jit(f)(a), f(a), rtol=1e-5)
