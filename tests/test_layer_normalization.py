"""Layer normalisation against Keras 3's ``ops.layer_normalization`` and
``layers.LayerNormalization``, on every backend: the last axes (torch's fused
``F.layer_norm`` there, as Keras's torch backend), inner and split axes (the generic form),
scale and offset of several shapes, half precision; and ``crossops.config.set_epsilon``
as the default epsilon of the ops and losses, as Keras reads ``backend.epsilon()``.

The input has a large mean against a small spread, the edge of this op: the float32
mean's rounding, a few ulps of 40, is magnified by ``1 / std`` in every form (crossops's
``(x - mean) * rsqrt(var + eps)``, Keras's ``x * inv - mean * inv``, torch's fused kernel).
Results are compared with Keras's and with the float64 definition at that rounding
(:func:`tolerance`).
"""

from __future__ import annotations

import numpy as np
import pytest

import crossops
from crossops import config, layers, losses, nn

from .backends import backend_context, to_backend, to_numpy

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(7)
X = (RNG.normal(size=(2, 3, 5)) * 0.5 + 40.0).astype(np.float32)
G5 = np.linspace(0.5, 1.5, 5, dtype=np.float32)
B5 = np.linspace(-1.0, 1.0, 5, dtype=np.float32)


def tolerance(gamma, dtype, out) -> float:
    """A few float32 ulps of the mean, over the spread, times the scale (half precision
    computes in float32); plus the output's own rounding in ``dtype``."""
    spread = float(np.std(X.astype(np.float64), axis=-1).min())
    scale = 1.0 if gamma is None else float(np.abs(gamma).max())
    mean_rounding = 2 * float(np.finfo(np.float32).eps) * float(np.abs(X).max()) / spread
    return mean_rounding * scale + 2 * float(np.finfo(dtype).eps) * float(np.abs(out).max())


def truth(x, gamma, beta, axis, epsilon):
    """The definition, in float64."""
    x = x.astype(np.float64)
    axes = tuple(a % x.ndim for a in ([axis] if isinstance(axis, int) else axis))
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    out = (x - mean) / np.sqrt(var + epsilon)

    def bcast(v):
        if v.ndim == x.ndim:
            return v
        return v.reshape([x.shape[d] if d in axes else 1 for d in range(x.ndim)])
    out = out if gamma is None else out * bcast(gamma)
    return out if beta is None else out + bcast(beta)


#: id -> (axis, gamma, beta)
CASES = {
    "last": (-1, G5, B5),
    "last_as_list": ([-1], G5, None),
    "last_two": ((1, 2), RNG.uniform(0.5, 1.5, (3, 5)).astype(np.float32), None),
    "scale_with_leading_ones": (-1, G5.reshape(1, 1, 5), B5.reshape(1, 1, 5)),
    "offset_only": (2, None, B5),
    "inner": (1, RNG.uniform(0.5, 1.5, 3).astype(np.float32), None),
    "split": ((0, 2), None, None),
    "all": ((0, 1, 2), None, None),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_layer_normalization_as_keras(backend, case, dtype):
    axis, gamma, beta = CASES[case]
    x = X.astype(dtype)
    want = keras.ops.convert_to_numpy(
        keras.ops.layer_normalization(x, gamma, beta, axis=axis, epsilon=1e-3))
    with backend_context(backend):
        args = [None if v is None else to_backend(backend, v) for v in (x, gamma, beta)]
        got = to_numpy(nn.layer_normalization(*args, axis=axis, epsilon=1e-3))
        compiled = to_numpy(crossops.jit(
            lambda a, g, b: nn.layer_normalization(a, g, b, axis=axis, epsilon=1e-3))(*args))
    assert got.dtype == want.dtype == np.dtype(dtype)
    tol = tolerance(gamma, dtype, want)
    np.testing.assert_allclose(got, want, rtol=0, atol=tol)
    np.testing.assert_allclose(compiled, want, rtol=0, atol=tol)
    np.testing.assert_allclose(got, truth(x, gamma, beta, axis, 1e-3), rtol=0, atol=tol)


@pytest.mark.parametrize("axis", [-1, (1, 2), 1])
def test_layer_normalization_layer_as_keras(backend, axis):
    keras_layer = keras.layers.LayerNormalization(axis=axis)
    keras_layer.build(X.shape)
    with backend_context(backend):
        layer = layers.LayerNormalization(axis=axis)
        layer.build(X.shape)
        rng = np.random.default_rng(7)  # (its own draws: not the order tests ran in)
        gamma = rng.uniform(0.5, 1.5, layer.gamma.shape).astype(np.float32)
        beta = rng.uniform(-1.0, 1.0, layer.beta.shape).astype(np.float32)
        layer.set_weights([gamma, beta])
        got = to_numpy(layer(to_backend(backend, X)))
    keras_layer.set_weights([gamma, beta])
    want = np.asarray(keras_layer(X))
    tol = tolerance(gamma, "float32", want)
    np.testing.assert_allclose(got, want, rtol=0, atol=tol)
    np.testing.assert_allclose(got, truth(X, gamma, beta, axis, 1e-3), rtol=0, atol=tol)


@pytest.fixture
def epsilon_set():
    """crossops's and Keras's epsilon at 0.05 for one test, restored after it."""
    before, keras_before = config.epsilon(), keras.config.epsilon()
    config.set_epsilon(0.05)
    keras.config.set_epsilon(0.05)
    yield 0.05
    config.set_epsilon(before)
    keras.config.set_epsilon(keras_before)


def test_set_epsilon_is_the_default_epsilon(backend, epsilon_set):
    probs = np.array([[0.0, 0.3, 0.7], [1.0, 0.0, 0.0]], np.float32)
    onehot = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], np.float32)
    want_norm = keras.ops.convert_to_numpy(keras.ops.layer_normalization(X))
    want_loss = keras.ops.convert_to_numpy(keras.losses.categorical_crossentropy(onehot, probs))
    with backend_context(backend):
        got_norm = to_numpy(nn.layer_normalization(to_backend(backend, X)))
        got_loss = to_numpy(losses.categorical_crossentropy(to_backend(backend, onehot),
                                                            to_backend(backend, probs)))
    tol = tolerance(None, "float32", want_norm)
    np.testing.assert_allclose(got_norm, want_norm, rtol=0, atol=tol)
    np.testing.assert_allclose(got_norm, truth(X, None, None, -1, epsilon_set), rtol=0, atol=tol)
    np.testing.assert_allclose(got_loss, want_loss, rtol=1e-5)
    # the epsilon shows: at 1e-7 the loss of a zero probability is -log(1e-7) = 16.1
    assert got_loss[0] == pytest.approx(-np.log(epsilon_set), rel=1e-5)
