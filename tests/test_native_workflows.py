"""Keras's guides "Writing a training loop from scratch" in TensorFlow and in JAX, with
crossops's names: each framework's own loop trains a crossops model on digits, with
crossops's losses, optimizers and metrics, to the test accuracy ``fit`` reaches on the same
backend with the same model, data order, optimizer and epochs (tests/digits.py); and the jax
loop data parallel over 2 host devices with ``jax.pmap`` and ``jax.shard_map``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import crossops
from crossops import losses, metrics, optimizers

from .digits import BATCH, EPOCHS, LEARNING_RATE, check_loop, digits, held_out_accuracy, mlp


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "tf_function"])
def test_tensorflow_guide_loop(compiled):
    tf = pytest.importorskip("tensorflow")
    x_train, y_train, _, _ = digits()
    with crossops.use_backend("tensorflow"):
        model = mlp()
        optimizer = optimizers.Adam(LEARNING_RATE)
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
        dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(BATCH)
        for _ in range(EPOCHS):
            train_acc_metric.reset_state()
            for x_batch, y_batch in dataset:
                loss_value = train_step(x_batch, y_batch)
        assert np.isfinite(float(loss_value))
        assert float(train_acc_metric.result()) > 0.5
        assert all(isinstance(v.value, tf.Tensor) for v in model.trainable_variables)
        accuracy = held_out_accuracy(model)
    check_loop("tensorflow", accuracy)


def test_jax_guide_loop():
    jax = pytest.importorskip("jax")
    x_train, y_train, _, _ = digits()
    with crossops.use_backend("jax"):
        model = mlp()
        optimizer = optimizers.Adam(LEARNING_RATE)
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
            for i in range(0, len(x_train), BATCH):
                loss, (tv, ntv, ov, mv) = train_step(
                    (tv, ntv, ov, mv), (x_train[i:i + BATCH], y_train[i:i + BATCH]))
        assert np.isfinite(float(loss))
        assert float(train_acc_metric.stateless_result(mv)) > 0.5
        # the guide's last step: the trained state back into the model
        for variable, value in zip(model.trainable_variables, tv):
            variable.assign(value)
        for variable, value in zip(model.non_trainable_variables, ntv):
            variable.assign(value)
        accuracy = held_out_accuracy(model)
    check_loop("jax", accuracy)


def test_jax_pmap_and_shard_map_loops_on_2_host_devices(tmp_path):
    """The jax loop over ``stateless_call`` / ``stateless_apply`` data parallel on 2 host
    devices, with ``jax.pmap`` (gradients averaged by ``lax.pmean``) and with
    ``jax.shard_map``: the one-device ``jax.jit`` loop's loss trajectory and weights (in a
    subprocess: the device count is fixed at jax's first use; tests/pmap_worker.py)."""
    pytest.importorskip("jax")
    x_train, y_train, _, _ = digits()
    data = tmp_path / "digits.npz"
    np.savez(data, x=x_train[:8 * BATCH], y=y_train[:8 * BATCH])
    root = Path(__file__).parents[1]
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
           "PYTHONPATH": os.pathsep.join([str(root / "src"), os.environ.get("PYTHONPATH", "")])}
    out = tmp_path / "pmap.json"
    proc = subprocess.run([sys.executable, str(Path(__file__).with_name("pmap_worker.py")),
                           str(data), str(out)], env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    r = json.loads(out.read_text())
    assert r["devices"] == ["cpu:0", "cpu:1"] and r["dtypes"] == ["float32"]
    assert len(r["single"]) == 16 and r["single"][-1] < r["single"][0]
    np.testing.assert_allclose(r["pmap"], r["single"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(r["shard_map"], r["single"], rtol=0, atol=1e-5)
    assert r["weights_max_diff"] <= 1e-5 and r["shard_map_weights_max_diff"] <= 1e-5
    assert r["replicas_equal"]  # the pmap replicas stay identical


def test_autograph_calls_crossops_code_as_it_calls_keras_code():
    """Inside a user's ``tf.function`` AutoGraph converts the user's code, not crossops's,
    as it leaves Keras's alone: a layer's ``call`` that branches on a tensor raises the
    error Keras 3's raises (branch with ``crossops.core.cond``, which traces). Before,
    AutoGraph converted every crossops module a model's call reached: seconds on the
    first trace, and warnings."""
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    from crossops import core, layers

    def branching(base):
        class Branching(base):
            def call(self, x):
                if tf.reduce_sum(x) > 0:
                    return x
                return -x
        return Branching()

    class Conditional(layers.Layer):
        def call(self, x):
            return core.cond(tf.reduce_sum(x) > 0, lambda: x, lambda: -x)

    x = tf.constant([-1.0, -2.0])
    errors = []
    for layer in (branching(keras.layers.Layer), branching(layers.Layer)):
        with pytest.raises(TypeError) as info:
            tf.function(lambda x, layer=layer: layer(x))(x)
        errors.append(type(info.value))
    assert errors[0] is errors[1] is tf.errors.OperatorNotAllowedInGraphError
    with crossops.use_backend("tensorflow"):
        np.testing.assert_array_equal(tf.function(Conditional())(x).numpy(), [1.0, 2.0])
