"""The C fronts of the dispatch (crossops._fastpath): same results as the generated
Python functions they stand for, on every backend, and the same errors."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import types

import numpy as np
import pytest

import crossops.core as core
import crossops.numpy as xnp
from crossops._accel import FRONTS
from crossops._dtypes import CATEGORIES
from crossops._spec import load_spec

from .backends import backend_context, to_backend, to_numpy

built = pytest.mark.skipif(
    not FRONTS, reason="crossops._fastpath is not built here (no C compiler at install, or "
    "CROSSOPS_PURE_PYTHON is set): the generated Python functions dispatch every call")


def test_the_extension_is_built_where_a_compiler_is():
    """setup.py's extension is optional, so a C file that does not compile installs
    crossops without its fronts, silently, and every ``built`` test skips: here it
    fails instead, wherever this Python's C compiler is on the PATH."""
    import shutil
    import sysconfig
    compiler = (sysconfig.get_config_var("CC") or "").split()
    if os.environ.get("CROSSOPS_PURE_PYTHON") or not compiler or not shutil.which(compiler[0]):
        pytest.skip("no C compiler here, or CROSSOPS_PURE_PYTHON is set: the fronts are off")
    import importlib.util
    assert importlib.util.find_spec("crossops._fastpath") is not None, (
        "crossops._fastpath is not built: run `python setup.py build_ext --inplace` and "
        "read its errors")
    assert FRONTS


def _calls(backend):
    """(op, args, kwargs) covering the fronts' fast calls and what they hand back."""
    rng = np.random.default_rng(0)
    a, b = (to_backend(backend, v) for v in rng.standard_normal((2, 3, 4)).astype(np.float32))
    d = to_backend(backend, rng.standard_normal((4, 3)))
    c = to_backend(backend, rng.standard_normal((3, 4)) > 0)
    i = to_backend(backend, np.arange(12, dtype=np.int32).reshape(3, 4))
    j = to_backend(backend, np.array([3, 0, 3], dtype=np.int64))
    neg = to_backend(backend, np.array([-1, 0], dtype=np.int64))
    return [
        ("add", (a, b), {}), ("add", (a, i), {}), ("add", (a, 2), {}), ("add", (3, i), {}),
        ("matmul", (a, d), {}), ("where", (c, a, b), {}), ("where", (c, a, 0.5), {}),
        ("exp", (a,), {}), ("sum", (a,), {}), ("sum", (a,), {"axis": 0, "keepdims": True}),
        ("reshape", (a, (12,)), {}), ("reshape", (a,), {"shape": (4, 3)}),
        ("reshape", (i, (2, 6)), {"copy": True}), ("argsort", (a,), {}),
        ("add", (c, c), {}), ("subtract", (i, i), {}), ("where", (i, i, i), {}),
        ("where", (a, a, b), {}),
        # options by keyword (or by position where the signature allows): fast calls too,
        # except a dtype to convert, a keyword of the generated function's own (where=),
        # an unknown or doubled one
        ("sum", (a,), {"axis": -1}), ("sum", (i,), {"dtype": "float32"}),
        ("sum", (a,), {"axis": 0, "where": c[0]}), ("mean", (a,), {"keepdims": True}),
        ("max", (a,), {"axis": (0, 1)}), ("argmax", (a,), {"axis": 1, "keepdims": True}),
        ("cumsum", (a,), {"axis": 1}), ("squeeze", (a[None],), {"axis": 0}),
        ("clip", (a,), {"min": -0.5}), ("clip", (a, -0.5, 0.5), {}),
        ("expand_dims", (a,), {"axis": -1}),
        ("std", (a,), {"axis": 0, "correction": 1}),
        # a list or tuple of arrays first: keyed on the items' types (mixed dtypes, a host
        # array among them, a dtype to convert: the generated function's own path)
        ("concatenate", ([a, b],), {"axis": 1}), ("concatenate", ((a, i),), {}),
        ("concatenate", ([a],), {"axis": None}), ("stack", ([a, b],), {}),
        ("stack", ((a, b),), {"axis": -1}), ("hstack", ([a, b],), {}),
        ("concatenate", ([a, b],), {"dtype": "float64"}),
        ("concatenate", ([a, to_numpy(b)],), {}),
        # several arrays of one type leading the signature (take's x and indices): keyed
        # on that type; other types (a host array, a Python list) take the generated path
        ("take", (a, j), {"axis": 1}), ("take", (a, j), {}), ("take", (a, neg), {"axis": 0}),
        ("take", (a, to_numpy(j)), {"axis": 1}), ("take", (a, [0, 2]), {"axis": 1}),
        ("take", (a, j), {"axis": 1, "mode": "clip"}),
        ("take_along_axis", (a, j[:, None]), {"axis": 1}), ("dot", (a, d), {}),
        ("tensordot", (a, d), {"axes": 1}), ("outer", (a[0], b[0]), {}),
        ("searchsorted", (to_backend(backend, np.arange(4, dtype=np.float32)), b[0]), {}),
        ("isclose", (a, b), {"rtol": 0.5}), ("isclose", (a, i), {}),
    ] + [("sum", (to_backend(backend, np.ones((2, 3), dt)),), {}) for dt in CATEGORIES["numeric"]]


