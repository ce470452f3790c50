"""NumPy's ufunc keywords in crossops.numpy (issue 12): every element-wise function that is a
ufunc in NumPy takes ``out=None, *, where=True, casting='same_kind', order='K', dtype=None,
subok=True, signature=None``.

Against NumPy itself, for every such function: ``dtype=`` (the result's dtype; the inputs
cast to it under ``casting``, or NumPy's TypeError where no loop gives it), ``casting=`` on
its own (each input's cast to the computation's dtype checked), and the keywords crossops
cannot honour (``where=`` without ``out=``, ``signature=``, an ``out`` array) raising. Then
the same calls on every backend and under the compilers, where the dtypes are the backend's.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp

from .backends import backend_context, name_of, to_backend, to_numpy

#: NumPy's ufuncs that crossops.numpy has with NumPy's ufunc keywords
UFUNCS = sorted(n for n in dir(np) if isinstance(getattr(np, n), np.ufunc)
                and "signature" in inspect.signature(getattr(xnp, n, len)).parameters
                if hasattr(xnp, n))

I32 = np.array([1, 2, 3], np.int32)
F64 = np.array([0.5, 1.5, 2.5])
F32 = F64.astype(np.float32)
BOOL = np.array([True, False, True])

#: (label, input of every argument, keywords)
CASES = [
    ("dtype float32 of int32", I32, {"dtype": "float32"}),
    ("dtype int64 of float64", F64, {"dtype": "int64"}),
    ("dtype float64 of int32, unsafe", I32, {"dtype": "float64", "casting": "unsafe"}),
    ("casting no, int32", I32, {"casting": "no"}),
    ("casting safe, float32", F32, {"casting": "safe"}),
    ("dtype bool of int32", I32, {"dtype": "bool"}),
    ("dtype int32 of bool", BOOL, {"dtype": "int32"}),
    ("casting equiv, float64", F64, {"casting": "equiv"}),
    ("dtype float32 of float64", F64, {"dtype": "float32"}),
    ("dtype float32 of float64, safe", F64, {"dtype": "float32", "casting": "safe"}),
]

#: (function, case) pairs that NumPy's own loop search decides where crossops's rules alone
#: did not: the float functions with their own code (degrees ... signbit) under casting=
#: without dtype=, ldexp's (float, int) loop, frexp's (float, int) outputs, divmod's casts
LOOP_CASES = [
    *[(f, "casting no, int32") for f in ("degrees", "radians", "rint", "spacing",
                                         "float_power", "frexp", "modf", "signbit")],
    *[("ldexp", c) for c in ("dtype float32 of int32", "casting safe, float32",
                             "casting equiv, float64", "dtype float32 of float64")],
    *[("frexp", c) for c in ("dtype float32 of int32", "dtype float64 of int32, unsafe",
                             "dtype float32 of float64")],
    *[("divmod", c) for c in ("dtype int64 of float64", "dtype float32 of float64, safe")],
    ("ldexp", "dtype float64 of int32, unsafe"), ("modf", "dtype float32 of float64"),
    ("divmod", "dtype float32 of float64"),
]
CASES_BY_LABEL = {label: (x, kwargs) for label, x, kwargs in CASES}


def _outcome(f, args, kwargs):
    """``("raises", is a TypeError)`` or ``("gives", [(dtype name, values)])``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NumPy's overflow and invalid-value warnings
            out = f(*args, **kwargs)
    except Exception as e:  # noqa: BLE001  (compared: both raise, and the same kind)
        return "raises", isinstance(e, TypeError)
    outs = out if isinstance(out, tuple) else (out,)
    return "gives", [(name_of(np.asarray(to_numpy(o)).dtype), np.asarray(to_numpy(o)))
                     for o in outs]


def test_every_ufunc_takes_numpys_keywords():
    assert len(UFUNCS) >= 100
    for name in UFUNCS:
        ours = list(inspect.signature(getattr(xnp, name)).parameters)
        theirs = list(inspect.signature(getattr(np, name)).parameters)
        assert ours == theirs, (name, ours, theirs)


