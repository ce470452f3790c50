"""Chapter ``numpy_keras`` of the spec (spec/numpy_keras.toml): the NumPy-named ops of
keras.ops's numpy group beyond the array API standard.

The spec-driven suites' cases for this chapter's ops, each once (tests/_chapters.py says
how): conformance against NumPy, compiled, gradients, wrong arguments, as each suite
covers them.
"""

from __future__ import annotations

from ._chapters import chapter_tests

CHAPTER = "numpy_keras"
globals().update(chapter_tests(CHAPTER))