def _frames_of(fn, call):
    """``call()``'s result, and the names of the Python frames of ``fn`` it entered (a
    front that takes the call itself enters none: the profiler sees C calls only)."""
    frames = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code is fn.__code__:
            frames.append(frame.f_code.co_name)
    sys.setprofile(profile)
    try:
        out = call()
    finally:
        sys.setprofile(None)
    return out, frames


def _same(x, y):
    assert type(x) is type(y)
    assert str(x.dtype) == str(y.dtype) and tuple(x.shape) == tuple(y.shape)
    np.testing.assert_array_equal(to_numpy(x), to_numpy(y))


@built
def test_fronts_are_builtins_with_the_spec_signature():
    spec = load_spec()
    for front, fn in FRONTS.items():
        # a builtin (torch.compile substitutes fn for it) that inspect sees through
        assert isinstance(front, types.BuiltinFunctionType) and front.__wrapped__ is fn
        assert front.__name__ == fn.__name__ and front.__module__ == fn.__module__
        assert inspect.signature(front) == inspect.signature(fn)
        assert inspect.getsource(front) == inspect.getsource(fn)
        assert front.__doc__ == fn.__doc__
    assert repr(xnp.add) == "<built-in function add>"
    empty = inspect.Parameter.empty

    def bare(sig):
        return sig.replace(parameters=[p.replace(annotation=empty)
                                       for p in sig.parameters.values()],
                           return_annotation=empty)

    assert bare(inspect.signature(xnp.add)) == inspect.signature(np.add)  # NumPy's ufunc
    assert bare(inspect.signature(xnp.matmul)) == spec["matmul"].sig
    # NumPy's own (spec/forms/numpy.toml), its <no value> defaults written as they read
    written = {"keepdims": False, "initial": None, "where": True}
    numpys = inspect.signature(np.sum)
    assert bare(inspect.signature(xnp.sum)) == numpys.replace(parameters=[
        p.replace(default=written[p.name]) if p.default is np._NoValue else p
        for p in numpys.parameters.values()])


@built
def test_front_and_generated_function_agree(backend):
    with backend_context(backend):
        for name, args, kwargs in _calls(backend):
            front = getattr(xnp, name)
            for _ in range(2):  # the first call fills the caches, the second hits them
                _same(front(*args, **kwargs), FRONTS[front](*args, **kwargs))


@built
@pytest.mark.parametrize("name, args, kwargs", [
    ("sum", (), {"axis": 0}), ("sum", (), {"axis": -1, "keepdims": True}),
    ("mean", (), {"axis": 1}), ("max", (), {"axis": 1}), ("argmax", (), {"axis": -1}),
    ("squeeze", (), {"axis": 0}), ("prod", (), {"axis": 0, "keepdims": True}),
    # NumPy's positions (crossops.numpy's NumPy forms, spec/forms/numpy.toml); not var and
    # std, whose correction=None (NumPy's ddof decides) is not the op's correction=0.0
    ("sum", (0,), {}), ("sum", (1, None), {}), ("mean", (1,), {}),
    ("max", (1,), {"keepdims": True}), ("squeeze", (0,), {}),
    # NumPy's a_min/a_max by position are the op's min/max
    ("clip", (-1, 1), {}), ("clip", (0,), {"max": 2})])
def test_front_takes_calls_with_options_itself(name, args, kwargs):
    # a call with options by keyword, or by NumPy's positions, reaches the cached function
    # without the generated Python function (no Python frame of it: the profiler sees C
    # calls only)
    x = np.ones((1, 3), np.float32)
    f = getattr(xnp, name)
    expected = FRONTS[f](x, *args, **kwargs)  # fills the cache
    out, frames = _frames_of(FRONTS[f], lambda: f(x, *args, **kwargs))
    _same(out, expected)
    assert frames == []
    with pytest.raises(TypeError, match="bogus"):  # the generated function's error
        f(x, *args, **kwargs, bogus=1)


@built
@pytest.mark.parametrize("name, args, kwargs", [
    ("take", ([2, 0],), {"axis": 1}), ("take", ([1],), {}),
    # (not dot nor isclose, whose fronts take only arrays of one dtype, as outer's:
    # torch.matmul and torch.isclose would promote two by torch's rules; a host array
    # beside a tensor, or two dtypes, take the generated function)
    ("take_along_axis", ([[0], [2]],), {"axis": 1}), ("take", ([[1], [0]],), {"axis": 0})])
