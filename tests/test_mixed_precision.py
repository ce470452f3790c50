"""Mixed precision with Keras's API: dtype policies, autocasting layers, loss scaling and
low-precision optimizer updates, on jax, torch and tensorflow."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import crossops
from crossops import dtype_policies, layers, mixed_precision, models, optimizers
from crossops.layers import Variable
from crossops.layers._layer import _to_backend

BACKENDS = ["jax", "torch", "tensorflow"]


@pytest.fixture(autouse=True)
def float32_policy():
    """Every test starts and ends under the float32 global policy."""
    dtype_policies.set_dtype_policy("float32")
    yield
    dtype_policies.set_dtype_policy("float32")


def _backend(name):
    pytest.importorskip({"tensorflow": "tensorflow"}.get(name, name))
    return crossops.use_backend(name)


def _name(dtype):
    from crossops._dtypes import dtype_name
    return dtype_name(dtype)


@pytest.mark.parametrize("name, compute, variable", [
    ("float32", "float32", "float32"), ("float16", "float16", "float16"),
    ("bfloat16", "bfloat16", "bfloat16"), ("mixed_float16", "float16", "float32"),
    ("mixed_bfloat16", "bfloat16", "float32")])
def test_policy_attributes(name, compute, variable):
    p = mixed_precision.DTypePolicy(name)
    assert (p.name, p.compute_dtype, p.variable_dtype) == (name, compute, variable)
    assert mixed_precision.Policy is mixed_precision.DTypePolicy
    assert dtype_policies.DTypePolicy.from_config(p.get_config()) == p


def test_unknown_policy():
    with pytest.raises(ValueError):
        dtype_policies.DTypePolicy("mixed_int8")
    with pytest.raises(ValueError):
        dtype_policies.DTypePolicy("float31")


def test_global_policy_set_and_restore():
    assert mixed_precision.global_policy().name == "float32"
    mixed_precision.set_global_policy("mixed_bfloat16")
    assert crossops.dtype_policies.dtype_policy().name == "mixed_bfloat16"
    layer = layers.Dense(2)
    assert layer.dtype_policy.name == "mixed_bfloat16"
    assert (layer.dtype, layer.compute_dtype, layer.variable_dtype) == (
        "float32", "bfloat16", "float32")
    assert layers.Dense(2, dtype="float32").compute_dtype == "float32"
    mixed_precision.set_global_policy(None)
    assert mixed_precision.global_policy().name == "float32"
    assert layers.Dense(2).compute_dtype == "float32"


def test_config_dtype_policy_as_keras_config():
    """``crossops.config.set_dtype_policy`` / ``dtype_policy``, keras.config's names, share
    the state of mixed_precision's global policy; unset, the policy is floatx's dtype."""
    keras_config = pytest.importorskip("keras").config
    from crossops import config
    for name in ("set_dtype_policy", "dtype_policy"):
        assert name in dir(keras_config) and name in config.__all__
    previous = config.dtype_policy()
    config.set_dtype_policy("mixed_bfloat16")
    try:
        assert config.dtype_policy() == mixed_precision.global_policy() == \
            mixed_precision.DTypePolicy("mixed_bfloat16")
        dense = layers.Dense(2)
        assert (dense.dtype_policy.name, dense.compute_dtype, dense.variable_dtype) == (
            "mixed_bfloat16", "bfloat16", "float32")
        mixed_precision.set_global_policy(mixed_precision.DTypePolicy("float16"))
        assert config.dtype_policy().name == "float16" and layers.Dense(2).dtype == "float16"
        with pytest.raises(ValueError, match="mixed_float16"):
            config.set_dtype_policy("mixed_int4")
    finally:
        config.set_dtype_policy(previous)
    assert config.dtype_policy() == previous and layers.Dense(2).dtype == "float32"
    # the default follows floatx, as Keras's
    config.set_dtype_policy(None)
    config.set_floatx("float64")
    try:
        assert config.dtype_policy().name == "float64" and layers.Dense(2).dtype == "float64"
    finally:
        config.set_floatx("float32")
    assert config.dtype_policy().name == "float32"


def test_layer_config_keeps_the_policy():
    layer = layers.Dense(2, dtype="mixed_float16")
    assert layer.get_config()["dtype"]["config"]["name"] == "mixed_float16"  # Keras's form
    assert layers.Dense(2, dtype=dtype_policies.DTypePolicy("bfloat16")).dtype == "bfloat16"


@pytest.mark.parametrize("bk", BACKENDS)
def test_dense_mixed_bfloat16(bk):
    x = np.ones((2, 3), np.float32)
    with _backend(bk):
        d = layers.Dense(4, dtype="mixed_bfloat16")
        y = d(x)
        assert _name(d.kernel.dtype) == "float32" and _name(d.kernel.value.dtype) == "float32"
        assert _name(y.dtype) == "bfloat16"
        out, _ = d.stateless_call([v.value for v in d.trainable_variables], [], x)
        assert _name(out.dtype) == "bfloat16"
        # a float32 layer inside stays float32 (no autocast leaks out of the call)
        assert _name(layers.Dense(4)(x).dtype) == "float32"


@pytest.mark.parametrize("bk", BACKENDS)
def test_float32_layer_takes_half_precision_inputs_up_as_keras(bk):
    """The usual mixed-precision head: a float32 softmax after bfloat16 layers computes and
    returns float32, eagerly, symbolically and for a list of inputs, as in Keras; float64
    data still reaches a float32 layer as it is (crossops's choice)."""
    keras = pytest.importorskip("keras")
    x = np.ones((2, 3), np.float32)
    kx = keras.ops.cast(x, "bfloat16")
    expected = _name(keras.layers.Activation("softmax", dtype="float32")(kx).dtype)
    expected_add = _name(keras.layers.Add(dtype="float32")([kx, kx]).dtype)
    assert expected == expected_add == "float32"
    mixed_precision.set_global_policy("mixed_bfloat16")
    with _backend(bk):
        dense, head = layers.Dense(4), layers.Activation("softmax", dtype="float32")
        hidden = dense(x)
        assert _name(hidden.dtype) == "bfloat16"
        assert _name(head(hidden).dtype) == expected
        assert _name(layers.Add(dtype="float32")([hidden, hidden]).dtype) == expected_add
        inputs = layers.Input((3,))
        outputs = head(dense(inputs))
        assert _name(outputs.dtype) == expected
        assert _name(models.Model(inputs, outputs)(x).dtype) == expected
        x64 = layers.Activation("relu", dtype="float32")(np.ones(2, np.float64))
        assert _name(x64.dtype) == "float64"


@pytest.mark.parametrize("bk", BACKENDS)
def test_every_floating_argument_is_cast_as_keras(bk):
    """A mixed layer casts every floating argument, not only the first: attention's value
    (and key) too, so its output has the compute dtype, as in Keras."""
    keras = pytest.importorskip("keras")
    x = np.random.default_rng(0).random((2, 4, 6)).astype(np.float32)
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        expected = _name(keras.layers.MultiHeadAttention(2, 3)(x, x).dtype)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert expected == "bfloat16"
    mixed_precision.set_global_policy("mixed_bfloat16")
    with _backend(bk):
        attention = layers.MultiHeadAttention(2, 3)
        assert _name(attention(x, x).dtype) == expected
        assert _name(attention(x, value=x).dtype) == expected


@pytest.mark.parametrize("bk", BACKENDS)
def test_recurrent_layers_make_their_state_on_their_own_backend(bk):
    """A layer called on NumPy data lives on numpy even inside ``use_backend``: its initial
    recurrent state and causal mask are made with ``like=`` on the layer's arrays, not on the
    default backend (torch's bfloat16 met NumPy's there and failed)."""
    x = np.random.default_rng(0).random((2, 4, 6)).astype(np.float32)
    mixed_precision.set_global_policy("mixed_bfloat16")
    with _backend(bk):
        for layer in (layers.GRU(3), layers.LSTM(3), layers.SimpleRNN(3)):
            out = layer(x)
            assert isinstance(out, np.ndarray) and _name(out.dtype) == "bfloat16"
        out = layers.MultiHeadAttention(2, 3)(x, x, use_causal_mask=True)
        assert isinstance(out, np.ndarray) and _name(out.dtype) == "bfloat16"


@pytest.mark.parametrize("bk", BACKENDS)
def test_fit_mixed_bfloat16(bk):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    y = (x @ rng.normal(size=(4, 1))).astype(np.float32)
    mixed_precision.set_global_policy("mixed_bfloat16")
    with _backend(bk):
        m = models.Sequential([layers.Dense(8, activation="relu"),
                               layers.BatchNormalization(), layers.Dense(1)])
        m.compile(optimizer=optimizers.Adam(0.01), loss="mse")
        losses = m.fit(x, y, epochs=3, batch_size=16, verbose=0).history["loss"]
        assert losses[-1] < losses[0]
        # the moving statistics, updated in bfloat16, stay float32 too
        assert all(_name(v.dtype) == "float32" for v in m.weights)
        assert _name(m.predict(x[:2], verbose=0).dtype) == "bfloat16"
        assert not isinstance(m.optimizer, optimizers.LossScaleOptimizer)


@pytest.mark.parametrize("bk", BACKENDS)
def test_fit_mixed_float16_wraps_a_loss_scale_optimizer(bk):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    y = (x @ rng.normal(size=(4, 1))).astype(np.float32)
    mixed_precision.set_global_policy("mixed_float16")
    with _backend(bk):
        m = models.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)])
        m.compile(optimizer=optimizers.Adam(0.01), loss="mse")
        assert isinstance(m.optimizer, mixed_precision.LossScaleOptimizer)
        losses = m.fit(x, y, epochs=3, batch_size=16, verbose=0).history["loss"]
        assert losses[-1] < losses[0]
        assert all(_name(v.dtype) == "float32" for v in m.trainable_variables)
        assert 0 < float(np.asarray(crossops.to_numpy(m.optimizer.dynamic_scale))) <= 2.0 ** 15


