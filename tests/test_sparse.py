"""Sparse arrays in ``crossops.ops``, compared with ``keras.ops`` (Keras 3.15.1) on the same
inputs (issue 12: "accept sparse inputs wherever keras.ops accepts them"): the values, the
dtype, and whether the result is sparse, eager and compiled.

One section per backend, each with its own test functions (named after the backend).
Keras reads ``KERAS_BACKEND`` once, when it is imported: each section computes Keras's
results in a subprocess started with that backend's ``KERAS_BACKEND``, once per session.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import crossops
from crossops import ops

ROOT = Path(__file__).parents[1]


def _keras_subprocess(backend: str, entry: str) -> dict:
    """Run ``tests.test_sparse.<entry>(path)`` in a fresh Python with ``KERAS_BACKEND``
    set to ``backend``; it writes its results (a dict) to ``path`` as a pickle."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.pkl")
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3",
                   PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src"),
                                               os.environ.get("PYTHONPATH", "")]))
        code = f"import tests.test_sparse as t; t.{entry}({path!r})"
        proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-4000:]
        with open(path, "rb") as f:
            return pickle.load(f)


# == tensorflow: tf.SparseTensor, tf.IndexedSlices, tf.RaggedTensor ==========================

_TF_X = np.array([[1.0, 0.5, -0.7], [0.9, 0.2, -1.0]])
_TF_Y = np.array([[4.0, 5.0, 6.0], [3.0, 2.0, 1.0]])
_TF_X3 = np.random.default_rng(0).random((4, 2, 3))


#: the dtype suffixes of input names
_TF_SUFFIXES = {"i32": "int32", "f32": "float32", "f64": "float64", "i8": "int8",
                "c64": "complex64", "bool": "bool"}


def _tf_input(name: str):
    """The input called ``name``, built afresh (the same in both processes).

    ``st_*`` tf.SparseTensor, ``sl_*`` tf.IndexedSlices, ``rg_*`` tf.RaggedTensor,
    ``d_*`` dense tensors, ``s_*`` 0-d tensors, ``py_*`` Python scalars."""
    import tensorflow as tf

    def st(dense, idx, dtype="float32"):
        dense = np.asarray(dense)
        idx = np.asarray(idx, np.int64).reshape(-1, dense.ndim)
        vals = dense[tuple(idx.T)] if len(idx) else np.zeros([0], dense.dtype)
        return tf.SparseTensor(idx, tf.constant(vals, dtype), dense.shape)

    def sl(dense, rows, dtype="float32"):
        dense = np.asarray(dense)
        return tf.IndexedSlices(tf.constant(dense[rows], dtype), tf.constant(rows, tf.int64),
                                tf.constant(dense.shape, tf.int64))

    every_other = [[0, 0], [0, 2], [1, 1]]
    kind, _, rest = name.partition("_")
    dtype = _TF_SUFFIXES.get(rest.split("_")[-1], "float32")
    table = {
        # x's entries at every other position (one stored zero: 0.0 at (0, 2) below)
        "st_x": lambda d: st(_TF_X * [[1, 1, 0], [1, 1, 1]], every_other, d),
        # the same indices tensor as st_x (the op sees `x1.indices is x2.indices`)
        "st_xy": None,
        "st_ydis": lambda d: st(_TF_Y, [[0, 1], [1, 0], [1, 2]], d),  # disjoint from st_x
        "st_ysup": lambda d: st(_TF_Y, [[i, j] for i in range(2) for j in range(3)], d),
        "st_ysub": lambda d: st(_TF_Y, [[0, 0]], d),
        "st_empty": lambda d: st(np.zeros((2, 3)), [], d),
        "st_c": lambda d: st(_TF_X * (1 + 1j), every_other, d),
        "st_x3": lambda d: st(_TF_X3, np.argwhere(_TF_X3 > 0.4), d),
        "st_x11": lambda d: st(_TF_X[:, None, :], [[0, 0, 0], [1, 0, 2]], d),
        "st_m": lambda d: st(np.arange(15.0).reshape(5, 3) % 4,
                             [[0, 1], [2, 2], [3, 1], [4, 0]], d),
        "st_n": lambda d: st(np.arange(12.0).reshape(3, 4) % 3, [[0, 0], [1, 3], [2, 1]], d),
        "st_b3m": lambda d: st(np.ones((2, 5, 3)), [[0, 1, 2], [1, 0, 1], [1, 4, 0]], d),
        "st_b3n": lambda d: st(np.ones((2, 3, 4)) * 2, [[0, 1, 1], [0, 2, 3], [1, 0, 0]], d),
        "st_ids": lambda d: st([0, 3, 1, 0, 3, 3], [[0], [1], [2], [4], [5]], d),
        "st_w": lambda d: st([0.5, 2.0, 1.0, 0.0, 3.0, 1.5], [[0], [1], [2], [4], [5]], d),
        "st_idx": lambda d: tf.SparseTensor([[0, 0], [1, 2]], tf.constant([-1, 2], d), (2, 3)),
        "sl_x": lambda d: sl(_TF_X, [0], d),
        "sl_xy": None,
        "sl_ydis": lambda d: sl(_TF_Y, [1], d),
        "sl_ysup": lambda d: sl(_TF_Y, [0, 1], d),
        "sl_x3": lambda d: sl(_TF_X3, [0, 2], d),
        "sl_dup": lambda d: tf.IndexedSlices(tf.constant(_TF_X[[0, 0, 1]], d),
                                             tf.constant([1, 1, 0], tf.int64),
                                             tf.constant([3, 3], tf.int64)),
        "rg_idx": lambda d: tf.ragged.constant([[2], [0, -1, 1]], dtype=tf.int64),
        "rg_x": lambda d: tf.ragged.constant([[3.0, -1.0, 4.0, 1.0], [], [5.0, -9.0]],
                                             dtype=d),
        "d_y": lambda d: tf.constant(_TF_Y, d),
        "d_x3": lambda d: tf.constant(_TF_X3 * 4, d),
        "d_t": lambda d: tf.constant(np.arange(60.0).reshape(3, 4, 5) - 30, d),
        "d_m": lambda d: tf.constant(np.arange(12.0).reshape(3, 4) - 5, d),
        "d_k": lambda d: tf.constant(np.arange(15.0).reshape(5, 3) - 7, d),
        "d_zn": lambda d: tf.constant([[np.nan, np.nan, 3], [0, 0, 1]] if d != "int32"
                                      else [[0, 0, 3], [0, 0, 1]], d),
        "d_ids": lambda d: tf.constant([[0, 2, 2], [1, 3, 0]], d),
        "d_ids1": lambda d: tf.constant([0, 2, 1, 3], d),
        "d_w1": lambda d: tf.constant([0.5, 1.0, 2.0, -1.0], d),
        "s_2": lambda d: tf.constant(2, d),
    }
    if kind == "py":
        return {"py_2": 2, "py_2.5": 2.5}[name]
    base = "_".join(name.split("_")[:2]) if rest.split("_")[-1] in _TF_SUFFIXES else name
    if base in ("st_xy", "sl_xy"):  # y's values at x's very indices tensor
        x = table[base.replace("xy", "x")](dtype)
        if kind == "st":
            vals = tf.constant(_TF_Y[tuple(x.indices.numpy().T)], dtype)
            return tf.SparseTensor(x.indices, vals, x.dense_shape), x
        return tf.IndexedSlices(tf.constant(_TF_Y[[0]], dtype), x.indices, x.dense_shape), x
    return table[base](dtype)


_TF_ELEMENTWISE = ["abs", "absolute", "arcsin", "arcsinh", "arctan", "arctanh", "ceil", "conj",
                   "conjugate", "copy", "expm1", "floor", "imag", "log1p", "negative", "real",
                   "round", "sign", "sin", "sinh", "sqrt", "square", "tan", "tanh", "fabs"]
_TF_DENSIFYING = ["arccos", "arccosh", "cos", "cosh", "exp", "exp2", "isfinite", "log", "log10",
                  "log2", "reciprocal"]