def test_front_takes_arrays_of_one_type_itself(name, args, kwargs):
    # an op of several arrays, given arrays of one type, reaches the cached function
    # without the generated Python function; so does a host array beside a tensor, by the
    # function the cache has for the tuple of their types (as the generated function's key)
    torch = pytest.importorskip("torch")
    x = torch.ones((2, 3))
    others = [torch.as_tensor(np.asarray(v)) for v in args]
    f = getattr(xnp, name)
    fn = FRONTS[f]
    _same(f(x, *others, **kwargs), fn(x, *others, **kwargs))  # (fills the cache)
    out, frames = _frames_of(fn, lambda: f(x, *others, **kwargs))
    assert frames == [] and type(out) is torch.Tensor
    host = [np.asarray(v) for v in args]
    expected = fn(x, *host, **kwargs)
    out, frames = _frames_of(fn, lambda: f(x, *host, **kwargs))
    assert frames == [] and type(out) is torch.Tensor
    _same(out, expected)


@built
@pytest.mark.parametrize("f, args, kwargs", [
    (core.slice_update, ((1, 0), [[5.0, 6.0]]), {}),
    (xnp.insert, (1, [[5.0, 6.0, 7.0]]), {"axis": 0})])
def test_front_takes_arrays_after_another_argument_itself(f, args, kwargs):
    # arrays among the required parameters with another between them (slice_update's
    # starts): a fast call of arrays of one type, or a host array beside a tensor, does not
    # run the generated function, and gives what it gives
    torch = pytest.importorskip("torch")
    x = torch.ones((2, 3))
    fn = FRONTS[f]
    for values in (torch.tensor(args[1]), np.asarray(args[1], np.float32)):
        expected = fn(x, args[0], values, **kwargs)
        out, frames = _frames_of(fn, lambda: f(x, args[0], values, **kwargs))
        assert frames == [] and type(out) is torch.Tensor
        _same(out, expected)


@built
@pytest.mark.parametrize("name, kwargs", [
    ("concatenate", {"axis": 1}), ("concatenate", {}), ("stack", {}), ("stack", {"axis": 1}),
    ("hstack", {}), ("vstack", {})])
@pytest.mark.parametrize("container", [list, tuple])
def test_front_takes_a_sequence_of_arrays_itself(name, kwargs, container):
    # a sequence op's call, its cache keyed on the types of the items, reaches the cached
    # function without the generated Python function
    x = np.ones((2, 3), np.float32)
    arrays = container([x, x + 1])
    f = getattr(xnp, name)
    assert isinstance(f, types.BuiltinFunctionType)
    expected = FRONTS[f](arrays, **kwargs)  # fills the cache
    out, frames = _frames_of(FRONTS[f], lambda: f(arrays, **kwargs))
    _same(out, expected)
    assert frames == []
    _same(f([x, x.astype(np.float64)], **kwargs),  # another key: the generated function
          FRONTS[f]([x, x.astype(np.float64)], **kwargs))
    with pytest.raises(ValueError, match=f"^{name}"):  # the op's error, named
        f(container([x, np.ones((4, 5, 6), np.float32)]), **kwargs)


@built
def test_front_errors_name_the_op(backend):
    with backend_context(backend):
        a = to_backend(backend, np.ones((3, 4), np.float32))
        xnp.matmul(a, xnp.matrix_transpose(a))  # a cache hit from now on
        with pytest.raises(Exception, match=r"^matmul\b"):
            xnp.matmul(a, a)
        with pytest.raises(Exception, match=r"^reshape\b"):
            xnp.reshape(a, (5,))
        if backend != "jax":  # jax wraps an int that does not fit (see add's docstring)
            small = to_backend(backend, np.ones(3, np.int8))
            xnp.add(small, 1)  # the function of (array, int) calls is cached from now on
            with pytest.raises(OverflowError, match=r"^add\b"):
                xnp.add(small, 1000)


@built
def test_front_reads_dtype_as_the_class_defines_it():
    """The fronts keep an array type's C ``dtype`` getter (torch's, NumPy's getset
    descriptor) from its first read; a class that defines ``dtype`` otherwise (a property)
    is read through it on every call, and types past the fronts' table (eight) are read
    right as they replace the oldest."""
    reads = []

    class Arr(np.ndarray):
        @property
        def dtype(self):
            reads.append(self)
            return np.ndarray.dtype.__get__(self)

    a = np.ones(3, np.float32).view(Arr)
    for _ in range(3):
        before = len(reads)
        assert type(xnp.add(a, a)) is Arr
        assert len(reads) > before
    kinds = [type(f"Arr{i}", (np.ndarray,), {}) for i in range(11)]
    for _ in range(2):
        for i, kind in enumerate(kinds):
            dtype = (np.float32, np.int16, np.float64)[i % 3]
            x = np.arange(3, dtype=dtype).view(kind)
            out = xnp.add(x, x)
            assert type(out) is kind and out.dtype == dtype
            assert np.array_equal(out, 2 * np.arange(3, dtype=dtype))
            assert xnp.add(x, x.astype(np.float64)).dtype == np.float64


