"""The op specification: ``spec/*.toml`` read into :class:`OpSpec` records.

Every op crossops has is one entry of a spec file. The dispatch table, the
conformance tests, the signature meta-test and the coverage report all read it.

An entry reads::

    [add]
    signature = "(x1, x2, /)"
    group = "numpy"             # numpy, nn, linalg, fft, math, image, core, random
    dtypes = "numeric"          # a category of crossops._dtypes.CATEGORIES
    kind = "binary"             # what inputs the conformance suite draws
    reference = "numpy.add"     # the reference the suite compares with
    array_api = true
    keras = true

    [add.limits]
    torch = { dtypes = ["uint16", "uint32", "uint64"], reason = "no kernels in torch" }

Optional fields: ``arrays`` (the parameters that carry arrays; by default the
positional-only ones), ``sequences`` (parameters holding a sequence of arrays),
``tolerance`` (in units of the result dtype's epsilon; 0 means exact),
``result`` (how the result dtype follows from the inputs; default: as the reference;
``"at_least_float32"``: float16/bfloat16 inputs give float32),
``ref_kwargs`` and ``kwargs`` (keyword arguments for the reference and the op in tests),
``values`` (the range of values the tests draw: ``"moderate"`` keeps ``|x| <= 100``),
``compiled = false`` (the op cannot run under a compiler, e.g. data-dependent shapes),
``graph_break`` (test data only: why torch.compile cannot trace the op in one graph; it
runs there, with a break, but not under ``fullgraph=True``),
``compare = "shape_dtype"`` (the values are unspecified, as in ``empty``),
``promote = ["x1", "x2"]`` (two array parameters promoted together with crossops's table;
binary element-wise ops, ``where`` and ``matmul`` are promoted by their kind),
``grad_points`` (points where the gradient test checks an element-wise op besides
0, +-1 and +-large: its kinks and the edges of its domain; an op of kind ``custom`` with
this field joins that test),
``not_differentiable`` (why the op has no gradient crossops checks: piecewise constant,
unspecified values, a derivative that depends on each backend's choice of sign or phase;
the gradient tests leave it out, with this reason),
``grad_cases`` (test data only, never read by the runtime: inputs at which
tests/test_gradient_cases.py differentiates an op that is not element-wise -- its ties,
zeros and kinks -- each ``{ args = [...], kwargs = {...}, wrt = 0, note = "..." }``),
Framework-specific functions are not named here: each lives in its backend's package,
``crossops/backends/<backend>/<group>.py``, under the op's name (see
``crossops._dispatch._lookup``).
Ops of other namespaces than the array API's may also have a generic implementation
written with crossops ops (the ``GENERIC`` dicts the generated op modules pass to
``crossops._dispatch.bind``).
A limit is a string (the op is not available on that backend, and why) or a table
``{ dtypes = [...], reason = "..." }`` (those input dtypes raise on that backend).
A file may set ``namespace = "linalg"`` (or ``"fft"``) for all of its entries.

Examples
--------
>>> from crossops._spec import load_spec
>>> load_spec()["add"].params
('x1', 'x2')
"""

from __future__ import annotations

import inspect
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property

from ._dtypes import CATEGORIES, SPEC_DIR

_FIELDS = {"signature", "group", "dtypes", "kind", "reference", "array_api", "keras",
           "arrays", "sequences", "tolerance", "result", "limits", "ref_kwargs", "kwargs",
           "doc", "not_differentiable", "compiled", "values", "compare", "promote",
           "keras_dtype", "grad_points", "grad_cases", "graph_break"}
#: the keys of one ``grad_cases`` entry
_GRAD_CASE_KEYS = {"args", "kwargs", "wrt", "note"}
#: Keras's dtype rules an op of crossops.ops may follow; crossops/_keras_dtypes.py has one
#: function for each, and scripts/gen_ops.py's KERAS_RULE_DOCS says what each does
KERAS_DTYPE_RULES = ("float", "float2", "divide", "weak", "weak_int", "weak_arrays", "accumulate",
                     "cumulative", "floatx", "arange", "convert", "index", "window",
                     "space", "bool_int32", "int8", "int8_operands", "accumulate_result",
                     "keep", "count", "promote_sequence", "promote3")


