"""crossops.numpy.einsum with NumPy's signature, ``(*operands, out=None, optimize=False,
**kwargs)`` taking ``dtype``, ``casting`` and ``order``, against NumPy on every backend;
crossops.ops.einsum keeps Keras's ``(subscripts, *operands, **kwargs)``."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import crossops.numpy as xnp
import crossops.ops as ops
from crossops._backend import backend_of

from .backends import backend_context, to_backend, to_numpy

_A8 = np.array([[1, -2], [3, 100]], np.int8)
_F = np.array([[0.5, 1.5], [-2.25, 3.0]])
_V = np.array([1.0, -1.0])

#: name -> (args: NumPy arrays and labels, keywords), each taken by NumPy
CASES = {
    "int8 in float32": (("ij->", _A8), {"dtype": "float32"}),
    "int8 sum in int8 wraps": (("ij->j", _A8), {"dtype": "int8"}),
    "int8 by int8 in int16": (("ij,jk->ik", _A8, _A8), {"dtype": "int16"}),
    "float64 in float32, same_kind": (("ij,j->i", _F, _V), {"dtype": "float32",
                                                          "casting": "same_kind"}),
    "float64 in int32, unsafe": (("ij->i", _F), {"dtype": "int32", "casting": "unsafe"}),
    "int8 and float64, safe": (("ij,j->i", _A8, _V), {"casting": "safe"}),
    "one dtype, casting no": (("ii", _F), {"casting": "no", "order": "F"}),
    "bool in int64": (("ij->i", _A8 > 0), {"dtype": "int64"}),
    "sublists in float32": ((_A8, [0, 1], np.array([1, 1], np.int8), [1], [0]),
                            {"dtype": "float32"}),
    "sublists, implicit output": ((_F, [1, 0]), {"casting": "equiv"}),
    "optimize": (("ij,jk,k->i", _F, _F, _V), {"optimize": True}),
    "optimize greedy, dtype": (("ij,jk->", _A8, _A8), {"optimize": "greedy", "dtype": "float64"}),
    "out None": (("i,i->", _V, _V), {"out": None}),
}


def _on(backend, args):
    return [to_backend(backend, a) if isinstance(a, np.ndarray) else a for a in args]


@pytest.mark.parametrize("case", list(CASES))
def test_einsum_is_numpys(backend, case):
    args, kwargs = CASES[case]
    want = np.asarray(np.einsum(*args, **kwargs))
    with backend_context(backend):  # (jax: x64 on, for int64 and float64)
        out = xnp.einsum(*_on(backend, args), **kwargs)
        assert backend_of(out) == backend
        got = to_numpy(out)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-6)


#: name -> (args, keywords, the error NumPy raises, which crossops raises too)
ERRORS = {
    "float64 to float32, safe": (("ij->", _F), {"dtype": "float32"}, TypeError),
    "int16 to int8, safe": (("i,i", np.ones(2, np.int16), np.ones(2, np.int8)),
                            {"dtype": "int8"}, TypeError),
    "float64 to int32, same_kind": (("ij->", _F), {"dtype": "int32", "casting": "same_kind"},
                                    TypeError),
    "two dtypes, casting no": (("ij,j->i", _A8, _V), {"casting": "no"}, TypeError),
    "a bad casting": (("ij->", _F), {"casting": "bogus"}, ValueError),
    "a bad casting with dtype": (("ij->", _F), {"dtype": "float64", "casting": "bogus"},
                                 ValueError),
    "a bad order": (("ij->", _F), {"order": "X"}, ValueError),
    "an unknown keyword": (("ij->", _F), {"foo": 1}, TypeError),
    "no operands": ((), {"dtype": "float32"}, ValueError),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_einsum_raises_as_numpy(backend, case):
    args, kwargs, error = ERRORS[case]
    with pytest.raises(error):
        np.einsum(*args, **kwargs)
    with backend_context(backend), pytest.raises(error, match="einsum"):
        xnp.einsum(*_on(backend, args), **kwargs)


def test_out_is_not_written(backend):
    x = to_backend(backend, _F)
    with pytest.raises(TypeError, match="einsum: out= is not supported"):
        xnp.einsum("ij->i", x, out=to_backend(backend, np.zeros(2)))


def test_signatures():
    theirs = inspect.signature(np.einsum)
    ours = inspect.signature(xnp.einsum)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == \
        [(p.name, p.kind, p.default) for p in theirs.parameters.values()]
    keras = [(p.name, p.kind) for p in inspect.signature(ops.einsum).parameters.values()]
    P = inspect.Parameter
    assert keras == [("subscripts", P.POSITIONAL_OR_KEYWORD), ("operands", P.VAR_POSITIONAL),
                     ("kwargs", P.VAR_KEYWORD)]


def test_keras_form_passes_its_keywords(backend):
    """keras.ops.einsum's keywords still reach the backend's einsum (``optimize``)."""
    a = to_backend(backend, _F.astype(np.float32))
    got = to_numpy(ops.einsum("ij,jk->ik", a, a, optimize="greedy"))
    np.testing.assert_allclose(got, _F.astype(np.float32) @ _F.astype(np.float32), rtol=1e-6)
