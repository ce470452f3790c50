"""Integer and bool inputs to crossops.numpy's functions whose NumPy result is a float
(issue 12): ``sqrt``, ``exp``, the logs, the trigonometric and hyperbolic functions,
``arctan2``, ``true_divide``, ``hypot``, ``cbrt``, ``deg2rad`` ..., and ``mean``, ``var``,
``std``, ``median`` and kin of integers.

NumPy computes a ufunc's integer input in the float loop it finds for it: int8, uint8 and
bool in float16, int16 in float32, wider integers in float64; its functions that are no
ufuncs (``mean``, ``median``, ``sinc``) in float64. crossops.numpy gives those dtypes and
values on every backend (with jax's x64 on, as ``backend_context`` sets it). DESIGN.md's
promotion rule: a backend that cannot represent a dtype gives its own setting's, so jax
with x64 off gives float32 where NumPy gives float64 (and float16 where NumPy does).
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp

from ._spec_tests import spec_for_tests
from .backends import backend_context, flush_to_zero, name_of, to_backend, to_numpy
from .reference import assert_same, resolve

SPEC = spec_for_tests()

INPUTS = {
    "int8": np.array([1, 2, 3, 0, 5, -4], np.int8),
    "int16": np.array([1, 2, 3, 0, 300, -6], np.int16),  # (NumPy's float32 loop)
    "int32": np.array([1, 2, 3, 0, 7, -6], np.int32),
    "int64": np.array([1, 2, 4, 0, 9, -8], np.int64),
    "uint8": np.array([1, 2, 3, 0, 200, 9], np.uint8),
    "bool": np.array([True, False, True, True, False, True]),
}


def _float_result(f, nin: int) -> bool:
    """Whether NumPy's ``f`` gives a float for integer input."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = f(*(INPUTS["int32"],) * nin)
        except (TypeError, ValueError):  # (power: negative integer exponents)
            return False
    out = out if isinstance(out, tuple) else (out,)
    return any(np.asarray(o).dtype.kind in "fc" for o in out)


#: NumPy's ufuncs (crossops.numpy has them all) that give floats for integers
UFUNCS = sorted(n for n in dir(np) if isinstance(getattr(np, n), np.ufunc)
                and getattr(np, n).signature is None  # (gufuncs: matmul, matvec ...)
                and hasattr(xnp, n) and _float_result(getattr(np, n), getattr(np, n).nin))
#: NumPy's other functions of one array that give floats for integers
OTHERS = ["mean", "var", "std", "average", "nanmean", "nanvar", "nanstd", "median",
          "nanmedian", "sinc", "i0", "angle"]
NAMES = UFUNCS + OTHERS
#: where the backends' results differ from NumPy's by design, not by dtype
_FLUSHED = ("jax", "tensorflow")  # subnormals (spacing of 0) are zeros there


def _nin(name: str) -> int:
    f = getattr(np, name)
    return f.nin if isinstance(f, np.ufunc) else 1


def _spec(name: str):
    """The spec entry of ``name`` (its tolerance); a default one where it has none."""
    f = getattr(xnp, name)
    entry = SPEC.get(name) or SPEC.get(getattr(f, "__name__", name))
    return entry if entry is not None else SPEC["sqrt"]


def test_the_sweep_covers_the_functions_the_issue_names():
    for name in ("sqrt", "exp", "log", "log1p", "sin", "arctan2", "true_divide", "hypot",
                 "cbrt", "deg2rad", "rad2deg", "ldexp", "logaddexp2", "exp2", "fabs",
                 "spacing", "degrees", "float_power", "mean", "var", "std"):
        assert name in NAMES, name
    assert len(UFUNCS) >= 45