_TF_BINARY = ["add", "subtract", "maximum", "minimum", "multiply", "divide", "true_divide"]
_TF_PAIRS = [("st_x", "d_y"), ("d_y", "st_x"), ("st_x", "s_2"), ("s_2", "st_x"),
             ("st_x", "st_xy"), ("st_x", "st_ydis"), ("st_x", "st_ysup"), ("st_ysub", "st_x"),
             ("st_empty", "st_x"), ("sl_x", "d_y"), ("d_y", "sl_x"), ("sl_x", "s_2"),
             ("sl_x", "sl_xy"), ("sl_x", "sl_ydis"), ("sl_x", "sl_ysup")]


def _tf_cases() -> list[tuple]:
    """(id, op, input names, keyword arguments) of every case compared with Keras."""
    cases = []
    for op in _TF_ELEMENTWISE:
        ins = ["st_x", "sl_x", "st_x_i32", "st_empty", "rg_x"]
        if op in ("conj", "conjugate", "imag", "real"):
            ins = ["st_c_c64", "sl_x", "st_x_i32"]
        cases += [(f"{op}-{i}", op, [i], {}) for i in ins]
    for op in _TF_DENSIFYING:
        cases += [(f"{op}-{i}", op, [i], {}) for i in ("st_x", "sl_x")]
    for op in _TF_BINARY:
        for dtype in ("f32", "i32"):
            for a, b in _TF_PAIRS:
                cases.append((f"{op}-{a}-{b}-{dtype}", op, [f"{a}_{dtype}", f"{b}_{dtype}"], {}))
        cases.append((f"{op}-st_x-py_2", op, ["st_x", "py_2"], {}))
        cases.append((f"{op}-st_x_i32-py_2", op, ["st_x_i32", "py_2"], {}))
    for dtype in ("f32", "i32"):
        for kind in ("st", "sl"):
            cases.append((f"divide-zeros-nans-{kind}-{dtype}", "divide",
                          [f"{kind}_x_{dtype}", f"d_zn_{dtype}"], {}))
    axes = {"none": None, "0": 0, "1": 1, "01": (0, 1), "12": (1, 2), "all": (0, 1, 2),
            "empty": ()}
    for tag, axis in axes.items():
        for keepdims in (False, True):
            kw = {"axis": axis, "keepdims": keepdims}
            cases.append((f"sum-{tag}-{keepdims}", "sum", ["st_x3"], kw))
            cases.append((f"sum-sl-{tag}-{keepdims}", "sum", ["sl_x3"], kw))
            cases.append((f"mean-sl-{tag}-{keepdims}", "mean", ["sl_x3"], kw))
    cases += [("sum-i8", "sum", ["st_x3_i8"], {"axis": 0}),
              ("sum-i32", "sum", ["st_x3_i32"], {"axis": 1}),
              ("sum-bool", "sum", ["st_x3_bool"], {"axis": 0}),
              ("sum-empty-0d", "sum", ["st_empty"], {}),
              ("mean-sl-f32-1", "mean", ["sl_x3"], {"axis": -1})]
    cases += [(f"expand_dims-{a}", "expand_dims", ["st_x"], {"axis": a}) for a in (0, 1, -2, 2)]
    cases += [(f"reshape-{i}", "reshape", ["st_x3"], {"newshape": s})
              for i, s in enumerate([(4, 3, 2), (4, 3, -1), (4, 6), (24,)])]
    cases += [("squeeze-none", "squeeze", ["st_x11"], {}),
              ("squeeze-1", "squeeze", ["st_x11"], {"axis": 1}),
              ("squeeze-m2", "squeeze", ["st_x11"], {"axis": -2}),
              ("squeeze-noop", "squeeze", ["st_x"], {}),
              ("transpose-none", "transpose", ["st_x3"], {}),
              ("transpose-axes", "transpose", ["st_x3"], {"axes": (0, 2, 1)}),
              ("transpose-2d", "transpose", ["st_x"], {})]
    for axis in (0, 1):
        cases += [(f"concatenate-st-{axis}", "concatenate", [["st_x", "st_ydis"]], {"axis": axis}),
                  (f"concatenate-mixed-{axis}", "concatenate", [["st_x", "d_y"]], {"axis": axis}),
                  (f"concatenate-dtypes-{axis}", "concatenate", [["st_x_i32", "st_ydis"]],
                   {"axis": axis})]
    cases += [("matmul-st-st", "matmul", ["st_m", "st_n"], {}),
              ("matmul-st-d", "matmul", ["st_m", "d_m"], {}),
              ("matmul-d-st", "matmul", ["d_k", "st_n"], {}),
              ("matmul-st-st-f64", "matmul", ["st_m_f64", "st_n_f64"], {}),
              ("matmul-st-st-3d", "matmul", ["st_b3m", "st_b3n"], {}),
              ("matmul-st-d-i32", "matmul", ["st_m_i32", "d_m_i32"], {})]
    cases += [("digitize-st", "digitize", ["st_x3"], {"bins": [0.1, 0.2, 1.0]}),
              ("digitize-sl", "digitize", ["sl_x3"], {"bins": [0.1, 0.2, 1.0]}),
              ("digitize-rg", "digitize", ["rg_x"], {"bins": [0.1, 0.2, 1.0]}),
              ("bincount-st", "bincount", ["st_ids_i32"], {}),
              ("bincount-st-min", "bincount", ["st_ids_i32"], {"minlength": 7}),
              ("bincount-st-w", "bincount", ["st_ids_i32", "st_w"], {}),
              ("bincount-dense-sparse", "bincount", ["d_ids1_i32"], {"sparse": True}),
              ("bincount-dense2d-sparse", "bincount", ["d_ids_i32"],
               {"sparse": True, "minlength": 5}),
              ("bincount-dense-sparse-w", "bincount", ["d_ids1_i32", "d_w1"], {"sparse": True}),
              ("add-rg-rg", "add", ["rg_x", "rg_x"], {}),
              ("multiply-rg-py", "multiply", ["rg_x", "py_2.5"], {}),
              ("subtract-rg-s", "subtract", ["rg_x", "s_2"], {}),
              ("take-st", "take", ["d_t", "st_idx_i32"], {"axis": 0}),
              ("take-st-1", "take", ["d_t", "st_idx_i32"], {"axis": 1})]
    cases += [(f"take-rg-{a}", "take", ["d_t", "rg_idx"], {"axis": a}) for a in (None, 0, 1, -1)]
    cases += [("convert-st", "convert_to_tensor", ["st_x"], {}),
              ("convert-st-sparse", "convert_to_tensor", ["st_x"], {"sparse": True}),
              ("convert-st-dense", "convert_to_tensor", ["st_x"], {"sparse": False}),
              ("convert-st-dtype", "convert_to_tensor", ["st_x"], {"dtype": "int32"}),
              ("convert-sl", "convert_to_tensor", ["sl_x"], {}),
              ("convert-rg", "convert_to_tensor", ["rg_x"], {}),
              ("convert-rg-dense", "convert_to_tensor", ["rg_x"], {"ragged": False}),
              ("cast-st", "cast", ["st_x"], {"dtype": "int32"}),
              ("cast-sl", "cast", ["sl_x"], {"dtype": "float16"}),
              ("shape-st", "shape", ["st_x"], {}),
              ("shape-rg", "shape", ["rg_x"], {}),
              ("ndim-rg", "ndim", ["rg_x"], {}),
              ("ndim-st", "ndim", ["st_x3"], {})]
    for dtype in (None, "int32", "bool"):
        cases += [(f"one_hot-{dtype}", "one_hot", ["d_ids1_i32"],
                   {"num_classes": 4, "sparse": True, "dtype": dtype}),
                  (f"one_hot-axis0-{dtype}", "one_hot", ["d_ids_i32"],
                   {"num_classes": 4, "axis": 0, "sparse": True, "dtype": dtype}),
                  (f"multi_hot-{dtype}", "multi_hot", ["d_ids_i32"],
                   {"num_classes": 4, "sparse": True, "dtype": dtype}),
                  (f"multi_hot-1d-{dtype}", "multi_hot", ["d_ids1_i32"],
                   {"num_classes": 4, "sparse": True, "dtype": dtype})]
    return cases


