"""Sparse arrays in ``crossops.ops``, compared with ``keras.ops`` (Keras 3.15.1) on the same
inputs (issue 12: "accept sparse inputs wherever keras.ops accepts them"): the values, the
dtype, and whether the result is sparse, eager and compiled.

The inputs come from one table, built as each backend's sparse arrays; then one section per
backend, each with its own test functions (named after the backend).
Keras reads ``KERAS_BACKEND`` once, when it is imported: each section computes Keras's
results in a subprocess started with that backend's ``KERAS_BACKEND``, once per session.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import crossops
from crossops import ops

from .backends import keras_subprocess


def _keras_subprocess(backend: str, entry: str) -> dict:
    """Run ``tests.test_sparse.<entry>(path)`` in a fresh Python with ``KERAS_BACKEND``
    set to ``backend`` (see :func:`tests.backends.keras_subprocess`)."""
    return keras_subprocess(backend, "tests.test_sparse", entry)


# == the inputs: one table, built as each backend's sparse arrays ============================
#
# An input is named ``<kind>_<key>[_<dtype>]``: ``sp_*`` a sparse array, every dimension
# sparse (a tf.SparseTensor, a BCOO), ``sl_*`` sparse rows (tf.IndexedSlices; on jax a BCOO
# with a dense last dimension, Keras's "indexed slices" there), ``d_*`` a dense array,
# ``s_*`` a 0-d array, ``py_*`` a Python scalar; a suffix (``_i32`` ...) names the dtype,
# float32 without one. Each backend adds inputs of its own (ragged tensors, duplicate
# indices, batched BCOO), and builds ``*_xy``: y's values at the very indices of ``*_x``.

_X = np.array([[1.0, 0.5, -0.7], [0.9, 0.2, -1.0]])
_Y = np.array([[4.0, 5.0, 6.0], [3.0, 2.0, 1.0]])
_X3 = np.random.default_rng(0).random((4, 2, 3))
_SUFFIXES = {"i32": "int32", "f32": "float32", "f64": "float64", "f16": "float16",
             "i8": "int8", "c64": "complex64", "bool": "bool"}
_EVERY_OTHER = [[0, 0], [0, 2], [1, 1]]
_IDS_AT = [[0], [1], [2], [4], [5]]
#: ``sp_<key>``: (dense values, the indices stored)
_SPARSE = {
    # x's entries at every other position (one stored zero: 0.0 at (0, 2))
    "x": (_X * [[1, 1, 0], [1, 1, 1]], _EVERY_OTHER),
    "ydis": (_Y, [[0, 1], [1, 0], [1, 2]]),  # disjoint from sp_x
    "ysup": (_Y, [[i, j] for i in range(2) for j in range(3)]),
    "ysub": (_Y, [[0, 0]]),
    "empty": (np.zeros((2, 3)), []),
    "c": (_X * (1 + 1j), _EVERY_OTHER),
    "x3": (_X3, np.argwhere(_X3 > 0.4)),
    "x11": (_X[:, None, :], [[0, 0, 0], [1, 0, 2]]),
    # not in row-major order (TensorFlow's are put in that order: its kernels assume it)
    "m": (np.arange(15.0).reshape(5, 3) % 4, [[0, 1], [2, 2], [4, 0], [3, 1]]),
    "n": (np.arange(12.0).reshape(3, 4) % 3, [[0, 0], [1, 3], [2, 1]]),
    "ids": ([0, 3, 1, 0, 3, 3], _IDS_AT),
    "w": ([0.5, 2.0, 1.0, 0.0, 3.0, 1.5], _IDS_AT),
    "idx": ([[-1, 0, 0], [0, 0, 2]], [[0, 0], [1, 2]]),
}
#: ``sl_<key>``: (dense values, the rows stored)
_ROWS = {"x": (_X, [0]), "ydis": (_Y, [1]), "ysup": (_Y, [0, 1]), "x3": (_X3, [0, 2])}
#: ``d_<key>`` and ``s_<key>``: the values (NaN is 0 in an integer dtype)
_DENSE = {
    "y": _Y,
    "x3": _X3 * 4,
    "t": np.arange(60.0).reshape(3, 4, 5) - 30,
    "m": np.arange(12.0).reshape(3, 4) - 5,
    "k": np.arange(15.0).reshape(5, 3) - 7,
    "b3": np.arange(24.0).reshape(2, 3, 4) - 9,
    "zn": [[np.nan, np.nan, 3], [0, 0, 1]],
    "ids": [[0, 2, 2], [1, 3, 0]],
    "ids1": [0, 2, 1, 3],
    "w1": [0.5, 1.0, 2.0, -1.0],
    "2": 2,
}
_PY = {"py_2": 2, "py_2.5": 2.5}
#: the ops compared on sparse inputs of every backend (TensorFlow's also ``fabs``)
_ELEMENTWISE = ["abs", "absolute", "arcsin", "arcsinh", "arctan", "arctanh", "ceil", "conj",
                "conjugate", "copy", "expm1", "floor", "imag", "log1p", "negative", "real",
                "round", "sign", "sin", "sinh", "sqrt", "square", "tan", "tanh"]
_DENSIFYING = ["arccos", "arccosh", "cos", "cosh", "exp", "exp2", "isfinite", "log", "log10",
               "log2", "reciprocal"]
_BINARY = ["add", "subtract", "maximum", "minimum", "multiply", "divide", "true_divide"]
#: the operands of the binary ops
_PAIRS = [("sp_x", "d_y"), ("d_y", "sp_x"), ("sp_x", "s_2"), ("s_2", "sp_x"),
          ("sp_x", "sp_xy"), ("sp_x", "sp_ydis"), ("sp_x", "sp_ysup"), ("sp_ysub", "sp_x"),
          ("sp_empty", "sp_x"), ("sl_x", "d_y"), ("d_y", "sl_x"), ("sl_x", "s_2"),
          ("sl_x", "sl_xy"), ("sl_x", "sl_ydis"), ("sl_x", "sl_ysup")]
#: the reductions' axes on 3-d inputs, by tag
_AXES = {"none": None, "0": 0, "1": 1, "01": (0, 1), "12": (1, 2), "all": (0, 1, 2),
         "empty": ()}


def _parse(name: str) -> tuple[str, str, str]:
    """(kind, key, dtype name) of an input's name."""
    kind, _, rest = name.partition("_")
    key, _, suffix = rest.rpartition("_")
    if key and suffix in _SUFFIXES:
        return kind, key, _SUFFIXES[suffix]
    return kind, rest, "float32"


