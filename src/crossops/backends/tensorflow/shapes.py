"""Shapes on TensorFlow, where a tensor traced by ``tf.function`` may have sizes unknown
until it runs (found by name, chapter ``shapes``, by ``crossops.core.shape``; see
:func:`crossops._backend.backend_chapter`)."""

from __future__ import annotations

from .array_api._helpers import shape_list


def unknown_sizes(x, dims: tuple) -> tuple:
    """``dims`` (``x``'s static shape, holding None for a size unknown when traced) with
    each unknown size as a scalar tensor of ``tf.shape(x)``, as ``keras.ops.shape``
    (:func:`crossops.backends.tensorflow.array_api._helpers.shape_list`)."""
    return tuple(shape_list(x, list(dims)))
