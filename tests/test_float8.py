"""The float8 dtypes Keras knows (float8_e4m3fn, float8_e5m2) in crossops.ops: storage
dtypes made by ``cast``, ``convert_to_tensor`` and the creation functions, kept by the
ops that move data, and refused (ValueError, Keras's rule) where they would promote with
another dtype. Values are ml_dtypes's roundings (what Keras's NumPy backend gives)."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import crossops
import crossops.ops as ops
from crossops._dtypes import dtype_name

from .backends import to_backend, to_numpy

FLOAT8 = ["float8_e4m3fn", "float8_e5m2"]
#: values with rounding, a subnormal, e4m3fn's largest finite values and zero signs (values
#: past a type's range are left out: torch saturates them, ml_dtypes gives NaN)
_VALUES = np.array([0.1, 1.5, -3.3, 300.0, -448.0, 1e-3, 0.0, -0.0, 2.0 ** -9, 448.0],
                   np.float32)


def _f8(values, name):
    return np.asarray(values, np.float32).astype(getattr(ml_dtypes, name))


@pytest.mark.parametrize("name", FLOAT8)
def test_cast_both_ways(backend, name):
    x = to_backend(backend, _VALUES)
    y = ops.cast(x, name)
    assert dtype_name(y.dtype) == name and name in str(y.dtype)
    back = ops.cast(y, "float32")
    assert dtype_name(back.dtype) == "float32"
    np.testing.assert_array_equal(to_numpy(back), _f8(_VALUES, name).astype(np.float32))


@pytest.mark.parametrize("name", FLOAT8)
def test_convert_to_tensor(backend, name):
    with crossops.use_backend(backend):
        t = ops.convert_to_tensor([1.0, 0.3, -2.5], dtype=name)
    assert dtype_name(t.dtype) == name
    np.testing.assert_array_equal(to_numpy(ops.cast(t, "float32")),
                                  _f8([1.0, 0.3, -2.5], name).astype(np.float32))


_MADE = {"ones": (lambda d: ops.ones((2, 3), dtype=d), np.ones((2, 3))),
         "zeros": (lambda d: ops.zeros((2, 3), dtype=d), np.zeros((2, 3))),
         "empty": (lambda d: ops.empty((2, 0), dtype=d), np.empty((2, 0))),
         "full": (lambda d: ops.full((2,), 1.75, dtype=d), np.full((2,), 1.75)),
         "eye": (lambda d: ops.eye(3, dtype=d), np.eye(3)),
         "identity": (lambda d: ops.identity(2, dtype=d), np.eye(2))}


@pytest.mark.parametrize("name", FLOAT8)
@pytest.mark.parametrize("make", list(_MADE))
def test_creation(backend, name, make):
    """On every backend (Keras's TensorFlow backend raises for all but full: TensorFlow
    casts to float8 from floats only, and has no fill kernel for it)."""
    f, want = _MADE[make]
    with crossops.use_backend(backend):
        out = f(name)
    assert dtype_name(out.dtype) == name
    np.testing.assert_array_equal(to_numpy(ops.cast(out, "float32")), want)


@pytest.mark.parametrize("name", FLOAT8)
def test_like_creation(backend, name):
    x = ops.cast(to_backend(backend, np.full((2, 2), 3.0, np.float32)), name)
    f32 = to_backend(backend, np.ones(2, np.float32))
    for out, want in ((ops.zeros_like(x), np.zeros((2, 2))), (ops.ones_like(x), np.ones((2, 2))),
                      (ops.full_like(x, 0.5), np.full((2, 2), 0.5)),
                      (ops.zeros_like(f32, dtype=name), np.zeros(2)),
                      (ops.ones_like(f32, dtype=name), np.ones(2))):
        assert dtype_name(out.dtype) == name
        np.testing.assert_array_equal(to_numpy(ops.cast(out, "float32")), want)


@pytest.mark.parametrize("name", FLOAT8)
def test_data_movement_keeps_float8(backend, name):
    x = ops.cast(to_backend(backend, _VALUES[:6].reshape(2, 3)), name)
    want = _f8(_VALUES[:6].reshape(2, 3), name).astype(np.float32)
    for out, ref in ((ops.reshape(x, (3, 2)), want.reshape(3, 2)),
                     (ops.transpose(x), want.T),
                     (ops.concatenate([x, x]), np.concatenate([want, want])),
                     (ops.stack([x, x]), np.stack([want, want])),
                     (ops.take(x, [2, 0], axis=1), want[:, [2, 0]])):
        assert dtype_name(out.dtype) == name
        np.testing.assert_array_equal(to_numpy(ops.cast(out, "float32")), ref)


@pytest.mark.parametrize("name", FLOAT8)
def test_no_implicit_conversion(backend, name):
    """Keras: "There is no implicit conversions from float8 dtypes to others" (ValueError;
    on jax, jax's own TypePromotionError, a ValueError, as Keras's jax backend)."""
    x = ops.cast(to_backend(backend, np.ones(3, np.float32)), name)
    y = to_backend(backend, np.ones(3, np.float32))
    with pytest.raises(ValueError, match="float8"):
        ops.add(x, y)
    with pytest.raises(ValueError, match="no implicit conversion from float8"):
        ops.result_type(name, "float32")


@pytest.mark.parametrize("name", FLOAT8)
def test_saturate_cast(backend, name):
    x = to_backend(backend, np.array([1e6, -1e6, 1.5], np.float32))
    out = ops.saturate_cast(x, name)
    assert dtype_name(out.dtype) == name
    info = ml_dtypes.finfo(getattr(ml_dtypes, name))
    want = _f8(np.clip([1e6, -1e6, 1.5], float(info.min), float(info.max)), name)
    np.testing.assert_array_equal(to_numpy(ops.cast(out, "float32")), want.astype(np.float32))


@pytest.mark.parametrize("name", FLOAT8)
def test_a_python_scalar_takes_the_float8_dtype(backend, name):
    """A Python scalar is weak: it takes the float8 array's dtype (no conversion). torch's
    and TensorFlow's CPU kernels have no float8 add: their own errors come through."""
    x = ops.cast(to_backend(backend, np.array([1.0, 2.5], np.float32)), name)
    if backend in ("torch", "tensorflow"):
        with pytest.raises((NotImplementedError, TypeError), match="(?i)float8"):
            ops.add(x, 1.0)
        return
    out = ops.add(x, 1.0)
    assert dtype_name(out.dtype) == name
    want = (_f8([1.0, 2.5], name) + getattr(ml_dtypes, name)(1.0)).astype(np.float32)
    np.testing.assert_array_equal(to_numpy(ops.cast(out, "float32")), want)
