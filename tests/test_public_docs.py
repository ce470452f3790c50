"""Every public op of every namespace has a NumPy-style docstring with Parameters, Returns
and Examples sections, its examples run, and no public docstring names a test module
(issue 13, point 1).

``test_generated`` runs the examples of the generated modules (``numpy/_ops.py`` ... and
``_keras_ops.py``, crossops.ops's Keras forms); this file covers the whole public surface:
``crossops``'s own functions and transforms, ``crossops.ops`` (its generated Keras forms and
the hand-written ones of ``_keras_special.py``), and every namespace's ``__all__``.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import re

import pytest

import crossops
from crossops._accel import FRONTS

from .test_generated import DOCTESTED

#: the public op namespaces
NAMESPACES = ["crossops", "crossops.numpy", "crossops.numpy.linalg", "crossops.numpy.fft",
              "crossops.ops", "crossops.nn", "crossops.math", "crossops.core",
              "crossops.image", "crossops.random"]
#: the top-level transforms and core ops (``crossops.grad`` ...), loaded on first use
TOP_LEVEL = ("grad", "value_and_grad", "vjp", "jvp", "jacobian", "vmap", "jit",
             "stop_gradient", "custom_gradient")

_SECTION = {k: re.compile(rf"^\s*{k}\n\s*-{{3,}}\s*$", re.M)
            for k in ("Parameters", "Returns", "Yields", "Examples")}


def _public_functions():
    """(qualified name, the function behind it) of every public function (not class)."""
    seen = {}
    for ns in NAMESPACES:
        mod = importlib.import_module(ns)
        for name in mod.__all__:
            f = getattr(mod, name)
            if callable(f) and not isinstance(f, type):
                seen[f"{ns}.{name}"] = f
    for name in TOP_LEVEL:
        seen[f"crossops.{name}"] = getattr(crossops, name)
    return seen


PUBLIC = _public_functions()


def _home(f) -> str:
    """The module that defines ``f`` (a C front's generated function's)."""
    return inspect.unwrap(FRONTS.get(f, f)).__module__


def _missing(f) -> list[str]:
    """The sections ``f``'s docstring lacks (Parameters only where it takes any, Returns
    only where it returns something)."""
    doc = inspect.getdoc(f) or ""
    out = []
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):
        sig = None
    if sig is not None and sig.parameters and not _SECTION["Parameters"].search(doc):
        out.append("Parameters")
    returns_none = sig is not None and sig.return_annotation in (None, "None")
    if not returns_none and not (_SECTION["Returns"].search(doc) or _SECTION["Yields"].search(doc)):
        out.append("Returns")
    if not _SECTION["Examples"].search(doc):
        out.append("Examples")
    return out


def test_the_surface_is_large():
    """A guard on the collection itself: every namespace was read."""
    assert len(PUBLIC) > 900
    assert {q.rsplit(".", 1)[0] for q in PUBLIC} >= set(NAMESPACES)


def test_every_public_op_has_parameters_returns_and_examples():
    lacking = {q: m for q, f in PUBLIC.items() if (m := _missing(f))}
    assert not lacking, "\n".join(f"{q}: no {', '.join(m)}" for q, m in sorted(lacking.items()))


def _hand_written():
    """The public functions outside the generated modules (whose examples
    ``test_generated`` runs), by defining module."""
    out: dict[str, list] = {}
    for q, f in PUBLIC.items():
        home = _home(f)
        if home not in DOCTESTED:
            out.setdefault(home, []).append((q, f))
    return out


HAND_WRITTEN = _hand_written()


@pytest.mark.parametrize("module", sorted(HAND_WRITTEN))
def test_hand_written_examples_run_as_doctests(module):
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    mod = importlib.import_module(module)
    for q, f in HAND_WRITTEN[module]:
        for t in finder.find(inspect.unwrap(FRONTS.get(f, f)), q, module=mod,
                             globs=dict(vars(mod))):
            runner.run(t)
    assert runner.failures == 0, f"{runner.failures} of {runner.tries} example lines failed"


def test_no_public_docstring_names_a_test_module():
    texts = {q: inspect.getdoc(f) or "" for q, f in PUBLIC.items()}
    texts.update({ns: importlib.import_module(ns).__doc__ or "" for ns in NAMESPACES})
    leaks = sorted(q for q, d in texts.items() if re.search(r"\btests[./]|\brefs_\w", d))
    assert not leaks, leaks
