"""torch's uint16, uint32 and uint64, for which torch has few CPU kernels: crossops.numpy
computes them as NumPy does (uint16/32 in int64, cast back; uint64 on the same bits as
int64, ``backends/torch/unsigned.py``), at the edges the drawn conformance cases rarely
reach: 0, 1, 2**63, 2**64 - 1, a zero divisor, a divisor of 2**63 or more, shifts of the
width or more, wrapping products."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crossops.numpy as xnp

torch = pytest.importorskip("torch")

_UNSIGNED = ["uint16", "uint32", "uint64"]


def _edges(dtype: str) -> np.ndarray:
    """0, 1, small values, and those about the top bit and the top of ``dtype``."""
    top = int(np.iinfo(dtype).max)
    half = top // 2 + 1  # 2**(n-1)
    values = {0, 1, 2, 3, 7, 255, 256, 65535, half - 1, half, half + 1, top - 1, top}
    return np.array(sorted(v for v in values if v <= top), dtype=dtype)


def _pairs(dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of the edge values (x1 down, x2 across), flattened."""
    a, b = np.meshgrid(_edges(dtype), _edges(dtype), indexing="ij")
    return a.ravel(), b.ravel()


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(a))  # (a copy, contiguous; 0-d stays 0-d)


def _same(out, expected) -> None:
    if isinstance(expected, tuple):
        assert isinstance(out, tuple) and len(out) == len(expected)
        for o, e in zip(out, expected, strict=True):
            _same(o, e)
        return
    assert isinstance(out, torch.Tensor)
    got = out.numpy()
    assert (got.dtype, got.shape) == (expected.dtype, expected.shape)
    np.testing.assert_array_equal(got, expected)


def _numpy(name: str, *args):
    with np.errstate(all="ignore"):  # (NumPy warns at a zero divisor: checked below)
        return getattr(np, name)(*args)


_BINARY = ["add", "subtract", "multiply", "floor_divide", "remainder", "divmod", "fmod",
           "gcd", "lcm", "pow", "bitwise_right_shift", "bitwise_left_shift"]


