"""NumPy's and Keras's argument forms that the frameworks lack, and Keras's own results,
on every backend (issue 12: found by Keras's ops tests).

- ``sort`` / ``argsort`` with ``axis=None`` sort the flattened array, ``take_along_axis``
  with ``axis=None`` takes ``x`` flattened at 1-d indices, and ``tile`` reads a bare int
  ``n`` as ``(n,)``, as NumPy; eager and compiled (``jax.jit``, ``tf.function``,
  ``torch.compile(fullgraph=True)``), through ``crossops.numpy`` and ``crossops.ops``.
- Found on jax and tensorflow: ``moments(synchronized=True)`` under a ``tf.distribute``
  strategy, ``signbit`` of bool, ``tril``/``triu`` with a traced ``k``, ``eye`` of a float
  size, ``argsort`` of a 0-d array, ``argmax``/``argmin``/``sort`` of subnormals and
  ``split`` at traced indices.

Expected values come from NumPy (or tests.refs, NumPy's stable descending sort), never
from crossops.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crossops.numpy as xnp
from crossops import ops
from crossops._dtypes import dtype_name

from . import refs
from .backends import backend_context, native_types, to_backend, to_numpy


def _run(backend, f, *arrays, **kwargs):
    """``f`` on ``arrays`` moved to ``backend`` (jax with x64), the result as NumPy."""
    with backend_context(backend):
        return to_numpy(f(*(to_backend(backend, a) for a in arrays), **kwargs))


def _compiled(backend, f, *arrays):
    """``f`` compiled by the backend's compiler (jax.jit, tf.function,
    torch.compile(fullgraph=True); numpy runs it eagerly), the result as NumPy."""
    with backend_context(backend):
        args = [to_backend(backend, a) for a in arrays]
        if backend == "jax":
            import jax
            return to_numpy(jax.jit(f)(*args))
        if backend == "tensorflow":
            import tensorflow as tf
            return to_numpy(tf.function(f)(*args))
        if backend == "torch":
            import torch
            torch._dynamo.reset()
            return to_numpy(torch.compile(f, fullgraph=True, backend="eager")(*args))
        return to_numpy(f(*args))


def _same(out, expected):
    """Same dtype, shape and values (NaN where NaN)."""
    out, expected = np.asarray(out), np.asarray(expected)
    assert out.dtype == expected.dtype, (out.dtype, expected.dtype)
    assert out.shape == expected.shape, (out.shape, expected.shape)
    np.testing.assert_array_equal(out, expected)


# -- sort, argsort, take_along_axis and tile: NumPy's argument forms --------------------------

#: inputs with ties, NaN, +-inf and -0.0 (floats), and the edges: 0-d, empty, one element
_SORT_INPUTS = {
    "ties": np.array([[3, 1, 2], [1, 3, 1]], np.int32),
    "nan": np.array([[2.0, np.nan, -1.0], [np.inf, -0.0, 0.0], [np.nan, -np.inf, 2.0]],
                    np.float32),
    "3d": np.arange(24, dtype=np.float64).reshape(2, 3, 4)[:, ::-1, :] % 7,
    "0d": np.array(5.0, np.float32),
    "empty": np.zeros((0, 3), np.float32),
    "one": np.array([[7]], np.int64),
}


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("name", sorted(_SORT_INPUTS))
def test_sort_axis_none(backend, name, descending):
    x = _SORT_INPUTS[name]
    flat = x.reshape(-1)
    out = _run(backend, xnp.sort, x, axis=None, descending=descending)
    _same(out, refs.sort(flat, axis=-1, descending=descending))
    idx = _run(backend, xnp.argsort, x, axis=None, descending=descending)
    expected = refs.argsort(flat, axis=-1, descending=descending)
    _same(idx.astype(np.int64), expected)
    assert idx.dtype == _run(backend, xnp.argsort, flat).dtype  # the backend's index dtype


@pytest.mark.parametrize("name", sorted(_SORT_INPUTS))
def test_keras_sort_axis_none(backend, name):
    """keras.ops.sort / argsort with axis=None: NumPy's values, int32 indices (Keras)."""
    x = _SORT_INPUTS[name]
    _same(_run(backend, ops.sort, x, axis=None), np.sort(x, axis=None))
    _same(_run(backend, ops.argsort, x, axis=None),
          np.argsort(x, axis=None, stable=True).astype(np.int32))


