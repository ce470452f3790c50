"""crossops: one dispatch table of NumPy-compatible and neural ops for NumPy, JAX,
PyTorch and TensorFlow.

``import crossops`` imports no framework; each backend is imported the first time
its arrays are seen.

Examples
--------
>>> import numpy as np, crossops, crossops.numpy as xnp
>>> crossops.to_numpy(xnp.ones(2))
array([1., 1.])
"""

from ._backend import BACKENDS, get_backend, set_backend, use_backend
from ._convert import to_numpy

__version__ = "0.1.0"

__all__ = ["BACKENDS", "get_backend", "set_backend", "to_numpy", "use_backend"]


_SUBMODULES = ("numpy", "nn", "math", "core", "image", "random", "ops", "config", "optimizers",
               "losses", "metrics", "layers", "models", "initializers", "callbacks",
               "utils", "dtype_policies", "mixed_precision", "saving")
# the transforms (crossops/_transforms) load with the first one used
_TRANSFORMS = ("grad", "value_and_grad", "vjp", "jvp", "jacobian", "vmap", "jit")
# core ops that are also top-level names, as in Keras
_CORE = ("stop_gradient", "custom_gradient")


def __getattr__(name):
    # the op namespaces load on first use, keeping `import crossops` light
    if name in _SUBMODULES:
        import importlib
        return importlib.import_module(f"crossops.{name}")
    if name in _TRANSFORMS:
        from . import _transforms
        return getattr(_transforms, name)
    if name in _CORE:
        from . import core
        return getattr(core, name)
    raise AttributeError(f"module 'crossops' has no attribute {name!r}")
