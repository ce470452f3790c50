"""Per-step time of 2-way data parallelism against one device, as a ratio from one run.

    python scripts/bench_distribution.py            # jax and torch
    python scripts/bench_distribution.py jax

jax: one process, 2 host devices (``--xla_force_host_platform_device_count=2``), fit under
``DataParallel`` against fit without a distribution. torch: 2 processes started by
``crossops.distribution.launch`` (gloo on 127.0.0.1) against one process. Same model,
same global batch, compiled steps; the time of an epoch after a warm-up epoch, per step.
On CPU the two "devices" share the machine's cores, so the ratio shows the cost of the
distributed machinery (splitting, all-reduce), not a speed-up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

STEPS, BATCH, WIDTH = 40, 256, 256


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(STEPS * BATCH, WIDTH)).astype("float32")
    y = rng.integers(0, 10, size=STEPS * BATCH)
    return x, y


def _step_time(backend: str, dist=None) -> float:
    import crossops
    from crossops import layers, models
    crossops.set_backend(backend)
    x, y = _data()
    scope = dist.scope() if dist is not None else None
    if scope is not None:
        scope.__enter__()
    m = models.Sequential([layers.Input((WIDTH,)), layers.Dense(512, activation="relu"),
                           layers.Dense(512, activation="relu"), layers.Dense(10)])
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    m.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)  # compile, warm up
    start = time.perf_counter()
    m.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    elapsed = time.perf_counter() - start
    if scope is not None:
        scope.__exit__(None, None, None)
    return elapsed / STEPS


def _worker(case: str, out: str):
    if case == "jax-1":
        t = _step_time("jax")
    elif case == "jax-2":
        import crossops
        from crossops import distribution as d
        with crossops.use_backend("jax"):
            dist = d.DataParallel(devices=d.list_devices()[:2])
        t = _step_time("jax", dist)
    elif case == "torch-1":
        t = _step_time("torch")
    else:  # torch-2, one of 2 processes
        import crossops
        from crossops import distribution as d
        crossops.set_backend("torch")
        d.initialize()
        t = _step_time("torch", d.DataParallel())
        if os.environ["RANK"] != "0":
            return
    with open(out, "w") as f:
        json.dump({"step_s": t}, f)


def _run(case: str, nprocs: int = 1) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2")
        prefix = [] if nprocs == 1 else ["-m", "crossops.distribution.launch", "-n",
                                         str(nprocs)]
        subprocess.run([sys.executable, *prefix, __file__, "--worker", case, out],
                       env=env, check=True)
        with open(out) as f:
            return json.load(f)["step_s"]


def main(backends: list[str]) -> None:
    print(f"MLP {WIDTH}-512-512-10, global batch {BATCH}, {STEPS} steps, adam, compiled")
    for backend in backends:
        one = _run(f"{backend}-1")
        two = _run(f"{backend}-2", nprocs=2 if backend == "torch" else 1)
        print(f"{backend:6s} one device {one * 1e3:7.2f} ms/step   2-way data parallel "
              f"{two * 1e3:7.2f} ms/step   ratio {two / one:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1:] or ["jax", "torch"])
