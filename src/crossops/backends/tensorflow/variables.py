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


def assign_in_place(current, value) -> None:
    """Write ``value`` into the ``tf.Variable`` ``current`` in place (as ``tf.function``
    expects of a variable), cast to the variable's dtype."""
    current.assign(tf.cast(value, current.dtype))
