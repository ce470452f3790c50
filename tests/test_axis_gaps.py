"""Axis arguments NumPy takes that some backends did not (issue 18), array endpoints of
``linspace`` (issue 12) and TensorFlow's argmax/argmin of subnormals, on every backend,
eager and compiled (``crossops.jit``: jax.jit, torch.compile, tf.function with XLA),
against NumPy's results and error types (crossops.ops: Keras's).

- ``moveaxis`` with one axis as an int and the other as a sequence (torch took two ints or
  two sequences only);
- ``unstack``, ``cumulative_sum``, ``cumulative_prod`` with NumPy 2's axis of one int in a
  tuple; ``cumsum``/``cumprod`` (NumPy's and Keras's) take an int only;
- ``linalg.cross`` along a positive axis, counted in each array (TensorFlow took
  negative axes only; torch crossed along the broadcast array's axis; NumPy's backend took
  vectors of 2 elements);
- ``matvec``/``vecmat`` with NumPy's gufunc ``axes=`` (ints for one core axis, the output's
  entry, NumPy's checks);
- ``linspace`` with array ``start``/``stop`` through NumPy's default call;
- ``argmax``/``argmin`` of subnormal floats on TensorFlow (its CPU kernels read them as 0).
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import crossops
import crossops.numpy as xnp
from crossops import ops

from .backends import backend_context, native_types, to_backend, to_numpy


def _run(backend, f, *arrays):
    """``f`` on ``arrays`` moved to ``backend`` (jax with x64), the result as NumPy."""
    with backend_context(backend):
        return to_numpy(f(*(to_backend(backend, a) for a in arrays)))


def _compiled(backend, f, *arrays):
    """``f`` under ``crossops.jit`` (its Python values closed over: static), as NumPy; on
    torch also ``torch.compile(fullgraph=True)``, which fails at a graph break."""
    with backend_context(backend):
        args = [to_backend(backend, a) for a in arrays]
        if backend == "torch":
            import torch
            torch._dynamo.reset()
            whole = to_numpy(torch.compile(f, fullgraph=True, backend="eager")(*args))
            torch._dynamo.reset()
            out = to_numpy(crossops.jit(f)(*args))
            _same(whole, out)
            return out
        return to_numpy(crossops.jit(f)(*args))


def _same(out, expected):
    """Same dtype, shape and values (NaN where NaN); tuples element by element."""
    if isinstance(expected, tuple | list):
        assert len(out) == len(expected)
        for o, e in zip(out, expected, strict=True):
            _same(o, e)
        return
    out, expected = np.asarray(out), np.asarray(expected)
    assert out.dtype == expected.dtype, (out.dtype, expected.dtype)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    np.testing.assert_array_equal(out, expected)


def _error(f):
    """The exception ``f()`` raises (the test fails where it raises none)."""
    with pytest.raises(Exception) as info:
        f()
    return info.value


def _same_error(backend, f, reference):
    """``f`` on ``backend`` raises an error of the type NumPy's ``reference()`` raises
    (NumPy's AxisError: crossops's OpAxisError, also a ValueError and an IndexError)."""
    want = _error(reference)
    got = _error(lambda: _run(backend, f))
    kinds = (ValueError, IndexError) if isinstance(want, np.exceptions.AxisError) else (
        type(want),)
    for k in kinds:
        assert isinstance(got, k), (type(got), type(want), got)


X3 = np.arange(24, dtype=np.float64).reshape(2, 3, 4) % 7 - 3


# -- moveaxis ---------------------------------------------------------------------------------

MOVES = [(0, 2), ((0,), 2), (0, (2,)), ([0], [2]), ((0,), (-1,)), ((0, 1), (2, 0)),
         ([2, 0], (0, 1)), (-1, (0,))]


@pytest.mark.parametrize("source,destination", MOVES, ids=str)
def test_moveaxis_int_and_sequence(backend, source, destination):
    """An int is a sequence of one axis, beside a sequence (torch took two of a kind)."""
    _same(_run(backend, lambda x: xnp.moveaxis(x, source, destination), X3),
          np.moveaxis(X3, source, destination))


@pytest.mark.parametrize("source,destination", [((0, 1), 2), (0, (1, 2)), ((0, 1), (2,)),
                                                ((), 0)], ids=str)
def test_moveaxis_lengths_differ(backend, source, destination):
    """Sequences of different lengths: NumPy's ValueError (torch's was a TypeError or a
    RuntimeError)."""
    _same_error(backend, lambda: xnp.moveaxis(to_backend(backend, X3), source, destination),
                lambda: np.moveaxis(X3, source, destination))


def test_moveaxis_compiled(backend):
    _same(_compiled(backend, lambda x: xnp.moveaxis(x, (0,), 2), X3), np.moveaxis(X3, 0, 2))


# -- a 0-d array along axis 0 or -1 ------------------------------------------------------------

X0 = np.array(5.0)


@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_take_of_a_zero_dimensional_array_as_numpy(backend, axis, mode):
    """NumPy's take reads axis 0 or -1 of a 0-d array as its one element (torch, jax and
    TensorFlow raised AxisError), every mode, eager and compiled."""
    f = lambda x, i: xnp.take(x, i, axis=axis, mode=mode)  # noqa: E731
    for indices in (np.array(0), np.array([0, 0]), np.array([[0], [0]]), np.array(3)):
        if mode == "raise" and indices.ndim == 0 and indices == 3:
            continue  # (out of range: NumPy's IndexError, jax's fill; test_indexing's)
        want = np.take(X0, indices, axis=axis, mode=mode)
        _same(_run(backend, f, X0, indices), want)
        _same(_compiled(backend, f, X0, indices), want)
    _same(_run(backend, lambda x: xnp.take(x, 0, axis=axis, mode=mode), X0),
          np.take(X0, 0, axis=axis, mode=mode))
    _same_error(backend, lambda: xnp.take(to_backend(backend, X0), 0, axis=1, mode=mode),
                lambda: np.take(X0, 0, axis=1, mode=mode))


@pytest.mark.parametrize("source,destination", [(0, 0), (-1, 0), ((0,), (0,))], ids=str)
def test_moveaxis_of_a_zero_dimensional_array_raises(backend, source, destination):
    """A 0-d array has no axis to move: NumPy's AxisError (torch.movedim returned x)."""
    _same_error(backend, lambda: xnp.moveaxis(to_backend(backend, X0), source, destination),
                lambda: np.moveaxis(X0, source, destination))