_X = np.array([[30.0, 10.0, 20.0], [60.0, np.nan, 40.0]], np.float32)


@pytest.mark.parametrize("indices", [[5, 0, -1, 1], [], [3]])
def test_take_along_axis_axis_none(backend, indices):
    idx = np.array(indices, np.int64)
    expected = np.take_along_axis(_X, idx, axis=None)
    _same(_run(backend, xnp.take_along_axis, _X, idx, axis=None), expected)
    _same(_run(backend, ops.take_along_axis, _X, idx), expected)  # Keras's default axis=None


def test_take_along_axis_axis_none_needs_flat_indices(backend):
    idx = np.array([[1, 0]], np.int64)
    with pytest.raises(ValueError):
        np.take_along_axis(_X, idx, axis=None)
    with pytest.raises(ValueError, match="take_along_axis"):
        _run(backend, xnp.take_along_axis, _X, idx, axis=None)


_TILE_INPUTS = {
    "2d": np.array([[1, 2, 3], [4, 5, 6]], np.int32),
    "1d": np.array([1.5, -0.0], np.float32),
    "0d": np.array(True),
    "empty": np.zeros((2, 0), np.float64),
}


@pytest.mark.parametrize("reps", [2, 0, 1, np.int64(3), (2,), [1, 2], (2, 1, 2)],
                         ids=["2", "0", "1", "np.int64", "tuple", "list", "longer"])
@pytest.mark.parametrize("name", sorted(_TILE_INPUTS))
def test_tile_int_and_sequences(backend, name, reps):
    x = _TILE_INPUTS[name]
    expected = np.tile(x, reps)
    _same(_run(backend, xnp.tile, x, reps), expected)
    _same(_run(backend, ops.tile, x, reps), expected)


@pytest.mark.parametrize("reps", [-1, (1, -2)], ids=["int", "tuple"])
def test_tile_negative_count(backend, reps):
    with pytest.raises(ValueError):
        np.tile(_TILE_INPUTS["2d"], reps)
    with pytest.raises(ValueError, match="tile"):
        _run(backend, xnp.tile, _TILE_INPUTS["2d"], reps)


def _flat_kernel(x, idx):
    """sort, argsort, take_along_axis and tile with NumPy's argument forms, in one kernel."""
    s = xnp.sort(x, axis=None, descending=True)
    i = xnp.argsort(x, axis=None)
    t = xnp.take_along_axis(x, idx, axis=None)
    return s, ops.sort(x, axis=None), i, ops.argsort(x, axis=None), t, xnp.tile(x, 2)


def test_flat_forms_compiled(backend):
    x = np.array([[3.0, 1.0, 2.0], [1.0, np.nan, -0.0]], np.float32)
    idx = np.array([4, 0, -1], np.int64)
    out = _compiled(backend, _flat_kernel, x, idx)
    flat = x.reshape(-1)
    eager_index_dtype = _run(backend, xnp.argsort, flat).dtype
    expected = (refs.sort(flat, axis=-1, descending=True), np.sort(flat),
                np.argsort(flat, stable=True).astype(eager_index_dtype),
                np.argsort(flat, stable=True).astype(np.int32),
                np.take_along_axis(x, idx, axis=None), np.tile(x, 2))
    for o, e in zip(out, expected, strict=True):
        _same(o, e)


# -- Keras's forms: histogram, bincount, unique, isin, reshape, convert_to_tensor -------------

@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
def test_histogram_needs_1d(backend, shape):
    """keras.ops.histogram raises ValueError for x of two or more dimensions;
    crossops.numpy.histogram flattens it, as NumPy."""
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    with pytest.raises(ValueError, match="1-dimensional"):
        _run(backend, ops.histogram, x)
    counts, edges = np.histogram(x, bins=4)
    out_counts, out_edges = _run(backend, xnp.histogram, x, bins=4)
    np.testing.assert_array_equal(out_counts, counts)
    np.testing.assert_allclose(out_edges, edges, rtol=1e-6)


