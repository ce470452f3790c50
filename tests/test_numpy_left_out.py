"""Chapter ``numpy_left_out`` of the spec (spec/numpy_left_out.toml): what crossops.numpy
leaves out of NumPy 2, each with its reason.

Every public callable of ``numpy``, ``numpy.linalg`` and ``numpy.fft`` (classes aside) is
in crossops.numpy, or in spec/numpy_left_out.toml with its reason; nothing left out is
there. (The chapter has no ops, so no spec-driven suite runs here.)
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .test_numpy_surface import NUMPY

CHAPTER = "numpy_left_out"
LEFT_OUT = tomllib.loads(
    (Path(__file__).resolve().parents[1] / "spec" / f"{CHAPTER}.toml").read_text())


def test_every_numpy_callable_is_in_crossops_numpy_or_left_out():
    missing = sorted(q for q, (_, ours) in NUMPY.items() if ours is None and q not in LEFT_OUT)
    assert not missing, (f"{len(missing)} public NumPy callables are neither in "
                         f"crossops.numpy nor in spec/numpy_left_out.toml: {missing}")


def test_nothing_left_out_is_in_crossops_numpy():
    for q, reason in LEFT_OUT.items():
        assert isinstance(reason, str) and len(reason) > 10, (q, "needs a reason")
        assert q in NUMPY, f"{q} is not a public NumPy callable: remove it from the list"
        assert NUMPY[q][1] is None, f"{q} is in crossops.numpy: remove it from the list"
