"""Layer configs in Keras 3's serialized form: what ``get_config`` writes (initializers,
dtype policies and activations as Keras serializes them, Keras's keys) and what
``from_config`` accepts back (Keras's configs, whose extra keys crossops ignores where they
hold Keras's defaults)."""

from __future__ import annotations

import inspect

from .. import dtype_policies, initializers


def keras_object(module: str | None, class_name: str, config, registered_name=None) -> dict:
    """Keras's serialized form of an object: ``module``, ``class_name``, ``config`` and
    ``registered_name``.

    Examples
    --------
    >>> keras_object("keras.initializers", "Zeros", {})["class_name"]
    'Zeros'
    """
    return {"module": module, "class_name": class_name, "config": config,
            "registered_name": registered_name}


def serialize_dtype(policy) -> dict:
    """A dtype policy as Keras serializes it in a layer's config.

    Examples
    --------
    >>> serialize_dtype(dtype_policies.DTypePolicy("float32"))["config"]
    {'name': 'float32'}
    """
    return keras_object("keras", "DTypePolicy", {"name": policy.name})


def serialize_initializer(init) -> dict:
    """An initializer (a name, an Initializer, or a function) as Keras serializes it.

    Examples
    --------
    >>> serialize_initializer("zeros")["class_name"]
    'Zeros'
    """
    found = initializers.get(init)
    if isinstance(found, initializers.Initializer):
        return keras_object("keras.initializers", type(found).__name__, found.get_config())
    name = getattr(found, "__name__", type(found).__name__)
    return keras_object(getattr(found, "__module__", None), "function", name, name)


_ACTIVATION_NAMES = {"silu": "silu", "swish": "silu", "exp": "exponential"}


def serialize_activation(activation) -> str:
    """An activation as Keras names it in a config (None is ``"linear"``).

    Examples
    --------
    >>> serialize_activation(None), serialize_activation("relu")
    ('linear', 'relu')
    """
    if activation is None:
        return "linear"
    if isinstance(activation, str):
        return _ACTIVATION_NAMES.get(activation, activation)
    name = getattr(activation, "__name__", None)
    if name is None:
        name = getattr(getattr(activation, "func", None), "__name__", type(activation).__name__)
    return _ACTIVATION_NAMES.get(name, name)


def nulls(*names: str) -> dict:
    """Keras's config keys that crossops's layers do not support (regularizers,
    constraints, quantization), each at Keras's default None."""
    return dict.fromkeys(names)


#: values of a Keras config key that crossops may ignore: Keras's defaults for features
#: crossops's layers do not have
_HARMLESS = (None, False, 0, 0.0, "", (), [], {})
#: Keras keys ignored whatever their value (they change nothing that a config rebuilds)
_IGNORED = {"shared_object_id", "autocast", "build_config", "ema_momentum", "synchronized",
            "renorm_momentum", "batch_input_shape"}


def from_keras_config(cls, config: dict) -> dict:
    """The arguments of ``cls(**...)`` from a Keras (or crossops) layer config: the dtype
    policy and initializers deserialized, and Keras's keys that ``cls`` does not take
    dropped where they hold Keras's default (None, False, 0); any other unknown key raises
    a ValueError naming it.

    Examples
    --------
    >>> from crossops.layers import Dense
    >>> kwargs = from_keras_config(Dense, {"units": 2, "kernel_regularizer": None,
    ...                                    "dtype": serialize_dtype(
    ...                                        dtype_policies.DTypePolicy("float32"))})
    >>> sorted(kwargs)
    ['dtype', 'units']
    """
    accepted = _parameters(cls)
    out = {}
    for key, value in config.items():
        if key in _IGNORED:
            continue
        if key not in accepted:
            if _harmless(value):
                continue
            raise ValueError(f"{cls.__name__}.from_config: the config sets {key}={value!r}, "
                             f"which crossops's {cls.__name__} does not support (it takes "
                             f"{', '.join(sorted(accepted))})")
        if key == "dtype" and isinstance(value, dict):
            value = dtype_policies.get(value).name
        elif key.endswith("_initializer") and isinstance(value, dict):
            value = deserialize_initializer(value)
        elif key in ("activation", "recurrent_activation") and isinstance(value, dict):
            value = value.get("config") if value.get("class_name") == "function" else value
        out[key] = value
    return out


def _harmless(value) -> bool:
    try:
        return any(value == h and type(value) is type(h) for h in _HARMLESS) or value is None
    except Exception:
        return False


def deserialize_initializer(value: dict):
    """A crossops Initializer from Keras's serialized form (keys Keras has and crossops's
    initializer does not take are dropped where they hold None)."""
    name = value.get("class_name")
    cls = initializers._initializers.ALL.get(name)
    if cls is None:
        raise ValueError(f"unknown initializer {name!r} in a config; known: "
                         f"{sorted(initializers._initializers.ALL)}")
    config = dict(value.get("config") or {})
    accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
    for key in list(config):
        if key not in accepted:
            if config[key] is not None:
                raise ValueError(f"initializer {name}: the config sets {key}="
                                 f"{config[key]!r}, which crossops does not support")
            del config[key]
    return cls(**config)


def _parameters(cls) -> set:
    """The keyword arguments that ``cls(...)`` takes: its own and, through ``**kwargs``,
    its bases' (down to Layer: trainable, name, dtype)."""
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters
        names.update(p for p, v in params.items()
                     if v.kind not in (v.VAR_KEYWORD, v.VAR_POSITIONAL) and p != "self")
        if not any(v.kind == v.VAR_KEYWORD for v in params.values()):
            break
    return names
