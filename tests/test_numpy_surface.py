"""crossops.numpy against NumPy 2's public surface.

- (What crossops.numpy leaves out of NumPy, with its reasons, is checked by
  tests/test_numpy_left_out.py.)
- Every crossops.numpy function NumPy also has takes NumPy's parameters (names, kinds,
  defaults), but for the reasoned exceptions of ``SIGNATURE_EXCEPTIONS``; an exception that
  has come to match fails, so that the list only shrinks.
- The ops of crossops/numpy/_more.py the conformance suite does not draw (dtype functions,
  ``shape``, errors) against NumPy on every backend, and every one of those ops that
  compiles under ``crossops.jit`` (``jax.jit``, ``torch.compile``, ``tf.function``).
"""

from __future__ import annotations

import inspect
import tomllib
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crossops
import crossops.numpy as xnp
from crossops._backend import backend_module
from crossops._dtypes import dtype_name

from ._spec_tests import spec_for_tests
from .backends import BACKENDS, backend_context, op_function, to_backend, to_numpy
from .reference import assert_same
from .strategies import draw_case

SPEC = spec_for_tests()
FORMS = tomllib.loads(
    (Path(__file__).resolve().parents[1] / "spec" / "forms" / "numpy.toml").read_text())
MODULES = {"": (np, xnp), "linalg.": (np.linalg, xnp.linalg), "fft.": (np.fft, xnp.fft)}


def _numpy_callables() -> dict[str, tuple]:
    """Qualified name -> (NumPy's callable, crossops's or None) for every public callable
    of NumPy's three modules that is not a class."""
    out = {}
    for prefix, (mod, ours) in MODULES.items():
        for name in dir(mod):
            f = getattr(mod, name)
            if name.startswith("_") or not callable(f) or isinstance(f, type):
                continue
            out[prefix + name] = (f, getattr(ours, name, None))
    return out


NUMPY = _numpy_callables()


# -- signatures -------------------------------------------------------------------------------

_GUFUNC = ("NumPy's gufunc: crossops takes the array API standard's signature (x1, x2, /) "
           "(vecdot: and its axis=), without the gufunc keywords out, casting, order, dtype, "
           "subok, signature and axes")
_EYE = ("NumPy's signature with dtype=None where NumPy writes dtype=float: "
        "crossops's default float dtype follows the backend (float32 on torch)")
_FORM = ("NumPy's signature (out= taken as None only: crossops never writes into arrays), "
         "and the array API standard's keywords NumPy lacks kept keyword-only at the end: "
         "the standard's (sort's descending=) and crossops's (unique's size=, bincount's "
         "sparse=, fftfreq's dtype=)")
_PAD = ("NumPy's **kwargs written as the one keyword crossops takes, constant_values: "
        "the modes that read stat_length and end_values (maximum, mean, median, minimum, "
        "linear_ramp) are not taken, and reflect and symmetric have NumPy's default "
        "reflect_type='even' only")

#: reason -> the functions whose parameters differ from NumPy's for it
SIGNATURE_EXCEPTIONS = {
    _GUFUNC: "matmul vecdot",
    _FORM: "argsort bincount sort unique fft.fftfreq fft.rfftfreq",
    _EYE: "eye",
    _PAD: "pad",
}
EXCEPTED = {q: reason for reason, names in SIGNATURE_EXCEPTIONS.items()
            for q in names.split()}
#: NumPy's gufuncs default axes= and axis= to an internal no-value marker, which a
#: signature written as text cannot name: crossops defaults them to None
NO_VALUE = {"matvec": {"axes", "axis"}, "vecmat": {"axes", "axis"}}


def _params(f, q: str) -> list[tuple]:
    return [(p.name, p.kind, None if p.name in NO_VALUE.get(q, ()) else repr(p.default))
            for p in inspect.signature(f).parameters.values()]


SHARED = sorted(q for q, (_, ours) in NUMPY.items() if ours is not None)


@pytest.mark.parametrize("qualname", SHARED)
def test_signature_is_numpys(qualname):
    theirs, ours = NUMPY[qualname]
    same = _params(ours, qualname) == _params(theirs, qualname)
    if qualname in EXCEPTED:
        assert not same, (f"{qualname} now takes NumPy's parameters: remove it from "
                          f"SIGNATURE_EXCEPTIONS")
    else:
        assert same, (f"{qualname}{inspect.signature(ours)} differs from NumPy's "
                      f"{inspect.signature(theirs)}")


#: reason -> (NumPy's parameters the functions leave out, the values NumPy's <no value>
#: defaults are written as): those are the only differences
DIFFERENCES = {
    _FORM: (set(), {}),
    _EYE: (set(), {}),
}