# -- unstack, cumulative_sum, cumulative_prod: NumPy's axis of one int in a tuple ----------

CUMULATIVE = ["cumulative_sum", "cumulative_prod"]


@pytest.mark.parametrize("axis", [(0,), (1,), (-1,)], ids=str)
@pytest.mark.parametrize("name", CUMULATIVE)
def test_cumulative_tuple_axis(backend, name, axis):
    for x in (X3, X3.astype(np.int32), X3[:, :0]):
        _same(_run(backend, lambda a: getattr(xnp, name)(a, axis=axis), x),
              getattr(np, name)(x, axis=axis))
    # (NumPy 2.4 itself fails here: include_initial indexes the shape with the tuple)
    _same(_run(backend, lambda a: getattr(xnp, name)(a, axis=axis, include_initial=True), X3),
          getattr(np, name)(X3, axis=axis[0], include_initial=True))


ZERO_D_FORMS = [{}, {"include_initial": True}, {"axis": 0}, {"axis": -1}, {"axis": (0,)},
                {"axis": 0, "include_initial": True}, {"dtype": "float32"}]


@pytest.mark.parametrize("name", CUMULATIVE)
def test_cumulative_of_a_0d_array(backend, name):
    """NumPy reads a 0-d array as one element of 1-d (jax refused it, TensorFlow took
    axis=None only, the numpy backend failed with include_initial); eager and compiled."""
    x = np.array(5, np.int32)
    for kwargs in ZERO_D_FORMS:
        expected = getattr(np, name)(x, **{**kwargs, "axis": 0} if "axis" in kwargs else kwargs)
        f = lambda a: getattr(xnp, name)(a, **kwargs)  # noqa: E731
        _same(_run(backend, f, x), expected)
        _same(_compiled(backend, f, x), expected)
    _same_error(backend, lambda: getattr(xnp, name)(to_backend(backend, x), axis=1),
                lambda: getattr(np, name)(x, axis=1))


