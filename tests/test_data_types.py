"""Chapter ``data_types`` of the spec (spec/data_types.toml): the array API standard's data
type functions.

The spec-driven suites' cases for this chapter's ops, each once (tests/_chapters.py says
how): conformance against NumPy, compiled, gradients, wrong arguments, as each suite
covers them.
"""

from __future__ import annotations

from ._chapters import chapter_tests

CHAPTER = "data_types"
globals().update(chapter_tests(CHAPTER))
