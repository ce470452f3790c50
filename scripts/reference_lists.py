"""Regenerate the reference lists in spec/reference/.

    python scripts/reference_lists.py keras
        keras_ops.tsv from the installed Keras 3: one ``<group> <name>`` line for every
        public function of ``keras.ops`` and its submodules (image, linalg, nn, numpy),
        the group being the module of ``keras/src/ops/`` that defines it.

    python scripts/reference_lists.py array-api CHECKOUT [--ref REF] [--revision 2025.12]
        array_api_2025_12.tsv from a checkout of https://github.com/data-apis/array-api:
        one ``<chapter> <name>`` line (chapter main, linalg or fft) for every function in
        the ``__all__`` lists of ``src/array_api_stubs/_2025_12/``. With ``--ref`` the
        files are read from that commit or tag of the repository (``git show``), so a bare
        clone will do; without it, from the work tree.

The inspection API (``__array_namespace_info__`` and the methods of the object it
returns), the constants, the dtypes and the array object are not listed: they are not
ops of the spec.

    python scripts/reference_lists.py numpy
        numpy_signatures.tsv from the installed NumPy 2: one ``<module> <name>
        <signature>`` line (module ``numpy``, ``linalg`` or ``fft``) for every public
        function of those modules whose signature ``inspect`` gives; NumPy's ``<no value>``
        default is written ``NOVALUE`` and a type default by its name (``dtype=float``).
        ``scripts/gen_ops.py`` reads it for crossops.numpy's NumPy forms.

All lists begin with ``#`` lines naming their source; the readers skip them.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import os
import re
import subprocess
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "spec" / "reference"

#: stub modules of the standard that define no functions of the main namespace
_NOT_MAIN = {"__init__", "_types", "array_object", "constants", "data_types", "info",
             "linalg", "fft"}
_CHAPTERS = ("main", "linalg", "fft")


def keras_rows() -> tuple[str, list[tuple[str, str]]]:
    os.environ.setdefault("KERAS_BACKEND", "numpy")  # the list is the same; numpy loads fast
    import keras
    import keras.ops as ops

    rows: dict[str, str] = {}
    for module in (ops, ops.image, ops.linalg, ops.nn, ops.numpy):
        for name in dir(module):
            obj = getattr(module, name)
            if name.startswith("_") or inspect.ismodule(obj) or inspect.isclass(obj):
                continue
            if not callable(obj):
                continue
            where = getattr(obj, "__module__", "") or ""
            if not where.startswith("keras.src.ops."):
                raise SystemExit(f"keras.ops.{name} is defined in {where!r}, not keras/src/ops/")
            group = where.rsplit(".", 1)[1]
            if rows.setdefault(name, group) != group:
                raise SystemExit(f"keras.ops name {name!r} is in two groups: "
                                 f"{rows[name]} and {group}")
    return keras.__version__, sorted((g, n) for n, g in rows.items())


def _all_names(source: str) -> list[str]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
                getattr(t, "id", None) == "__all__" for t in node.targets):
            return [ast.literal_eval(e) for e in node.value.elts]
    return []


def array_api_rows(checkout: Path, ref: str | None, revision: str) -> list[tuple[str, str]]:
    stubs = f"src/array_api_stubs/_{revision.replace('.', '_')}"

    def listing() -> list[str]:
        if ref is None:
            return sorted(p.name for p in (checkout / stubs).glob("*.py"))
        out = subprocess.run(["git", "-C", str(checkout), "ls-tree", "--name-only",
                              f"{ref}:{stubs}"], check=True, capture_output=True, text=True)
        return sorted(n for n in out.stdout.split() if n.endswith(".py"))

    def read(name: str) -> str:
        if ref is None:
            return (checkout / stubs / name).read_text()
        return subprocess.run(["git", "-C", str(checkout), "show", f"{ref}:{stubs}/{name}"],
                              check=True, capture_output=True, text=True).stdout

    files = listing()
    if not files:
        raise SystemExit(f"no stubs at {checkout}/{stubs}" + (f" ({ref})" if ref else ""))
    rows = set()
    for file in files:
        module = file[:-3]
        if module in ("linalg", "fft"):
            rows.update((module, n) for n in _all_names(read(file)))
        elif module not in _NOT_MAIN:
            rows.update(("main", n) for n in _all_names(read(file)))
    return sorted(rows, key=lambda r: (_CHAPTERS.index(r[0]), r[1]))


def write(path: Path, header: list[str], rows: list[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# {h}" if h else "#" for h in header] + [f"{a}\t{b}" for a, b in rows]
    path.write_text("\n".join(lines) + "\n")
    print(f"{path}: {len(rows)} names")


def write_signatures(version: str, rows: list[tuple[str, str]]) -> None:
    """keras_signatures.tsv: ``<group> <name> <signature>`` (tab-separated) of every
    function of keras_ops.tsv, as ``inspect.signature`` gives it."""
    import keras.ops as ops
    lines = [f"# The signatures of the functions of keras_ops.tsv, Keras {version}, as",
             "# inspect.signature gives them; tab-separated. Regenerate: python",
             "# scripts/reference_lists.py keras"]
    for group, name in rows:
        f = getattr(ops, name, None) or getattr(getattr(ops, group), name)
        lines.append(f"{group}\t{name}\t{inspect.signature(f)}")
    (OUT / "keras_signatures.tsv").write_text("\n".join(lines) + "\n")


def write_numpy_signatures() -> None:
    """numpy_signatures.tsv: ``<module> <name> <signature>`` of the public functions of
    ``numpy``, ``numpy.linalg`` and ``numpy.fft`` (classes aside)."""
    import numpy as np

    def default(value) -> str:
        if value is np._NoValue:
            return "NOVALUE"
        return value.__name__ if isinstance(value, type) else repr(value)

    lines = ["# The signatures of the public functions of numpy, numpy.linalg and numpy.fft,",
             f"# NumPy {np.__version__}, as inspect.signature gives them, with NumPy's <no value>",
             "# default written NOVALUE; tab-separated. Regenerate: python",
             "# scripts/reference_lists.py numpy"]
    for module, mod in (("numpy", np), ("linalg", np.linalg), ("fft", np.fft)):
        for name in sorted(dir(mod)):
            f = getattr(mod, name)
            if name.startswith("_") or not callable(f) or isinstance(f, type):
                continue
            try:
                sig = inspect.signature(f)
            except (TypeError, ValueError):  # a ufunc or builtin without one
                continue
            params = [p.replace(default=inspect.Parameter.empty) for p in sig.parameters.values()]
            text = str(sig.replace(parameters=params, return_annotation=sig.empty))
            for p in sig.parameters.values():  # the defaults, written to be read back
                if p.default is not p.empty:
                    written = f"{p.name}={default(p.default)}"
                    text = re.sub(rf"(?<![\w*]){p.name}(?=[,)])", lambda _: written, text,
                                  count=1)
            lines.append(f"{module}\t{name}\t{text}")
    (OUT / "numpy_signatures.tsv").write_text("\n".join(lines) + "\n")
    print(f"{OUT / 'numpy_signatures.tsv'}: {len(lines) - 4} signatures")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="which", required=True)
    sub.add_parser("keras", help="keras_ops.tsv from the installed keras")
    sub.add_parser("numpy", help="numpy_signatures.tsv from the installed numpy")
    aa = sub.add_parser("array-api", help="array_api_<revision>.tsv from a data-apis/array-api "
                                          "checkout")
    aa.add_argument("checkout", type=Path)
    aa.add_argument("--ref", help="read the stubs from this commit or tag (git show)")
    aa.add_argument("--revision", default="2025.12")
    args = p.parse_args()
    if args.which == "keras":
        version, rows = keras_rows()
        write(OUT / "keras_ops.tsv", [
            f"Public functions of keras.ops (and keras.ops.image/linalg/nn/numpy), Keras "
            f"{version},",
            "grouped by the module of keras/src/ops/ that defines them.",
            "Regenerate: python scripts/reference_lists.py keras",
        ], rows)
        write_signatures(version, rows)
    elif args.which == "numpy":
        write_numpy_signatures()
    else:
        rows = array_api_rows(args.checkout, args.ref, args.revision)
        where = args.ref or "work tree"
        try:
            commit = subprocess.run(
                ["git", "-C", str(args.checkout), "rev-parse", (args.ref or "HEAD") + "^{commit}"],
                check=True, capture_output=True, text=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            commit = ""
        if commit and commit != where:
            where = f"{where}, {commit}"
        write(OUT / f"array_api_{args.revision.replace('.', '_')}.tsv", [
            f"Functions of the Python array API standard, revision {args.revision}:",
            f"the __all__ lists of src/array_api_stubs/_{args.revision.replace('.', '_')}/ "
            f"in github.com/data-apis/array-api ({where}).",
            "Chapter main: the main namespace; linalg, fft: the extensions. Not listed: the",
            "inspection API (__array_namespace_info__), constants, dtypes, the array object.",
            f"Regenerate: python scripts/reference_lists.py array-api CHECKOUT "
            f"[--ref REF] --revision {args.revision}",
        ], rows)


if __name__ == "__main__":
    main()
