"""TensorFlow's functions of crossops.image (``backends/tensorflow/image.py``):
``resize``'s common call by ``tf.image.resize``; other calls take the generic forms."""

from __future__ import annotations

import tensorflow as tf

from .._common import partial
from .._image import common_resize


@partial
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """``tf.image.resize``'s bilinear resize (half-pixel centres) of a float32 image or
    batch, channels last, at the common call (:func:`.._image.common_resize`); other
    calls (float64, which TensorFlow's resize returns as float32; channels first) take
    the generic form."""
    found = common_resize(images, size, interpolation, antialias, crop_to_aspect_ratio,
                          pad_to_aspect_ratio, fill_mode, data_format, tf.Tensor, _FLOATS)
    if found is None or found[2] != "channels_last":
        return NotImplemented
    return tf.image.resize(images, found[:2], method="bilinear")


_FLOATS = frozenset({tf.float32})
