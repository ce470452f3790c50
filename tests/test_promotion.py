"""One promotion table for every backend: the same input dtypes give the same result
dtype everywhere, the one in spec/promotion.toml (jax with x64 on, for this test only)."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest

import crossops.numpy as xnp
from crossops._backend import backend_module
from crossops._dispatch import PROMOTED_DISPATCH
from crossops._dtypes import CATEGORIES, DTYPE_NAMES, dtype_name, result_name

from ._spec_tests import spec_for_tests
from .backends import backend_context, to_backend
from .strategies import np_dtype

#: the spec chapter this module mirrors (spec/promotion.toml: a table, no ops, so no
#: spec-driven suite runs here; tests/_chapters.py)
CHAPTER = "promotion"

SPEC = spec_for_tests()
BINARY = sorted(q for q, s in SPEC.items()
                if s.dispatch in PROMOTED_DISPATCH and s.dispatch != "where")


def test_table_is_symmetric_and_follows_the_design():
    for a, b in itertools.product(DTYPE_NAMES, repeat=2):
        assert result_name(a, b) == result_name(b, a)
    assert result_name("int32", "float16") == "float16"
    assert result_name("int8", "uint8") == "int16"
    assert result_name("float32", "float64") == "float64"
    assert result_name("bool", "int8") == "int8"
    assert result_name("float64", "complex64") == "complex128"


def _pairs(spec, backend):
    native = backend_module(backend).DTYPES
    names = [d for d in spec.dtype_names if d in native]
    return [(a, b) for a, b in itertools.product(names, repeat=2)
            if result_name(a, b) in CATEGORIES[spec.dtypes]
            and not {a, b, result_name(a, b)} & spec.unsupported_dtypes(backend)]


@pytest.mark.parametrize("qualname", BINARY)
def test_every_dtype_pair_promotes_by_the_table(qualname, backend):
    spec = SPEC[qualname]
    if spec.unavailable(backend):
        pytest.skip(f"{qualname} is not available on {backend}: {spec.unavailable(backend)}")
    f = getattr(getattr(xnp, spec.namespace) if spec.namespace else xnp, spec.name)
    if backend == "jax":  # traced, not run: the same dispatch and result dtype, without
        import jax  # compiling one XLA program per dtype pair (minutes in all)
        f = functools.partial(jax.eval_shape, f)
    with backend_context(backend):
        for a, b in _pairs(spec, backend):
            x1 = to_backend(backend, np.ones((2, 2), np_dtype(a)))
            x2 = to_backend(backend, np.ones((2, 2), np_dtype(b)))
            out = f(x1, x2)
            expected = "bool" if spec.draw == "compare" else result_name(a, b)
            assert dtype_name(out.dtype) == expected, f"{qualname}({a}, {b}) on {backend}"


@pytest.mark.parametrize("scalar, array, expected", [
    (1, "int8", "int8"), (1, "float16", "float16"), (1.5, "float32", "float32"),
    (True, "int16", "int16"), (1j, "float32", "complex64"), (1j, "float64", "complex128"),
])
def test_python_scalars_are_weak(scalar, array, expected, backend):
    native = backend_module(backend).DTYPES
    if array not in native or expected not in native:
        pytest.skip(f"{backend} has no {array} or {expected}")
    with backend_context(backend):
        x = to_backend(backend, np.ones(3, np_dtype(array)))
        assert dtype_name(xnp.add(x, scalar).dtype) == expected
        assert dtype_name(xnp.add(scalar, x).dtype) == expected


def test_float_scalar_with_int_array_takes_the_default_float(backend):
    with backend_context(backend):
        x = to_backend(backend, np.ones(3, np.int32))
        expected = backend_module(backend).default_dtypes()[1]
        assert dtype_name(xnp.multiply(x, 0.5).dtype) == expected
