"""crossops.numpy.linalg.qr's NumPy modes ``'r'`` and ``'raw'`` on every backend, against
NumPy: ``'raw'`` is LAPACK geqrf's ``(h, tau)`` with h transposed (numpy, jax and torch
call geqrf; TensorFlow runs its Householder steps). keras.ops.qr takes ``'reduced'`` and
``'complete'`` only, as Keras (ValueError otherwise)."""

from __future__ import annotations

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp
import crossops.ops as ops
from crossops._backend import backend_of

from .backends import backend_context, to_backend, to_numpy

_RNG = np.random.default_rng(12)


def _normal(*shape, dtype=np.float64):
    x = _RNG.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * _RNG.standard_normal(shape)
    return x.astype(dtype)


#: name -> the matrices (NumPy computes them in their own dtype; integers in float64)
CASES = {
    "tall": _normal(5, 3),
    "wide": _normal(2, 5),
    "square float32": _normal(4, 4, dtype=np.float32),
    "stack": _normal(2, 3, 4),
    "stack float32": _normal(3, 4, 2, dtype=np.float32),
    "complex128": _normal(3, 3, dtype=np.complex128),
    "complex64 wide": _normal(2, 3, dtype=np.complex64),
    "complex, a real zero column below alpha": np.array([[1 + 1j, 1], [0, 2]]),
    "zeros": np.zeros((3, 3)),
    "zero column below the diagonal": np.array([[2.0, 1.0], [0.0, 2.0], [0.0, 0.0]]),
    "integers": np.array([[2, -1, 0], [1, 3, 1], [0, 1, 4], [5, 0, 1]]),
    "no rows": np.ones((0, 3)),
    "no columns": np.ones((3, 0)),
    "empty stack": np.ones((0, 2, 2)),
    "large entries": np.array([[1e200, 3e200], [4e200, 1e199]]),
    "tiny entries": np.array([[1e-200, 3e-200], [4e-200, 1e-201]]),
}


def _tolerance(dtype) -> float:
    return 1e-5 if dtype in (np.float32, np.complex64) else 1e-12


def _reconstruct(h, tau):
    """Q @ R from geqrf's (h, tau) (h transposed, as NumPy gives it), per matrix."""
    if h.ndim > 2:
        return np.stack([_reconstruct(a, t) for a, t in zip(h, tau)]) if len(h) else \
            np.zeros(h.shape[:-2] + h.shape[::-1][:2], h.dtype)
    a = h.T
    m, n = a.shape
    q = np.eye(m, dtype=a.dtype)
    for i in range(len(tau)):
        v = np.zeros(m, a.dtype)
        v[i], v[i + 1:] = 1, a[i + 1:, i]
        q = q @ (np.eye(m, dtype=a.dtype) - tau[i] * np.outer(v, v.conj()))
    return q @ np.triu(a)


@pytest.mark.parametrize("case", list(CASES))
def test_raw_is_numpys(backend, case):
    x = CASES[case]
    h0, tau0 = np.linalg.qr(x, mode="raw")
    with backend_context(backend):  # (jax: x64 on, for float64 and complex128)
        out = xnp.linalg.qr(to_backend(backend, x), mode="raw")
        assert type(out) is tuple and len(out) == 2
        assert all(backend_of(t) == backend for t in out)
        h, tau = to_numpy(out)
    assert (h.dtype, h.shape, tau.dtype, tau.shape) == (h0.dtype, h0.shape, tau0.dtype, tau0.shape)
    tol = _tolerance(h0.dtype)
    scale = np.abs(x).max() if x.size else 1.0
    np.testing.assert_allclose(h, h0, rtol=tol, atol=tol * scale)
    np.testing.assert_allclose(tau, tau0, rtol=tol, atol=tol)
    if x.size:  # Q R is the input (large entries: their norms do not overflow)
        np.testing.assert_allclose(_reconstruct(h, tau), x, rtol=tol * 10, atol=tol * 10 * scale)


@pytest.mark.parametrize("x", [np.outer([1.0, 2.0, 3.0], [1.0, -1.0]),
                               np.arange(12).reshape(4, 3)], ids=["rank one", "rank two"])
