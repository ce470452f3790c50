"""``InputLayer`` and ``Input`` against Keras 3 (the installed keras, in-process on its
tensorflow backend): the layer's signature, config and errors; a functional model's
``layers`` (its InputLayers in Keras's order), ``get_layer``, ``inputs`` / ``input``,
``summary``, config and files; a Sequential's ``layers`` without its InputLayer; and a
model's calls never calling its InputLayers."""

from __future__ import annotations

import inspect
import io
import json
import re
import warnings

import numpy as np
import pytest

import crossops
from crossops import layers, models
from crossops._dispatch import from_numpy

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)


# -- graphs built the same way in Keras and crossops ----------------------------------------
def _chain(lib):
    L = lib.layers
    x = L.Input((3,), name="x")
    return lib.models.Model(x, L.Dense(2, name="d")(L.Dense(4, name="h")(x)), name="m")


def _deep_and_shallow(lib):
    """One input read at the bottom, one only by the last layer (Keras puts it after the
    first input's layers), given in swapped order."""
    L = lib.layers
    a, b = L.Input((3,), name="a"), L.Input((2,), name="b")
    h = L.Dense(2, name="d2")(L.Dense(2, name="d1")(a))
    return lib.models.Model([b, a], L.Concatenate(name="c")([h, b]), name="m")


def _unused_input(lib):
    L = lib.layers
    a, b, c = L.Input((3,), name="a"), L.Input((2,), name="b"), L.Input((1,), name="unused")
    out = L.Concatenate(name="c")([L.Dense(2, name="d")(a), b])
    return lib.models.Model([a, b, c], out, name="m")


def _two_outputs(lib):
    L = lib.layers
    a, b = L.Input((3,), name="a"), L.Input((2,), name="b")
    h = L.Dense(4, name="h")(a)
    return lib.models.Model([a, b], [L.Dense(1, name="o1")(h), L.Dense(2, name="o2")(b)],
                            name="m")


def _shared_layer(lib):
    L = lib.layers
    a, b = L.Input((3,), name="a"), L.Input((3,), name="b")
    shared = L.Dense(2, name="shared")
    return lib.models.Model({"a": a, "b": b}, L.Add(name="add")([shared(a), shared(b)]),
                            name="m")


def _nested(lib):
    """A functional model used as a layer: the outer model lists it once, and its own
    InputLayer only."""
    L = lib.layers
    inner_x = L.Input((3,), name="inner_x")
    inner = lib.models.Model(inner_x, L.Dense(2, name="inner_d")(inner_x), name="inner")
    x = L.Input((3,), name="x")
    return lib.models.Model(x, L.Dense(1, name="d")(inner(x)), name="m")


GRAPHS = {"chain": _chain, "deep_and_shallow": _deep_and_shallow,
          "unused_input": _unused_input, "two_outputs": _two_outputs,
          "shared_layer": _shared_layer, "nested": _nested}
INPUTS = {"chain": [(3,)], "deep_and_shallow": [(2,), (3,)], "unused_input": [(3,), (2,), (1,)],
          "two_outputs": [(3,), (2,)], "shared_layer": {"a": (3,), "b": (3,)},
          "nested": [(3,)]}


