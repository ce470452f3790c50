"""What ``crossops.layers.Layer`` does on TensorFlow (found by name, chapter ``layers``;
see :func:`crossops._backend.backend_chapter`)."""

from __future__ import annotations

import tensorflow as tf


def weight_value(host, trainable: bool, layout: str | None = None):
    """A NumPy array (a new weight's initial value, or a batch's array) as a tf tensor
    (``crossops.Variable`` makes a trainable weight's ``tf.Variable``); ``layout`` changes
    nothing on TensorFlow."""
    return tf.constant(host)
