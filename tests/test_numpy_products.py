"""Chapter ``numpy_products`` of the spec (spec/numpy_products.toml): NumPy's products,
correlations and counting ops.

The spec-driven suites' cases for this chapter's ops, each once (tests/_chapters.py says
how): conformance against NumPy, compiled, gradients, wrong arguments, as each suite
covers them.
"""

from __future__ import annotations

from ._chapters import chapter_tests

CHAPTER = "numpy_products"
globals().update(chapter_tests(CHAPTER))