@pytest.mark.parametrize("qualname", sorted(q for q, r in EXCEPTED.items() if r in DIFFERENCES))
def test_signature_differs_only_as_its_reason_says(qualname):
    theirs, ours = NUMPY[qualname]
    left_out, written = DIFFERENCES[EXCEPTED[qualname]]
    want = [(p.name, p.kind, repr(written.get(p.name) if p.default is np._NoValue else
                                  None if (qualname, p.name) == ("eye", "dtype") else p.default))
            for p in inspect.signature(theirs).parameters.values() if p.name not in left_out]
    if qualname in FORMS:  # the op's keywords NumPy lacks, keyword-only, last
        spec, names = SPEC[qualname], {w[0] for w in want}
        extra = [o for o in _params(ours, qualname) if o[0] not in names]
        assert all(o == (o[0], inspect.Parameter.KEYWORD_ONLY,
                         repr(spec.sig.parameters[o[0]].default)) for o in extra), extra
        at = next((i for i, w in enumerate(want) if w[1] is w[1].VAR_KEYWORD), len(want))
        want[at:at] = extra
    assert _params(ours, qualname) == want, (
        f"{qualname}{inspect.signature(ours)}: NumPy's {inspect.signature(theirs)} less "
        f"{sorted(left_out)}, <no value> defaults as {written}")


def test_signature_exceptions_name_shared_functions():
    assert not set(EXCEPTED) - set(SHARED), sorted(set(EXCEPTED) - set(SHARED))


# -- the new ops the conformance suite does not draw ------------------------------------------

def _a(backend, value, dtype=None):
    return to_backend(backend, np.asarray(value, dtype))


def test_shape(backend):
    with backend_context(backend):
        for v in (np.zeros((2, 3, 0)), np.float32(1.0), np.ones(4, np.int8)):
            got = xnp.shape(_a(backend, v))
            assert got == np.shape(v) and type(got) is tuple
            assert all(type(n) is int for n in got)
        assert xnp.shape([[1, 2, 3]]) == (1, 3)
        assert xnp.shape(3.0) == ()


ABSTRACT = [np.generic, np.number, np.integer, np.signedinteger, np.unsignedinteger,
            np.inexact, np.floating, np.complexfloating, np.bool_]
CONCRETE = ["bool", "int8", "uint16", "int32", "int64", "uint64", "float16", "float32",
            "float64", "complex64", "complex128"]


def _native(backend, name):
    from crossops._dispatch import native_dtype
    return native_dtype(backend, name)


def test_issubdtype(backend):
    """Every backend's dtype objects, names and NumPy's abstract types, as NumPy answers
    for NumPy's dtypes; bfloat16 is a floating type."""
    native = [n for n in CONCRETE if n in backend_module(backend).DTYPES]
    for n1 in native:
        d1 = _native(backend, n1)
        for arg2 in ABSTRACT + native:
            d2 = arg2 if isinstance(arg2, type) else _native(backend, arg2)
            want = np.issubdtype(np.dtype(n1), arg2 if isinstance(arg2, type) else
                                 np.dtype(arg2))
            assert xnp.issubdtype(d1, d2) is want, (n1, arg2)
            assert xnp.issubdtype(n1, d2) is want, (n1, arg2)
    assert xnp.issubdtype("bfloat16", np.floating) is True
    assert xnp.issubdtype(ml_dtypes.bfloat16, np.inexact) is True
    assert xnp.issubdtype("bfloat16", np.integer) is False
    assert xnp.issubdtype(np.floating, np.inexact) is True
    assert xnp.issubdtype(np.inexact, np.floating) is False
    with pytest.raises(TypeError, match="issubdtype"):
        xnp.issubdtype("not a dtype", np.floating)


COMMON = [("float32",), ("float16",), ("int8",), ("float32", "int64"),
          ("float16", "complex64"), ("complex64", "float64"), ("uint16", "float16"),
          ("float16", "float32", "complex64")]


@pytest.mark.parametrize("names", COMMON, ids="-".join)
def test_common_type(backend, names):
    arrays = [np.ones(2, n) for n in names]
    want = np.dtype(np.common_type(*arrays))
    with backend_context(backend):
        got = xnp.common_type(*(to_backend(backend, a) for a in arrays))
    assert dtype_name(got) == want.name
    assert got == _native(backend, want.name)  # a dtype of the arrays' backend


def test_common_type_errors_and_bfloat16(backend):
    with backend_context(backend):
        with pytest.raises(TypeError, match="common_type"):
            xnp.common_type(_a(backend, [True]))
        with pytest.raises(TypeError, match="common_type"):
            xnp.common_type([1.0])
        bf = to_backend(backend, np.ones(2, ml_dtypes.bfloat16))
        assert dtype_name(xnp.common_type(bf)) == "float32"