def _assert_as_numpy(name, label, want, got):
    assert got[0] == want[0], (name, label, want, got)
    if want[0] == "raises":
        assert got[1] == want[1], (name, label, "NumPy's TypeError", want, got)
        return
    for (dt, value), (wdt, wvalue) in zip(got[1], want[1], strict=True):
        assert dt == wdt, (name, label, dt, wdt)
        np.testing.assert_allclose(value.astype(np.float64) if value.dtype != bool else
                                   value, wvalue.astype(np.float64) if wvalue.dtype != bool
                                   else wvalue, rtol=1e-6, err_msg=f"{name} {label}")


@pytest.mark.parametrize("name", UFUNCS)
def test_ufunc_keywords_as_numpy(backend, name):
    f, g = getattr(np, name), getattr(xnp, name)
    with backend_context(backend):
        for label, x, kwargs in CASES:
            want = _outcome(f, (x,) * f.nin, kwargs)
            got = _outcome(g, (to_backend(backend, x),) * f.nin, kwargs)
            _assert_as_numpy(name, label, want, got)


@pytest.mark.parametrize("name, label", LOOP_CASES)
def test_numpys_loop_decides_compiled(backend, name, label):
    """The calls NumPy's loop search decides give NumPy's dtypes or TypeError under the
    compilers too (the search runs while the function is traced)."""
    if backend == "numpy":
        pytest.skip("crossops.jit compiles nothing on numpy (the eager test covers it)")
    f, g = getattr(np, name), getattr(xnp, name)
    x, kwargs = CASES_BY_LABEL[label]
    with backend_context(backend):
        want = _outcome(f, (x,) * f.nin, kwargs)
        got = _outcome(crossops.jit(lambda *a: g(*a, **kwargs)),
                       (to_backend(backend, x),) * f.nin, {})
        _assert_as_numpy(name, label, want, got)


@pytest.mark.parametrize("kwargs, error", [
    ({"where": BOOL}, ValueError), ({"where": False}, ValueError),
    ({"signature": ("f8", "f8", "f8")}, TypeError), ({"casting": "nearly"}, ValueError),
    ({"out": np.zeros(3)}, TypeError), ({"order": "X"}, ValueError),
])
def test_keywords_crossops_cannot_honour_raise(backend, kwargs, error):
    with backend_context(backend):
        x = to_backend(backend, F32)
        for f in (xnp.add, xnp.exp, xnp.less):
            args = (x,) * (2 if f is not xnp.exp else 1)
            with pytest.raises(error, match=f.__name__):
                f(*args, **kwargs)
        assert name_of(xnp.add(x, x, out=None, order="C", subok=True).dtype) == "float32"


@pytest.mark.parametrize("call, want", [
    (lambda x: xnp.add(x, x, dtype="float32"), "float32"),
    (lambda x: xnp.add(x, 1, dtype="float32"), "float32"),
    (lambda x: xnp.exp(x, dtype="float32"), "float32"),
    (lambda x: xnp.less(x, x, dtype="bool"), "bool"),
    (lambda x: xnp.negative(x, dtype="int16"), "int16"),
    (lambda x: xnp.multiply(x, x, casting="no"), "int32"),
])
def test_ufunc_dtype_on_every_backend_and_compiled(backend, call, want):
    with backend_context(backend):
        x = to_backend(backend, I32)
        out = call(x)
        assert name_of(out.dtype) == want
        # (a backend's float32 exp may differ from NumPy's in the last bit)
        np.testing.assert_allclose(to_numpy(out), np.asarray(call(I32)), rtol=2e-7)
        if backend != "numpy":
            compiled = crossops.jit(call)(x)
            assert name_of(compiled.dtype) == want
            np.testing.assert_allclose(to_numpy(compiled), to_numpy(out), rtol=2e-7)


def test_ufunc_casting_checked_on_every_dtype_path(backend):
    with backend_context(backend):
        x = to_backend(backend, F32)
        with pytest.raises(TypeError, match="cannot cast input 0 from float32 to int32"):
            xnp.add(x, x, dtype="int32")
        with pytest.raises(TypeError, match="no computation gives dtype=float32"):
            xnp.less(x, x, dtype="float32")
        i = to_backend(backend, I32)
        with pytest.raises(TypeError, match="sqrt"):  # (tensorflow: no integer sqrt)
            xnp.sqrt(i, casting="no")
        assert name_of(xnp.add(x, x, dtype="int32", casting="unsafe").dtype) == "int32"
