"""``crossops.numpy.vectorize``: a Python function mapped over its arguments' leading
(broadcast) axes, run per call on the arguments' backend, against ``numpy.vectorize``."""

from __future__ import annotations

import numpy as np
import pytest

import crossops.numpy as xnp

from .backends import backend_context, native_types, to_backend, to_numpy


def _scaled_sum(a, b):
    return a * 2 + b


def _matvec(m, v):
    return xnp.matmul(m, v)


def _check(got, want, backend):
    for g, w in zip(got, want) if isinstance(want, tuple) else [(got, want)]:
        assert isinstance(g, native_types(backend)), type(g)
        g = to_numpy(g)
        assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, g.shape, w.dtype, w.shape)
        np.testing.assert_allclose(g, w, rtol=1e-6)


def test_elementwise_broadcasts_like_numpy(backend):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([1.0, -1.0, 0.5], np.float32)
    want = np.vectorize(_scaled_sum)(a, b)
    with backend_context(backend):
        got = xnp.vectorize(_scaled_sum)(to_backend(backend, a), to_backend(backend, b))
        _check(got, want, backend)


def test_lists_and_numbers_take_the_default_backend(backend):
    want = np.vectorize(_scaled_sum)([1, 2, 3, 4], 2)
    with backend_context(backend):
        _check(xnp.vectorize(_scaled_sum)([1, 2, 3, 4], 2), want, backend)


def test_signature_maps_core_dimensions(backend):
    m = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7
    v = np.array([1.0, 0.5, -2.0, 3.0])
    want = np.vectorize(np.matmul, signature="(m,n),(n)->(m)")(m, v)
    with backend_context(backend):
        f = xnp.vectorize(_matvec, signature="(m,n),(n)->(m)")
        _check(f(to_backend(backend, m), to_backend(backend, v)), want, backend)


def test_several_outputs(backend):
    x = np.arange(5, dtype=np.float64)

    def pair(a):
        return a + 1, a * a

    want = np.vectorize(pair, signature="()->(),()")(x)
    with backend_context(backend):
        got = xnp.vectorize(pair, signature="()->(),()")(to_backend(backend, x))
        assert isinstance(got, tuple) and len(got) == 2
        _check(got, want, backend)


def test_excluded_arguments_pass_unchanged(backend):
    x = np.arange(4, dtype=np.float64)
    calls = []

    def power(a, p, *, scale):
        calls.append((type(p), type(scale)))
        return a ** p * scale

    want = np.vectorize(power, excluded={1, "scale"})(x, 3, scale=0.5)
    with backend_context(backend):
        got = xnp.vectorize(power, excluded={1, "scale"})(to_backend(backend, x), 3, scale=0.5)
        _check(got, want, backend)
    assert calls and all(c == (int, float) for c in calls)


def test_data_dependent_python_runs_row_by_row(backend):
    x = np.array([-2.0, 3.0, -0.5])

    def absolute(a):
        return a if float(a) > 0 else -a

    f = xnp.vectorize(absolute)
    with backend_context(backend):
        if backend == "jax":  # jax.numpy.vectorize traces pyfunc: no Python on its values
            with pytest.raises(TypeError):
                f(to_backend(backend, x))
            return
        _check(f(to_backend(backend, x)), np.vectorize(absolute)(x), backend)


def test_compiled_gives_the_eager_result(cbackend):
    m = np.arange(12, dtype=np.float32).reshape(3, 4) / 5
    v = np.array([1.0, -1.0, 2.0, 0.5], np.float32)
    f = xnp.vectorize(_matvec, signature="(n),(n)->()")
    with backend_context(cbackend):
        args = (to_backend(cbackend, m), to_backend(cbackend, v))
        eager = to_numpy(f(*args))
        if cbackend == "jax":
            import jax
            compiled = to_numpy(jax.jit(f)(*args))
        else:
            import tensorflow as tf
            compiled = to_numpy(tf.function(f)(*args))
    np.testing.assert_allclose(compiled, eager, rtol=1e-6)
    np.testing.assert_allclose(eager, m @ v, rtol=1e-6)


def test_size_zero_batch(backend):
    x = np.zeros((0,), np.float32)
    with backend_context(backend):
        f = xnp.vectorize(_scaled_sum)
        if backend == "jax":  # vmap traces pyfunc once, without values
            assert to_numpy(f(to_backend(backend, x), to_backend(backend, x))).shape == (0,)
            return
        with pytest.raises(ValueError, match="size-0"):  # as numpy.vectorize without otypes
            f(to_backend(backend, x), to_backend(backend, x))


def test_bad_input_raises(backend):
    with pytest.raises(TypeError, match="vectorize: pyfunc must be callable"):
        xnp.vectorize(3)
    with pytest.raises(ValueError, match="signature must read like"):
        xnp.vectorize(_matvec, signature="(m,n)(n)->(m)")
    if backend == "jax":
        return  # the other checks are jax.numpy.vectorize's own
    with backend_context(backend):
        m = to_backend(backend, np.ones((2, 3)))
        v = to_backend(backend, np.ones(4))
        with pytest.raises(ValueError, match="core dimension 'n'"):
            xnp.vectorize(_matvec, signature="(m,n),(n)->(m)")(m, v)
        with pytest.raises(ValueError, match="has 2 inputs"):
            xnp.vectorize(_matvec, signature="(m,n),(n)->(m)")(m)


def test_numpy_arrays_convert_and_two_backends_raise():
    """NumPy arrays are host data: beside torch tensors they convert to torch; arrays of
    two backends other than NumPy raise."""
    pytest.importorskip("torch")
    import torch
    out = xnp.vectorize(_scaled_sum)(np.ones(2), torch.ones(2))
    assert isinstance(out, torch.Tensor) and out.tolist() == [3.0, 3.0]
    pytest.importorskip("jax")
    import jax.numpy as jnp
    with pytest.raises(TypeError, match="two backends"):
        xnp.vectorize(_scaled_sum)(jnp.ones(2), torch.ones(2))
