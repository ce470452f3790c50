"""The tests mirror the spec's chapters: ``tests/test_<chapter>.py`` for ``spec/<chapter>.toml``.

The spec-driven suites (``test_conformance.py``, ``test_gradients.py``,
``test_gradient_points.py``, ``test_argument_fuzz.py``, ``test_jit.py``) define their
per-op tests once, each decorated with :func:`per_op` and the list of ops it covers;
none of those tests runs in its suite's module. Each chapter module names its chapter
(``CHAPTER = "fft"``) and takes :func:`chapter_tests` into its namespace; the tests'
``qualname`` is then parametrised (``tests/conftest.py``) over the suite's ops of that
chapter only, so each case runs once, in its chapter's module, under the test's own name
(``tests/test_fft.py::test_op[numpy-fft.fft]``). A suite on its own: ``pytest -m
conformance`` (the marker is the suite's module name without ``test_``).

Examples
--------
>>> from tests._chapters import chapter_tests
>>> sorted(chapter_tests("sorting"))[:2]
['test_bool_axis_is_refused', 'test_compiled']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from functools import cache

import pytest

from ._spec_tests import spec_for_tests

#: the modules whose tests are decorated with :func:`per_op`
SUITES = ("test_conformance", "test_gradients", "test_gradient_points", "test_argument_fuzz",
          "test_jit")

#: the suites' per-op tests, by name (a name is one test, whichever chapter runs it)
_REGISTRY: dict[str, Callable] = {}


class PerOpTest:
    """A suite's per-op test, as its module holds it: not a function, so that pytest does
    not collect it there (the chapter modules do, through :func:`chapter_tests`)."""

    def __init__(self, test: Callable):
        self.test = test

    def __repr__(self) -> str:
        return f"<per-op test {self.test.__name__}: run by tests/test_<chapter>.py>"


def per_op(ops: Iterable[str]) -> Callable[[Callable], PerOpTest]:
    """Decorate a suite's test of one op (argument ``qualname``) with the ops it covers,
    in place of ``@pytest.mark.parametrize("qualname", ops)``: it runs in the chapter
    module of each op, parametrised there over its chapter's ops."""
    ops = tuple(ops)

    def register(test: Callable) -> PerOpTest:
        name = test.__name__
        if name in _REGISTRY:
            raise ValueError(f"per_op: two suites define {name}; the chapter modules hold "
                             "every suite's tests in one namespace, so rename one")
        suite = test.__module__.rpartition(".")[2].removeprefix("test_")
        test = getattr(pytest.mark, suite)(test)
        test.spec_ops = ops
        _REGISTRY[name] = test
        return PerOpTest(test)

    return register


@cache
def per_op_tests() -> dict[str, Callable]:
    """Every suite's per-op tests, by name."""
    for module in SUITES:
        importlib.import_module(f"{__package__}.{module}")
    return dict(_REGISTRY)


def ops_of(test: Callable, chapter: str) -> list[str]:
    """The ops of ``chapter`` among those ``test`` covers, in the suite's order."""
    spec = spec_for_tests()
    return [q for q in test.spec_ops if spec[q].chapter == chapter]


def chapter_tests(chapter: str) -> dict[str, Callable]:
    """The suites' per-op tests with an op in ``chapter``, by name: what
    ``tests/test_<chapter>.py`` puts in its namespace."""
    return {name: test for name, test in per_op_tests().items() if ops_of(test, chapter)}


def suite_markers() -> list[str]:
    """The markers that select one suite's per-op tests (``pytest -m conformance``)."""
    return [f"{m.removeprefix('test_')}: the per-op tests of tests/{m}.py" for m in SUITES]
