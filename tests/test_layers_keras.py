"""The layers the applications need, against Keras's: values on random inputs on every
backend (edge options included), and the new layers' ``get_config`` keys and values."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

import crossops
from crossops import layers

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(-3, 3, (2, 5, 6, 3)).astype(np.float32)


def _run(backend, layer, x, **kwargs):
    with crossops.use_backend(backend):
        return crossops.to_numpy(layer(x, **kwargs))


def _keras(layer, x, **kwargs):
    return np.asarray(layer(x, **kwargs))


def _close(got, expected, tol=1e-5):
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


# (crossops layer, Keras layer) pairs made from one set of arguments, and the input
CASES = {
    "relu": ("ReLU", {}, IMAGES),
    "relu6": ("ReLU", {"max_value": 6.0}, IMAGES * 3),
    "relu_all_options": ("ReLU", {"max_value": 2.0, "negative_slope": 0.1,
                                  "threshold": 0.5}, IMAGES),
    "relu_leaky_only": ("ReLU", {"negative_slope": 0.2}, IMAGES),
    "softmax": ("Softmax", {}, IMAGES),
    "softmax_axes": ("Softmax", {"axis": (1, 2)}, IMAGES),
    "leaky_relu": ("LeakyReLU", {}, IMAGES),
    "leaky_relu_slope": ("LeakyReLU", {"negative_slope": 0.05}, IMAGES),
    "elu": ("ELU", {"alpha": 0.5}, IMAGES),
    "rescaling": ("Rescaling", {"scale": 1 / 255.0}, IMAGES),
    "rescaling_vector": ("Rescaling", {"scale": [1.0, 2.0, 3.0], "offset": 0.5}, IMAGES),
    "normalization_fixed": ("Normalization", {"mean": [0.5, -1.0, 2.0],
                                              "variance": [1.0, 4.0, 0.25]}, IMAGES),
    "normalization_invert": ("Normalization", {"mean": 1.0, "variance": 4.0, "axis": None,
                                               "invert": True}, IMAGES),
    "resizing_bilinear": ("Resizing", {"height": 3, "width": 4}, IMAGES),
    "resizing_nearest": ("Resizing", {"height": 7, "width": 9,
                                      "interpolation": "nearest"}, IMAGES),
    "resizing_crop": ("Resizing", {"height": 4, "width": 4,
                                   "crop_to_aspect_ratio": True}, IMAGES),
    "resizing_pad": ("Resizing", {"height": 4, "width": 8, "pad_to_aspect_ratio": True,
                                  "fill_value": 1.0}, IMAGES),
    "resizing_channels_first": ("Resizing", {"height": 3, "width": 3,
                                             "data_format": "channels_first"},
                                IMAGES.transpose(0, 3, 1, 2)),
    "center_crop": ("CenterCrop", {"height": 3, "width": 4}, IMAGES),
    "center_crop_upscale": ("CenterCrop", {"height": 8, "width": 8}, IMAGES),
    "center_crop_3d": ("CenterCrop", {"height": 2, "width": 2}, IMAGES[0]),
    "zero_padding_int": ("ZeroPadding2D", {"padding": 2}, IMAGES),
    "zero_padding_pairs": ("ZeroPadding2D", {"padding": ((0, 1), (2, 3))}, IMAGES),
    "zero_padding_first": ("ZeroPadding2D", {"padding": (1, 2),
                                             "data_format": "channels_first"}, IMAGES),
    "flatten": ("Flatten", {}, IMAGES),
    "reshape": ("Reshape", {"target_shape": (1, 1, 90)}, IMAGES),
    "gap_keepdims": ("GlobalAveragePooling2D", {"keepdims": True}, IMAGES),
    "gmp_first": ("GlobalMaxPooling2D", {"data_format": "channels_first"}, IMAGES),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_layer_matches_keras(backend, case):
    name, kwargs, x = CASES[case]
    expected = _keras(getattr(keras.layers, name)(**kwargs), x)
    _close(_run(backend, getattr(layers, name)(**kwargs), x), expected)


NEW = ("ReLU", "Softmax", "LeakyReLU", "ELU", "Rescaling", "Normalization", "Resizing",
       "CenterCrop")


@pytest.mark.parametrize("case", sorted(c for c in CASES if CASES[c][0] in NEW))
def test_new_layer_config_is_keras(case):
    name, kwargs, _ = CASES[case]
    mine = getattr(layers, name)(name="x", **kwargs).get_config()
    theirs = getattr(keras.layers, name)(name="x", **kwargs).get_config()
    assert set(mine) == set(theirs)
    for key in set(theirs) - {"dtype"}:
        assert mine[key] == theirs[key], key
    again = getattr(layers, name).from_config(mine)
    assert again.get_config() == mine


def test_softmax_mask(backend):
    mask = RNG.random(IMAGES.shape) > 0.3
    mask[0, 0, 0] = False  # a whole row masked: zeros, as Keras
    expected = _keras(keras.layers.Softmax(), IMAGES, mask=mask)
    _close(_run(backend, layers.Softmax(), IMAGES, mask=mask), expected)


def test_normalization_weights_and_adapt(backend):
    data = RNG.normal(2.0, 3.0, (50, 4, 3)).astype(np.float32)
    for axis in (-1, (1, 2), None):
        theirs = keras.layers.Normalization(axis=axis)
        theirs.adapt(data)
        with crossops.use_backend(backend):
            mine = layers.Normalization(axis=axis)
            mine.adapt(data)
            assert [w.path.split("/")[-1] for w in mine.weights] == ["mean", "variance",
                                                                     "count"]
            assert [tuple(w.shape) for w in mine.weights] == \
                [tuple(w.shape) for w in theirs.weights]
            _close(crossops.to_numpy(mine(data[:3])), _keras(theirs, data[:3]), 1e-4)
            # the statistics as weights: Keras's, loaded with set_weights
            twin = layers.Normalization(axis=axis, invert=True)
            twin.build(data.shape)
            twin.set_weights(theirs.get_weights())
            inverse = keras.layers.Normalization(axis=axis, invert=True)
            inverse.adapt(data)
            _close(crossops.to_numpy(twin(data[:3])), _keras(inverse, data[:3]), 1e-4)


@pytest.mark.parametrize("options", [
    {"kernel_size": 3},
    {"kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2},
    {"kernel_size": (2, 3), "strides": 2, "padding": "valid", "use_bias": True},
    {"kernel_size": 3, "dilation_rate": 2, "padding": "same"},
])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_depthwise_conv2d_matches_keras(backend, options, data_format):
    theirs = keras.layers.DepthwiseConv2D(**options)  # channels_last (TF's CPU kernels)
    x = RNG.standard_normal((2, 7, 8, 3)).astype(np.float32)
    theirs.build(x.shape)
    theirs.set_weights([RNG.standard_normal(w.shape).astype(np.float32)
                        for w in theirs.weights])
    expected = _keras(theirs, x)
    with crossops.use_backend(backend):
        mine = layers.DepthwiseConv2D(data_format=data_format, **options)
        first = data_format == "channels_first"
        mine.build(x.transpose(0, 3, 1, 2).shape if first else x.shape)
        mine.set_weights(theirs.get_weights())
        got = crossops.to_numpy(mine(x.transpose(0, 3, 1, 2) if first else x))
    _close(got.transpose(0, 2, 3, 1) if first else got, expected)


def test_flatten_channels_first_reads_dense_weights_as_keras(backend):
    x = IMAGES.transpose(0, 3, 1, 2)
    got = _run(backend, layers.Flatten(data_format="channels_first"), x)
    _close(got, _keras(keras.layers.Flatten(), IMAGES))


def test_multiply_and_add_broadcast_as_keras(backend):
    scale = RNG.random((2, 1, 1, 3)).astype(np.float32)
    for name in ("Multiply", "Add"):
        expected = _keras(getattr(keras.layers, name)(), [IMAGES, scale])
        _close(_run(backend, getattr(layers, name)(), [IMAGES, scale]), expected)
    with pytest.raises(ValueError, match="broadcast"):
        _run(backend, layers.Multiply(), [IMAGES, IMAGES[:, :2]])


def test_dropout_noise_shape_with_none(backend):
    layer = layers.Dropout(0.5, noise_shape=(None, 1, 1, 1), seed=1)
    x = np.ones((4, 3, 3, 2), np.float32)
    got = _run(backend, layer, x, training=True)
    for example in got:  # one draw per example: all kept (x2) or all dropped
        assert len(np.unique(example)) == 1 and example.flat[0] in (0.0, 2.0)
    _close(_run(backend, layer, x), x)


def test_errors_name_the_layer_and_argument():
    with pytest.raises(ValueError, match="ReLU: max_value"):
        layers.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match="both mean and variance"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="CenterCrop: height"):
        layers.CenterCrop(0, 2)
    with pytest.raises(ValueError, match="Resizing: data_format"):
        layers.Resizing(2, 2, data_format="nhwc")


def test_examples_run_as_doctests():
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for name in ("_activations", "_preprocessing", "_normalization", "_core", "_dot_attention",
                 "_time_distributed"):
        mod = importlib.import_module(f"crossops.layers.{name}")
        for test in finder.find(mod, mod.__name__, module=mod):
            runner.run(test)
    assert runner.tries >= 10 and runner.failures == 0


def test_default_names_are_keras_names():
    # Keras names an object by its class (snake case): the names key weight paths and files
    from keras.src.utils.naming import to_snake_case

    from crossops import losses, metrics
    from crossops._names import snake_case
    classes = [n for mod in (layers, losses, metrics) for n in mod.__all__ if n[:1].isupper()]
    classes += ["Conv2DTranspose", "LSTM", "GRU", "SimpleRNN", "ReLU", "PReLU", "ELU",
                "RMSNormalization", "GlobalAveragePooling2D", "UpSampling2D", "MeanIoU", "AUC"]
    assert len(classes) > 60
    assert {n: snake_case(n) for n in classes} == {n: to_snake_case(n) for n in classes}
    assert layers.Conv2D(2, 2, name=None).name.startswith("conv2d")