@pytest.mark.parametrize("x", [np.array([0.5, 1.0, 1.0, 4.0], np.float32),
                               np.array(2.0, np.float64), np.zeros((0,), np.float32)],
                         ids=["1d", "0d", "empty"])
def test_histogram_1d_and_0d(backend, x):
    counts, edges = np.histogram(x, bins=4)
    out_counts, out_edges = _run(backend, ops.histogram, x, bins=4)
    np.testing.assert_array_equal(out_counts, counts)
    np.testing.assert_allclose(out_edges, edges.astype(x.dtype), rtol=1e-6)


def _batched_bincount(x, weights, minlength):
    """NumPy's bincount of each row, all rows of one length: max(x) + 1, at least
    minlength (Keras's batched form)."""
    length = max(int(x.max()) + 1 if x.size else 0, minlength)
    rows = [np.bincount(r, weights=None if weights is None else w, minlength=length)
            for r, w in zip(x, x if weights is None else weights)]
    return np.stack(rows) if rows else np.zeros((0, length), np.int64)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("x", [np.array([[1, 1, 2, 3, 2, 4, 4, 6]]),
                               np.array([[0, 2], [5, 5], [1, 0]]),
                               np.zeros((2, 0), np.int64), np.zeros((0, 3), np.int64)],
                         ids=["keras", "rows", "empty-rows", "no-rows"])
@pytest.mark.parametrize("minlength", [0, 3, 9])
def test_bincount_2d(backend, x, weighted, minlength):
    weights = (np.arange(x.size, dtype=np.float32).reshape(x.shape) - 2) if weighted else None
    expected = _batched_bincount(x, weights, minlength)
    arrays = (x,) if weights is None else (x, weights)
    # keras.ops: int32 counts without weights, else the weights' dtype
    out = _run(backend, lambda *a: ops.bincount(*a, minlength=minlength), *arrays)
    _same(out, expected.astype(np.int32 if weights is None else np.float32))
    # crossops.numpy: the backend's default integer for counts
    out = _run(backend, lambda *a: xnp.bincount(*a, minlength=minlength), *arrays)
    np.testing.assert_array_equal(out, expected)
    assert out.shape == expected.shape


def test_bincount_2d_keras_example(backend):
    """Keras's own example: a batch of one row, weighted."""
    x = np.array([[1, 1, 2, 3, 2, 4, 4, 6]])
    w = np.array([[0, 0, 3, 2, 1, 1, 4, 2]])
    np.testing.assert_array_equal(_run(backend, ops.bincount, x, w, minlength=3),
                                  [np.bincount(x[0], weights=w[0], minlength=3)])


def test_bincount_3d_raises(backend):
    with pytest.raises(ValueError, match="1-d"):
        _run(backend, xnp.bincount, np.zeros((1, 2, 3), np.int64))


@pytest.mark.parametrize("x", [np.array([1.0, np.nan, 2.0, np.nan], np.float32),
                               np.array([np.nan, np.nan], np.float64),
                               np.array([[3.0, np.nan], [np.nan, 3.0]], np.float32)],
                         ids=["mixed", "all-nan", "2d"])
def test_unique_nan_values(backend, x):
    """keras.ops.unique: each NaN is its own value, as in Keras (NumPy's equal_nan=False);
    crossops.numpy.unique: NaNs are one value by default, as NumPy, or not with
    equal_nan=False."""
    for f, kwargs, equal_nan in ((ops.unique, {}, False), (xnp.unique, {}, True),
                                 (xnp.unique, {"equal_nan": False}, False)):
        v, index, inverse, counts = np.unique(x, return_index=True, return_inverse=True,
                                              return_counts=True, equal_nan=equal_nan)
        out = _run(backend, f, x, return_index=True, return_inverse=True,
                   return_counts=True, **kwargs)
        np.testing.assert_array_equal(out[0], v)
        for o, e in zip(out[1:], (index, inverse.reshape(x.shape), counts), strict=True):
            np.testing.assert_array_equal(o, e)


