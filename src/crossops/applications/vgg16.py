"""VGG16 (Keras's ``applications.vgg16``): the model, its ``preprocess_input`` ("caffe"
mode) and ``decode_predictions``."""

from __future__ import annotations

from typing import Any

from . import imagenet_utils
from ._vgg import vgg

__all__ = ["VGG16", "decode_predictions", "preprocess_input"]


def VGG16(include_top: bool = True, weights: str | None = "imagenet", input_tensor=None,
          input_shape: tuple | None = None, pooling: str | None = None, classes: int = 1000,
          classifier_activation: Any = "softmax", name: str = "vgg16", *,
          data_format: str | None = None):
    """The VGG16 network, Keras's ``VGG16`` as a crossops functional model (Keras's layer
    names, so that Keras's weights files map onto it).

    Parameters
    ----------
    include_top : bool
        Whether to end with the three dense layers (the input is then 224x224 unless
        ``weights`` is None).
    weights : str or None
        None (random initialization), ``"imagenet"`` (Keras's file
        ``vgg16_weights_tf_dim_ordering_tf_kernels[_notop].h5`` in Keras's cache folder;
        never downloaded) or the path of a weights file (read by ``model.load_weights``).
    input_tensor : SymbolicTensor, optional
        A ``crossops.layers.Input`` (or a tensor computed from one) to start from.
    input_shape : tuple, optional
        The image shape without the batch axis (at least 32x32); default 224x224x3.
    pooling : str, optional
        Without the top: None (the 4-D feature map), ``"avg"`` or ``"max"``.
    classes : int
        The number of classes of the top.
    classifier_activation : str or callable
        The top's activation (None for logits).
    name : str
        The model's name.
    data_format : str, optional
        ``"channels_last"`` or ``"channels_first"`` (crossops's extension: Keras reads its
        global setting); default ``crossops.config.image_data_format()``.

    Returns
    -------
    crossops.models.Model

    Examples
    --------
    >>> model = VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))
    >>> model.layers[-1].name, len(model.weights)
    ('block5_pool', 26)
    """
    return vgg((2, 2, 3, 3, 3), "VGG16", "vgg16", include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation, name=name,
               data_format=data_format)


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Images in [0, 255] (RGB) prepared for VGG16: BGR, ImageNet means subtracted.

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