@built
def test_front_reads_plain_afresh_once_changed(monkeypatch):
    """The fronts keep the last plain function they found (per op) until a plain cache
    changes (``crossops._accel.FrontDict`` tells them): a changed entry, and a call of
    another dtype or array type, each find theirs."""
    from crossops._accel import FrontDict
    from crossops._dispatch import TABLE
    a = np.ones((2, 3), np.float32)
    xnp.sum(a)
    plain = TABLE["sum"].plain
    assert type(plain) is FrontDict and isinstance(plain[np.ndarray], dict)  # np.sum by dtype
    calls: list = []

    def spy(x):
        calls.append(x.dtype)
        return np.sum(x)

    for _ in range(2):
        assert xnp.sum(a) == 6.0  # the second: the kept function
    monkeypatch.setitem(plain, np.ndarray, {a.dtype: spy})  # the entry changed
    assert xnp.sum(a) == 6.0 and calls == [a.dtype]
    monkeypatch.undo()
    for x in (a, a.astype(np.float64), a.astype(np.int8), a, np.float32(2.0)):
        out = xnp.sum(x)
        assert out == np.sum(x) and out.dtype == np.sum(x).dtype
    assert len(calls) == 1
    with pytest.raises(TypeError, match="by item only"):
        plain.update({})


@built
def test_front_passes_the_forms_own_values_of_the_ops_parameters(monkeypatch):
    """crossops.numpy's and crossops.ops's ``sort`` pass ``stable=False`` where the caller
    leaves NumPy's kind (Keras's sort: stable) out, through the front as through the
    generated function (``accelerate``'s ``sets``); stable=True and kind='stable' ask for
    the stable sort."""
    from crossops import ops
    from crossops._dispatch import TABLE
    op = TABLE["sort"]
    a = np.array([[3.0, 1.0], [0.0, -0.0]], np.float32)
    xnp.sort(a)
    got: list = []
    impl = op.cache[np.ndarray]

    def spy(x, **kwargs):
        got.append(kwargs["stable"])
        return impl(x, **kwargs)

    monkeypatch.setitem(op.cache, np.ndarray, spy)
    for f in (xnp.sort, ops.sort):
        assert f in FRONTS
        for args, kwargs, axis in (((a,), {}, -1), ((a, -1), {}, -1), ((a,), {"axis": 0}, 0)):
            for _ in range(2):  # (the first call may fill a cache; the second: the front)
                assert np.array_equal(f(*args, **kwargs), np.sort(a, axis=axis))
    assert got == [False] * 12
    got.clear()
    xnp.sort(a, stable=True), xnp.sort(a, kind="stable"), xnp.sort(a, kind="mergesort")
    assert got == [True, True, True]


@built
def test_front_checks_ranked_axes_and_one_dtype_before_the_plain_function(monkeypatch):
    """swapaxes's plain function takes only int axes in range of the array's dimensions
    (``ranked``); outer's only two arrays of one dtype (``_ONE_DTYPE_OPS``): other calls
    take the op's own path."""
    from crossops._dispatch import TABLE
    calls: list = []

    def spy(name, f):
        def plain(*args):
            calls.append(name)
            return f(*args)
        return plain

    v, m = np.arange(3.0), np.ones((2, 3), np.float32)
    xnp.swapaxes(m, 0, 1), xnp.outer(v, v)
    monkeypatch.setitem(TABLE["swapaxes"].plain, np.ndarray, spy("swapaxes", np.swapaxes))
    monkeypatch.setitem(TABLE["outer"].plain, np.ndarray, spy("outer", np.outer))
    assert xnp.swapaxes(m, 0, -1).shape == (3, 2) and calls == ["swapaxes"]
    for axes in ((0, 2), (-3, 0), (0, True)):
        with pytest.raises(Exception, match="swapaxes"):
            xnp.swapaxes(m, *axes)
    with pytest.raises(Exception, match="axis1 0 is out of bounds"):
        xnp.swapaxes(np.float32(1.0) * np.ones(()), 0, 0)
    assert xnp.outer(v, v).dtype == np.float64 and calls == ["swapaxes", "outer"]
    out = xnp.outer(v.astype(np.float32), v)
    assert out.dtype == np.float64 and calls == ["swapaxes", "outer"]


_CREATIONS = [("zeros", ((2, 3),)), ("zeros", ((),)), ("ones", ((0, 2),)), ("empty", (2,)),
               ("full", ((2,), 7)), ("arange", (5,)), ("arange", (2.5,)), ("arange", (-2,)),
               ("arange", (True,)), ("eye", (2,)), ("linspace", (0, 1)), ("zeros", (-1,)),
               ("arange", ("x",))]


def _creation_outcome(f, args):
    try:
        return f(*args)
    except Exception as e:  # noqa: BLE001 (compared with the generated function's)
        return e


