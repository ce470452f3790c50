"""Per-call dispatch overhead of crossops against the native function, per backend, on the
calls people make: 45 calls with keyword arguments (axis, keepdims, dtype), Python
scalars, lists of arrays, creation, indexing and nn ops (softmax, relu, conv ...).

Each call runs on small arrays (32x32 float32; a 1x16x16x8 image for conv) through
``crossops.numpy`` / ``crossops.nn`` and through ``crossops.ops`` (Keras's signatures and
dtype rules) where Keras has the name; native and crossops calls are timed alternately in
one run (timeit; per block, the best of ten interleaved ~2 ms timings of each), and a ratio
is the median over blocks. nn calls have no NumPy native and are skipped there; torch's
conv is compared with ``F.conv2d`` on the same data in NCHW, as a torch user writes it.
Prints a Markdown table per call, then the median and the worst ratio per backend, and
``import crossops`` in fresh interpreters.

    python scripts/bench_dispatch.py [--blocks 9] [--backend torch] (--backend repeatable)
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

import crossops
import crossops.numpy as xnp
from crossops import nn
from crossops import ops as kops

BUDGET = {"numpy": 1.6, "jax": 1.15, "torch": 1.15, "tensorflow": 1.15}


#: the calls measured: (crossops statement, {backend: native statement}); ``xnp`` is
#: crossops.numpy and ``nn`` crossops.nn (crossops.ops takes the same call with ``kops.``)
CALLS = [
    ("xnp.add(a, b)", {"numpy": "np.add(a, b)", "torch": "torch.add(a, b)",
                       "jax": "jnp.add(a, b)", "tensorflow": "tf.add(a, b)"}),
    ("xnp.add(a, 1.0)", {"numpy": "np.add(a, 1.0)", "torch": "torch.add(a, 1.0)",
                         "jax": "jnp.add(a, 1.0)", "tensorflow": "tf.add(a, 1.0)"}),
    ("xnp.multiply(a, 2)", {"numpy": "np.multiply(a, 2)", "torch": "torch.mul(a, 2)",
                            "jax": "jnp.multiply(a, 2)", "tensorflow": "tf.multiply(a, 2.0)"}),
    ("xnp.maximum(a, 0.0)", {"numpy": "np.maximum(a, 0.0)", "torch": "torch.clamp_min(a, 0.0)",
                             "jax": "jnp.maximum(a, 0.0)", "tensorflow": "tf.maximum(a, 0.0)"}),
    ("xnp.matmul(a, b)", {"numpy": "np.matmul(a, b)", "torch": "torch.matmul(a, b)",
                          "jax": "jnp.matmul(a, b)", "tensorflow": "tf.matmul(a, b)"}),
    ("xnp.einsum('ij,jk->ik', a, b)", {
        "numpy": "np.einsum('ij,jk->ik', a, b)", "torch": "torch.einsum('ij,jk->ik', a, b)",
        "jax": "jnp.einsum('ij,jk->ik', a, b)", "tensorflow": "tf.einsum('ij,jk->ik', a, b)"}),
    ("xnp.exp(a)", {"numpy": "np.exp(a)", "torch": "torch.exp(a)", "jax": "jnp.exp(a)",
                    "tensorflow": "tf.exp(a)"}),
    ("xnp.tanh(a)", {"numpy": "np.tanh(a)", "torch": "torch.tanh(a)", "jax": "jnp.tanh(a)",
                     "tensorflow": "tf.tanh(a)"}),
    ("xnp.abs(a)", {"numpy": "np.abs(a)", "torch": "torch.abs(a)", "jax": "jnp.abs(a)",
                    "tensorflow": "tf.abs(a)"}),
    ("xnp.square(a)", {"numpy": "np.square(a)", "torch": "torch.square(a)",
                       "jax": "jnp.square(a)", "tensorflow": "tf.square(a)"}),
    ("xnp.sum(a)", {"numpy": "np.sum(a)", "torch": "torch.sum(a)", "jax": "jnp.sum(a)",
                    "tensorflow": "tf.reduce_sum(a)"}),
    ("xnp.sum(a, axis=0)", {"numpy": "np.sum(a, axis=0)", "torch": "torch.sum(a, dim=0)",
                            "jax": "jnp.sum(a, axis=0)",
                            "tensorflow": "tf.reduce_sum(a, axis=0)"}),
    ("xnp.sum(a, axis=-1, keepdims=True)", {
        "numpy": "np.sum(a, axis=-1, keepdims=True)",
        "torch": "torch.sum(a, dim=-1, keepdim=True)",
        "jax": "jnp.sum(a, axis=-1, keepdims=True)",
        "tensorflow": "tf.reduce_sum(a, axis=-1, keepdims=True)"}),
    ("xnp.mean(a, axis=-1, keepdims=True)", {
        "numpy": "np.mean(a, axis=-1, keepdims=True)",
        "torch": "torch.mean(a, dim=-1, keepdim=True)",
        "jax": "jnp.mean(a, axis=-1, keepdims=True)",
        "tensorflow": "tf.reduce_mean(a, axis=-1, keepdims=True)"}),
    ("xnp.max(a, axis=1)", {"numpy": "np.max(a, axis=1)", "torch": "torch.amax(a, dim=1)",
                            "jax": "jnp.max(a, axis=1)",
                            "tensorflow": "tf.reduce_max(a, axis=1)"}),
    ("xnp.min(a)", {"numpy": "np.min(a)", "torch": "torch.amin(a)", "jax": "jnp.min(a)",
                    "tensorflow": "tf.reduce_min(a)"}),
    ("xnp.argmax(a, axis=-1)", {"numpy": "np.argmax(a, axis=-1)",
                                "torch": "torch.argmax(a, dim=-1)",
                                "jax": "jnp.argmax(a, axis=-1)",
                                "tensorflow": "tf.argmax(a, axis=-1)"}),
    ("xnp.var(a, axis=0)", {"numpy": "np.var(a, axis=0)",
                            "torch": "torch.var(a, dim=0, correction=0)",
                            "jax": "jnp.var(a, axis=0)",
                            "tensorflow": "tf.math.reduce_variance(a, axis=0)"}),
    ("xnp.std(a)", {"numpy": "np.std(a)", "torch": "torch.std(a, correction=0)",
                    "jax": "jnp.std(a)", "tensorflow": "tf.math.reduce_std(a)"}),
    ("xnp.cumsum(a, axis=0)", {"numpy": "np.cumsum(a, axis=0)",
                               "torch": "torch.cumsum(a, dim=0)",
                               "jax": "jnp.cumsum(a, axis=0)",
                               "tensorflow": "tf.cumsum(a, axis=0)"}),
    ("xnp.where(c, a, b)", {"numpy": "np.where(c, a, b)", "torch": "torch.where(c, a, b)",
                            "jax": "jnp.where(c, a, b)", "tensorflow": "tf.where(c, a, b)"}),
    ("xnp.where(c, a, 0.0)", {"numpy": "np.where(c, a, 0.0)",
                              "torch": "torch.where(c, a, 0.0)",
                              "jax": "jnp.where(c, a, 0.0)",
                              "tensorflow": "tf.where(c, a, 0.0)"}),
    ("xnp.clip(a, -1, 1)", {"numpy": "np.clip(a, -1, 1)", "torch": "torch.clamp(a, -1, 1)",
                            "jax": "jnp.clip(a, -1, 1)",
                            "tensorflow": "tf.clip_by_value(a, -1.0, 1.0)"}),
    ("xnp.reshape(a, (1024,))", {"numpy": "np.reshape(a, (1024,))",
                                 "torch": "torch.reshape(a, (1024,))",
                                 "jax": "jnp.reshape(a, (1024,))",
                                 "tensorflow": "tf.reshape(a, (1024,))"}),
    ("xnp.reshape(a, (-1, 16))", {"numpy": "np.reshape(a, (-1, 16))",
                                  "torch": "torch.reshape(a, (-1, 16))",
                                  "jax": "jnp.reshape(a, (-1, 16))",
                                  "tensorflow": "tf.reshape(a, (-1, 16))"}),
    ("xnp.permute_dims(a, (1, 0))", {"numpy": "np.permute_dims(a, (1, 0))",
                                     "torch": "torch.permute(a, (1, 0))",
                                     "jax": "jnp.permute_dims(a, (1, 0))",
                                     "tensorflow": "tf.transpose(a, (1, 0))"}),
    ("xnp.concatenate([a, b], axis=1)", {"numpy": "np.concatenate([a, b], axis=1)",
                                         "torch": "torch.cat([a, b], dim=1)",
                                         "jax": "jnp.concatenate([a, b], axis=1)",
                                         "tensorflow": "tf.concat([a, b], axis=1)"}),
    ("xnp.stack([a, b])", {"numpy": "np.stack([a, b])", "torch": "torch.stack([a, b])",
                           "jax": "jnp.stack([a, b])", "tensorflow": "tf.stack([a, b])"}),
    ("xnp.expand_dims(a, 0)", {"numpy": "np.expand_dims(a, 0)",
                               "torch": "torch.unsqueeze(a, 0)",
                               "jax": "jnp.expand_dims(a, 0)",
                               "tensorflow": "tf.expand_dims(a, 0)"}),
    ("xnp.squeeze(a3, axis=0)", {"numpy": "np.squeeze(a3, axis=0)",
                                 "torch": "torch.squeeze(a3, 0)",
                                 "jax": "jnp.squeeze(a3, axis=0)",
                                 "tensorflow": "tf.squeeze(a3, axis=0)"}),
    ("xnp.broadcast_to(v, (32, 32))", {"numpy": "np.broadcast_to(v, (32, 32))",
                                       "torch": "torch.broadcast_to(v, (32, 32))",
                                       "jax": "jnp.broadcast_to(v, (32, 32))",
                                       "tensorflow": "tf.broadcast_to(v, (32, 32))"}),
    ("xnp.astype(a, xnp.float16)", {"numpy": "a.astype(np.float16)",
                                    "torch": "a.to(torch.float16)",
                                    "jax": "a.astype(jnp.float16)",
                                    "tensorflow": "tf.cast(a, tf.float16)"}),
    ("xnp.take(a, i, axis=0)", {"numpy": "np.take(a, i, axis=0)",
                                "torch": "torch.index_select(a, 0, i)",
                                "jax": "jnp.take(a, i, axis=0)",
                                "tensorflow": "tf.gather(a, i, axis=0)"}),
    ("xnp.take_along_axis(a, j, axis=1)", {
        "numpy": "np.take_along_axis(a, j, axis=1)",
        "torch": "torch.take_along_dim(a, j, dim=1)",
        "jax": "jnp.take_along_axis(a, j, axis=1)",
        "tensorflow": "tf.gather(a, j, axis=1, batch_dims=1)"}),
    ("xnp.sort(a, axis=-1)", {"numpy": "np.sort(a, axis=-1)", "torch": "torch.sort(a)[0]",
                              "jax": "jnp.sort(a, axis=-1)", "tensorflow": "tf.sort(a)"}),
    ("xnp.zeros((32, 32))", {"numpy": "np.zeros((32, 32), np.float32)",
                             "torch": "torch.zeros((32, 32))",
                             "jax": "jnp.zeros((32, 32))",
                             "tensorflow": "tf.zeros((32, 32))"}),
    ("xnp.ones_like(a)", {"numpy": "np.ones_like(a)", "torch": "torch.ones_like(a)",
                          "jax": "jnp.ones_like(a)", "tensorflow": "tf.ones_like(a)"}),
    ("xnp.arange(32)", {"numpy": "np.arange(32)", "torch": "torch.arange(32)",
                        "jax": "jnp.arange(32)", "tensorflow": "tf.range(32)"}),
    ("nn.relu(a)", {"torch": "torch.relu(a)", "jax": "jax.nn.relu(a)",
                    "tensorflow": "tf.nn.relu(a)"}),
    ("nn.sigmoid(a)", {"torch": "torch.sigmoid(a)", "jax": "jax.nn.sigmoid(a)",
                       "tensorflow": "tf.sigmoid(a)"}),
    ("nn.gelu(a)", {"torch": "F.gelu(a, approximate='tanh')", "jax": "jax.nn.gelu(a)",
                    "tensorflow": "tf.nn.gelu(a, approximate=True)"}),
    ("nn.softmax(a, axis=-1)", {"torch": "torch.softmax(a, -1)",
                                "jax": "jax.nn.softmax(a, axis=-1)",
                                "tensorflow": "tf.nn.softmax(a, axis=-1)"}),
    ("nn.log_softmax(a, axis=-1)", {"torch": "F.log_softmax(a, -1)",
                                    "jax": "jax.nn.log_softmax(a, axis=-1)",
                                    "tensorflow": "tf.nn.log_softmax(a, axis=-1)"}),
    ("nn.one_hot(i, 32)", {"torch": "F.one_hot(i, 32)", "jax": "jax.nn.one_hot(i, 32)",
                           "tensorflow": "tf.one_hot(i, 32)"}),
    ("nn.conv(x, kern, padding='same')", {
        "torch": "F.conv2d(x_nchw, kern_oihw, padding='same')",
        "jax": "jax.lax.conv_general_dilated(x, kern, (1, 1), 'SAME', "
               "dimension_numbers=('NHWC', 'HWIO', 'NHWC'))",
        "tensorflow": "tf.nn.conv2d(x, kern, 1, 'SAME')"}),
]


NATIVE_MODULES = {"numpy": "import numpy as np",
                  "torch": "import torch; import torch.nn.functional as F",
                  "jax": "import jax; import jax.numpy as jnp",
                  "tensorflow": "import tensorflow as tf"}


def arrays(backend) -> dict:
    """The arguments, made once as arrays of ``backend`` (integer indices as the native
    functions want them: int64 on torch, int32 elsewhere)."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((2, 32, 32)).astype(np.float32)
    img = rng.standard_normal((1, 16, 16, 8)).astype(np.float32)
    kern = rng.standard_normal((3, 3, 8, 8)).astype(np.float32)
    index = np.int64 if backend == "torch" else np.int32
    host = {"a": x, "b": y, "c": x > 0, "a3": x[None], "v": x[0],
            "i": rng.integers(0, 32, 32).astype(index),
            "j": rng.integers(0, 32, (32, 32)).astype(index),
            "x": img, "kern": kern, "x_nchw": img.transpose(0, 3, 1, 2).copy(),
            "kern_oihw": kern.transpose(3, 2, 0, 1).copy()}
    if backend == "numpy":
        return host
    make = {"torch": "torch.from_numpy", "jax": "jax.numpy.asarray",
            "tensorflow": "tensorflow.constant"}[backend]
    module, _, name = make.rpartition(".")
    mk = getattr(importlib.import_module(module), name)
    return {k: mk(v) for k, v in host.items()}


