"""The public op modules are the generator's output from the spec, and their docstrings
are correct doctests."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import inspect
from pathlib import Path

import pytest

import crossops.ops  # noqa: F401  (every namespace)
import crossops.random  # noqa: F401
from crossops._accel import FRONTS
from crossops._dispatch import FUNCTIONS

ROOT = Path(__file__).parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_ops", ROOT / "scripts" / "gen_ops.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


GEN = _generator()
MODULES = {ns: "crossops." + path.removesuffix(".py").replace("/", ".")
           for ns, (path, *_rest) in GEN.NAMESPACES.items()}
#: the generated modules whose docstrings are doctests: the op modules, and keras.ops's
#: forms (crossops/_keras_ops.py)
DOCTESTED = sorted([*MODULES.values(), "crossops." + GEN.KERAS_MODULE.removesuffix(".py")])


def test_generated_files_are_up_to_date():
    stale = [str(p.relative_to(ROOT)) for p, text in GEN.outputs().items()
             if not p.exists() or p.read_text() != text]
    assert not stale, f"run `python scripts/gen_ops.py`: out of date: {stale}"


def _ops():
    for module in MODULES.values():
        mod = importlib.import_module(module)
        for name in mod.__all__:
            yield module, name, getattr(mod, name)


def test_every_op_is_a_def_a_reader_can_open():
    for module, name, f in _ops():
        fn = FRONTS.get(f, f)  # a C front stands before its generated function
        assert inspect.isfunction(fn) and fn.__module__ == module, (module, name)
        assert f"def {name}(" in inspect.getsource(fn)
        assert f in FUNCTIONS


def test_docstrings_name_no_test_module():
    for module, name, f in _ops():
        assert "tests." not in (f.__doc__ or ""), (module, name)


@pytest.mark.parametrize("module", DOCTESTED)
def test_examples_run_as_doctests(module):
    mod = importlib.import_module(module)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [t for name in mod.__all__
             for t in finder.find(FRONTS.get(getattr(mod, name), getattr(mod, name)), name,
                                  module=mod)]
    for t in tests:
        runner.run(t)
    assert runner.failures == 0, f"{runner.failures} of {runner.tries} example lines failed"