def _numpy_result(name: str, dt: str):
    """NumPy's result for the ``dt`` input (None: NumPy's TypeError). Where the spec's
    reference is not NumPy's function (spacing: NumPy's float16 loop gives negative
    numbers a positive spacing), that reference's values in NumPy's dtype."""
    x = INPUTS[dt]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = getattr(np, name)(*(x,) * _nin(name))
        except TypeError:
            return None
        reference = _spec(name).reference
        if _nin(name) == 1 and not isinstance(out, tuple) and reference and \
                not reference.startswith("numpy."):
            out = np.asarray(resolve(reference)(x.astype(out.dtype)), out.dtype)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_integer_inputs_give_numpys_float(backend, name):
    with backend_context(backend):
        for dt, x in INPUTS.items():
            want = _numpy_result(name, dt)
            args = (to_backend(backend, x),) * _nin(name)
            if want is None:  # NumPy's TypeError (no loop: ldexp of bool exponents)
                with pytest.raises(TypeError):
                    getattr(xnp, name)(*args)
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = to_numpy(getattr(xnp, name)(*args))
            if backend in _FLUSHED:
                want = tuple(map(flush_to_zero, want)) if isinstance(want, tuple) \
                    else flush_to_zero(np.asarray(want))
            assert_same(got, want, _spec(name), what=f"{name}({dt}) on {backend}")


#: NumPy's 64-bit dtypes as jax gives them with x64 off (DESIGN.md, promotion)
_X64_OFF = {"float64": "float32", "int64": "int32", "complex128": "complex64"}


@pytest.mark.parametrize("name", NAMES)
def test_jax_without_x64_gives_its_32_bit_floats(name):
    pytest.importorskip("jax")
    import jax
    if jax.config.jax_enable_x64:
        pytest.skip("jax's x64 is on in this process; this test is of x64 off")
    with crossops.use_backend("jax"):
        for dt in ("int8", "int32", "uint8", "bool"):  # (int64 is int32 on jax here)
            want = _numpy_result(name, dt)
            args = (to_backend("jax", INPUTS[dt]),) * _nin(name)
            if want is None:
                with pytest.raises(TypeError):
                    getattr(xnp, name)(*args)
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = getattr(xnp, name)(*args)
            wants = want if isinstance(want, tuple) else (want,)
            gots = got if isinstance(got, tuple) else (got,)
            for g, w in zip(gots, wants, strict=True):
                expected = name_of(np.asarray(w).dtype)
                assert name_of(g.dtype) == _X64_OFF.get(expected, expected), (name, dt)
                assert_same(to_numpy(g), flush_to_zero(np.asarray(w).astype(
                    _X64_OFF.get(expected, expected))), _spec(name), what=f"{name}({dt})")


#: a few of them compiled: the integer path runs while the function is traced
COMPILED = ["sqrt", "arctan2", "true_divide", "cbrt", "deg2rad", "mean", "median"]


@pytest.mark.parametrize("name", COMPILED)
def test_integer_inputs_compiled(backend, name):
    if backend == "numpy":
        pytest.skip("crossops.jit compiles nothing on numpy (the eager test covers it)")
    with backend_context(backend):
        for dt in ("int8", "int32", "bool"):
            want = _numpy_result(name, dt)
            args = (to_backend(backend, INPUTS[dt]),) * _nin(name)
            f = getattr(xnp, name)
            got = to_numpy(crossops.jit(lambda *a, f=f: f(*a))(*args))
            assert_same(got, want, _spec(name), what=f"{name}({dt}) compiled on {backend}")


def test_float_inputs_keep_the_c_front():
    """The functions with NumPy's integer loops keep their C front for float arrays."""
    for name in ("sqrt", "exp", "atan2", "divide", "log1p", "hypot"):
        f = getattr(xnp, name)
        assert not inspect.isfunction(f), name


@pytest.mark.parametrize("dt", ["int8", "int32", "int64", "uint8", "uint64", "bool"])
def test_integer_reciprocal_as_numpy(backend, dt):
    """NumPy's reciprocal keeps integers (1 / x toward zero; its own value at zero)."""
    x = np.array([1, 0, 2, 3, 100] + ([-1, -2] if dt.startswith("int") else [1, 1]), dt) \
        if dt != "bool" else np.array([True, False, True])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = np.reciprocal(x)
    with backend_context(backend):
        got = to_numpy(xnp.reciprocal(to_backend(backend, x)))
    assert name_of(got.dtype) == name_of(want.dtype)
    np.testing.assert_array_equal(got, want)
