# Part of this repository's array-api-tests runner (first taken, 2026-12-03, from the
# workplace's runner tool); runner.sh loads it from beside itself.
"""Optional pytest plugin loaded by runner.sh unless AAT_RANDOMIZE=1.

--derandomize fixes the examples of @given tests, but test_special_cases.py's
test_unary (256 items) draws its single input with strategy.example(), whose
final pick uses the unseeded global `random` module, so a few of those items
flip between otherwise identical runs. Seeding `random` per test from the test
id makes that draw reproducible (and independent of test order). It changes no
test outcome semantics: the same single example is drawn, just repeatably."""
import random
import zlib

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    random.seed(zlib.crc32(item.nodeid.encode()))
