"""Keras's ``applications.imagenet_utils``: ImageNet input preprocessing
(``preprocess_input``), the decoding of class scores (``decode_predictions``), and the
shape checks the application constructors share.

Nothing here downloads: the ImageNet class index is read from Keras's cache folder.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

import crossops
import crossops.numpy as xnp
from crossops import config as _config

from ._files import keras_cache_dir

__all__ = ["correct_pad", "decode_predictions", "obtain_input_shape", "preprocess_input",
           "validate_activation"]

#: the class index JSON's name in Keras's cache folder
CLASS_INDEX_FILE = "imagenet_class_index.json"
_CLASS_INDEX: dict = {}

_CAFFE_MEAN = (103.939, 116.779, 123.68)  # BGR
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


def preprocess_input(x: Any, data_format: str | None = None, mode: str = "caffe") -> Any:
    """A batch of RGB images (values in [0, 255]) prepared as an ImageNet model expects,
    Keras's ``imagenet_utils.preprocess_input``.

    Unlike Keras, a NumPy input is never written over: the result is a new array.

    Parameters
    ----------
    x : array
        3-D or 4-D images of any backend (integers are cast to ``floatx``).
    data_format : str, optional
        ``"channels_last"`` or ``"channels_first"``; default
        ``crossops.config.image_data_format()``.
    mode : str
        ``"caffe"``: RGB to BGR, then the ImageNet BGR means subtracted (no scaling);
        ``"tf"``: scaled to [-1, 1]; ``"torch"``: scaled to [0, 1], then normalised with
        the ImageNet RGB means and standard deviations.

    Returns
    -------
    array
        The preprocessed images, floating, of ``x``'s backend.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[[255.0, 0.0, 127.5]]]])
    >>> preprocess_input(x, mode="tf").tolist()
    [[[[1.0, -1.0, 0.0]]]]
    >>> preprocess_input(x)[0, 0, 0].round(3).tolist()  # BGR minus the means
    [23.561, -116.779, 131.32]
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(f"preprocess_input: mode must be 'caffe', 'tf' or 'torch', got "
                         f"{mode!r}")
    data_format = _config.standardize_data_format(data_format, "preprocess_input")
    if not hasattr(x, "dtype"):
        x = np.asarray(x)
    if not xnp.isdtype(x.dtype, "real floating"):
        x = xnp.astype(x, _config.floatx())
    if mode == "tf":
        return x / 127.5 - 1.0
    axis = (0 if x.ndim == 3 else 1) if data_format == "channels_first" else x.ndim - 1
    shape = [1] * x.ndim
    shape[axis] = 3
    if mode == "torch":
        mean, std = _TORCH_MEAN, _TORCH_STD
        x = x / 255.0
    else:
        mean, std = _CAFFE_MEAN, None
        x = xnp.flip(x, axis=axis)
    x = x - _like(np.reshape(mean, shape), x)
    if std is not None:
        x = x / _like(np.reshape(std, shape), x)
    return x


def _like(host: np.ndarray, x):
    """``host`` as an array of ``x``'s backend and dtype."""
    if isinstance(x, np.ndarray):
        return host.astype(x.dtype)
    from .._backend import backend_of_type
    from .._dispatch import call_on
    from .._dtypes import dtype_name
    return call_on(backend_of_type(type(x)), "asarray", host, dtype=dtype_name(x.dtype))


def decode_predictions(preds: Any, top: int = 5) -> list[list[tuple[str, str, float]]]:
    """The ``top`` classes of each row of ImageNet scores, as
    ``(class_id, class_name, score)``, best first (Keras's ``decode_predictions``).

    The class index is read from ``imagenet_class_index.json`` in Keras's cache folder
    (``$KERAS_HOME/models`` or ``~/.keras/models``); nothing is downloaded.

    Parameters
    ----------
    preds : array
        Scores of shape (batch, 1000), of any backend.
    top : int
        How many classes per row.

    Returns
    -------
    list of list of tuple
        One list per row.

    Raises
    ------
    ValueError
        If ``preds`` is not (batch, 1000).
    FileNotFoundError
        If the class index file is not in Keras's cache folder (the message says where
        to put it).

    Examples
    --------
    >>> import numpy as np
    >>> decode_predictions(np.zeros((1, 10)))
    Traceback (most recent call last):
    ...
    ValueError: decode_predictions: expects scores of shape (batch, 1000), got (1, 10)
    """
    preds = np.asarray(crossops.to_numpy(preds))
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(f"decode_predictions: expects scores of shape (batch, 1000), got "
                         f"{tuple(preds.shape)}")
    index = _class_index()
    out = []
    for row in preds:
        best = np.argsort(row)[-top:][::-1]
        found = [(*index[str(int(i))], row[i]) for i in best]
        found.sort(key=lambda t: t[2], reverse=True)
        out.append([tuple(t) for t in found])
    return out