_TF_CASES = _tf_cases()
#: ops whose compiled form is compared too (a tf.function of the op)
_TF_COMPILED = {"abs", "sin", "round", "bincount", "add", "subtract", "maximum", "multiply",
                "divide", "sum", "mean", "expand_dims", "reshape", "squeeze", "transpose",
                "concatenate", "matmul", "take", "cast", "one_hot", "multi_hot", "negative",
                "digitize"}


def _tf_args(names):
    """The inputs of a case (a list of names is a list of inputs)."""
    out = []
    for n in names:
        if isinstance(n, list):
            out.append([_tf_args([m])[0] for m in n])
            continue
        v = _tf_input(n)
        out.append(v[0] if isinstance(v, tuple) else v)
    return out


def _tf_pair_args(names):
    """Like :func:`_tf_args`, with a ``*_xy`` input sharing the indices tensor of the
    ``*_x`` input beside it (built once, for both)."""
    if len(names) == 2 and all(isinstance(n, str) for n in names) and any(
            n.split("_")[1] == "xy" for n in names if n.count("_")):
        i = next(k for k, n in enumerate(names) if n.split("_")[1] == "xy")
        y, x = _tf_input(names[i])
        return [y, x] if i == 0 else [x, y]
    return _tf_args(names)


def _tf_dense_args(names):
    """A case's inputs with every sparse or ragged one made dense (zeros where missing)."""
    import tensorflow as tf

    def dense(a):
        if isinstance(a, list):
            return [dense(b) for b in a]
        if isinstance(a, tf.SparseTensor | tf.IndexedSlices | tf.RaggedTensor):
            return tf.constant(_tf_describe(a)[2])
        return a
    return [dense(a) for a in _tf_pair_args(names)]


def _tf_describe(out):
    """(kind, dtype name, dense values) of a result: kind is sparse, slices, ragged, dense
    or tuple (a shape)."""
    import tensorflow as tf
    if isinstance(out, tuple | int):
        return ("tuple", None, [int(d) if d is not None else None for d in
                                (out if isinstance(out, tuple) else (out,))])
    if isinstance(out, tf.SparseTensor):
        dense = tf.sparse.to_dense(tf.sparse.reorder(out)) if out.shape.rank else \
            tf.reduce_sum(out.values)
        return ("sparse", out.dtype.name, np.asarray(dense))
    if isinstance(out, tf.IndexedSlices):
        return ("slices", out.dtype.name, np.asarray(tf.convert_to_tensor(out)))
    if isinstance(out, tf.RaggedTensor):
        return ("ragged", out.dtype.name, np.asarray(out.to_tensor()))
    return ("dense", out.dtype.name, np.asarray(out))


def _tf_run(f, names, kwargs, compiled: bool):
    """``f`` on a case's inputs (eager, or inside a tf.function), described."""
    import tensorflow as tf
    args = _tf_pair_args(names)
    if not compiled:
        return _tf_describe(f(*args, **kwargs))
    consts = {i: a for i, a in enumerate(args) if isinstance(a, int | float | list)}
    tensors = [a for i, a in enumerate(args) if i not in consts]
    lists = {i: a for i, a in consts.items() if isinstance(a, list)}
    flat = tensors + [t for a in lists.values() for t in a]

    def body(*ts):
        ts = list(ts)
        it = iter(ts[:len(tensors)])
        rest = iter(ts[len(tensors):])
        call = []
        for i in range(len(args)):
            if i in lists:
                call.append([next(rest) for _ in lists[i]])
            elif i in consts:
                call.append(consts[i])
            else:
                call.append(next(it))
        return f(*call, **kwargs)
    return _tf_describe(tf.function(body)(*flat))


def _tf_keras_results(path: str) -> None:
    """Keras's results on every case, eager and compiled (run in a subprocess with
    ``KERAS_BACKEND=tensorflow``, see :func:`_keras_subprocess`)."""
    import keras
    assert keras.backend.backend() == "tensorflow"
    out = {}
    for cid, op, names, kwargs in _TF_CASES:
        f = getattr(keras.ops, op)
        for compiled in (False, True):
            if compiled and op not in _TF_COMPILED:
                continue
            try:
                out[cid, compiled] = _tf_run(f, names, kwargs, compiled)
            except Exception as e:  # noqa: BLE001  (a case Keras itself fails)
                # Keras's result on the inputs made dense instead: the values and dtype
                out[cid, compiled] = ("error", type(e).__name__, str(e)[:200],
                                      _tf_describe(f(*_tf_dense_args(names), **kwargs)))
    with open(path, "wb") as fh:
        pickle.dump(out, fh)


@pytest.fixture(scope="module")
def tf_keras():
    pytest.importorskip("tensorflow")
    pytest.importorskip("keras")
    return _keras_subprocess("tensorflow", "_tf_keras_results")


def _same(mine, theirs):
    """A result described as (kind, dtype, values) equals Keras's."""
    kind, dtype, values = mine
    assert (kind, dtype) == tuple(theirs[:2]), (mine[:2], theirs[:2])
    if kind == "tuple":
        assert values == theirs[2]
        return
    values, expected = np.asarray(values), np.asarray(theirs[2])
    assert values.shape == expected.shape, (values.shape, expected.shape)
    if values.dtype.kind in "fc":
        np.testing.assert_allclose(values, expected, rtol=1e-6, atol=0, equal_nan=True)
    else:
        np.testing.assert_array_equal(values, expected)


_TF_PARAMS = [pytest.param(case, compiled, id=f"{case[0]}-{'tf_function' if compiled else 'eager'}")
              for case in _TF_CASES for compiled in (False, True)
              if not compiled or case[1] in _TF_COMPILED]


@pytest.mark.parametrize(("case", "compiled"), _TF_PARAMS)
def test_tensorflow_sparse_as_keras(tf_keras, case, compiled):
    """crossops.ops on tf.SparseTensor / tf.IndexedSlices / tf.RaggedTensor inputs gives
    Keras's kind of result (sparse, slices, ragged or dense), dtype and values. Where
    keras.ops itself raises (a Python int beside a float SparseTensor, SparseTensors of two
    dtypes, mean of IndexedSlices inside tf.function), the dtype and values are Keras's on
    the inputs made dense."""
    cid, op, names, kwargs = case
    theirs = tf_keras[cid, compiled]
    mine = _tf_run(getattr(ops, op), names, kwargs, compiled)
    if theirs[0] == "error":
        theirs = theirs[3]
        mine = ("dense", *mine[1:])
        theirs = ("dense", *theirs[1:])
    _same(mine, theirs)


# -- tensorflow: the edges, against NumPy on the dense values ---------------------------------

def _tf_dense(x):
    return _tf_describe(x)[2]


def test_tensorflow_sparse_keeps_stored_zeros():
    """An element-wise op maps the stored values only: a stored 0 stays stored."""
    tf = pytest.importorskip("tensorflow")
    x = tf.SparseTensor([[0, 0], [1, 2]], tf.constant([0.0, -2.0]), (2, 3))
    out = ops.abs(x)
    assert isinstance(out, tf.SparseTensor)
    np.testing.assert_array_equal(out.indices.numpy(), x.indices.numpy())
    np.testing.assert_array_equal(out.values.numpy(), [0.0, 2.0])


def test_tensorflow_sparse_empty():
    """Sparse arrays without entries: results sparse and empty, a 0-d sum of 0."""
    tf = pytest.importorskip("tensorflow")
    e = tf.SparseTensor(tf.zeros([0, 2], tf.int64), tf.zeros([0], tf.int32), (2, 3))
    for out in (ops.add(e, e), ops.multiply(e, e), ops.negative(e), ops.sum(e, axis=0)):
        assert isinstance(out, tf.SparseTensor)
        assert out.values.shape[0] == 0
    total = ops.sum(e)
    assert isinstance(total, tf.SparseTensor) and total.shape.rank == 0
    assert total.dtype == tf.int32
    assert _tf_dense(total) == 0
    assert crossops.to_numpy(total) == 0


