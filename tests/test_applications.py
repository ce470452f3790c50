"""crossops.applications against Keras's: predictions on Keras's weights (one small case
per backend here; every model, backend and data format in scripts/check_applications.py),
the ``weights=`` argument, ``preprocess_input`` and ``decode_predictions``."""

from __future__ import annotations

import contextlib
import doctest
import importlib
import json
import os

import numpy as np
import pytest

import crossops
from crossops import applications, layers
from crossops.applications import imagenet_utils

from .applications_keras import compare

keras = pytest.importorskip("keras")

#: one model per backend, as small as it goes (the script runs the full matrix)
CASES = {
    "jax": ("VGG16", "channels_last", {"include_top": False, "pooling": "max"}),
    "torch": ("EfficientNetB0", "channels_first", {"classes": 10}),
    "tensorflow": ("MobileNetV2", "channels_last", {"alpha": 0.35, "classes": 10}),
    "numpy": ("ResNet50V2", "channels_first", {"include_top": False, "pooling": "avg"}),
}


def test_application_matches_keras(backend):
    name, data_format, kwargs = CASES[backend]
    assert compare(name, backend, data_format, size=32, **kwargs) <= 1e-5


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras cache folder (``$KERAS_HOME``)."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    return tmp_path / "models"


def test_imagenet_weights_missing_say_where_to_put_them(keras_home):
    expected = os.path.join(str(keras_home), "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")
    with pytest.raises(ValueError, match="VGG16: weights='imagenet'") as info:
        applications.VGG16(include_top=False, input_shape=(32, 32, 3))
    assert expected in str(info.value) and "never downloads" in str(info.value)
    with pytest.raises(ValueError, match="mobilenet_v2_weights_tf_dim_ordering_tf_kernels_"
                                         "1.0_224.h5"):
        applications.MobileNetV2()
    with pytest.raises(ValueError, match="efficientnetb0_notop.h5"):
        applications.EfficientNetB0(include_top=False)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="ResNet50: weights must be None"):
        applications.ResNet50(weights="/no/such/file.h5")
    with pytest.raises(ValueError, match="classes must be 1000"):
        applications.ResNet50V2(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="pooling must be"):
        applications.VGG19(weights=None, include_top=False, pooling="mean")
    with pytest.raises(ValueError, match="at least 32x32"):
        applications.VGG19(weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="classifier_activation"):
        applications.MobileNetV2(weights="imagenet", classifier_activation="relu")