@pytest.mark.parametrize("value", [0, 10, 300, -1, -260, 70000, 2 ** 40, 3.1, 1e50, 1 + 2j,
                                   True])
def test_min_scalar_type(backend, value):
    want = np.min_scalar_type(value).name
    with backend_context(backend):
        got = xnp.min_scalar_type(value)
        assert dtype_name(got) == want and got == _native(backend, want)
        if not isinstance(value, complex) or "complex128" in backend_module(backend).DTYPES:
            zero_d = _a(backend, value)
            assert dtype_name(xnp.min_scalar_type(zero_d)) == np.min_scalar_type(
                np.asarray(value)).name
        arr = _a(backend, [1, 2], np.int64)
        assert dtype_name(xnp.min_scalar_type(arr)) == "int64"  # arrays keep their dtype


def test_iterable(backend):
    with backend_context(backend):
        assert xnp.iterable(_a(backend, [1.0, 2.0])) is True
        assert xnp.iterable(_a(backend, 1.0)) is False
        for v in ([1], (), "ab", range(2), {1: 2}):
            assert xnp.iterable(v) is np.iterable(v)
        for v in (1, 2.5, None):
            assert xnp.iterable(v) is np.iterable(v)


def test_conversions_keep_the_backend_and_take_like(backend):
    with backend_context(backend):
        x = _a(backend, [[1.0, 2.0]])
        for f in (xnp.asanyarray, xnp.ascontiguousarray, xnp.asfortranarray,
                  xnp.asarray_chkfinite, xnp.require):
            assert type(f(x)) is type(x)
    like = _a(backend, [0.0])
    for f in (xnp.asanyarray, xnp.ascontiguousarray, xnp.asfortranarray, xnp.require):
        got = f([1, 2], like=like)
        assert type(got) is type(like)
        np.testing.assert_array_equal(to_numpy(got), np.asarray([1, 2]))
    got = xnp.fromfunction(lambda i, j: i * 10 + j, (2, 2), dtype="int32", like=like)
    assert type(got) is type(like)
    np.testing.assert_array_equal(to_numpy(got), [[0, 1], [10, 11]])


def test_errors_match_numpys_types(backend):
    """The new ops raise NumPy's exception types on every backend, naming the op."""
    with backend_context(backend):
        x = _a(backend, np.arange(6.0).reshape(2, 3))
        with pytest.raises(ValueError, match="asarray_chkfinite"):
            xnp.asarray_chkfinite(_a(backend, [1.0, np.nan]))
        with pytest.raises(KeyError, match="require"):
            xnp.require(x, requirements=["X"])
        with pytest.raises(ValueError, match="require"):
            xnp.require(x, requirements=["C", "F"])
        with pytest.raises(ValueError, match="asanyarray"):
            xnp.asanyarray(x, order="Z")
        with pytest.raises(ValueError, match="ravel_multi_index"):
            xnp.ravel_multi_index((_a(backend, [0, 3]), _a(backend, [0, 0])), (3, 4))
        with pytest.raises(ValueError, match="ravel_multi_index"):
            xnp.ravel_multi_index((_a(backend, [0]),), (3, 4))
        with pytest.raises(TypeError, match="ravel_multi_index"):
            xnp.ravel_multi_index((_a(backend, [0.0]), _a(backend, [1.0])), (3, 4))
        with pytest.raises(ValueError, match="resize"):
            xnp.resize(x, (-1, 2))
        with pytest.raises(IndexError, match="rollaxis"):  # NumPy's AxisError
            xnp.rollaxis(x, 0, 4)
        with pytest.raises(ValueError, match="rollaxis"):
            xnp.rollaxis(x, 2)
        with pytest.raises(TypeError, match="bitwise_count"):
            xnp.bitwise_count(x)
        with pytest.raises(TypeError, match="invert"):
            xnp.invert(x)
        with pytest.raises(TypeError, match="out="):
            xnp.invert(_a(backend, [1]), out=_a(backend, [0]))
        with pytest.raises(ValueError, match="sort_complex"):
            xnp.sort_complex(_a(backend, 1.0))
        with pytest.raises(ValueError, match="linalg.cond"):
            xnp.linalg.cond(_a(backend, [1.0, 2.0]))
        with pytest.raises(np.linalg.LinAlgError, match="multi_dot"):
            xnp.linalg.multi_dot([x, _a(backend, np.ones((3, 2, 1))), x])
        with pytest.raises(ValueError, match="multi_dot"):
            xnp.linalg.multi_dot([x])
        with pytest.raises(ValueError, match="tensorinv"):
            xnp.linalg.tensorinv(x, ind=0)
        with pytest.raises(np.linalg.LinAlgError, match="tensorsolve"):
            xnp.linalg.tensorsolve(_a(backend, np.ones((2, 3))), _a(backend, np.ones(2)))
        with pytest.raises(TypeError, match="out="):
            xnp.fft.fft2(x, out=x)


