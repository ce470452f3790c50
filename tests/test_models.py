"""Layers, models and training: the stateless API, torch modules, jax pytrees, fit on
every trainable backend with the same numbers, weights files across backends, configs,
callbacks and errors."""

from __future__ import annotations

import numpy as np
import pytest

import crossops
from crossops import initializers as init
from crossops import layers, models

from .backends import BACKENDS, backend_context, native_types, to_backend, to_numpy

TRAINABLE = [b for b in ("jax", "torch", "tensorflow") if b in BACKENDS]
RNG = np.random.default_rng(0)
X = RNG.standard_normal((96, 6)).astype(np.float32)
Y = np.argmax(X @ RNG.standard_normal((6, 3)), axis=1).astype(np.int32)


def _mlp(seed=0, dropout=True):
    """An MLP; its dropout draws from each backend's own generator, so runs agree across
    backends only without it."""
    return models.Sequential([
        layers.Input((6,)),
        layers.Dense(16, activation="relu", kernel_initializer=init.GlorotUniform(seed=seed)),
        *([layers.Dropout(0.1, seed=seed)] if dropout else []),
        layers.Dense(3, activation="softmax",
                     kernel_initializer=init.GlorotUniform(seed=seed + 1)),
    ])


def _fit(backend, epochs=3, dropout=False, **kw):
    with backend_context(backend):
        model = _mlp(dropout=dropout)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        history = model.fit(X, Y, epochs=epochs, batch_size=32, verbose=0, seed=0, **kw)
    return model, history


def test_fit_gives_the_same_numbers_on_every_trainable_backend():
    runs = {b: _fit(b, validation_split=0.25) for b in TRAINABLE}
    ref = runs[TRAINABLE[0]][1].history
    assert ref["loss"][-1] < ref["loss"][0]
    for b, (model, history) in runs.items():
        for k in ("loss", "accuracy", "val_loss", "val_accuracy"):
            np.testing.assert_allclose(history.history[k], ref[k], rtol=2e-4, err_msg=(b, k))
        np.testing.assert_allclose(model.predict(X[:5]), runs[TRAINABLE[0]][0].predict(X[:5]),
                                   rtol=1e-4, atol=1e-6)


def test_numpy_predicts_and_evaluates_but_does_not_fit():
    with backend_context("numpy"):
        model = _mlp()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        assert model.predict(X).shape == (96, 3)
        loss, acc = model.evaluate(X, Y, verbose=0)
        assert np.isfinite(loss) and 0 <= acc <= 1
        with pytest.raises(NotImplementedError, match="jax.*torch.*tensorflow"):
            model.fit(X, Y, verbose=0)


@pytest.mark.parametrize("trainer", TRAINABLE)
def test_stateless_call_is_pure(trainer):
    backend = trainer
    with backend_context(backend):
        model = _mlp()
        model.build((None, 6))
        x = to_backend(backend, X[:4])
        trainable = [v.value for v in model.trainable_variables]
        non_trainable = [v.value for v in model.non_trainable_variables]
        before = model.get_weights()
        zeros = [t * 0 for t in trainable]
        out, new_nt = model.stateless_call(zeros, non_trainable, x, training=True)
        np.testing.assert_allclose(to_numpy(out), np.full((4, 3), 1 / 3), rtol=1e-6)
        # the dropout key advanced in the returned state, not in the model
        assert not np.array_equal(to_numpy(new_nt[0]), to_numpy(non_trainable[0]))
        for a, b in zip(model.get_weights(), before):
            np.testing.assert_array_equal(a, b)
        with pytest.raises(ValueError, match="expected 4 trainable variables"):
            model.stateless_call(zeros[:3], non_trainable, x)


def test_stateless_call_under_jax_jit_and_grad():
    import jax
    with backend_context("jax"):
        model = _mlp()
        model.build((None, 6))
        nt = [v.value for v in model.non_trainable_variables]

        def loss(tv, x):
            out, _ = model.stateless_call(tv, nt, x)
            return (out ** 2).sum()
        tv = [v.value for v in model.trainable_variables]
        grads = jax.jit(jax.grad(loss))(tv, X[:8])
        assert [g.shape for g in grads] == [t.shape for t in tv]


def test_torch_layer_is_a_module_trained_by_torch_optim():
    torch = pytest.importorskip("torch")
    with backend_context("torch"):
        model = _mlp()
        model.build((None, 6))
    assert isinstance(model, torch.nn.Module)
    params = list(model.parameters())
    assert len(params) == 4 and all(p.requires_grad for p in params)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    x, y = torch.from_numpy(X), torch.from_numpy(Y).long()
    first = None
    for _ in range(20):
        opt.zero_grad()
        loss = torch.nn.functional.nll_loss(torch.log(model(x)), y)
        loss.backward()
        opt.step()
        first = first if first is not None else float(loss.detach())
    assert float(loss.detach()) < first
    np.testing.assert_array_equal(model.trainable_variables[0].numpy(),
                                  params[0].detach().numpy())


