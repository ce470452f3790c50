"""The two helpers of one concern each (tests/test_layering.py keeps them the only ones):

- a size unknown while ``tf.function`` traces (a None axis) is read by the TF helper set's
  ``shape_list`` / ``dim``: the ops that read sizes give NumPy's values traced with an
  unknown axis, as eagerly (associative_scan's: tests/test_core.py); a shape's static sizes
  as ints or None are ``crossops._shapes.static_dims``'s;
- a ``jax.jit`` with static arguments is ``backends/jax/_jit.py``'s ``jitted``: static
  arguments by position or keyword, lists as tuples, one compilation per static value,
  an unhashable value run eagerly; the ops built on it (std, argmax, one_hot, the random
  programs) keep their values.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossops.core as core
import crossops.numpy as xnp
from crossops import ops

RNG = np.random.default_rng(0)
A = RNG.standard_normal((4, 3)).astype(np.float32)

#: name -> (the op on an array of shape (n, 3), NumPy's result for A)
_SIZED = {
    "mean": (lambda x: xnp.mean(x, axis=0), np.mean(A, axis=0)),
    "var": (lambda x: xnp.var(x, axis=0), np.var(A, axis=0)),
    "take": (lambda x: xnp.take(x, -1, axis=0), np.take(A, -1, axis=0)),
    "irfft": (lambda x: xnp.fft.irfft(xnp.astype(x, "complex64"), axis=0),
              np.fft.irfft(A.astype(np.complex64), axis=0)),
    "matmul": (lambda x: xnp.matmul(x, xnp.ones_like(x[:3, :2])), A @ np.ones((3, 2))),
    "matrix_rank": (lambda x: xnp.linalg.matrix_rank(x), np.linalg.matrix_rank(A)),
    "pinv": (lambda x: xnp.linalg.pinv(x), np.linalg.pinv(A)),
    "shape": (lambda x: xnp.stack(core.shape(x)), np.array(A.shape)),
    "view": (lambda x: xnp.view(x, "uint8"), A.view(np.uint8)),
    "view_wider": (lambda x: xnp.view(x[:, :2], "float64"), A[:, :2].copy().view(np.float64)),
    "broadcast_arrays": (lambda x: xnp.broadcast_arrays(x[:, :1], x[:1])[0],
                         np.broadcast_arrays(A[:, :1], A[:1])[0]),
}


@pytest.mark.parametrize("name", sorted(_SIZED))
def test_tensorflow_sizes_unknown_when_traced(name):
    tf = pytest.importorskip("tensorflow")
    f, expected = _SIZED[name]
    spec = [tf.TensorSpec([None, 3], tf.float32)]
    traced = tf.function(f, input_signature=spec, autograph=False)
    graph = traced.get_concrete_function()
    assert graph.inputs[0].shape.as_list() == [None, 3]
    for out in (f(tf.constant(A)), traced(tf.constant(A))):
        np.testing.assert_allclose(np.asarray(out), expected, rtol=2e-5, atol=2e-5)


def test_tensorflow_shape_helpers_read_static_sizes_as_ints():
    tf = pytest.importorskip("tensorflow")
    from crossops.backends.tensorflow.array_api._helpers import dim, shape_list
    x = tf.constant(A)
    assert shape_list(x) == [4, 3] and dim(x, -1) == 3 and type(dim(x, 0)) is int

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)], autograph=False)
    def f(x):
        n, m = shape_list(x)
        assert m == 3 and isinstance(n, tf.Tensor)  # (checked while tracing)
        assert dim(x, 0, tf.int64).dtype == tf.int64
        return n * m

    assert int(f(x)) == 12


def test_jitted_static_arguments():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    from crossops.backends.jax._jit import jitted
    traces = []

    def total(x, axis, scale=1.0):
        traces.append(axis)
        return jnp.sum(x, axis=axis) * scale

    f = jitted(total, ("axis",))
    x = jnp.asarray(A)
    expected = A.sum(axis=(0, 1))
    for out in (f(x, [0, 1]), f(x, (0, 1)), f(x, axis=[0, 1]), f(x=x, axis=(0, 1))):
        np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-5)
    assert traces == [(0, 1)]  # one compilation: by position or keyword, list or tuple
    np.testing.assert_allclose(np.asarray(f(x, 0, scale=2.0)), 2 * A.sum(axis=0), rtol=1e-5)
    assert traces == [(0, 1), 0]
    # an unhashable static argument (an array): run eagerly, the same values
    out = f(x, jnp.asarray(1), scale=2.0)
    np.testing.assert_allclose(np.asarray(out), 2 * A.sum(axis=1), rtol=1e-5)
    assert len(traces) == 3 and not isinstance(traces[-1], tuple | int)


def test_jax_ops_on_the_helper_match_numpy():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    x = jnp.asarray(A)
    np.testing.assert_allclose(np.asarray(xnp.std(x, axis=[0, 1])), np.std(A), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(xnp.std(x, axis=0, correction=1)),
                               np.std(A, axis=0, ddof=1), rtol=1e-5)
    # the gradient at a zero variance is 0 (jax's own is nan), under an outer jit too
    for grad in (jax.grad(lambda v: xnp.std(v)), jax.jit(jax.grad(lambda v: xnp.std(v)))):
        assert np.asarray(grad(jnp.ones(3))).tolist() == [0.0, 0.0, 0.0]
    tiny = np.array([1e-40, 3e-40, 0.0, -0.0], np.float32)  # subnormals: NumPy's order
    assert int(xnp.argmax(jnp.asarray(tiny))) == np.argmax(tiny) == 1
    assert int(xnp.argmin(jnp.asarray(tiny), axis=0)) == np.argmin(tiny) == 2
    ids = np.array([0, 2, 1])
    np.testing.assert_array_equal(np.asarray(ops.one_hot(jnp.asarray(ids), 3)),
                                  np.eye(3, dtype=np.float32)[ids])
