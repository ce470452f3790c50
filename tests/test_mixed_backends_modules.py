"""Losses, metrics, optimizers and layers follow the dispatch's one rule (issue 18): arrays of
two backends other than NumPy in one call raise TypeError naming the function and both
backends; NumPy arrays are host data and convert to the other array's backend.

Before, ``losses.MeanSquaredError()(torch_y_true, jax_y_pred)`` returned a jax array, and an
optimizer given torch parameters and jax gradients raised Python's own TypeError about
``-``, while jax parameters with TensorFlow gradients came back as TensorFlow tensors.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossops
from crossops import layers, losses, metrics, optimizers

from .backends import OTHERS, assert_mixed_backends_raise, native_types, to_backend, to_numpy

#: ordered pairs: which backend comes first matters to the code that finds the backend
PAIRS = [(b1, b2) for b1 in OTHERS for b2 in OTHERS if b1 != b2]
#: one-hot targets and probabilities (categorical losses and metrics take both)
Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], np.float32)
P = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]], np.float32)


def _dense(backend):
    with crossops.use_backend(backend):
        layer = layers.Dense(2)
        layer.build((None, 3))
    return layer


@pytest.mark.parametrize("pair", PAIRS, ids="-".join)
def test_two_backends_raise_naming_the_function_and_both(pair):
    b1, b2 = pair
    params, grads = [to_backend(b1, P)], [to_backend(b2, P)]
    init, update = optimizers.adam(0.1)
    layer = _dense(b1)
    variables = layer.trainable_variables
    calls = [
        ("adam.update", lambda: update(grads, init(params), params)),
        ("adam.update", lambda: optimizers.Adam(0.1).apply(
            [to_backend(b2, np.ones(tuple(v.shape), np.float32)) for v in variables],
            variables)),
        ("matmul", lambda: layer(to_backend(b2, np.ones((1, 3), np.float32)))),
    ]
    assert_mixed_backends_raise(calls, b1, b2)


@pytest.mark.parametrize("pair", PAIRS, ids="-".join)
def test_losses_and_metrics_raise_naming_themselves_and_the_arguments(pair):
    """The TypeError names the loss or metric (its class, and its name where it is its
    own; a function by its name), the two arguments, both backends and what would work."""
    b1, b2 = pair
    y, p = to_backend(b1, Y), to_backend(b2, P)
    p1 = to_backend(b1, P)
    labels = to_backend(b1, np.array([1, 0], np.int32))
    w2 = to_backend(b2, np.array([1.0, 0.5], np.float32))
    yp = ("y_true", "y_pred")
    calls = [
        ("mean_squared_error", lambda: losses.mean_squared_error(y, p), yp),
        ("categorical_crossentropy", lambda: losses.categorical_crossentropy(y, p), yp),
        ("sparse_categorical_crossentropy",
         lambda: losses.sparse_categorical_crossentropy(labels, p), yp),
        ("MeanSquaredError", lambda: losses.MeanSquaredError()(y, p), yp),
        ("MeanSquaredError 'mine'", lambda: losses.MeanSquaredError(name="mine")(y, p), yp),
        ("CategoricalCrossentropy", lambda: losses.CategoricalCrossentropy()(y, p), yp),
        ("SparseCategoricalCrossentropy",
         lambda: losses.SparseCategoricalCrossentropy(ignore_class=0)(labels, p), yp),
        ("MeanSquaredError", lambda: losses.MeanSquaredError()(y, p1, sample_weight=w2),
         ("y_true", "sample_weight")),
        ("reduce_weighted", lambda: losses.reduce_weighted(p1[:, 0], w2),
         ("sample_weight", "values")),
        ("accuracy", lambda: metrics.accuracy(labels, to_backend(b2, np.array([1, 1]))), yp),
        ("MeanSquaredError.update_state",
         lambda: metrics.MeanSquaredError().update_state(y, p), yp),
        ("CategoricalAccuracy.update_state",
         lambda: metrics.CategoricalAccuracy().update_state(y, p), yp),
        ("CategoricalAccuracy.update_state",
         lambda: metrics.CategoricalAccuracy().update_state(y, p1, sample_weight=w2),
         ("y_true", "sample_weight")),
        ("Mean.update_state", lambda: metrics.Mean().update_state(p1, sample_weight=w2),
         ("values", "sample_weight")),
        ("AUC.update_state", lambda: metrics.AUC().update_state(y, p), yp),
        ("MeanSquaredError.stateless_update_state",
         lambda: metrics.MeanSquaredError().stateless_update_state(
             [to_backend(b2, np.zeros((), np.float32))] * 2, y, p), yp),
    ]
    assert_mixed_backends_raise(calls, b1, b2)


def test_numpy_gradients_convert_to_the_parameters_backend(backend):
    """NumPy gradients for another backend's parameters: host data, as in an op; the new
    parameters are of the parameters' backend, one SGD step from them."""
    if backend == "numpy":
        pytest.skip("numpy parameters: nothing converts")
    params = [to_backend(backend, P)]
    init, update = optimizers.sgd(0.5)
    new, _ = update([Y], init(params), params)
    assert isinstance(new[0], native_types(backend)), type(new[0])
    np.testing.assert_allclose(to_numpy(new[0]), P - 0.5 * Y, rtol=1e-6)