def test_invert_is_bitwise_not(backend):
    with backend_context(backend):
        for dt in ("bool", "int8", "uint8", "int64"):
            x = _a(backend, [0, 1, 5], dt) if dt != "bool" else _a(backend, [True, False])
            np.testing.assert_array_equal(to_numpy(xnp.invert(x)),
                                          to_numpy(xnp.bitwise_invert(x)))
        got = xnp.invert(_a(backend, [1, 2], "int16"), dtype="int32")
        assert dtype_name(got.dtype) == "int32"
        with pytest.raises(TypeError, match="invert"):
            xnp.invert(_a(backend, [1, 2], "int32"), dtype="int16", casting="safe")


# -- compiled ---------------------------------------------------------------------------------

MORE = sorted(q for q, s in SPEC.items() if s.compiled and s.dispatch != "dtype" and (
    s.chapter == "numpy_extra" and s.name in {
        "indices", "ravel_multi_index", "resize", "rollaxis", "bitwise_count", "invert",
        "sort_complex", "fromfunction", "asanyarray", "ascontiguousarray", "asfortranarray",
        "asarray_chkfinite", "require"} or q in {
        "linalg.cond", "linalg.multi_dot", "linalg.tensorinv", "linalg.tensorsolve",
        "fft.fft2", "fft.ifft2", "fft.rfft2", "fft.irfft2"}))
COMPILERS = [b for b in ("jax", "torch", "tensorflow") if b in BACKENDS]


def _dtype(spec) -> str:
    for name in ("float64", "complex128", "int32"):
        if name in spec.dtype_names:
            return name
    return spec.dtype_names[0]


def _static(v):
    return tuple(v) if isinstance(v, list) else v


@pytest.mark.parametrize("compiler", COMPILERS)
@pytest.mark.parametrize("qualname", MORE)
@settings(max_examples=1)  # torch.compile takes seconds per op
@given(data=st.data())
def test_compiled_matches_eager(qualname, compiler, data):
    """The op's public function under ``crossops.jit`` gives its eager result (array
    arguments traced, the others static)."""
    spec = SPEC[qualname]
    with backend_context(compiler):
        case = draw_case(data, spec, _dtype(spec))

        def is_array(a):
            return isinstance(a, np.ndarray) or (
                isinstance(a, list) and a and all(isinstance(v, np.ndarray) for v in a))

        def move(a):
            return [to_backend(compiler, v) for v in a] if isinstance(a, list) else \
                to_backend(compiler, a)

        args = [move(a) if is_array(a) else _static(a) for a in case.args]
        kwargs = {k: move(v) if is_array(v) else _static(v) for k, v in case.kwargs.items()}
        static_nums = tuple(i for i, a in enumerate(case.args) if not is_array(a))
        static_names = tuple(k for k, v in case.kwargs.items() if not is_array(v))
        f = op_function(spec)
        eager = to_numpy(f(*args, **kwargs))
        jitted = crossops.jit(f, static_argnums=static_nums or None,
                              static_argnames=static_names or None)
        compiled = to_numpy(jitted(*args, **kwargs))
    assert list(jitted.compiled) == [compiler]
    assert_same(compiled, eager, spec, what=f"{qualname} under crossops.jit on {compiler}")


def test_no_value_defaults_mean_not_given(backend):
    """NumPy's ``<no value>`` defaults: crossops's marker has NumPy's repr, an argument
    left out is not given (NumPy's semantics of ``numpy._NoValue``), and ``keepdims``'s
    marker given explicitly is as False."""
    x = np.array([[1.0, 4.0, 2.0], [3.0, -1.0, 0.5]])
    for name, args, kwargs in [("sum", (), {"axis": 0}), ("mean", (), {}), ("max", (1,), {}),
                               ("var", (), {"ddof": 1}), ("clip", (0.0, 2.0), {}),
                               ("diff", (), {}), ("argmax", (), {"axis": 1}),
                               ("nanmedian", (), {})]:
        f = getattr(xnp, name)
        given = {n: p.default for n, p in inspect.signature(f).parameters.items()
                 if repr(p.default) == "<no value>"}
        assert given, name
        with backend_context(backend):
            a = to_backend(backend, x)
            want = to_numpy(f(a, *args, **kwargs))
            got = to_numpy(f(a, *args, **kwargs, **{k: v for k, v in given.items()
                                                     if k == "keepdims"}))
        np.testing.assert_array_equal(got, want, err_msg=name)
        np.testing.assert_allclose(want, getattr(np, name)(x, *args, **kwargs), rtol=1e-12)