def _as(values, dtype: str) -> np.ndarray:
    """NumPy ``values`` in ``dtype`` (NaN as 0 in integer and boolean dtypes)."""
    values = np.asarray(values)
    if np.dtype(dtype).kind in "iub":
        values = np.nan_to_num(values, nan=0.0)
    return values.astype(dtype)


def _from_dense(dense, where, dtype: str, sparse):
    """``sparse(values, indices, shape)`` of the entries of ``dense`` at ``where``."""
    dense = _as(dense, dtype)
    idx = np.asarray(where, np.int64).reshape(-1, dense.ndim)
    return sparse(dense[tuple(idx.T)], idx, dense.shape)


def _build(name: str, sparse, rows, dense):
    """The input called ``name`` from the tables above, made by a backend's
    ``sparse(values, indices, shape)``, ``rows(values, rows, shape)`` and
    ``dense(values)``."""
    if name in _PY:
        return _PY[name]
    kind, key, dtype = _parse(name)
    if kind == "sp":
        return _from_dense(*_SPARSE[key], dtype, sparse)
    if kind == "sl":
        values, which = _ROWS[key]
        values = _as(values, dtype)
        return rows(values[which], np.asarray(which, np.int64), values.shape)
    return dense(_as(_DENSE[key], dtype))


def _args(names, make):
    """The inputs of a case, each by ``make(name)`` (a list of names is a list of inputs);
    a ``*_xy`` input shares the indices of the ``*_x`` input beside it (built once, for
    both: ``make`` gives the two)."""
    if len(names) == 2 and all(isinstance(n, str) for n in names) and any(
            _parse(n)[1] == "xy" for n in names):
        i = next(k for k, n in enumerate(names) if _parse(n)[1] == "xy")
        y, x = make(names[i])
        return [y, x] if i == 0 else [x, y]
    return [[make(m) for m in n] if isinstance(n, list) else make(n) for n in names]


# == tensorflow: tf.SparseTensor, tf.IndexedSlices, tf.RaggedTensor ==========================