@pytest.mark.parametrize("axis", [(0, 1), (), (5,), (-4,), (True,)], ids=str)
@pytest.mark.parametrize("name", CUMULATIVE)
def test_cumulative_tuple_axis_errors(backend, name, axis):
    """Several axes: NumPy's ValueError; one out of range: its AxisError; a bool: its
    TypeError."""
    _same_error(backend, lambda: getattr(xnp, name)(to_backend(backend, X3), axis=axis),
                lambda: getattr(np, name)(X3, axis=axis))


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumsum_takes_an_int_only(backend, name):
    """NumPy's cumsum/cumprod and Keras's take an int axis only (a TypeError), where
    cumulative_sum/cumulative_prod take a tuple of one."""
    for axis in [(0,), (0, 1), [1]]:
        _same_error(backend, lambda: getattr(xnp, name)(to_backend(backend, X3), axis=axis),
                    lambda: getattr(np, name)(X3, axis=axis))
        with pytest.raises(TypeError):
            _run(backend, lambda a: getattr(ops, name)(a, axis=axis), X3)


@pytest.mark.parametrize("axis", [(0,), (1,), (-1,), [2]], ids=str)
def test_unstack_tuple_axis(backend, axis):
    _same(_run(backend, lambda a: xnp.unstack(a, axis=axis), X3), np.unstack(X3, axis=axis))


@pytest.mark.parametrize("axis", [(0, 1), (), (5,)], ids=str)
def test_unstack_tuple_axis_errors(backend, axis):
    _same_error(backend, lambda: xnp.unstack(to_backend(backend, X3), axis=axis),
                lambda: np.unstack(X3, axis=axis))


@pytest.mark.parametrize("axis", [(0,), (0, 1)], ids=str)
def test_keras_unstack_takes_an_int_only(backend, axis):
    """keras.ops.unstack's axis is an int (Keras's JAX, torch and TensorFlow backends
    raise TypeError for a tuple)."""
    with pytest.raises(TypeError, match="axis must be an int"):
        _run(backend, lambda a: ops.unstack(a, axis=axis), X3)


def test_tuple_axes_compiled(backend):
    f = lambda a: (xnp.cumulative_sum(a, axis=(1,)), xnp.cumulative_prod(a, axis=(-1,)),  # noqa: E731
                   xnp.unstack(a, axis=(2,)))
    _same(_compiled(backend, f, X3), (np.cumulative_sum(X3, axis=1),
                                      np.cumulative_prod(X3, axis=-1),
                                      np.unstack(X3, axis=2)))


# -- linalg.cross along a positive axis -------------------------------------------------------

CROSS_SHAPES = [((3,), (3,)), ((2, 3), (2, 3)), ((3, 2), (3, 2)), ((3, 2), (3, 3, 2)),
                ((3,), (3, 3)), ((3, 3), (3,)), ((3, 1, 2), (3, 4, 2)), ((3, 4), (2, 3, 4)),
                ((4, 3), (3,)), ((3, 2), (4, 3, 2)), ((2, 3), (3, 3))]


def _cross_operands(s1, s2):
    rng = np.random.default_rng(len(s1) * 10 + len(s2))
    # small integers: every product and difference exact in float64
    return (rng.integers(-9, 9, s1).astype(np.float64),
            rng.integers(-9, 9, s2).astype(np.float64))


