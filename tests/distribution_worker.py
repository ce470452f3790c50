"""The programs that tests/test_distribution.py runs in subprocesses (a process's device
count and process group are global state): ``python tests/distribution_worker.py CASE OUT``
writes a JSON of results to OUT (on torch, process 0 writes).

Cases: ``jax`` (8 host devices: data and model parallel fit, Dense / EinsumDense outputs,
the stateless API), ``torch`` (one of the processes of a 2-process run: data parallel,
then model parallel with DTensor; process 0 adds the one-process reference after them;
``torch-single`` is that reference alone), ``tensorflow`` (MirroredStrategy over 2
logical CPUs). ``EPOCHS``, ``JIT`` and ``DROPOUT`` in the environment size the runs.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

EPOCHS = int(os.environ.get("EPOCHS", "2"))
JIT = os.environ.get("JIT", "1") == "1"
#: the torch case adds a model-parallel model with BatchNormalization and Dropout
DROPOUT = os.environ.get("DROPOUT", "0") == "1"


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 6)).astype("float32")
    y = rng.normal(size=(32, 3)).astype("float32")
    return x, y


def model(layers_mod=None):
    from crossops import layers, models
    m = models.Sequential([layers.Input((6,)), layers.Dense(8, activation="tanh", name="d1"),
                           layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="c",
                                              name="e1")], name="mlp")
    m.compile(optimizer="adam", loss="mse", jit_compile=JIT)
    return m


def weights(m):
    """Fixed initial weights, the same in every process and run."""
    return [np.random.default_rng(i).normal(size=w.shape).astype("float32") * 0.4
            for i, w in enumerate(m.get_weights())]


def trajectory(m, x, y):
    """The loss after each epoch (batches of 8, in order), then the evaluated loss."""
    h = m.fit(x, y, batch_size=8, epochs=EPOCHS, shuffle=False, verbose=0).history
    return h["loss"] + [float(m.evaluate(x, y, batch_size=8, verbose=0))]


def run_jax():
    import crossops
    from crossops import distribution as d
    crossops.set_backend("jax")
    x, y = data()
    out = {"devices": d.list_devices()}
    ref = model()
    w0 = weights(ref)
    ref.set_weights(w0)
    out["single_outputs"] = np.asarray(ref.predict(x, verbose=0)).tolist()
    out["single"] = trajectory(ref, x, y)
    out["single_trained_outputs"] = np.asarray(ref.predict(x, verbose=0)).tolist()

    # 30 rows: the last batch of 6 does not split among 8 devices (it is replicated)
    ref = model()
    ref.set_weights(w0)
    out["single_partial"] = trajectory(ref, x[:30], y[:30])
    with d.DataParallel().scope():
        m = model()
        m.set_weights(w0)
        out["data_parallel_8_partial"] = trajectory(m, x[:30], y[:30])

    for n in (2, 8):
        with d.DataParallel(devices=d.list_devices()[:n]).scope():
            m = model()
            m.set_weights(w0)
            out[f"data_parallel_{n}"] = trajectory(m, x, y)
            out[f"data_parallel_{n}_replicated"] = all(
                v.value.sharding.is_fully_replicated and
                len(v.value.sharding.device_set) == n for v in m.weights)

    mesh = d.DeviceMesh((2, 4), ["batch", "model"])
    layout_map = d.LayoutMap(mesh)
    layout_map["mlp/d1/kernel"] = (None, "model")
    layout_map["mlp/d1/bias"] = ("model",)
    layout_map["mlp/e1/kernel"] = ("model", None)
    with d.ModelParallel(layout_map=layout_map, batch_dim_name="batch").scope():
        m = model()
        m.set_weights(w0)
        out["model_parallel_specs"] = {v.path: str(v.value.sharding.spec) for v in m.weights}
        out["model_parallel_outputs"] = np.asarray(m.predict(x, verbose=0)).tolist()
        tv = [v.value for v in m.trainable_variables]
        ntv = [v.value for v in m.non_trainable_variables]
        xs = d.distribute_tensor(x, d.TensorLayout(("batch", None), mesh))
        import jax
        y_pred, _ = jax.jit(lambda t, n, a: m.stateless_call(t, n, a))(tv, ntv, xs)
        out["stateless_outputs"] = np.asarray(y_pred).tolist()
        out["model_parallel"] = trajectory(m, x, y)
        out["model_parallel_specs_after"] = {v.path: str(v.value.sharding.spec)
                                             for v in m.weights}
        out["optimizer_specs"] = sorted({str(v.value.sharding.spec)
                                         for v in m.optimizer.variables})
    return out


def run_jax_processes():
    """One of 2 processes of 2 host devices each: data parallel over the 4 devices, and
    model parallel with the batch across processes and the model within each."""
    import crossops
    from crossops import distribution as d
    crossops.set_backend("jax")
    d.initialize()
    x, y = data()
    import jax
    out = {"devices": d.list_devices(), "rank": jax.process_index(),
           "local": len(jax.local_devices())}
    with d.DataParallel().scope():
        m = model()
        m.set_weights(weights(m))
        out["data_parallel_4"] = trajectory(m, x, y)
        out["predict"] = np.asarray(m.predict(x, verbose=0)).tolist()
    mesh = d.DeviceMesh((2, 2), ["batch", "model"])
    layout_map = d.LayoutMap(mesh)
    layout_map["mlp/d1/kernel"] = (None, "model")
    with d.ModelParallel(layout_map=layout_map).scope():
        m = model()
        m.set_weights(weights(m))
        out["model_parallel"] = trajectory(m, x, y)
    return out


def run_torch(single: bool):
    import crossops
    from crossops import distribution as d
    crossops.set_backend("torch")
    x, y = data()
    out = {}
    if single:
        m = model()
        m.set_weights(weights(m))
        return {"single": trajectory(m, x, y)}
    d.initialize()
    import torch.distributed as tdist
    with d.DataParallel().scope():
        m = model()
        w0 = weights(m)
        # the other processes start from other weights: process 0's are broadcast
        m.set_weights(w0 if tdist.get_rank() == 0 else [w * 0 + 1 for w in w0])
        out.update(devices=d.list_devices(), data_parallel_2=trajectory(m, x, y),
                   rank=tdist.get_rank())
        # every process ends with the same weights
        flat = np.concatenate([w.ravel() for w in m.get_weights()])
        import torch
        t = torch.from_numpy(flat)
        gathered = [torch.zeros_like(t) for _ in range(tdist.get_world_size())]
        tdist.all_gather(gathered, t)
        out["weights_agree"] = bool(all(torch.equal(g, gathered[0]) for g in gathered))
    out.update(run_torch_model_parallel(x, y))
    # every process past its last collective before any tears the group down: a process
    # that closes its gloo pairs while the other still uses them can abort at exit
    tdist.barrier()
    tdist.destroy_process_group()
    if out["rank"] == 0:  # the one-process reference, after the run (no one waits)
        m = model()
        m.set_weights(weights(m))
        out["single_outputs"] = np.asarray(m.predict(x, verbose=0)).tolist()
        out["single"] = trajectory(m, x, y)
        out["single_trained_outputs"] = np.asarray(m.predict(x, verbose=0)).tolist()
        if DROPOUT:
            out["single_dropout"] = dropout_trajectory(x, y)
    return out


def _placements(a) -> str:
    return str(tuple(a.placements)) if hasattr(a, "placements") else "plain"


def run_torch_model_parallel(x, y):
    """ModelParallel over the 2 processes (a 1 x 2 batch x model mesh): Dense's kernel
    split by columns (and its bias with them), EinsumDense's kernel by rows; the batch
    whole in each process."""
    import torch
    import torch.distributed as tdist
    from torch.distributed.tensor import DTensor

    import crossops
    import crossops.numpy as xnp
    from crossops import distribution as d
    out = {}
    mesh = d.DeviceMesh((1, 2), ["batch", "model"])
    layout_map = d.LayoutMap(mesh)
    layout_map["mlp/d1/kernel"] = (None, "model")
    layout_map["mlp/d1/bias"] = ("model",)
    layout_map["mlp/e1/kernel"] = ("model", None)
    with d.ModelParallel(layout_map=layout_map).scope():
        m = model()
        w0 = weights(m)
        # the other process sets other weights: process 0's are the ones laid out
        m.set_weights(w0 if tdist.get_rank() == 0 else [w * 0 + 1 for w in w0])
        out["model_parallel_placements"] = {v.path: _placements(v.value) for v in m.weights}
        out["model_parallel_local_shapes"] = {
            v.path: list(v.value.to_local().shape) for v in m.weights}
        out["model_parallel_parameters"] = all(  # the layers' modules hold the DTensors
            isinstance(p, DTensor) and p.requires_grad for p in m.parameters())
        out["model_parallel_outputs"] = np.asarray(m.predict(x, verbose=0)).tolist()
        xs = d.distribute_tensor(x, d.TensorLayout((None, None), mesh))
        y_pred, _ = m.stateless_call([v.value for v in m.trainable_variables],
                                     [v.value for v in m.non_trainable_variables], xs)
        out["stateless_outputs"] = crossops.to_numpy(y_pred).tolist()
        out["model_parallel"] = trajectory(m, x, y)
        out["model_parallel_placements_after"] = {v.path: _placements(v.value)
                                                  for v in m.weights}
        out["optimizer_placements"] = sorted({_placements(v.value)
                                              for v in m.optimizer.variables})
        out["model_parallel_trained_outputs"] = np.asarray(m.predict(x, verbose=0)).tolist()
        # crossops's ops on DTensors: the torch backend, DTensor results, torch's values
        # (one type for both operands: the C front's fast path; two: the Python path)
        kernel = next(v for v in m.weights if v.path == "mlp/d1/kernel").value.detach()
        results = {"tanh": (xnp.tanh(kernel), torch.tanh(kernel)),
                   "add": (xnp.add(kernel, kernel), torch.add(kernel, kernel)),
                   "matmul": (xnp.matmul(xs, kernel), torch.matmul(xs, kernel)),
                   "mean": (xnp.mean(kernel, axis=0), torch.mean(kernel, dim=0))}
        out["dtensor_ops"] = {
            name: isinstance(got, DTensor) and
            bool(torch.allclose(got.full_tensor(), want.full_tensor()))
            for name, (got, want) in results.items()}
    if DROPOUT:
        lm = d.LayoutMap(mesh)
        lm["mlp/d1/kernel"] = (None, "model")
        lm["mlp/d2/kernel"] = ("model", None)
        with d.ModelParallel(layout_map=lm).scope():
            out["model_parallel_dropout"] = dropout_trajectory(x, y)
    return out


def dropout_model():
    """Dense (no bias: before BatchNormalization its gradient is rounding noise, which
    Adam scales up), BatchNormalization, Dropout (a seeded random key: the same masks in
    every run), Dense."""
    from crossops import layers, models
    m = models.Sequential([layers.Input((6,)), layers.Dense(8, use_bias=False, name="d1"),
                           layers.BatchNormalization(name="bn"),
                           layers.Dropout(0.5, seed=3, name="drop"), layers.Dense(3, name="d2")],
                          name="mlp")
    m.compile(optimizer="adam", loss="mse", run_eagerly=True)  # eager: no compile time
    m.set_weights([np.abs(w) if "variance" in v.path else w
                   for v, w in zip(m.weights, weights(m))])
    return m


def dropout_trajectory(x, y):
    m = dropout_model()
    return trajectory(m, x, y) + [float(np.sum(m.predict(x, verbose=0)))]


def run_tensorflow():
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import crossops
    from crossops import distribution as d
    crossops.set_backend("tensorflow")
    x, y = data()
    ref = model()
    w0 = weights(ref)
    ref.set_weights(w0)
    out = {"devices": d.list_devices(), "single": trajectory(ref, x, y)}
    with d.DataParallel(devices=d.list_devices("cpu")[:2]).scope():
        m = model()
        m.set_weights(w0)
        out["data_parallel_2"] = trajectory(m, x, y)
        out["predict_agrees"] = bool(np.allclose(m.predict(x, verbose=0),
                                                 ref.predict(x, verbose=0), atol=1e-5))
    return out


def main():
    case, path = sys.argv[1], sys.argv[2]
    if case == "jax":
        out = run_jax()
    elif case == "jax-processes":
        out = run_jax_processes()
        if out["rank"] != 0:
            return
    elif case == "tensorflow":
        out = run_tensorflow()
    elif case in ("torch", "torch-single"):
        out = run_torch(case == "torch-single")
        if out.get("rank", 0) != 0:
            return
    else:
        raise SystemExit(f"distribution_worker: unknown case {case!r}")
    with open(path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
