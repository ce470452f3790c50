"""crossops's modules import only downward: backends -> dispatch -> op namespaces ->
layers, losses, metrics, optimizers -> models (the design's "Layout").

The test reads every module's imports (module level and inside functions) and checks
that each one goes to a lower layer of the list below, or stays inside its package. A
second check keeps framework branches out of the op modules and of the model layer (each
framework's pieces live in backends/<framework>/, found by name).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[1] / "src" / "crossops"

#: the layers, lowest first; a package imports only from packages of lower layers
LAYERS = [
    {"_typing", "_dtypes", "_errors", "_names", "_config", "_host"},
    {"dtype_policies"},
    {"_spec", "_backend", "config", "_axes"},
    {"_convert", "_pytree", "_seed", "_arguments"},
    {"backends"},
    {"_dispatch", "_fastpath"},
    {"_accel"},
    {"_transforms"},
    {"numpy"},
    {"math"},
    {"nn"},
    {"distribution"},
    {"_variable"},
    {"image", "core"},
    {"random"},  # (binomial of counts traced runs a core.while_loop)
    {"_keras_dtypes"},
    {"_keras_ops", "_keras_special"},
    {"ops"},
    {"initializers"},
    {"losses"},
    {"metrics"},
    {"optimizers"},
    {"layers", "mixed_precision"},
    {"saving"},
    {"callbacks", "utils"},
    {"trainers"},
    {"models"},
    {"applications"},
]
LEVEL = {pkg: i for i, layer in enumerate(LAYERS) for pkg in layer}

#: what the root module ``crossops`` gives, by the package that defines it
FACADE = {"to_numpy": "_convert", "get_backend": "_backend", "set_backend": "_backend",
          "use_backend": "_backend", "BACKENDS": "_backend", "stop_gradient": "core",
          "custom_gradient": "core", **{name: "_transforms" for name in (
              "grad", "value_and_grad", "vjp", "jvp", "jacobian", "vmap", "jit")}}


def _package(dotted: str) -> str:
    """The top package of crossops that ``crossops.<dotted>`` lives in."""
    first = dotted.split(".")[0]
    return FACADE.get(first, first)


def _imports(path: Path) -> set[str]:
    """The crossops packages that the module at ``path`` imports."""
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    package = parts[:-1]  # the package a relative import starts from
    source = path.read_text()
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)]
            if node.module:
                out.add(".".join(base + node.module.split(".")))
            else:
                out.update(".".join(base + [a.name]) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "crossops"):
            rest = node.module.split(".")[1:]
            out.update(".".join(rest + [a.name]) if not rest else ".".join(rest)
                       for a in node.names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "crossops":  # the facade: what the module reads from it
                    out.update(re.findall(r"\bcrossops\.(\w+)", source))
                elif a.name.startswith("crossops."):
                    out.add(a.name.split(".", 1)[1])
    return {_package(d) for d in out if d}


def test_every_package_has_a_layer():
    packages = {p.stem if p.is_file() else p.name for p in ROOT.iterdir()
                if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))
                and p.name != "__init__.py"}
    assert packages - set(LEVEL) == set(), "add the new package to LAYERS"


def test_imports_go_only_downward():
    upward = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        here = rel.parts[0].removesuffix(".py")
        if here == "__init__":
            continue  # the root module: a facade that loads the namespaces on first use
        for target in _imports(path):
            if target == here or target not in LEVEL:
                continue
            if LEVEL[target] >= LEVEL[here]:
                upward.append(f"{rel} imports {target} (layer {LEVEL[target]} >= {LEVEL[here]})")
    assert not upward, "\n".join(upward)


# -- no import cycle between modules -------------------------------------------------------------
# The layers above order the packages; inside a package, modules could still import each other
# at import time. Imports inside functions are lazy by design (a generic op written with the
# public namespace imports it when it first runs) and are not import-time cycles; a module
# importing its own package's ``__init__`` is Python's normal partial import, not a cycle.


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_time_nodes(body):
    """The statements of ``body`` that run when the module is imported: not those inside
    functions, nor under ``if TYPE_CHECKING``."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _import_time_nodes(node.orelse)
            continue
        yield node
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                yield from _import_time_nodes(inner)