@pytest.mark.parametrize("s1,s2", CROSS_SHAPES, ids=str)
def test_linalg_cross_every_axis(backend, s1, s2):
    """Every axis from -4 to 3: NumPy's result, or its error type (an axis out of range
    is its IndexError; a size other than 3 its ValueError)."""
    a, b = _cross_operands(s1, s2)
    for axis in range(-4, 4):
        try:
            want = np.linalg.cross(a, b, axis=axis)
        except (ValueError, IndexError) as e:
            got = _error(lambda: _run(backend, lambda p, q: xnp.linalg.cross(p, q, axis=axis),
                                      a, b))
            assert isinstance(got, type(e)), (axis, type(got), type(e), got)
            continue
        _same(_run(backend, lambda p, q: xnp.linalg.cross(p, q, axis=axis), a, b), want)


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.parametrize("s1,s2", [((3, 2), (3, 2)), ((3, 2), (3, 3, 2)), ((2, 3), (2, 3))],
                         ids=str)
def test_cross_numpy_axes(backend, s1, s2):
    """numpy.cross's axisa/axisb/axisc and axis, positive ones included."""
    a, b = _cross_operands(s1, s2)
    for kw in ({"axis": 0}, {"axis": -1}, {"axisa": 0, "axisb": 0, "axisc": 1},
               {"axisa": 0, "axisb": -len(s2), "axisc": 0}, {"axisa": -1, "axisb": 1}):
        try:
            want = np.cross(a, b, **kw)
        except ValueError:
            with pytest.raises(ValueError):
                _run(backend, lambda p, q: xnp.cross(p, q, **kw), a, b)
            continue
        _same(_run(backend, lambda p, q: xnp.cross(p, q, **kw), a, b), want)


def test_linalg_cross_compiled(backend):
    a, b = _cross_operands((3, 2), (3, 3, 2))
    _same(_compiled(backend, lambda p, q: (xnp.linalg.cross(p, q, axis=0),
                                           xnp.linalg.cross(q, q, axis=1)), a, b),
          (np.linalg.cross(a, b, axis=0), np.linalg.cross(b, b, axis=1)))


# -- matvec / vecmat: NumPy's gufunc axes= ----------------------------------------------------

M = np.arange(24, dtype=np.float64).reshape(4, 3, 2) % 5 - 2
V4 = np.arange(4, dtype=np.float64) - 1
V3 = np.arange(3, dtype=np.float64) - 1

MATVEC_AXES = [[(-2, -3), (-1,), (-1,)], [(1, 0), (0,), (0,)], [(1, 0), 0, 0],
               [(1, 0), (0,), 1], [(1, 0), (0,), (-1,)], [(-2, -3), (np.int64(0),), (1,)]]
VECMAT_AXES = [[(0,), (1, 0), (0,)], [0, (1, 0), 0], [-1, (-2, -3), -1]]


@pytest.mark.parametrize("axes", MATVEC_AXES, ids=str)
def test_matvec_axes(backend, axes):
    _same(_run(backend, lambda m, v: xnp.matvec(m, v, axes=axes), M, V4),
          np.matvec(M, V4, axes=axes))
    batch = np.ones((5, 1, 4))
    if axes[1] in ((0,), 0):  # x2 with loop dimensions: broadcast against x1's
        axes2 = [axes[0], (2,), axes[2]]
        _same(_run(backend, lambda m, v: xnp.matvec(m, v, axes=axes2), M, batch),
              np.matvec(M, batch, axes=axes2))


@pytest.mark.parametrize("axes", VECMAT_AXES, ids=str)
def test_vecmat_axes(backend, axes):
    _same(_run(backend, lambda v, m: xnp.vecmat(v, m, axes=axes), V3, M),
          np.vecmat(V3, M, axes=axes))


