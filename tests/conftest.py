"""Backends as one fixture, the spec-driven tests parametrised over their chapter's ops,
and the hypothesis profiles.

Profiles: ``ci`` (the default: few examples, the whole run stays within its time
budget) and ``thorough`` (many more examples). Choose with ``CROSSOPS_PROFILE``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

from ._chapters import ops_of, suite_markers
from .backends import BACKENDS, MISSING, diff_params

settings.register_profile(
    # no shrinking: a failure is reported with the example that found it, at once (shrinking
    # a compiled op's failure recompiles it hundreds of times); the thorough profile shrinks
    "ci", max_examples=12, deadline=None, derandomize=True, print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)
settings.register_profile(
    "thorough", max_examples=200, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("CROSSOPS_PROFILE", "ci"))


def pytest_runtest_setup(item):
    """Give each case of a parametrised hypothesis test its own settings back.

    Hypothesis's pytest plugin (6.170) wraps a parametrised test's settings in one more
    layer at every case; past ~1000 cases of one test in a worker (test_conformance.test_op)
    reading a setting overflows the stack. Restoring the decorated settings keeps one layer.
    """
    fn = getattr(item, "obj", None)
    fn = getattr(fn, "__func__", fn)
    if hasattr(fn, "_hypothesis_internal_use_settings"):
        own = fn.__dict__.setdefault("_crossops_own_settings",
                                     fn._hypothesis_internal_use_settings)
        fn._hypothesis_internal_use_settings = own


def pytest_addoption(parser):
    parser.addoption("--backend", action="append", default=[],
                     help="run the backend-parametrised tests on this backend only "
                          "(repeatable); default: every installed backend")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--backend") or BACKENDS
        params = [pytest.param(b, id=b) for b in BACKENDS if b in chosen] + [
            pytest.param(b, id=b, marks=pytest.mark.skip(reason=why))
            for b, why in MISSING.items() if b in chosen]
        metafunc.parametrize("backend", params)
    if "cbackend" in metafunc.fixturenames:  # backends with a compiler that traces Python
        chosen = metafunc.config.getoption("--backend") or BACKENDS
        metafunc.parametrize("cbackend", [b for b in ("jax", "tensorflow")
                                          if b in BACKENDS and b in chosen])
    for name in ("dbackend", "jbackend"):  # the backends that differentiate / jit-compile
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, diff_params(metafunc.config))
    if hasattr(metafunc.function, "spec_ops"):  # a suite's per-op test (tests/_chapters.py)
        chapter = getattr(metafunc.module, "CHAPTER", None)
        if chapter is None:
            raise ValueError(f"{metafunc.function.__name__} is a per-op test: it runs in the "
                             f"chapter modules (tests/test_<chapter>.py, CHAPTER = ...), "
                             f"not in {metafunc.module.__name__}")
        metafunc.parametrize("qualname", ops_of(metafunc.function, chapter))


def pytest_configure(config):
    for line in suite_markers():
        config.addinivalue_line("markers", line)


@pytest.fixture(autouse=True, scope="session")
def _tensorflow_imported_first(request):
    """Import TensorFlow before the first test, where hypothesis tests may use it: its first
    import (keras, then IPython, then jedi) sets the recursion limit to 3000, and inside a
    hypothesis test that makes hypothesis warn that it cannot restore its own limit. (In a
    fixture, so that its log lines are captured as a test's are.)"""
    chosen = request.config.getoption("--backend") or BACKENDS
    if "tensorflow" in BACKENDS and "tensorflow" in chosen and any(
            getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
            for item in request.session.items):
        import tensorflow  # noqa: F401
