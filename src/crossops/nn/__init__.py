"""``crossops.nn``: neural-network ops (activations, convolutions, pooling, normalisation,
attention, losses) with Keras's signatures, on every backend.

Each op is a spec entry (spec/nn.toml); where no backend function is named, the generic
implementation in this package's private modules, written with crossops ops, runs.

Examples
--------
>>> import numpy as np, crossops.nn as nn
>>> nn.relu(np.array([-1.0, 2.0]))
array([0., 2.])
"""

from .._dispatch import make_ops as _make_ops
from . import _natives  # noqa: F401  (loaded, so that the table prefills relu and softmax)
from ._generic import GENERIC as _GENERIC

globals().update(_make_ops("nn", generic=_GENERIC))