@pytest.mark.parametrize("axes", [
    [(1, 0), (0,)],                      # the output's entry left out: ValueError
    [(1, 0), (0,), (0,), (0,)],          # one too many: ValueError
    ((1, 0), (0,), (0,)),                # not a list: TypeError
    [[1, 0], (0,), (0,)],                # two core axes not in a tuple: TypeError
    [(1, 0), [0], 0],                    # a list for one: TypeError
    [(1, 5), (0,), (0,)],                # out of range: AxisError
    [(1, 0), (0,), (2,)],                # the output's out of range: AxisError
    [(1, 0, 2), (0,), (0,)],             # three for two core axes: AxisError
    [(1, 1), (0,), (0,)],                # repeated: ValueError
    [(True, 0), (0,), (0,)],             # a bool: TypeError
    [(1.0, 0), (0,), (0,)],              # a float: TypeError
    [(0, 1), (0,), (0,)],                # core sizes that do not match: ValueError
], ids=str)
def test_matvec_axes_errors(backend, axes):
    _same_error(backend, lambda: xnp.matvec(to_backend(backend, M), to_backend(backend, V4),
                                            axes=axes),
                lambda: np.matvec(M, V4, axes=axes))


def test_matvec_axes_compiled(backend):
    f = lambda m, v, w: (xnp.matvec(m, v, axes=[(1, 0), 0, 1]),  # noqa: E731
                         xnp.vecmat(w, m, axes=[0, (1, 0), 0]))
    _same(_compiled(backend, f, M, V4, V3), (np.matvec(M, V4, axes=[(1, 0), 0, 1]),
                                             np.vecmat(V3, M, axes=[0, (1, 0), 0])))


# -- linspace with array endpoints ----------------------------------------------------------

LO, HI = np.array([0.0, 1.0]), np.array([1.0, 3.0])
LINSPACE_CALLS = [{"num": 5}, {"num": 5, "endpoint": False}, {"num": 0}, {"num": 1},
                  {"num": 1, "endpoint": False}, {"num": 5, "axis": -1},
                  {"num": 4, "axis": 1, "endpoint": False}, {"num": 5, "dtype": "int32"},
                  {"num": 7, "dtype": "float32"}]


def _spaced_dtype(backend, want, ints):
    """NumPy's float64 samples of integer bounds in the dtype the backend gives an integer
    array with a Python float (its default float: float32 on torch and TensorFlow)."""
    with backend_context(backend):
        name = to_numpy(xnp.add(to_backend(backend, ints), 1.0)).dtype
    return want.astype(name)


@pytest.mark.parametrize("kwargs", LINSPACE_CALLS, ids=str)
def test_linspace_array_endpoints(backend, kwargs):
    """NumPy's samples (shape (num, 2), values, dtype) from arrays of the backend and from
    NumPy arrays (host data: the default backend), through the call at NumPy's defaults."""
    want = np.linspace(LO, HI, **kwargs)
    _same(_run(backend, lambda a, b: xnp.linspace(a, b, **kwargs), LO, HI), want)
    with backend_context(backend):
        _same(to_numpy(xnp.linspace(LO, HI, **kwargs)), want)


def test_linspace_array_endpoints_other_forms(backend):
    """Broadcast bounds, a Python number beside an array (weak: the array's float32),
    0-d arrays, integer arrays (the backend's default float), a non-default backend's
    arrays under the default backend, and retstep."""
    lo32 = np.array([[0.0], [2.0]], np.float32)
    _same(_run(backend, lambda a: xnp.linspace(a, 1.0, 4), lo32),
          np.linspace(lo32, 1.0, 4))
    _same(_run(backend, lambda a: xnp.linspace(-1, a, 3, axis=1), lo32),
          np.linspace(-1, lo32, 3, axis=1))
    _same(_run(backend, lambda a, b: xnp.linspace(a, b, 3), np.array(1.0), np.array(2.0)),
          np.linspace(np.array(1.0), np.array(2.0), 3))
    ints = np.array([0, 10])
    _same(_run(backend, lambda a: xnp.linspace(a, 20, 3), ints),
          _spaced_dtype(backend, np.linspace(ints, 20, 3), ints))
    with crossops.use_backend("numpy"):  # the arrays' backend, not the default one
        out = xnp.linspace(to_backend(backend, LO), to_backend(backend, HI), 3)
        assert isinstance(out, native_types(backend))
    with backend_context(backend):
        samples, step = xnp.linspace(to_backend(backend, LO), to_backend(backend, HI), 5,
                                     retstep=True)
    want, want_step = np.linspace(LO, HI, 5, retstep=True)
    _same(to_numpy(samples), want)
    _same(to_numpy(step), want_step)


