"""The op specification: ``spec/*.toml`` read into :class:`OpSpec` records.

Every op crossops has is one entry of a spec file. The dispatch table, the generated
public modules (scripts/gen_ops.py) and the coverage report read it; so do the tests.

The spec is split by audience. ``spec/<chapter>.toml`` says what an op is: the facts the
runtime, the generator and the docs read, and the contract the tests check (its dtypes
and per-backend limits). How the tests check an op (what inputs to draw, the reference,
the tolerance, its differentiability) lives in ``spec/tests/<chapter>.toml`` under the
op's name, which only the tests read (``tests/_spec_tests.py``); its docstrings live in
``spec/docs/<chapter>.toml``, which only the generator reads. This module never opens
those two folders, and rejects a test field at the top level of an entry.

An entry reads::

    [add]
    signature = "(x1, x2, /)"
    group = "numpy"             # numpy, nn, linalg, fft, math, image, core, random
    dtypes = "numeric"          # a category of crossops._dtypes.CATEGORIES
    dispatch = "binary"         # how the dispatch table takes the arguments (below)
    array_api = true
    keras = true

    [add.limits]
    torch = { dtypes = ["uint16", "uint32", "uint64"], reason = "no kernels in torch" }

``dispatch`` (default ``"custom"``) is how the table treats an op's array arguments:

- ``"binary"``: arguments 0 and 1 are promoted together with crossops's table (where the
  backend's own promotion differs), Python scalars among them are weak, and host data
  (lists, NumPy arrays, scalars) is converted to the call's backend (arithmetic, bitwise
  ops, comparisons);
- ``"where"``: as ``"binary"`` for arguments 1 and 2; argument 0 is the condition;
- ``"matmul"``: arguments 0 and 1 promoted together, no weak scalars;
- ``"convert"``: host data in the array arguments converted to the call's backend, no
  promotion (unless ``promote`` says so);
- ``"reduction"``: as ``"convert"``; NumPy's ``where=``, ``initial=`` and ``mean=`` are
  handled by the public function (``crossops.numpy._masked``);
- ``"creation"``: arguments passed as given; NumPy's ``like=`` picks the backend;
- ``"dtype"``: arguments passed as given (dtype functions);
- ``"custom"``: lists passed as given (the op reads them); NumPy arrays beside arrays of
  another backend are converted to it.

Optional fields: ``arrays`` (the parameters that carry arrays; by default the
positional-only ones), ``sequences`` (parameters holding a sequence of arrays),
``promote = ["x1", "x2"]`` (two array parameters promoted together with crossops's table,
for ops whose ``dispatch`` does not already promote), ``doc`` (the generated function's
summary where spec/docs has none), ``keras_dtype`` (the Keras dtype rule crossops.ops
applies, one of :data:`KERAS_DTYPE_RULES`), ``alias`` (the op this one is another name
of, with its own signature and docs: ``power`` of ``pow``; it takes that op's ``dispatch``
and ``promote``, and each backend's functions for it, where the backend has none of the
alias's name: its calls take one dispatch, not two), ``limits`` (below).
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
>>> load_spec()["add"].dispatch
'binary'
"""

from __future__ import annotations

import inspect
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache, cached_property

from ._dtypes import CATEGORIES, SPEC_DIR

_FIELDS = {"signature", "group", "dtypes", "dispatch", "array_api", "keras", "arrays",
           "sequences", "limits", "doc", "promote", "keras_dtype", "alias"}
#: the values of ``dispatch`` (see the module docstring)
DISPATCH = ("binary", "where", "matmul", "convert", "reduction", "creation", "dtype", "custom")
#: Keras's dtype rules an op of crossops.ops may follow; crossops/_keras_dtypes.py has one
#: function for each, and scripts/gen_ops.py's KERAS_RULE_DOCS says what each does
KERAS_DTYPE_RULES = ("float", "float2", "divide", "weak", "weak_int", "weak_arrays", "accumulate",
                     "cumulative", "floatx", "arange", "convert", "index", "window",
                     "space", "bool_int32", "int8", "int8_operands", "accumulate_result",
                     "keep", "count", "promote_sequence", "promote3", "quantile")


