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

from typing import TYPE_CHECKING

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


if TYPE_CHECKING:  # what __getattr__ gives, as a type checker (pyright, mypy) reads it
    from . import callbacks as callbacks
    from . import config as config
    from . import core as core
    from . import dtype_policies as dtype_policies
    from . import image as image
    from . import initializers as initializers
    from . import layers as layers
    from . import losses as losses
    from . import math as math
    from . import metrics as metrics
    from . import mixed_precision as mixed_precision
    from . import models as models
    from . import nn as nn
    from . import numpy as numpy
    from . import ops as ops
    from . import optimizers as optimizers
    from . import random as random
    from . import saving as saving
    from . import utils as utils
    from ._transforms import grad as grad
    from ._transforms import jacobian as jacobian
    from ._transforms import jit as jit
    from ._transforms import jvp as jvp
    from ._transforms import value_and_grad as value_and_grad
    from ._transforms import vjp as vjp
    from ._transforms import vmap as vmap
    from .core import custom_gradient as custom_gradient
    from .core import stop_gradient as stop_gradient


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