#: ulps from NumPy's values, measured eagerly (2026-12-04), by the backend's float64 and
#: float32 functions, which round differently from NumPy's: pow(10, y) is within 1 ulp of
#: NumPy's on jax and torch and 2 on tensorflow (20,000 draws, |y| <= 300); geomspace's
#: samples, 10 ** (logs of the bounds), also carry log10's (2 ulp on jax, 3 on
#: tensorflow, 0 on torch), which the exponential scales by ln(10)·|log10(bound)|: within
#: these figures for the bounds below (jax's 2 ulp at one of 50 samples), up to 24 ulp for
#: bounds near 1000
SPACING_ULPS = {"logspace": {"numpy": 0, "jax": 1, "torch": 1, "tensorflow": 2},
                "geomspace": {"numpy": 0, "jax": 2, "torch": 1, "tensorflow": 2}}


@pytest.mark.parametrize("name", ["geomspace", "logspace"])
@pytest.mark.parametrize("kwargs", [{"num": 5}, {"num": 5, "endpoint": False}, {"num": 0},
                                    {"num": 1}, {"num": 6, "axis": -1}, {"num": 50}],
                         ids=str)
def test_geomspace_logspace_array_endpoints(backend, name, kwargs):
    """Shape and dtype exact, the endpoints exact where NumPy sets them (geomspace); the
    samples NumPy's, computed in NumPy's order (the exponents by linspace's formula, in the
    bounds' dtype), within the backend's rounding of pow and log10 (``SPACING_ULPS``)."""
    lo, hi = (LO + 1, HI) if name == "geomspace" else (LO, HI)
    want = getattr(np, name)(lo, hi, **kwargs)
    got = _run(backend, lambda a, b: getattr(xnp, name)(a, b, **kwargs), lo, hi)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_max_ulp(got, want, maxulp=SPACING_ULPS[name][backend])
    if name == "geomspace" and want.size:
        first = np.take(want, 0, axis=kwargs.get("axis", 0))
        np.testing.assert_array_equal(np.take(got, 0, axis=kwargs.get("axis", 0)), first)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logspace_wide_exponents(backend, dtype):
    """Exponents up to 300 (float64; 30 in float32), with a step that is no exact binary
    fraction: NumPy's exponents exactly (linspace divides as NumPy does: XLA turned the
    division by the count into a product with its reciprocal, an ulp off, which 10 ** 281
    made 1155 ulp), in the bounds' dtype (float32 bounds: NumPy's float32 powers), then the
    backend's pow."""
    scale = 1.0 if dtype == "float64" else 0.1
    lo = (np.array([-3.0, 0.5, 2.0, 1e-3]) * scale).astype(dtype)
    hi = (np.array([7.0, -4.0, 300.0, 5.0]) * scale).astype(dtype)
    for kwargs in ({"num": 50}, {"num": 7, "endpoint": False}):
        want = np.logspace(lo, hi, **kwargs)
        got = _run(backend, lambda a, b: xnp.logspace(a, b, **kwargs), lo, hi)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_max_ulp(got, want, maxulp=SPACING_ULPS["logspace"][backend])


def test_linspace_array_endpoints_compiled(backend):
    f = lambda a, b: (xnp.linspace(a, b, 5), xnp.linspace(a, b, 4, endpoint=False, axis=-1))  # noqa: E731
    _same(_compiled(backend, f, LO, HI),
          (np.linspace(LO, HI, 5), np.linspace(LO, HI, 4, endpoint=False, axis=-1)))


