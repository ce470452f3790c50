"""NumPy's functions of crossops.linalg that adapt array-api-compat's own to crossops's
rules, found by op name (``backends/numpy/linalg.py``): ``qr``, with the array API's (and
keras.ops's) modes only."""

from __future__ import annotations

from .. import _numpy_ops as shared
from . import NAMESPACE

qr = shared.mode_checked_qr(NAMESPACE)