def test_tensorflow_indexed_slices_duplicate_rows():
    """IndexedSlices may repeat a row (its dense form sums them): ops agree with NumPy on
    the dense form."""
    tf = pytest.importorskip("tensorflow")
    rows = np.array([[1.0, 2.0], [3.0, -4.0], [0.5, 0.5]], np.float32)
    x = tf.IndexedSlices(tf.constant(rows), tf.constant([1, 1, 0], tf.int64),
                         tf.constant([3, 2], tf.int64))
    y = tf.IndexedSlices(tf.constant(rows[:1] * 10), tf.constant([1], tf.int64),
                         tf.constant([3, 2], tf.int64))
    dx, dy = _tf_dense(x), _tf_dense(y)
    d = np.array([[2.0, 0.0], [3.0, -1.0], [1.0, 1.0]], np.float32)
    np.testing.assert_allclose(_tf_dense(ops.add(x, y)), dx + dy)
    np.testing.assert_allclose(_tf_dense(ops.maximum(x, y)), np.maximum(dx, dy))
    np.testing.assert_allclose(_tf_dense(ops.multiply(x, y)), dx * dy)
    np.testing.assert_allclose(_tf_dense(ops.multiply(x, tf.constant(d))), dx * d)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.testing.assert_allclose(_tf_dense(ops.divide(x, tf.constant(d))), dx / d)


def test_tensorflow_sparse_dtypes_follow_dense_ops():
    """The values' dtype is the dense op's: crossops.numpy's promotion (int8 + float16 is
    float16), and crossops.ops's Keras rules (int32 / int32 is float32)."""
    tf = pytest.importorskip("tensorflow")
    import crossops.numpy as xnp
    a = tf.SparseTensor([[0, 1]], tf.constant([3], tf.int8), (2, 2))
    b = tf.SparseTensor([[1, 1]], tf.constant([1.5], tf.float16), (2, 2))
    for f in (xnp.add, xnp.multiply, xnp.maximum):
        out = f(a, b)
        assert isinstance(out, tf.SparseTensor) and out.dtype == tf.float16
        expected = f(tf.constant(_tf_dense(a)), tf.constant(_tf_dense(b)))
        np.testing.assert_array_equal(_tf_dense(out), expected.numpy())
    c = tf.SparseTensor([[0, 1]], tf.constant([3], tf.int32), (2, 2))
    assert ops.divide(c, c).dtype == tf.float32
    assert xnp.sum(c).dtype == xnp.sum(tf.constant(_tf_dense(c))).dtype


def test_tensorflow_digitize_zero_outside_first_bin():
    """digitize keeps a SparseTensor sparse only where 0 falls in bin 0; otherwise its
    dense result is NumPy's (Keras 3.15.1 keeps it sparse, leaving bin 0 at the zeros)."""
    tf = pytest.importorskip("tensorflow")
    x = tf.SparseTensor([[0], [2]], tf.constant([0.5, 2.0]), (4,))
    bins = [-1.0, 1.0]
    out = ops.digitize(x, bins)
    assert not isinstance(out, tf.SparseTensor)
    np.testing.assert_array_equal(_tf_dense(out), np.digitize(_tf_dense(x), bins))


def test_tensorflow_one_hot_sparse_ids_out_of_range():
    """one_hot(sparse=True): ids outside [0, num_classes) give no entry (a zero row), as the
    dense one_hot."""
    tf = pytest.importorskip("tensorflow")
    ids = tf.constant([0, 5, -1, 3], tf.int32)
    out = ops.one_hot(ids, 4, sparse=True)
    assert isinstance(out, tf.SparseTensor)
    np.testing.assert_array_equal(_tf_dense(out), _tf_dense(ops.one_hot(ids, 4)))
    multi = ops.multi_hot(tf.constant([[0, 5, 3], [-1, 1, 1]]), 4, sparse=True)
    expected = ops.multi_hot(tf.constant([[0, 5, 3], [-1, 1, 1]]), 4)
    np.testing.assert_array_equal(_tf_dense(multi), _tf_dense(expected))


def test_tensorflow_matmul_unordered_indices():
    """Sparse products of SparseTensors whose indices are not in row-major order are
    NumPy's (keras.ops 3.15.1 misplaces entries there, so this compares with NumPy)."""
    tf = pytest.importorskip("tensorflow")
    a = tf.SparseTensor([[4, 0], [0, 1], [3, 1], [2, 2]], tf.constant([1.0, 2.0, 3.0, 4.0]),
                        (5, 3))
    b = tf.SparseTensor([[2, 1], [0, 0], [1, 3]], tf.constant([5.0, 6.0, 7.0]), (3, 4))
    out = ops.matmul(a, b)
    assert isinstance(out, tf.SparseTensor)
    np.testing.assert_allclose(_tf_dense(out), _tf_dense(a) @ _tf_dense(b))
    dense = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    np.testing.assert_allclose(_tf_dense(ops.matmul(a, tf.constant(dense))),
                               _tf_dense(a) @ dense, rtol=1e-6)


# == jax: jax.experimental.sparse.BCOO =========================================================

_JAX_X = np.array([[1.0, 0.5, -0.7], [0.9, 0.2, -1.0]])
_JAX_Y = np.array([[4.0, 5.0, 6.0], [3.0, 2.0, 1.0]])
_JAX_X3 = np.random.default_rng(1).random((4, 2, 3))
_JAX_SUFFIXES = {"i32": "int32", "f32": "float32", "f16": "float16", "i8": "int8",
                 "c64": "complex64", "bool": "bool"}


