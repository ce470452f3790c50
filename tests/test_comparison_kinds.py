"""``array_equal``, ``array_equiv`` and ``allclose`` return one kind of result on every
path of every backend: a 0-d boolean array of the arguments' backend (on NumPy a
``numpy.bool_``, as ``numpy.all`` gives; NumPy's own functions return a Python bool), with
NumPy's value.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossops.numpy as xnp

from .backends import backend_context, name_of, native_types, to_backend

NAN = np.nan
# name -> (a1, a2, keyword arguments); every path: shapes that differ (or do not
# broadcast), NaN with and without equal_nan, empty, 0-d, mixed dtypes, lists
CASES = {
    "array_equal": {
        "equal": (np.array([1, 2]), np.array([1, 2]), {}),
        "unequal": (np.array([1, 2]), np.array([1, 3]), {}),
        "shapes differ": (np.array([1, 2]), np.array([1, 2, 3]), {}),
        "shapes broadcast": (np.array([1, 2]), np.array([[1, 2]]), {}),
        "0-d and 1-d": (np.array(1.0), np.array([1.0]), {}),
        "0-d": (np.array(1.5), np.array(1.5), {}),
        "0-d unequal": (np.array(1.5), np.array(-1.5), {}),
        "empty": (np.zeros((0,)), np.zeros((0,)), {}),
        "empty shapes differ": (np.zeros((0,)), np.zeros((0, 1)), {}),
        "nan": (np.array([1.0, NAN]), np.array([1.0, NAN]), {}),
        "nan equal_nan": (np.array([1.0, NAN]), np.array([1.0, NAN]), {"equal_nan": True}),
        "nan elsewhere equal_nan": (np.array([NAN, 1.0]), np.array([1.0, NAN]),
                                    {"equal_nan": True}),
        "complex nan equal_nan": (np.array([complex(1, NAN)]), np.array([complex(NAN, 2)]),
                                  {"equal_nan": True}),
        "ints equal_nan": (np.array([1, 2], np.int32), np.array([1, 2], np.int32),
                           {"equal_nan": True}),
        "int32 and float64": (np.array([1, 2], np.int32), np.array([1.0, 2.0]), {}),
        "bool and int64": (np.array([True, False]), np.array([1, 0]), {}),
        "float32 and float64 unequal": (np.array([0.1], np.float32), np.array([0.1]), {}),
        "lists": ([1, 2], [1, 2], {}),
        "lists shapes differ": ([1, 2], [1, 2, 3], {}),
    },
    "array_equiv": {
        "equal": (np.array([1, 2]), np.array([1, 2]), {}),
        "broadcast equal": (np.array([1, 2]), np.array([[1, 2], [1, 2]]), {}),
        "broadcast unequal": (np.array([1, 2]), np.array([[1, 2], [1, 3]]), {}),
        "no broadcast": (np.array([1, 2]), np.array([1, 2, 3]), {}),
        "0-d against 1-d": (np.array(2.0), np.array([2.0, 2.0]), {}),
        "empty": (np.zeros((0, 3)), np.zeros((3,)), {}),
        "nan": (np.array([NAN]), np.array([NAN]), {}),
        "int32 and float64": (np.array([1, 2], np.int32), np.array([1.0, 2.0]), {}),
        "lists no broadcast": ([1, 2], [1, 2, 3], {}),
    },
    "allclose": {
        "close": (np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]), {}),
        "far": (np.array([1.0, 2.0]), np.array([1.0, 2.1]), {}),
        "broadcast": (np.array([1.0]), np.array([[1.0, 1.0]]), {}),
        "0-d": (np.array(1.0), np.array(1.0), {}),
        "empty": (np.zeros((0,)), np.zeros((0,)), {}),
        "nan": (np.array([NAN]), np.array([NAN]), {}),
        "nan equal_nan": (np.array([NAN]), np.array([NAN]), {"equal_nan": True}),
        "int32 and float64": (np.array([1, 2], np.int32), np.array([1.0, 2.0]), {}),
    },
}
PARAMS = [pytest.param(op, case, id=f"{op}-{case}") for op in CASES for case in CASES[op]]


def _assert_kind(backend: str, out):
    """The backend's 0-d boolean result, as ``all`` gives it."""
    if backend == "numpy":
        assert type(out) is np.bool_, type(out)
        return
    assert isinstance(out, native_types(backend)), type(out)
    assert tuple(out.shape) == ()
    assert name_of(out.dtype) == "bool"


@pytest.mark.parametrize(("op", "case"), PARAMS)
def test_one_kind_of_result_on_every_path(backend, op, case):
    a1, a2, kwargs = CASES[op][case]
    expected = getattr(np, op)(a1, a2, **kwargs)
    assert type(expected) is bool  # NumPy's (the value is what crossops must give)
    with backend_context(backend):
        out = getattr(xnp, op)(to_backend(backend, a1), to_backend(backend, a2), **kwargs)
        _assert_kind(backend, out)
        assert bool(out) is expected
        # the same kind as allclose's and all's on this backend
        ref = xnp.all(to_backend(backend, np.array([True])))
        assert type(out) is type(ref)


@pytest.mark.parametrize("op", ["array_equal", "array_equiv"])
def test_host_data_with_a_backend_array(backend, op):
    """A list next to a backend's array: the result is of that backend, on every path."""
    with backend_context(backend):
        for other in ([1, 2], [1, 2, 3]):
            out = getattr(xnp, op)(to_backend(backend, np.array([1, 2])), other)
            _assert_kind(backend, out)
            assert bool(out) is getattr(np, op)(np.array([1, 2]), other)