def _data(case):
    shapes = INPUTS[case]
    if isinstance(shapes, dict):
        return {k: RNG.random((4, *s), np.float32) for k, s in shapes.items()}
    arrays = [RNG.random((4, *s), np.float32) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def _kind(structure) -> str:
    """"tensor" for a tensor, else the container's type (list, tuple, dict)."""
    return type(structure).__name__ if isinstance(structure, list | tuple | dict) \
        else "tensor"


def _listing(model) -> list[tuple[str, str]]:
    return [(type(layer).__name__, layer.name) for layer in model.layers]


def _normalized(config):
    """A config as JSON-ready data, the InputLayers' automatic names (Keras's counter,
    ``input_layer_<n>``) replaced by one word."""
    text = json.dumps(config)
    return json.loads(re.sub(r'"input_layer(_\d+)?"', '"INPUT"', text))


def _graph(config) -> dict:
    """What a functional config says of the graph: each entry's class, name and calls in
    order (an InputLayer's whole entry), and the model's input and output references;
    each layer's own config is compared with Keras's in tests/test_saving.py."""
    config = _normalized(config)
    entries = [entry if entry["class_name"] == "InputLayer" else
               {"class_name": entry["class_name"], "name": entry["name"],
                "inbound_nodes": [{"args": node["args"],
                                   "kwargs": {k: v for k, v in node["kwargs"].items()
                                              if v is not None}}
                                  for node in entry["inbound_nodes"]]}
               for entry in config["layers"]]
    return {"layers": entries, **{k: config[k] for k in ("name", "trainable", "input_layers",
                                                        "output_layers")}}


@pytest.mark.parametrize("case", sorted(GRAPHS))
def test_functional_layers_are_keras(case, backend):
    """``layers`` lists the InputLayers in Keras's order (by depth, not first where an
    input is read late; an unused input kept), ``get_layer`` finds each layer by name and
    index, ``inputs`` / ``outputs`` are flat lists and ``input`` / ``output`` the
    structures given, and the config lists the layers in the same order, equal to
    Keras's."""
    theirs = GRAPHS[case](keras)
    with crossops.use_backend(backend):
        mine = GRAPHS[case](crossops)
    assert _listing(mine) == _listing(theirs)
    for i, layer in enumerate(theirs.layers):
        assert type(mine.get_layer(layer.name)).__name__ == type(layer).__name__
        assert mine.get_layer(index=i) is mine.layers[i]
    assert [t.name for t in mine.inputs] == [t.name for t in theirs.inputs]
    assert [t.shape for t in mine.outputs] == [tuple(t.shape) for t in theirs.outputs]
    assert _kind(mine.input) == _kind(theirs.input)
    assert _kind(mine.output) == _kind(theirs.output)
    for layer in mine.layers:
        if isinstance(layer, layers.InputLayer):
            assert layer.weights == [] and layer.count_params() == 0
            assert any(t is layer.output for t in mine.inputs)
    assert _graph(mine.get_config()) == _graph(theirs.get_config())
    # the weights: Keras's paths, order and count (no InputLayer adds one)
    assert [v.path for v in mine.weights] == [v.path for v in theirs.weights]
    assert mine.count_params() == theirs.count_params()


@pytest.mark.parametrize("case", sorted(GRAPHS))
def test_functional_config_round_trips(case, backend):
    """A config (crossops's or Keras's) read by ``Model.from_config`` gives a Functional
    with Keras's layers, the same as Keras reading it, and the same outputs."""
    theirs = GRAPHS[case](keras)
    with crossops.use_backend(backend):
        mine = GRAPHS[case](crossops)
        mine.set_weights(theirs.get_weights())
        from_theirs = models.Model.from_config(json.loads(json.dumps(theirs.get_config())))
        from_mine = models.Model.from_config(json.loads(json.dumps(mine.get_config())))
    assert isinstance(from_theirs, models.Functional)
    listing = _listing(keras.Model.from_config(json.loads(json.dumps(mine.get_config()))))
    assert listing == _listing(theirs)
    assert _listing(from_theirs) == _listing(from_mine) == _listing(theirs)
    x = _data(case)
    from_mine.set_weights(theirs.get_weights())
    want = theirs(x)
    got = _call(from_mine, x)
    for g, w in zip(got if isinstance(got, list) else [got],
                    want if isinstance(want, list) else [want], strict=True):
        np.testing.assert_allclose(g, np.asarray(w), rtol=1e-5, atol=1e-6)


def _call(model, x):
    """The model's outputs for host data ``x``, as NumPy arrays (an eager call)."""
    backend = model._backend or model._made_on
    if isinstance(x, dict):
        x = {k: from_numpy(backend, v) for k, v in x.items()}
    elif isinstance(x, list):
        x = [from_numpy(backend, v) for v in x]
    else:
        x = from_numpy(backend, x)
    out = model(x)
    if isinstance(out, list):
        return [np.asarray(crossops.to_numpy(o)) for o in out]
    return np.asarray(crossops.to_numpy(out))


# -- the layer itself ---------------------------------------------------------------------------
def test_signatures_are_keras():
    assert inspect.signature(layers.InputLayer.__init__).parameters.keys() == \
        inspect.signature(keras.layers.InputLayer.__init__).parameters.keys()
    assert inspect.signature(layers.Input).parameters.keys() == \
        inspect.signature(keras.layers.Input).parameters.keys()
    for name in ("shape", "batch_size", "dtype", "sparse", "ragged", "batch_shape", "optional",
                 "name"):
        assert inspect.signature(layers.InputLayer).parameters[name].default == \
            inspect.signature(keras.layers.InputLayer).parameters[name].default, name


CONFIG_CASES = [
    {"shape": (3,)},
    {"shape": (None, 4), "batch_size": 2},
    {"shape": ()},
    {"batch_shape": (5, 3), "dtype": "int32"},
    {"shape": [3], "dtype": "float64", "optional": True},
    {"batch_input_shape": (None, 7)},
    {"shape": (3,), "sparse": False, "ragged": False, "name": "given"},
]


@pytest.mark.parametrize("kwargs", CONFIG_CASES, ids=str)
def test_config_is_keras(kwargs, backend):
    """The config equals Keras's for the same arguments (the automatic name aside), and
    each library reads the other's; the output tensor has that shape and dtype."""
    theirs = keras.layers.InputLayer(**kwargs)
    with crossops.use_backend(backend):
        mine = layers.InputLayer(**kwargs)
    want = _normalized(theirs.get_config())
    assert _normalized(mine.get_config()) == want
    assert mine.batch_shape == tuple(theirs.batch_shape) and mine.dtype == theirs.dtype
    assert mine.output.shape == tuple(theirs.output.shape)
    assert mine.output.dtype == theirs.output.dtype
    assert mine.output.name == mine.name if "name" in kwargs else \
        mine.output.name.startswith("keras_tensor")
    config = json.loads(json.dumps(mine.get_config()))
    assert _normalized(keras.layers.InputLayer.from_config(config).get_config()) == want
    back = layers.InputLayer.from_config(json.loads(json.dumps(theirs.get_config())))
    assert _normalized(back.get_config()) == want
    assert crossops.saving.serialize_keras_object(mine) == json.loads(json.dumps(
        keras.saving.serialize_keras_object(theirs)).replace(theirs.name, mine.name))
    assert isinstance(crossops.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(theirs)), layers.InputLayer)


