"""``frexp`` gives NumPy's mantissas and exponents on every backend over every float16 and
bfloat16 value and 10^5 random float32/float64 bit patterns with the edges (zeros,
infinities, NaN, subnormals, the largest finite values), with no warning: the subnormals'
rescaling multiplies only the subnormals, so the largest values do not overflow.

TensorFlow and XLA on CPU read subnormal float32/float64 (and so bfloat16) operands as zeros
(a documented difference): there the reference is NumPy's frexp of the flushed values, and
the mantissa of such a zero (the operand itself) is read flushed too.
"""

from __future__ import annotations

import warnings

import ml_dtypes
import numpy as np
import pytest

import crossops.numpy as xnp

from .backends import backend_context, flush_to_zero, to_backend, to_numpy
from .test_angle_units import FLUSHING, _sweep


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_frexp_as_numpy_without_warnings(backend, dtype):
    x = _sweep(dtype)
    bf16 = x.dtype == np.dtype(ml_dtypes.bfloat16)
    flush = backend in FLUSHING and x.dtype != np.float16
    flushed = flush_to_zero(x) if flush else x
    with np.errstate(invalid="ignore"):  # (NumPy's float16 loop warns of its NaNs)
        m, e = np.frexp(flushed.astype(np.float32) if bf16 else flushed)
        m = m.astype(x.dtype)  # (bfloat16's mantissa is exact in float32)
    with backend_context(backend), warnings.catch_warnings():
        warnings.simplefilter("error")
        got_m, got_e = (to_numpy(r) for r in xnp.frexp(to_backend(backend, x)))
    got_m = flush_to_zero(got_m) if flush else got_m
    assert got_m.dtype == m.dtype and got_e.dtype == e.dtype, (got_m.dtype, got_e.dtype)
    np.testing.assert_array_equal(got_m, m)
    np.testing.assert_array_equal(got_e, e)
