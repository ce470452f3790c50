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


def __getattr__(name):
    # the op namespaces load on first use, keeping `import crossops` light
    if name == "numpy":
        import importlib
        return importlib.import_module("crossops.numpy")
    raise AttributeError(f"module 'crossops' has no attribute {name!r}")
