"""Model files: Keras 3's ``.keras`` and ``.weights.h5`` both ways against the installed
keras (TensorFlow backend in-process), Keras 2 ``.h5`` files, the layers' configs against
Keras's, and bad or foreign files."""

from __future__ import annotations

import json
import os
import warnings
import zipfile

import numpy as np
import pytest

import crossops
from crossops import layers, models, saving
from crossops._dispatch import from_numpy

keras = pytest.importorskip("keras")
# other Keras backends run in subprocesses: scripts/check_keras_files.py
pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                                reason="these tests use Keras on its tensorflow backend")

TRAINABLE = ["jax", "torch", "tensorflow"]
RNG = np.random.default_rng(0)


def _seq(lib):
    L = lib.layers
    return [L.Input((3,)), L.Dense(4, activation="relu"), L.Dropout(0.1), L.Dense(2)]


def _functional(lib):
    L = lib.layers
    a, b = L.Input((3,), name="a"), L.Input((2,), name="b")
    h = L.Concatenate()([a, b])
    out = L.Add()([L.Dense(5)(h), L.Dense(5, activation="tanh")(h)])
    return lib.models.Model([a, b], out)


def _cnn(lib):
    L = lib.layers
    return lib.models.Sequential([
        L.Input((6, 6, 2)), L.Conv2D(3, 3, padding="same"), L.BatchNormalization(),
        L.MaxPooling2D(), L.Conv2D(2, 2, activation="relu"), L.AveragePooling2D(1),
        L.Flatten(), L.Dropout(0.2), L.Dense(3, activation="softmax")])


def _sequence(lib):
    L = lib.layers
    x = L.Input((4, 5))
    ids = L.Input((4,), dtype="int32")
    h = L.Add()([x, L.Embedding(7, 5)(ids)])
    h = L.LayerNormalization()(h)
    h = L.MultiHeadAttention(2, 3)(h, h)
    h = L.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d")(h)
    h = L.GRU(3, return_sequences=True)(h)
    out = L.Bidirectional(L.LSTM(2))(h)
    return lib.models.Model([x, ids], out)


def _build(kind, lib):
    made = {"sequential": _seq, "functional": _functional, "cnn": _cnn,
            "sequence": _sequence}[kind](lib)
    return lib.models.Sequential(made) if isinstance(made, list) else made


INPUTS = {
    "sequential": lambda: RNG.random((4, 3), np.float32),
    "functional": lambda: [RNG.random((4, 3), np.float32), RNG.random((4, 2), np.float32)],
    "cnn": lambda: RNG.random((4, 6, 6, 2), np.float32),
    "sequence": lambda: [RNG.random((2, 4, 5), np.float32),
                         RNG.integers(0, 7, (2, 4)).astype(np.int32)],
}
KINDS = sorted(INPUTS)


def _predict(model, x):
    """The model's outputs for ``x``, called eagerly (no compiled predict: faster here)."""
    if isinstance(model, keras.Model):
        return np.asarray(model(x, training=False))
    backend = model._backend or model._made_on  # the inputs as arrays of the model's
    x = [from_numpy(backend, a) for a in x] if isinstance(x, list) else from_numpy(backend, x)
    return np.asarray(crossops.to_numpy(model(x)))


def _perturb(model):
    """Weights away from their initial values (BatchNormalization's statistics too)."""
    model.set_weights([w + RNG.normal(0, 0.1, w.shape).astype(w.dtype) if w.dtype.kind == "f"
                       else w for w in model.get_weights()])


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory):
    """A .keras file per kind saved by Keras 3, with its inputs and predictions."""
    folder = tmp_path_factory.mktemp("keras")
    out = {}
    for kind in KINDS:
        model = _build(kind, keras)
        _perturb(model)
        x = INPUTS[kind]()
        path = folder / f"{kind}.keras"
        model.save(path)
        out[kind] = (path, x, _predict(model, x))
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_crossops_loads_keras_files(kind, keras_files):
    path, x, want = keras_files[kind]
    for backend in TRAINABLE:
        with crossops.use_backend(backend):
            model = models.load_model(path)
            np.testing.assert_allclose(_predict(model, x), want, rtol=1e-5, atol=1e-5,
                                       err_msg=f"{kind} on {backend}")


