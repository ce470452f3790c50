"""EfficientNetB0 (Keras's ``applications.efficientnet``): the model (its input
preprocessing is inside it: ``Rescaling`` and ``Normalization`` layers), a pass-through
``preprocess_input`` and ``decode_predictions``."""

from __future__ import annotations

import math
from typing import Any

from .. import layers
from . import _builder, imagenet_utils

__all__ = ["EfficientNetB0", "decode_predictions", "preprocess_input"]

#: (kernel_size, repeats, filters_in, filters_out, expand_ratio, strides, se_ratio)
DEFAULT_BLOCKS_ARGS = (
    (3, 1, 32, 16, 1, 1, 0.25), (3, 2, 16, 24, 6, 2, 0.25), (5, 2, 24, 40, 6, 2, 0.25),
    (3, 3, 40, 80, 6, 2, 0.25), (5, 3, 80, 112, 6, 1, 0.25), (5, 4, 112, 192, 6, 2, 0.25),
    (3, 1, 192, 320, 6, 1, 0.25))
CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling", "config": {
    "scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling", "config": {
    "scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"}}
IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)


def _round_filters(filters: float, width: float, divisor: int = 8) -> int:
    filters *= width
    new = max(divisor, int(filters + divisor / 2) // divisor * divisor)
    return int(new + divisor if new < 0.9 * filters else new)


def _block(x, fmt, axis, activation, drop_rate, name, filters_in, filters_out,
           kernel_size, strides, expand_ratio, se_ratio, id_skip=True):
    """An inverted residual block with squeeze-and-excitation (Keras's ``block``)."""
    inputs = x
    filters = filters_in * expand_ratio
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False,
                          kernel_initializer=CONV_KERNEL_INITIALIZER, data_format=fmt,
                          name=f"{name}expand_conv")(x)
        x = layers.BatchNormalization(axis=axis, name=f"{name}expand_bn")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    if strides == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x.shape, kernel_size, fmt),
                                 data_format=fmt, name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides,
                               padding="valid" if strides == 2 else "same", use_bias=False,
                               depthwise_initializer=CONV_KERNEL_INITIALIZER,
                               data_format=fmt, name=f"{name}dwconv")(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        filters_se = max(1, int(filters_in * se_ratio))
        se = layers.GlobalAveragePooling2D(data_format=fmt, name=f"{name}se_squeeze")(x)
        se = layers.Reshape((filters, 1, 1) if axis == 1 else (1, 1, filters),
                            name=f"{name}se_reshape")(se)
        se = layers.Conv2D(filters_se, 1, padding="same", activation=activation,
                           kernel_initializer=CONV_KERNEL_INITIALIZER, data_format=fmt,
                           name=f"{name}se_reduce")(se)
        se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                           kernel_initializer=CONV_KERNEL_INITIALIZER, data_format=fmt,
                           name=f"{name}se_expand")(se)
        x = layers.Multiply(name=f"{name}se_excite")([x, se])
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, data_format=fmt,
                      name=f"{name}project_conv")(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}project_bn")(x)
    if id_skip and strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.Add(name=f"{name}add")([x, inputs])
    return x


def _efficientnet(width, depth, default_size, dropout_rate, owner, *,
                  include_top, weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation, name, data_format, drop_connect_rate=0.2,
                  activation="swish"):
    file_name = f"{name}{'' if include_top else '_notop'}.h5"
    image, fmt, axis = _builder.start(
        owner, weights=weights, include_top=include_top, classes=classes,
        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
        data_format=data_format, default_size=default_size,
        classifier_activation=classifier_activation, file_name=file_name)
    x = layers.Rescaling(1.0 / 255.0)(image)
    x = layers.Normalization(axis=axis)(x)
    if weights == "imagenet":
        # Keras's variance is the squared std, and its original divides by the std twice
        scale = [1.0 / math.sqrt(s) for s in IMAGENET_STDDEV_RGB]
        x = layers.Rescaling([[[s]] for s in scale] if axis == 1 else scale)(x)
    x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x.shape, 3, fmt),
                             data_format=fmt, name="stem_conv_pad")(x)
    x = layers.Conv2D(_round_filters(32, width), 3, strides=2, padding="valid",
                      use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
                      data_format=fmt, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    repeats = [int(math.ceil(depth * args[1])) for args in DEFAULT_BLOCKS_ARGS]
    total, b = float(sum(repeats)), 0
    for i, (args, n) in enumerate(zip(DEFAULT_BLOCKS_ARGS, repeats)):
        kernel, _, f_in, f_out, expand, strides, se = args
        f_in, f_out = _round_filters(f_in, width), _round_filters(f_out, width)
        for j in range(n):
            x = _block(x, fmt, axis, activation, drop_connect_rate * b / total,
                       f"block{i + 1}{chr(j + 97)}_", f_in if j == 0 else f_out, f_out,
                       kernel, strides if j == 0 else 1, expand, se)
            b += 1
    x = layers.Conv2D(_round_filters(1280, width), 1, padding="same", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, data_format=fmt,
                      name="top_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(data_format=fmt, name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation,
                         kernel_initializer=DENSE_KERNEL_INITIALIZER, name="predictions")(x)
    else:
        x = _builder.pool(x, pooling, fmt, names=("avg_pool", "max_pool"))
    return _builder.finish(owner, image, x, name, weights, file_name)


def EfficientNetB0(include_top: bool = True, weights: str | None = "imagenet",
                   input_tensor=None, input_shape: tuple | None = None,
                   pooling: str | None = None, classes: int = 1000,
                   classifier_activation: Any = "softmax", name: str = "efficientnetb0", *,
                   data_format: str | None = None):
    """EfficientNetB0, Keras's ``EfficientNetB0`` as a crossops functional model with
    Keras's layer names. It takes images in [0, 255]: its first layers rescale and
    normalise them.

    Parameters
    ----------
    include_top : bool
    weights : str or None
        None, ``"imagenet"`` (Keras's file ``efficientnetb0[_notop].h5`` in Keras's cache
        folder; never downloaded) or the path of a weights file.
    input_tensor : SymbolicTensor, optional
    input_shape : tuple, optional
        At least 32x32; default 224x224x3.
    pooling : str, optional
        Without the top: None, ``"avg"`` or ``"max"``.
    classes : int
    classifier_activation : str or callable
    name : str
    data_format : str, optional
        crossops's extension; default ``crossops.config.image_data_format()``.

    Returns
    -------
    crossops.models.Model

    Examples
    --------
    >>> model = EfficientNetB0(include_top=False, weights=None, input_shape=(32, 32, 3))
    >>> model.layers[-1].name, model.count_params()
    ('top_activation', 4049571)
    """
    return _efficientnet(1.0, 1.0, 224, 0.2, "EfficientNetB0", include_top=include_top,
                         weights=weights, input_tensor=input_tensor, input_shape=input_shape,
                         pooling=pooling, classes=classes,
                         classifier_activation=classifier_activation, name=name,
                         data_format=data_format)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """``x`` unchanged: EfficientNet's preprocessing is inside the model (Keras's
    placeholder).

    Examples
    --------
    >>> preprocess_input([1.0])
    [1.0]
    """
    return x


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The top classes of ImageNet scores (see ``imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
