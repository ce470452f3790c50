"""``crossops.math``: the ``keras.ops.math`` ops (logsumexp, top_k, segment_*, erf, stft
...) with Keras's signatures, on every backend (spec/math.toml).

Examples
--------
>>> import numpy as np, crossops.math as xm
>>> float(xm.logsumexp(np.zeros(4)))
1.3862943611198906
"""

from .._dispatch import make_ops as _make_ops
from ._generic import GENERIC as _GENERIC

globals().update(_make_ops("math", generic=_GENERIC))
