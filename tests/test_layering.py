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
    # (_fastpath: the C extension, which imports nothing of crossops; the fronts, which
    # _accel makes, and the helpers the backends call, core.slice's window)
    {"_typing", "_dtypes", "_errors", "_names", "_config", "_host", "_shapes", "_fastpath"},
    {"dtype_policies"},
    {"_spec", "_backend", "config", "_axes"},
    {"_convert", "_pytree", "_seed", "_arguments"},
    {"backends"},
    {"_dispatch"},
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


# -- one seam for acceleration ------------------------------------------------------------------
# What crossops does for torch.compile (the C fronts' substitutions, host work run at trace
# time, methods run eagerly, the guard filter) is done in one module, crossops._accel, the
# seam. Modules below it declare what they need through its entry points, which know no
# compiler: crossops._host.host_constant (host work on Python data; _accel marks it) and the
# hooks crossops._backend leaves for _accel to set (_tracing, get_backend's substitute).
# Modules above it call _accel's functions (accelerate, eager_under_torch_compile,
# skip_crossops_guards). Only the torch backend's own home, backends/torch/, also speaks to
# torch's compiler: that is framework code (torch.compiler.is_compiling, disable).

#: the seam, and the framework home allowed to speak to torch's compiler
SEAM = ("_accel.py",)
TORCH_HOME = "backends/torch/"

#: the compiler's names: a module that reads one of them speaks to torch's compiler
_COMPILER = re.compile(r"\btorch\.(compiler|_dynamo)\b|\b(substitute_in_graph|"
                       r"assume_constant_result|_dynamo_marked_constant)\b")


def _compiler_uses(tree: ast.AST) -> list[int]:
    """The lines of ``tree``'s code (not its docstrings and comments) that name torch's
    compiler: an attribute (``torch.compiler.disable``), an import (``import
    torch._dynamo``) or a string that names it (``after_import("torch._dynamo", ...)``)."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef,
                                       ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            text = ast.unparse(node)
        elif isinstance(node, ast.Import):
            text = " ".join(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            text = " ".join([node.module or ""] + [f"{node.module}.{a.name}" for a in node.names])
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings):
            text = node.value
        else:
            continue
        if _COMPILER.search(text):
            lines.append(node.lineno)
    return lines


def test_compiler_use_finder_sees_each_form():
    source = '''"""torch.compiler.disable in a docstring is no use."""
import torch._dynamo
from torch._dynamo import config
torch.compiler.disable(f)
fn._dynamo_marked_constant = True
after_import("torch._dynamo", g)
# torch.compiler in a comment
torch.compile(f)
'''
    assert sorted(set(_compiler_uses(ast.parse(source)))) == [2, 3, 4, 5, 6]


def test_only_the_seam_speaks_to_torchs_compiler():
    """The torch.compile accommodations are in crossops._accel alone (and torch's own
    framework code in backends/torch/); crossops._host, the seam's entry point for the
    modules below it, records its declarations and imports nothing of crossops's."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in SEAM or rel.startswith(TORCH_HOME):
            continue
        found += [f"{rel}:{n}" for n in _compiler_uses(ast.parse(path.read_text()))]
    assert not found, ("a module outside crossops._accel speaks to torch's compiler; declare "
                       "what it needs (crossops._host.host_constant, an _accel function) "
                       "and let _accel act on it:\n" + "\n".join(found))
    assert _imports(ROOT / "_host.py") == set(), "crossops._host imports nothing of crossops"
    assert LEVEL["_host"] == 0 and LEVEL["_accel"] > LEVEL["_dispatch"]


def test_host_constants_are_marked_for_torch_compile():
    """Once torch's compiler is loaded, every function declared host work is marked for
    dynamo to call at trace time (torch.compiler.assume_constant_result), those declared
    later too."""
    torch = __import__("pytest").importorskip("torch")
    __import__("torch._dynamo")  # (what torch.compile imports)

    import crossops.image  # noqa: F401  (modules with host work)
    import crossops.numpy  # noqa: F401
    from crossops import _accel, _host
    torch.tensor([1.0]) + 0  # (the torch backend is loaded with crossops.numpy and torch)
    assert _accel._torch_compile_ready
    assert len(_host.HOST_CONSTANTS) >= 8
    unmarked = [f.__qualname__ for f in _host.HOST_CONSTANTS
                if not getattr(f, "_dynamo_marked_constant", False)]
    assert not unmarked

    @_host.host_constant
    def later(n: int) -> list:
        return list(range(n))
    assert later._dynamo_marked_constant
    _host.HOST_CONSTANTS.remove(later)

    @torch.compile(fullgraph=True, backend="eager")
    def f(x):
        return x + torch.tensor(later(3), dtype=x.dtype).sum()
    assert f(torch.zeros(2)).tolist() == [3.0, 3.0]


