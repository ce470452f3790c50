"""Meta-tests of the spec: it covers the standard, and every backend implements every
entry with one signature, or the entry says why not."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import tomllib
from pathlib import Path

import pytest

import crossops.ops  # noqa: F401  (every namespace in the table)
import crossops.random  # noqa: F401
from crossops import _spec
from crossops._dispatch import TABLE, own_params
from crossops._dtypes import SPEC_DIR

from ._chapters import chapter_tests, per_op_tests
from ._spec_tests import DRAWS, TEST_FIELDS, TESTS_DIR, spec_for_tests
from .backends import op_function

SPEC = spec_for_tests()
REFERENCE = Path(__file__).parents[1] / "spec" / "reference"  # see its README.md


def _reference_names(file: str) -> list[tuple[str, str]]:
    """The ``<chapter> <name>`` rows of a reference list; ``#`` lines are comments."""
    lines = (REFERENCE / file).read_text().splitlines()
    return [tuple(line.split()) for line in lines if line.strip() and not line.startswith("#")]


def test_spec_covers_the_array_api_standard():
    missing = []
    for chapter, name in _reference_names("array_api_2025_12.tsv"):
        qual = name if chapter == "main" else f"{chapter}.{name}"
        if qual not in SPEC:
            missing.append(qual)
        elif not SPEC[qual].array_api:
            missing.append(f"{qual} (not marked array_api)")
    assert not missing, missing


def _unannotated(sig: inspect.Signature) -> inspect.Signature:
    empty = inspect.Parameter.empty
    return sig.replace(parameters=[p.replace(annotation=empty) for p in sig.parameters.values()],
                       return_annotation=empty)


#: the ops whose crossops.numpy function takes NumPy's signature instead of the op's own
#: (tests/test_numpy_surface.py compares those with NumPy's)
NUMPY_FORMS = tomllib.loads((Path(__file__).resolve().parents[1] / "spec" / "forms" /
                             "numpy.toml").read_text())


def test_namespace_has_every_spec_op_with_the_spec_signature():
    for qual, spec in SPEC.items():
        if qual in NUMPY_FORMS:
            continue
        assert _unannotated(inspect.signature(op_function(spec))) == spec.sig, qual


def _accepts(f, spec) -> str | None:
    """Why ``f`` cannot be called with the spec's parameters, or None."""
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):
        return None  # a builtin without a signature (a ufunc, a torch op): the tests call it
    params = sig.parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return None
    for p in spec.sig.parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name in own_params(spec):
            continue  # NumPy's like= of a creation call, where= of a reduction (and initial,
            # mean): the public function handles them itself
        if p.name not in params:
            return f"takes no parameter {p.name!r} (signature {sig})"
    n_pos = sum(p.kind in (p.POSITIONAL_ONLY,) for p in spec.sig.parameters.values())
    can_pos = [p for p in params.values() if p.kind in (p.POSITIONAL_ONLY,
                                                         p.POSITIONAL_OR_KEYWORD)]
    if len(can_pos) < n_pos and not any(p.kind is p.VAR_POSITIONAL for p in params.values()):
        return f"takes {len(can_pos)} positional arguments, the spec passes {n_pos}"
    return None


@pytest.mark.parametrize("qualname", sorted(SPEC))
def test_every_backend_implements_the_entry_or_says_why(qualname, backend):
    spec = SPEC[qualname]
    impl = TABLE[qualname].find(backend)
    why = spec.unavailable(backend)
    if impl is None:
        assert why, f"{qualname} has no {backend} implementation and its spec gives no reason"
        with pytest.raises(NotImplementedError, match=why[:20]):
            TABLE[qualname].impl(backend)
        return
    assert not why, f"{qualname} is implemented on {backend} but the spec says: {why}"
    problem = _accepts(impl, spec)
    assert problem is None, f"{backend} {qualname} {problem}"


def test_every_limit_names_a_known_backend_and_a_reason():
    for qual, spec in SPEC.items():
        for backend, limit in spec.limits.items():
            assert backend in ("numpy", "jax", "torch", "tensorflow"), (qual, backend)
            reason = limit if isinstance(limit, str) else limit.get("reason")
            assert reason and len(reason) > 10, f"{qual}: {backend} limit needs a reason"