def _import_time_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the crossops modules it imports when it is imported (``""`` is the root)."""
    paths = {_module_name(p, root): p for p in root.rglob("*.py")}

    def known(dotted: str) -> str | None:
        while dotted not in paths and "." in dotted:
            dotted = dotted.rsplit(".", 1)[0]
        return dotted if dotted in paths else None

    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        ancestors = {".".join(name.split(".")[:i]) for i in range(len(name.split(".")))}
        out: set[str] = set()
        for node in _import_time_nodes(ast.parse(path.read_text()).body):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".") if package else []
                    base = base[:len(base) - (node.level - 1)]
                    mod = ".".join(base + (node.module.split(".") if node.module else []))
                elif node.module and (node.module + ".").startswith("crossops."):
                    mod = node.module.partition(".")[2]
                else:
                    continue
                targets += [f"{mod}.{a.name}".strip(".") for a in node.names] + [mod]
            elif isinstance(node, ast.Import):
                targets += [a.name.partition(".")[2] for a in node.names
                            if a.name.startswith("crossops.")]
            for t in targets:
                found = known(t)
                if found is not None and found != name and found not in ancestors:
                    out.add(found)
        graph[name] = out
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_between_modules():
    cycles = _cycles(_import_time_graph(ROOT))
    assert not cycles, "modules that import each other when imported:\n" + "\n".join(
        " -> ".join(c) for c in cycles)


def test_cycle_finder_sees_a_cycle(tmp_path):
    """A planted cycle (a imports b at import time, b imports a) is found; a lazy import
    inside a function and an import of the module's own package are not cycles."""
    pkg = tmp_path / "crossops"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from . import a\n")
    (pkg / "sub" / "a.py").write_text("from . import b\nimport crossops.sub\n")
    (pkg / "sub" / "b.py").write_text("from .a import x\n")
    (pkg / "lazy.py").write_text("def f():\n    from . import lazy2\n")
    (pkg / "lazy2.py").write_text("from . import lazy\n")
    assert _cycles(_import_time_graph(pkg)) == [["sub.a", "sub.b"]]


# -- no framework branches in the op modules ---------------------------------------------------
# "One home per backend": what one framework does differently lives in backends/<framework>/
# (one module per chapter), found there by name. An op module that compares a backend's name
# with "jax", "torch" or "tensorflow" (==, !=, is, in a literal tuple, a match case, a dict
# keyed by framework) keeps a framework's piece outside its home.
#
# Comparing with "numpy" stays allowed: every such comparison in the op modules is the host-data
# rule of the design's dispatch rules (NumPy arrays beside another backend's arrays convert to
# it): numpy/_keras.py (quantile's weights), image/_resize.py (scale and translation as host
# data), core/_conversion.py (convert_to_tensor, is_tensor), core/_control_flow.py
# (_is_host_array), random/_portable.py (HOST, the generator's host kernel).

#: the op namespaces; linalg and fft live in numpy (numpy/linalg.py, numpy/fft.py)
OP_PACKAGES = ("numpy", "nn", "math", "linalg", "fft", "image", "core", "random")
FRAMEWORKS = frozenset({"jax", "torch", "tensorflow"})

#: branches not yet moved, as (module, source line): each must still be there (so that this
#: list shrinks as they move) and no other may appear. None left.
PENDING: set[tuple[str, str]] = set()


def _framework(node) -> bool:
    return isinstance(node, ast.Constant) and node.value in FRAMEWORKS


