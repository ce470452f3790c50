"""``degrees``/``radians`` (and ``rad2deg``/``deg2rad`` in both namespaces) give NumPy's
results bit for bit, on every backend, eager and compiled.

NumPy multiplies by 180/pi (pi/180) divided in the loop's own precision: float64 in
float64, float32 by the float32 quotient 57.295776 (not float32(180/pi) = 57.29578),
float16 in float32 rounded back. NumPy has no bfloat16 loop (ml_dtypes): it computes in
float32; crossops keeps bfloat16, so the reference is NumPy's float32 result rounded to
bfloat16. float16 and bfloat16 are swept exhaustively, float32 and float64 over random bit
patterns and the edges (zeros, infinities, NaN, subnormals, the largest finite values).

TensorFlow and XLA on CPU flush subnormal operands and results of float32 and float64
arithmetic to zero (a documented difference, see ``spacing`` in spec/numpy_extra.toml):
there the reference is NumPy's arithmetic on flushed operands, flushed; float16 is exact
there too (no float16 value or result is a float32 subnormal).
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import crossops.numpy as xnp
import crossops.ops as ops

from .backends import backend_context, flush_to_zero, name_of, to_backend, to_numpy

FLUSHING = ("jax", "tensorflow")  # subnormals are zeros on CPU (denormals-are-zero)

# (crossops function, NumPy reference)
OPS = {
    "degrees": (xnp.degrees, np.degrees),
    "radians": (xnp.radians, np.radians),
    "rad2deg": (xnp.rad2deg, np.rad2deg),
    "deg2rad": (xnp.deg2rad, np.deg2rad),
    "ops.rad2deg": (ops.rad2deg, np.rad2deg),
    "ops.deg2rad": (ops.deg2rad, np.deg2rad),
}
DTYPES = ["float16", "bfloat16", "float32", "float64"]
_BITS = {"float16": np.uint16, "bfloat16": np.uint16, "float32": np.uint32,
         "float64": np.uint64}


def _np_dtype(name: str) -> np.dtype:
    return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)


def _sweep(name: str) -> np.ndarray:
    """Every value of a 16-bit float; for wider floats 10^5 random bit patterns (every
    exponent) and the edges."""
    dt = _np_dtype(name)
    bits = _BITS[name]
    if np.dtype(bits).itemsize == 2:
        return np.arange(2 ** 16, dtype=np.uint32).astype(bits).view(dt)
    info = np.finfo(dt)
    edges = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, info.max, -info.max,
                      info.tiny, -info.tiny, info.smallest_subnormal,
                      -info.smallest_subnormal, info.tiny - info.smallest_subnormal,
                      np.pi, -np.pi, 180.0, 90.0, 1.0, info.eps], dt)
    rng = np.random.default_rng(21)
    random = rng.integers(0, np.iinfo(bits).max, size=100_000, dtype=bits,
                          endpoint=True).view(dt)
    small = rng.integers(1, 2 ** (info.nmant - 1), size=1000, dtype=bits).view(dt)
    return np.concatenate([edges, random, small, -small])


def _expected(reference, x: np.ndarray, backend: str) -> np.ndarray:
    """NumPy's result; bfloat16 computed in float32 and rounded back; where subnormals flush,
    NumPy's float32/float64 arithmetic on flushed operands, flushed (the half types are
    computed in float32, where none of their values or results is subnormal but bfloat16's
    smallest)."""
    with np.errstate(over="ignore", invalid="ignore"):
        bf16 = x.dtype == np.dtype(ml_dtypes.bfloat16)
        if backend not in FLUSHING and not bf16:
            return reference(x)
        flush = flush_to_zero if backend in FLUSHING else (lambda v: v)
        work = x.astype(np.float32) if x.dtype.itemsize == 2 else x
        return flush(reference(flush(work))).astype(x.dtype)


def _assert_bits(out: np.ndarray, expected: np.ndarray):
    """Same dtype and the same bits, NaN where NaN (NumPy does not promise a NaN's bits)."""
    assert out.dtype == expected.dtype, (out.dtype, expected.dtype)
    nan = np.isnan(expected.astype(np.float64))
    np.testing.assert_array_equal(np.isnan(out.astype(np.float64)), nan)
    view = _BITS[name_of(out.dtype)]
    got, want = out[~nan].view(view), expected[~nan].view(view)
    bad = np.flatnonzero(got != want)
    assert bad.size == 0, (f"{bad.size} of {want.size} differ; first inputs' results: "
                           f"{out[~nan][bad[:5]]!r} != {expected[~nan][bad[:5]]!r}")


def _compile(backend: str, f):
    """``f`` compiled by the backend's compiler: jax.jit, tf.function with XLA, and
    torch.compile (inductor, one graph)."""
    if backend == "jax":
        import jax
        return jax.jit(f)
    if backend == "tensorflow":
        import tensorflow as tf
        return tf.function(f, jit_compile=True)
    import torch
    return torch.compile(f, fullgraph=True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", list(OPS))
def test_angle_units_bit_for_bit(backend, op, dtype):
    fn, reference = OPS[op]
    x = _sweep(dtype)
    with backend_context(backend), np.errstate(over="ignore", invalid="ignore"):
        out = to_numpy(fn(to_backend(backend, x)))
    _assert_bits(out, _expected(reference, x, backend))


@pytest.mark.parametrize("dtype", DTYPES)
def test_angle_units_bit_for_bit_compiled(backend, dtype):
    """All four functions in one compiled kernel (also tf.function without XLA)."""
    if backend == "numpy":
        pytest.skip("NumPy has no compiler")
    x = _sweep(dtype)
    names = list(OPS)

    def kernel(a):
        return tuple(OPS[n][0](a) for n in names)

    with backend_context(backend):
        a = to_backend(backend, x)
        outs = [to_numpy(_compile(backend, kernel)(a))]
        if backend == "tensorflow":
            import tensorflow as tf
            outs.append(to_numpy(tf.function(kernel)(a)))
        if backend == "torch":
            import torch
            torch._dynamo.reset()
    for out in outs:
        for n, o in zip(names, out, strict=True):
            _assert_bits(o, _expected(OPS[n][1], x, backend))


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint8", "int16", "uint16", "int32",
                                   "int64"])
@pytest.mark.parametrize("op", ["degrees", "radians"])
def test_integer_inputs_take_numpys_loop(backend, op, dtype):
    """Integers and bools convert as NumPy's ufunc loops do (8-bit to float16, 16-bit to
    float32, wider to float64), then NumPy's factor of that precision."""
    fn, reference = OPS[op]
    if dtype == "bool":
        x = np.array([True, False])
    else:  # the extremes and the integers near 0
        info = np.iinfo(dtype)
        near = range(max(int(info.min), -600), min(int(info.max), 600))
        x = np.array(sorted({*near, int(info.min), int(info.max)}), dtype)
    with backend_context(backend):
        out = to_numpy(fn(to_backend(backend, x)))
    _assert_bits(out, reference(x))