def _jax_input(name: str):
    """The input called ``name``, built afresh (the same in both processes).

    ``sp_*`` BCOO with every dimension sparse, ``sl_*`` BCOO of rows (a dense last
    dimension: Keras's "indexed slices" on jax), ``d_*`` dense arrays, ``s_*`` 0-d arrays,
    ``py_*`` Python scalars; a suffix (``_i32`` ...) names the dtype (float32 otherwise)."""
    import jax.numpy as jnp
    from jax.experimental import sparse as jsp

    def sp(dense, idx, dtype):
        dense = np.asarray(dense)
        idx = np.asarray(idx, np.int32).reshape(-1, dense.ndim)
        vals = dense[tuple(idx.T)] if len(idx) else np.zeros([0])
        return jsp.BCOO((jnp.asarray(vals, dtype), jnp.asarray(idx)), shape=dense.shape)

    def sl(dense, rows, dtype):
        dense = np.asarray(dense)
        return jsp.BCOO((jnp.asarray(dense[rows], dtype), jnp.asarray(rows, np.int32)[:, None]),
                        shape=dense.shape)

    def fromdense(dense, dtype, n_batch=0):
        return jsp.BCOO.fromdense(jnp.asarray(dense, dtype), n_batch=n_batch)

    every_other = [[0, 0], [0, 2], [1, 1]]
    three = np.argwhere(_JAX_X3 > 0.4)
    table = {
        # x's entries at every other position, one of them a stored 0.0 (at (0, 2))
        "sp_x": lambda d: sp(_JAX_X * [[1, 1, 0], [1, 1, 1]], every_other, d),
        "sp_ydis": lambda d: sp(_JAX_Y, [[0, 1], [1, 0], [1, 2]], d),  # disjoint from sp_x
        "sp_ysup": lambda d: sp(_JAX_Y, [[i, j] for i in range(2) for j in range(3)], d),
        "sp_ysub": lambda d: sp(_JAX_Y, [[0, 0]], d),
        "sp_empty": lambda d: sp(np.zeros((2, 3)), [], d),
        # duplicate indices: (0, 0) twice (its dense value is their sum)
        "sp_dup": lambda d: jsp.BCOO((jnp.asarray([0.25, 0.5, -0.75], d),
                                      jnp.asarray([[0, 0], [1, 2], [0, 0]], np.int32)),
                                     shape=(2, 3)),
        "sp_c": lambda d: sp(_JAX_X * (1 + 1j), every_other, d),
        "sp_x3": lambda d: sp(_JAX_X3, three, d),
        "sp_x11": lambda d: sp(_JAX_X[:, None, :], [[0, 0, 0], [1, 0, 2]], d),
        "sp_m": lambda d: sp(np.arange(15.0).reshape(5, 3) % 4, [[0, 1], [2, 2], [4, 0], [3, 1]],
                             d),
        "sp_n": lambda d: sp(np.arange(12.0).reshape(3, 4) % 3, [[0, 0], [1, 3], [2, 1]], d),
        "sp_b3m": lambda d: fromdense(np.arange(30.0).reshape(2, 5, 3) % 3, d, n_batch=1),
        "sp_b3n": lambda d: fromdense(np.arange(24.0).reshape(2, 3, 4) % 5 - 2, d, n_batch=1),
        "sp_ids": lambda d: sp([0, 3, 1, 0, 3, 3], [[0], [1], [2], [4], [5]], d),
        "sp_w": lambda d: sp([0.5, 2.0, 1.0, 0.0, 3.0, 1.5], [[0], [1], [2], [4], [5]], d),
        # a row of ids, as Keras's expand_dims makes it (its new dimension a batch one)
        "sp_idsrow": lambda d: jsp.bcoo_broadcast_in_dim(
            sp([0, 3, 1, 0, 3, 3], [[0], [1], [2], [4], [5]], d), shape=(1, 6),
            broadcast_dimensions=(1,)),
        "sp_idx": lambda d: jsp.BCOO((jnp.asarray([-1, 2], d),
                                      jnp.asarray([[0, 0], [1, 2]], np.int32)), shape=(2, 3)),
        "sl_x": lambda d: sl(_JAX_X, [0], d),
        "sl_ydis": lambda d: sl(_JAX_Y, [1], d),
        "sl_ysup": lambda d: sl(_JAX_Y, [0, 1], d),
        "sl_x3": lambda d: sl(_JAX_X3, [0, 2], d),
        "d_y": lambda d: jnp.asarray(_JAX_Y, d),
        "d_x3": lambda d: jnp.asarray(_JAX_X3 * 4, d),
        "d_m": lambda d: jnp.asarray(np.arange(12.0).reshape(3, 4) - 5, d),
        "d_k": lambda d: jnp.asarray(np.arange(15.0).reshape(5, 3) - 7, d),
        "d_b3": lambda d: jnp.asarray(np.arange(24.0).reshape(2, 3, 4) - 9, d),
        "d_zn": lambda d: jnp.asarray([[np.nan, np.nan, 3], [0, 0, 1]] if d != "int32"
                                      else [[0, 0, 3], [0, 0, 1]], d),
        "d_ids": lambda d: jnp.asarray([[0, 2, 2], [1, 3, 0]], d),
        "d_ids1": lambda d: jnp.asarray([0, 2, 1, 3], d),
        "s_2": lambda d: jnp.asarray(2, d),
    }
    kind, _, rest = name.partition("_")
    if kind == "py":
        return {"py_2": 2, "py_2.5": 2.5}[name]
    suffix = rest.split("_")[-1]
    dtype = _JAX_SUFFIXES.get(suffix, "float32")
    base = name[:-len(suffix) - 1] if suffix in _JAX_SUFFIXES else name
    if base in ("sp_xy", "sl_xy"):  # y's values at x's very indices array
        x = table[base.replace("xy", "x")](dtype)
        if kind == "sp":
            vals = jnp.asarray(_JAX_Y[tuple(np.asarray(x.indices).T)], dtype)
        else:
            vals = jnp.asarray(_JAX_Y[np.asarray(x.indices)[:, 0]], dtype)
        return jsp.BCOO((vals, x.indices), shape=x.shape), x
    return table[base](dtype)


_JAX_ELEMENTWISE = ["abs", "absolute", "arcsin", "arcsinh", "arctan", "arctanh", "ceil", "conj",
                    "conjugate", "copy", "expm1", "floor", "imag", "log1p", "negative", "real",
                    "round", "sign", "sin", "sinh", "sqrt", "square", "tan", "tanh"]
#: element-wise ops also compared on int32, empty, duplicate-index and row (slices) inputs
_JAX_ELEMENTWISE_EDGES = ["abs", "sin", "sqrt", "round", "negative", "square", "floor"]
_JAX_DENSIFYING = ["arccos", "arccosh", "cos", "cosh", "exp", "exp2", "isfinite", "log", "log10",
                   "log2", "reciprocal"]
_JAX_BINARY = ["add", "subtract", "maximum", "minimum", "multiply", "divide", "true_divide"]
_JAX_PAIRS = [("sp_x", "d_y"), ("d_y", "sp_x"), ("sp_x", "s_2"), ("s_2", "sp_x"),
              ("sp_x", "sp_xy"), ("sp_x", "sp_ydis"), ("sp_x", "sp_ysup"), ("sp_ysub", "sp_x"),
              ("sp_empty", "sp_x"), ("sp_dup", "sp_ydis"), ("sl_x", "d_y"), ("d_y", "sl_x"),
              ("sl_x", "s_2"), ("sl_x", "sl_xy"), ("sl_x", "sl_ydis"), ("sl_x", "sl_ysup")]
#: the pairs also compared in int32, and compiled (float32)
_JAX_PAIRS_I32 = [("sp_x", "d_y"), ("sp_x", "s_2"), ("sp_x", "sp_ydis"), ("sp_x", "sp_xy")]
_JAX_PAIRS_JIT = [("sp_x", "d_y"), ("s_2", "sp_x"), ("sp_x", "sp_ydis"), ("sp_dup", "sp_ydis"),
                  ("sl_x", "sl_ydis")]