@built
def test_creation_fronts_agree_with_generated_functions(backend):
    """Calls without array arguments (crossops.numpy's and crossops.ops's zeros, arange
    ...): the creation fronts make what the generated functions make on the default
    backend, under Keras's floatx (crossops.ops), errors included."""
    import crossops
    from crossops import ops
    for name, _ in _CREATIONS:
        assert isinstance(getattr(xnp, name), types.BuiltinFunctionType)
        if name != "linspace":
            assert isinstance(getattr(ops, name), types.BuiltinFunctionType)
    with backend_context(backend):
        half = _CREATIONS[:1] + _CREATIONS[5:7]  # (floatx: zeros and arange)
        for floatx, cases in (("float32", _CREATIONS), ("float16", half)):
            crossops.config.set_floatx(floatx)
            try:
                for name, args in cases:
                    for ns in (xnp, ops) if name != "linspace" else (xnp,):
                        front = getattr(ns, name)
                        for _ in range(2):  # the first finds the route, the second keeps it
                            out = _creation_outcome(front, args)
                            slow = _creation_outcome(FRONTS[front], args)
                            if isinstance(slow, Exception):
                                assert type(out) is type(slow) and str(out) == str(slow)
                            elif name == "empty":
                                assert type(out) is type(slow)
                                assert (str(out.dtype), out.shape) == (str(slow.dtype),
                                                                      slow.shape)
                            else:
                                _same(out, slow)
            finally:
                crossops.config.set_floatx("float32")


@built
def test_creation_fronts_follow_the_default_backend_and_settings():
    """A creation front reads the default backend at each call (set_backend, use_backend,
    nested), Keras's floatx, and torch's default dtype where torch's own function makes
    it; calls with options take the generated function."""
    import crossops
    from crossops import ops
    torch = pytest.importorskip("torch")
    with crossops.use_backend("torch"):
        assert xnp.zeros(2).dtype == torch.float32 and ops.arange(3).dtype == torch.int32
        with crossops.use_backend("numpy"):
            assert xnp.zeros(2).dtype == np.float64 and ops.zeros(2).dtype == np.float32
            assert ops.arange(2.0).dtype == np.float32 and xnp.arange(2).dtype == np.int64
        default = torch.get_default_dtype()
        torch.set_default_dtype(torch.float64)
        try:  # crossops.numpy: torch's default; crossops.ops: floatx
            assert xnp.zeros(2).dtype == torch.float64 and ops.ones(2).dtype == torch.float32
            for fill in (2.0, 2, True):  # (full's route of a float fill: torch's default)
                assert ops.full((2,), fill).dtype == ops.full([2], fill).dtype == torch.float32
            assert xnp.full((2,), 2.0).dtype == torch.float64
            crossops.config.set_floatx("float64")
            assert ops.zeros(2).dtype == torch.float64 and ops.arange(1.5).dtype == torch.float64
        finally:
            torch.set_default_dtype(default)
            crossops.config.set_floatx("float32")
        assert ops.empty(2).dtype == torch.float32
        assert xnp.zeros(2, "int8").dtype == torch.int8  # (options: the generated function)
        assert xnp.zeros(2, like=np.ones(1)).dtype == np.float64
    previous = crossops.get_backend()
    crossops.set_backend("torch")
    try:
        assert type(xnp.ones(1)) is torch.Tensor
    finally:
        crossops.set_backend(previous)
    assert type(xnp.ones(1)) is type(FRONTS[xnp.ones](1))


_PURE = """
import json, numpy as np, crossops.numpy as xnp
a = np.arange(12, dtype=np.float32).reshape(3, 4)
i = np.arange(12, dtype=np.int16).reshape(3, 4)
outs = [xnp.add(a, i), xnp.add(i, 3), xnp.where(a > 4, a, i), xnp.sum(i), xnp.reshape(a, (12,))]
print(json.dumps([type(xnp.add).__name__] + [[str(o.dtype), o.tolist()] for o in outs]))
"""


def test_pure_python_dispatch_gives_the_same_results():
    env = {**os.environ, "CROSSOPS_PURE_PYTHON": "1"}
    out = json.loads(subprocess.run([sys.executable, "-c", _PURE], env=env, check=True,
                                    capture_output=True, text=True).stdout)
    assert out[0] == "function"
    here = json.loads(subprocess.run([sys.executable, "-c", _PURE], check=True,
                                     capture_output=True, text=True).stdout)
    assert out[1:] == here[1:]


def _keras_calls(backend):
    """(crossops.ops name, args, kwargs) of keras.ops forms whose dtype rule changes some
    dtypes only: their fronts take the others (crossops._keras_dtypes.unchanged_dtypes)."""
    rng = np.random.default_rng(1)
    out = []
    for dt in ["bool", "int8", "int16", "int32", "int64", "uint8", "float16", "float32",
               "float64"]:
        x = to_backend(backend, (rng.standard_normal((3, 4)) * 3).astype(dt))
        y = to_backend(backend, (rng.standard_normal((4, 3)) * 3).astype(dt))
        out += [("sum", (x,), {}), ("sum", (x,), {"axis": 0}), ("sum", (x, -1), {}),
                ("prod", (x,), {"axis": 1, "keepdims": True}), ("matmul", (x, y), {}),
                ("exp", (x,), {}), ("mean", (x,), {"axis": -1, "keepdims": True}),
                ("square", (x,), {}), ("cumsum", (x,), {"axis": 0}),
                ("floor_divide", (x, x), {}),
                # a result cast to int32 (by the front where the backend has the cast)
                ("argmax", (x,), {"axis": -1}), ("argmax", (x,), {}),
                ("argmin", (x, 0), {"keepdims": True}), ("argsort", (x,), {}),
                # items of one dtype (Keras promotes items of several: below)
                ("concatenate", ([x, x],), {"axis": 1}), ("stack", ((x, x),), {})]
    h, i, f = (to_backend(backend, np.ones((2, 3), dt)) for dt in ("float16", "int16",
                                                                   "float32"))
    out += [("concatenate", ([h, i],), {}), ("stack", ([i, f],), {"axis": -1}),
            ("concatenate", ((f, h, i),), {"axis": 1})]
    return out


