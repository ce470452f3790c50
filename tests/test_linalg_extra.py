"""``crossops.numpy.linalg.jvp`` (keras.ops.linalg.jvp): forward-mode derivatives against
finite differences on the backends that differentiate; NumPy says it cannot."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import crossops.numpy as xnp
from crossops._spec import load_spec

from .backends import backend_context, to_backend, to_numpy

HAS_TRANSFORMS = importlib.util.find_spec("crossops._transforms") is not None
needs_transforms = pytest.mark.skipif(
    not HAS_TRANSFORMS, reason="crossops._transforms (crossops.jvp, which linalg.jvp calls) "
                               "is not in this tree yet")


def _fun(x, y):
    return xnp.sin(x) * y + x * x


def _finite_difference(x, y, dx, dy, h=1e-6):
    """Central difference of _fun in float64 NumPy along (dx, dy)."""
    def f(a, b):
        return np.sin(a) * b + a * a
    return (f(x + h * dx, y + h * dy) - f(x - h * dx, y - h * dy)) / (2 * h)


_rng = np.random.default_rng(0)
X, Y, DX, DY = (_rng.normal(size=(3, 2)) for _ in range(4))


@needs_transforms
@pytest.mark.parametrize("has_aux", [False, True])
def test_jvp_matches_finite_differences(backend, has_aux):
    if backend == "numpy":
        pytest.skip("numpy does not differentiate (test_jvp_on_numpy_names_the_backends)")
    with backend_context(backend):
        args = [to_backend(backend, a) for a in (X, Y, DX, DY)]

        def fun(x, y):
            out = _fun(x, y)
            return (out, xnp.sum(out)) if has_aux else out

        res = xnp.linalg.jvp(fun, (args[0], args[1]), (args[2], args[3]), has_aux=has_aux)
        assert len(res) == (3 if has_aux else 2)
        assert type(res[0]) is type(args[0])  # native arrays in, native arrays out
        out, tangent = to_numpy(res[0]), to_numpy(res[1])
    np.testing.assert_allclose(out, np.sin(X) * Y + X * X, rtol=1e-12)
    np.testing.assert_allclose(tangent, _finite_difference(X, Y, DX, DY), rtol=1e-6,
                               atol=1e-8)
    if has_aux:
        np.testing.assert_allclose(to_numpy(res[2]), np.sum(out), rtol=1e-12)


def test_jvp_on_numpy_names_the_backends():
    why = load_spec()["linalg.jvp"].unavailable("numpy")
    assert why and "automatic differentiation" in why
    x = np.ones(2)
    with pytest.raises(NotImplementedError, match="jax, torch, tensorflow"):
        xnp.linalg.jvp(xnp.sin, (x,), (x,))


# -- bad input raises the usual type, naming the op ------------------------------------------

_BAD = [
    ("lstsq", (np.ones((2, 2, 2)), np.ones((2, 2))), {}, "a must be a matrix"),
    ("lstsq", (np.ones((3, 2)), np.ones(2)), {}, "b must have shape"),
    ("solve_triangular", (np.ones((2, 3)), np.ones(2)), {}, "square"),
    ("solve_triangular", (np.eye(3), np.ones(2)), {}, "b must have shape"),
    ("cholesky_inverse", (np.ones((2, 3)),), {}, "square"),
    ("lu_factor", (np.ones(3),), {}, "at least two axes"),
    ("norm", (np.ones((2, 2, 2)),), {"ord": 1}, "1-d or 2-d"),
    ("norm", (np.ones((2, 2)),), {"ord": "fro", "axis": 0}, "for vectors"),
    ("norm", (np.ones((2, 2)),), {"ord": 3, "axis": (0, 1)}, "for matrices"),
    ("norm", (np.ones((2, 2)),), {"axis": (0, 0)}, "distinct axes"),
]


@pytest.mark.parametrize("name, args, kwargs, words", _BAD,
                         ids=[f"{b[0]}-{i}" for i, b in enumerate(_BAD)])
def test_bad_input_raises_value_error_naming_the_op(backend, name, args, kwargs, words):
    with backend_context(backend):
        arrays = [to_backend(backend, a) for a in args]
        with pytest.raises(ValueError, match=f"linalg.{name}.*{words}"):
            getattr(xnp.linalg, name)(*arrays, **kwargs)


@pytest.mark.parametrize("dtype", ["int32", "bool"])
def test_norm_of_integers_is_computed_in_the_default_float(backend, dtype):
    x = np.array([[3, 0], [4, 1]], dtype)
    with backend_context(backend):
        out = xnp.linalg.norm(to_backend(backend, x))
        default_float = xnp.__array_namespace_info__().default_dtypes()["real floating"]
        assert out.dtype == default_float
    np.testing.assert_allclose(to_numpy(out), np.linalg.norm(x.astype(np.float64)), rtol=1e-6)