# -- argmax / argmin of subnormals (TensorFlow's CPU kernels read them as 0) ---------------

_SUB32 = float(np.finfo(np.float32).smallest_subnormal)
ARG_INPUTS = {
    "subnormals": np.array([[1e-40, 2e-40, 3e-41, 0.0], [-1e-40, -3e-41, -2e-40, -0.0]],
                           np.float32),
    "ties": np.array([[-0.0, 0.0, -_SUB32], [_SUB32, 0.0, 2 * _SUB32]], np.float32),
    "nan": np.array([[0.0, -0.0, np.nan, 1.0, np.nan], [-0.0, 0.0, 2.0, -3.0, 5e-45]],
                    np.float32),
    "inf": np.array([[-np.inf, np.inf, 1e-45], [np.inf, -np.inf, -np.inf]], np.float32),
    "float64": np.array([[5e-324, 0.0, -5e-324, 1e-310], [-1e-310, -5e-324, 0.0, -0.0]]),
    "float16": np.array([[0.0, 6e-8, -0.0], [-6e-8, -0.0, 0.0]], np.float16),
    "bfloat16": np.array([[0.0, 1e-40, -1e-40, 0.0], [np.nan, 1.0, 2.0, np.nan]],
                         np.float32).astype(ml_dtypes.bfloat16),
}


def _np_arg(f, x, axis, keepdims):
    x = x.astype(np.float32) if x.dtype == ml_dtypes.bfloat16 else x  # exact: same values
    return f(x, axis=axis, keepdims=keepdims)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, -1])
@pytest.mark.parametrize("name", sorted(ARG_INPUTS))
def test_argmax_argmin_subnormals(backend, name, axis, keepdims):
    """The true extreme (subnormals by value), -0.0 tied with 0.0 (the first wins), the
    first NaN, as NumPy: eager on every backend."""
    x = ARG_INPUTS[name]
    for f, ref in ((xnp.argmax, np.argmax), (xnp.argmin, np.argmin)):
        _same(_run(backend, lambda a: f(a, axis=axis, keepdims=keepdims), x),
              _np_arg(ref, x, axis, keepdims))


@pytest.mark.parametrize("jit_compile", [False, True])
@pytest.mark.parametrize("name", sorted(ARG_INPUTS))
def test_argmax_argmin_subnormals_tf_graph(name, jit_compile):
    """TensorFlow traced (tf.function, with and without XLA): the integer order key."""
    tf = pytest.importorskip("tensorflow")
    x = ARG_INPUTS[name]
    with backend_context("tensorflow"):
        for axis in (None, 0, -1):
            for keepdims in (False, True):
                def f(a, axis=axis, keepdims=keepdims):
                    return (xnp.argmax(a, axis=axis, keepdims=keepdims),
                            xnp.argmin(a, axis=axis, keepdims=keepdims))
                out = tf.function(f, jit_compile=jit_compile, autograph=False)(
                    tf.constant(x))
                _same(to_numpy(out), (_np_arg(np.argmax, x, axis, keepdims),
                                      _np_arg(np.argmin, x, axis, keepdims)))


def test_argmax_subnormals_compiled(backend):
    x = ARG_INPUTS["subnormals"]
    out = _compiled(backend, lambda a: (xnp.argmax(a, axis=-1), xnp.argmin(a)), x)
    _same(out, (np.argmax(x, axis=-1), np.argmin(x)))


def test_keras_argmax_subnormals(backend):
    """keras.ops's argmax/argmin: int32, the same indices."""
    x = ARG_INPUTS["ties"]
    for f, ref in ((ops.argmax, np.argmax), (ops.argmin, np.argmin)):
        _same(_run(backend, lambda a: f(a, axis=-1), x), ref(x, axis=-1).astype(np.int32))
