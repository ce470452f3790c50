"""Portable against native random numbers: time ratios per backend, eager and compiled.

For each backend and mode (eager; compiled: ``jax.jit``, ``torch.compile(fullgraph=True)``,
``tf.function``; xla: ``tf.function(jit_compile=True)``) and for ``uniform``, ``normal`` and
``truncated_normal`` (two standard deviations, as Keras) of 1e3, 1e5 and 1e6 float32 values,
the script times
crossops's portable generator (``crossops.random`` with ``set_random_generator("portable")``,
the key a traced argument when compiled) against the framework's own generator called
directly (``numpy.random.Generator(Philox)``, ``jax.random`` with a raw key,
``torch.rand``/``torch.randn``/``torch.nn.init.trunc_normal_`` with a ``torch.Generator``,
``tf.random.stateless_uniform``/``stateless_normal``/``stateless_truncated_normal``; NumPy
has no truncated normal: normal draws, those outside redrawn), and prints the median of
each over interleaved repetitions (portable, native, portable, ... so that load on the
machine falls on both alike) and their ratio.

Run it alone on a quiet machine::

    nice -n 15 python3 scripts/bench_random.py [--backends torch,jax] [--reps 15]
        [--sizes 1000,100000,1000000] [--modes eager,compiled,xla]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable

import numpy as np


def _sync(backend: str, x) -> None:
    """Wait for ``x`` (jax dispatches asynchronously)."""
    if backend == "jax":
        x.block_until_ready()


def _pair(backend: str, mode: str, op: str, n: int) -> tuple[Callable, Callable]:
    """(portable, native) callables drawing ``n`` values of ``op`` on ``backend``."""
    import crossops
    import crossops.random as xr
    from crossops import config

    config.set_random_generator("portable")
    with crossops.use_backend(backend):
        key = xr.key(7)

    def portable_eager(k):
        with crossops.use_backend(backend):
            return getattr(xr, op)((n,), seed=k)

    if backend == "numpy":
        def native_np(k):
            g = np.random.Generator(np.random.Philox(key=int(k[0]) << 32 | int(k[1])))
            if op == "uniform":
                return g.random(n, dtype=np.float32)
            x = g.standard_normal(n, dtype=np.float32)
            while op == "truncated_normal" and (out := np.abs(x) > 2).any():
                x[out] = g.standard_normal(int(out.sum()), dtype=np.float32)
            return x
        return (lambda: portable_eager(key)), (lambda: native_np(key))
    if backend == "jax":
        import jax
        native = {"uniform": lambda k: jax.random.uniform(k, (n,)),
                  "normal": lambda k: jax.random.normal(k, (n,)),
                  "truncated_normal": lambda k: jax.random.truncated_normal(k, -2.0, 2.0, (n,)),
                  }[op]
        if mode == "compiled":
            p, q = jax.jit(portable_eager), jax.jit(native)
            return (lambda: p(key)), (lambda: q(key))
        return (lambda: portable_eager(key)), (lambda: native(key))
    if backend == "torch":
        import torch

        def native_t(seed: int | None):
            g = None if seed is None else torch.Generator().manual_seed(seed)
            if op == "truncated_normal":
                return torch.nn.init.trunc_normal_(torch.empty(n), a=-2.0, b=2.0, generator=g)
            return torch.rand(n, generator=g) if op == "uniform" else torch.randn(n, generator=g)

        if mode == "compiled":
            def native_c(k):
                if op != "truncated_normal":
                    return native_t(None)
                # trunc_normal_ loops on data: inversion, as its earlier versions did
                lo = 0.5 * math.erfc(2.0 / math.sqrt(2.0))
                u = torch.rand(n) * (1.0 - 2.0 * lo) + lo
                return torch.erfinv(2.0 * u - 1.0) * math.sqrt(2.0)
            p = torch.compile(portable_eager, fullgraph=True)
            q = torch.compile(native_c, fullgraph=True)
            return (lambda: p(key)), (lambda: q(key))
        return (lambda: portable_eager(key)), (lambda: native_t(7))
    import tensorflow as tf

    def native_tf(k):
        pair = tf.bitcast(k, tf.int32)
        if op == "uniform":
            return tf.random.stateless_uniform((n,), pair)
        if op == "truncated_normal":
            return tf.random.stateless_truncated_normal((n,), pair)
        return tf.random.stateless_normal((n,), pair)

    if mode in ("compiled", "xla"):
        p = tf.function(portable_eager, jit_compile=mode == "xla")
        q = tf.function(native_tf, jit_compile=mode == "xla")
        return (lambda: p(key)), (lambda: q(key))
    return (lambda: portable_eager(key)), (lambda: native_tf(key))


def _median_times(backend: str, fs: tuple[Callable, Callable], reps: int) -> tuple[float, float]:
    for f in fs:  # warm up (and compile)
        _sync(backend, f())
        _sync(backend, f())
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(reps):
        for f, t in zip(fs, times):
            start = time.perf_counter()
            _sync(backend, f())
            t.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backends", default="numpy,jax,torch,tensorflow")
    ap.add_argument("--modes", default="eager,compiled,xla")
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--ops", default="uniform,normal,truncated_normal")
    ap.add_argument("--reps", type=int, default=15)
    args = ap.parse_args()
    print(f"{'backend':<11}{'mode':<9}{'op':<8}{'n':>9}{'portable ms':>13}{'native ms':>11}"
          f"{'ratio':>8}")
    for backend in args.backends.split(","):
        for mode in args.modes.split(","):
            if (backend == "numpy" and mode != "eager") or (backend != "tensorflow"
                                                              and mode == "xla"):
                continue
            for op in args.ops.split(","):
                for n in (int(s) for s in args.sizes.split(",")):
                    fs = _pair(backend, mode, op, n)
                    p, q = _median_times(backend, fs, args.reps)
                    print(f"{backend:<11}{mode:<9}{op:<8}{n:>9}{p * 1e3:>13.3f}{q * 1e3:>11.3f}"
                          f"{p / q:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