def _jax_cases() -> list[tuple]:
    """(id, op, input names, keyword arguments, compiled) of every case compared with
    Keras: eager, and also under jax.jit where ``compiled``."""
    cases = []
    for op in _JAX_ELEMENTWISE:
        ins = ["sp_x"]
        if op in _JAX_ELEMENTWISE_EDGES:
            ins += ["sl_x", "sp_x_i32", "sp_empty", "sp_dup"]
        if op in ("conj", "conjugate", "imag", "real"):
            ins = ["sp_c_c64", "sl_x"]
        cases += [(f"{op}-{i}", op, [i], {}, i in ("sp_x", "sp_dup")) for i in ins]
    for op in _JAX_DENSIFYING:
        ins = ["sp_x", "sl_x", "sp_dup"] if op in ("exp", "cos") else ["sp_x"]
        cases += [(f"{op}-{i}", op, [i], {}, op == "exp") for i in ins]
    for op in _JAX_BINARY:
        full = op in ("add", "maximum", "multiply", "divide")
        for a, b in _JAX_PAIRS if full else _JAX_PAIRS_I32:
            cases.append((f"{op}-{a}-{b}-f32", op, [f"{a}_f32", f"{b}_f32"], {},
                          full and (a, b) in _JAX_PAIRS_JIT))
        for a, b in _JAX_PAIRS_I32:
            cases.append((f"{op}-{a}-{b}-i32", op, [f"{a}_i32", f"{b}_i32"], {}, False))
        cases.append((f"{op}-sp_x-py_2", op, ["sp_x", "py_2"], {}, False))
        cases.append((f"{op}-sp_x_i32-py_2.5", op, ["sp_x_i32", "py_2.5"], {}, False))
    for dtype in ("f32", "i32"):
        cases.append((f"divide-zeros-nans-sp-{dtype}", "divide",
                      [f"sp_x_{dtype}", f"d_zn_{dtype}"], {}, False))
        cases.append((f"divide-zeros-nans-sl-{dtype}", "divide",
                      [f"sl_x_{dtype}", f"d_zn_{dtype}"], {}, False))
    axes = {"none": None, "0": 0, "1": 1, "01": (0, 1), "12": (1, 2), "all": (0, 1, 2),
            "empty": ()}
    for tag, axis in axes.items():
        for keepdims in (False, True):
            kw = {"axis": axis, "keepdims": keepdims}
            jit = tag in ("none", "12")
            cases.append((f"sum-{tag}-{keepdims}", "sum", ["sp_x3"], kw, jit))
            cases.append((f"mean-{tag}-{keepdims}", "mean", ["sp_x3"], kw, jit))
            if tag in ("none", "0", "12"):
                cases.append((f"sum-sl-{tag}-{keepdims}", "sum", ["sl_x3"], kw, False))
                cases.append((f"mean-sl-{tag}-{keepdims}", "mean", ["sl_x3"], kw, False))
    cases += [("sum-i32", "sum", ["sp_x3_i32"], {"axis": 1}, False),
              ("sum-dup", "sum", ["sp_dup"], {"axis": 0}, True),
              ("sum-empty-0d", "sum", ["sp_empty"], {}, True)]
    cases += [(f"expand_dims-{a}", "expand_dims", ["sp_x"], {"axis": a}, a == 1)
              for a in (0, 1, -2, 2)]
    cases += [(f"reshape-{i}", "reshape", ["sp_x3"], {"newshape": s}, i == 1)
              for i, s in enumerate([(4, 3, 2), (4, 3, -1), (4, 6), (24,)])]
    cases += [("squeeze-none", "squeeze", ["sp_x11"], {}, True),
              ("squeeze-1", "squeeze", ["sp_x11"], {"axis": 1}, False),
              ("squeeze-m2", "squeeze", ["sp_x11"], {"axis": -2}, False),
              ("squeeze-noop", "squeeze", ["sp_x"], {}, False),
              ("transpose-none", "transpose", ["sp_x3"], {}, False),
              ("transpose-axes", "transpose", ["sp_x3"], {"axes": (0, 2, 1)}, True),
              ("transpose-2d", "transpose", ["sp_x"], {}, False)]
    for axis in (0, 1):
        cases += [(f"concatenate-sp-{axis}", "concatenate", [["sp_x", "sp_ydis"]],
                   {"axis": axis}, axis == 1),
                  (f"concatenate-sl-{axis}", "concatenate", [["sl_x", "sl_ydis"]],
                   {"axis": axis}, False),
                  (f"concatenate-mixed-{axis}", "concatenate", [["sp_x", "d_y"]],
                   {"axis": axis}, False),
                  (f"concatenate-dtypes-{axis}", "concatenate", [["sp_x_i32", "sp_ydis"]],
                   {"axis": axis}, False)]
    cases += [("matmul-sp-sp", "matmul", ["sp_m", "sp_n"], {}, True),
              ("matmul-sp-d", "matmul", ["sp_m", "d_m"], {}, True),
              ("matmul-d-sp", "matmul", ["d_k", "sp_n"], {}, False),
              ("matmul-sp-sp-i32", "matmul", ["sp_m_i32", "sp_n_i32"], {}, False),
              ("matmul-sp-sp-3d", "matmul", ["sp_b3m", "sp_b3n"], {}, False),
              ("matmul-sp-d-3d", "matmul", ["sp_b3m", "d_b3"], {}, False)]
    bins = np.array([0.1, 0.2, 1.0])
    cases += [("digitize-sp", "digitize", ["sp_x3"], {"bins": bins}, True),
              ("digitize-sl", "digitize", ["sl_x3"], {"bins": bins}, False),
              ("bincount-sp", "bincount", ["sp_ids_i32"], {}, False),
              ("bincount-sp-min", "bincount", ["sp_ids_i32"], {"minlength": 7}, False),
              ("bincount-sp-w", "bincount", ["sp_ids_i32", "sp_w"], {}, False),
              ("bincount-d-sparse", "bincount", ["d_ids1_i32"], {"sparse": True}, False),
              ("bincount-sp-row", "bincount", ["sp_idsrow_i32"], {"minlength": 3}, False),
              ("take-sp", "take", ["d_x3", "sp_idx_i32"], {"axis": 0}, True),
              ("take-sp-none", "take", ["d_x3", "sp_idx_i32"], {}, False)]
    cases += [("convert-sp", "convert_to_tensor", ["sp_x"], {}, False),
              ("convert-sp-sparse", "convert_to_tensor", ["sp_x"], {"sparse": True}, False),
              ("convert-sp-dense", "convert_to_tensor", ["sp_x"], {"sparse": False}, False),
              ("convert-sp-dtype", "convert_to_tensor", ["sp_x"], {"dtype": "int32"}, False),
              ("convert-sl", "convert_to_tensor", ["sl_x"], {}, False),
              ("cast-sp", "cast", ["sp_x"], {"dtype": "int32"}, True),
              ("cast-sl", "cast", ["sl_x"], {"dtype": "float16"}, False),
              ("cast-dup", "cast", ["sp_dup"], {"dtype": "bool"}, False),
              ("shape-sp", "shape", ["sp_x"], {}, False),
              ("ndim-sp", "ndim", ["sp_x3"], {}, False)]
    for dtype in (None, "int32", "bool"):
        cases += [(f"one_hot-{dtype}", "one_hot", ["d_ids1_i32"],
                   {"num_classes": 4, "sparse": True, "dtype": dtype}, dtype is None),
                  (f"one_hot-axis0-{dtype}", "one_hot", ["d_ids_i32"],
                   {"num_classes": 4, "axis": 0, "sparse": True, "dtype": dtype}, False),
                  (f"multi_hot-{dtype}", "multi_hot", ["d_ids_i32"],
                   {"num_classes": 4, "sparse": True, "dtype": dtype}, dtype is None),
                  (f"multi_hot-1d-{dtype}", "multi_hot", ["d_ids1_i32"],
                   {"num_classes": 4, "sparse": True, "dtype": dtype}, False)]
    cases += [("one_hot-axis1", "one_hot", ["d_ids_i32"],
               {"num_classes": 5, "axis": 1, "sparse": True}, False)]
    return cases


_JAX_CASES = _jax_cases()
#: (id, compiled) of every comparison
_JAX_RUNS = [(c, False) for c in _JAX_CASES] + [(c, True) for c in _JAX_CASES if c[4]]


def _jax_args(names):
    """The inputs of a case (a list of names is a list of inputs); a ``*_xy`` input shares
    the indices array of the ``*_x`` input beside it (built once, for both)."""
    if len(names) == 2 and all(isinstance(n, str) for n in names) and any(
            n.split("_")[1] == "xy" for n in names if n.count("_")):
        i = next(k for k, n in enumerate(names) if n.count("_") and n.split("_")[1] == "xy")
        y, x = _jax_input(names[i])
        return [y, x] if i == 0 else [x, y]
    out = []
    for n in names:
        out.append([_jax_input(m) for m in n] if isinstance(n, list) else _jax_input(n))
    return out


def _jax_describe(out):
    """(kind, dtype name, dense values) of a result: kind is sparse (a BCOO of sparse
    dimensions only), slices (a BCOO with dense dimensions), dense or tuple (a shape)."""
    from jax.experimental import sparse as jsp
    if isinstance(out, tuple | int):
        return ("tuple", None, [int(d) for d in (out if isinstance(out, tuple) else (out,))])
    if isinstance(out, jsp.JAXSparse):
        kind = "slices" if out.n_dense else "sparse"
        if out.dtype == bool:  # (jax's todense refuses bools: duplicates combine by or)
            return (kind, "bool", np.asarray(out.astype(np.int32).todense()) != 0)
        return (kind, np.dtype(out.dtype).name, np.asarray(out.todense()))
    return ("dense", np.dtype(out.dtype).name, np.asarray(out))


def _jax_run(f, names, kwargs, compiled: bool):
    """``f`` on a case's inputs (eager, or inside jax.jit: arrays and sparse arrays as
    arguments, Python scalars and keyword arguments as constants), described."""
    import jax
    args = _jax_args(names)
    if not compiled:
        return _jax_describe(f(*args, **kwargs))
    consts = {i: a for i, a in enumerate(args) if isinstance(a, int | float)}
    traced = [a for i, a in enumerate(args) if i not in consts]

    def body(*ts):
        it = iter(ts)
        return f(*[consts[i] if i in consts else next(it) for i in range(len(args))], **kwargs)
    return _jax_describe(jax.jit(body)(*traced))


