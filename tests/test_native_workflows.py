"""Keras's guides "Writing a training loop from scratch" in TensorFlow and in JAX, with
crossops's names: each framework's own loop trains a crossops model, with crossops's
losses, optimizers and metrics, to the accuracy ``fit`` reaches on the same data."""

from __future__ import annotations

import numpy as np
import pytest

import crossops
from crossops import initializers as init
from crossops import layers, losses, metrics, models, optimizers

RNG = np.random.default_rng(0)
X = RNG.standard_normal((512, 6)).astype(np.float32)
Y = np.argmax(X @ RNG.standard_normal((6, 3)), axis=1).astype(np.int32)
EPOCHS, BATCH = 5, 32


def _model():
    return models.Sequential([
        layers.Input((6,)),
        layers.Dense(16, activation="relu", kernel_initializer=init.GlorotUniform(seed=1)),
        layers.Dense(3, kernel_initializer=init.GlorotUniform(seed=2)),
    ])


def _fit_accuracy():
    model = _model()
    model.compile(optimizers.Adam(1e-2), losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(X, Y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    return history.history["accuracy"][-1]


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "tf_function"])
def test_tensorflow_guide_loop(compiled):
    tf = pytest.importorskip("tensorflow")
    with crossops.use_backend("tensorflow"):
        model = _model()
        optimizer = optimizers.Adam(1e-2)
        loss_fn = losses.SparseCategoricalCrossentropy(from_logits=True)
        train_acc_metric = metrics.SparseCategoricalAccuracy()

        def train_step(x, y):
            with tf.GradientTape() as tape:
                logits = model(x, training=True)
                loss_value = loss_fn(y, logits)
            grads = tape.gradient(loss_value, model.trainable_weights)
            optimizer.apply(grads, model.trainable_weights)
            train_acc_metric.update_state(y, logits)
            return loss_value

        if compiled:
            train_step = tf.function(train_step)
        dataset = tf.data.Dataset.from_tensor_slices((X, Y)).batch(BATCH)
        for _ in range(EPOCHS):
            train_acc_metric.reset_state()
            for x_batch, y_batch in dataset:
                loss_value = train_step(x_batch, y_batch)
            accuracy = float(train_acc_metric.result())
        assert np.isfinite(float(loss_value))
        assert all(isinstance(v.value, tf.Tensor) for v in model.trainable_variables)
        want = _fit_accuracy()
    assert accuracy >= want - 0.02, (accuracy, want)


def test_jax_guide_loop():
    jax = pytest.importorskip("jax")
    with crossops.use_backend("jax"):
        model = _model()
        optimizer = optimizers.Adam(1e-2)
        loss_fn = losses.SparseCategoricalCrossentropy(from_logits=True)
        train_acc_metric = metrics.SparseCategoricalAccuracy()
        optimizer.build(model.trainable_variables)

        def compute_loss_and_updates(tv, ntv, x, y):
            y_pred, ntv = model.stateless_call(tv, ntv, x, training=True)
            return loss_fn(y, y_pred), (y_pred, ntv)

        grad_fn = jax.value_and_grad(compute_loss_and_updates, has_aux=True)

        @jax.jit
        def train_step(state, data):
            tv, ntv, ov, mv = state
            x, y = data
            (loss, (y_pred, ntv)), grads = grad_fn(tv, ntv, x, y)
            tv, ov = optimizer.stateless_apply(ov, grads, tv)
            mv = train_acc_metric.stateless_update_state(mv, y, y_pred)
            return loss, (tv, ntv, ov, mv)

        tv = [v.value for v in model.trainable_variables]
        ntv = [v.value for v in model.non_trainable_variables]
        ov = [v.value for v in optimizer.variables]
        for _ in range(EPOCHS):
            mv = [v.value for v in train_acc_metric.variables]  # reset: the initial state
            for i in range(0, len(X), BATCH):
                loss, (tv, ntv, ov, mv) = train_step(
                    (tv, ntv, ov, mv), (X[i:i + BATCH], Y[i:i + BATCH]))
            accuracy = float(train_acc_metric.stateless_result(mv))
        want = _fit_accuracy()
    assert accuracy >= want - 0.02, (accuracy, want)
