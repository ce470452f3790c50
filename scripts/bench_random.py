"""Portable (Threefry, crossops ops) vs native generators: time of uniform and normal of
shape (1024, 1024) float32, compiled (jax.jit, tf.function; torch and numpy eager).

    python scripts/bench_random.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import crossops
import crossops.random as xr
from crossops import config

SHAPE = (1024, 1024)


def _sync(x):
    if hasattr(x, "block_until_ready"):
        x.block_until_ready()
    elif hasattr(x, "numpy"):
        x.numpy()
    return x


def _compiled(backend, f):
    if backend == "jax":
        import jax
        return jax.jit(f)
    if backend == "tensorflow":
        import tensorflow as tf
        return tf.function(f)
    return f


def _time(fn, key, repeat):
    _sync(fn(key))  # compile / warm up
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        _sync(fn(key))
        best = min(best, time.perf_counter() - t)
    return best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    rows = []
    for backend in ("numpy", "jax", "torch", "tensorflow"):
        with crossops.use_backend(backend):
            key = xr.key(0)
            for op in ("uniform", "normal"):
                times = {}
                for gen in ("native", "portable"):
                    config.set_random_generator(gen)
                    draw = getattr(xr, op)
                    fn = _compiled(backend, lambda k, draw=draw: draw(SHAPE, seed=k))
                    times[gen] = _time(fn, key, args.repeat)
                config.set_random_generator("portable")
                rows.append((backend, op, times["native"], times["portable"]))
    print(f"{'backend':<11} {'op':<8} {'native ms':>10} {'portable ms':>12} {'ratio':>7}")
    for b, op, n, pt in rows:
        print(f"{b:<11} {op:<8} {n * 1e3:>10.2f} {pt * 1e3:>12.2f} {pt / n:>7.2f}")
    _ = np  # noqa


if __name__ == "__main__":
    main()