def _jax_keras_results(path: str) -> None:
    """Keras's results on every case, eager and compiled (run in a subprocess with
    ``KERAS_BACKEND=jax``, see :func:`_keras_subprocess`)."""
    import keras
    assert keras.backend.backend() == "jax"
    out = {}
    for (cid, op, names, kwargs, _), compiled in _JAX_RUNS:
        try:
            out[cid, compiled] = _jax_run(getattr(keras.ops, op), names, kwargs, compiled)
        except Exception as e:  # noqa: BLE001  (a case Keras itself fails: left out)
            out[cid, compiled] = ("error", type(e).__name__, str(e)[:200])
    with open(path, "wb") as fh:
        pickle.dump(out, fh)


@pytest.fixture(scope="module")
def jax_keras():
    pytest.importorskip("jax")
    pytest.importorskip("keras")
    return _keras_subprocess("jax", "_jax_keras_results")


@pytest.mark.parametrize(("case", "compiled"), _JAX_RUNS,
                         ids=[f"{c[0]}-{'jit' if j else 'eager'}" for c, j in _JAX_RUNS])
def test_jax_sparse_as_keras(jax_keras, case, compiled):
    """crossops.ops on BCOO inputs gives Keras's kind of result (sparse, slices or dense),
    dtype and values, eager and under jax.jit."""
    cid, op, names, kwargs, _ = case
    theirs = jax_keras[cid, compiled]
    if theirs[0] == "error" and compiled and jax_keras[cid, False][0] != "error":
        theirs = jax_keras[cid, False]  # Keras fails under jax.jit (duplicates: nse): eager's
    if theirs[0] == "error":
        pytest.skip(f"keras.ops itself raises here: {theirs[1]}: {theirs[2]}")
    if cid in _JAX_OWN_DTYPE:
        theirs = (theirs[0], _JAX_OWN_DTYPE[cid], theirs[2])
    mine = _jax_run(getattr(ops, op), names, kwargs, compiled)
    _same(mine, theirs)


#: cases whose dtype deliberately differs from Keras 3.15.1's sparse path: crossops keeps
#: the dtype of the dense op (Keras's own dense bincount counts in int32; its sparse
#: bincount counts in one_hot's float32)
_JAX_OWN_DTYPE = {"bincount-sp": "int32", "bincount-sp-min": "int32",
                  "bincount-d-sparse": "int32", "bincount-sp-row": "int32"}


# -- jax: the edges, against NumPy on the dense values ----------------------------------------

def _jax_dense(x):
    return _jax_describe(x)[2]


def _jax_kind(x):
    return _jax_describe(x)[0]


def test_jax_sparse_keeps_stored_zeros():
    """An element-wise op maps the stored values only: a stored 0 stays stored."""
    jnp = pytest.importorskip("jax.numpy")
    from jax.experimental import sparse as jsp
    x = jsp.BCOO((jnp.array([0.0, -2.0]), jnp.array([[0, 0], [1, 2]])), shape=(2, 3))
    out = ops.abs(x)
    assert isinstance(out, jsp.BCOO)
    np.testing.assert_array_equal(np.asarray(out.indices), np.asarray(x.indices))
    np.testing.assert_array_equal(np.asarray(out.data), [0.0, 2.0])


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "jit"])
def test_jax_sparse_duplicate_indices(compiled):
    """A BCOO may repeat an index (its dense form sums them): ops that are not linear sum
    them first, eager and under jax.jit (where Keras 3.15.1 raises)."""
    jax = pytest.importorskip("jax")
    x = _jax_input("sp_dup")
    y = _jax_input("sp_ydis")
    dx, dy = _jax_dense(x), _jax_dense(y)
    run = jax.jit if compiled else (lambda f: f)
    checks = [
        (run(ops.sin)(x), np.sin(dx)),
        (run(ops.square)(x), np.square(dx)),
        (run(ops.maximum)(x, y), np.maximum(dx, dy)),
        (run(ops.minimum)(x, y), np.minimum(dx, dy)),
        (run(ops.multiply)(x, x), dx * dx),
        (run(lambda a: ops.cast(a, "bool"))(x), dx.astype(bool)),
        (run(lambda a: ops.sum(a, axis=1))(x), dx.sum(axis=1)),
    ]
    for out, expected in checks:
        assert _jax_kind(out) == "sparse"
        np.testing.assert_allclose(_jax_dense(out), expected.astype(_jax_dense(out).dtype),
                                   rtol=1e-6)


def test_jax_sparse_empty():
    """BCOO arrays without entries: results sparse and empty, a 0-d sum of 0."""
    jnp = pytest.importorskip("jax.numpy")
    from jax.experimental import sparse as jsp
    e = jsp.BCOO((jnp.zeros([0], jnp.int32), jnp.zeros([0, 2], jnp.int32)), shape=(2, 3))
    for out in (ops.add(e, e), ops.multiply(e, e), ops.negative(e), ops.sum(e, axis=0),
                ops.maximum(e, e), ops.transpose(e), ops.reshape(e, (3, 2))):
        assert isinstance(out, jsp.BCOO)
        assert not np.asarray(out.todense()).any()
    total = ops.sum(e)
    assert isinstance(total, jsp.BCOO) and total.shape == ()
    assert total.dtype == jnp.int32
    assert int(total.todense()) == 0
    assert crossops.to_numpy(total) == 0


def test_jax_sparse_dtypes_follow_dense_ops():
    """The values' dtype is the dense op's: crossops.numpy's promotion (int8 + float16 is
    float16, as NumPy), crossops.ops's Keras rules (int32 / int32 is float32, an int8 sum
    accumulates in int32), and half precision means sum in float32, rounded once."""
    jnp = pytest.importorskip("jax.numpy")
    from jax.experimental import sparse as jsp

    import crossops.numpy as xnp
    a = jsp.BCOO((jnp.array([3], jnp.int8), jnp.array([[0, 1]])), shape=(2, 2))
    b = jsp.BCOO((jnp.array([1.5], jnp.float16), jnp.array([[1, 1]])), shape=(2, 2))
    da, db = _jax_dense(a), _jax_dense(b)
    for f, ref in ((xnp.add, np.add), (xnp.multiply, np.multiply), (xnp.maximum, np.maximum)):
        out = f(a, b)
        assert isinstance(out, jsp.BCOO) and out.dtype == jnp.float16
        np.testing.assert_array_equal(_jax_dense(out), ref(da, db))
    c = jsp.BCOO((jnp.array([3, 4], jnp.int32), jnp.array([[0, 1], [1, 0]])), shape=(2, 2))
    assert ops.divide(c, c).dtype == jnp.float32
    assert xnp.sum(c).dtype == xnp.sum(jnp.asarray(_jax_dense(c))).dtype
    i8 = jsp.BCOO((jnp.array([100, 100], jnp.int8), jnp.array([[0, 1], [1, 1]])), shape=(2, 2))
    total = ops.sum(i8, axis=0)
    assert isinstance(total, jsp.BCOO) and total.dtype == jnp.int32  # Keras's accumulator
    np.testing.assert_array_equal(_jax_dense(total), [0, 200])
    scaled = ops.multiply(_jax_input("sp_x_i32"), 2.5)  # Keras: a Python float gives floatx
    assert _jax_kind(scaled) == "sparse" and scaled.dtype == jnp.float32  # (Keras raises)
    np.testing.assert_array_equal(_jax_dense(scaled), _jax_dense(_jax_input("sp_x_i32")) * 2.5)
    mixed = ops.concatenate([_jax_input("sp_x_i32"), _jax_input("sp_ydis")], axis=1)
    assert _jax_kind(mixed) == "sparse" and mixed.dtype == jnp.float32  # Keras raises
    np.testing.assert_array_equal(_jax_dense(mixed), np.concatenate(
        [_jax_dense(_jax_input("sp_x_i32")), _jax_dense(_jax_input("sp_ydis"))], axis=1))
    rows = ops.concatenate([_jax_input("sl_x"), _jax_input("sl_ydis")], axis=1)
    assert _jax_kind(rows) in ("sparse", "slices")  # along a dense dimension: Keras raises
    np.testing.assert_array_equal(_jax_dense(rows), np.concatenate(
        [_jax_dense(_jax_input("sl_x")), _jax_dense(_jax_input("sl_ydis"))], axis=1))
    x = _jax_input("sp_x3_f16")
    out = ops.mean(x, axis=-1)
    expected = _jax_dense(x).astype(np.float64).mean(axis=-1).astype(np.float16)
    assert out.dtype == jnp.float16
    # rounded once from float32 sums: within one float16 step of the exact mean
    assert (np.abs(_jax_dense(out).astype(np.float64) - expected)
            <= np.spacing(expected.astype(np.float16)).astype(np.float64)).all()


