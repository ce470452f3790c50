"""``crossops.numpy``: the NumPy-compatible namespace, an array API namespace over every backend.

Every function takes the arrays of any backend and returns arrays of the same kind.
Dtype attributes (``float32``, ``int64`` ...) are the default backend's dtype objects;
every function also accepts any backend's dtype, a NumPy dtype or a name.

Examples
--------
>>> import numpy as np, crossops.numpy as xnp
>>> xnp.sum(np.arange(4))
np.int64(6)
"""

import math as _math

from .._backend import backend_module as _backend_module
from .._backend import get_backend as _get_backend
from .._dispatch import make_ops as _make_ops
from .._dispatch import prefill_loaded_frameworks as _prefill_loaded_frameworks
from .._dtypes import DTYPE_NAMES as _DTYPE_NAMES
from . import fft, linalg  # noqa: F401
from ._keras import GENERIC as _KERAS
from ._products import GENERIC as _PRODUCTS

__array_api_version__ = "2025.12"

e = _math.e
pi = _math.pi
inf = _math.inf
nan = _math.nan
newaxis = None

globals().update(_make_ops("", generic={**_KERAS, **_PRODUCTS}))
_prefill_loaded_frameworks()


def __array_namespace_info__():
    """The array API inspection object of the default backend (``capabilities()``,
    ``default_dtypes()``, ``dtypes()``, ``devices()``, ``default_device()``)."""
    return _backend_module(_get_backend()).namespace_info()


def __getattr__(name):
    # dtype objects follow the default backend, so that ``x.dtype == xnp.float32``
    if name in _DTYPE_NAMES:
        table = _backend_module(_get_backend()).DTYPES
        if name in table:
            return table[name]
        raise AttributeError(f"dtype {name} is not supported by the {_get_backend()} backend")
    raise AttributeError(f"module 'crossops.numpy' has no attribute {name!r}")
