"""Coverage report from spec/: ops per group, implemented per backend, array API and
keras.ops membership, and the keras.ops names not yet in the spec. Prints Markdown.

    python scripts/coverage.py [--missing]
"""

from __future__ import annotations

import argparse
import importlib.util
from collections import defaultdict
from pathlib import Path

from crossops._backend import BACKENDS
from crossops._dispatch import TABLE
from crossops._spec import load_spec

REFERENCE = Path(__file__).resolve().parents[1] / "spec" / "reference"  # see its README.md


def keras_names() -> dict[str, set[str]]:
    """keras.ops names by group, from ``spec/reference/keras_ops.tsv`` (``#``: comments)."""
    out = defaultdict(set)
    for line in (REFERENCE / "keras_ops.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            group, name = line.split()
            out[group].add(name)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--missing", action="store_true", help="list keras.ops names not in spec")
    args = p.parse_args()
    spec = load_spec()
    installed = [b for b in BACKENDS if b == "numpy" or importlib.util.find_spec(b)]
    import crossops.ops  # noqa: F401  (fills the table with every namespace)
    import crossops.random  # noqa: F401
    groups = defaultdict(list)
    for op in spec.values():
        groups[op.group].append(op)
    print("| group | ops | array API | keras.ops | " + " | ".join(installed) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(installed))
    totals = defaultdict(int)
    for group in sorted(groups):
        ops = groups[group]
        impl = {b: sum(TABLE[op.qualname].find(b) is not None for op in ops) for b in installed}
        row = [group, len(ops), sum(op.array_api for op in ops), sum(op.keras for op in ops)]
        for k, v in zip(("ops", "aa", "keras"), row[1:]):
            totals[k] += v
        for b in installed:
            totals[b] += impl[b]
        print("| " + " | ".join(map(str, row)) + " | " +
              " | ".join(f"{impl[b]}" for b in installed) + " |")
    print(f"| **all** | {totals['ops']} | {totals['aa']} | {totals['keras']} | " +
          " | ".join(str(totals[b]) for b in installed) + " |")
    keras = keras_names()
    if keras:
        # a name counts where a spec entry marked keras = true has it (linalg.outer is
        # not keras.ops.outer)
        have = {op.name for op in spec.values() if op.keras}
        print("\n| keras.ops group | names | in spec | missing |")
        print("|---|---:|---:|---:|")
        for group in sorted(keras):
            names = keras[group]
            print(f"| {group} | {len(names)} | {len(names & have)} | {len(names - have)} |")
        if args.missing:
            for group in sorted(keras):
                miss = sorted(keras[group] - have)
                if miss:
                    print(f"\n{group}: {', '.join(miss)}")
    limits = [(q, b, lim) for q, op in sorted(spec.items()) for b, lim in op.limits.items()]
    if limits:
        print("\nDocumented limitations:\n")
        for q, b, lim in limits:
            if isinstance(lim, str):
                why = lim
            else:
                dts = lim["dtypes"]
                why = f"{dts if isinstance(dts, str) else ', '.join(dts)}: {lim['reason']}"
            print(f"- `{q}` on {b}: {why}")


if __name__ == "__main__":
    main()