@dataclass(frozen=True)
class OpSpec:
    """One op of the spec."""

    name: str
    namespace: str  # "" for the main namespace, "linalg" or "fft"
    chapter: str
    signature: str
    group: str
    dtypes: str
    kind: str
    reference: str
    array_api: bool = False
    keras: bool = False
    arrays: tuple[str, ...] = ()
    sequences: tuple[str, ...] = ()
    tolerance: float | None = None
    result: str | None = None
    limits: dict[str, str | dict] = field(default_factory=dict)
    ref_kwargs: dict = field(default_factory=dict)
    kwargs: dict = field(default_factory=dict)
    doc: str = ""
    compiled: bool = True
    graph_break: str = ""
    values: str | None = None
    compare: str = "values"
    promote: tuple[str, ...] = ()
    keras_dtype: str = ""
    grad_points: tuple[float, ...] | None = None
    grad_cases: tuple[dict, ...] = ()
    not_differentiable: str = ""

    @property
    def qualname(self) -> str:
        """``"linalg.solve"`` for extension ops, the plain name otherwise."""
        return f"{self.namespace}.{self.name}" if self.namespace else self.name

    @cached_property
    def sig(self) -> inspect.Signature:
        """The signature as an :class:`inspect.Signature`; kept on the spec once parsed
        (the dispatch table parses it when it binds the op), so that a compiler tracing a
        first call (torch.compile) reads an attribute instead of tracing ``exec``."""
        return _parse_signature(self.qualname, self.signature)

    @cached_property
    def parameters(self) -> dict[str, inspect.Parameter]:
        """``sig.parameters`` as a plain dict, kept on the spec: a compiler tracing a first
        call (torch.compile) cannot read the signature's mapping proxy."""
        return dict(self.sig.parameters)

    @cached_property
    def params(self) -> tuple[str, ...]:
        """The parameter names, in order (kept on the spec, as ``parameters``)."""
        return tuple(self.parameters)

    @property
    def dtype_names(self) -> tuple[str, ...]:
        return CATEGORIES[self.dtypes]

    def unavailable(self, backend: str) -> str | None:
        """Why the op is not available on ``backend``, or None if it is."""
        limit = self.limits.get(backend)
        return limit if isinstance(limit, str) else None

    def unsupported_dtypes(self, backend: str) -> frozenset[str]:
        """Input dtypes the op raises for on ``backend`` (a documented limitation)."""
        limit = self.limits.get(backend)
        if not isinstance(limit, dict):
            return frozenset()
        d = limit["dtypes"]
        return frozenset(CATEGORIES[d] if isinstance(d, str) else d)


@cache
def _parse_signature(name: str, text: str) -> inspect.Signature:
    scope: dict = {}
    try:
        exec(f"def _f{text}: pass", {}, scope)
    except SyntaxError as e:
        raise ValueError(f"spec entry {name!r}: bad signature {text!r}: {e}") from None
    return inspect.signature(scope["_f"])


def _entry(chapter: str, namespace: str, name: str, raw: dict) -> OpSpec:
    unknown = set(raw) - _FIELDS
    if unknown:
        raise ValueError(f"spec entry {name!r} in {chapter}.toml: unknown fields {sorted(unknown)}")
    sig = _parse_signature(name, raw["signature"])  # also checks the signature's syntax
    if "arrays" in raw:
        arrays = tuple(raw["arrays"])
    else:
        arrays = tuple(p.name for p in sig.parameters.values()
                       if p.kind in (p.POSITIONAL_ONLY, p.VAR_POSITIONAL))
    sequences = tuple(raw.get("sequences", ()))
    for a in arrays + sequences:
        if a not in sig.parameters:
            raise ValueError(f"spec entry {name!r}: array parameter {a!r} not in its signature")
    dtypes = raw.get("dtypes", "all")
    if dtypes not in CATEGORIES:
        raise ValueError(f"spec entry {name!r}: unknown dtype category {dtypes!r}")
    return OpSpec(
        name=name, namespace=namespace, chapter=chapter, signature=raw["signature"],
        group=raw.get("group", "numpy"), dtypes=dtypes, kind=raw.get("kind", "custom"),
        reference=raw.get("reference", ""), array_api=raw.get("array_api", False),
        keras=raw.get("keras", False), arrays=arrays, sequences=sequences,
        tolerance=raw.get("tolerance"), result=raw.get("result"),
        limits=dict(raw.get("limits", {})), ref_kwargs=dict(raw.get("ref_kwargs", {})),
        kwargs=dict(raw.get("kwargs", {})), doc=raw.get("doc", ""),
        compiled=raw.get("compiled", True), graph_break=raw.get("graph_break", ""),
        values=raw.get("values"),
        compare=raw.get("compare", "values"), promote=tuple(raw.get("promote", ())),
        keras_dtype=_keras_dtype(name, raw),
        grad_points=(tuple(float(p) for p in raw["grad_points"]) if "grad_points" in raw
                     else None),
        grad_cases=_grad_cases(name, raw),
        not_differentiable=raw.get("not_differentiable", ""),
    )


def _grad_cases(name: str, raw: dict) -> tuple[dict, ...]:
    """The entry's ``grad_cases``, each checked for its keys (tests read them)."""
    cases = tuple(raw.get("grad_cases", ()))
    for case in cases:
        if not isinstance(case, dict) or "args" not in case or set(case) - _GRAD_CASE_KEYS:
            raise ValueError(f"spec entry {name!r}: a grad_cases entry is a table with "
                             f"'args' and optionally {sorted(_GRAD_CASE_KEYS - {'args'})}, "
                             f"not {case!r}")
    return cases


def _keras_dtype(name: str, raw: dict) -> str:
    rule = raw.get("keras_dtype", "")
    if rule and rule not in KERAS_DTYPE_RULES:
        raise ValueError(f"spec entry {name!r}: unknown keras_dtype {rule!r}; one of "
                         f"{KERAS_DTYPE_RULES}")
    return rule


@cache
def load_spec() -> dict[str, OpSpec]:
    """Every op of ``spec/*.toml``, keyed by qualified name (``"linalg.solve"``)."""
    ops: dict[str, OpSpec] = {}
    for path in sorted(SPEC_DIR.glob("*.toml")):
        if path.stem == "promotion":
            continue
        with open(path, "rb") as f:
            data = tomllib.load(f)
        namespace = data.get("namespace", "")
        for name, raw in data.items():
            if not isinstance(raw, dict):
                continue
            op = _entry(path.stem, namespace, name, raw)
            if op.qualname in ops:
                raise ValueError(f"op {op.qualname!r} is in {ops[op.qualname].chapter}.toml "
                                 f"and {path.name}")
            ops[op.qualname] = op
    return ops
