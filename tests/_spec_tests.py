"""How the tests check each op: ``spec/tests/<chapter>.toml`` beside the runtime spec.

The runtime reads ``spec/<chapter>.toml`` (:func:`crossops._spec.load_spec`: what an op
is); the tests also read ``spec/tests/<chapter>.toml`` (how an op is checked), which
nothing in ``src/`` opens. This module joins the two into :class:`OpSpecForTests`
records: an op's runtime spec with its test fields. The format is in
``spec/tests/README.md``.

Examples
--------
>>> from tests._spec_tests import spec_for_tests
>>> spec_for_tests()["add"].draw, spec_for_tests()["add"].reference
('binary', 'numpy.add')
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from functools import cache

from crossops._dtypes import SPEC_DIR
from crossops._spec import OpSpec, load_spec

TESTS_DIR = SPEC_DIR / "tests"

#: what the conformance drawers (tests/strategies.py) know how to draw, beyond the ops
#: with a drawer of their own (``"custom"``): a ``draw`` value
DRAWS = ("unary", "binary", "binary_shift", "binary_nonzero", "compare", "where", "matmul",
         "clip", "reduction", "cumulative", "arg_reduction", "sort", "creation", "dtype",
         "custom")

#: the keys of one ``grad_cases`` entry
_GRAD_CASE_KEYS = {"args", "kwargs", "wrt", "note"}


@dataclass(frozen=True)
class OpSpecForTests(OpSpec):
    """An op's runtime spec (:class:`crossops._spec.OpSpec`) with the fields only the
    tests read (see spec/tests/README.md)."""

    draw: str = "custom"
    reference: str = ""
    tolerance: float | None = None
    result: str | None = None
    compare: str = "values"
    values: str | None = None
    ref_kwargs: dict = field(default_factory=dict)
    kwargs: dict = field(default_factory=dict)
    compiled: bool = True
    graph_break: str = ""
    not_differentiable: str = ""
    grad_points: tuple[float, ...] | None = None
    grad_cases: tuple[dict, ...] = ()


#: the test fields of an entry of spec/tests/<chapter>.toml
TEST_FIELDS = frozenset(f.name for f in dataclasses.fields(OpSpecForTests)) - frozenset(
    f.name for f in dataclasses.fields(OpSpec))


def _default_draw(spec: OpSpec) -> str | None:
    """What the tests draw for an op whose test entry gives no ``draw``: its dispatch
    rule's name, where that is a draw (``"convert"`` is not: those ops say what to draw)."""
    return spec.dispatch if spec.dispatch in DRAWS else None


def _with_tests(spec: OpSpec, raw: dict, file: str) -> OpSpecForTests:
    unknown = set(raw) - TEST_FIELDS
    if unknown:
        raise ValueError(f"{file} [{spec.name}]: unknown test fields {sorted(unknown)}; one of "
                         f"{sorted(TEST_FIELDS)} (what the op is goes in "
                         f"spec/{spec.chapter}.toml)")
    draw = raw.get("draw", _default_draw(spec))
    if draw not in DRAWS:
        raise ValueError(f"{file} [{spec.name}]: draw = {draw!r}; give one of {DRAWS} "
                         f"(an op of dispatch {spec.dispatch!r} needs one)")
    cases = tuple(raw.get("grad_cases", ()))
    for case in cases:
        if not isinstance(case, dict) or "args" not in case or set(case) - _GRAD_CASE_KEYS:
            raise ValueError(f"{file} [{spec.name}]: a grad_cases entry is a table with "
                             f"'args' and optionally {sorted(_GRAD_CASE_KEYS - {'args'})}, "
                             f"not {case!r}")
    base = {f.name: getattr(spec, f.name) for f in dataclasses.fields(OpSpec)}
    return OpSpecForTests(
        **base, draw=draw, reference=raw.get("reference", ""), tolerance=raw.get("tolerance"),
        result=raw.get("result"), compare=raw.get("compare", "values"),
        values=raw.get("values"), ref_kwargs=dict(raw.get("ref_kwargs", {})),
        kwargs=dict(raw.get("kwargs", {})), compiled=raw.get("compiled", True),
        graph_break=raw.get("graph_break", ""),
        not_differentiable=raw.get("not_differentiable", ""),
        grad_points=(tuple(float(p) for p in raw["grad_points"]) if "grad_points" in raw
                     else None),
        grad_cases=cases)


@cache
def _test_tables(chapter: str) -> dict[str, dict]:
    path = TESTS_DIR / f"{chapter}.toml"
    if not path.exists():
        return {}
    with open(path, "rb") as f:
        return tomllib.load(f)


@cache
def spec_for_tests() -> dict[str, OpSpecForTests]:
    """Every op of the spec with its test fields, keyed by qualified name (as
    :func:`crossops._spec.load_spec`)."""
    ops = load_spec()
    by_chapter: dict[str, dict[str, OpSpec]] = {}
    for spec in ops.values():
        by_chapter.setdefault(spec.chapter, {})[spec.name] = spec
    out = {}
    for chapter, names in by_chapter.items():
        tables = _test_tables(chapter)
        stray = set(tables) - set(names)
        if stray:
            raise ValueError(f"spec/tests/{chapter}.toml has entries for ops not in "
                             f"spec/{chapter}.toml: {sorted(stray)}")
        for name, spec in names.items():
            out[spec.qualname] = _with_tests(spec, tables.get(name, {}),
                                             f"spec/tests/{chapter}.toml")
    return {q: out[q] for q in ops}
