"""Per-call dispatch overhead of crossops against the native function, per backend.

Each op runs on 32x32 float32 arrays (two distinct ones for add, matmul, where), called
through ``crossops.numpy`` and through ``crossops.ops`` (Keras's signatures and dtype
rules); native and crossops calls are timed alternately in one run (timeit; per block, the
best of ten interleaved ~2 ms timings of each), and a ratio is the median over blocks.
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
from crossops import ops as kops

BUDGET = {"numpy": 1.6, "jax": 1.1, "torch": 1.1, "tensorflow": 1.1}


def natives(backend):
    """(array maker, {op: (native statement, crossops.numpy statement, crossops.ops
    statement)}) for a backend."""
    ours = {"add": "xnp.add(a, b)", "matmul": "xnp.matmul(a, b)", "sum": "xnp.sum(a)",
            "where": "xnp.where(c, a, b)", "reshape": "xnp.reshape(a, (1024,))"}
    keras = [s.replace("xnp.", "kops.") for s in ours.values()]
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
    return lib, mk, dict(zip(ours, zip(nat, ours.values(), keras)))


def bench_backend(backend, blocks):
    lib, mk, ops = natives(backend)
    x, y = np.random.default_rng(0).standard_normal((2, 32, 32)).astype(np.float32)
    g = {"np": np, "xnp": xnp, "kops": kops, "a": mk(x), "b": mk(y), "c": mk(x > 0)}
    g[lib] = sys.modules[{"np": "numpy", "torch": "torch", "jnp": "jax.numpy",
                          "tf": "tensorflow"}[lib]]
    rows = []
    for op, statements in ops.items():
        timers = [timeit.Timer(s, globals=g) for s in statements]
        n = max(10, int(0.002 / max(timers[0].timeit(20) / 20, 1e-9)))  # ~2 ms per timing
        for t in timers:
            t.timeit(n)  # warm up (fills the dispatch cache)
        times = [[] for _ in timers]
        for _ in range(blocks):
            best = [float("inf")] * len(timers)
            for _ in range(10):  # interleaved, so that a drift of the machine hits all alike
                for i, t in enumerate(timers):
                    best[i] = min(best[i], t.timeit(n) / n)
            for i, b in enumerate(best):
                times[i].append(b)
        ratios = [statistics.median(o / nat for o, nat in zip(ts, times[0]))
                  for ts in times[1:]]
        rows.append((backend, op, *(statistics.median(ts) * 1e9 for ts in times), *ratios))
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
    print("| backend | op | native (ns) | crossops.numpy (ns) | ratio | crossops.ops (ns) "
          "| ratio | budget |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for b in backends:
        for backend, op, tn, to, tk, r, rk in bench_backend(b, args.blocks):
            ok = "ok" if max(r, rk) <= BUDGET[backend] else "OVER"
            print(f"| {backend} | {op} | {tn:,.0f} | {to:,.0f} | {r:.2f}x | {tk:,.0f} | "
                  f"{rk:.2f}x | {BUDGET[backend]}x {ok} |")
    print(f"\n`import crossops`: {import_time() * 1e3:.1f} ms (median of 7 fresh interpreters;"
          f" budget 50 ms)")


if __name__ == "__main__":
    main()