@built
@pytest.mark.parametrize("name, kwargs", [
    ("concatenate", {"axis": -1}), ("concatenate", {}), ("stack", {}), ("stack", {"axis": 2}),
    ("dstack", {})])
def test_keras_sequence_front_takes_items_of_one_dtype(name, kwargs):
    # ops.concatenate promotes its items to one dtype as Keras (float16 with int16 gives
    # float16, where crossops.numpy gives float32): the front takes items of one dtype,
    # and hands the others to the Keras form
    from crossops import ops
    f = getattr(ops, name)
    form = FRONTS[f]
    x = np.arange(6, dtype=np.float16).reshape(2, 3)
    for items in ([x, x + 1], (x, x), [x], [x, x.astype(np.int16)], [x.astype(np.int8), x]):
        expected = form(items, **kwargs)  # fills the cache
        out, frames = _frames_of(form, lambda: f(items, **kwargs))
        _same(out, expected)
        assert out.dtype == np.float16
        assert frames == ([] if len({a.dtype for a in items}) == 1 else [name])


@built
def test_keras_fronts_and_forms_agree(backend):
    # every dtype, those the rule changes (handed to the Keras form) and the others
    from crossops import ops
    # (every dtype: integer division by zero and exp's overflow warn on numpy, as NumPy)
    with backend_context(backend), np.errstate(divide="ignore", over="ignore"):
        for name, args, kwargs in _keras_calls(backend):
            front = getattr(ops, name)
            assert FRONTS[front].__module__ == "crossops._keras_ops"
            for _ in range(2):  # the first call fills the caches, the second hits them
                try:
                    expected = FRONTS[front](*args, **kwargs)
                except Exception as e:  # (a dtype a backend lacks a kernel for)
                    with pytest.raises(type(e)):
                        front(*args, **kwargs)
                    break
                _same(front(*args, **kwargs), expected)


@built
@pytest.mark.parametrize("name, kwargs", [
    ("argmax", {"axis": -1}), ("argmax", {}), ("argmin", {"axis": 0, "keepdims": True}),
    ("argsort", {"axis": 0})])
def test_keras_front_casts_its_result_on_torch(name, kwargs):
    # ops.argmax's int32 indices: the front calls the op's function and the backend's cast
    # (torch's RESULT_CASTS), without the Keras form; a bool tensor takes the form (its
    # rule converts the input)
    torch = pytest.importorskip("torch")
    from crossops import ops
    f = getattr(ops, name)
    form = FRONTS[f]
    for dt, own in [(torch.float32, True), (torch.int64, True), (torch.bool, False)]:
        x = (torch.arange(12) % 5 - 2).reshape(3, 4).to(dt)
        expected = form(x, **kwargs)  # fills the cache
        out, frames = _frames_of(form, lambda: f(x, **kwargs))
        _same(out, expected)
        assert out.dtype is torch.int32
        assert frames == ([] if own else [name])


@built
@pytest.mark.parametrize("name, kwargs, changed", [
    ("sum", {}, "bool int8"), ("sum", {"axis": 0}, "bool int8"), ("exp", {}, "bool int8"),
    ("square", {}, "bool"), ("cumsum", {"axis": 1}, "bool int8"),
    ("mean", {"axis": 0, "keepdims": True}, "bool int8")])
def test_keras_front_takes_the_dtypes_its_rule_leaves_alone(name, kwargs, changed):
    from crossops import ops
    f = getattr(ops, name)
    form = FRONTS[f]
    for dt in ["float32", "bool", "int8"]:
        own = dt not in changed.split()
        x = np.ones((2, 3), dt)
        expected = form(x, **kwargs)  # fills the cache
        out, frames = _frames_of(form, lambda: f(x, **kwargs))
        _same(out, expected)
        assert frames == ([] if own else [name])  # the Keras form applies the rule
    # only Keras's parameters by keyword: sum has no dtype in keras.ops
    with pytest.raises(TypeError, match="dtype"):
        ops.sum(np.ones(3, np.float32), dtype=None)


@built
@pytest.mark.parametrize("name, kwargs", [
    ("argmax", {"axis": -1}), ("argmax", {}), ("argmin", {"axis": 0, "keepdims": True})])
