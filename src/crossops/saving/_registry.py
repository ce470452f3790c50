"""The classes a config may name: crossops's own (layers, initializers, optimizers, losses,
metrics, dtype policies, and the models, which register themselves), the objects
registered with :func:`register_keras_serializable`, and a call's ``custom_objects``.
Loading finds classes only here: it never imports a module named by a file."""

from __future__ import annotations

import contextlib
import contextvars

#: crossops's own classes by Keras's module and class name (filled on first use)
_BUILTIN: dict[tuple[str, str], object] = {}
#: objects registered with register_keras_serializable, by "package>name"
_REGISTERED: dict[str, object] = {}
#: the registered name of each registered object
_NAMES: dict[int, str] = {}
#: the custom objects of the load in progress (set by custom_object_scope)
_SCOPE: contextvars.ContextVar = contextvars.ContextVar("crossops_custom_objects", default={})


def register_builtin(module: str, obj, name: str | None = None) -> None:
    """Make ``obj`` the class that a config's ``module`` and ``class_name`` (default
    ``obj.__name__``) name (crossops's own packages call this for their classes)."""
    _BUILTIN[(module, name or obj.__name__)] = obj


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """A decorator that registers a class or function under ``"package>name"``, so that
    configs naming it load without ``custom_objects`` (as Keras's).

    Examples
    --------
    >>> from crossops import layers, saving
    >>> @saving.register_keras_serializable(package="demo")
    ... class Twice(layers.Layer):
    ...     def call(self, x):
    ...         return 2 * x
    >>> saving.get_registered_object("demo>Twice") is Twice
    True
    """
    if ">" in package:
        raise ValueError(f"register_keras_serializable: package {package!r} may not hold "
                         "'>'")

    def decorator(obj):
        key = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(f"register_keras_serializable: {obj.__name__} needs a "
                             "get_config method to be serialized")
        _REGISTERED[key] = obj
        _NAMES[id(obj)] = key
        return obj
    return decorator


def get_registered_name(obj) -> str | None:
    """The ``"package>name"`` that ``obj`` (or its class) was registered under, or None."""
    found = _NAMES.get(id(obj))
    if found is None:
        cls = obj if isinstance(obj, type) else type(obj)
        # a layer made on torch is an instance of a torch subclass of its class
        found = next((_NAMES[id(k)] for k in cls.__mro__[:2] if id(k) in _NAMES), None)
    return found


def get_registered_object(name: str, custom_objects: dict | None = None,
                          module_objects: dict | None = None):
    """The object registered (or passed in ``custom_objects`` or the current
    :func:`custom_object_scope`) under ``name``, or None.

    Examples
    --------
    >>> get_registered_object("no>such") is None
    True
    """
    for table in (custom_objects or {}, _SCOPE.get(), _REGISTERED, module_objects or {}):
        if name in table:
            return table[name]
    return None


@contextlib.contextmanager
def custom_object_scope(custom_objects: dict | None):
    """Within the block, configs may name the classes and functions of
    ``custom_objects`` (by name)."""
    token = _SCOPE.set({**_SCOPE.get(), **(custom_objects or {})})
    try:
        yield
    finally:
        _SCOPE.reset(token)


def builtin(module: str | None, class_name: str):
    """crossops's own class for Keras's ``module`` and ``class_name`` (the module's
    ``keras.src...`` private paths are read as their public package), or None."""
    _fill()
    if module is not None:
        found = _BUILTIN.get((_public(module), class_name))
        if found is not None:
            return found
    matches = [v for (m, n), v in _BUILTIN.items() if n == class_name]
    return matches[0] if len(set(map(id, matches))) == 1 else None


def module_of(obj) -> str | None:
    """The Keras module under which crossops's own class ``type(obj)`` is registered."""
    _fill()
    cls = obj if isinstance(obj, type) else type(obj)
    for klass in cls.__mro__[:2]:  # a layer made on torch is a subclass of its class
        for (module, name), v in _BUILTIN.items():
            if v is klass and name == klass.__name__:
                return module
    return None


_PUBLIC = {"layers": "keras.layers", "initializers": "keras.initializers",
           "optimizers": "keras.optimizers", "losses": "keras.losses",
           "metrics": "keras.metrics", "models": "keras.models"}


def _public(module: str) -> str:
    """``keras.src.layers.core.dense`` -> ``keras.layers`` (the public package)."""
    parts = module.split(".")
    if len(parts) > 2 and parts[:2] == ["keras", "src"]:
        return _PUBLIC.get(parts[2], "keras")
    return module


def _fill() -> None:
    """crossops's own classes, registered on first use."""
    if ("keras.layers", "Dense") in _BUILTIN:
        return
    from .. import dtype_policies, initializers, layers, losses, metrics, optimizers
    from ..layers._layer import Layer
    for name in layers.__all__:
        obj = getattr(layers, name)
        if isinstance(obj, type) and issubclass(obj, Layer) and obj is not Layer:
            register_builtin("keras.layers", obj)
    for name in initializers.__all__:
        obj = getattr(initializers, name)
        if isinstance(obj, type) and issubclass(obj, initializers.Initializer):
            register_builtin("keras.initializers", obj)
    for name in optimizers.__all__:
        obj = getattr(optimizers, name)
        if isinstance(obj, type) and issubclass(obj, optimizers.Optimizer):
            register_builtin("keras.optimizers", obj)
    for mod, package in ((losses, "keras.losses"), (metrics, "keras.metrics")):
        for name in getattr(mod, "__all__", dir(mod)):
            obj = getattr(mod, name, None)
            if isinstance(obj, type) and hasattr(obj, "get_config"):
                register_builtin(package, obj)
    register_builtin("keras", dtype_policies.DTypePolicy)
    register_builtin("keras.dtype_policies", dtype_policies.DTypePolicy)