def _tf_input(name: str):
    """The input called ``name`` as TensorFlow's, built afresh (the same in both
    processes): ``sp_*`` tf.SparseTensor (indices in row-major order), ``sl_*``
    tf.IndexedSlices, ``rg_*`` tf.RaggedTensor."""
    import tensorflow as tf

    def sparse(values, idx, shape):
        order = np.lexsort(idx.T[::-1])
        return tf.SparseTensor(idx[order], tf.constant(values[order]), shape)

    def rows(values, which, shape):
        return tf.IndexedSlices(tf.constant(values), tf.constant(which),
                                tf.constant(shape, tf.int64))

    kind, key, dtype = _parse(name)
    if key == "xy":  # y's values at x's very indices tensor, and x
        x = _tf_input(name.replace("_xy", "_x", 1))
        at = x.indices.numpy()
        y = _as(_Y, dtype)
        if kind == "sp":
            return tf.SparseTensor(x.indices, tf.constant(y[tuple(at.T)]), x.dense_shape), x
        return tf.IndexedSlices(tf.constant(y[at]), x.indices, x.dense_shape), x
    own = {
        "sp_b3m": lambda d: _from_dense(np.ones((2, 5, 3)), [[0, 1, 2], [1, 0, 1], [1, 4, 0]],
                                        d, sparse),
        "sp_b3n": lambda d: _from_dense(np.ones((2, 3, 4)) * 2,
                                        [[0, 1, 1], [0, 2, 3], [1, 0, 0]], d, sparse),
        "sl_dup": lambda d: tf.IndexedSlices(tf.constant(_X[[0, 0, 1]], d),
                                             tf.constant([1, 1, 0], tf.int64),
                                             tf.constant([3, 3], tf.int64)),
        "rg_idx": lambda d: tf.ragged.constant([[2], [0, -1, 1]], dtype=tf.int64),
        "rg_x": lambda d: tf.ragged.constant([[3.0, -1.0, 4.0, 1.0], [], [5.0, -9.0]],
                                             dtype=d),
    }
    if f"{kind}_{key}" in own:
        return own[f"{kind}_{key}"](dtype)
    return _build(name, sparse, rows, tf.constant)


