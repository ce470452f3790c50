"""crossops's modules import only downward: backends -> dispatch -> op namespaces ->
layers, losses, metrics, optimizers -> models (the design's "Layout").

The test reads every module's imports (module level and inside functions) and checks
that each one goes to a lower layer of the list below, or stays inside its package.
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
    {"image", "random", "core"},
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