# -- the spec split by audience: what an op is (runtime) and how the tests check it ----------

@pytest.mark.parametrize("name", sorted(TEST_FIELDS))
def test_the_runtime_rejects_a_test_field(name):
    """A test field at the top level of an entry of spec/<chapter>.toml is an error that
    says where it belongs."""
    raw = {"signature": "(x, /)", name: "x"}
    with pytest.raises(ValueError, match=r"unknown fields .* spec/tests/elementwise\.toml"):
        _spec._entry("elementwise", "", "op", raw)


def test_the_runtime_spec_holds_no_test_field():
    runtime = {f.name for f in dataclasses.fields(_spec.OpSpec)}
    assert not runtime & TEST_FIELDS
    assert not _spec._FIELDS & TEST_FIELDS
    assert all(type(s) is _spec.OpSpec for s in _spec.load_spec().values())


def test_every_test_file_is_a_chapter_and_names_its_ops():
    chapters = {p.stem for p in SPEC_DIR.glob("*.toml")}
    files = sorted(TESTS_DIR.glob("*.toml"))
    assert files
    for path in files:
        assert path.stem in chapters, f"spec/tests/{path.name} has no spec/{path.name}"
    # spec_for_tests raises for an entry that names no op of its chapter; SPEC loaded


#: the dispatch rule (spec/<chapter>.toml) each drawer's inputs assume: binary drawers draw
#: two arrays promoted together, where's a condition and two arrays, the one-array drawers
#: arrays converted from host data; custom drawers draw for any rule
DRAW_DISPATCH = {"unary": "convert", "clip": "convert", "cumulative": "convert",
                 "sort": "convert", "arg_reduction": "convert", "binary": "binary",
                 "binary_shift": "binary", "binary_nonzero": "binary", "compare": "binary",
                 "where": "where", "matmul": "matmul", "reduction": "reduction",
                 "creation": "creation", "dtype": "dtype"}


def test_what_the_tests_draw_agrees_with_the_dispatch_rule():
    assert set(DRAW_DISPATCH) | {"custom"} == set(DRAWS)
    wrong = [(q, s.draw, s.dispatch) for q, s in SPEC.items()
             if s.draw in DRAW_DISPATCH and DRAW_DISPATCH[s.draw] != s.dispatch]
    assert not wrong, wrong


def test_every_chapter_has_its_test_module():
    """The tests mirror the spec: ``tests/test_<chapter>.py`` for ``spec/<chapter>.toml``,
    naming its chapter, holding tests, and running the spec-driven suites' per-op tests of
    that chapter's ops (tests/_chapters.py); no other module names a chapter."""
    chapters = sorted(p.stem for p in SPEC_DIR.glob("*.toml"))
    tests_dir = Path(__file__).parent
    for chapter in chapters:
        assert (tests_dir / f"test_{chapter}.py").is_file(), (
            f"spec/{chapter}.toml has no tests/test_{chapter}.py: create it with CHAPTER = "
            f"{chapter!r} and globals().update(chapter_tests(CHAPTER)), see tests/_chapters.py")
        module = importlib.import_module(f"{__package__}.test_{chapter}")
        assert getattr(module, "CHAPTER", None) == chapter, f"test_{chapter}.py: CHAPTER"
        for name, test in chapter_tests(chapter).items():
            assert getattr(module, name, None) is test, (
                f"test_{chapter}.py does not run the per-op test {name} of its chapter's ops")
        assert any(n.startswith("test_") and callable(v) for n, v in vars(module).items()), (
            f"test_{chapter}.py holds no test")
    others = [p.name for p in tests_dir.glob("test_*.py")
              if p.stem.removeprefix("test_") not in chapters
              and "\nCHAPTER = " in p.read_text()]
    assert not others, f"{others} name a chapter the spec does not have"


def test_every_op_of_a_per_op_test_has_a_chapter_module():
    """Each per-op test covers ops of the spec only, so each case runs in a chapter module."""
    for name, test in per_op_tests().items():
        unknown = set(test.spec_ops) - set(SPEC)
        assert not unknown, f"{name} covers ops the spec lacks: {sorted(unknown)}"