def _tf_cases() -> list[tuple]:
    """(id, op, input names, keyword arguments) of every case compared with Keras."""
    cases = []
    for op in _ELEMENTWISE + ["fabs"]:
        ins = ["sp_x", "sl_x", "sp_x_i32", "sp_empty", "rg_x"]
        if op in ("conj", "conjugate", "imag", "real"):
            ins = ["sp_c_c64", "sl_x", "sp_x_i32"]
        cases += [(f"{op}-{i}", op, [i], {}) for i in ins]
    for op in _DENSIFYING:
        cases += [(f"{op}-{i}", op, [i], {}) for i in ("sp_x", "sl_x")]
    for op in _BINARY:
        for dtype in ("f32", "i32"):
            for a, b in _PAIRS:
                cases.append((f"{op}-{a}-{b}-{dtype}", op, [f"{a}_{dtype}", f"{b}_{dtype}"], {}))
        cases.append((f"{op}-sp_x-py_2", op, ["sp_x", "py_2"], {}))
        cases.append((f"{op}-sp_x_i32-py_2", op, ["sp_x_i32", "py_2"], {}))
    for dtype in ("f32", "i32"):
        for kind in ("sp", "sl"):
            cases.append((f"divide-zeros-nans-{kind}-{dtype}", "divide",
                          [f"{kind}_x_{dtype}", f"d_zn_{dtype}"], {}))
    for tag, axis in _AXES.items():
        for keepdims in (False, True):
            kw = {"axis": axis, "keepdims": keepdims}
            cases.append((f"sum-{tag}-{keepdims}", "sum", ["sp_x3"], kw))
            cases.append((f"sum-sl-{tag}-{keepdims}", "sum", ["sl_x3"], kw))
            cases.append((f"mean-sl-{tag}-{keepdims}", "mean", ["sl_x3"], kw))
    cases += [("sum-i8", "sum", ["sp_x3_i8"], {"axis": 0}),
              ("sum-i32", "sum", ["sp_x3_i32"], {"axis": 1}),
              ("sum-bool", "sum", ["sp_x3_bool"], {"axis": 0}),
              ("sum-empty-0d", "sum", ["sp_empty"], {}),
              ("mean-sl-f32-1", "mean", ["sl_x3"], {"axis": -1})]
    cases += [(f"expand_dims-{a}", "expand_dims", ["sp_x"], {"axis": a}) for a in (0, 1, -2, 2)]
    cases += [(f"reshape-{i}", "reshape", ["sp_x3"], {"newshape": s})
              for i, s in enumerate([(4, 3, 2), (4, 3, -1), (4, 6), (24,)])]
    cases += [("squeeze-none", "squeeze", ["sp_x11"], {}),
              ("squeeze-1", "squeeze", ["sp_x11"], {"axis": 1}),
              ("squeeze-m2", "squeeze", ["sp_x11"], {"axis": -2}),
              ("squeeze-noop", "squeeze", ["sp_x"], {}),
              ("transpose-none", "transpose", ["sp_x3"], {}),
              ("transpose-axes", "transpose", ["sp_x3"], {"axes": (0, 2, 1)}),
              ("transpose-2d", "transpose", ["sp_x"], {})]
    for axis in (0, 1):
        cases += [(f"concatenate-st-{axis}", "concatenate", [["sp_x", "sp_ydis"]], {"axis": axis}),
                  (f"concatenate-mixed-{axis}", "concatenate", [["sp_x", "d_y"]], {"axis": axis}),
                  (f"concatenate-dtypes-{axis}", "concatenate", [["sp_x_i32", "sp_ydis"]],
                   {"axis": axis})]
    cases += [("matmul-st-st", "matmul", ["sp_m", "sp_n"], {}),
              ("matmul-st-d", "matmul", ["sp_m", "d_m"], {}),
              ("matmul-d-st", "matmul", ["d_k", "sp_n"], {}),
              ("matmul-st-st-f64", "matmul", ["sp_m_f64", "sp_n_f64"], {}),
              ("matmul-st-st-3d", "matmul", ["sp_b3m", "sp_b3n"], {}),
              ("matmul-st-d-i32", "matmul", ["sp_m_i32", "d_m_i32"], {})]
    cases += [("digitize-st", "digitize", ["sp_x3"], {"bins": [0.1, 0.2, 1.0]}),
              ("digitize-sl", "digitize", ["sl_x3"], {"bins": [0.1, 0.2, 1.0]}),
              ("digitize-rg", "digitize", ["rg_x"], {"bins": [0.1, 0.2, 1.0]}),
              ("bincount-st", "bincount", ["sp_ids_i32"], {}),
              ("bincount-st-min", "bincount", ["sp_ids_i32"], {"minlength": 7}),
              ("bincount-st-w", "bincount", ["sp_ids_i32", "sp_w"], {}),
              ("bincount-dense-sparse", "bincount", ["d_ids1_i32"], {"sparse": True}),
              ("bincount-dense2d-sparse", "bincount", ["d_ids_i32"],
               {"sparse": True, "minlength": 5}),
              ("bincount-dense-sparse-w", "bincount", ["d_ids1_i32", "d_w1"], {"sparse": True}),
              ("add-rg-rg", "add", ["rg_x", "rg_x"], {}),
              ("multiply-rg-py", "multiply", ["rg_x", "py_2.5"], {}),
              ("subtract-rg-s", "subtract", ["rg_x", "s_2"], {}),
              ("take-st", "take", ["d_t", "sp_idx_i32"], {"axis": 0}),
              ("take-st-1", "take", ["d_t", "sp_idx_i32"], {"axis": 1})]
    cases += [(f"take-rg-{a}", "take", ["d_t", "rg_idx"], {"axis": a}) for a in (None, 0, 1, -1)]
    cases += [("convert-st", "convert_to_tensor", ["sp_x"], {}),
              ("convert-st-sparse", "convert_to_tensor", ["sp_x"], {"sparse": True}),
              ("convert-st-dense", "convert_to_tensor", ["sp_x"], {"sparse": False}),
              ("convert-st-dtype", "convert_to_tensor", ["sp_x"], {"dtype": "int32"}),
              ("convert-sl", "convert_to_tensor", ["sl_x"], {}),
              ("convert-rg", "convert_to_tensor", ["rg_x"], {}),
              ("convert-rg-dense", "convert_to_tensor", ["rg_x"], {"ragged": False}),
              ("cast-st", "cast", ["sp_x"], {"dtype": "int32"}),
              ("cast-sl", "cast", ["sl_x"], {"dtype": "float16"}),
              ("shape-st", "shape", ["sp_x"], {}),
              ("shape-rg", "shape", ["rg_x"], {}),
              ("ndim-rg", "ndim", ["rg_x"], {}),
              ("ndim-st", "ndim", ["sp_x3"], {})]
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


