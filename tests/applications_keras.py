"""The applications checked against Keras: build a model in Keras (weights=None), give
it seeded random weights (moving statistics included, so that every weight matters),
load them into the crossops twin with ``set_weights`` (Keras's order) and compare predictions.

Used by tests/test_applications.py (tiny cases) and scripts/check_applications.py (the
full matrix of models, backends and data formats).
"""

from __future__ import annotations

import numpy as np

import crossops

MODELS = ("VGG16", "VGG19", "ResNet50", "ResNet50V2", "MobileNetV2", "EfficientNetB0")


def keras_model(name: str, **kwargs):
    """Keras's model ``name`` with ``weights=None``, channels_last (Keras reads its global
    data format, which is left alone)."""
    import keras
    return getattr(keras.applications, name)(weights=None, **kwargs)


def random_weights(model, seed: int = 0) -> list[np.ndarray]:
    """Seeded weights for the Keras ``model`` in its ``get_weights`` order: kernels
    He-normal, biases and BatchNormalization's gamma/beta/moving statistics perturbed
    around their identity values, Normalization's statistics likewise."""
    rng = np.random.default_rng(seed)
    out = []
    for layer in model.layers:
        kind = type(layer).__name__
        for w in layer.weights:
            shape, leaf = tuple(w.shape), w.path.split("/")[-1]
            if leaf == "count":
                out.append(np.asarray(100, np.asarray(w.numpy()).dtype))
            elif leaf in ("gamma",):
                out.append(1 + 0.2 * rng.standard_normal(shape))
            elif leaf in ("beta", "bias", "moving_mean", "mean"):
                out.append(0.1 * rng.standard_normal(shape))
            elif leaf in ("moving_variance", "variance"):
                out.append(0.5 + rng.random(shape))
            else:  # kernels
                fan_in = int(np.prod(shape[:-2])) if kind == "DepthwiseConv2D" else \
                    int(np.prod(shape[:-1]))
                out.append(rng.standard_normal(shape) * np.sqrt(2.0 / max(fan_in, 1)))
    return [np.asarray(a, np.float32) if np.asarray(a).dtype.kind == "f" else a for a in out]


def finalize(model) -> None:
    """Keras's Normalization reads its statistics from copies made when built (or
    loaded): refresh them after ``set_weights`` (Keras's ``load_weights`` does)."""
    for layer in model.layers:
        if hasattr(layer, "finalize_state") and layer.weights:
            layer.finalize_state()


def reference(name: str, size: int = 32, batch: int = 1, include_top: bool = True,
              seed: int = 0, **kwargs):
    """Keras's model ``name`` on seeded random weights, channels_last, with its input
    images (in [0, 255]) and its outputs: ``(model, images, outputs, arguments)``."""
    args = dict(include_top=include_top, **kwargs)
    if include_top:
        args.setdefault("classifier_activation", None)  # logits: the sharper comparison
    model = keras_model(name, input_shape=(size, size, 3), **args)
    model.set_weights(random_weights(model, seed))
    finalize(model)
    x = np.random.default_rng(seed + 1).uniform(0, 255, (batch, size, size, 3)).astype(
        np.float32)
    return model, x, np.asarray(model(x, training=False)), args


def difference(name: str, backend: str, data_format: str, ref) -> float:
    """The largest difference between the crossops twin of ``ref`` (see
    :func:`reference`) on ``backend`` in ``data_format`` and Keras's outputs, relative to
    the largest Keras output."""
    from crossops import applications
    model, x, expected, args = ref
    first = data_format == "channels_first"
    size = x.shape[1]
    shape = (3, size, size) if first else (size, size, 3)
    with crossops.use_backend(backend):
        twin = getattr(applications, name)(weights=None, input_shape=shape,
                                           data_format=data_format, **args)
        twin.set_weights(model.get_weights())  # Keras's order, as a user copies them
        got = crossops.to_numpy(twin(np.transpose(x, (0, 3, 1, 2)) if first else x))
    if first and got.ndim == 4:
        got = np.transpose(got, (0, 2, 3, 1))
    assert got.shape == expected.shape, (got.shape, expected.shape)
    return float(np.max(np.abs(got - expected)) / max(np.max(np.abs(expected)), 1e-12))


def compare(name: str, backend: str, data_format: str = "channels_last", size: int = 32,
            batch: int = 1, include_top: bool = True, seed: int = 0, **kwargs) -> float:
    """:func:`difference` for the model ``name`` built in Keras by :func:`reference`."""
    return difference(name, backend, data_format,
                      reference(name, size, batch, include_top, seed, **kwargs))
