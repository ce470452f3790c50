"""Regenerate spec/reference/keras_dtypes.tsv: the result dtypes of keras.ops.

    python scripts/keras_dtypes.py
    python scripts/keras_dtypes.py --compare [--backends numpy,jax,torch,tensorflow]

Runs the installed Keras 3 on its JAX backend with JAX's defaults (64-bit types off), as
Keras's own dtype tests (``NumpyDtypeTest``: "verify that the behavior matches JAX") take
their expected dtypes from JAX so, on the dtypes those tests use (no 64-bit types); it calls
each op of ``keras.ops`` that takes one array (``f(x)``) or two (``f(x1, x2)``) on small
arrays of each of those dtypes, and the
binary ones also with a Python bool, int or float on either side; then the creation
functions with their defaults. One line per call that succeeds:

    <op> <TAB> <arguments> <TAB> <result dtype>

where the arguments are dtype names (an array of that dtype) or ``py:bool``, ``py:int``,
``py:float`` (a Python scalar), comma-separated; the creation calls are written out
(``arange(5)``). Calls that raise are left out. The facts are Keras's; the table is what
``tests/test_keras_dtypes.py`` checks ``crossops.ops`` against.

``--compare`` measures the whole table instead: for each backend, how many rows
``crossops.ops`` gives Keras's dtype for, and the ops with the
most rows that differ.
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "spec" / "reference" / "keras_dtypes.tsv"

DTYPES = ["bool", "uint8", "uint16", "uint32", "int8", "int16", "int32", "bfloat16",
          "float16", "float32"]
SCALARS = {"py:bool": True, "py:int": 1, "py:float": 1.0}

#: the creation calls, as written in the table, and their arguments
CREATION = {
    "arange(5)": ("arange", (5,), {}),
    "arange(1, 5, 2)": ("arange", (1, 5, 2), {}),
    "arange(0.0, 5.0)": ("arange", (0.0, 5.0), {}),
    "arange(5.0)": ("arange", (5.0,), {}),
    "zeros((2,))": ("zeros", ((2,),), {}),
    "ones((2,))": ("ones", ((2,),), {}),
    "empty((2,))": ("empty", ((2,),), {}),
    "eye(2)": ("eye", (2,), {}),
    "identity(2)": ("identity", (2,), {}),
    "tri(2)": ("tri", (2,), {}),
    "full((2,), 1)": ("full", ((2,), 1), {}),
    "full((2,), 1.0)": ("full", ((2,), 1.0), {}),
    "full((2,), True)": ("full", ((2,), True), {}),
    "linspace(0, 1)": ("linspace", (0, 1), {}),
    "logspace(0, 1)": ("logspace", (0, 1), {}),
    "convert_to_tensor(1)": ("convert_to_tensor", (1,), {}),
    "convert_to_tensor(1.0)": ("convert_to_tensor", (1.0,), {}),
    "convert_to_tensor(True)": ("convert_to_tensor", (True,), {}),
    "convert_to_tensor([1, 2])": ("convert_to_tensor", ([1, 2],), {}),
    "convert_to_tensor([1.0, 2.0])": ("convert_to_tensor", ([1.0, 2.0],), {}),
}

#: ops whose one- or two-array form is not the op (it needs more arguments to mean
#: anything, or it returns Python values or several arrays)
SKIP = {"convert_to_tensor", "convert_to_numpy", "cast", "shape", "size", "ndim",
        "dtype", "is_tensor", "cond", "while_loop", "fori_loop", "scan", "map", "switch",
        "associative_scan", "vectorized_map", "custom_gradient", "stop_gradient",
        "unstack", "split", "array_split", "meshgrid", "nonzero", "argwhere", "unique",
        "where", "einsum", "saturate_cast", "rearrange", "stft", "istft", "irfft", "fft2",
        "ifft2", "fft", "rfft", "eig", "eigh", "svd", "qr", "lu_factor", "slogdet",
        "top_k", "in_top_k", "histogram", "bincount", "searchsorted", "array",
        "divide_no_nan", "ctc_decode", "ctc_loss", "normalize", "psnr", "one_hot",
        "multi_hot", "arange", "eye", "identity", "tri", "empty", "zeros", "ones", "full",
        "linspace", "logspace", "view", "dot_product_attention", "solve", "lstsq",
        "solve_triangular", "cholesky", "cholesky_inverse", "inv", "det", "norm",
        "jvp", "matrix_rank", "pinv", "expm", "polar", "erfinv"}


def _params(f) -> list[str]:
    try:
        return list(inspect.signature(f).parameters)
    except (TypeError, ValueError):
        return []


def _dt(value) -> str:
    from keras import backend
    return backend.standardize_dtype(value.dtype)


def _array(name: str, ndim: int):
    import jax.numpy as jnp
    import numpy as np
    shape = (2, 2) if ndim == 2 else (2,)
    return jnp.asarray(np.ones(shape), dtype=name)


def rows() -> list[tuple[str, str, str]]:
    import warnings
    warnings.filterwarnings("ignore")
    from keras import ops

    out = []
    for text, (name, args, kwargs) in CREATION.items():
        out.append((name, text, _dt(getattr(ops, name)(*args, **kwargs))))
    for name in sorted(n for n in dir(ops) if not n.startswith("_")):
        f = getattr(ops, name)
        if name in SKIP or inspect.isclass(f) or inspect.ismodule(f) or not callable(f):
            continue
        params = _params(f)
        required = [p for p, v in inspect.signature(f).parameters.items()
                    if v.default is inspect.Parameter.empty
                    and v.kind in (v.POSITIONAL_ONLY, v.POSITIONAL_OR_KEYWORD)]
        if len(required) == 1 and params:
            cases = [((d,),) for d in DTYPES]
        elif len(required) == 2 and params[:2] in (["x1", "x2"], ["a", "b"], ["x", "y"]):
            cases = [((a, b),) for a in DTYPES + list(SCALARS) for b in DTYPES + list(SCALARS)
                     if not (a in SCALARS and b in SCALARS)]
        else:
            continue
        ndim = 2 if name in MATRIX_OPS else 1
        for (names,) in cases:
            args = [SCALARS[n] if n in SCALARS else _array(n, ndim) for n in names]
            try:
                result = f(*args)
            except Exception:  # noqa: BLE001  (a refused combination: left out)
                continue
            if isinstance(result, (tuple, list)) or not hasattr(result, "dtype"):
                continue
            out.append((name, ",".join(names), _dt(result)))
    return out


def compare(backends: list[str]) -> None:
    import collections
    import warnings

    import ml_dtypes
    import numpy as np

    import crossops
    from crossops import ops
    from crossops._dtypes import dtype_name
    warnings.filterwarnings("ignore")
    rows = [line.split("\t") for line in OUT.read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    for backend in backends:
        convert = {"numpy": np.asarray}
        if backend == "jax":
            import jax.numpy as jnp
            convert["jax"] = jnp.asarray
        elif backend == "torch":
            import torch
            convert["torch"] = lambda a: (torch.from_numpy(a.view(np.int16)).view(
                torch.bfloat16) if a.dtype == ml_dtypes.bfloat16 else torch.from_numpy(a))
        elif backend == "tensorflow":
            import tensorflow as tf
            convert["tensorflow"] = tf.constant
        same, wrong = 0, collections.Counter()
        with crossops.use_backend(backend):
            for op, args, expected in rows:
                try:
                    if "(" in args:
                        out = eval(f"ops.{args}", {"ops": ops})  # noqa: S307
                    else:
                        ndim = 2 if op in MATRIX_OPS else 1
                        values = [SCALARS[a] if a in SCALARS else convert[backend](
                            np.ones((2, 2) if ndim == 2 else (2,), ml_dtypes.bfloat16
                                    if a == "bfloat16" else np.dtype(a)))
                            for a in args.split(",")]
                        out = getattr(ops, op)(*values)
                    got = dtype_name(out.dtype)
                except Exception:  # noqa: BLE001
                    got = "error"
                if got == expected:
                    same += 1
                else:
                    wrong[op] += 1
        print(f"{backend}: {same} of {len(rows)} rows give Keras's dtype "
              f"({100 * same / len(rows):.1f}%); most rows differ in: "
              + ", ".join(f"{op} {n}" for op, n in wrong.most_common(12)))


#: ops that Keras reads as matrices (the calls give them 2-d arrays)
MATRIX_OPS = {"matmul", "trace", "diagonal", "tril", "triu", "kron", "tensordot", "inner",
              "dot", "vdot"}


def main():
    if "--compare" in sys.argv:
        i = sys.argv.index("--backends") + 1 if "--backends" in sys.argv else None
        compare(sys.argv[i].split(",") if i else ["numpy", "jax", "torch", "tensorflow"])
        return
    if os.environ.get("KERAS_BACKEND") != "jax" or os.environ.get("JAX_ENABLE_X64") != "0":
        env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_ENABLE_X64": "0",
               "JAX_PLATFORMS": "cpu"}
        os.execve(sys.executable, [sys.executable, __file__], env)
    import jax
    import keras
    table = rows()
    lines = [f"# Result dtypes of keras.ops, Keras {keras.__version__} on JAX "
             f"{jax.__version__} (64-bit types off, as Keras's dtype tests),",
             "# as scripts/keras_dtypes.py calls them (its docstring says how); tab-separated:",
             "# op, arguments (dtype names of arrays, py:<type> for Python scalars), result.",
             "# Regenerate: python scripts/keras_dtypes.py"]
    lines += ["\t".join(r) for r in table]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"{OUT}: {len(table)} rows")


if __name__ == "__main__":
    main()
