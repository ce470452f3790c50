"""NumPy's ``like=`` in crossops.numpy's creation functions: the result is an array of
``like``'s backend (on its device on torch), with NumPy's values and the dtypes the
backend's creation functions give; eagerly and under ``crossops.jit``."""

from __future__ import annotations

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp
from crossops._backend import backend_of

from .backends import to_backend, to_numpy

#: name -> (crossops call, NumPy's call), both taking ``like``
CALLS = {
    "zeros": (lambda like: xnp.zeros((2, 3), like=like),
              lambda like: np.zeros((2, 3), like=like)),
    "ones": (lambda like: xnp.ones(4, dtype="int32", like=like),
             lambda like: np.ones(4, dtype="int32", like=like)),
    "full": (lambda like: xnp.full((2,), 7, like=like),
             lambda like: np.full((2,), 7, like=like)),
    "arange": (lambda like: xnp.arange(1, 7, 2, like=like),
               lambda like: np.arange(1, 7, 2, like=like)),
    "eye": (lambda like: xnp.eye(3, 2, k=-1, like=like),
            lambda like: np.eye(3, 2, k=-1, like=like)),
    "empty": (lambda like: xnp.empty((0, 2), like=like),
              lambda like: np.empty((0, 2), like=like)),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_like_gives_an_array_of_likes_backend(name, backend):
    ours, numpy = CALLS[name]
    host = np.ones(3, np.float32)
    like = to_backend(backend, host)
    other = "jax" if backend != "jax" else "numpy"
    with crossops.use_backend(other):  # like= wins over the default backend
        out = ours(like)
    assert backend_of(out) == backend
    expected = numpy(host)
    got = to_numpy(out)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected.astype(got.dtype))
    with crossops.use_backend(backend):  # the dtype the backend's own call gives
        plain = to_numpy(CALLS[name][0](None))
    assert got.dtype == plain.dtype


def test_like_under_jit(backend):
    like = to_backend(backend, np.arange(3, dtype=np.float32))

    def f(x):
        return x + xnp.ones(3, dtype="float32", like=x)

    out = crossops.jit(f)(like)
    assert backend_of(out) == backend
    np.testing.assert_array_equal(to_numpy(out), [1.0, 2.0, 3.0])


def test_like_takes_the_torch_device_unless_device_is_given():
    torch = pytest.importorskip("torch")
    like = torch.ones(2, device="meta")
    assert xnp.zeros(3, like=like).device == like.device
    assert xnp.zeros(3, like=like, device="cpu").device == torch.device("cpu")


def test_like_must_be_an_array():
    with pytest.raises(TypeError, match="zeros: like must be an array"):
        xnp.zeros(2, like=[1.0, 2.0])
