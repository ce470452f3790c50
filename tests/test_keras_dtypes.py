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
from crossops.nn._activations import ACTIVATIONS as ACTIVATION_FUNCTIONS

from ._spec_tests import spec_for_tests
from .backends import backend_context, to_backend
from .reference import numpy_edge_cases

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
SPEC = spec_for_tests()
RULED = sorted(name for name, s in SPEC.items()
               if s.keras_dtype and not s.namespace and name in ROWS)
#: the activations, which need no rule of their own: bool and integer inputs give floatx (as
#: jax.nn, whose dtypes the table holds); relu and hard_tanh keep integers (bool: int32)
ACTIVATIONS = sorted(name for name in ACTIVATION_FUNCTIONS if name in ROWS)


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


#: 64-bit results that Keras narrows to 32 bits (its ``result_type`` does, on every backend
#: but TensorFlow, as JAX's x64-off mode does): crossops's table gives uint32 with a signed
#: integer as int64 and never narrows silently (DESIGN.md, "Dtypes and promotion")
SIGNED = {"int8", "int16", "int32"}


def _narrowed(args: str, got: str, expected: str) -> bool:
    """Whether ``got`` is Keras's ``expected`` but for that narrowing: int64 for int32 where
    uint32 meets a signed integer array."""
    names = set(args.split(","))
    return got == "int64" and expected == "int32" and "uint32" in names and bool(names & SIGNED)
#: rows where crossops.ops differs from Keras on purpose or for now, with the reason
KNOWN: set[tuple[str, str]] = set()
#: the same on one backend only: bool operands of ops whose spec takes numeric dtypes (the
#: array API's), which Keras accepts; open in issue 12
KNOWN_ON = {
    # torch has no bool kernel for matrix products ("addmm_impl_cpu_" not implemented); and
    # the table's stack(x) stacks the rows of one array, which torch.stack refuses (it takes
    # a tuple of tensors; crossops's stack takes a sequence of arrays, as the array API's)
    "torch": {("matmul", "bool,bool"), ("dot", "bool,bool"), ("inner", "bool,bool")}
    # torch has no uint16/uint32 kernels for comparisons and clamp
    | {(op, d) for op in ("relu", "hard_tanh") for d in ("uint16", "uint32")}
    | {("stack", d) for d in ("bool", "uint8", "uint16", "uint32", "int8", "int16", "int32",
                              "bfloat16", "float16", "float32")},
}


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


@pytest.mark.parametrize("op", RULED + ACTIVATIONS)
def test_keras_result_dtypes(backend, op):
    """Every row of the table for ``op``: crossops.ops's result dtype is Keras's."""
    wrong = []
    with backend_context(backend):
        for args, expected in ROWS[op]:
            if (_unsupported(op, backend, args) or (op, args) in KNOWN
                    or (op, args) in KNOWN_ON.get(backend, ())):
                continue
            try:
                with numpy_edge_cases():  # the table's inputs hit arctanh(1), constant rows
                    got = dtype_name(_call(backend, op, args).dtype)
            except Exception as e:  # noqa: BLE001  (reported with the row)
                got = f"{type(e).__name__}: {e}"[:80]
            if got != expected and not _narrowed(args, got, expected):
                wrong.append(f"{op}({args}): {got}, Keras gives {expected}")
    assert not wrong, f"{len(wrong)} of {len(ROWS[op])} rows differ:\n" + "\n".join(wrong[:20])


@pytest.mark.parametrize("op", ["add", "multiply", "maximum"])
def test_python_scalar_rule_on_repeated_calls(backend, op):
    """A rule that acts on Python scalars holds on every call, not only the first: the C
    front of ``ops.add`` must not reuse the type-keyed slow path that ``crossops.numpy.add``
    (NumPy's promotion) filled for ``(array, float)``."""
    import crossops.numpy as xnp

    with backend_context(backend):
        x = to_backend(backend, np.ones((2,), np.uint8))
        b = to_backend(backend, np.ones((2,), np.bool_))
        getattr(xnp, op)(x, 1.0)  # NumPy's rules, cached for (array type, float)
        getattr(xnp, op)(b, 1)
        for _ in range(3):
            assert dtype_name(getattr(ops, op)(x, 1.0).dtype) == "float32"
            assert dtype_name(getattr(ops, op)(b, 1).dtype) == "int32"
            assert dtype_name(getattr(ops, op)(x, 1).dtype) == "uint8"


def test_where_python_scalars_on_repeated_calls(backend):
    """``ops.where`` (written by hand) keeps Keras's weak Python scalars on every call too."""
    import crossops.numpy as xnp

    with backend_context(backend):
        c = to_backend(backend, np.array([True, False]))
        x = to_backend(backend, np.ones((2,), np.int8))
        b = to_backend(backend, np.ones((2,), np.bool_))
        xnp.where(c, x, 1.0)  # NumPy's rules, cached for (array, array, float)
        xnp.where(c, b, 1)
        for _ in range(3):
            assert dtype_name(ops.where(c, x, 1.0).dtype) == "float32"
            assert dtype_name(ops.where(c, b, 1).dtype) == "int32"
            assert dtype_name(ops.where(c, x, 1).dtype) == "int8"


#: ``arange`` of NumPy scalars: Keras's ``result_type`` of their dtypes, a Python int
#: changing nothing and a Python float beside integers giving floatx; 64-bit ones stay
#: 64-bit (Keras narrows them but on TensorFlow, see SIGNED above)
ARANGE_OF_SCALARS = [
    ((np.int32(4),), "int32"), ((np.float32(2.5),), "float32"), ((np.int16(3),), "int16"),
    ((np.uint8(3),), "uint8"), ((np.int32(1), 5), "int32"), ((np.int16(1), np.int32(5)), "int32"),
    ((0, np.float32(3)), "float32"), ((np.int8(0), 3.5), "float32"),
    ((np.int32(5), 0, -2), "int32"), ((np.int32(0), 0), "int32"),
    ((np.int64(4),), "int64"), ((np.float64(2.5),), "float64"),
]


@pytest.mark.parametrize("args, expected", ARANGE_OF_SCALARS, ids=lambda v: repr(v)[:40])
def test_arange_of_numpy_scalars(backend, args, expected):
    """``ops.arange`` reads a NumPy scalar by its dtype, as Keras does (before, as NumPy
    does: int64 for ``np.int32(4)``, float32 on tensorflow), on every call of the C front."""
    import keras
    from keras.src.backend.common.dtypes import result_type

    narrowed = keras.config.backend() != "tensorflow"
    want = result_type(*(getattr(a, "dtype", type(a)) for a in args))
    assert want == (expected.replace("64", "32") if narrowed else expected), "not Keras's"
    if backend == "jax" and "64" in expected:
        pytest.skip("jax runs with 64-bit types off: no int64 or float64 array")
    with backend_context(backend):
        got = [ops.arange(*args) for _ in range(2)]
    for out in got:
        assert dtype_name(out.dtype) == expected
        np.testing.assert_array_equal(np.asarray(out), np.arange(*args).astype(expected))