def keras_form(statement: str) -> str | None:
    """The same call through ``crossops.ops`` (Keras's names), or None if it has no such
    name."""
    name = statement.split("(")[0].split(".")[-1]
    return "kops." + statement.split(".", 1)[1] if hasattr(kops, name) else None


def bench_backend(backend, blocks):
    with crossops.use_backend(backend):  # creation calls (zeros, arange) make its arrays
        return _bench_backend(backend, blocks)


def _bench_backend(backend, blocks):
    """Per call: (statement, native ns, crossops.numpy ns, its ratio, crossops.ops ns or
    None, its ratio or None); ratios are medians over blocks of interleaved timings."""
    g = {"np": np, "xnp": xnp, "nn": nn, "kops": kops, **arrays(backend)}
    exec(NATIVE_MODULES[backend], g)
    rows = []
    for ours, native in CALLS:
        if backend not in native:
            continue
        statements = [native[backend], ours] + ([keras_form(ours)] if keras_form(ours) else [])
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
        ns = [statistics.median(ts) * 1e9 for ts in times]
        ratios = [statistics.median(o / nat for o, nat in zip(ts, times[0]))
                  for ts in times[1:]]
        if len(ratios) == 1:
            ns.append(None)
            ratios.append(None)
        rows.append((ours, ns[0], ns[1], ratios[0], ns[2], ratios[1]))
    return rows


