"""``crossops.ops``: the flat Keras-style namespace holding every op of crossops
(``ops.softmax``, ``ops.matmul``, ``ops.logsumexp``, ``ops.cond``), so that a
``keras.ops`` user can switch by changing one import; ``ops.image`` is
``crossops.image``, as ``keras.ops.image``.

Where a name exists in several namespaces the Keras meaning wins: ``ops.fft`` is
``crossops.math.fft`` (Keras's (real, imag) pair), not the array API's ``numpy.fft.fft``.

Examples
--------
>>> import numpy as np
>>> from crossops import ops
>>> ops.softmax(np.zeros(2)).tolist()
[0.5, 0.5]
"""

from . import core as _core
from . import image
from . import math as _math
from . import nn as _nn
from . import numpy as _numpy
from ._dispatch import FUNCTIONS as _FUNCTIONS
from .numpy import linalg as _linalg

_public = {}
for _ns in (_numpy, _linalg, _math, _nn, _core):
    _public.update({k: v for k, v in vars(_ns).items()
                    if callable(v) and not k.startswith("_") and v in _FUNCTIONS})
globals().update(_public)
__all__ = sorted(_public) + ["image"]
del _ns, _public
