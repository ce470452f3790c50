"""The float8 dtypes Keras knows (float8_e4m3fn, float8_e5m2) in crossops.ops: storage
dtypes made by ``cast``, ``convert_to_tensor`` and the creation functions, kept by the
ops that move data, and refused (ValueError, Keras's rule) where they would promote with
another dtype, and by ``result_type``. Values are ml_dtypes's roundings (what Keras's NumPy
backend gives). Last, the same calls through keras.ops and crossops.ops, backend by
backend, with the differences crossops keeps on purpose and why."""

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
    CPU kernels have no float8 add (its own error comes through), TensorFlow has no float8
    arithmetic at all (Keras's ValueError, as Keras's TensorFlow backend raises)."""
    x = ops.cast(to_backend(backend, np.array([1.0, 2.5], np.float32)), name)
    if backend == "torch":
        with pytest.raises(NotImplementedError, match="(?i)float8"):
            ops.add(x, 1.0)
        return
    if backend == "tensorflow":  # Keras's ValueError (a TypeError too: a kernel it lacks)
        with pytest.raises(ValueError, match=f"add: TensorFlow has no {name} kernel") as info:
            ops.add(x, 1.0)
        assert isinstance(info.value, TypeError)
        return
    out = ops.add(x, 1.0)
    assert dtype_name(out.dtype) == name
    want = (_f8([1.0, 2.5], name) + getattr(ml_dtypes, name)(1.0)).astype(np.float32)
    np.testing.assert_array_equal(to_numpy(ops.cast(out, "float32")), want)


# == crossops.ops against Keras 3.15.1, backend by backend =====================================
#
# The same calls run through keras.ops (in a subprocess per backend: Keras reads
# KERAS_BACKEND once) and through crossops.ops on that backend. A call matches when both give
# the same result (dtype, shape and values; ``empty``'s values excepted), or when both raise
# and crossops's exception is an instance of the first built-in class of Keras's (a
# framework's own error class, such as TensorFlow's InvalidArgumentError, has Exception
# there: crossops turns framework errors into the usual Python types).

def _probe_calls(o, dt: str) -> dict:
    """name -> (call, whether values are compared) on namespace ``o`` (keras.ops, with
    ``keras.backend.result_type`` as its ``result_type``, or crossops.ops) and float8 dtype
    ``dt``."""
    def x():
        return o.cast(o.ones((2, 3), dtype="float32"), dt)

    f8 = getattr(ml_dtypes, dt)
    calls = {
        "cast": lambda: x(),
        "cast back": lambda: o.cast(x(), "float32"),
        "cast to bfloat16": lambda: o.cast(x(), "bfloat16"),
        "cast from int32": lambda: o.cast(o.ones((2,), dtype="int32"), dt),
        "convert_to_tensor list": lambda: o.convert_to_tensor([1.0, 2.0], dtype=dt),
        "convert_to_tensor ndarray": lambda: o.convert_to_tensor(np.ones(2, np.float32),
                                                                 dtype=dt),
        "convert_to_tensor float8 ndarray": lambda: o.convert_to_tensor(np.ones(2, f8)),
        "convert_to_numpy": lambda: o.convert_to_numpy(x()),
        "ones": lambda: o.ones((2,), dtype=dt),
        "zeros": lambda: o.zeros((2,), dtype=dt),
        "empty": lambda: o.empty((2,), dtype=dt),
        "full": lambda: o.full((2,), 2.0, dtype=dt),
        "eye": lambda: o.eye(2, dtype=dt),
        "identity": lambda: o.identity(2, dtype=dt),
        "tri": lambda: o.tri(2, dtype=dt),
        "arange": lambda: o.arange(3, dtype=dt),
        "linspace": lambda: o.linspace(0, 1, 3, dtype=dt),
        "zeros_like": lambda: o.zeros_like(x()),
        "zeros_like dtype": lambda: o.zeros_like(o.ones((2,)), dtype=dt),
        "ones_like": lambda: o.ones_like(x()),
        "ones_like dtype": lambda: o.ones_like(o.ones((2,)), dtype=dt),
        "empty_like": lambda: o.empty_like(x()),
        "empty_like dtype": lambda: o.empty_like(o.ones((2,)), dtype=dt),
        "full_like": lambda: o.full_like(x(), 1.0),
        "result_type with float32": lambda: o.result_type(dt, "float32"),
        "result_type with itself": lambda: o.result_type(dt, dt),
        "result_type alone": lambda: o.result_type(dt),
        "add": lambda: o.add(x(), x()),
        "add float32": lambda: o.add(x(), o.ones((2, 3))),
        "add Python float": lambda: o.add(x(), 1.0),
        "multiply": lambda: o.multiply(x(), x()),
        "abs": lambda: o.abs(x()),
        "negative": lambda: o.negative(x()),
        "reshape": lambda: o.reshape(x(), (3, 2)),
        "transpose": lambda: o.transpose(x()),
        "expand_dims": lambda: o.expand_dims(x(), 0),
        "squeeze": lambda: o.squeeze(o.expand_dims(x(), 0), 0),
        "concatenate": lambda: o.concatenate([x(), x()]),
        "stack": lambda: o.stack([x(), x()]),
        "take": lambda: o.take(x(), [0, 1], axis=1),
        "slice": lambda: o.slice(x(), (0, 0), (1, 2)),
        "where": lambda: o.where(o.ones((2, 3), dtype="bool"), x(), x()),
        "sum": lambda: o.sum(x()),
        "max": lambda: o.max(x()),
        "matmul": lambda: o.matmul(x(), o.transpose(x())),
        "sqrt": lambda: o.sqrt(x()),
        "relu": lambda: o.relu(x()),
        "equal": lambda: o.equal(x(), x()),
        "isnan": lambda: o.isnan(x()),
        "isinf": lambda: o.isinf(x()),
        "isfinite": lambda: o.isfinite(x()),
        "shape": lambda: o.shape(x()),
        "saturate_cast": lambda: o.saturate_cast(o.ones((2,)) * 1000, dt),
        "copy": lambda: o.copy(x()),
        "flip": lambda: o.flip(x()),
        "tile": lambda: o.tile(x(), 2),
        "stop_gradient": lambda: o.stop_gradient(x()),
        "is_tensor": lambda: o.is_tensor(x()),
    }
    return {name: (call, not name.startswith("empty")) for name, call in calls.items()}


def _builtin_bases(cls: type) -> tuple[str, ...]:
    """The names of the built-in classes among ``cls``'s bases, nearest first."""
    return tuple(c.__name__ for c in cls.__mro__ if c.__module__ == "builtins")