def test_weights_from_a_local_file(tmp_path):
    source = applications.MobileNetV2((32, 32, 3), alpha=0.35, include_top=False,
                                      weights=None)
    source.set_weights([np.full(w.shape, i / 100, np.float32)
                        for i, w in enumerate(source.get_weights())])
    path = str(tmp_path / "m.safetensors")
    source.save_weights(path)
    model = applications.MobileNetV2((32, 32, 3), alpha=0.35, include_top=False,
                                     weights=path)
    for a, b in zip(model.get_weights(), source.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_keras_files_load_by_name(keras_home, tmp_path):
    """weights="imagenet" reads Keras's legacy .h5 under Keras's file name from Keras's
    cache folder (a 32x32 MobileNetV2 takes the 224 file, with Keras's warning);
    weights=<path> reads a Keras 3 .weights.h5."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    from .applications_keras import finalize, random_weights
    theirs = keras.applications.MobileNetV2((32, 32, 3), alpha=0.35, include_top=False,
                                            weights=None)
    theirs.set_weights(random_weights(theirs, seed=3))
    finalize(theirs)
    name = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"
    with h5py.File(keras_home / name, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, theirs)
    theirs.save_weights(str(tmp_path / "m.weights.h5"))
    x = np.random.default_rng(0).uniform(0, 255, (1, 32, 32, 3)).astype(np.float32)
    expected = np.asarray(theirs(x))
    by_name = {layer.name: layer.get_weights() for layer in theirs.layers}
    with crossops.use_backend("numpy"):
        for weights in ("imagenet", str(tmp_path / "m.weights.h5")):
            with pytest.warns(UserWarning, match="224x224") if weights == "imagenet" \
                    else contextlib.nullcontext():
                mine = applications.MobileNetV2((32, 32, 3), alpha=0.35, include_top=False,
                                                weights=weights)
            for layer in mine.layers:
                if isinstance(layer, layers.InputLayer):  # no weights; its name a counter's
                    continue
                for a, b in zip(layer.get_weights(), by_name[layer.name], strict=True):
                    np.testing.assert_array_equal(a, b)
            # the weights are Keras's exactly; the outputs as close as float32 lets 52
            # layers of random weights be (the 1e-5 checks are test_application_matches_keras)
            got = crossops.to_numpy(mine(x))
            assert np.max(np.abs(got - expected)) <= 1e-4 * np.max(np.abs(expected))


def test_input_tensor_and_its_source_inputs():
    image = layers.Input((32, 32, 3))
    x = layers.Rescaling(2.0)(image)
    model = applications.ResNet50(weights=None, input_tensor=x, include_top=False,
                                  pooling="avg")
    assert model.inputs == [image] and model.layers[0] is image._input_layer
    assert model.layers[1].name.startswith("rescaling")  # Keras's: the InputLayer first
    assert model(np.zeros((1, 32, 32, 3), np.float32)).shape == (1, 2048)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_preprocess_input_matches_keras(backend, mode, data_format):
    from keras.applications import imagenet_utils as keras_utils
    x = np.random.default_rng(0).uniform(0, 255, (2, 3, 4, 3)).astype(np.float32)
    if data_format == "channels_first":
        x = x.transpose(0, 3, 1, 2)
    kept = x.copy()
    expected = keras_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    with crossops.use_backend(backend):
        arg = crossops.numpy.asarray(x) if backend != "numpy" else x
        got = imagenet_utils.preprocess_input(arg, data_format=data_format, mode=mode)
        assert type(got) is type(arg)
        got = crossops.to_numpy(got)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-4)
    np.testing.assert_array_equal(x, kept)  # never written over (Keras writes over x)
    one = imagenet_utils.preprocess_input(x[0], data_format=data_format, mode=mode)
    np.testing.assert_allclose(one, expected[0], rtol=1e-6, atol=1e-4)


def test_preprocess_input_of_each_model_and_integers():
    x = np.arange(12, dtype=np.uint8).reshape(1, 2, 2, 3)
    from keras.applications import mobilenet_v2, resnet, resnet_v2, vgg16, vgg19
    for mine, theirs in ((applications.vgg16, vgg16), (applications.vgg19, vgg19),
                         (applications.resnet, resnet), (applications.resnet_v2, resnet_v2),
                         (applications.mobilenet_v2, mobilenet_v2)):
        got = mine.preprocess_input(x)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, theirs.preprocess_input(x.copy()), atol=1e-4)
    assert applications.efficientnet.preprocess_input(x) is x


def test_decode_predictions(keras_home):
    scores = np.zeros((2, 1000), np.float32)
    scores[0, [3, 7]] = [0.5, 0.9]
    scores[1, 999] = 1.0
    with pytest.raises(FileNotFoundError, match=str(keras_home / "imagenet_class_index.json")):
        applications.resnet.decode_predictions(scores)
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (keras_home / "imagenet_class_index.json").write_text(json.dumps(index))
    with crossops.use_backend("numpy"):
        got = applications.vgg16.decode_predictions(scores, top=2)
    assert got[0] == [("n00000007", "class_7", np.float32(0.9)),
                      ("n00000003", "class_3", np.float32(0.5))]
    assert got[1][0][:2] == ("n00000999", "class_999") and len(got[1]) == 2
    with pytest.raises(ValueError, match=r"\(batch, 1000\)"):
        imagenet_utils.decode_predictions(scores[:, :10])


def test_examples_run_as_doctests():
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for name in ("", ".imagenet_utils", "._files", ".vgg16", ".vgg19", ".resnet",
                 ".resnet_v2", ".mobilenet_v2", ".efficientnet"):
        mod = importlib.import_module(f"crossops.applications{name}")
        for test in finder.find(mod, mod.__name__, module=mod):
            runner.run(test)
    assert runner.tries >= 20 and runner.failures == 0
