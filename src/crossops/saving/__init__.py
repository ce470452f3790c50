"""``crossops.saving``: Keras 3's model files (``.keras``) and weights files
(``.weights.h5``), Keras 2 / tf.keras ``.h5`` files, safetensors weights, and Keras's
serialization API (``serialize_keras_object``, ``deserialize_keras_object``,
``register_keras_serializable``).

A ``.keras`` file written here loads in Keras 3 (``keras.models.load_model``), and one
written by Keras 3 loads here, for the layers both have. Loading never runs code from a
file: classes come only from crossops, the registered objects and ``custom_objects``.

Examples
--------
>>> import os, tempfile
>>> import numpy as np
>>> from crossops import layers, models, saving
>>> model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
>>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
>>> model.save(path)
>>> saving.load_model(path).layers[0].units
1
"""

from ._keras_file import load_model, save_model
from ._registry import (
    custom_object_scope,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from ._serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["custom_object_scope", "deserialize_keras_object", "get_registered_name",
           "get_registered_object", "load_model", "register_keras_serializable",
           "save_model", "serialize_keras_object"]
