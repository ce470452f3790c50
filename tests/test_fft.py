"""Chapter ``fft`` of the spec (spec/fft.toml): the array API standard's fft extension.

The spec-driven suites' cases for this chapter's ops, each once (tests/_chapters.py says
how): conformance against NumPy, compiled, gradients, wrong arguments, as each suite
covers them.
"""

from __future__ import annotations

from ._chapters import chapter_tests

CHAPTER = "fft"
globals().update(chapter_tests(CHAPTER))
