"""``crossops.ops`` gives keras.ops's result dtypes, on every backend.

The facts are Keras's own: spec/reference/keras_dtypes.tsv, written by
``scripts/keras_dtypes.py`` from the installed Keras 3 on JAX with 64-bit types on (the
expected dtypes of Keras's own dtype tests come from JAX). Each op whose spec names a Keras
dtype rule (``keras_dtype``) must give the table's dtype for every row, on every backend;
``python scripts/keras_dtypes.py --compare`` measures the whole table.
"""

from __future__ import annotations

from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

from crossops import ops
from crossops._dtypes import dtype_name
from crossops._spec import load_spec

from .backends import backend_context, to_backend

TABLE = Path(__file__).parents[1] / "spec" / "reference" / "keras_dtypes.tsv"
SCALARS = {"py:bool": True, "py:int": 1, "py:float": 1.0}
#: ops that Keras reads as matrices (the table's calls give them 2-d arrays)
MATRIX_OPS = {"matmul", "trace", "diagonal", "tril", "triu", "kron", "tensordot", "inner",
              "dot", "vdot"}


def table() -> dict[str, list[tuple[str, str]]]:
    """op -> [(arguments, result dtype)] from the vendored table."""
    out: dict[str, list[tuple[str, str]]] = {}
    for line in TABLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            op, args, result = line.split("\t")
            out.setdefault(op, []).append((args, result))
    return out


ROWS = table()
SPEC = load_spec()
RULED = sorted(name for name, s in SPEC.items()
               if s.keras_dtype and not s.namespace and name in ROWS)


def _array(backend: str, name: str, ndim: int):
    dt = ml_dtypes.bfloat16 if name == "bfloat16" else np.dtype(name)
    return to_backend(backend, np.ones((2, 2) if ndim == 2 else (2,), dt))


def _call(backend: str, op: str, args: str):
    if "(" in args:  # a creation call, written out
        return eval(f"ops.{args}", {"ops": ops})  # noqa: S307  (the vendored table)
    ndim = 2 if op in MATRIX_OPS else 1
    values = [SCALARS[a] if a in SCALARS else _array(backend, a, ndim)
              for a in args.split(",")]
    return getattr(ops, op)(*values)


#: 64-bit results that Keras on JAX narrows to 32 bits (64-bit types off there): crossops's
#: table gives int32 + uint32 -> int64 and never narrows silently (DESIGN.md, "Dtypes and
#: promotion"), where JAX's x64-off mode makes it int32
NARROWED = {"int64": "int32", "uint64": "uint32", "float64": "float32"}
#: rows where crossops.ops differs from Keras on purpose or for now, with the reason
KNOWN = {
    ("maximum", "bool,bool"), ("maximum", "bool,py:bool"), ("maximum", "py:bool,bool"),
    ("minimum", "bool,bool"), ("minimum", "bool,py:bool"), ("minimum", "py:bool,bool"),
}  # crossops.numpy.maximum/minimum refuse bool (the array API's real-numeric dtypes);
#  NumPy and Keras accept it: open in issue 12


def _unsupported(op: str, backend: str, args: str) -> bool:
    """Whether an input dtype of ``args`` is one the op documents as refused on
    ``backend``."""
    spec = SPEC.get(op)
    if spec is None:
        return False
    refused = spec.unsupported_dtypes(backend)
    return any(a in refused for a in args.split(","))


def test_table_is_vendored():
    assert len(ROWS) > 100
    assert RULED, "no op of the spec names a Keras dtype rule"


@pytest.mark.parametrize("op", RULED)
def test_keras_result_dtypes(backend, op):
    """Every row of the table for ``op``: crossops.ops's result dtype is Keras's."""
    wrong = []
    with backend_context(backend):
        for args, expected in ROWS[op]:
            if _unsupported(op, backend, args) or (op, args) in KNOWN:
                continue
            try:
                got = dtype_name(_call(backend, op, args).dtype)
            except Exception as e:  # noqa: BLE001  (reported with the row)
                got = f"{type(e).__name__}: {e}"[:80]
            if got != expected and NARROWED.get(got) != expected:
                wrong.append(f"{op}({args}): {got}, Keras gives {expected}")
    assert not wrong, f"{len(wrong)} of {len(ROWS[op])} rows differ:\n" + "\n".join(wrong[:20])