def _class_index() -> dict:
    path = os.path.join(keras_cache_dir(), CLASS_INDEX_FILE)
    found = _CLASS_INDEX.get(path)
    if found is None:
        if not os.path.exists(path):
            raise FileNotFoundError(
                f"decode_predictions: the ImageNet class index is not at {path}; put "
                f"Keras's {CLASS_INDEX_FILE} there (crossops never downloads it; Keras "
                "fetches it from https://storage.googleapis.com/download.tensorflow.org/"
                f"data/{CLASS_INDEX_FILE})")
        with open(path) as f:
            found = _CLASS_INDEX[path] = json.load(f)
    return found


def obtain_input_shape(input_shape: tuple | None, default_size: int, min_size: int,
                       data_format: str, require_flatten: bool,
                       weights: str | None = None) -> tuple:
    """The image shape (no batch axis) a model is built for, checked as Keras's
    ``obtain_input_shape`` does; where Keras would leave the spatial axes unknown
    (``None``), ``default_size`` stands in (crossops's functional models infer shapes by
    running the layers once), and the model still takes other sizes when called.

    Examples
    --------
    >>> obtain_input_shape(None, 224, 32, "channels_last", require_flatten=False)
    (224, 224, 3)
    >>> obtain_input_shape((3, 64, 64), 224, 32, "channels_first", False)
    (3, 64, 64)
    """
    first = data_format == "channels_first"
    channels = 3
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
    default = (channels, default_size, default_size) if first else \
        (default_size, default_size, channels)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default:
            raise ValueError(f"with include_top=True and weights='imagenet', input_shape "
                             f"must be {default}, got {tuple(input_shape)}")
        return default
    if not input_shape:
        return default
    input_shape = tuple(input_shape)
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be 3 ints (no batch axis), got {input_shape}")
    c = input_shape[0] if first else input_shape[-1]
    rows, cols = input_shape[1:] if first else input_shape[:2]
    if weights == "imagenet" and c != 3:
        raise ValueError(f"with weights='imagenet' the input must have 3 channels, got "
                         f"input_shape={input_shape} ({data_format})")
    if require_flatten and (rows is None or cols is None):
        raise ValueError(f"with include_top=True, input_shape must be static, got "
                         f"{input_shape}")
    if (rows is not None and rows < min_size) or (cols is not None and cols < min_size):
        raise ValueError(f"input size must be at least {min_size}x{min_size}, got "
                         f"input_shape={input_shape}")
    rows, cols = rows or default_size, cols or default_size
    return (c, rows, cols) if first else (rows, cols, c)


def correct_pad(shape: tuple, kernel_size: int | tuple[int, int],
                data_format: str = "channels_last") -> tuple:
    """The ZeroPadding2D padding before a stride-2 ``kernel_size`` convolution on images
    of ``shape`` (batch axis first), as Keras's ``correct_pad``.

    Examples
    --------
    >>> correct_pad((None, 224, 224, 3), 3)
    ((0, 1), (0, 1))
    """
    first = 2 if data_format == "channels_first" else 1
    rows, cols = shape[first:first + 2]
    k = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    adjust = (1, 1) if rows is None else (1 - rows % 2, 1 - cols % 2)
    return ((k[0] // 2 - adjust[0], k[0] // 2), (k[1] // 2 - adjust[1], k[1] // 2))


def validate_activation(classifier_activation: Any, weights: str | None) -> None:
    """With pretrained weights, only ``None`` and ``"softmax"`` are allowed on the top.

    Examples
    --------
    >>> validate_activation("softmax", "imagenet")
    """
    if weights is None:
        return
    if classifier_activation not in (None, "softmax", "linear"):
        raise ValueError("classifier_activation: only None and 'softmax' are allowed with "
                         f"pretrained weights and include_top=True, got "
                         f"{classifier_activation!r}")