@pytest.mark.parametrize("axis", [None, 0, -1])
def test_unique_size_pads_first_indices_with_one(backend, axis):
    """keras.ops.unique(size=...) pads values with fill_value, counts with 0 and the first
    indices with 1 (Keras's numpy and torch backends: np.pad / F.pad with value 1)."""
    x = np.array([[1, 0], [0, 1], [1, 0], [2, 2], [0, 1]])
    size = 5
    v, index, inverse, counts = np.unique(x, return_index=True, return_inverse=True,
                                          return_counts=True, axis=axis)
    ax = 0 if axis is None else axis % x.ndim
    pad = size - v.shape[ax]
    widths = [(0, 0)] * v.ndim
    widths[ax] = (0, pad)
    expected = (np.pad(v, widths, constant_values=-1), np.pad(index, (0, pad), constant_values=1),
                inverse.reshape(x.shape) if axis is None else inverse,
                np.pad(counts, (0, pad), constant_values=0))
    out = _run(backend, ops.unique, x, return_index=True, return_inverse=True,
               return_counts=True, axis=axis, size=size, fill_value=-1)
    for o, e in zip(out, expected, strict=True):
        np.testing.assert_array_equal(o, e)


@pytest.mark.parametrize("invert", [False, True])
@pytest.mark.parametrize("pair", ["arrays", "scalar-x2", "scalar-x1"])
def test_isin_assume_unique(backend, pair, invert):
    """With unique inputs, assume_unique=True gives NumPy's (and the exact) answer."""
    x1 = np.array([[7, 2, 3], [5, 0, 1]])
    x2 = np.array([3, 9, 0, 2])
    a, b = {"arrays": (x1, x2), "scalar-x2": (x1, 2), "scalar-x1": (2, x2)}[pair]
    expected = np.isin(a, b, assume_unique=True, invert=invert)
    arrays = [v for v in (a, b) if isinstance(v, np.ndarray)]

    def call(f):
        def run(*arr):
            it = iter(arr)
            args = [next(it) if isinstance(v, np.ndarray) else v for v in (a, b)]
            return f(*args, assume_unique=True, invert=invert)
        return run

    np.testing.assert_array_equal(_run(backend, call(ops.isin), *arrays), expected)
    np.testing.assert_array_equal(_run(backend, call(xnp.isin), *arrays), expected)


@pytest.mark.parametrize("shape", [(-2, 5), (-1, -1, 5), -2, (4, -3), [-2, 5]])
def test_reshape_rejects_sizes_below_minus_one(backend, shape):
    """Keras's validation, on every backend (NumPy alone reads -2 as -1)."""
    x = np.zeros(20, np.float32)
    for f in (xnp.reshape, ops.reshape):
        with pytest.raises(ValueError, match="-1"):
            _run(backend, f, x, shape)


@pytest.mark.parametrize("shape", [20, -1, (4, -1), (2, 2, 5)])
def test_reshape_int_and_minus_one(backend, shape):
    x = np.arange(20, dtype=np.int32)
    expected = np.reshape(x, shape)
    _same(_run(backend, xnp.reshape, x, shape), expected)
    _same(_run(backend, ops.reshape, x, shape), expected)


@pytest.mark.parametrize("value", [(), [], [[]], [(), ()]], ids=["tuple", "list", "nested",
                                                               "nested-tuples"])
def test_convert_to_tensor_empty_is_floatx(backend, value):
    """keras.ops.convert_to_tensor of an empty (nested) sequence: floatx (float32 by
    default), not NumPy's float64; on the default backend, as Keras."""
    with backend_context(backend):
        out = ops.convert_to_tensor(value)
        assert isinstance(out, native_types(backend))
        out = to_numpy(out)
    _same(out, np.asarray(value, np.float32))


# -- full and full_like with an array fill_value (NumPy and Keras broadcast it) ------------

_FILLS = {"1d-int": np.array([1, 4, 5]), "0d-float32": np.array(2.5, np.float32),
          "row-bool": np.array([[True, False, True]])}


@pytest.mark.parametrize("name", sorted(_FILLS))
def test_full_array_fill_value(backend, name):
    fill = _FILLS[name]
    with backend_context(backend):
        out = to_numpy(xnp.full((2, 3), to_backend(backend, fill)))
        keras_out = to_numpy(ops.full([2, 3], to_backend(backend, fill)))
    _same(out, np.full((2, 3), fill))
    _same(keras_out, np.full((2, 3), fill, dtype=np.float32))  # Keras: floatx without dtype