def _tf_dense_args(names):
    """A case's inputs with every sparse or ragged one made dense (zeros where missing)."""
    import tensorflow as tf

    def dense(a):
        if isinstance(a, list):
            return [dense(b) for b in a]
        if isinstance(a, tf.SparseTensor | tf.IndexedSlices | tf.RaggedTensor):
            return tf.constant(_tf_describe(a)[2])
        return a
    return [dense(a) for a in _args(names, _tf_input)]


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
    args = _args(names, _tf_input)
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

def _jax_input(name: str):
    """The input called ``name`` as jax's, built afresh (the same in both processes):
    ``sp_*`` a BCOO of sparse dimensions only, ``sl_*`` a BCOO of rows (a dense last
    dimension)."""
    import jax.numpy as jnp
    from jax.experimental import sparse as jsp

    def sparse(values, idx, shape):
        return jsp.BCOO((jnp.asarray(values), jnp.asarray(idx, np.int32)), shape=shape)

    def rows(values, which, shape):
        return jsp.BCOO((jnp.asarray(values), jnp.asarray(which, np.int32)[:, None]),
                        shape=shape)

    def fromdense(dense, dtype, n_batch=0):
        return jsp.BCOO.fromdense(jnp.asarray(dense, dtype), n_batch=n_batch)

    kind, key, dtype = _parse(name)
    if key == "xy":  # y's values at x's very indices array, and x
        x = _jax_input(name.replace("_xy", "_x", 1))
        y = _as(_Y, dtype)[tuple(np.asarray(x.indices).T)]
        return jsp.BCOO((jnp.asarray(y), x.indices), shape=x.shape), x
    own = {
        # duplicate indices: (0, 0) twice (its dense value is their sum)
        "sp_dup": lambda d: jsp.BCOO((jnp.asarray([0.25, 0.5, -0.75], d),
                                      jnp.asarray([[0, 0], [1, 2], [0, 0]], np.int32)),
                                     shape=(2, 3)),
        "sp_b3m": lambda d: fromdense(np.arange(30.0).reshape(2, 5, 3) % 3, d, n_batch=1),
        "sp_b3n": lambda d: fromdense(np.arange(24.0).reshape(2, 3, 4) % 5 - 2, d, n_batch=1),
        # a row of ids, as Keras's expand_dims makes it (its new dimension a batch one)
        "sp_idsrow": lambda d: jsp.bcoo_broadcast_in_dim(
            _jax_input(name.replace("sp_idsrow", "sp_ids")), shape=(1, 6),
            broadcast_dimensions=(1,)),
    }
    if f"{kind}_{key}" in own:
        return own[f"{kind}_{key}"](dtype)
    return _build(name, sparse, rows, jnp.asarray)


#: element-wise ops also compared on int32, empty, duplicate-index and row (slices) inputs
_JAX_ELEMENTWISE_EDGES = ["abs", "sin", "sqrt", "round", "negative", "square", "floor"]
_JAX_PAIRS = _PAIRS + [("sp_dup", "sp_ydis")]
#: the pairs also compared in int32, and compiled (float32)
_JAX_PAIRS_I32 = [("sp_x", "d_y"), ("sp_x", "s_2"), ("sp_x", "sp_ydis"), ("sp_x", "sp_xy")]
_JAX_PAIRS_JIT = [("sp_x", "d_y"), ("s_2", "sp_x"), ("sp_x", "sp_ydis"), ("sp_dup", "sp_ydis"),
                  ("sl_x", "sl_ydis")]


def _jax_cases() -> list[tuple]:
    """(id, op, input names, keyword arguments, compiled) of every case compared with
    Keras: eager, and also under jax.jit where ``compiled``."""
    cases = []
    for op in _ELEMENTWISE:
        ins = ["sp_x"]
        if op in _JAX_ELEMENTWISE_EDGES:
            ins += ["sl_x", "sp_x_i32", "sp_empty", "sp_dup"]
        if op in ("conj", "conjugate", "imag", "real"):
            ins = ["sp_c_c64", "sl_x"]
        cases += [(f"{op}-{i}", op, [i], {}, i in ("sp_x", "sp_dup")) for i in ins]
    for op in _DENSIFYING:
        ins = ["sp_x", "sl_x", "sp_dup"] if op in ("exp", "cos") else ["sp_x"]
        cases += [(f"{op}-{i}", op, [i], {}, op == "exp") for i in ins]
    for op in _BINARY:
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
    for tag, axis in _AXES.items():
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
    args = _args(names, _jax_input)
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
