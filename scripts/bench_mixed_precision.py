"""Time per ``fit`` step of a small MLP (784-512-512-10, batch 128) under the
``"mixed_bfloat16"`` dtype policy against ``"float32"``, on each backend, and the loss
curves (the mean loss of each epoch, from the same initial weights).

Usage: ``python scripts/bench_mixed_precision.py [--backends jax torch tensorflow]
[--steps 20] [--repeats 3]``. Each timed repeat is one epoch of ``--steps`` batches after
a warm-up epoch (which compiles the step); the figure is the median over the repeats.
As Keras advises for mixed precision, the softmax head is a float32 layer.
On CPUs bfloat16 is often slower than float32 (no native bf16 matmul): the ratio is
reported as measured.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import crossops
from crossops import dtype_policies, layers, models, optimizers


def _model(weights=None):
    model = models.Sequential([layers.Dense(512, activation="relu"),
                               layers.Dense(512, activation="relu"),
                               layers.Dense(10),
                               layers.Activation("softmax", dtype="float32")])
    model.build((None, 784))
    if weights is not None:  # the same start under both policies
        model.set_weights(weights)
    return model


_START = {}


def run(backend, policy, steps, repeats, batch=128):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(steps * batch, 784)).astype(np.float32)
    y = np.argmax(x @ rng.normal(size=(784, 10)), axis=1)  # a learnable labelling
    dtype_policies.set_dtype_policy(policy)
    try:
        with crossops.use_backend(backend):
            model = _model(_START.get(backend))
            # copies: on torch get_weights() may share the parameters' memory
            _START.setdefault(backend, [np.array(w, copy=True) for w in model.get_weights()])
            model.compile(optimizer=optimizers.Adam(1e-3),
                          loss="sparse_categorical_crossentropy")
            warm = model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=False)
            times, losses = [], [warm.history["loss"][-1]]
            for _ in range(repeats):
                t0 = time.perf_counter()
                history = model.fit(x, y, batch_size=batch, epochs=1, verbose=0,
                                    shuffle=False)
                times.append((time.perf_counter() - t0) / steps)
                losses.append(history.history["loss"][-1])
            outputs = crossops._dtypes.dtype_name(model.predict(x[:2], verbose=0).dtype)
            dtypes = {str(crossops._dtypes.dtype_name(v.dtype)) for v in model.weights}
    finally:
        dtype_policies.set_dtype_policy("float32")
    return statistics.median(times), losses, dtypes | {f"out {outputs}"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["jax", "torch", "tensorflow"])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for backend in args.backends:
        t0 = time.perf_counter()
        f32 = run(backend, "float32", args.steps, args.repeats)
        bf16 = run(backend, "mixed_bfloat16", args.steps, args.repeats)
        rows.append((backend, f32, bf16, time.perf_counter() - t0))
    print(f"MLP 784-512-512-10, batch 128, Adam(1e-3); time: median of {args.repeats} epochs "
          f"of {args.steps} steps; loss curve: mean loss of each of {args.repeats + 1} epochs")
    print("| backend | float32 ms/step | mixed_bfloat16 ms/step | bf16 / f32 time | "
          "float32 loss curve | mixed_bfloat16 loss curve | mixed: variables, output | wall s |")
    print("|---|---:|---:|---:|---|---|---|---:|")
    for backend, (t32, l32, _), (tbf, lbf, dts), wall in rows:
        c32, cbf = (" ".join(f"{v:.3f}" for v in c) for c in (l32, lbf))
        print(f"| {backend} | {t32 * 1e3:.2f} | {tbf * 1e3:.2f} | {tbf / t32:.2f} | {c32} | "
              f"{cbf} | {', '.join(sorted(dts))} | {wall:.1f} |")


if __name__ == "__main__":
    main()