@pytest.mark.parametrize("dtype", ["int8", "float64"])
@pytest.mark.parametrize("name", sorted(_FILLS))
def test_full_like_array_fill_value(backend, name, dtype):
    x = np.zeros((2, 3), dtype)
    fill = _FILLS[name]
    expected = np.full_like(x, fill)
    _same(_run(backend, xnp.full_like, x, fill), expected)
    _same(_run(backend, ops.full_like, x, fill), expected)
    _same(_compiled(backend, lambda a, f: xnp.full_like(a, f), x, fill), expected)


@pytest.mark.parametrize("fill", [np.int8(3), np.uint16(7), np.float32(2.5), np.float64(1.5),
                                  np.bool_(True), np.complex64(1 + 2j)], ids=repr)
def test_full_of_a_numpy_scalar_keeps_its_dtype(backend, fill):
    """A NumPy scalar fill is a 0-d array to NumPy: its dtype, not the Python number's
    default (torch and TensorFlow gave int64 for np.int8(3)); with a shape tuple or list,
    through the creation front and the generated function alike."""
    with backend_context(backend):
        for shape in ((2, 3), [2, 3]):
            _same(to_numpy(xnp.full(shape, fill)), np.full(shape, fill))
            _same(to_numpy(xnp.full(shape, fill, dtype=None)), np.full(shape, fill))


@pytest.mark.parametrize("dtype", [None, "float32", "float16", "int8", "uint8", "int64",
                                   "bool"])
def test_full_zeros_and_ones_of_python_numbers(backend, dtype):
    """``full``, ``zeros`` and ``ones`` of a tuple shape and a Python number, as NumPy makes
    them, at the edges: -0.0 keeps its sign in a float dtype and is 0 in an integer or
    bool one (TensorFlow raised), 2.5 is truncated, () and (0, 4) shapes. On TensorFlow
    these calls run its Fill kernel directly (eagerly), the others tf.fill."""
    with backend_context(backend):
        for shape in ((2, 3), (), (0, 4), [3]):
            for fill in (-0.0, 2.5, 0.0, 7, True):
                want = np.full(shape, fill, dtype=dtype)
                out = to_numpy(xnp.full(shape, fill, dtype=dtype))
                if dtype is not None:
                    _same(out, want)
                else:  # (the backend's default dtype for the number's kind)
                    assert out.dtype.kind == want.dtype.kind, (shape, fill, out.dtype)
                    np.testing.assert_array_equal(out, want)
                np.testing.assert_array_equal(np.signbit(out), np.signbit(want))
            for fn in (xnp.zeros, xnp.ones):
                if dtype is not None:
                    _same(to_numpy(fn(shape, dtype=dtype)), getattr(np, fn.__name__)(
                        shape, dtype=dtype))


def test_keras_full_of_an_int_past_int64(backend):
    """keras.ops's full of a Python int past int64's range into floatx: the float NumPy
    makes of it (torch.full raised OverflowError), through the front and without it."""
    big = 2**70 + 2**20
    with backend_context(backend):
        for out in (ops.full((2,), big), ops.full([2], big), ops.full((2,), big, "float64"),
                    ops.full((2,), -big, dtype=None)):
            want = np.full((2,), float(np.sign(to_numpy(out)[0])) * big,
                           to_numpy(out).dtype)
            assert str(to_numpy(out).dtype) in ("float32", "float64")
            _same(to_numpy(out), want)


def test_full_array_fill_value_is_a_copy(backend):
    """The result never aliases the fill value (ops never mutate or expose their inputs)."""
    if backend not in ("numpy", "torch"):
        pytest.skip("jax and TensorFlow arrays are immutable: an alias cannot be written to")
    fill = np.array([1.0, 2.0, 3.0], np.float32)
    with backend_context(backend):
        f = to_backend(backend, fill)
        out = xnp.full((3,), f)
        out[0] = 9.0
        np.testing.assert_array_equal(to_numpy(f), fill)


