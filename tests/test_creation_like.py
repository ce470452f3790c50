"""NumPy's ``like=`` in crossops.numpy's creation and conversion functions (``asarray``,
``array``, ``asanyarray``, ``ascontiguousarray``): the result is an array of ``like``'s
backend (on its device on torch), with NumPy's values and the dtypes the backend's
creation functions give; eagerly and under ``crossops.jit``."""

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
    "identity": (lambda like: xnp.identity(3, like=like),
                 lambda like: np.identity(3, like=like)),
    "identity_int": (lambda like: xnp.identity(2, "int16", like=like),
                     lambda like: np.identity(2, "int16", like=like)),
    "identity_empty": (lambda like: xnp.identity(0, like=like),
                       lambda like: np.identity(0, like=like)),
    # the conversions: Python data and NumPy arrays onto like's backend
    "asarray": (lambda like: xnp.asarray([[1, 2.5], [-3, 0]], like=like),
                lambda like: np.asarray([[1, 2.5], [-3, 0]], like=like)),
    "asarray_dtype": (lambda like: xnp.asarray([1, 2], dtype="int8", like=like),
                      lambda like: np.asarray([1, 2], dtype="int8", like=like)),
    "asarray_ndarray": (lambda like: xnp.asarray(np.arange(3, dtype=np.int16), like=like),
                        lambda like: np.asarray(np.arange(3, dtype=np.int16), like=like)),
    "asarray_scalar": (lambda like: xnp.asarray(True, like=like),
                       lambda like: np.asarray(True, like=like)),
    "asarray_empty": (lambda like: xnp.asarray([], dtype="float32", like=like),
                      lambda like: np.asarray([], dtype="float32", like=like)),
    "array": (lambda like: xnp.array([[1, 2], [3, 4]], like=like),
              lambda like: np.array([[1, 2], [3, 4]], like=like)),
    "asanyarray": (lambda like: xnp.asanyarray([1.5, 2.5], like=like),
                   lambda like: np.asanyarray([1.5, 2.5], like=like)),
    "ascontiguousarray": (lambda like: xnp.ascontiguousarray(4.0, like=like),
                          lambda like: np.ascontiguousarray(4.0, like=like)),
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
    if name.startswith("asarray") and backend == "numpy":  # NumPy's dtypes exactly
        assert got.dtype == expected.dtype


@pytest.mark.parametrize("to", ["numpy", "jax", "torch", "tensorflow"])
def test_asarray_like_keeps_or_moves_an_array(backend, to):
    """An array of like's backend (or a NumPy array, or any array with a NumPy like, as
    NumPy's own like=) converts; an array of another non-NumPy backend raises TypeError,
    naming both, as any call mixing two backends."""
    host = np.array([1.5, -2.0], np.float32)
    x = to_backend(backend, host)
    like = to_backend(to, np.zeros(1, np.float32))
    if backend in ("numpy", to) or to == "numpy":
        out = xnp.asarray(x, like=like)
        assert backend_of(out) == to
        got = to_numpy(out)
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, host)
        if backend == to:  # nothing to convert: the array itself, as without like
            assert xnp.asarray(x, like=like) is x
    else:
        with pytest.raises(TypeError, match=f"asarray: like is a {to} array and the data "
                                            f"a {backend} array"):
            xnp.asarray(x, like=like)


def test_asarray_like_dtype_and_copy():
    host = np.arange(4, dtype=np.int32)
    like = np.zeros(1)
    out = xnp.asarray(host, dtype="float16", like=like)
    np.testing.assert_array_equal(out, np.asarray(host, dtype="float16", like=like))
    assert out.dtype == np.float16
    assert xnp.asarray(host, like=like) is host
    copied = xnp.asarray(host, copy=True, like=like)
    assert copied is not host and np.array_equal(copied, host)
    with pytest.raises(ValueError):  # NumPy: a copy is needed for the dtype change
        np.asarray(host, dtype="float16", copy=False, like=like)
    with pytest.raises(ValueError, match="asarray"):
        xnp.asarray(host, dtype="float16", copy=False, like=like)


def test_like_under_jit(backend):
    like = to_backend(backend, np.arange(3, dtype=np.float32))

    def f(x):
        return x + xnp.ones(3, dtype="float32", like=x)

    out = crossops.jit(f)(like)
    assert backend_of(out) == backend
    np.testing.assert_array_equal(to_numpy(out), [1.0, 2.0, 3.0])


@pytest.mark.parametrize("name", ["asarray", "array"])
def test_conversion_like_under_jit(backend, name):
    x = to_backend(backend, np.arange(3, dtype=np.float32))

    def f(x):
        return x * getattr(xnp, name)([2.0, -1.0, 0.5], dtype="float32", like=x)

    out = crossops.jit(f)(x)
    assert backend_of(out) == backend
    np.testing.assert_array_equal(to_numpy(out), [0.0, -1.0, 1.0])


def test_like_takes_the_torch_device_unless_device_is_given():
    torch = pytest.importorskip("torch")
    like = torch.ones(2, device="meta")
    assert xnp.zeros(3, like=like).device == like.device
    assert xnp.zeros(3, like=like, device="cpu").device == torch.device("cpu")
    assert xnp.asarray([1.0, 2.0], like=like).device == like.device
    assert xnp.asarray(np.ones(2), like=like, device="cpu").device == torch.device("cpu")
    assert xnp.identity(2, like=like).device == like.device


def test_like_must_be_an_array():
    with pytest.raises(TypeError, match="zeros: like must be an array"):
        xnp.zeros(2, like=[1.0, 2.0])
    with pytest.raises(TypeError, match="asarray: like must be an array"):
        xnp.asarray([1.0], like=3.0)
    with pytest.raises(TypeError, match="identity: like must be an array"):
        xnp.identity(2, like=[1.0])
    with pytest.raises(TypeError, match="tri: like must be an array"):  # as NumPy's
        xnp.tri(2, like=[1.0])