@dataclass(frozen=True)
class OpSpec:
    """One op of the spec."""

    name: str
    namespace: str  # "" for the main namespace, "linalg" or "fft"
    chapter: str
    signature: str
    group: str
    dtypes: str
    dispatch: str = "custom"
    array_api: bool = False
    keras: bool = False
    arrays: tuple[str, ...] = ()
    sequences: tuple[str, ...] = ()
    limits: dict[str, str | dict] = field(default_factory=dict)
    doc: str = ""
    promote: tuple[str, ...] = ()
    keras_dtype: str = ""
    alias: str = ""

    @property
    def qualname(self) -> str:
        """``"linalg.solve"`` for extension ops, the plain name otherwise."""
        return f"{self.namespace}.{self.name}" if self.namespace else self.name

    @property
    def target(self) -> str:
        """The qualified name under which the backends keep their functions for this op
        (their ``AT_DEFAULTS`` and ``AT_OPTIONS`` entries too): the op's, or, for an alias,
        its target's (``power``: ``"pow"``)."""
        return self.alias or self.qualname

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
        raise ValueError(f"spec entry {name!r} in {chapter}.toml: unknown fields "
                         f"{sorted(unknown)}; an entry holds {sorted(_FIELDS)}, and how the "
                         f"tests check the op goes in spec/tests/{chapter}.toml")
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
    if "alias" in raw and {"dispatch", "promote"} & set(raw):
        raise ValueError(f"spec entry {name!r}: an alias takes its target's dispatch and "
                         f"promote; give neither")
    dispatch = raw.get("dispatch", "custom")
    if dispatch not in DISPATCH:
        raise ValueError(f"spec entry {name!r}: unknown dispatch {dispatch!r}; one of {DISPATCH}")
    return OpSpec(
        name=name, namespace=namespace, chapter=chapter, signature=raw["signature"],
        group=raw.get("group", "numpy"), dtypes=dtypes, dispatch=dispatch,
        array_api=raw.get("array_api", False), keras=raw.get("keras", False), arrays=arrays,
        sequences=sequences, limits=dict(raw.get("limits", {})), doc=raw.get("doc", ""),
        promote=tuple(raw.get("promote", ())), keras_dtype=_keras_dtype(name, raw),
        alias=raw.get("alias", ""),
    )


def _aliased(op: OpSpec, ops: dict[str, OpSpec]) -> OpSpec:
    """Alias ``op`` with its target's ``dispatch`` and ``promote`` (checked: the target is
    an op of as many arrays, and no alias itself)."""
    target = ops.get(op.alias)
    if target is None or target.alias or len(target.arrays) != len(op.arrays):
        raise ValueError(f"spec entry {op.qualname!r}: alias {op.alias!r} must name an op "
                         f"that is no alias, of {len(op.arrays)} array(s)")
    return replace(op, dispatch=target.dispatch, promote=target.promote)


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
    for path in sorted(SPEC_DIR.glob("*.toml")):  # (not spec/tests/ nor spec/docs/)
        if path.stem == "promotion":
            continue
        chapter = path.stem
        with open(path, "rb") as f:
            data = tomllib.load(f)
        namespace = data.get("namespace", "")
        for name, raw in data.items():
            if not isinstance(raw, dict):
                continue
            op = _entry(chapter, namespace, name, raw)
            if op.qualname in ops:
                raise ValueError(f"op {op.qualname!r} is in {ops[op.qualname].chapter}.toml "
                                 f"and {chapter}.toml")
            ops[op.qualname] = op
    for name, op in ops.items():
        if op.alias:
            ops[name] = _aliased(op, ops)
    return ops