@pytest.mark.parametrize("axis", [None, (), 1, (1,), (0, 1)])
def test_count_nonzero_axes(backend, axis):
    """``axis=()`` counts each element on its own, as NumPy (torch's ``dim=()`` means every
    axis); found by Keras's test_count_nonzero."""
    x = np.array([[0, 2, 3], [3, 2, 0]])
    for f in (xnp.count_nonzero, ops.count_nonzero):
        np.testing.assert_array_equal(_run(backend, f, x, axis=axis),
                                      np.count_nonzero(x, axis=axis))


# -- moments(synchronized=True): Keras's TensorFlow form (issue 12) ---------------------------

@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axes", [[0], [0, 1, 2], -1])
def test_moments_synchronized_one_replica(backend, axes, keepdims):
    """Outside a distribution strategy, synchronized=True gives the local moments on
    TensorFlow (Keras's TensorFlow backend); the other backends raise NotImplementedError,
    as Keras's do."""
    x = np.random.default_rng(0).uniform(size=(2, 5, 4, 3)).astype(np.float32)
    if backend != "tensorflow":
        with pytest.raises(NotImplementedError, match="synchronized"):
            _run(backend, ops.moments, x, axes=axes, synchronized=True, keepdims=keepdims)
        return
    mean, var = _run(backend, lambda a: ops.moments(a, axes=axes, keepdims=keepdims,
                                                    synchronized=True), x)
    ax = tuple(axes) if isinstance(axes, list) else axes
    np.testing.assert_allclose(mean, x.mean(axis=ax, keepdims=keepdims), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(var, x.var(axis=ax, keepdims=keepdims), rtol=1e-5, atol=1e-6)
    assert mean.dtype == var.dtype == np.float32


_MOMENTS_STRATEGY = r"""
import json, os, sys
import numpy as np
import tensorflow as tf
tf.config.set_logical_device_configuration(
    tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 2)
import keras
from crossops import ops

parts = [np.array([[5.0, 9.0, 1.0, 3.0]]), np.array([[2.0, -4.0, 0.5, 7.0]])]
out = {}
strategy = tf.distribute.MirroredStrategy(["CPU:0", "CPU:1"])
for dtype in ("float16", "float32"):
    values = strategy.experimental_distribute_values_from_function(
        lambda ctx: tf.constant(parts[ctx.replica_id_in_sync_group], dtype=dtype))
    for name, f in (("crossops", ops.moments), ("keras", keras.ops.moments)):
        run = tf.function(lambda v: f(v, axes=[0, 1], keepdims=True, synchronized=True))
        with strategy.scope():
            mean, var = strategy.run(run, args=(values,))
        out[f"{name}-{dtype}"] = [[m.numpy().tolist(), v.numpy().tolist(), m.dtype.name]
                                  for m, v in zip(mean.values, var.values)]
json.dump(out, sys.stdout)
"""


def test_moments_synchronized_across_replicas():
    """Under tf.distribute.MirroredStrategy (two CPU replicas holding different values) the
    moments are those of both replicas' values together, on each replica, as keras.ops's."""
    pytest.importorskip("tensorflow")
    pytest.importorskip("keras")
    import json
    import os
    import subprocess
    import sys
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    # a subprocess: a process's logical devices are set once, before TensorFlow starts
    proc = subprocess.run([sys.executable, "-c", _MOMENTS_STRATEGY], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = json.loads(proc.stdout)
    both = np.concatenate([[5.0, 9.0, 1.0, 3.0], [2.0, -4.0, 0.5, 7.0]])
    for dtype in ("float16", "float32"):
        mine, keras_ = out[f"crossops-{dtype}"], out[f"keras-{dtype}"]
        assert len(mine) == 2
        for replica in mine:
            assert replica[2] == dtype
            np.testing.assert_allclose(replica[0], [[both.mean()]], rtol=1e-3)
            np.testing.assert_allclose(replica[1], [[both.var()]], rtol=1e-3)
        assert mine == keras_


# -- found by Keras's numpy_test.py on jax and tensorflow (issue 12) --------------------------

def test_signbit_of_bool(backend):
    """bool counts as float16 in NumPy's signbit: never negative (TensorFlow raised)."""
    x = np.array([True, False])
    expected = np.signbit(x)
    _same(_run(backend, xnp.signbit, x), expected)
    _same(_run(backend, ops.signbit, x), expected)


@pytest.mark.parametrize("k", [0, -1, 2])
@pytest.mark.parametrize("name", ["tril", "triu"])
def test_tril_triu_array_k(backend, name, k):
    """k given as a 0-d integer array, eager and compiled (Keras's test passes one under
    tf.function(jit_compile=True); TensorFlow mixed int64 positions with an int32 k)."""
    if backend != "tensorflow":
        pytest.skip("a traced k is TensorFlow's form; jax and torch take k as a static int, "
                    "as keras.ops on them")
    x = np.arange(24, dtype=np.int32).reshape(1, 2, 3, 4)
    expected = getattr(np, name)(x, k)
    kk = np.array(k, np.int32)
    _same(_run(backend, lambda a, b: getattr(ops, name)(a, k=b), x, kk), expected)
    _same(_compiled(backend, lambda a, b: getattr(xnp, name)(a, k=b), x, kk), expected)


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_eye_of_float_array_raises(backend, dtype):
    """A floating 0-d array as the size raises TypeError, as NumPy's and Keras's eye (an
    integer one is a size)."""
    with backend_context(backend):
        x = ops.array(3, dtype=dtype)
        with pytest.raises(TypeError, match="eye"):
            ops.eye(x)
        with pytest.raises(TypeError, match="eye"):
            xnp.eye(3, x)
        _same(to_numpy(ops.eye(ops.array(3, dtype="int32"))), np.eye(3, dtype=np.float32))


@pytest.mark.parametrize("axis", [-1, 0, None])
def test_argsort_0d(backend, axis):
    """NumPy's argsort of a 0-d array: the indices of the 1-d array of its one value, [0]
    (jax and TensorFlow raised, torch gave a 0-d index); sort of a 0-d array still raises,
    as NumPy's."""
    x = np.array(2.5, np.float32)
    expected = np.argsort(x, axis=axis)
    out = _run(backend, xnp.argsort, x, axis=axis)
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)
    _same(_run(backend, ops.argsort, x, axis=axis), expected.astype(np.int32))
    with pytest.raises(ValueError):
        np.sort(x)
    with pytest.raises(ValueError, match="sort"):
        _run(backend, xnp.sort, x)


_SUBNORMAL = float(np.finfo(np.float32).smallest_subnormal)
_ARG_INPUTS = {
    "keras-argmax": np.array([-1.0, -0.0, _SUBNORMAL], np.float32),
    "keras-argmin": np.array([0.0, float(np.finfo(np.float32).tiny), -_SUBNORMAL, 0.0, 459367.0],
                             np.float32),
    "zeros-nan": np.array([[0.0, -0.0, np.nan, 1.0, np.nan], [-0.0, 0.0, 2.0, -3.0, 5e-45]],
                          np.float32),
    "ties": np.array([[-0.0, 0.0, -_SUBNORMAL], [_SUBNORMAL, 0.0, 2 * _SUBNORMAL]], np.float32),
    "float16": np.array([[0.0, 6e-8, -0.0], [-6e-8, -0.0, 0.0]], np.float16),
}


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, -1])
@pytest.mark.parametrize("name", sorted(_ARG_INPUTS))
def test_argmax_argmin_subnormals(backend, name, axis, keepdims):
    """Subnormals compare as their values, -0.0 ties with 0.0 (the first wins) and the
    first NaN wins, as NumPy (Keras's test_argmax_negative_zero / test_argmin_negative_zero;
    XLA's CPU kernels read subnormals as 0)."""
    x = _ARG_INPUTS[name]
    if axis == 0 and x.ndim == 1 and name.startswith("keras"):
        axis = -1
    for f, ref in ((xnp.argmax, np.argmax), (xnp.argmin, np.argmin)):
        expected = ref(x, axis=axis, keepdims=keepdims)
        out = _run(backend, lambda a: f(a, axis=axis, keepdims=keepdims), x)
        assert out.shape == expected.shape
        np.testing.assert_array_equal(out, expected)
    if x.ndim == 1 and not keepdims:
        for f, ref in ((ops.argmax, np.argmax), (ops.argmin, np.argmin)):
            _same(_run(backend, f, x), np.int32(ref(x)))
        _same(_compiled(backend, lambda a: (xnp.argmax(a), xnp.argmin(a)), x)[0],
              np.asarray(np.argmax(x)).astype(_run(backend, xnp.argmax, x).dtype))