@pytest.mark.parametrize("source", TRAINABLE + ["numpy"])
def test_weights_saved_on_one_backend_load_on_every_other(source, tmp_path):
    model, _ = _fit(source, epochs=1, dropout=True) if source != "numpy" else (None, None)
    if model is None:
        with backend_context("numpy"):
            model = _mlp(seed=5)
            model.build((None, 6))
    path = tmp_path / "w.weights.safetensors"
    model.save_weights(path)
    want = model.predict(X[:7])
    for target in BACKENDS:
        with backend_context(target):
            other = _mlp(seed=9)
            other.build((None, 6))
            other.load_weights(path)
            np.testing.assert_allclose(other.predict(X[:7]), want, rtol=1e-5, atol=1e-6,
                                       err_msg=target)


def test_failed_loads_change_nothing(tmp_path):
    with backend_context("numpy"):
        model = _mlp()
        model.build((None, 6))
        other = models.Sequential([layers.Input((6,)), layers.Dense(3)])
    path = tmp_path / "other.weights.safetensors"
    other.save_weights(path)
    before = model.get_weights()
    with pytest.raises(ValueError, match="holds 2 weights, the model has 4"):
        model.load_weights(path)
    good = tmp_path / "good.weights.safetensors"
    model.save_weights(good)
    truncated = tmp_path / "truncated.weights.safetensors"
    truncated.write_bytes(good.read_bytes()[:100])
    with pytest.raises(ValueError, match="cannot read"):
        model.load_weights(truncated)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_config_round_trip():
    with backend_context("numpy"):
        model = _mlp()
        clone = models.Sequential.from_config(model.get_config())
    assert clone.get_config()["layers"] == model.get_config()["layers"]
    assert clone.count_params() == model.count_params() == 6 * 16 + 16 + 16 * 3 + 3


def test_functional_model_with_two_inputs_and_outputs(backend):
    with backend_context(backend):
        a, b = layers.Input((3,)), layers.Input((2,))
        h = layers.Dense(4, kernel_initializer="ones")(a)
        out1 = layers.Dense(1, kernel_initializer="ones")(h)
        out2 = layers.Dense(2, kernel_initializer="ones")(b)
        model = models.Model([a, b], [out1, out2])
        y1, y2 = model.predict([np.ones((2, 3), np.float32), np.ones((2, 2), np.float32)])
    np.testing.assert_allclose(y1, np.full((2, 1), 12.0))
    np.testing.assert_allclose(y2, np.full((2, 2), 2.0))
    # Keras's order: by depth from the outputs, the InputLayers included
    assert [type(x).__name__ for x in model.layers] == ["InputLayer", "Dense", "InputLayer",
                                                        "Dense", "Dense"]
    with backend_context(backend):  # the config round trip rebuilds the same graph
        clone = models.Functional.from_config(model.get_config())
        clone.set_weights(model.get_weights())
        z1, z2 = clone.predict([np.ones((2, 3), np.float32), np.ones((2, 2), np.float32)])
    np.testing.assert_allclose(z1, y1)
    np.testing.assert_allclose(z2, y2)
    assert clone.get_config()["output_layers"] == model.get_config()["output_layers"]


def test_subclassed_model(backend):
    class Tiny(models.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(4, kernel_initializer="ones")
            self.out = layers.Dense(1, kernel_initializer="ones")

        def call(self, x, training=False):
            return self.out(self.hidden(x))

    with backend_context(backend):
        model = Tiny()
        y = model.predict(np.ones((3, 2), np.float32))
    np.testing.assert_allclose(y, np.full((3, 1), 8.0))
    assert [v.path.split("/")[-1] for v in model.weights] == ["kernel", "bias"] * 2


def test_wrong_input_shape_names_the_layer():
    with backend_context("numpy"):
        model = _mlp()
        model.build((None, 6))
        with pytest.raises(ValueError, match=r"dense.*last axis 6.*\(2, 5\)"):
            model.predict(np.zeros((2, 5), np.float32))


def test_callbacks(tmp_path):
    backend = TRAINABLE[0]
    stop = models.EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    ckpt = models.ModelCheckpoint(str(tmp_path / "e{epoch}.weights.safetensors"),
                                  monitor="loss")
    rates = []
    sched = models.LearningRateScheduler(lambda epoch, lr: rates.append(lr) or lr * 0.5)
    _, history = _fit(backend, epochs=5, callbacks=[stop, ckpt, sched])
    assert history.epoch == [0, 1] and stop.stopped_epoch == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e1.weights.safetensors",
                                                          "e2.weights.safetensors"]
    np.testing.assert_allclose(rates, [0.001, 0.0005])
    np.testing.assert_allclose(history.history["learning_rate"], [0.0005, 0.00025])