def test_keras_front_makes_int32_indices_on_tensorflow(name, kwargs):
    # ops.argmax on TensorFlow: the front calls the backend's int32 function
    # (RESULT_FUNCTIONS) in place of the op's and a cast, without the Keras form; the
    # indices are the form's (ties: the first; NaN: the first NaN; -0.0 ties with 0.0)
    tf = pytest.importorskip("tensorflow")
    from crossops import ops
    f = getattr(ops, name)
    form = FRONTS[f]
    values = np.array([[1.0, 3.0, 3.0, -0.0], [0.0, -0.0, np.nan, np.nan],
                       [2.0, 1e-40, -1e-40, 2.0]], np.float32)
    for dt, own in [("float32", True), ("float16", True), ("int64", True), ("bool", False)]:
        host = values if dt.startswith("float") else np.nan_to_num(values)
        x = tf.constant(host.astype(dt) if dt != "bool" else host > 0)
        expected = form(x, **kwargs)  # fills the cache
        out, frames = _frames_of(form, lambda: f(x, **kwargs))
        _same(out, expected)
        assert out.dtype is tf.int32
        assert frames == ([] if own else [name])


@built
@pytest.mark.parametrize("name", ["add", "maximum", "multiply"])
def test_keras_weak_front_takes_a_scalar_beside_a_float_array(name):
    # a Keras form of the ``weak`` rule: a Python scalar beside a float array comes out
    # as in crossops.numpy, so the front takes it (through the slow path's cache); beside
    # a bool or integer array the rule changes the dtype (int8 + 1.0 is float32 in Keras),
    # and the form takes the call. Dtypes as keras.ops gives them.
    keras = pytest.importorskip("keras")
    from crossops import ops
    f = getattr(ops, name)
    form = FRONTS[f]
    for dt, scalar, own in [("float32", 0.5, True), ("float16", 2, True),
                            ("float64", True, True), ("int8", 1.0, False),
                            ("int8", 3, False), ("bool", 1, False)]:
        x = np.arange(-2, 4).astype(dt)
        for args in [(x, scalar), (scalar, x)]:
            expected = form(*args)  # fills the cache
            out, frames = _frames_of(form, lambda: f(*args))
            _same(out, expected)
            keras_out = getattr(keras.ops, name)(*args)
            assert str(out.dtype) == keras.backend.standardize_dtype(keras_out.dtype)
            assert frames == ([] if own else [name])


@built
@pytest.mark.parametrize("name, kwargs", [
    ("argmax", {"axis": -1}), ("argmax", {}), ("argmin", {"axis": 0, "keepdims": True}),
    ("argsort", {"axis": 0})])
def test_keras_front_casts_its_result_on_numpy(name, kwargs):
    # NumPy's RESULT_CASTS: the front casts the op's indices (a NumPy scalar without an
    # axis) to int32 itself, as the Keras form does (a bool array takes the form)
    from crossops import ops
    f = getattr(ops, name)
    form = FRONTS[f]
    values = np.array([[1.0, 3.0, 3.0, -0.0], [0.0, -0.0, np.nan, np.nan]], np.float32)
    for x, own in [(values, True), (np.nan_to_num(values).astype(np.int64), True),
                   (values > 0, False)]:
        expected = form(x, **kwargs)
        out, frames = _frames_of(form, lambda: f(x, **kwargs))
        _same(out, expected)
        assert out.dtype == np.int32
        assert frames == ([] if own else [name])


@built
def test_numpy_astype_front_takes_numpys_own_dtypes_only():
    # the front passes one of NumPy's dtype objects of crossops's table on as it is (the
    # conversion returns it so); another object of the same class (a big-endian float32),
    # a scalar type, a name or a foreign dtype goes to the generated function
    ml_dtypes = pytest.importorskip("ml_dtypes")
    fn = FRONTS[xnp.astype]
    x = np.array([[1.5, -0.0, np.nan], [70000.0, 2.0, -3.25]], np.float32)
    for a in (x, x.astype(">f4"), np.array([3, -1], np.int16), np.zeros((0, 2)),
              np.array(True), np.float32(2.5)):
        for dtype in (np.dtype("float16"), np.dtype(ml_dtypes.bfloat16), np.dtype("float32"),
                      np.dtype(">f4"), np.dtype("int8"), np.dtype("bool"), np.float16,
                      "float64", np.dtype("S4"), np.dtype(ml_dtypes.float8_e4m3fn)):
            for kwargs in ({}, {"copy": False}, {"device": "cpu"}, {"device": "nowhere"}):
                for _ in range(2):  # (the first call fills the caches)
                    outs = []
                    for f in (xnp.astype, fn):
                        try:
                            out = f(a, dtype, **kwargs)
                            outs.append((out.dtype, out.dtype.byteorder, out.shape,
                                         out is a, out.tobytes()))
                        except Exception as e:  # noqa: BLE001  (compared below)
                            outs.append((type(e), str(e)))
                    assert outs[0] == outs[1], (a.dtype, dtype, kwargs)
    assert xnp.astype(x, np.dtype(">f4")).dtype.byteorder != ">"  # (converted: crossops's)
    # ... and takes the call itself: no frame of the generated function
    frames: list = []
    sys.setprofile(lambda frame, event, arg: frames.append(frame.f_code.co_filename)
                   if event == "call" else None)
    try:
        xnp.astype(x, np.dtype("float16"))
    finally:
        sys.setprofile(None)
    assert not any(f.endswith("_ops.py") for f in frames), frames