@pytest.mark.parametrize("jit_compile", [False, True])
@pytest.mark.parametrize("indices", [[1, 2], [2, 1], [0, 5], [-1, 2], [1]])
@pytest.mark.parametrize("name", ["split", "array_split"])
def test_split_traced_indices_tf(name, indices, jit_compile):
    """split / array_split with the indices a tensor traced by tf.function, with and without
    jit_compile (Keras's test_split_with_jit_in_tf): the pieces of the eager call, which
    are NumPy's (they iterated over the symbolic tensor)."""
    tf = pytest.importorskip("tensorflow")
    x = np.array([[1, 2, 3], [3, 2, 1]], np.int32)
    with backend_context("tensorflow"):
        f = getattr(ops, name)
        out = tf.function(lambda a, i: f(a, i, axis=1), jit_compile=jit_compile)(
            tf.constant(x), tf.constant(indices))
        eager = f(tf.constant(x), indices, axis=1)
    assert len(out) == len(eager) == len(indices) + 1
    for o, e in zip(out, eager, strict=True):
        _same(to_numpy(o), to_numpy(e))
    for o, e in zip(out, getattr(np, name)(x, indices, axis=1), strict=True):
        _same(to_numpy(o), e)  # (a negative index from the end, as NumPy reads it)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_sort_subnormals(backend, dtype):
    """sort / argsort order subnormals by value and keep -0.0 tied with 0.0, as NumPy
    (TensorFlow's CPU kernels read subnormals as 0: its sort key compared with 0 made them
    ties of 0.0)."""
    if backend == "jax":
        pytest.skip("not fixed on jax: XLA's CPU sort reads subnormals as 0")
    s = float(np.finfo(dtype).smallest_subnormal)
    x = np.array([2 * s, -0.0, s, 0.0, -s, np.nan, -1.0], dtype)
    expected = np.argsort(x, stable=True)
    np.testing.assert_array_equal(_run(backend, xnp.argsort, x), expected)
    np.testing.assert_array_equal(_run(backend, xnp.argsort, x, descending=True),
                                  refs.argsort(x, axis=-1, descending=True))
    _same(_run(backend, xnp.sort, x), np.sort(x))


