"""Every use of NumPy's private API in the numpy backend, one name each.

The backend reads two C functions of NumPy's private module ``numpy._core.multiarray``,
each for speed: the C function that NumPy's documented Python function calls after its
``__array_function__`` dispatch and its argument handling, for calls of exact ndarrays
at that function's defaults, where these change nothing (NumPy 2.4, 32x32 float32
arrays; the dispatch budget is 0.3 us a call):

- :data:`count_nonzero`: ``multiarray.count_nonzero(a)``, what ``np.count_nonzero(a)``
  returns when ``axis=None`` and ``keepdims=False`` (it takes neither). Fallback
  ``np.count_nonzero``; saves ~0.17 us (0.19 us for 0.37 on 1024 int32). Read by the
  backend's ``sort`` (whether an array has a +0.0: a count on the integer view of its
  bits).
- :data:`c_einsum`: ``multiarray.c_einsum``, what ``np.einsum`` calls at its default
  ``optimize=False`` (with the same ``out=``, ``dtype=``, ``order=`` and ``casting=``).
  Fallback ``np.einsum``; saves ~0.7 us of a 32x32 float32 product's 9. Read by the
  backend's ``einsum`` (numpy.py).

Each name is bound to the private function where the installed NumPy has it, else to
its public fallback, which gives the same result; the tests check both, and that every
private function is present, so that a NumPy that moves one fails a named test instead
of making the backend slower in silence. :func:`missing` names the absent ones.
"""

from __future__ import annotations

import numpy as np

try:  # (NumPy 2's private module; gone: every name below is its public fallback)
    from numpy._core import multiarray as _multiarray
except ImportError:  # pragma: no cover (another NumPy)
    _multiarray = None

#: each private function this module reads, by its name here -> its public fallback
PUBLIC = {"count_nonzero": np.count_nonzero, "c_einsum": np.einsum}

#: name -> whether the installed NumPy has the private function (read once, at import)
PRESENT = {name: callable(getattr(_multiarray, name, None)) for name in PUBLIC}


def missing() -> list[str]:
    """The names of this module bound to their public fallback because the installed
    NumPy lacks the private function they read (empty where every one is there)."""
    return [name for name, present in PRESENT.items() if not present]


def _private(name: str):
    return getattr(_multiarray, name) if PRESENT[name] else PUBLIC[name]


#: ``count_nonzero(a)``: the number of nonzero elements of array ``a`` (a NumPy integer
#: scalar), as ``np.count_nonzero(a)``; takes no ``axis`` or ``keepdims``
count_nonzero = _private("count_nonzero")
#: ``c_einsum(subscripts, *operands, out=None, dtype=None, order='K', casting='safe')``:
#: ``np.einsum`` at ``optimize=False`` (a NumPy scalar for a 0-d result, as np.einsum)
c_einsum = _private("c_einsum")
