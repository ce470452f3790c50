"""ResNet50V2 (Keras's ``applications.resnet_v2``): the model, its ``preprocess_input``
("tf" mode) and ``decode_predictions``."""

from __future__ import annotations

from typing import Any

from . import imagenet_utils
from ._resnet import resnet50

__all__ = ["ResNet50V2", "decode_predictions", "preprocess_input"]


def ResNet50V2(include_top: bool = True, weights: str | None = "imagenet",
               input_tensor=None, input_shape: tuple | None = None,
               pooling: str | None = None, classes: int = 1000,
               classifier_activation: Any = "softmax", name: str = "resnet50v2", *,
               data_format: str | None = None):
    """ResNet50V2 (pre-activation), Keras's ``ResNet50V2`` as a crossops functional model
    with Keras's layer names.

    Parameters
    ----------
    include_top : bool
    weights : str or None
        None, ``"imagenet"`` (Keras's file
        ``resnet50v2_weights_tf_dim_ordering_tf_kernels[_notop].h5`` in Keras's cache
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
    >>> model = ResNet50V2(include_top=False, weights=None, input_shape=(32, 32, 3))
    >>> model.layers[-1].name
    'post_relu'
    """
    return resnet50(True, "ResNet50V2", "resnet50v2", include_top=include_top,
                    weights=weights, input_tensor=input_tensor, input_shape=input_shape,
                    pooling=pooling, classes=classes,
                    classifier_activation=classifier_activation, name=name,
                    data_format=data_format)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Images in [0, 255] scaled to [-1, 1] for ResNet50V2.

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