def _framework_branches(tree: ast.AST) -> list[int]:
    """The lines of ``tree`` that compare a value with a framework's name."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            left = node.left
            for op, right in zip(node.ops, node.comparators):
                if isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
                    hit = _framework(left) or _framework(right)
                elif isinstance(op, (ast.In, ast.NotIn)):  # b in ("jax", ...), not "jax" in
                    hit = isinstance(right, (ast.Tuple, ast.List, ast.Set)) and any(
                        map(_framework, right.elts))       # sys.modules (a module's name)
                else:
                    hit = False
                if hit:
                    lines.append(node.lineno)
                left = right
        elif isinstance(node, ast.Dict) and any(_framework(k) for k in node.keys if k):
            lines.append(node.lineno)
        elif isinstance(node, ast.MatchValue) and _framework(node.value):
            lines.append(node.lineno)
    return lines


def _branches_in(packages) -> set[tuple[str, str]]:
    """(module, source line) of each framework branch in ``packages`` (folders, or single
    modules such as ``_variable``)."""
    found = set()
    for package in packages:
        folder = ROOT / package
        paths = sorted(folder.rglob("*.py")) if folder.is_dir() else [
            p for p in [ROOT / f"{package}.py"] if p.exists()]
        for path in paths:
            source = path.read_text()
            text = source.splitlines()
            rel = path.relative_to(ROOT).as_posix()
            found.update((rel, text[i - 1].strip())
                         for i in _framework_branches(ast.parse(source)))
    return found


def _branches_in_op_modules() -> set[tuple[str, str]]:
    return _branches_in(OP_PACKAGES)


def test_branch_finder_sees_each_form():
    source = '''
if b == "jax": pass
if "torch" != backend_of(x): pass
if b in ("numpy", "tensorflow"): pass
table = {"torch": f}
match b:
    case "jax": pass
if "jax" in sys.modules: pass
if b == "numpy" or b in ("numpy",): pass
'''
    assert sorted(_framework_branches(ast.parse(source))) == [2, 3, 4, 5, 7]


def test_no_framework_branches_in_op_modules():
    found = _branches_in_op_modules()
    new = sorted(found - PENDING)
    assert not new, ("an op module compares a backend's name with a framework's; move that "
                     "framework's piece into backends/<framework>/<chapter>.py and find it "
                     "by name there:\n" + "\n".join(f"{m}: {line}" for m, line in new))
    moved = sorted(PENDING - found)
    assert not moved, "moved already: remove from PENDING:\n" + "\n".join(map(str, moved))


# -- no framework branches in the model layer ---------------------------------------------------
# The same rule above the ops: what a layer, a variable, the trainer, the data adapters, an
# optimizer or the distribution API does differently on one framework is a named piece of
# that backend's chapter (backends/<framework>/layers.py, variables.py, training.py,
# distribution.py, keras_dtypes.py, shapes.py, optimizers.py), asked for by name with a
# neutral default where a backend has none. Comparing with "numpy" stays allowed (the
# host-data rule), and so does "pandas" (the data adapters' inputs).

#: the model layer's packages (folders) and modules
MODEL_PACKAGES = ("layers", "trainers", "distribution", "optimizers", "losses", "metrics",
                  "callbacks", "saving", "models", "utils", "applications", "initializers",
                  "mixed_precision", "_variable", "_keras_dtypes")

#: comparisons with a framework's name that are no backend branch, as (module, source line),
#: each with its reason; each must still be there
NOT_BRANCHES: set[tuple[str, str]] = {
    # Keras's preprocess_input modes "caffe", "tf" and "torch" (the normalisation of the
    # pretrained weights), whatever the backend
    ("applications/imagenet_utils.py", 'if mode not in ("caffe", "tf", "torch"):'),
    ("applications/imagenet_utils.py", 'if mode == "torch":'),
}


def test_no_framework_branches_in_the_model_layer():
    missing = [p for p in MODEL_PACKAGES if not (ROOT / p).is_dir()
               and not (ROOT / f"{p}.py").exists()]
    assert not missing, f"no such package or module: {missing} (update MODEL_PACKAGES)"
    found = _branches_in(MODEL_PACKAGES)
    new = sorted(found - NOT_BRANCHES)
    assert not new, ("a model-layer module compares a backend's name with a framework's; "
                     "make that framework's piece a named function or constant of "
                     "backends/<framework>/<chapter>.py, asked for by name (with a neutral "
                     "default), as crossops.layers asks the 'layers' chapter:\n"
                     + "\n".join(f"{m}: {line}" for m, line in new))
    gone = sorted(NOT_BRANCHES - found)
    assert not gone, "no longer there: remove from NOT_BRANCHES:\n" + "\n".join(map(str, gone))


def test_model_layer_branch_check_sees_a_branch(tmp_path, monkeypatch):
    """The model-layer check reads single modules and packages alike (a branch planted in a
    copy of _variable.py is found)."""
    fake = tmp_path / "crossops"
    fake.mkdir()
    source = (ROOT / "_variable.py").read_text() + '\nif backend == "torch":\n    pass\n'
    (fake / "_variable.py").write_text(source)
    monkeypatch.setitem(globals(), "ROOT", fake)
    assert _branches_in(["_variable"]) == {("_variable.py", 'if backend == "torch":')}


def test_every_backend_gives_the_pieces_the_model_layer_needs():
    """The pieces the model layer asks every backend for, with no neutral default (read from
    the source: no framework is imported): ``layers.weight_value`` (a new weight's array)."""
    for backend in ("numpy", "jax", "torch", "tensorflow"):
        path = ROOT / "backends" / backend / "layers.py"
        assert path.exists(), f"backends/{backend}/layers.py is missing"
        names = {n.name for n in ast.parse(path.read_text()).body
                 if isinstance(n, ast.FunctionDef)}
        assert "weight_value" in names, f"backends/{backend}/layers.py: no weight_value"