@pytest.mark.parametrize("dtype", _UNSIGNED)
@pytest.mark.parametrize("name", _BINARY)
def test_binary_at_the_edges(name, dtype):
    x1, x2 = _pairs(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = getattr(xnp, name)(_t(x1), _t(x2))
    _same(out, _numpy(name, x1, x2))


@pytest.mark.parametrize("name", ["floor_divide", "remainder", "divmod", "fmod"])
def test_uint64_by_zero_as_int64(name):
    """A zero divisor gives NumPy's 0, with the warnings crossops gives for int64 on torch."""
    x1 = _edges("uint64")
    x2 = np.zeros_like(x1)
    with warnings.catch_warnings(record=True) as unsigned:
        warnings.simplefilter("always")
        out = getattr(xnp, name)(_t(x1), _t(x2))
    with warnings.catch_warnings(record=True) as signed:
        warnings.simplefilter("always")
        getattr(xnp, name)(_t(x1.view(np.int64)), _t(x2.view(np.int64)))
    _same(out, _numpy(name, x1, x2))
    assert [type(w.message) for w in unsigned] == [type(w.message) for w in signed]


@pytest.mark.parametrize("dtype", _UNSIGNED)
def test_right_shift_by_the_width_or_more(dtype):
    bits = np.iinfo(dtype).bits
    shifts = np.array([0, 1, bits - 1, bits, bits + 1, np.iinfo(dtype).max // 2 + 1,
                       np.iinfo(dtype).max], dtype=dtype)
    x, s = np.meshgrid(_edges(dtype), shifts, indexing="ij")
    _same(xnp.bitwise_right_shift(_t(x), _t(s)), np.right_shift(x, s))


@pytest.mark.parametrize("dtype", _UNSIGNED)
def test_bitwise_count(dtype):
    x = _edges(dtype)
    _same(xnp.bitwise_count(_t(x)), np.bitwise_count(x))


def test_uint64_python_int_operands():
    """A Python int beside uint64, up to 2**64 - 1, as NumPy 2 takes it."""
    x = _edges("uint64")
    for name, v in [("floor_divide", 7), ("remainder", 7), ("pow", 3),
                    ("bitwise_right_shift", 3), ("floor_divide", 2**64 - 1),
                    ("remainder", 2**63 + 5)]:
        _same(getattr(xnp, name)(_t(x), v), _numpy(name, x, v))


def test_uint64_zero_d_and_empty():
    a, b = np.uint64(2**64 - 1), np.uint64(2**63 + 1)
    for name in ("floor_divide", "remainder", "pow", "bitwise_right_shift"):
        _same(getattr(xnp, name)(_t(np.array(a)), _t(np.array(b))),
              np.asarray(_numpy(name, a, b)))
        empty = np.zeros((0, 3), np.uint64)
        _same(getattr(xnp, name)(_t(empty), _t(empty)), _numpy(name, empty, empty))


@pytest.mark.parametrize("dtype", _UNSIGNED)
def test_matmul_wraps(dtype):
    """Sums of products past the dtype's top wrap modulo 2**n, as NumPy's."""
    rng = np.random.default_rng(0)
    top = np.iinfo(dtype).max
    a = rng.integers(0, top, (4, 5), dtype=dtype, endpoint=True)
    b = rng.integers(0, top, (5, 3), dtype=dtype, endpoint=True)
    a[0] = top  # (a row of the largest value)
    for x1, x2 in [(a, b), (a[0], b), (a, b[:, 0]), (a[:, :0], b[:0]),
                   (np.stack([a, a]), b)]:
        _same(xnp.matmul(_t(x1), _t(x2)), np.matmul(x1, x2))


# -- compiled: torch.compile(fullgraph=True) and crossops.jit ----------------------------------

_COMPILED = ["floor_divide", "remainder", "pow", "bitwise_right_shift", "bitwise_left_shift",
             "matmul"]


def _ops_of(names):
    """One function of the ops ``names`` (torch has no uint32/uint64 kernel for them), each
    on ``(x1, x2)``, matmul on ``(m1, m2)``: one graph."""
    def f(x1, x2, m1, m2):
        return tuple(getattr(xnp, n)(*((m1, m2) if n == "matmul" else (x1, x2)))
                     for n in names)
    return f


@pytest.mark.parametrize("dtype", ["uint32", "uint64"])
def test_compiled_at_the_edges(dtype):
    """Compiled whole (``fullgraph=True``: no graph break) and by crossops.jit (inductor),
    the same results as eager and NumPy: 0, 1 and the top, a zero divisor, shifts of the
    width or more. (uint64's pow, 64 unrolled steps, takes inductor ~20 s: fullgraph only.)"""
    import crossops

    top = int(np.iinfo(dtype).max)
    e = np.array([0, 1, 2, top // 2 + 1, top], dtype=dtype)
    x1, x2 = _pairs(dtype)
    x1, x2 = np.concatenate([x1, e]), np.concatenate([x2, np.zeros_like(e)])
    m1, m2 = x1[:25].reshape(5, 5), x2[:25].reshape(5, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = {n: _numpy(n, *((m1, m2) if n == "matmul" else (x1, x2)))
                    for n in _COMPILED}
        args = [_t(a) for a in (x1, x2, m1, m2)]
        jitted = [n for n in _COMPILED if not (n == "pow" and dtype == "uint64")]
        for names, compiled in [(_COMPILED, lambda f: f),
                                (_COMPILED, lambda f: torch.compile(f, fullgraph=True,
                                                                    backend="eager")),
                                (jitted, crossops.jit)]:
            torch._dynamo.reset()
            _same(compiled(_ops_of(names))(*args), tuple(expected[n] for n in names))
    torch._dynamo.reset()