def test_deprecated_input_shape_warns_as_keras():
    with pytest.warns(UserWarning, match="input_shape"):
        theirs = keras.layers.InputLayer(input_shape=(5,))
    with pytest.warns(UserWarning, match="input_shape"):
        mine = layers.InputLayer(input_shape=(5,))
    assert mine.batch_shape == tuple(theirs.batch_shape) == (None, 5)


BAD = [
    {},
    {"shape": (3,), "batch_shape": (None, 3)},
    {"batch_size": 2, "batch_shape": (2, 3)},
    {"shape": (-1,)},
    {"shape": 3},
    {"shape": (2.0,)},
    {"shape": "3"},
    {"input_tensor": 3},
]


@pytest.mark.parametrize("kwargs", BAD, ids=str)
def test_bad_arguments_raise_as_keras(kwargs):
    with pytest.raises(ValueError):
        keras.layers.InputLayer(**kwargs)
    with pytest.raises(ValueError, match="InputLayer"):
        layers.InputLayer(**kwargs)


def test_input_tensor_is_wrapped():
    """``input_tensor`` (``Input``'s ``tensor``): the layer's output is that tensor, which
    now points at the layer; arguments that disagree with it raise, as in Keras."""
    for lib in (keras, crossops):
        t = lib.layers.Input((3,), name=f"t_{lib.__name__}")
        wrapped = lib.layers.InputLayer(input_tensor=t, name=f"w_{lib.__name__}")
        assert wrapped.output is t
        assert lib.layers.Input(tensor=t).shape == t.shape
        for bad in ({"shape": (4,)}, {"batch_size": 3}, {"batch_shape": (None, 4)},
                    {"dtype": "int32"}):
            with pytest.raises(ValueError):
                lib.layers.InputLayer(input_tensor=t, **bad)
    t = layers.Input((3,))
    layer = layers.InputLayer(input_tensor=t, name="w")
    x = layers.Dense(2, name="d")(t)
    assert models.Model(t, x).get_layer("w") is layer