def test_raw_of_a_rank_deficient_matrix(backend, x):
    """Past the rank, the columns left are rounding noise, and so are their reflectors
    (they differ between LAPACKs too): the first ones equal NumPy's, and Q R is x."""
    h0, tau0 = np.linalg.qr(x, mode="raw")
    with backend_context(backend):
        h, tau = to_numpy(xnp.linalg.qr(to_backend(backend, x), mode="raw"))
    rank = np.linalg.matrix_rank(x)
    np.testing.assert_allclose(h[:rank], h0[:rank], rtol=1e-12, atol=1e-12 * np.abs(x).max())
    np.testing.assert_allclose(tau[:rank], tau0[:rank], rtol=1e-12)
    np.testing.assert_allclose(_reconstruct(h, tau), x, atol=1e-12 * np.abs(x).max())


def test_raw_of_a_negative_zero_alpha(backend):
    """A real alpha of -0.0: NumPy's LAPACK counts it as negative; torch's may not (the
    reflector's sign is LAPACK's choice). Both factor the input."""
    x = np.array([[-0.0, 1.0], [1.0, 2.0]])
    with backend_context(backend):
        h, tau = to_numpy(xnp.linalg.qr(to_backend(backend, x), mode="raw"))
    np.testing.assert_allclose(_reconstruct(h, tau), x, atol=1e-12)
    h0, tau0 = np.linalg.qr(x, mode="raw")
    np.testing.assert_array_equal(tau, tau0)
    if backend != "torch":
        np.testing.assert_array_equal(h, h0)


def test_raw_float32_matches_in_float32(backend):
    x = _normal(6, 4, dtype=np.float32)
    h, tau = to_numpy(xnp.linalg.qr(to_backend(backend, x), mode="raw"))
    assert h.dtype == tau.dtype == np.float32
    h0, tau0 = np.linalg.qr(x, mode="raw")
    np.testing.assert_allclose(h, h0, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tau, tau0, rtol=1e-5, atol=1e-5)


def test_raw_compiled(cbackend):
    x = _normal(4, 3, dtype=np.float32)
    h, tau = to_numpy(crossops.jit(lambda a: xnp.linalg.qr(a, mode="raw"))(
        to_backend(cbackend, x)))
    h0, tau0 = np.linalg.qr(x, mode="raw")
    np.testing.assert_allclose(h, h0, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tau, tau0, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("how", ["keyword", "position"])
def test_r_mode_after_the_cache_is_warm(backend, how):
    """The C front takes qr(x) alone: mode='r' (and 'raw') always reach NumPy's forms,
    also once the op's cache holds the backend (torch's own 'r' gives an empty Q)."""
    x = _normal(4, 3)
    with backend_context(backend):
        a = to_backend(backend, x)
        xnp.linalg.qr(a)
        r = xnp.linalg.qr(a, mode="r") if how == "keyword" else xnp.linalg.qr(a, "r")
        raw = xnp.linalg.qr(a, mode="raw") if how == "keyword" else xnp.linalg.qr(a, "raw")
    r0 = np.linalg.qr(x, mode="r")
    np.testing.assert_allclose(np.abs(to_numpy(r)), np.abs(r0), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(to_numpy(raw[1]), np.linalg.qr(x, mode="raw")[1], rtol=1e-10)


def test_raw_errors(backend):
    with pytest.raises(np.linalg.LinAlgError):  # NumPy's: at least two dimensions
        np.linalg.qr(np.ones(3), mode="raw")
    with pytest.raises(ValueError, match="qr: 1-dimensional array given"):
        xnp.linalg.qr(to_backend(backend, np.ones(3)), mode="raw")
    with pytest.raises(TypeError):  # NumPy's: float16 is unsupported in linalg
        np.linalg.qr(np.ones((2, 2), np.float16), mode="raw")
    with pytest.raises(TypeError, match="qr: array type float16 is unsupported"):
        xnp.linalg.qr(to_backend(backend, np.ones((2, 2), np.float16)), mode="raw")
    with pytest.raises(ValueError, match="mode must be"):
        xnp.linalg.qr(to_backend(backend, np.ones((2, 2))), mode="full")


@pytest.mark.parametrize("mode", ["raw", "r", "economic"])
def test_keras_qr_takes_reduced_and_complete_only(backend, mode):
    """keras.ops.qr raises ValueError for any other mode on every Keras backend."""
    x = to_backend(backend, _normal(3, 2, dtype=np.float32))
    ops.qr(x)  # (the op's cache warm: the C front must not take the call either)
    with pytest.raises(ValueError, match="mode must be 'reduced' or 'complete'"):
        ops.qr(x, mode=mode)
    q, r = ops.qr(x, mode="complete")
    assert tuple(q.shape) == (3, 3) and tuple(r.shape) == (3, 2)