def _floats(v):
    return np.asarray(crossops.to_numpy(v), np.float32)


@pytest.mark.parametrize("bk", BACKENDS)
def test_loss_scale_skips_non_finite_steps_and_grows(bk):
    with _backend(bk):
        w = Variable(_to_backend(np.ones(2, np.float32), bk, True))
        opt = mixed_precision.LossScaleOptimizer(optimizers.SGD(0.5), initial_scale=8.0,
                                                 dynamic_growth_steps=2)
        g = _to_backend(np.full(2, 8.0, np.float32), bk, False)  # d(8 * loss)
        opt.apply([g], [w])
        np.testing.assert_allclose(_floats(w.value), [0.5, 0.5])  # unscaled: 1.0 * 0.5
        assert float(_floats(opt.dynamic_scale)) == 8.0
        bad = _to_backend(np.array([np.inf, 1.0], np.float32), bk, False)
        opt.apply([bad], [w])  # skipped, the scale halves, the counter restarts
        np.testing.assert_allclose(_floats(w.value), [0.5, 0.5])
        assert float(_floats(opt.dynamic_scale)) == 4.0
        assert int(_floats(opt.iterations)) == 1
        small = _to_backend(np.zeros(2, np.float32), bk, False)
        opt.apply([small], [w])
        assert float(_floats(opt.dynamic_scale)) == 4.0
        opt.apply([small], [w])  # the second good step in a row: doubled
        assert float(_floats(opt.dynamic_scale)) == 8.0
        assert int(_floats(opt.step_counter)) == 0
        assert int(_floats(opt.iterations)) == 3
        loss = _to_backend(np.float32(2.0), bk, False)
        assert float(_floats(opt.scale_loss(loss)).ravel()[0]) == 16.0


