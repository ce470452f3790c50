"""ResNet50 (Keras's ``applications.resnet``): the model, its ``preprocess_input``
("caffe" mode) and ``decode_predictions``."""

from __future__ import annotations

from typing import Any

from . import imagenet_utils
from ._resnet import resnet50

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]


def ResNet50(include_top: bool = True, weights: str | None = "imagenet", input_tensor=None,
             input_shape: tuple | None = None, pooling: str | None = None,
             classes: int = 1000, classifier_activation: Any = "softmax",
             name: str = "resnet50", *, data_format: str | None = None):
    """ResNet50 (v1), Keras's ``ResNet50`` as a crossops functional model with Keras's
    layer names.

    Parameters
    ----------
    include_top : bool
        Whether to end with global average pooling and the ``classes``-way dense layer.
    weights : str or None
        None, ``"imagenet"`` (Keras's file
        ``resnet50_weights_tf_dim_ordering_tf_kernels[_notop].h5`` in Keras's cache
        folder; never downloaded) or the path of a weights file.
    input_tensor : SymbolicTensor, optional
        A ``crossops.layers.Input`` (or a tensor computed from one) to start from.
    input_shape : tuple, optional
        The image shape without the batch axis (at least 32x32); default 224x224x3.
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
    >>> model = ResNet50(include_top=False, weights=None, input_shape=(32, 32, 3),
    ...                  pooling="avg")
    >>> model.layers[-1].name, model.count_params()
    ('avg_pool', 23587712)
    """
    return resnet50(False, "ResNet50", "resnet50", include_top=include_top, weights=weights,
                    input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
                    classes=classes, classifier_activation=classifier_activation, name=name,
                    data_format=data_format)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Images in [0, 255] (RGB) prepared for ResNet50: BGR, ImageNet means subtracted.

    Examples
    --------
    >>> import numpy as np
    >>> preprocess_input(np.zeros((1, 1, 1, 3))).tolist()
    [[[[-103.939, -116.779, -123.68]]]]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The top classes of ImageNet scores (see ``imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
