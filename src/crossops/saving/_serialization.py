"""Keras 3's serialized form of objects (``serialize_keras_object`` /
``deserialize_keras_object``): ``{"module", "class_name", "config", "registered_name"}``
dicts, plus ``build_config`` and ``compile_config`` for layers and models.

Deserializing finds classes only in crossops's registry, the registered objects and the
``custom_objects`` given; code stored in a file (Keras's ``__lambda__`` entries, pickled
functions) is refused.
"""

from __future__ import annotations

import re

import numpy as np

from ..layers._config import keras_object, serialize_dtype
from . import _registry

#: class names whose configs hold code; loading them would run it
_CODE = ("__lambda__", "__typespec__", "__passive_serialization__")


def serialize_keras_object(obj):
    """``obj`` in Keras's serialized form (JSON-ready): a layer, model, initializer,
    optimizer, loss, metric or dtype policy as a ``module`` / ``class_name`` / ``config`` /
    ``registered_name`` dict; a named function by its name; lists, dicts, NumPy arrays and
    scalars as JSON values.

    Examples
    --------
    >>> from crossops import initializers
    >>> serialize_keras_object(initializers.Zeros())["module"]
    'keras.initializers'
    >>> serialize_keras_object((1, 2.5, "a"))
    [1, 2.5, 'a']
    """
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, list | tuple):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(),
                                                      "dtype": obj.dtype.name}}
    from ..dtype_policies import DTypePolicy
    if isinstance(obj, DTypePolicy):
        return serialize_dtype(obj)
    registered = _registry.get_registered_name(obj)
    if isinstance(obj, type) or callable(obj) and not hasattr(obj, "get_config"):
        name = getattr(obj, "__name__", None)
        if name is None or name == "<lambda>":
            raise ValueError(f"serialize_keras_object: cannot serialize {obj!r}: a lambda or "
                             "unnamed callable cannot be saved safely; use a named function "
                             "registered with crossops.saving.register_keras_serializable")
        return keras_object(getattr(obj, "__module__", None), "function",
                            registered or name, registered or name)
    if not hasattr(obj, "get_config"):
        raise ValueError(f"serialize_keras_object: {type(obj).__name__} has no get_config; "
                         "it cannot be saved")
    cls = type(obj)
    module = _registry.module_of(obj)
    class_name = _class_name(obj)
    if module is None:
        module = cls.__module__
    out = keras_object(module, class_name, serialize_keras_object(obj.get_config()),
                       registered if module == cls.__module__ else None)
    if module == cls.__module__ and registered is None:
        out["registered_name"] = class_name
    return out


def _class_name(obj) -> str:
    """The class name under which ``obj`` is saved (a layer made on torch is an instance
    of a subclass of the same name)."""
    return type(obj).__name__


def deserialize_keras_object(config, custom_objects: dict | None = None,
                             safe_mode: bool = True):
    """The object that ``config`` (Keras's serialized form) describes, built with
    crossops's classes of those names, the registered objects or ``custom_objects``.

    Code stored in a config (lambdas, pickled functions) is never run: such entries raise
    a ValueError, whatever ``safe_mode`` (kept for Keras's signature).

    Examples
    --------
    >>> layer = deserialize_keras_object({"module": "keras.layers", "class_name": "Dense",
    ...                                   "config": {"units": 2, "name": "d"},
    ...                                   "registered_name": None})
    >>> type(layer).__name__, layer.units
    ('Dense', 2)
    """
    with _registry.custom_object_scope(custom_objects):
        return _deserialize(config)


def _deserialize(config):
    if config is None or isinstance(config, bool | int | float | str):
        return config
    if isinstance(config, list):
        return [_deserialize(x) for x in config]
    if not isinstance(config, dict):
        raise ValueError(f"deserialize_keras_object: cannot read {type(config).__name__} "
                         f"{config!r} as a serialized object")
    if "class_name" not in config:
        return {k: _deserialize(v) for k, v in config.items()}
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name in _CODE or (isinstance(inner, dict) and "code" in inner
                               and class_name == "function"):
        raise ValueError(f"deserialize_keras_object: the config holds a {class_name} entry "
                         f"(code stored in the file); crossops never runs code from a file "
                         "(safe_mode). Rebuild that part in Python and pass it in "
                         "custom_objects, or register it with register_keras_serializable")
    if class_name == "__numpy__":
        return np.asarray(inner["value"], dtype=inner["dtype"])
    if class_name == "__tensor__":
        return np.asarray(inner["value"], dtype=inner["dtype"])
    if class_name == "__bytes__":
        return inner["value"].encode("latin-1")
    if class_name == "__keras_tensor__":
        raise ValueError("deserialize_keras_object: a tensor reference outside a "
                         "functional model's config")
    registered = config.get("registered_name")
    if class_name == "function":
        found = _lookup(registered, inner, config.get("module"))
        if found is not None:
            return found
        return inner  # a built-in function by name (an activation, a loss): crossops's
    cls = _lookup(registered, class_name, config.get("module"))
    if cls is None:
        raise ValueError(f"deserialize_keras_object: unknown class {class_name!r} (module "
                         f"{config.get('module')!r}, registered name {registered!r}); crossops "
                         "has no such class: pass it in custom_objects or register it with "
                         "crossops.saving.register_keras_serializable")
    if not hasattr(cls, "from_config"):
        raise ValueError(f"deserialize_keras_object: {class_name} has no from_config")
    inner = _deserialize_values(cls, inner or {})
    obj = cls.from_config(inner)
    build = config.get("build_config")
    if build and hasattr(obj, "build_from_config"):
        obj.build_from_config(build)
    elif build and getattr(obj, "built", True) is False and build.get("input_shape"):
        shape = build["input_shape"]
        if _is_shape(shape) and hasattr(obj, "build"):
            obj.build(tuple(shape))
    compile_config = config.get("compile_config")
    if compile_config and hasattr(obj, "compile_from_config"):
        obj.compile_from_config(compile_config)
    return obj


def _deserialize_values(cls, config: dict) -> dict:
    """The config's values: dtype policies and initializers stay as Keras's dicts (the
    layers read those), other nested objects are built."""
    out = {}
    for key, value in config.items():
        if isinstance(value, dict) and value.get("class_name") in (
                "DTypePolicy", "DTypePolicyMap") or key.endswith("_initializer") or \
                key in ("layers", "layer", "backward_layer", "input_layers", "output_layers"):
            out[key] = value
        elif isinstance(value, dict) and "class_name" in value:
            out[key] = _deserialize(value)
        else:
            out[key] = value
    return out


def _is_shape(x) -> bool:
    return isinstance(x, list | tuple) and all(d is None or isinstance(d, int) for d in x)


def _lookup(registered, class_name, module):
    """The class or function a config names: ``custom_objects`` and the registered
    objects (by registered name, then class name), then crossops's own."""
    for name in (registered, class_name):
        if isinstance(name, str):
            found = _registry.get_registered_object(name)
            if found is not None:
                return found
    if isinstance(class_name, str):
        return _registry.builtin(module, class_name)
    return None


def snake(obj) -> str:
    """Keras's name for an object's class in a weights file (Keras's snake case, which
    keeps runs of capitals together: ``Conv2D`` -> ``conv2d``, ``SimpleRNN`` ->
    ``simple_rnn``).

    Examples
    --------
    >>> from crossops.layers import Dense
    >>> snake(Dense(1))
    'dense'
    """
    name = re.sub(r"\W+", "", type(obj).__name__)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