def test_layer_has_no_weights_and_reads_nothing():
    for lib in (keras, crossops):
        layer = lib.layers.InputLayer(shape=(3,))
        assert layer.weights == [] and layer.trainable_weights == [] and \
            layer.non_trainable_weights == [] and layer.count_params() == 0
        assert layer.built and list(layer.input) == []
        assert layer.compute_dtype == "float32"


def test_sparse_and_ragged_are_refused():
    """crossops's symbolic inputs are dense: sparse=True or ragged=True raise a
    ValueError naming the argument (Keras does the same on backends without them)."""
    for flag in ("sparse", "ragged"):
        with pytest.raises(ValueError, match=flag):
            layers.InputLayer(shape=(3,), **{flag: True})


# -- Sequential --------------------------------------------------------------------------------
SEQUENTIALS = {
    "input_layer": lambda lib: lib.models.Sequential(
        [lib.layers.InputLayer(shape=(3,), name="in"), lib.layers.Dense(2, name="d")],
        name="s"),
    "input": lambda lib: lib.models.Sequential(
        [lib.layers.Input((3,), name="in"), lib.layers.Dense(2, name="d")], name="s"),
    "added": lambda lib: _added(lib),
}


def _added(lib):
    model = lib.models.Sequential(name="s")
    model.add(lib.layers.InputLayer(batch_shape=(4, 3), name="in"))
    model.add(lib.layers.Dense(2, name="d"))
    return model


@pytest.mark.parametrize("case", sorted(SEQUENTIALS))
def test_sequential_lists_no_input_layer(case, backend):
    """A Sequential takes an InputLayer (or an Input) first but does not list it in
    ``layers`` (Keras's); ``get_layer`` does not find it; its config holds it first; its
    ``inputs`` and ``outputs`` are Keras's."""
    theirs = SEQUENTIALS[case](keras)
    with crossops.use_backend(backend):
        mine = SEQUENTIALS[case](crossops)
    assert _listing(mine) == _listing(theirs) == [("Dense", "d")]
    for lib_model in (theirs, mine):
        with pytest.raises(ValueError, match="No such layer|no such layer"):
            lib_model.get_layer("in")
    assert mine.get_config() == json.loads(json.dumps(theirs.get_config()))
    assert [t.shape for t in mine.inputs] == [tuple(t.shape) for t in theirs.inputs]
    assert [t.shape for t in mine.outputs] == [tuple(t.shape) for t in theirs.outputs]
    for lib, model in ((keras, theirs), (crossops, mine)):
        with pytest.raises(ValueError):
            model.add(lib.layers.InputLayer(shape=(3,)))


def test_unbuilt_sequential_has_no_inputs():
    for lib in (keras, crossops):
        model = lib.models.Sequential([lib.layers.Dense(2)])
        with pytest.raises(AttributeError, match="no defined inputs"):
            model.inputs  # noqa: B018


# -- get_layer and summary ---------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [{"name": "nope"}, {"index": 9}, {},
                                    {"name": "x", "index": 0}], ids=str)
def test_get_layer_errors_are_keras(kwargs):
    for lib in (keras, crossops):
        model = _chain(lib)
        with pytest.raises(ValueError) as info:
            model.get_layer(**kwargs)
        words = {"name": "no such layer", "index": "retrieve layer at index 9"}
        key = "both" if len(kwargs) == 2 else next(iter(kwargs), "neither")
        expect = {"both": "only a layer name or a layer index",
                  "neither": "either a layer name or layer index"}.get(key, words.get(key))
        assert expect in str(info.value).lower()


def test_summary_lists_input_layers(backend):
    """``summary`` shows the InputLayers, as Keras's, with their shapes and no
    parameters; a Sequential's summary does not."""
    lines: list[str] = []
    with crossops.use_backend(backend):
        _deep_and_shallow(crossops).summary(print_fn=lines.append)
    theirs: list[str] = []
    keras_model = _deep_and_shallow(keras)
    keras_model.summary(print_fn=lambda s, **_: theirs.append(s))
    text = "\n".join(theirs)
    rows = [line.split() for line in lines[2:-1]]
    assert [r[0] for r in rows] == [layer.name for layer in keras_model.layers]
    for name, shape in (("a", "(None, 3)"), ("b", "(None, 2)")):
        assert f"{name} (InputLayer)" in text
        row = next(line for line in lines if line.startswith(f"{name} (InputLayer)"))
        assert shape in row and row.split()[-1] == "0"
    seq: list[str] = []
    with crossops.use_backend(backend):
        SEQUENTIALS["input_layer"](crossops).summary(print_fn=seq.append)
    assert not any("InputLayer" in line for line in seq)