@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_jax_divide_by_zeros_and_nans(dtype):
    """A sparse dividend over a divisor with zeros or NaNs stays sparse with NumPy's values
    (0 / 0 is NaN): eager, under jax.jit (where Keras 3.15.1 leaves 0), and over a 0-d
    divisor of 0 (where Keras leaves 0 too)."""
    jax = pytest.importorskip("jax")
    suffix = "f32" if dtype == "float32" else "i32"
    x, y = _jax_input(f"sp_x_{suffix}"), _jax_input(f"d_zn_{suffix}")
    dx, dy = _jax_dense(x), np.asarray(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.divide(dx, dy).astype(np.float32)
        by_zero = np.divide(dx, np.zeros((), dtype)).astype(np.float32)
    for out in (ops.divide(x, y), jax.jit(ops.divide)(x, y)):
        assert _jax_kind(out) == "sparse"
        np.testing.assert_array_equal(_jax_dense(out), expected)
    out = ops.divide(x, jax.numpy.zeros((), dtype))
    assert _jax_kind(out) == "sparse"
    np.testing.assert_array_equal(_jax_dense(out), by_zero)


def test_jax_digitize_zero_outside_first_bin():
    """digitize keeps a BCOO sparse only where 0 falls in bin 0; otherwise its dense result
    is NumPy's (Keras 3.15.1 keeps it sparse, leaving bin 0 at the implicit zeros)."""
    jnp = pytest.importorskip("jax.numpy")
    from jax.experimental import sparse as jsp
    x = jsp.BCOO((jnp.array([0.5, 2.0]), jnp.array([[0], [2]])), shape=(4,))
    bins = np.array([-1.0, 1.0])
    out = ops.digitize(x, bins)
    assert _jax_kind(out) == "dense"
    np.testing.assert_array_equal(_jax_dense(out), np.digitize(_jax_dense(x), bins))
    out = ops.digitize(x, np.array([0.1, 1.0]))
    assert _jax_kind(out) == "sparse"
    np.testing.assert_array_equal(_jax_dense(out), np.digitize(_jax_dense(x), [0.1, 1.0]))


def test_jax_one_hot_multi_hot_sparse_ids_out_of_range():
    """one_hot / multi_hot with sparse=True: ids outside [0, num_classes) give no 1, as the
    dense forms (Keras 3.15.1's sparse multi_hot sets class 0 for a negative id)."""
    jnp = pytest.importorskip("jax.numpy")
    ids = jnp.array([0, 5, -1, 3], jnp.int32)
    out = ops.one_hot(ids, 4, sparse=True)
    assert _jax_kind(out) == "sparse"
    np.testing.assert_array_equal(_jax_dense(out), np.eye(4, dtype=np.float32)[[0, 0, 0, 3]]
                                  * [[1], [0], [0], [1]])
    rows = jnp.array([[1, 5, 3], [-1, 2, 2]], jnp.int32)
    multi = ops.multi_hot(rows, 4, sparse=True)
    assert _jax_kind(multi) == "sparse"
    np.testing.assert_array_equal(_jax_dense(multi), [[0, 1, 0, 1], [0, 0, 1, 0]])
    one = ops.multi_hot(jnp.array([1, -1], jnp.int32), 4, sparse=True, dtype="int32")
    np.testing.assert_array_equal(_jax_dense(one), np.array([0, 1, 0, 0], np.int32))


def test_jax_bincount_sparse_dtypes():
    """bincount with a sparse result keeps the dense op's dtypes: int32 counts, the
    weights' dtype with integer weights (Keras 3.15.1's sparse path gives float32)."""
    jnp = pytest.importorskip("jax.numpy")
    from jax.experimental import sparse as jsp
    ids = np.array([1, 1, 2, 3, 2, 4, 4, 6])
    weights = np.array([0, 0, 3, 2, 1, 1, 4, 2])
    idx = np.arange(1, 16, 2)[:, None]
    x = jsp.BCOO((jnp.asarray(ids, jnp.int32), jnp.asarray(idx)), shape=(16,))
    w = jsp.BCOO((jnp.asarray(weights, jnp.int32), x.indices), shape=(16,))
    out = ops.bincount(x, weights=w, minlength=3)
    assert _jax_kind(out) == "sparse" and out.dtype == jnp.int32
    np.testing.assert_array_equal(_jax_dense(out), np.bincount(ids, weights, minlength=3))
    out = ops.bincount(jnp.asarray(ids, jnp.int32), sparse=True)
    assert _jax_kind(out) == "sparse" and out.dtype == jnp.int32
    np.testing.assert_array_equal(_jax_dense(out), np.bincount(ids))
    with pytest.raises(ValueError):
        ops.bincount(x, weights=jnp.asarray(weights))
    # a 2-d sparse x counts per row, as the dense op (whatever its layout)
    grid = np.array([[1, 0, 2, 2], [0, 3, 0, 1]])
    for n_batch in (0, 1):
        rows = jsp.BCOO.fromdense(jnp.asarray(grid, jnp.int32), n_batch=n_batch)
        stored = [grid[i][grid[i] != 0] for i in range(2)]
        out = ops.bincount(rows, minlength=5)
        assert _jax_kind(out) == "sparse" and out.shape == (2, 5)
        np.testing.assert_array_equal(_jax_dense(out),
                                      [np.bincount(r, minlength=5) for r in stored])


def test_jax_sparse_shape_queries_do_not_densify():
    """shape, ndim, size and dtype read a BCOO's metadata (a dense form of this one would
    take 8 TB)."""
    jnp = pytest.importorskip("jax.numpy")
    from jax.experimental import sparse as jsp

    import crossops.numpy as xnp
    big = jsp.BCOO((jnp.array([1.0]), jnp.array([[5, 7]])), shape=(10**6, 2 * 10**6))
    assert ops.shape(big) == (10**6, 2 * 10**6) == xnp.shape(big)
    assert ops.ndim(big) == 2 and ops.size(big) == 2 * 10**12
    assert ops.dtype(big) == "float32" and ops.is_tensor(big)
    assert isinstance(ops.transpose(big), jsp.BCOO)
    assert crossops.to_numpy(ops.sum(ops.multiply(big, 2.0))) == 2.0


def test_tensorflow_sparse_shapes_must_match():
    """Sparse operands of two shapes are not aligned silently: the dense op's error."""
    tf = pytest.importorskip("tensorflow")
    a = tf.SparseTensor([[0]], [1.0], (4,))
    b = tf.SparseTensor([[0]], [1.0], (3,))
    for f in (ops.add, ops.multiply, ops.maximum):
        with pytest.raises(ValueError):
            f(a, b)


@pytest.mark.parametrize("framework", ["jax", "tensorflow"])
def test_sum_and_prod_with_initial_of_a_sparse_array(framework):
    """NumPy's ``initial=`` of ``sum``/``prod`` of a sparse array: the dense reduction's
    values (the initial value is added to the sparse sum as to a dense one)."""
    import crossops.numpy as xnp
    dense = np.array([[1.0, 0.0], [0.0, 2.0]], np.float32)
    if framework == "jax":
        import jax.numpy as jnp
        from jax.experimental import sparse
        x = sparse.BCOO.fromdense(jnp.asarray(dense))
    else:
        import tensorflow as tf
        x = tf.sparse.from_dense(dense)
    for axis in (None, 0, 1):
        np.testing.assert_array_equal(ops.convert_to_numpy(xnp.sum(x, axis=axis, initial=5.0)),
                                      np.sum(dense, axis=axis, initial=5.0))
        np.testing.assert_array_equal(
            ops.convert_to_numpy(xnp.prod(x, axis=axis, initial=2.0)),
            np.prod(dense, axis=axis, initial=2.0))
