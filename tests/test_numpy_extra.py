"""The functions of spec/numpy_extra.toml that the conformance suite does not draw
(dtype functions, nested blocks, errors), and their signatures against NumPy's."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import crossops.numpy as xnp
from crossops._spec import load_spec

from ._chapters import chapter_tests
from .backends import backend_context, to_backend, to_numpy

EXTRA = sorted(s.name for s in load_spec().values() if s.chapter == "numpy_extra")
#: NumPy's gufuncs default axes= and axis= to its internal no-value marker, which a
#: signature written as text cannot name: crossops defaults them to None
NO_VALUE = {"matvec": {"axes", "axis"}, "vecmat": {"axes", "axis"}}


@pytest.mark.parametrize("name", EXTRA)
def test_signature_is_numpys(name):
    ours = inspect.signature(getattr(xnp, name)).parameters
    theirs = inspect.signature(getattr(np, name)).parameters
    assert list(ours) == list(theirs), name
    for p, q in zip(ours.values(), theirs.values()):
        assert p.kind == q.kind, (name, p.name)
        if p.name not in NO_VALUE.get(name, ()):
            assert p.default == q.default, (name, p.name)


def test_isscalar(backend):
    with backend_context(backend):
        for v in (1, 1.5, 1j, True, "a", np.float32(1)):
            assert xnp.isscalar(v) is True
        for v in ([1], (1,), None, to_backend(backend, np.asarray(1.0)),
                  to_backend(backend, np.ones(2))):
            assert xnp.isscalar(v) is False


def test_promote_types(backend):
    with backend_context(backend):
        f32 = xnp.promote_types("int32", "float32")
        assert np.dtype(to_numpy(xnp.zeros(1, dtype=f32)).dtype) == np.float32
        assert xnp.promote_types("int8", "uint8") == xnp.promote_types(np.int8, np.uint8)
        # crossops's table: an integer with a float gives that float (NumPy: float64)
        f16 = xnp.promote_types("int32", "float16")
        assert to_numpy(xnp.zeros(1, dtype=f16)).dtype == np.float16


def test_nested_block(backend):
    a = np.arange(4.0).reshape(2, 2)
    b = np.ones((2, 1))
    c = np.zeros((1, 3))
    want = np.block([[a, b], [c]])
    with backend_context(backend):
        got = xnp.block([[to_backend(backend, a), to_backend(backend, b)],
                         [to_backend(backend, c)]])
    np.testing.assert_array_equal(to_numpy(got), want)
    with pytest.raises(ValueError, match="depths are mismatched"):
        xnp.block([[a], b])
    with pytest.raises(TypeError, match="tuple"):
        xnp.block((a, b))


def test_inputs_are_not_mutated(backend):
    x = np.array([3.0, 1.0, 2.0, 0.0])
    with backend_context(backend):
        t = to_backend(backend, x)
        xnp.insert(t, [1, 1], 9.0)
        xnp.delete(t, [0])
        xnp.partition(t, 1)
        xnp.unwrap(t)
        xnp.polydiv(t, to_backend(backend, np.array([1.0, 1.0])))
        np.testing.assert_array_equal(to_numpy(t), x)


def test_errors_name_the_op():
    with pytest.raises(TypeError, match="out="):
        xnp.rint(np.ones(2), out=np.ones(2))
    with pytest.raises(ValueError, match="where="):
        xnp.degrees(np.ones(2), where=np.ones(2, bool))
    with pytest.raises(IndexError, match="delete"):
        xnp.delete(np.ones(3), 5)
    with pytest.raises(ValueError, match="choose"):
        xnp.choose(np.array([0, 3]), [np.ones(2), np.zeros(2)])
    with pytest.raises(ValueError, match="gradient"):
        xnp.gradient(np.ones(1))


PAD_WIDTHS = [0, 2, (1, 2), [(1, 0), (0, 2)], ((1,), (2,)), [[1, 2]], [1],
              np.array([[1, 2], [3, 0]]), np.int64(2)]


@pytest.mark.parametrize("pad_width", PAD_WIDTHS, ids=repr)
def test_pad_widths_broadcast_as_numpys(backend, pad_width):
    x = np.arange(6.0).reshape(2, 3)
    with backend_context(backend):
        got = to_numpy(xnp.pad(to_backend(backend, x), pad_width))
    np.testing.assert_array_equal(got, np.pad(x, pad_width))


@pytest.mark.parametrize("pad_width", [1.5, [(1, 2, 3)], [-1], [(1, 1)] * 3], ids=repr)
def test_bad_pad_widths_raise_numpys_error_types(backend, pad_width):
    x = np.arange(6.0).reshape(2, 3)
    with pytest.raises(Exception) as want:
        np.pad(x, pad_width)
    with backend_context(backend), pytest.raises(want.type, match="pad"):
        xnp.pad(to_backend(backend, x), pad_width)


# -- the spec-driven suites' cases for this chapter's ops, each once (tests/_chapters.py) ------

CHAPTER = "numpy_extra"
globals().update(chapter_tests(CHAPTER))