# -- files -------------------------------------------------------------------------------------
def _h5_names(data: bytes) -> list[str]:
    import h5py
    names: list[str] = []
    with h5py.File(io.BytesIO(data), "r") as f:
        f.visit(names.append)
    return sorted(names)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="Keras's models are called on its tensorflow backend here")
def test_keras_files_both_ways(backend, tmp_path):
    """``.keras`` files of a model whose second input is read late: crossops loads
    Keras's with Keras's ``layers`` and outputs, Keras loads crossops's with the same;
    ``save_weights`` writes Keras's h5 layout (the InputLayers' empty groups included)."""
    import zipfile
    theirs = _deep_and_shallow(keras)
    theirs.set_weights([RNG.normal(0, 0.5, w.shape).astype(w.dtype)
                        for w in theirs.get_weights()])
    theirs.save(tmp_path / "keras.keras")
    theirs.save_weights(tmp_path / "keras.weights.h5")
    x = _data("deep_and_shallow")
    want = np.asarray(theirs(x))
    with crossops.use_backend(backend):
        ours = models.load_model(tmp_path / "keras.keras")
        assert _listing(ours) == _listing(theirs)
        np.testing.assert_allclose(_call(ours, x), want, rtol=1e-5, atol=1e-6)
        mine = _deep_and_shallow(crossops)
        mine.load_weights(tmp_path / "keras.weights.h5")
        np.testing.assert_allclose(_call(mine, x), want, rtol=1e-5, atol=1e-6)
        mine.save(tmp_path / "crossops.keras")
        mine.save_weights(tmp_path / "crossops.weights.h5")
    assert _h5_names((tmp_path / "crossops.weights.h5").read_bytes()) == \
        _h5_names((tmp_path / "keras.weights.h5").read_bytes())
    with zipfile.ZipFile(tmp_path / "crossops.keras") as zf:
        assert _h5_names(zf.read("model.weights.h5")) == \
            _h5_names((tmp_path / "keras.weights.h5").read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = keras.models.load_model(tmp_path / "crossops.keras")
    assert _listing(loaded) == _listing(theirs)
    np.testing.assert_allclose(np.asarray(loaded(x)), want, rtol=1e-5, atol=1e-6)


# -- the hot path ------------------------------------------------------------------------------
@pytest.mark.parametrize("jit", [False, True])
def test_calls_never_call_input_layers(backend, jit, monkeypatch):
    """A model's call, ``predict`` and ``fit`` run the graph from its inputs: no
    InputLayer is called (its ``call`` raising here changes nothing)."""
    if backend == "numpy":
        pytest.skip("numpy has no fit (no gradients); the call is checked on the others")

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"{self.name} was called")
    monkeypatch.setattr(layers.InputLayer, "call", refuse)
    x, y = _data("deep_and_shallow"), RNG.random((4, 4), np.float32)
    with crossops.use_backend(backend):
        model = _deep_and_shallow(crossops)
        model.compile(optimizer="sgd", loss="mse", jit_compile=jit)
        before = [np.array(w, copy=True) for w in model.get_weights()]
        model.fit(x, y, epochs=1, batch_size=2, verbose=0)
        assert any(np.any(a != b) for a, b in zip(before, model.get_weights()))
        assert model.predict(x, verbose=0).shape == (4, 4)
        assert _call(model, x).shape == (4, 4)


@pytest.mark.parametrize("module", ["crossops.layers._input_layer", "crossops.models._model"])
def test_examples_run_as_doctests(module):
    import doctest
    import importlib
    mod = importlib.import_module(module)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in doctest.DocTestFinder(exclude_empty=True).find(mod, module, module=mod):
        runner.run(test)
    assert runner.tries >= 4 and runner.failures == 0
