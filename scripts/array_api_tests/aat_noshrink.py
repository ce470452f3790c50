# Part of this repository's array-api-tests runner (first taken, 2026-12-03, from the
# workplace's runner tool); runner.sh loads it from beside itself.
"""Optional pytest plugin used by runner.sh when AAT_NO_SHRINK=1.

Re-loads the suite's Hypothesis profile ("array-api-tests", registered in the
suite's conftest.py) with the shrink and explain phases removed. Failing tests
still fail (with the first falsifying example found instead of a minimised
one); this only avoids the long shrinking phase that dominates the wall time of
runs against namespaces with many failures."""
import pytest
from hypothesis import Phase, settings


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    base = settings.get_profile("array-api-tests")
    settings.register_profile(
        "array-api-tests-noshrink",
        parent=base,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
    )
    settings.load_profile("array-api-tests-noshrink")