@pytest.mark.parametrize("name, call", [
    ("zeros", lambda d: ops.zeros(2, dtype=d)), ("arange", lambda d: ops.arange(3, dtype=d)),
    ("full", lambda d: ops.full((2,), 1, dtype=d)), ("eye", lambda d: ops.eye(2, dtype=d)),
    ("cast", lambda d: ops.cast(ops.ones(2), d)),
    ("convert_to_tensor", lambda d: ops.convert_to_tensor([1, 2], dtype=d)),
    ("one_hot", lambda d: ops.one_hot(ops.array([1]), 3, dtype=d)),
    ("linspace", lambda d: ops.linspace(0, 4, 5, dtype=d))])
def test_python_types_as_dtypes_read_as_keras(backend, name, call):
    """keras.ops reads int and "int" as int32 (int64 on tensorflow), float as float32 and
    complex as complex64 (complex128 on tensorflow), Keras's PYTHON_DTYPES_MAP; NumPy, and
    crossops.numpy, read them as int64, float64 and complex128 (jax warned and truncated)."""
    wide = backend == "tensorflow"
    expected = {int: "int64" if wide else "int32", "int": "int64" if wide else "int32",
                float: "float32"}
    with backend_context(backend), warnings.catch_warnings():
        warnings.simplefilter("error")  # jax's truncation warning among them
        for dtype, want in expected.items():
            if name == "one_hot" and dtype is float:
                continue
            assert dtype_name(call(dtype).dtype) == want, dtype
    with backend_context(backend):  # NumPy's reading stays
        assert xnp.zeros(2, dtype=float).dtype == xnp.zeros(2, dtype="float64").dtype
