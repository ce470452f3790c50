"""crossops.numpy is an array API namespace: version, inspection, constants, dtypes,
and the data type functions (which the conformance suite does not draw)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp
from crossops._backend import backend_module
from crossops._dtypes import DTYPE_NAMES, dtype_name

from .backends import backend_context, to_backend


def test_version_constants_and_extensions():
    assert xnp.__array_api_version__ == "2025.12"
    assert (xnp.e, xnp.pi, xnp.newaxis) == (math.e, math.pi, None)
    assert math.isinf(xnp.inf) and math.isnan(xnp.nan)
    assert callable(xnp.linalg.solve) and callable(xnp.fft.rfft)


def test_dtype_attributes_follow_the_default_backend(backend):
    with crossops.use_backend(backend):
        native = backend_module(backend).DTYPES
        for name in DTYPE_NAMES:
            if name in native:
                assert getattr(xnp, name) == native[name]
        assert xnp.zeros(2, dtype=xnp.float32).dtype == xnp.float32
        assert xnp.zeros(2, dtype="int16").dtype == xnp.int16


def test_namespace_info(backend):
    with backend_context(backend):
        info = xnp.__array_namespace_info__()
        caps = info.capabilities()
        assert {"boolean indexing", "data-dependent shapes"} <= set(caps)
        defaults = info.default_dtypes()
        assert set(defaults) >= {"real floating", "integral", "indexing"}
        assert "float32" in info.dtypes() and info.devices()
        info.default_device()


def test_finfo_iinfo(backend):
    with backend_context(backend):
        fi = xnp.finfo(xnp.float32)
        assert isinstance(fi.eps, float) and fi.bits == 32
        assert fi.eps == float(np.finfo(np.float32).eps)
        ii = xnp.iinfo(xnp.int8)
        assert (ii.min, ii.max, ii.bits) == (-128, 127, 8)
        x = to_backend(backend, np.ones(2, np.float32))
        assert xnp.finfo(x).bits == 32
        with pytest.raises(ValueError, match="finfo"):
            xnp.finfo(xnp.int32)


def test_can_cast_isdtype_result_type(backend):
    with backend_context(backend):
        assert xnp.can_cast(xnp.int8, xnp.int16) and not xnp.can_cast(xnp.float32, xnp.int32)
        assert xnp.isdtype(xnp.float32, "real floating")
        assert xnp.isdtype(xnp.int8, ("integral", "bool"))
        assert not xnp.isdtype(xnp.float32, "integral")
        with pytest.raises(ValueError, match="isdtype"):
            xnp.isdtype(xnp.float32, "reals")
        assert dtype_name(xnp.result_type(xnp.int32, xnp.float16)) == "float16"
        x = to_backend(backend, np.ones(2, np.int8))
        assert dtype_name(xnp.result_type(x, 1)) == "int8"
        assert xnp.result_type(xnp.float32, xnp.float32) == xnp.float32


def test_creation_functions(backend):
    """Array-free creation: values as NumPy's, default dtypes as the backend's."""
    mod = backend_module(backend)
    with backend_context(backend):
        ints, floats, _ = mod.default_dtypes()
        cases = [
            (xnp.arange(5), np.arange(5), ints),
            (xnp.arange(1, 7, 2, dtype="int8"), np.arange(1, 7, 2), "int8"),
            (xnp.arange(0.0, 1.0, 0.25), np.arange(0, 1, 0.25), floats),
            (xnp.zeros((2, 3)), np.zeros((2, 3)), floats),
            (xnp.ones(3, dtype="int16"), np.ones(3), "int16"),
            (xnp.full((2,), 7), np.full(2, 7), ints),
            (xnp.full((2,), True), np.full(2, True), "bool"),
            (xnp.eye(3, 4, k=1), np.eye(3, 4, k=1), floats),
            (xnp.linspace(0, 1, 5), np.linspace(0, 1, 5), floats),
            (xnp.linspace(0, 1, 4, endpoint=False), np.linspace(0, 1, 4, endpoint=False), floats),
            (xnp.asarray([1, 2]), np.array([1, 2]), ints),
            (xnp.asarray([1.5, 2]), np.array([1.5, 2]), floats),
            (xnp.asarray([[True]]), np.array([[True]]), "bool"),
            (xnp.fft.fftfreq(4), np.fft.fftfreq(4), floats),
            (xnp.fft.rfftfreq(5, d=0.5), np.fft.rfftfreq(5, d=0.5), floats),
        ]
        for out, ref, dt in cases:
            assert dtype_name(out.dtype) == dt, (out, dt)
            np.testing.assert_allclose(crossops.to_numpy(out).astype(np.float64), ref,
                                       rtol=1e-6)
        e = xnp.empty((2, 2), dtype="float32")
        assert tuple(e.shape) == (2, 2) and dtype_name(e.dtype) == "float32"
        x = to_backend(backend, np.arange(3, dtype=np.float32))
        y = xnp.from_dlpack(x)
        np.testing.assert_array_equal(crossops.to_numpy(y), np.arange(3))
        assert xnp.asarray(x) is x or np.array_equal(crossops.to_numpy(xnp.asarray(x)), [0, 1, 2])
