"""Chapter ``sorting`` of the spec (spec/sorting.toml): the array API standard's sorting functions.

The spec-driven suites' cases for this chapter's ops, each once (tests/_chapters.py says
how): conformance against NumPy, compiled, gradients, wrong arguments, as each suite
covers them.
"""

from __future__ import annotations

from ._chapters import chapter_tests

CHAPTER = "sorting"
globals().update(chapter_tests(CHAPTER))
