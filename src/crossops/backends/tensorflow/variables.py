"""What ``crossops.Variable`` does on TensorFlow: it holds a ``tf.Variable``, which
``tf.GradientTape`` and ``tf.function`` know (found by name, chapter ``variables``; see
:func:`crossops._backend.backend_chapter`)."""

from __future__ import annotations

import tensorflow as tf


def held_value(value, trainable: bool):
    """What a Variable made from the tf array ``value`` holds: ``value`` itself if it is a
    variable already (it has a handle), else a new ``tf.Variable`` of it."""
    if hasattr(value, "handle"):
        return value
    return tf.Variable(value, trainable=trainable)