def _outcome(o, call, values: bool):
    """What ``call`` gives, in plain Python data: ``("ok", description)`` or
    ``("raise", built-in bases of the exception, its message's first line)``."""
    try:
        r = call()
    except Exception as e:  # noqa: BLE001  (any error is an outcome to compare)
        return ("raise", _builtin_bases(type(e)), (str(e).strip().splitlines() or [""])[0])
    return ("ok", _describe(o, r, values))


def _describe(o, r, values: bool):
    if isinstance(r, (tuple, list)):
        return tuple(_describe(o, v, values) for v in r)
    if isinstance(r, (bool, int, float, str)):
        return (type(r).__name__, r)
    name = dtype_name(r.dtype)
    data = np.asarray(o.convert_to_numpy(o.cast(r, "float32")), np.float64)
    return (name, data.shape,
            tuple("nan" if np.isnan(v) else float(v) for v in data.ravel()) if values else None)


def _probe(o) -> dict:
    return {f"{dt} {name}": _outcome(o, call, values)
            for dt in FLOAT8 for name, (call, values) in _probe_calls(o, dt).items()}


class _KerasOps:
    """keras.ops, with Keras's ``result_type`` (``keras.backend.result_type``)."""

    def __init__(self):
        import keras
        self._ops, self.result_type = keras.ops, keras.backend.result_type

    def __getattr__(self, name):
        return getattr(self._ops, name)


def _keras_probe(path: str) -> None:
    """Keras's outcomes of the probe (run in a subprocess with ``KERAS_BACKEND`` set, see
    :func:`tests.backends.keras_subprocess`)."""
    import pickle
    with open(path, "wb") as fh:
        pickle.dump(_probe(_KerasOps()), fh)


def _matches(mine, keras_) -> bool:
    if mine[0] != keras_[0]:
        return False
    if mine[0] == "ok":
        return mine[1] == keras_[1]
    return keras_[1][0] in mine[1]  # crossops's error is a Keras's first built-in class


#: calls where crossops.ops differs from Keras 3.15.1 on purpose: backend -> name -> reason
#: (for both float8 dtypes). Each must still differ (so that the list stays true).
_SHARED = ("Keras's numpy backend refuses float8 here (its result_type raises); crossops.ops "
           "computes through ml_dtypes, as Keras's jax backend and NumPy do: crossops.ops "
           "and crossops.numpy (which follows NumPy) share the backend's functions and their "
           "C fronts, so a refusal in crossops.ops alone would cost every call a dtype check")