# -- one helper per concern: jit with static arguments, static-or-dynamic shapes ----------------
# A jax.jit of crossops's own functions, with static arguments, is made by one helper,
# backends/jax/_jit.py's ``jitted`` (lists as tuples, an unhashable value run eagerly). The
# transforms compile the user's functions (crossops.jit, the training step, the sharded
# step), with the user's static arguments: they call jax.jit themselves.
JIT_HOME = "backends/jax/_jit.py"
USER_JIT = {"backends/jax/transforms.py", "backends/jax/distribution.py"}

# On TensorFlow a size may be unknown while tf.function traces (None in the static shape):
# reading "the static size where known, else tf.shape's" is written once, in the TF helper
# set (array_api/_helpers.py: ``shape_list`` and ``dim``).
SHAPE_HOME = "backends/tensorflow/array_api/_helpers.py"
# A shape's static sizes as ints, None where unknown while traced: crossops._shapes.static_dims.
INTS_HOME = "_shapes.py"


def _jit_uses(tree: ast.AST) -> list[int]:
    """The lines that name ``jax.jit`` (a call, or ``functools.partial(jax.jit, ...)``) or
    pass ``static_argnums`` / ``static_argnames`` to a call."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and ast.unparse(node) == "jax.jit":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "jax" and any(
                a.name == "jit" for a in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.Call) and any(
                k.arg in ("static_argnums", "static_argnames") for k in node.keywords):
            lines.append(node.lineno)
    return lines


def _is_tf_shape(node) -> bool:
    return isinstance(node, ast.Call) and ast.unparse(node.func) == "tf.shape"


def _none_test(node) -> bool:
    """``a is None``, ``a is not None``, ``None in a``, ``None not in a``."""
    return isinstance(node, ast.Compare) and any(
        isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)) for op in node.ops) and any(
        isinstance(c, ast.Constant) and c.value is None for c in [node.left, *node.comparators])


def _assigned(scope, keep) -> set[str]:
    """The names ``scope`` assigns from an expression ``keep`` accepts."""
    return {t.id for n in ast.walk(scope) if isinstance(n, ast.Assign) and keep(n.value)
            for t in n.targets if isinstance(t, ast.Name)}


def _shape_fallbacks(tree: ast.AST) -> list[int]:
    """The lines that choose between a static size and ``tf.shape``'s: a conditional
    expression testing ``is None`` / ``None in`` (or a name assigned from such a test) with
    a branch that reads ``tf.shape`` (directly, or a name assigned from it in the same
    function)."""
    lines = []
    scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Module))]
    for scope in scopes:
        names = _assigned(scope, _is_tf_shape)
        tests = _assigned(scope, lambda v: any(_none_test(n) for n in ast.walk(v)))
        for node in ast.walk(scope):
            if not (isinstance(node, ast.IfExp) and (_none_test(node.test) or (
                    isinstance(node.test, ast.Name) and node.test.id in tests))):
                continue
            for branch in (node.body, node.orelse):
                if any(_is_tf_shape(n) or (isinstance(n, ast.Name) and n.id in names)
                       for n in ast.walk(branch)):
                    lines.append(node.lineno)
    return sorted(set(lines))


def _static_int_reads(tree: ast.AST) -> list[int]:
    """The lines that read a shape's sizes as ints or None by hand (``None if d is None
    else int(d)``, ``d`` a size of a shape: a name iterated over or assigned from an
    expression naming a shape), which crossops._shapes.static_dims does."""
    def from_shape(v) -> bool:
        return "shape" in ast.unparse(v)

    lines = []
    scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Module))]
    for scope in scopes:
        sizes = _assigned(scope, from_shape) | {
            t.id for c in ast.walk(scope) if isinstance(c, ast.comprehension)
            and from_shape(c.iter) for t in ast.walk(c.target) if isinstance(t, ast.Name)}
        for node in ast.walk(scope):
            if not (isinstance(node, ast.IfExp) and _none_test(node.test)):
                continue
            for none, other in ((node.body, node.orelse), (node.orelse, node.body)):
                if (isinstance(none, ast.Constant) and none.value is None
                        and isinstance(other, ast.Call) and ast.unparse(other.func) == "int"
                        and len(other.args) == 1 and isinstance(other.args[0], ast.Name)
                        and other.args[0].id in sizes):
                    lines.append(node.lineno)
    return sorted(set(lines))


def test_duplicate_finders_see_each_form():
    jit = '''
f = jax.jit(g, static_argnums=(1,))
h = functools.partial(jax.jit, static_argnames="n")
from jax import jit
k = jax.jit(g)
crossops.jit(g, static_argnums=0)
'''
    assert sorted(_jit_uses(ast.parse(jit))) == [2, 2, 3, 3, 4, 5, 6]
    shape = '''
def size(x, axis):
    d = x.shape[axis]
    return d if d is not None else tf.shape(x)[axis]
def shape_list(x):
    dyn = tf.shape(x)
    return [d if d is not None else dyn[i] for i, d in enumerate(x.shape.as_list())]
n = 2 * (tf.shape(x)[-1] - 1) if x.shape[-1] is None else 2 * (x.shape[-1] - 1)
m = 0 if axis is None else tf.size(x)
def view(x):
    known = None not in tuple(x.shape)
    return s if known else tf.concat([tf.shape(x)[:-1], [-1]], 0)
tau = taus if k else tf.zeros(tf.shape(x))
'''
    assert _shape_fallbacks(ast.parse(shape)) == [4, 7, 8, 12]
    ints = '''
s = tuple(None if d is None else int(d) for d in x.shape)
def first(leaf):
    d = leaf.shape[0]
    return None if d is None else int(d)
steps = None if steps is None else int(steps)
'''
    assert _static_int_reads(ast.parse(ints)) == [2, 5]


def test_one_helper_for_jit_with_static_arguments_and_for_static_shapes():
    jits, shapes, ints = [], [], []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text())
        if rel != JIT_HOME and rel not in USER_JIT:
            jits += [f"{rel}:{n}" for n in _jit_uses(tree)]
        if rel != SHAPE_HOME:
            shapes += [f"{rel}:{n}" for n in _shape_fallbacks(tree)]
        if rel != INTS_HOME:
            ints += [f"{rel}:{n}" for n in _static_int_reads(tree)]
    assert not jits, ("a jax.jit (or static arguments) outside backends/jax/_jit.py; use its "
                      "``jitted(f, static_names)``:\n" + "\n".join(jits))
    assert not shapes, ("a static-or-dynamic shape read outside the TF helper set; use "
                        "array_api/_helpers.py's ``shape_list`` or ``dim``:\n"
                        + "\n".join(shapes))
    assert not ints, ("a shape's sizes read as ints or None by hand; use "
                      "crossops._shapes.static_dims:\n" + "\n".join(ints))


# -- the model layer reaches op functions through the dispatch table only ----------------------
# A layer that needs a backend's kernel for an op (BatchNormalization's training call, by
# torch's fused F.batch_norm) calls an op of the table (nn.batch_normalization_training), as
# LayerNormalization calls nn.layer_normalization; it does not look the function up by name
# in a backend's op chapter. The model layer's own chapters (layers, training, variables,
# optimizers, keras_dtypes, distribution) hold what is not an op.
OP_CHAPTERS = frozenset({"numpy", "linalg", "fft", "nn", "math", "image", "core", "random",
                         "sparse", "control_flow"})


def _op_chapter_lookups(tree: ast.AST) -> list[int]:
    """The lines that ask ``backend_chapter`` (or a wrapper named ``_chapter``) for one of
    the op chapters by name."""
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] in (
                "backend_chapter", "_chapter")
            and any(isinstance(a, ast.Constant) and a.value in OP_CHAPTERS
                    for a in node.args[1:] + [k.value for k in node.keywords])]


def test_the_model_layer_finds_no_op_function_by_name():
    assert _op_chapter_lookups(ast.parse(
        'f = getattr(backend_chapter(b, "nn"), "fused", None)\n'
        'g = backend_chapter(b, "layers")\n')) == [1]
    found = []
    for package in MODEL_PACKAGES:
        folder = ROOT / package
        paths = sorted(folder.rglob("*.py")) if folder.is_dir() else [ROOT / f"{package}.py"]
        for path in paths:
            found += [f"{path.relative_to(ROOT)}:{n}"
                      for n in _op_chapter_lookups(ast.parse(path.read_text()))]
    assert not found, ("a model-layer module looks up a backend's op function by name; call "
                       "an op of the dispatch table instead:\n" + "\n".join(found))
