"""Demo: one backend-agnostic kernel, softmax attention written once with crossops.numpy,
run on every installed backend. Prints backend, max difference from NumPy, time per call.

    python scripts/demo.py
"""

from __future__ import annotations

import importlib.util
import time

import numpy as np

import crossops
import crossops.numpy as xnp


def attention(q, k, v):
    """Scaled dot-product attention: softmax(q k^T / sqrt(d)) v, for any backend's arrays."""
    d = q.shape[-1]
    scores = xnp.matmul(q, xnp.matrix_transpose(k)) / float(np.sqrt(d))
    scores = scores - xnp.max(scores, axis=-1, keepdims=True)
    weights = xnp.exp(scores)
    weights = weights / xnp.sum(weights, axis=-1, keepdims=True)
    return xnp.matmul(weights, v)


def convert(backend, x):
    if backend == "numpy":
        return x
    if backend == "jax":
        import jax.numpy as jnp
        return jnp.asarray(x)
    if backend == "torch":
        import torch
        return torch.from_numpy(x)
    import tensorflow as tf
    return tf.constant(x)


def time_per_call(f, *args, repeat=20):
    f(*args)  # warm up
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(repeat):
            out = f(*args)
        if hasattr(out, "block_until_ready"):
            out.block_until_ready()
        best = min(best, (time.perf_counter() - t) / repeat)
    return best


def main():
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((4, 64, 32)).astype(np.float32) for _ in range(3))
    expected = attention(q, k, v)
    print("softmax attention, batch 4 x 64 tokens x 32 features, float32\n")
    print(f"{'backend':<12}{'array type':<46}{'max |diff| vs NumPy':>20}{'time/call':>12}")
    for backend in crossops.BACKENDS:
        if backend != "numpy" and importlib.util.find_spec(backend) is None:
            print(f"{backend:<12}not installed")
            continue
        args = [convert(backend, a) for a in (q, k, v)]
        out = attention(*args)
        diff = float(np.max(np.abs(crossops.to_numpy(out) - expected)))
        t = time_per_call(attention, *args)
        kind = f"{type(out).__module__}.{type(out).__name__}"
        print(f"{backend:<12}{kind:<46}{diff:>20.2e}{t * 1e6:>10.0f}us")


if __name__ == "__main__":
    main()
