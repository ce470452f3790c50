"""Per-call dispatch overhead of crossops against the native function, per backend.

Each op runs on 32x32 float32 arrays (two distinct ones for add, matmul, where); native
and crossops calls are timed alternately in one run (timeit; per block, the best of ten
interleaved ~2 ms timings of each), and the ratio is the median over blocks.
Also measures ``import crossops`` in fresh interpreters. Prints a Markdown table.

    python scripts/bench_dispatch.py [--blocks 15] [--backend torch] (--backend repeatable)
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import timeit
import types

import numpy as np

import crossops.numpy as xnp

BUDGET = {"numpy": 1.6, "jax": 1.1, "torch": 1.1, "tensorflow": 1.1}


def natives(backend):
    """(array maker, {op: (native statement, crossops statement)}) for a backend."""
    ours = {"add": "xnp.add(a, b)", "matmul": "xnp.matmul(a, b)", "sum": "xnp.sum(a)",
            "where": "xnp.where(c, a, b)", "reshape": "xnp.reshape(a, (1024,))"}
    if backend == "numpy":
        lib, mk = "np", lambda x: x
        nat = ["np.add(a, b)", "np.matmul(a, b)", "np.sum(a)", "np.where(c, a, b)",
               "np.reshape(a, (1024,))"]
    elif backend == "torch":
        import torch
        lib, mk = "torch", torch.from_numpy
        nat = ["torch.add(a, b)", "torch.matmul(a, b)", "torch.sum(a)",
               "torch.where(c, a, b)", "torch.reshape(a, (1024,))"]
    elif backend == "jax":
        import jax.numpy as jnp
        lib, mk = "jnp", jnp.asarray
        nat = ["jnp.add(a, b)", "jnp.matmul(a, b)", "jnp.sum(a)", "jnp.where(c, a, b)",
               "jnp.reshape(a, (1024,))"]
    else:
        import tensorflow as tf
        lib, mk = "tf", tf.constant
        nat = ["tf.add(a, b)", "tf.matmul(a, b)", "tf.reduce_sum(a)", "tf.where(c, a, b)",
               "tf.reshape(a, (1024,))"]
    return lib, mk, dict(zip(ours, zip(nat, ours.values())))


def bench_backend(backend, blocks):
    lib, mk, ops = natives(backend)
    x, y = np.random.default_rng(0).standard_normal((2, 32, 32)).astype(np.float32)
    g = {"np": np, "xnp": xnp, "a": mk(x), "b": mk(y), "c": mk(x > 0)}
    g[lib] = sys.modules[{"np": "numpy", "torch": "torch", "jnp": "jax.numpy",
                          "tf": "tensorflow"}[lib]]
    rows = []
    for op, (native, ours) in ops.items():
        tn, to = timeit.Timer(native, globals=g), timeit.Timer(ours, globals=g)
        n = max(10, int(0.002 / max(tn.timeit(20) / 20, 1e-9)))  # ~2 ms per timing
        tn.timeit(n), to.timeit(n)  # warm up (fills the dispatch cache)
        ratios, nat_t, our_t = [], [], []
        for _ in range(blocks):
            a = b = float("inf")
            for _ in range(10):  # interleaved, so that a drift of the machine hits both alike
                a = min(a, tn.timeit(n) / n)
                b = min(b, to.timeit(n) / n)
            ratios.append(b / a)
            nat_t.append(a)
            our_t.append(b)
        rows.append((backend, op, statistics.median(nat_t) * 1e9,
                     statistics.median(our_t) * 1e9, statistics.median(ratios)))
    return rows


def import_time(runs=7):
    code = "import time; t = time.perf_counter(); import crossops; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                  text=True, check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--blocks", type=int, default=15)
    p.add_argument("--backend", action="append", help="only these backends (repeatable)")
    args = p.parse_args()
    backends = [b for b in ("numpy", "torch", "jax", "tensorflow")
                if (b == "numpy" or importlib.util.find_spec(b))
                and (not args.backend or b in args.backend)]
    front = isinstance(xnp.add, types.BuiltinFunctionType)
    print(f"dispatch: {'C fronts (crossops._fastpath)' if front else 'pure Python'}\n")
    print("| backend | op | native (ns) | crossops (ns) | ratio | budget |")
    print("|---|---|---:|---:|---:|---:|")
    for b in backends:
        for backend, op, tn, to, r in bench_backend(b, args.blocks):
            ok = "ok" if r <= BUDGET[backend] else "OVER"
            print(f"| {backend} | {op} | {tn:,.0f} | {to:,.0f} | {r:.2f}x | "
                  f"{BUDGET[backend]}x {ok} |")
    print(f"\n`import crossops`: {import_time() * 1e3:.1f} ms (median of 7 fresh interpreters;"
          f" budget 50 ms)")


if __name__ == "__main__":
    main()