@built
def test_numpy_routes_of_transposes_and_outer_agree_with_numpy():
    # AT_DEFAULTS's np.swapaxes, np.transpose and np.asarray, and numpy.py's outer of two
    # 1-d arrays of one dtype: NumPy's results; their errors and the other calls: the op's
    # own path
    import ml_dtypes

    from crossops._errors import OpAxisError
    for x in (np.arange(6.0).reshape(2, 3), np.array(2.5), np.zeros((0, 3), np.int8),
              np.arange(24).reshape(2, 3, 4) > 5, np.ones((2, 2), ml_dtypes.bfloat16)):
        for args, kwargs in (((0, -1), {}), ((), {"axis1": 1, "axis2": 0}), ((0, 3), {})):
            try:
                expected = np.swapaxes(x, *args, **kwargs)
            except np.exceptions.AxisError:
                with pytest.raises(OpAxisError, match="swapaxes: axis"):
                    xnp.swapaxes(x, *args, **kwargs)
                continue
            _same(xnp.swapaxes(x, *args, **kwargs), expected)
        _same(xnp.transpose(x), np.transpose(x))
        assert xnp.asarray(x) is x and xnp.asarray(x) is x  # (AT_DEFAULTS's np.asarray)
        v = x.reshape(-1)
        for a, b in ((v, v[::-1]), (x, v), (v, v.astype(np.float32))):
            _same(xnp.outer(a, b), FRONTS[xnp.outer](a, b))


@built
def test_creation_fronts_take_python_numbers_after_the_first_argument(backend):
    from crossops import ops
    # linspace(start, stop, num), whose op requires num (NumPy's and Keras's forms:
    # num=50), and full: the creation front's route for Python numbers (a shape first, a
    # tuple or a list; its route by the shape's type, then the fill's); an
    # array (NumPy's scalars too), which may choose the backend or Keras's dtype, and
    # every other call: the generated function (ops.linspace: its def), with the same
    # result
    calls = [(xnp.linspace, (0, 1, 5)), (xnp.linspace, (0, 1)), (xnp.linspace, (0.5, -1, 7)),
             (xnp.linspace, (0, 1, 0)), (xnp.linspace, (0, 1, -1)), (xnp.linspace, (0, 1, 5.0)),
             (xnp.linspace, (True, 2, 3)), (xnp.linspace, (0, np.float32(1.5), 3)),
             (xnp.linspace, (np.float32(0), 1, 3)), (xnp.linspace, (0, 1, np.int64(4))),
             (xnp.full, ((2, 2), 2.0)), (xnp.full, ((2,), True)),
             (xnp.full, ((2,), np.float32(2.5))), (xnp.full, ((2,), np.array(3, np.int8))),
             (xnp.full, ((2,), 2**70)), (ops.full, ((2,), 3)), (ops.full, ((2, 2), 2.0)),
             (xnp.full, ([2, 1], -0.0)), (xnp.full, ((2,), 1j)), (xnp.full, ([2], 7)),
             (xnp.full, (3, 2.0)), (xnp.full, ([2.0], 1)), (xnp.full, ((-1,), 1.5)),
             (ops.full, ([2], True)), (ops.full, ((2,), 1j)), (ops.full, ([1, 2], -0.0)),
             (ops.full, ((), 2**40)),
             (ops.linspace, (0, 1, 5)), (ops.linspace, (0.5, -1, 7)), (ops.linspace, (0, 1)),
             (ops.linspace, (np.array([0.0, 10.0]), 1, 3)), (xnp.zeros, ([2, 3],)),
             (xnp.zeros, (np.int64(3),))]
    with backend_context(backend):
        for f, args in calls:
            def outcome(g, args=args):
                try:
                    out = g(*args)
                except Exception as e:  # noqa: BLE001  (compared below)
                    return type(e).__name__
                return type(out), str(out.dtype), to_numpy(out).tolist()
            for _ in range(2):  # the first call finds the route, the second takes it
                assert outcome(f) == outcome(FRONTS[f]), (f.__name__, args)


@built
def test_astype_front_takes_a_dtype_name_itself(backend):
    """``astype(x, 'float16')``: the front passes the backend's dtype of that name to the
    function the generated function cached for a call by name (no frame of it), and a
    name the backend has no dtype of goes to the generated function, which raises."""
    x = to_backend(backend, np.ones((2, 3), np.float32))
    for name in ("float16", "int8", "bool"):
        expected = FRONTS[xnp.astype](x, name)  # fills the cache (keyed by str)
        out, frames = _frames_of(FRONTS[xnp.astype], lambda: xnp.astype(x, name))
        _same(out, expected)
        if backend in ("numpy", "torch"):  # (the backends with a keyed dtype class)
            assert frames == [], name
    with pytest.raises(TypeError, match="unknown dtype 'float17'"):
        xnp.astype(x, "float17")
