"""MobileNetV2 (Keras's ``applications.mobilenet_v2``): the model, its
``preprocess_input`` ("tf" mode) and ``decode_predictions``."""

from __future__ import annotations

import warnings
from typing import Any

from .. import config as _config
from .. import layers
from . import _builder, imagenet_utils

__all__ = ["MobileNetV2", "decode_predictions", "preprocess_input"]

#: (filters, stride, expansion) of the 17 inverted residual blocks
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
           (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
           (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6))
_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """``v`` rounded to a multiple of ``divisor``, not below 90% of ``v``."""
    min_value = divisor if min_value is None else min_value
    new = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


def _bn(x, axis, name):
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)(x)


def _inverted_res_block(x, expansion, stride, alpha, filters, block_id, fmt, axis):
    inputs = x
    in_channels = x.shape[axis]
    pointwise = _make_divisible(int(filters * alpha), 8)
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same",
                          use_bias=False, activation=None, data_format=fmt,
                          name=f"{prefix}expand")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(_bn(x, axis, f"{prefix}expand_BN"))
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x.shape, 3, fmt),
                                 data_format=fmt, name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None,
                               use_bias=False, padding="same" if stride == 1 else "valid",
                               data_format=fmt, name=f"{prefix}depthwise")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(
        _bn(x, axis, f"{prefix}depthwise_BN"))
    x = layers.Conv2D(pointwise, kernel_size=1, padding="same", use_bias=False,
                      activation=None, data_format=fmt, name=f"{prefix}project")(x)
    x = _bn(x, axis, f"{prefix}project_BN")
    if in_channels == pointwise and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def MobileNetV2(input_shape: tuple | None = None, alpha: float = 1.0,
                include_top: bool = True, weights: str | None = "imagenet",
                input_tensor=None, pooling: str | None = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str | None = None, *,
                data_format: str | None = None):
    """MobileNetV2, Keras's ``MobileNetV2`` as a crossops functional model with Keras's
    layer names.

    Parameters
    ----------
    input_shape : tuple, optional
        The image shape without the batch axis (at least 32x32); default 224x224x3.
    alpha : float
        The width multiplier of every layer (0.35, 0.5, 0.75, 1.0, 1.3 or 1.4 with
        ImageNet weights).
    include_top : bool
    weights : str or None
        None, ``"imagenet"`` (Keras's file
        ``mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{alpha}_{rows}[_no_top].h5`` in
        Keras's cache folder; never downloaded) or the path of a weights file.
    input_tensor : SymbolicTensor, optional
    pooling : str, optional
        Without the top: None, ``"avg"`` or ``"max"``.
    classes : int
    classifier_activation : str or callable
    name : str, optional
        Default ``mobilenetv2_{alpha:.2f}_{rows}``.
    data_format : str, optional
        crossops's extension; default ``crossops.config.image_data_format()``.

    Returns
    -------
    crossops.models.Model

    Examples
    --------
    >>> model = MobileNetV2((32, 32, 3), alpha=0.35, include_top=False, weights=None)
    >>> model.name, model.layers[-1].name
    ('mobilenetv2_0.35_32', 'out_relu')
    """
    fmt = _config.standardize_data_format(data_format, "MobileNetV2")
    first = fmt == "channels_first"
    default_size = 224
    if input_shape is None and input_tensor is not None:
        input_shape = tuple(input_tensor.shape[1:])
    if input_shape is not None:
        rows, cols = (input_shape[1:3] if first else input_shape[:2])
        if rows == cols and rows in _SIZES:
            default_size = rows
    obtained = imagenet_utils.obtain_input_shape(input_shape, default_size, 32, fmt,
                                                 require_flatten=include_top, weights=weights)
    rows, cols = obtained[1:] if first else obtained[:2]
    if weights == "imagenet":
        if alpha not in _ALPHAS:
            raise ValueError(f"MobileNetV2: with weights='imagenet', alpha must be one of "
                             f"{_ALPHAS}, got {alpha}")
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn("MobileNetV2: input_shape is non-square or its size is not in "
                          f"{_SIZES}; the weights for 224x224 are loaded", stacklevel=2)
    file_name = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}" + \
        ("" if include_top else "_no_top") + ".h5"
    image, fmt, axis = _builder.start(
        "MobileNetV2", weights=weights, include_top=include_top, classes=classes,
        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
        data_format=fmt, default_size=default_size,
        classifier_activation=classifier_activation, file_name=file_name)
    x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
                      padding="same", use_bias=False, data_format=fmt, name="Conv1")(image)
    x = layers.ReLU(6.0, name="Conv1_relu")(_bn(x, axis, "bn_Conv1"))
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id, fmt, axis)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, data_format=fmt, name="Conv_1")(x)
    x = layers.ReLU(6.0, name="out_relu")(_bn(x, axis, "Conv_1_bn"))
    if include_top:
        x = layers.GlobalAveragePooling2D(data_format=fmt)(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _builder.pool(x, pooling, fmt)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    return _builder.finish("MobileNetV2", image, x, name, weights, file_name)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Images in [0, 255] scaled to [-1, 1] for MobileNetV2.

    Examples
    --------
    >>> import numpy as np
    >>> preprocess_input(np.array([0.0, 255.0])).tolist()
    [-1.0, 1.0]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The top classes of ImageNet scores (see ``imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
