"""Chapter ``core_autodiff`` of the spec (spec/core_autodiff.toml): keras.ops core
autodiff ops, ``stop_gradient`` and ``custom_gradient``, on every backend, in float64,
against analytic derivatives (the transforms they meet: tests/test_transforms.py).

No spec-driven suite draws these two (they take functions, or block what the gradient
suites take): their tests are here.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp

from .backends import backend_context, to_backend
from .test_transforms import X, Y, close

CHAPTER = "core_autodiff"


def test_stop_gradient_blocks_gradients(dbackend):
    with backend_context(dbackend):
        x = to_backend(dbackend, X)
        g = crossops.grad(lambda x: xnp.sum(x * crossops.stop_gradient(x)))(x)
        jac = crossops.jacobian(lambda x: crossops.core.stop_gradient(x) * 2.0 + x)(x)
        value = crossops.stop_gradient(x)
    close(g, X)
    close(jac, np.eye(4))
    close(value, X)
    assert type(value) is type(x)


def test_stop_gradient_on_numpy_returns_the_values():
    out = crossops.stop_gradient(X)
    np.testing.assert_array_equal(out, X)
    assert crossops.stop_gradient is crossops.core.stop_gradient


@crossops.custom_gradient
def _log1pexp(x):
    # the backend-agnostic Keras form: called as grad(upstream)
    e = xnp.exp(x)

    def grad(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return upstream * (1.0 - 1.0 / (1.0 + e))

    return xnp.log(1.0 + e), grad


@crossops.custom_gradient
def _scaled_product(x, y, *, scale):
    # the PyTorch form of Keras (grad(*args, upstream)), two arguments, a tuple output
    def grad(x, y, *, upstream):
        up_p, up_s = upstream
        return 10.0 * up_p * y, 10.0 * (up_p * x + up_s)

    return (scale * x * y, y * 1.0), grad


def test_custom_gradient(dbackend):
    big = np.array([1.0, 50.0, 800.0])
    with backend_context(dbackend):
        x = to_backend(dbackend, big)
        value = _log1pexp(to_backend(dbackend, X))
        g = crossops.grad(lambda x: xnp.sum(_log1pexp(x)))(x)
        gx, gy = crossops.grad(
            lambda x, y: xnp.sum(_scaled_product(x, y, scale=3.0)[0])
            + xnp.sum(_scaled_product(x, y, scale=3.0)[1]), argnums=(0, 1))(
            to_backend(dbackend, X), to_backend(dbackend, Y))
    close(value, np.log1p(np.exp(X)))
    close(g, 1.0 / (1.0 + np.exp(-big)))  # finite where the plain gradient is nan
    close(gx, 10.0 * Y)
    close(gy, 10.0 * (X + 1.0))


def test_custom_gradient_on_numpy_returns_the_output():
    close(_log1pexp(X), np.log1p(np.exp(X)))
    close(_scaled_product(X, Y, scale=2.0), (2 * X * Y, Y))
    with pytest.raises(TypeError, match="custom_gradient"):
        crossops.custom_gradient(3)


def test_det_gradient_is_the_cofactor_matrix_also_where_singular(dbackend):
    """d det(a) / da is the cofactor matrix: through the inverse where a is invertible
    (tensorflow's own gradient, taken where the determinant read on the host is not 0),
    and where it is singular (no inverse there: crossops's own)."""
    for a, cofactors in ((np.array([[1.0, 2.0], [2.0, 4.0]]), [[4.0, -2.0], [-2.0, 1.0]]),
                         (np.array([[2.0, 1.0], [0.5, 3.0]]), [[3.0, -0.5], [-1.0, 2.0]])):
        with backend_context(dbackend):
            g = crossops.grad(xnp.linalg.det)(to_backend(dbackend, a))
        close(g, np.array(cofactors), rtol=1e-9, atol=1e-9)  # (an SVD where singular)