def test_summary_lists_layers(capsys):
    with backend_context("numpy"):
        _mlp().summary()
    out = capsys.readouterr().out
    assert "Dense" in out and "(None, 16)" in out and "Total params: 163" in out


def test_default_backend_builds_weights():
    with crossops.use_backend("numpy"):
        d = layers.Dense(2)
        d.build((None, 3))
    assert isinstance(d.kernel.value, np.ndarray)


def test_jax_variables_are_pytrees_for_optax():
    """The trainable values are a list (a pytree) that jax.grad and optax take as they are."""
    optax = pytest.importorskip("optax", reason="optax is not installed")
    import jax
    with backend_context("jax"):
        model = _mlp(dropout=False)
        model.build((None, 6))
        params = [v.value for v in model.trainable_variables]
        opt = optax.adam(1e-2)
        state = opt.init(params)

        x, y = jax.numpy.asarray(X), jax.numpy.asarray(Y)

        def loss(p):
            out, _ = model.stateless_call(p, [], x)
            return -jax.numpy.mean(jax.numpy.log(out[jax.numpy.arange(len(y)), y]))
        first = float(loss(params))
        for _ in range(10):
            grads = jax.grad(loss)(params)
            updates, state = opt.update(grads, state, params)
            params = optax.apply_updates(params, updates)
    assert float(loss(params)) < first


def _crafted(good: bytes, edit) -> bytes:
    """``good`` (a safetensors file) with its JSON header changed by ``edit(header)``."""
    import json
    n = int.from_bytes(good[:8], "little")
    header = json.loads(good[8:8 + n])
    raw = edit(header)
    text = raw if isinstance(raw, bytes) else json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + good[8 + n:]


def _first(header):
    return header[sorted(k for k in header if k != "__metadata__")[0]]


CRAFTED = {
    # the crafted file of the issue: a dtype whose size does not match the data's bytes
    "dtype does not match the bytes": (lambda h: _first(h).update(dtype="F64"), "takes"),
    "offsets past the end": (lambda h: _first(h).update(data_offsets=[0, 10 ** 9]),
                             "outside"),
    "negative dimension": (lambda h: _first(h).update(shape=[-6, 16]), "bad shape"),
    "unknown dtype": (lambda h: _first(h).update(dtype="F128"), "unknown dtype"),
    "overlapping tensors": (lambda h: [e.update(data_offsets=[0, e["data_offsets"][1]
                                                              - e["data_offsets"][0]])
                                       for k, e in h.items() if k != "__metadata__"],
                            "overlap"),
    "header not JSON": (lambda h: b"{not json", "not JSON"),
}


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_crafted_weights_files_are_refused_before_reading(case, tmp_path):
    edit, message = CRAFTED[case]
    with backend_context("numpy"):
        model = _mlp()
        model.build((None, 6))
    good = tmp_path / "good.weights.safetensors"
    model.save_weights(good)
    bad = tmp_path / "bad.weights.safetensors"
    bad.write_bytes(_crafted(good.read_bytes(), edit))
    before = model.get_weights()
    with pytest.raises(ValueError, match=message) as info:
        model.load_weights(bad)
    assert "load_weights" in str(info.value) and str(bad) in str(info.value)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_a_header_longer_than_the_file_is_refused(tmp_path):
    with backend_context("numpy"):
        model = _mlp()
        model.build((None, 6))
    bad = tmp_path / "huge.weights.safetensors"
    bad.write_bytes((10 ** 12).to_bytes(8, "little") + b"{}")
    with pytest.raises(ValueError, match="header claims"):
        model.load_weights(bad)


def test_build_called_directly_marks_the_layer_built():
    """Calling build() and then the layer makes the weights once (as Keras)."""
    layer = layers.Dense(2)
    layer.build((None, 3))
    assert layer.built and len(layer.weights) == 2
    layer(np.ones((1, 3), np.float32))
    assert len(layer.weights) == 2


def test_a_model_made_in_a_backend_block_builds_there_after_it(backend):
    if backend == "numpy":
        pytest.skip("numpy is the default backend: nothing to tell apart")
    with crossops.use_backend(backend):
        model = models.Sequential([layers.Dense(4), layers.Dense(2)])
    model.build((None, 3))  # outside the block: the model keeps the backend it was made on
    assert all(isinstance(w._value, native_types(backend)) for w in model.weights)
    out = model(to_backend(backend, np.ones((2, 3), np.float32)))
    assert isinstance(out, native_types(backend)) and tuple(out.shape) == (2, 2)