def test_loss_scale_skip_keeps_a_given_up_state():
    """fit's eager step gives its state up to the optimizer (torch's multi-tensor forms
    then write into it); a skipped step must still give the old values back."""
    pytest.importorskip("torch")
    from crossops.optimizers._functional import donated
    with _backend("torch"):
        w = _to_backend(np.ones(2, np.float32), "torch", False)
        opt = mixed_precision.LossScaleOptimizer(optimizers.Adam(0.5), initial_scale=8.0)
        opt.build([w])
        state = [v.value.clone() for v in opt.variables]
        bad = _to_backend(np.array([np.inf, 1.0], np.float32), "torch", False)
        with donated([w, *state]):
            (new_w,), new_state = opt.stateless_apply(state, [bad], [w])
        np.testing.assert_array_equal(_floats(new_w), [1.0, 1.0])
        np.testing.assert_array_equal(_floats(w), [1.0, 1.0])
        assert all(np.array_equal(_floats(a), _floats(b)) for a, b in
                   zip(new_state[2:], state[2:]))  # Adam's slots: the old zeros


def test_loss_scaling_saves_float16_gradients():
    """A float16 gradient below float16's range (1e-8) is zero unscaled, found with
    scaling."""
    pytest.importorskip("jax")
    import jax
    import jax.numpy as jnp
    w = jnp.ones((), jnp.float32)

    def grad(scale):
        return jax.grad(lambda w: (w.astype(jnp.float16) * jnp.float16(1e-4)
                                   * jnp.float16(1e-4)).astype(jnp.float32) * scale)(w)
    assert float(grad(1.0)) == 0.0
    assert abs(float(grad(2.0 ** 15)) / 2.0 ** 15 - 1e-8) < 1e-9


#: a learning rate per optimizer that moves a weight by about 1e-3 per step (Adadelta's
#: step is ``lr * sqrt(epsilon)``-sized at first: 1.0 is its usual rate)
_RATES = {"adadelta": 1.0}


@pytest.mark.parametrize("bk", BACKENDS)
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_every_optimizer_updates_low_precision_weights(bk, dtype):
    host = np.random.default_rng(0).normal(0, 0.05, (8,)).astype(
        ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float16)
    with _backend(bk):
        for name, cls in optimizers._classes.ALL.items():
            w = Variable(_to_backend(host, bk, True))
            opt = cls(learning_rate=_RATES.get(name, 1e-3))
            g = _to_backend(np.ones(8, host.dtype), bk, False)
            for _ in range(3):
                opt.apply([g], [w])
            assert _name(w.dtype) == dtype, name
            new = _floats(w.value)
            assert np.all(new < host.astype(np.float32)), (name, new, host)


@pytest.mark.parametrize("bk", BACKENDS)
def test_adam_trains_bfloat16_weights(bk):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    y = (x @ rng.normal(size=(4, 1))).astype(np.float32)
    with _backend(bk):
        m = models.Sequential([layers.Dense(1, dtype="bfloat16")])
        m.compile(optimizer=optimizers.Adam(1e-2), loss="mse")
        losses = m.fit(x, y, epochs=5, batch_size=16, shuffle=False,
                       verbose=0).history["loss"]
        assert all(_name(v.dtype) == "bfloat16" for v in m.trainable_variables)
        assert losses[-1] < losses[0]
