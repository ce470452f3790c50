"""The eager fast paths of the TensorFlow backend (issue 19): kernels called directly for
eager tensors (expand_dims, squeeze, astype, sigmoid, where, take_along_axis, einsum) give
NumPy's values and dtypes, the general path's errors, gradients on a tape, and the same
results inside a tf.function."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

import crossops  # noqa: E402
import crossops.numpy as xnp  # noqa: E402
from crossops import nn  # noqa: E402
from crossops import ops as kops  # noqa: E402

RNG = np.random.default_rng(19)
X = RNG.standard_normal((3, 4)).astype(np.float32)
X[0, 0] = 0.0
J = RNG.integers(0, 4, (3, 5)).astype(np.int32)


def _same(got, want):
    assert isinstance(got, tf.Tensor)
    got = got.numpy()
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_expand_dims():
    for axis in [0, 1, 2, -1, -3]:
        _same(xnp.expand_dims(tf.constant(X), axis), np.expand_dims(X, axis))


def test_expand_dims_0d_and_empty():
    _same(xnp.expand_dims(tf.constant(np.float32(2.5)), 0), np.expand_dims(np.float32(2.5), 0))
    e = np.zeros((0, 2), np.int64)
    _same(xnp.expand_dims(tf.constant(e), -1), np.expand_dims(e, -1))


@pytest.mark.parametrize("axis", [3, -4])
def test_expand_dims_axis_out_of_range(axis):
    with pytest.raises(ValueError, match="expand_dims: axis"):
        xnp.expand_dims(tf.constant(X), axis)


@pytest.mark.parametrize("axis", [0, -3, 2])
def test_squeeze(axis):
    x = X.reshape(1, 12, 1)
    _same(xnp.squeeze(tf.constant(x), axis=axis), np.squeeze(x, axis=axis))


@pytest.mark.parametrize("axis", [1, 3])
def test_squeeze_errors(axis):
    with pytest.raises(ValueError, match="squeeze"):
        xnp.squeeze(tf.constant(X[None]), axis=axis)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64", "int32", "uint8", "bool",
                                   "float32"])
def test_astype(dtype):
    x = np.array([[0.0, -0.0, 1.5, -2.7], [255.9, 1e-30, 7.0, 3.2]], np.float32)
    got = xnp.astype(tf.constant(x), dtype)
    assert got.dtype.name == dtype
    want = x.astype(tf.as_dtype(dtype).as_numpy_dtype) if dtype != "uint8" else None
    if want is not None:
        np.testing.assert_array_equal(got.numpy(), want)
    else:  # (float to uint8 out of range: backend-specific; the values in range)
        np.testing.assert_array_equal(got.numpy()[0, 2], np.uint8(1))


def test_astype_from_bool_complex_and_copy():
    b = np.array([True, False])
    _same(xnp.astype(tf.constant(b), xnp.float32), b.astype(np.float32))
    c = np.array([1.5 + 2j, -1 - 1j], np.complex64)
    _same(xnp.astype(tf.constant(c), xnp.float32), c.real.astype(np.float32))
    x = tf.constant(X)
    assert xnp.astype(x, xnp.float32, copy=False) is x
    assert kops.cast(x, "float16").dtype == tf.float16


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_sigmoid(dtype):
    x = np.array([-800.0, -1.0, 0.0, 2.0, 30.0, np.nan], dtype)
    got = nn.sigmoid(tf.constant(x))
    assert got.dtype == tf.as_dtype(dtype)
    with np.errstate(over="ignore"):
        want = (1 / (1 + np.exp(-x.astype(np.float64)))).astype(dtype)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-3 if dtype is np.float16 else 1e-6)


def test_where_scalar_and_errors():
    c = X > 0
    _same(xnp.where(tf.constant(c), tf.constant(X), 0.0), np.where(c, X, np.float32(0.0)))
    _same(xnp.where(tf.constant(c), tf.constant(X), -0.0), np.where(c, X, np.float32(-0.0)))
    _same(xnp.where(tf.constant(c[:1]), tf.constant(X), tf.constant(-X)),
          np.where(c[:1], X, -X))
    with pytest.raises(ValueError, match="where"):
        xnp.where(tf.constant(c), tf.constant(X), tf.zeros((5,)))


@pytest.mark.parametrize("idx", [J, J - 4, J[:, :0]], ids=["plain", "negative", "empty"])
def test_take_along_axis(idx):
    _same(xnp.take_along_axis(tf.constant(X), tf.constant(idx), axis=1),
          np.take_along_axis(X, idx, 1))


def test_take_along_axis_edges():
    u = np.arange(12, dtype=np.uint32).reshape(3, 4)
    _same(xnp.take_along_axis(tf.constant(u), tf.constant(J), axis=-1),
          np.take_along_axis(u, J, -1))
    with pytest.raises(IndexError, match="take_along_axis"):
        xnp.take_along_axis(tf.constant(X), tf.constant(J + 4), axis=1)
    j64 = J[:1].astype(np.int64)  # broadcast rows: the general path
    _same(xnp.take_along_axis(tf.constant(X), tf.constant(j64), axis=1),
          np.take_along_axis(X, j64, 1))


@pytest.mark.parametrize("eq", ["ij,jk->ik", "ij,jk", "ij->ji", "ij,kj->", "...j,jk->...k",
                                "ij , jk->ik"])
def test_einsum(eq):
    y = RNG.standard_normal((4, 2)).astype(np.float32)
    ops = (X, y.T) if eq == "ij,kj->" else (X,) if eq == "ij->ji" else (X, y)
    got = xnp.einsum(eq, *map(tf.constant, ops))
    np.testing.assert_allclose(got.numpy(), np.einsum(eq.replace(" ", ""), *ops), rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("eq", ["ij,jk->ii", "ijk,jk->ik", "ij->"])
def test_einsum_errors(eq):
    with pytest.raises(ValueError, match="einsum"):
        xnp.einsum(eq, tf.constant(X), tf.constant(X.T))


def test_gradients_and_tf_function():
    x = tf.constant(X)

    def f(x):
        y = xnp.squeeze(xnp.expand_dims(x, 0), axis=0)
        y = nn.sigmoid(y) + xnp.where(x > 0, x, 0.0) + xnp.astype(xnp.astype(x, xnp.float64),
                                                                  xnp.float32)
        y = xnp.take_along_axis(y, tf.constant(J), axis=1)
        return xnp.sum(xnp.einsum("ij,ij->i", y, y))

    with tf.GradientTape() as tape:
        tape.watch(x)
        eager = f(x)
    grad = tape.gradient(eager, x)
    assert grad is not None and grad.shape == x.shape and np.isfinite(grad.numpy()).all()
    np.testing.assert_allclose(tf.function(f)(x).numpy(), eager.numpy(), rtol=1e-6)


@pytest.mark.parametrize("shape", [(-1,), (4, 3), (-1, 6), (2, -1, 2), (1, 12, 1)])
def test_reshape(shape):
    _same(xnp.reshape(tf.constant(X), shape), np.reshape(X, shape))


@pytest.mark.parametrize("shape", [(5, -1), (-1, -1), (-2, 6), (0, -1), (13,)])
def test_reshape_errors(shape):
    with pytest.raises(ValueError, match="reshape"):
        xnp.reshape(tf.constant(X), shape)


def test_reshape_empty_permute_broadcast_zeros():
    e = np.zeros((0, 3), np.float32)
    _same(xnp.reshape(tf.constant(e), (-1, 3)), e.reshape(-1, 3))
    _same(xnp.permute_dims(tf.constant(X), (1, 0)), X.T)
    _same(xnp.permute_dims(tf.constant(X), (-1, 0)), X.T)
    _same(xnp.broadcast_to(tf.constant(X[0]), (2, 3, 4)), np.broadcast_to(X[0], (2, 3, 4)))
    _same(xnp.broadcast_to(tf.constant(X), (0, 3, 4)), np.broadcast_to(X, (0, 3, 4)))
    with pytest.raises(ValueError, match="broadcast_to"):
        xnp.broadcast_to(tf.constant(X), (3, 5))
    with crossops.use_backend("tensorflow"):
        for shape, dtype in [((32, 32), None), ((), "int32"), ((0, 3), "bool"),
                             ((2,), "bfloat16"), ((2,), "float8_e4m3fn")]:
            z = xnp.zeros(shape, dtype=dtype)
            assert z.shape == shape and z.dtype.name == (dtype or "float32")
            assert not np.asarray(tf.cast(z, tf.float32)).any()
        with pytest.raises(ValueError, match="zeros"):
            xnp.zeros((-1, 2))


@pytest.mark.parametrize("op", ["max", "min", "mean"])
def test_reductions(op):
    x = X.copy()
    x[1, 2] = np.nan
    for axis, keepdims in [(0, False), (-1, True), (1, False), (None, False), ((0, 1), True)]:
        got = getattr(xnp, op)(tf.constant(x), axis=axis, keepdims=keepdims).numpy()
        want = getattr(np, op)(x, axis=axis, keepdims=keepdims)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-6, equal_nan=True)


def test_reduction_edges():
    _same(xnp.max(tf.constant(np.zeros((0, 3), np.int32)), axis=1), np.zeros(0, np.int32))
    with pytest.raises(ValueError, match="zero-size reduction"):
        xnp.min(tf.constant(np.zeros((2, 0), np.float32)), axis=1)
    with pytest.raises(ValueError, match="axis 2"):
        xnp.max(tf.constant(X), axis=2)
    _same(xnp.max(tf.constant([[True, False]]), axis=1), np.array([True]))
    assert xnp.mean(tf.constant([[1, 2]]), axis=1).dtype == tf.float64


def test_real_binary():
    x = np.array([1.0, -0.0, np.nan, 3.0, 2.0], np.float32)
    y = np.array([0.0, 0.0, 1.0, np.nan, 2.0], np.float32)
    b = np.array([True, False])
    for op in ["maximum", "minimum", "greater", "greater_equal", "less", "less_equal"]:
        got = getattr(xnp, op)(tf.constant(x), tf.constant(y)).numpy()
        want = getattr(np, op)(x, y)
        assert got.dtype == want.dtype, op
        np.testing.assert_array_equal(got, want, err_msg=op)
        _same(getattr(xnp, op)(tf.constant(b), tf.constant(b[::-1])), getattr(np, op)(b, b[::-1]))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64])
def test_unary_kernels(dtype):
    x = np.array([0.5, -0.25, 2.0, 0.0], dtype)
    for op in ["exp", "tanh", "sqrt", "sin", "cos", "tan", "reciprocal", "acos", "asinh",
               "square"]:
        with np.errstate(all="ignore"):
            want = getattr(np, op)(x)
        got = getattr(xnp, op)(tf.constant(x)).numpy()
        assert got.dtype == want.dtype, op
        np.testing.assert_allclose(got, want, rtol=2e-3 if dtype is np.float16 else 1e-5,
                                   equal_nan=True, err_msg=op)


def test_relu_and_more_gradients():
    xv = np.array([-1.0, -0.0, 2.0, np.nan, 0.5], np.float32)
    x = tf.constant(xv)
    _same(nn.relu(x), np.maximum(xv, np.float32(0)))
    assert nn.relu(tf.constant([True])).dtype == tf.int32
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = xnp.sum(nn.relu(x) + xnp.exp(x) + xnp.maximum(x, x * 2) + xnp.reshape(x, (5, 1))[:, 0])
        y = y + xnp.max(xnp.broadcast_to(x, (2, 5)), axis=0)[2] + xnp.mean(xnp.expand_dims(x, 0),
                                                                         axis=-1)[0]
    grad = tape.gradient(y, x).numpy()
    assert grad.shape == (5,) and np.isfinite(grad[[0, 2, 4]]).all()


def test_band_split_roll_tile_eye_kernels():
    # triu/tril through MatrixBandPart (NaN kept exact), eye through OneHot, split through
    # Split/SplitV, roll, tile, moveaxis, any/all, isnan and the logical kernels: NumPy's
    # values, dtypes and errors, eagerly and in a tf.function, and gradients on a tape
    x = X.copy()
    x[2, 0] = np.nan
    b = x > 0
    for k in (-9, -2, -1, 0, 1, 3, 9):
        for a in (x, b, x[0], np.zeros((0, 2), np.float32), np.stack([x, x])):
            _same(xnp.triu(tf.constant(a), k=k), np.triu(a, k=k))
            _same(xnp.tril(tf.constant(a), k=k), np.tril(a, k=k))
        if k in (-2, 1):
            _same(tf.function(lambda t, k=k: xnp.triu(t, k=k))(tf.constant(x)), np.triu(x, k=k))
        for n, m in ((3, None), (2, 4), (0, 3)):
            _same(xnp.eye(n, m, k=k, like=tf.constant(x)), np.eye(n, m, k=k, dtype=np.float32))
    with crossops.use_backend("tensorflow"):
        _same(xnp.eye(3, dtype="bool"), np.eye(3, dtype=bool))
        _same(tf.function(lambda: xnp.eye(2, 3, k=1, dtype="uint8"))(),
              np.eye(2, 3, k=1, dtype=np.uint8))
    for fn, sections, axis in (("split", 2, 1), ("split", 3, -2), ("array_split", 3, 1)):
        got = getattr(xnp, fn)(tf.constant(x), sections, axis=axis)
        want = getattr(np, fn)(x, sections, axis=axis)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g.numpy(), w)
    with pytest.raises(ValueError, match="split"):
        xnp.split(tf.constant(x), 3, axis=1)
    with pytest.raises(ValueError, match="axis 2"):
        xnp.split(tf.constant(x), 2, axis=2)
    for shift, axis in ((1, 0), (-5, -1), (7, 1)):
        _same(xnp.roll(tf.constant(x), shift, axis=axis), np.roll(x, shift, axis=axis))
    _same(xnp.roll(tf.constant(np.zeros((0, 2), np.int8)), 1, axis=0), np.zeros((0, 2), np.int8))
    with pytest.raises(ValueError, match="axis 2"):
        xnp.roll(tf.constant(x), 1, axis=2)
    _same(xnp.tile(tf.constant(b), (2, 0)), np.tile(b, (2, 0)))
    _same(xnp.moveaxis(tf.constant(x[None]), 0, -1), np.moveaxis(x[None], 0, -1))
    for axis, keepdims in ((None, False), (0, True), (-1, False)):
        _same(xnp.any(tf.constant(b), axis=axis, keepdims=keepdims),
              np.any(b, axis=axis, keepdims=keepdims))
        _same(xnp.all(tf.constant(b), axis=axis, keepdims=keepdims),
              np.all(b, axis=axis, keepdims=keepdims))
    _same(xnp.all(tf.constant(np.zeros((0, 2), bool)), axis=0), np.ones(2, bool))
    _same(xnp.isnan(tf.constant(x.astype(np.float16))), np.isnan(x))
    _same(xnp.logical_and(tf.constant(b), tf.constant(b[::-1])), b & b[::-1])
    _same(xnp.logical_not(tf.constant(b)), ~b)
    t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = xnp.sum(xnp.triu(t)) + xnp.sum(xnp.roll(t, 1, axis=1)) + xnp.sum(
            xnp.split(t, 2, axis=1)[0] * 3.0)
    want = np.triu(np.ones_like(x)) + 1
    want[:, :2] += 3
    np.testing.assert_array_equal(tape.gradient(y, t).numpy(), want)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_the_nan_and_inf_check_of_host_buffers(dtype):
    """``buffer_below_inf`` (the eager softmax's check for NaN and +inf rows): True exactly
    where the buffer holds no NaN and no +inf, also where the sum of squares it tries
    first is not finite for other reasons (-inf, a value whose square overflows)."""
    from crossops.backends.tensorflow._compute import buffer_below_inf

    big = float(np.finfo(dtype).max)
    cases = [[], [0.0, -0.0], [1.0, -np.inf], [-np.inf] * 3, [big, -big], [np.nan],
             [1.0, np.inf], [np.inf, -np.inf], [np.finfo(dtype).tiny, 2.0]]
    for values in cases:
        for shape in ((-1,), (1, -1)):
            h = np.array(values, dtype).reshape(shape)
            want = not (np.isnan(h).any() or (h == np.inf).any())
            got = buffer_below_inf(h)
            assert isinstance(got, (bool, np.bool_)) and bool(got) == want, (values, shape)