_TF_MADE = ("crossops makes the float8 tensor (in float32, then cast); Keras's TensorFlow "
            "backend fails: TensorFlow casts to float8 from floats only and has no float8 "
            "fill, zeros_like or ones_like kernel")
_KERAS_DIFFERS: dict[str, dict[str, str]] = {
    "numpy": {
        **dict.fromkeys(("add", "add Python float", "multiply", "where", "sqrt", "relu"),
                        _SHARED),
        "matmul": _SHARED + " (NumPy's matmul of float8 gives float32, jax's float8)",
        "convert_to_tensor float8 ndarray": "Keras's numpy backend reads the array's dtype "
                                            "through result_type, which refuses float8; "
                                            "its other backends take the array as it is",
    },
    "jax": {},
    "torch": {
        "tri": "crossops makes it on every backend; torch has no float8 tril kernel",
        "arange": "crossops makes it on every backend; torch has no float8 arange kernel",
    },
    "tensorflow": {
        **dict.fromkeys(("cast from int32", "ones", "zeros", "empty", "eye", "identity",
                         "tri", "linspace", "zeros_like", "zeros_like dtype", "ones_like",
                         "ones_like dtype", "empty_like", "empty_like dtype"), _TF_MADE),
        "full_like": "crossops makes it, as Keras's other backends do; Keras's TensorFlow "
                     "backend promotes the fill value with the float8 dtype and refuses",
    },
}

_keras_outcomes: dict[str, dict] = {}


def test_matches_keras_backend_by_backend(backend):
    pytest.importorskip("keras")
    from .backends import keras_subprocess
    if backend not in _keras_outcomes:
        _keras_outcomes[backend] = keras_subprocess(backend, "tests.test_float8",
                                                    "_keras_probe")
    keras_ = _keras_outcomes[backend]
    with crossops.use_backend(backend):
        mine = _probe(ops)
    assert mine.keys() == keras_.keys()
    differs = _KERAS_DIFFERS[backend]
    wrong = [f"{k}: crossops {mine[k]} | keras {keras_[k]}" for k in mine
             if _matches(mine[k], keras_[k]) == (k.split(" ", 1)[1] in differs)]
    print(f"{backend}: {sum(_matches(mine[k], keras_[k]) for k in mine)} of {len(mine)} "
          f"calls as Keras")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", FLOAT8)
def test_result_type_refuses_float8_in_ops_keeps_it_in_numpy(backend, name):
    """crossops.ops's result_type is Keras's (``keras.backend.result_type``): any float8
    among its inputs raises ValueError, even alone or with itself. crossops.numpy's is
    NumPy's with ml_dtypes: a float8 dtype alone, with itself or with Python scalars stays."""
    import crossops.numpy as xnp
    x = ops.cast(to_backend(backend, np.ones(2, np.float32)), name)
    for args in ((name, name), (name,), (x,), (x, x), (x, 1.0), (getattr(ml_dtypes, name),),
                 (name, "float32"), (x, to_backend(backend, np.ones(2, np.int8)))):
        with pytest.raises(ValueError, match="no implicit conversion from float8"):
            ops.result_type(*args)
    f8 = np.dtype(getattr(ml_dtypes, name))
    with crossops.use_backend(backend):
        for args, ref in (((x, x), (f8, f8)), ((x,), (f8,)), ((name, name), (f8, f8)),
                          ((x, 1.0), (f8, 1.0)), ((x, 2), (f8, 2))):
            out = xnp.result_type(*args)
            assert dtype_name(out) == np.result_type(*ref).name
            assert out == x.dtype  # the backend's own dtype
        assert ops.result_type("int8", "float16") == xnp.result_type("int8", "float16")


@pytest.mark.parametrize("name", FLOAT8)
@pytest.mark.parametrize("op", ["isnan", "isinf", "isfinite"])
def test_value_tests(backend, name, op):
    """NumPy's answers for the float8 values, in both namespaces (TensorFlow has no float8
    kernel for them: crossops tests the values in float32, exactly; Keras's TensorFlow
    backend answers as for integers, so isnan of a NaN is False there). torch has no
    float8_e4m3fn isinf or isfinite kernel: its NotImplementedError, as in Keras's torch
    backend."""
    import crossops.numpy as xnp
    values = np.array([1.0, np.nan, np.inf, -np.inf, 0.0, -0.0, -448.0, 2.0 ** -9],
                      np.float32)
    for data in (values, values[:0]):
        x = ops.cast(to_backend(backend, data), name)
        if backend == "torch" and name == "float8_e4m3fn" and op != "isnan":
            for f in (getattr(ops, op), getattr(xnp, op)):
                with pytest.raises(NotImplementedError, match=f"{op}.*Float8_e4m3fn"):
                    f(x)
            return
        want = getattr(np, op)(to_numpy(ops.cast(x, "float32")))  # the float8 values
        for out in (getattr(ops, op)(x), getattr(xnp, op)(x)):
            assert dtype_name(out.dtype) == "bool"
            np.testing.assert_array_equal(to_numpy(out), want)
    assert want.shape == (0,)