def import_time(runs=7):
    code = "import time; t = time.perf_counter(); import crossops; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                  text=True, check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--blocks", type=int, default=9)
    p.add_argument("--backend", action="append", help="only these backends (repeatable)")
    args = p.parse_args()
    backends = [b for b in ("numpy", "torch", "jax", "tensorflow")
                if (b == "numpy" or importlib.util.find_spec(b))
                and (not args.backend or b in args.backend)]
    front = isinstance(xnp.add, types.BuiltinFunctionType)
    print(f"dispatch: {'C fronts (crossops._fastpath)' if front else 'pure Python'}\n")
    print("| backend | call | native (ns) | crossops.numpy (ns) | ratio | crossops.ops (ns) "
          "| ratio |")
    print("|---|---|---:|---:|---:|---:|---:|")
    summary = []
    for b in backends:
        rows = bench_backend(b, args.blocks)
        for call, tn, to, r, tk, rk in rows:
            keras = "—|—" if tk is None else f"{tk:,.0f} | {rk:.2f}x"
            print(f"| {b} | `{call}` | {tn:,.0f} | {to:,.0f} | {r:.2f}x | {keras} |")
        ratios = [r for *_, r, _, _ in rows] + [rk for *_, rk in rows if rk is not None]
        worst = max(rows, key=lambda row: max(row[3], row[5] or 0))
        summary.append((b, len(rows), statistics.median(ratios), max(ratios), worst[0]))
    print("\n| backend | calls | median ratio | worst ratio | worst call | budget |")
    print("|---|---:|---:|---:|---|---:|")
    for b, count, med, worst, call in summary:
        ok = "ok" if med <= BUDGET[b] else "OVER"
        print(f"| {b} | {count} | {med:.2f}x | {worst:.2f}x | `{call}` | "
              f"{BUDGET[b]}x (median) {ok} |")
    print(f"\n`import crossops`: {import_time() * 1e3:.1f} ms (median of 7 fresh interpreters;"
          f" budget 50 ms)")


if __name__ == "__main__":
    main()
