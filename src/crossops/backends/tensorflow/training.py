"""What ``fit`` / ``evaluate`` / ``predict`` and the in-memory data adapters do on
TensorFlow (found by name, chapter ``training``, by ``crossops.trainers``; see
:func:`crossops._backend.backend_chapter`)."""

from __future__ import annotations

import tensorflow as tf

#: the default ``predict_step`` runs as the trainer's pure step (a ``tf.function`` unless
#: ``run_eagerly``), as Keras's tensorflow trainer compiles its predict function (an
#: overridden one: see ``COMPILED_OVERRIDES``)
PURE_PREDICT = True

#: a stateful ``train_step`` / ``test_step`` / ``predict_step`` override is compiled (a
#: ``tf.function`` around it, traced once with the batch axis unknown), as Keras's
#: tensorflow trainer's ``make_train_function`` compiles it; ``run_eagerly`` runs it eagerly
COMPILED_OVERRIDES = True


def take_rows(leaf, index):
    """Rows ``index`` (a NumPy int array) of the tf tensor ``leaf``: ``tf.gather``."""
    return tf.gather(leaf, index, axis=0)