@pytest.mark.parametrize("kind", KINDS)
def test_keras_loads_crossops_files(kind, backend, tmp_path):
    with crossops.use_backend(backend):
        model = _build(kind, crossops)
        _perturb(model)
        x = INPUTS[kind]()
        want = _predict(model, x)
        path = tmp_path / "m.keras"
        model.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.models.load_model(path)
    np.testing.assert_allclose(_predict(theirs, x), want, rtol=1e-5, atol=1e-5)


def test_file_layout_is_keras(tmp_path):
    with crossops.use_backend("jax"):
        model = _build("functional", crossops)
        model.compile(optimizer="adam", loss="mse")
        model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        assert set(zf.namelist()) == {"metadata.json", "config.json", "model.weights.h5"}
        config = json.loads(zf.read("config.json"))
        assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
        assert [e["class_name"] for e in config["config"]["layers"]][:2] == ["InputLayer"] * 2
        import io

        import h5py
        with h5py.File(io.BytesIO(zf.read("model.weights.h5"))) as f:
            assert f["layers/dense/vars/0"].shape == (5, 5)
            assert "layers/dense_1/vars/1" in f and "optimizer/vars/0" in f


def test_optimizer_state_and_compile_config_round_trip(tmp_path):
    with crossops.use_backend("tensorflow"):
        model = models.Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(2)])
        model.compile(optimizer=crossops.optimizers.Adam(learning_rate=0.01), loss="mse",
                      metrics=["mae"], run_eagerly=True)
        x, y = RNG.random((8, 3), np.float32), RNG.random((8, 2), np.float32)
        model.fit(x, y, epochs=2, batch_size=4, verbose=0)
        model.save(tmp_path / "m.keras")
        again = models.load_model(tmp_path / "m.keras")
        assert again.run_eagerly and int(again.optimizer.iterations) == 4
        assert again.optimizer.learning_rate == pytest.approx(0.01)
        for a, b in zip(again.optimizer.variables, model.optimizer.variables):
            np.testing.assert_allclose(a.numpy(), b.numpy())
        # both continue identically
        model.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
        again.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
        np.testing.assert_allclose(_predict(again, x), _predict(model, x), rtol=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras reads the optimizer's state without a warning
        theirs = keras.models.load_model(tmp_path / "m.keras")
    assert int(theirs.optimizer.iterations.numpy()) == 4
    assert theirs.loss == "mse"


def test_weights_files_by_extension(tmp_path):
    with crossops.use_backend("torch"):
        model = _build("cnn", crossops)
        _perturb(model)
        x = INPUTS["cnn"]()
        want = _predict(model, x)
        model.save_weights(tmp_path / "w.weights.h5")
        model.save_weights(tmp_path / "w.safetensors")
        with pytest.raises(ValueError, match=r"\.weights\.h5.*\.safetensors"):
            model.save_weights(tmp_path / "w.h5")
        with pytest.raises(ValueError, match="must end in"):
            model.load_weights(tmp_path / "w.npz")
    theirs = _build("cnn", keras)
    theirs.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_allclose(_predict(theirs, x), want, rtol=1e-5, atol=1e-6)
    _perturb(theirs)
    theirs.save_weights(tmp_path / "k.weights.h5")
    theirs.save(tmp_path / "k.keras")
    for backend in TRAINABLE:
        with crossops.use_backend(backend):
            mine = _build("cnn", crossops)
            for name in ("w.safetensors", "k.weights.h5", "k.keras"):
                mine.load_weights(tmp_path / name)
                expected = want if name == "w.safetensors" else _predict(theirs, x)
                np.testing.assert_allclose(_predict(mine, x), expected, rtol=1e-5, atol=1e-6)


def test_model_checkpoint_writes_whole_models(tmp_path):
    with crossops.use_backend("tensorflow"):
        model = _build("sequential", crossops)
        model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
        ckpt = crossops.callbacks.ModelCheckpoint(str(tmp_path / "e{epoch}.keras"))
        model.fit(RNG.random((4, 3), np.float32), RNG.random((4, 2), np.float32), epochs=1,
                  verbose=0, callbacks=[ckpt])
        again = models.load_model(tmp_path / "e1.keras")
    assert again.optimizer is not None and len(again.layers) == 3


def test_legacy_h5_files(tmp_path):
    tf_keras = pytest.importorskip("tf_keras")
    L = tf_keras.layers
    model = tf_keras.Sequential([L.Dense(4, activation="relu", input_shape=(3,)),
                                 L.BatchNormalization(), L.Dense(2)])
    a = L.Input((3,))
    functional = tf_keras.Model(a, L.Dense(2)(L.Concatenate()([a, L.Dense(2)(a)])))
    x = RNG.random((4, 3), np.float32)
    for i, m in enumerate((model, functional)):
        m.set_weights([w + 0.1 * (j + 1) for j, w in enumerate(m.get_weights())])
        m.compile(optimizer="adam", loss="mse")
        m.save(tmp_path / f"m{i}.h5")
        m.save_weights(tmp_path / f"w{i}.h5")
        want = m.predict(x, verbose=0)
        # keras 3 reads the same file identically
        np.testing.assert_allclose(keras.models.load_model(
            tmp_path / f"m{i}.h5", compile=False).predict(
            x, verbose=0), want, rtol=1e-5, atol=1e-6)
        for backend in TRAINABLE:
            with crossops.use_backend(backend):
                mine = models.load_model(tmp_path / f"m{i}.h5")
                np.testing.assert_allclose(_predict(mine, x), want, rtol=1e-5, atol=1e-6)
                assert type(mine.optimizer).__name__ == "Adam"
                fresh = models.load_model(tmp_path / f"m{i}.h5", compile=False)
                fresh.set_weights([np.zeros_like(w) for w in fresh.get_weights()])
                fresh.load_weights(tmp_path / f"w{i}.h5")
                np.testing.assert_allclose(_predict(fresh, x), want, rtol=1e-5, atol=1e-6)


# -- the layers' configs against Keras's --------------------------------------------------------
#: constructor arguments for the layers that need some (the rest take none)
ARGS = {"Dense": (2,), "Activation": ("relu",), "Dropout": (0.1,), "Reshape": ((2,),),
        "Permute": ((1,),), "RepeatVector": (2,), "Embedding": (3, 2),
        "DepthwiseConv2D": (2,), "MultiHeadAttention": (2, 2),
        "EinsumDense": ("ab,bc->ac", 2), "GRU": (2,), "LSTM": (2,), "SimpleRNN": (2,),
        "GroupNormalization": (2,), "AveragePooling1D": (2,), "AveragePooling2D": (2,),
        "AveragePooling3D": (2,), "Rescaling": (0.5,), "Resizing": (2, 2),
        "CenterCrop": (2, 2)}
ARGS.update({f"Conv{r}D{t}": (2, 2) for r in (1, 2, 3) for t in ("", "Transpose")})
ARGS["SeparableConv2D"] = (2, 2)
ARGS["InputLayer"] = ((3,),)  # its shape
#: crossops's layer classes that Keras also has (Layer itself is the abstract base)
MIRRORED = sorted(n for n in layers.__all__ if isinstance(getattr(layers, n), type)
                  and issubclass(getattr(layers, n), layers.Layer) and n != "Layer"
                  and isinstance(getattr(keras.layers, n, None), type))


#: an input shape (without the batch axis) per layer, for the check of their outputs
SHAPES = {"Conv1D": (5, 2), "Conv2D": (5, 5, 2), "Conv3D": (4, 4, 4, 2),
          "Conv1DTranspose": (5, 2), "Conv2DTranspose": (4, 4, 2),
          "Conv3DTranspose": (3, 3, 3, 2), "DepthwiseConv2D": (5, 5, 2),
          "SeparableConv2D": (5, 5, 2), "GroupNormalization": (4, 4), "SimpleRNN": (4, 3),
          "GRU": (4, 3), "LSTM": (4, 3), "Bidirectional": (4, 3), "UpSampling2D": (3, 3, 2),
          "ZeroPadding2D": (3, 3, 2), "MaxPooling1D": (4, 2), "MaxPooling2D": (4, 4, 2),
          "MaxPooling3D": (4, 4, 4, 1), "AveragePooling1D": (4, 2),
          "AveragePooling2D": (4, 4, 2), "AveragePooling3D": (4, 4, 4, 1),
          "GlobalAveragePooling1D": (3, 2), "GlobalMaxPooling1D": (3, 2),
          "GlobalAveragePooling2D": (3, 3, 2), "GlobalMaxPooling2D": (3, 3, 2),
          "Permute": (3,), "RepeatVector": (3,), "Reshape": (2,), "Flatten": (2, 3),
          "Embedding": None, "MultiHeadAttention": None, "Resizing": (4, 4, 1),
          "CenterCrop": (4, 4, 1), "BatchNormalization": (3,), "Dense": (3,),
          "EinsumDense": (3,), "LayerNormalization": (3,), "RMSNormalization": (3,),
          "Attention": None, "TimeDistributed": (4, 3),
          "InputLayer": None}  # never called: tests/test_input_layer.py


def _args(name, lib):
    if name == "Bidirectional":
        return (lib.layers.LSTM(2),)
    if name == "TimeDistributed":
        return (lib.layers.Dense(2),)
    return ARGS.get(name, ())


@pytest.mark.parametrize("name", MIRRORED)
def test_layer_config_matches_keras(name):
    try:
        theirs = getattr(keras.layers, name)(*_args(name, keras)).get_config()
    except TypeError as e:
        pytest.skip(f"keras.layers.{name} needs arguments this test does not give: {e}")
    mine = getattr(layers, name)(*_args(name, crossops)).get_config()
    assert set(mine) == set(theirs)
    # crossops -> keras -> crossops
    as_keras = getattr(keras.layers, name).from_config(json.loads(json.dumps(mine)))
    back = getattr(layers, name).from_config(as_keras.get_config())
    assert set(back.get_config()) == set(mine)
    shape = SHAPES.get(name, (3,))
    if shape is None or name in ("Add", "Average", "Concatenate", "Multiply"):
        return  # several inputs or integer ids: checked in the model tests above
    # the same weights give the same outputs (Keras's variable order and shapes)
    x = RNG.random((2, *shape), np.float32)
    with crossops.use_backend("tensorflow"):
        back(x), as_keras(x)  # built
        weights = [w + RNG.normal(0, 0.1, w.shape).astype(w.dtype) if w.dtype.kind == "f"
                   else w for w in back.get_weights()]
        if name in ("BatchNormalization", "Normalization"):  # a positive variance
            index = -1 if name == "BatchNormalization" else 1
            weights[index] = np.abs(weights[index]) + 1
        back.set_weights(weights)
        as_keras.set_weights(weights)
        if hasattr(as_keras, "finalize_state"):  # Normalization reads its state from there
            as_keras.finalize_state()
        np.testing.assert_allclose(crossops.to_numpy(back(x)), np.asarray(as_keras(x)),
                                   rtol=1e-5, atol=1e-5)


# -- bad and foreign files ----------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path):
    with crossops.use_backend("jax"):
        model = _build("sequential", crossops)
        model.save(tmp_path / "good.keras")
        model.save_weights(tmp_path / "good.weights.h5")
    return model, tmp_path


def _bad_files(folder):
    good = (folder / "good.keras").read_bytes()
    (folder / "truncated.keras").write_bytes(good[:len(good) // 2])
    with zipfile.ZipFile(folder / "noconfig.keras", "w") as zf:
        zf.writestr("metadata.json", "{}")
    with zipfile.ZipFile(folder / "good.keras") as src, \
            zipfile.ZipFile(folder / "lambda.keras", "w") as zf:
        config = json.loads(src.read("config.json"))
        config["config"]["layers"][1]["config"]["activation"] = {
            "module": "keras.layers", "class_name": "__lambda__",
            "config": {"code": "print('pwned')"}, "registered_name": None}
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("model.weights.h5", src.read("model.weights.h5"))
    import h5py
    with h5py.File(folder / "plain.h5", "w") as f:
        f["x"] = np.zeros(3)


@pytest.mark.parametrize("case, message", [
    ("truncated.keras", "not a readable zip|damaged"),
    ("noconfig.keras", "no config.json"),
    ("lambda.keras", "never runs code"),
    ("plain.h5", "no model_config"),
])
def test_bad_model_files_are_refused(case, message, saved):
    _, folder = saved
    _bad_files(folder)
    with pytest.raises(ValueError, match=message) as info:
        models.load_model(folder / case)
    assert case in str(info.value)


def test_foreign_weights_leave_the_model_unchanged(saved):
    model, folder = saved
    with crossops.use_backend("jax"):
        wider = models.Sequential([layers.Input((3,)), layers.Dense(5), layers.Dense(2)])
        wider.save_weights(folder / "wider.weights.h5")
        deeper = models.Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(4),
                                    layers.Dense(2)])
        deeper.save_weights(folder / "deeper.weights.h5")
    _bad_files(folder)
    before = model.get_weights()
    for name, message in (("wider.weights.h5", "has shape"),
                          ("deeper.weights.h5", "another architecture|has shape"),
                          ("plain.h5", "layer_names"),
                          ("truncated.keras", "zip")):
        with pytest.raises(ValueError, match=message) as info:
            model.load_weights(folder / name)
        assert name in str(info.value)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_custom_objects_and_registry(tmp_path):
    @saving.register_keras_serializable(package="test_saving")
    class Scale(layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    with crossops.use_backend("jax"):
        model = models.Sequential([layers.Input((2,)), Scale(3.0), layers.Dense(1)])
        model.save(tmp_path / "m.keras")
        x = np.ones((1, 2), np.float32)
        again = models.load_model(tmp_path / "m.keras")
        np.testing.assert_allclose(_predict(again, x), _predict(model, x))
    config = json.loads(zipfile.ZipFile(tmp_path / "m.keras").read("config.json"))
    assert config["config"]["layers"][1]["registered_name"] == "test_saving>Scale"
    config["config"]["layers"][1]["registered_name"] = "elsewhere>Scale"
    config["config"]["layers"][1]["class_name"] = "Unknown"
    with pytest.raises(ValueError, match="custom_objects"):
        saving.deserialize_keras_object(config)
    assert type(saving.deserialize_keras_object(
        config, custom_objects={"Unknown": Scale}).layers[0]).__name__ == "Scale"


def test_subclassed_model_round_trip(tmp_path):
    class Tiny(models.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden, self.out = layers.Dense(3), layers.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))

    with crossops.use_backend("tensorflow"):
        model = Tiny()
        x = RNG.random((2, 4), np.float32)
        want = _predict(model, x)
        model.save(tmp_path / "m.keras")
        with pytest.raises(ValueError, match="custom_objects"):
            models.load_model(tmp_path / "m.keras")
        again = models.load_model(tmp_path / "m.keras", custom_objects={"Tiny": Tiny})
        np.testing.assert_allclose(_predict(again, x), want, rtol=1e-6)


def test_lambda_activation_cannot_be_saved(tmp_path):
    with crossops.use_backend("jax"):
        model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
        model.compile(optimizer="sgd", loss=lambda y, p: (y - p) ** 2)
        with pytest.raises(ValueError, match="lambda"):
            model.save(tmp_path / "m.keras")
    assert not os.path.exists(tmp_path / "m.keras")


@pytest.mark.parametrize("module", ["crossops.saving", "crossops.saving._registry",
                                    "crossops.saving._serialization",
                                    "crossops.saving._keras_file", "crossops.layers._config"])
def test_examples_run_as_doctests(module):
    import doctest
    import importlib
    mod = importlib.import_module(module)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in doctest.DocTestFinder(exclude_empty=True).find(mod, module):
        runner.run(test)
    if module == "crossops.saving":
        for test in doctest.DocTestFinder().find(models.Model.save, "Model.save"):
            runner.run(test)
    assert runner.failures == 0, f"{runner.failures} of {runner.tries} example lines failed"


# -- a Sequential's config as Keras's: built by a call, by build(), given an Input, nested --

_SEQ_X = RNG.random((5, 3), np.float32)


def _seq_layers(L):
    return [L.Dense(4, name="a"), L.Dense(2, name="b")]


def _seq_inner(lib):
    return lib.models.Sequential([lib.layers.Dense(4, name="a")], name="inner")


def _seq_then(model, how):
    """``model`` built as ``how`` says: called on ``_SEQ_X`` (a batch of 5), built for a
    shape, or left as it is."""
    if how == "call":
        model(_SEQ_X)
    elif how is not None:
        model.build(how)
    return model


_SEQ_CASES = {
    "called": lambda lib: _seq_then(lib.models.Sequential(_seq_layers(lib.layers), name="s"),
                                    "call"),
    "built_batch_7": lambda lib: _seq_then(
        lib.models.Sequential(_seq_layers(lib.layers), name="s"), (7, 3)),
    "built_no_batch": lambda lib: _seq_then(
        lib.models.Sequential(_seq_layers(lib.layers), name="s"), (None, 3)),
    "input": lambda lib: lib.models.Sequential(
        [lib.layers.Input((3,)), *_seq_layers(lib.layers)], name="s"),
    "input_batch_5": lambda lib: lib.models.Sequential(
        [lib.layers.Input((3,), batch_size=5), *_seq_layers(lib.layers)], name="s"),
    "nested_called": lambda lib: _seq_then(lib.models.Sequential(
        [_seq_inner(lib), lib.layers.Dense(2, name="b")], name="s"), "call"),
    "nested_built": lambda lib: _seq_then(lib.models.Sequential(
        [_seq_inner(lib), lib.layers.Dense(2, name="b")], name="s"), (None, 3)),
    "nested_input": lambda lib: lib.models.Sequential(
        [lib.layers.Input((3,)), _seq_inner(lib), lib.layers.Dense(2, name="b")], name="s"),
    "mixed_bfloat16_called": lambda lib: _seq_then(lib.models.Sequential(
        [lib.layers.Dense(4, name="a", dtype="mixed_bfloat16")], name="s"), "call"),
    "added_after_call": lambda lib: _seq_added_after_call(lib),
    "unbuilt": lambda lib: lib.models.Sequential(_seq_layers(lib.layers), name="s"),
}


def _seq_added_after_call(lib):
    model = _seq_then(lib.models.Sequential([lib.layers.Dense(4, name="a")], name="s"), "call")
    model.add(lib.layers.Dense(2, name="b"))  # the model builds again on its InputLayer
    return model


def _seq_config(model) -> str:
    """The model's config as JSON (key order kept), the InputLayers' names (Keras's
    counter, ``input_layer``, ``input_layer_1`` ...) replaced by one word."""
    config = json.loads(json.dumps(model.get_config()))

    def visit(c):
        if isinstance(c, dict):
            if c.get("class_name") == "InputLayer":
                name = c["config"]["name"]
                assert name == "input_layer" or name.startswith("input_layer_"), name
                c["config"]["name"] = "INPUT"
            for v in c.values():
                visit(v)
        elif isinstance(c, list):
            for v in c:
                visit(v)
    visit(config)
    return json.dumps(config)


@pytest.mark.parametrize("case", sorted(_SEQ_CASES))
def test_sequential_config_is_keras(case, backend):
    """A Sequential built by a call (Keras's InputLayer with the call's batch size first),
    by ``build(shape)``, given an Input, nested, unbuilt: crossops's config equals Keras
    3.15's, values and key order; each reads the other's config (Keras's ``from_config``
    and crossops's) into a model of the same config and weight paths."""
    want_model = _SEQ_CASES[case](keras)
    want = _seq_config(want_model)
    # a model read from a config builds its layers before itself: their own paths
    read = keras.Sequential.from_config(json.loads(json.dumps(want_model.get_config())))
    with crossops.use_backend(backend):
        mine = _SEQ_CASES[case](crossops)
        assert _seq_config(mine) == want
        assert [v.path for v in mine.weights] == [v.path for v in want_model.weights]
        ours = models.Sequential.from_config(json.loads(json.dumps(want_model.get_config())))
        assert _seq_config(ours) == want
        assert [v.path for v in ours.weights] == [v.path for v in read.weights]
        config = json.loads(json.dumps(mine.get_config()))
    theirs = keras.Sequential.from_config(config)
    assert _seq_config(theirs) == want
    assert [v.path for v in theirs.weights] == [v.path for v in read.weights]


@pytest.mark.parametrize("case", sorted(set(_SEQ_CASES) - {"unbuilt"}))
def test_sequential_keras_files_both_ways(case, backend, tmp_path):
    """The built Sequentials in ``.keras`` files: Keras's file loads in crossops, and
    crossops's in Keras, with Keras's config, weight paths and outputs."""
    ref = _SEQ_CASES[case](keras)
    ref.set_weights([RNG.normal(0, 0.5, w.shape).astype(w.dtype) for w in ref.get_weights()])
    ref.save(tmp_path / "keras.keras")
    want = _predict(ref, _SEQ_X)
    paths = [v.path for v in keras.models.load_model(tmp_path / "keras.keras").weights]
    with crossops.use_backend(backend):
        ours = models.load_model(tmp_path / "keras.keras")
        assert _seq_config(ours) == _seq_config(ref)
        assert [v.path for v in ours.weights] == paths
        np.testing.assert_allclose(_predict(ours, _SEQ_X).astype(np.float32),
                                   want.astype(np.float32), rtol=1e-5, atol=1e-6)
        mine = _SEQ_CASES[case](crossops)
        mine.set_weights(ref.get_weights())
        mine.save(tmp_path / "crossops.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.models.load_model(tmp_path / "crossops.keras")
    assert _seq_config(theirs) == _seq_config(ref)
    assert [v.path for v in theirs.weights] == paths
    np.testing.assert_allclose(_predict(theirs, _SEQ_X).astype(np.float32),
                               want.astype(np.float32), rtol=1e-5, atol=1e-6)


def _counted(name: str) -> tuple[str, int]:
    """An automatic name as (base, counter): ``input_layer`` -> ("input_layer", 0),
    ``input_layer_4`` -> ("input_layer", 4)."""
    base, _, n = name.rpartition("_")
    return (base, int(n)) if n.isdigit() else (name, 0)


def _input_names(lib):
    """The names a user sees of three Inputs (the second named "pixels") made one after
    another, as a functional model on them holds them: each tensor's name, and the input
    layers' names in the model's config (its layers and ``input_layers``), each automatic
    one as (base, counter relative to the first Input's)."""
    a, b, c = lib.layers.Input((3,)), lib.layers.Input((3,), name="pixels"), lib.layers.Input((2,))
    y = lib.layers.Concatenate(name="cat")([a, b, c])
    config = lib.models.Model([a, b, c], y, name="m").get_config()
    layer_names = [e["config"]["name"] for e in config["layers"] if e["class_name"] == "InputLayer"]
    assert layer_names == [e["name"] for e in config["layers"][:3]]
    assert layer_names == [r[0] for r in config["input_layers"]]

    def relative(names):
        first = _counted(names[0])[1]
        return [name if name == "pixels" else (_counted(name)[0], _counted(name)[1] - first)
                for name in names]
    return {"tensors": relative([a.name, b.name, c.name]), "layers": relative(layer_names)}


def test_input_names_are_keras(backend):
    """``Input`` names its tensor as Keras does (``keras_tensor``, ``keras_tensor_1`` ...) and
    its input layer too (``input_layer``, ``input_layer_1`` ... in the model's config; a
    given name names both); the counters compared from each library's first Input."""
    want = _input_names(keras)
    assert want == {"tensors": [("keras_tensor", 0), "pixels", ("keras_tensor", 1)],
                    "layers": [("input_layer", 0), "pixels", ("input_layer", 1)]}
    with crossops.use_backend(backend):
        assert _input_names(crossops) == want


def test_input_layer_names_in_keras_files(backend, tmp_path):
    """A functional model on automatically named Inputs saved by crossops: Keras reads its
    input layers by the names crossops gave (``input_layer...``), and crossops reads them
    back the same."""
    with crossops.use_backend(backend):
        x = layers.Input((3,))
        model = models.Model(x, layers.Dense(2, name="d")(x), name="m")
        name = model.get_config()["input_layers"][0]  # one input: one [name, 0, 0]
        assert _counted(name)[0] == "input_layer"
        model.save(tmp_path / "m.keras")
        back = models.load_model(tmp_path / "m.keras")
        assert back.get_config()["input_layers"][0] == name
    theirs = keras.models.load_model(tmp_path / "m.keras")
    assert theirs.layers[0].name == name
    assert theirs.get_config()["input_layers"][0] == name
