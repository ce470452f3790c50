"""Compiled kernels written with crossops against the same kernels written natively.

Softmax attention, LayerNorm + MLP and a conv block (conv 3x3 + bias + relu + max pool),
each compiled (crossops: ``crossops.jit``; native: ``jax.jit``, ``torch.compile``,
``tf.function(jit_compile=True)``), timed alternately in one run; prints the median ratio
of crossops time to native time per call (target: within 5%, i.e. <= 1.05).

    python scripts/bench_kernels.py [--blocks 7] [--backends jax torch tensorflow] [--overhead]

``--overhead`` adds a row per backend for ``x + y`` on two 32x32 float32 arrays: what
``crossops.jit`` adds to each call of a compiled function (for information: no target).

On a loaded machine run it with ``OMP_NUM_THREADS=1``: torch's two intra-op threads, each
preempted in turn by other processes, made single blocks 10 to 100 times slower (ratios of
0.7x to 6x between runs of the same code); one thread gives ratios that repeat.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time

import numpy as np

import crossops
import crossops.nn as nn
import crossops.numpy as xnp

RNG = np.random.default_rng(0)
DATA = {
    "attention": [RNG.standard_normal((8, 128, 64)).astype(np.float32) for _ in range(3)],
    "layernorm_mlp": [RNG.standard_normal((256, 512)).astype(np.float32),
                      RNG.standard_normal((512, 1024)).astype(np.float32) * 0.05,
                      RNG.standard_normal((1024, 512)).astype(np.float32) * 0.05],
    "conv_block": [RNG.standard_normal((16, 32, 32, 16)).astype(np.float32),
                   RNG.standard_normal((3, 3, 16, 32)).astype(np.float32) * 0.1,
                   RNG.standard_normal((32,)).astype(np.float32)],
}


# -- the kernels, written once with crossops ---------------------------------------------
def attention(q, k, v):
    s = xnp.matmul(q, xnp.matrix_transpose(k)) / 8.0
    return xnp.matmul(nn.softmax(s, axis=-1), v)


def layernorm_mlp(x, w1, w2):
    mean = xnp.mean(x, axis=-1, keepdims=True)
    var = xnp.var(x, axis=-1, keepdims=True)
    h = (x - mean) / xnp.sqrt(var + 1e-5)
    return xnp.matmul(nn.gelu(xnp.matmul(h, w1)), w2)


def conv_block(x, kernel, bias):
    y = nn.relu(nn.conv(x, kernel, padding="same") + bias)
    return nn.max_pool(y, 2)


def add(x, y):
    return x + y


OURS = {"attention": attention, "layernorm_mlp": layernorm_mlp, "conv_block": conv_block}
#: the per-call overhead row (--overhead): the same function on both sides
OVERHEAD = {"add_32x32": add}
DATA["add_32x32"] = [RNG.standard_normal((32, 32)).astype(np.float32) for _ in range(2)]


# -- the same kernels, native ---------------------------------------------------------------
def natives(backend):
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        def att(q, k, v):
            return jax.nn.softmax(q @ jnp.swapaxes(k, -1, -2) / 8.0, axis=-1) @ v

        def mlp(x, w1, w2):
            h = (x - x.mean(-1, keepdims=True)) / jnp.sqrt(x.var(-1, keepdims=True) + 1e-5)
            return jax.nn.gelu(h @ w1) @ w2

        def conv(x, kernel, bias):
            y = jax.lax.conv_general_dilated(x, kernel, (1, 1), "SAME",
                                             dimension_numbers=("NHWC", "HWIO", "NHWC"))
            y = jax.nn.relu(y + bias)
            return jax.lax.reduce_window(y, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1),
                                         "VALID")
        return jax.jit, jnp.asarray, {"attention": att, "layernorm_mlp": mlp,
                                      "conv_block": conv}
    if backend == "torch":
        import torch
        F = torch.nn.functional

        def att(q, k, v):
            return torch.softmax(q @ k.transpose(-1, -2) / 8.0, dim=-1) @ v

        def mlp(x, w1, w2):
            h = (x - x.mean(-1, keepdim=True)) / torch.sqrt(
                x.var(-1, keepdim=True, unbiased=False) + 1e-5)
            return F.gelu(h @ w1, approximate="tanh") @ w2

        def conv(x, kernel, bias):
            y = F.conv2d(x.permute(0, 3, 1, 2), kernel.permute(3, 2, 0, 1), bias, padding=1)
            return F.max_pool2d(F.relu(y), 2).permute(0, 2, 3, 1)
        return torch.compile, torch.from_numpy, {"attention": att, "layernorm_mlp": mlp,
                                                 "conv_block": conv}
    import tensorflow as tf

    def att(q, k, v):
        return tf.nn.softmax(tf.matmul(q, k, transpose_b=True) / 8.0, axis=-1) @ v

    def mlp(x, w1, w2):
        mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
        return tf.nn.gelu((x - mean) / tf.sqrt(var + 1e-5) @ w1, approximate=True) @ w2

    def conv(x, kernel, bias):
        y = tf.nn.relu(tf.nn.conv2d(x, kernel, 1, "SAME") + bias)
        return tf.nn.max_pool2d(y, 2, 2, "VALID")
    return (lambda f: tf.function(f, jit_compile=True)), tf.constant, {
        "attention": att, "layernorm_mlp": mlp, "conv_block": conv}


def _sync(out):
    if hasattr(out, "block_until_ready"):
        out.block_until_ready()
    elif hasattr(out, "numpy"):
        out.numpy()
    return out


def per_call(f, args, n):
    t = time.perf_counter()
    for _ in range(n):
        out = f(*args)
    _sync(out)
    return (time.perf_counter() - t) / n


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--blocks", type=int, default=7)
    p.add_argument("--backends", nargs="*", default=["jax", "torch", "tensorflow"])
    p.add_argument("--overhead", action="store_true",
                   help="add the row of x + y on 32x32 arrays (crossops.jit's per-call cost)")
    args = p.parse_args()
    print("| backend | kernel | native (ms) | crossops (ms) | ratio |")
    print("|---|---|---:|---:|---:|")
    for backend in args.backends:
        if importlib.util.find_spec(backend) is None:
            continue
        compile_, convert, native = natives(backend)
        kernels = {**OURS, **OVERHEAD} if args.overhead else OURS
        native = {**native, **OVERHEAD}
        for name, ours in kernels.items():
            data = [convert(a) for a in DATA[name]]
            with crossops.use_backend(backend):
                f_ours, f_native = crossops.jit(ours), compile_(native[name])
                ref = crossops.to_numpy(_sync(f_native(*data)))
                got = crossops.to_numpy(_sync(f_ours(*data)))
                assert np.allclose(got, ref, rtol=1e-3, atol=1e-3), (backend, name)
                n = max(3, int(0.05 / max(per_call(f_native, data, 3), 1e-6)))
                ratios, tn, to = [], [], []
                for i in range(args.blocks):  # (each first in every other block)
                    if i % 2:
                        b = per_call(f_ours, data, n)
                        a = per_call(f_native, data, n)
                    else:
                        a = per_call(f_native, data, n)
                        b = per_call(f_ours, data, n)
                    tn.append(a)
                    to.append(b)
                    ratios.append(b / a)
            print(f"| {backend} | {name} | {statistics.median(tn) * 1e3:.3f} | "
                  f"{statistics.median(to) * 1e3:.3f} | {statistics.median(ratios):.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
