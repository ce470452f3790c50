"""Training-step speed of crossops against the same training written natively.

MLP 784-512-512-10, batch 256, Adam(1e-3), synthetic data; steps per second, median over
blocks, crossops and native timed alternately in one run. Prints a Markdown table of
ratios (crossops / native steps per second; 1.0 = as fast):

- step: a crossops stateless training step (``stateless_call`` + ``crossops.value_and_grad``
  + ``Optimizer.stateless_apply``) under ``crossops.jit``, against jax + optax under
  ``jax.jit``, and against torch + torch.optim eager; on torch the eager crossops step
  too, against the same torch.optim step (issue 19's goal: at least 0.95x);
- fit: ``Model.fit`` over an epoch against a native epoch loop that feeds the same NumPy
  batches.

    python scripts/bench_train.py [--blocks 7] [--backends jax torch]
                                  [--rows step eager fit]

Model-scale training (ResNet50, a BERT-base-shaped encoder; fit against native loops and
Keras 3 on jax, torch and tensorflow, with peak memory) is in ``scripts/bench_models.py``.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time

import numpy as np

import crossops
from crossops import initializers, layers, losses, models, optimizers

BATCH, SIZES, LR = 256, (784, 512, 512, 10), 1e-3
RNG = np.random.default_rng(0)
X = RNG.standard_normal((BATCH * 16, 784)).astype(np.float32)
Y = RNG.integers(0, 10, BATCH * 16).astype(np.int32)
INIT = [(initializers.GlorotUniform(seed=i)((a, b)), np.zeros(b, np.float32))
        for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:]))]


def crossops_model(backend):
    with crossops.use_backend(backend):
        model = models.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                                   layers.Dense(512, activation="relu"), layers.Dense(10)])
    model.set_weights([a for pair in INIT for a in pair])
    return model


def crossops_step(backend, compiled=True):
    model = crossops_model(backend)
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    opt = optimizers.Adam(learning_rate=LR)
    opt.build(model.trainable_variables)

    def step(tv, ov, x, y):
        def f(tv):
            out, _ = model.stateless_call(tv, [], x)
            return loss(y, out)
        value, grads = crossops.value_and_grad(f)(tv)
        tv, ov = opt.stateless_apply(ov, grads, tv)
        return value, tv, ov
    fn = crossops.jit(step) if compiled else step
    state = {"tv": [v.value for v in model.trainable_variables],
             "ov": [v.value for v in opt.variables]}
    x, y = _native(backend, X[:BATCH]), _native(backend, Y[:BATCH])

    def run():
        value, state["tv"], state["ov"] = fn(state["tv"], state["ov"], x, y)
        return value
    return run


def _native(backend, a):
    from crossops.layers._layer import _to_backend
    return _to_backend(a, backend, trainable=False)


def _jax_native():
    """(params, opt state, jitted step) of the MLP written with jax + optax."""
    import jax
    import jax.numpy as jnp
    import optax
    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in INIT]
    opt = optax.adam(LR, eps=1e-7)

    def loss_fn(params, x, y):
        h = x
        for i, (w, b) in enumerate(params):
            h = h @ w + b
            if i < len(params) - 1:
                h = jax.nn.relu(h)
        return optax.softmax_cross_entropy_with_integer_labels(h, y).mean()

    @jax.jit
    def step(params, opt_state, x, y):
        value, grads = jax.value_and_grad(loss_fn)(params, x, y)
        updates, opt_state = opt.update(grads, opt_state, params)
        return value, optax.apply_updates(params, updates), opt_state
    return {"p": params, "o": opt.init(params)}, step


def jax_step():
    import jax.numpy as jnp
    state, step = _jax_native()
    x, y = jnp.asarray(X[:BATCH]), jnp.asarray(Y[:BATCH])

    def run():
        value, state["p"], state["o"] = step(state["p"], state["o"], x, y)
        return value
    return run


def torch_net():
    import torch
    net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(),
                              torch.nn.Linear(512, 512), torch.nn.ReLU(),
                              torch.nn.Linear(512, 10))
    with torch.no_grad():
        for lin, (w, b) in zip([net[0], net[2], net[4]], INIT):
            lin.weight.copy_(torch.from_numpy(w.T))
            lin.bias.copy_(torch.from_numpy(b))
    return net, torch.optim.Adam(net.parameters(), lr=LR, eps=1e-7)


def torch_step():
    import torch
    net, opt = torch_net()
    x, y = torch.from_numpy(X[:BATCH]), torch.from_numpy(Y[:BATCH]).long()

    def run():
        opt.zero_grad()
        value = torch.nn.functional.cross_entropy(net(x), y)
        value.backward()
        opt.step()
        return value
    return run


def _sync(value):
    if hasattr(value, "block_until_ready"):
        value.block_until_ready()
    return value


def steps_per_second(run, steps):
    t = time.perf_counter()
    for _ in range(steps):
        value = run()
    _sync(value)
    return steps / (time.perf_counter() - t)


def compare(ours, native, blocks, steps=10):
    for f in (ours, native):  # compile and warm up
        for _ in range(3):
            _sync(f())
    ratios, ours_rates, native_rates = [], [], []
    for _ in range(blocks):
        ours_rates.append(steps_per_second(ours, steps))
        native_rates.append(steps_per_second(native, steps))
        ratios.append(ours_rates[-1] / native_rates[-1])
    # the median ratio of the blocks, and each side's median rate (not the last block's)
    return (statistics.median(ratios), statistics.median(ours_rates),
            statistics.median(native_rates))


def fit_runs(backend):
    """(crossops fit epoch, native epoch) as callables training one epoch each."""
    model = crossops_model(backend)
    model.compile(optimizer=optimizers.Adam(learning_rate=LR),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))

    def ours():
        model.fit(X, Y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
    return ours, _jax_epoch() if backend == "jax" else _torch_epoch()


def _jax_epoch():
    import jax.numpy as jnp
    state, step = _jax_native()

    def epoch():
        for b in range(len(X) // BATCH):
            sl = slice(b * BATCH, (b + 1) * BATCH)
            value, state["p"], state["o"] = step(state["p"], state["o"], jnp.asarray(X[sl]),
                                                 jnp.asarray(Y[sl]))
        value.block_until_ready()
    return epoch


def _torch_epoch():
    import torch
    net, opt = torch_net()

    def epoch():
        for b in range(len(X) // BATCH):
            sl = slice(b * BATCH, (b + 1) * BATCH)
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(torch.from_numpy(X[sl])),
                                                     torch.from_numpy(Y[sl]).long())
            loss.backward()
            opt.step()
    return epoch


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--blocks", type=int, default=7)
    p.add_argument("--backends", nargs="*", default=["jax", "torch"])
    p.add_argument("--rows", nargs="*", default=["step", "eager", "fit"],
                   choices=["step", "eager", "fit"],
                   help="which rows: the compiled step, the eager step (torch only), fit")
    args = p.parse_args()
    rows = []
    for backend in args.backends:
        if importlib.util.find_spec(backend) is None:
            continue
        native = jax_step() if backend == "jax" else torch_step()
        if "step" in args.rows:
            r, a, b = compare(crossops_step(backend), native, args.blocks)
            rows.append((backend, "step (crossops.jit)", a, b, r, 0.95))
        if backend == "torch" and "eager" in args.rows:
            r, a, b = compare(crossops_step(backend, compiled=False), native, args.blocks)
            rows.append((backend, "step (eager)", a, b, r, 0.95))
        if "fit" in args.rows:
            ours, theirs = fit_runs(backend)
            r, a, b = compare(ours, theirs, max(3, args.blocks // 2), steps=1)
            n = len(X) // BATCH
            rows.append((backend, "fit (epoch)", a * n, b * n, r, 0.9))
    print("| backend | what | crossops steps/s | native steps/s | ratio | target |")
    print("|---|---|---:|---:|---:|---:|")
    for backend, what, a, b, r, target in rows:
        goal = "-" if target is None else f">= {target}"
        print(f"| {backend} | {what} | {a:.1f} | {b:.1f} | {r:.2f} | {goal} |")


if __name__ == "__main__":
    main()