@pytest.mark.parametrize("name", FLOAT8)
def test_cast_from_integers_and_bool(backend, name):
    """To float8 from integers and bool, and from float8 to bool (a subnormal and -0.0
    among them), as ml_dtypes casts, on every backend (TensorFlow casts to float8 from
    floats only: crossops goes through float32, exact for these)."""
    f8 = getattr(ml_dtypes, name)
    for data in (np.array([1, 2, -3, 0, 17, 100], np.int32), np.array([3, 0, 255], np.uint8),
                 np.array([True, False])):
        out = ops.cast(to_backend(backend, data), name)
        assert dtype_name(out.dtype) == name
        np.testing.assert_array_equal(to_numpy(ops.cast(out, "float32")),
                                      data.astype(f8).astype(np.float32))
    values = np.array([0.0, -0.0, 2.0 ** -9, 1.5, -3.0], np.float32)
    out = ops.cast(ops.cast(to_backend(backend, values), name), "bool")
    np.testing.assert_array_equal(to_numpy(out), values.astype(f8).astype(bool))


@pytest.mark.parametrize("name", FLOAT8)
def test_arithmetic_where_the_backend_has_it(backend, name):
    """Two float8 arrays: NumPy (ml_dtypes), jax and torch multiply them in float8 (as
    Keras's jax and torch backends); TensorFlow has no float8 arithmetic: Keras's
    ValueError, which is also a TypeError (a dtype the kernel lacks), naming the op."""
    values = np.array([1.5, -2.0, 0.25], np.float32)
    x = ops.cast(to_backend(backend, values), name)
    if backend == "tensorflow":
        for call, op in ((lambda: ops.multiply(x, x), "multiply"), (lambda: ops.sqrt(x), "sqrt"),
                         (lambda: ops.sum(x), "sum")):
            with pytest.raises(ValueError, match=f"{op}: TensorFlow has no {name} kernel"
                                                 ".*cast to float32 first") as info:
                call()
            assert isinstance(info.value, TypeError)
        return
    out = ops.multiply(x, x)
    assert dtype_name(out.dtype) == name
    f8 = values.astype(getattr(ml_dtypes, name))
    np.testing.assert_array_equal(to_numpy(ops.cast(out, "float32")),
                                  (f8 * f8).astype(np.float32))


@pytest.mark.parametrize("name", FLOAT8)
def test_value_tests_and_casts_compiled(cbackend, name):
    """The value tests and the casts from integers and to bool under jax.jit and
    tf.function (jit_compile=True): NumPy's answers for the float8 values."""
    values = np.array([1.0, np.nan, np.inf, -np.inf, 0.0, -0.0, 3.0], np.float32)
    ints = np.array([1, -2, 3, 0], np.int32)

    def f(v, i):
        x = ops.cast(v, name)
        return (ops.cast(x, "float32"), ops.isnan(x), ops.isinf(x), ops.isfinite(x),
                ops.cast(x, "bool"), ops.cast(ops.cast(i, name), "float32"))

    if cbackend == "jax":
        import jax
        out = jax.jit(f)(to_backend("jax", values), to_backend("jax", ints))
    else:
        import tensorflow as tf
        out = tf.function(f, jit_compile=True)(to_backend("tensorflow", values),
                                               to_backend("tensorflow", ints))
    got = [to_numpy(o) for o in out]
    f8 = getattr(ml_dtypes, name)
    exact = values.astype(f8).astype(np.float32)  # (no saturation on these backends)
    np.testing.assert_array_equal(got[0], exact)
    for o, want in zip(got[1:5], (np.isnan(exact), np.isinf(exact), np.isfinite(exact),
                                  exact.astype(bool)), strict=True):
        np.testing.assert_array_equal(o, want)
    np.testing.assert_array_equal(got[5], ints.astype(f8).astype(np.float32))
