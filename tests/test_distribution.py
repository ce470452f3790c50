"""crossops.distribution: Keras's API (meshes, layouts, layout maps, the active
distribution) in this process; data and model parallel training in subprocesses (a
process's device count and process group are global state), each compared with the
one-device run of the same model, weights and batches.

The default suite runs jax on 8 host devices and torch in 2 processes (data parallel, and
model parallel with DTensor, in one launch); the nox session ``distribution``
(``CROSSOPS_DISTRIBUTION_LONG=1``) adds tensorflow's MirroredStrategy and torch with
compiled steps.
"""

from __future__ import annotations

import doctest
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import crossops
from crossops import distribution as d

WORKER = Path(__file__).with_name("distribution_worker.py")
LONG = os.environ.get("CROSSOPS_DISTRIBUTION_LONG") == "1"
#: jax on N host CPU devices
HOST_DEVICES = "--xla_force_host_platform_device_count={}"
ROOT = Path(__file__).parents[1]


def _worker(case, tmp_path, nprocs=1, timeout=600, **env):
    """Run the worker's ``case`` (in ``nprocs`` processes through the launcher, stopped
    after ``timeout`` seconds) and read its results."""
    out = tmp_path / f"{case}.json"
    penv = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    penv.update(env)
    penv["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), penv.get("PYTHONPATH", "")])
    if nprocs == 1:
        cmd = [sys.executable, str(WORKER), case, str(out)]
    else:
        cmd = [sys.executable, "-m", "crossops.distribution.launch", "-n", str(nprocs),
               str(WORKER), case, str(out)]
    proc = subprocess.run(cmd, env=penv, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(out.read_text())


def _same_trajectory(got, want):
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)


# -- the API -------------------------------------------------------------------------------
def _mesh(shape=(2, 2), names=("batch", "model")):
    return d.DeviceMesh(shape, list(names), devices=[f"cpu:{i}" for i in
                                                     range(int(np.prod(shape)))])


def test_device_mesh_checks_its_arguments():
    with pytest.raises(ValueError, match="one entry per axis"):
        d.DeviceMesh((2, 2), ["batch"], devices=["cpu:0"] * 4)
    with pytest.raises(ValueError, match=r"needs 4 devices, got 3"):
        d.DeviceMesh((2, 2), ["batch", "model"], devices=["cpu:0"] * 3)
    assert _mesh().devices.shape == (2, 2)


def test_layout_map_matches_whole_paths():
    layout_map = d.LayoutMap(_mesh())
    layout_map["dense.*/kernel"] = (None, "model")
    layout_map["dense_1/bias"] = d.TensorLayout(("model",))
    assert layout_map["dense_3/kernel"].axes == (None, "model")
    assert layout_map["dense_3/kernel"].device_mesh is layout_map.device_mesh
    assert layout_map["dense_1/bias"].axes == ("model",)
    assert layout_map["my_dense/kernel"] is None  # fullmatch, as Keras
    with pytest.raises(ValueError, match="already set"):
        layout_map["dense_1/bias"] = ("model",)
    layout_map["dense_1/.*"] = (None, None)
    with pytest.raises(ValueError, match="matches several keys"):
        layout_map["dense_1/kernel"]
    with pytest.raises(ValueError, match="not axes of the mesh"):
        layout_map["x"] = ("data",)


def test_model_parallel_and_scope(backend):
    if backend not in d._api.DISTRIBUTED_BACKENDS:
        with crossops.use_backend(backend), pytest.raises(NotImplementedError,
                                                          match="no distribution"):
            d.list_devices()
        return
    with crossops.use_backend(backend):
        mesh = d.DeviceMesh((1, 1), ["data", "model"])
        layout_map = d.LayoutMap(mesh)
        layout_map["m/d/kernel"] = (None, "model")
        dist = d.ModelParallel(layout_map=layout_map)
    assert dist.batch_dim_name == "data" and dist.num_model_replicas == 1
    assert dist.get_data_layout((8, 3)).axes == ("data", None)
    with pytest.raises(ValueError, match="must be a LayoutMap"):
        d.ModelParallel(layout_map={"d/kernel": (None, "model")})
    assert d.distribution() is None
    with dist.scope():
        assert d.distribution() is dist
    assert d.distribution() is None


def test_jax_one_device_fit_in_process():
    """Under a one-device DataParallel jax's fit and predict run through the
    distributed path (global arrays, the step compiled with out_shardings)."""
    from crossops import layers, models
    with crossops.use_backend("jax"):
        x = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
        y = x @ np.ones((3, 1), "float32")
        runs = []
        for dist in (None, d.DataParallel(devices=d.list_devices()[:1])):
            d.set_distribution(dist)
            try:
                m = models.Sequential([layers.Input((3,)), layers.Dense(1, name="d")], name="m")
                m.set_weights([np.full((3, 1), 0.1, "float32"), np.zeros(1, "float32")])
                m.compile(optimizer="sgd", loss="mse")
                h = m.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
                runs.append(h.history["loss"] + [float(m.predict(x, verbose=0).sum())])
            finally:
                d.set_distribution(None)
    _same_trajectory(runs[1], runs[0])


def test_torch_model_parallel_on_one_device_in_process():
    """Without a process group a one-device ModelParallel lays nothing out (the model runs
    as on one device); a mesh of several devices asks for the process group."""
    from crossops import layers, models
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
    y = x @ np.ones((3, 1), "float32")
    with crossops.use_backend("torch"):
        runs = []
        for devices in (None, ["cpu:0"]):
            dist = None
            if devices is not None:
                layout_map = d.LayoutMap(d.DeviceMesh((1,), ["model"], devices=devices))
                layout_map["m/d/kernel"] = (None, "model")
                dist = d.ModelParallel(layout_map=layout_map)
            d.set_distribution(dist)
            try:
                m = models.Sequential([layers.Input((3,)), layers.Dense(1, name="d")], name="m")
                m.set_weights([np.full((3, 1), 0.1, "float32"), np.zeros(1, "float32")])
                m.compile(optimizer="adam", loss="mse", run_eagerly=True)
                h = m.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
                runs.append(h.history["loss"] + [float(m.predict(x, verbose=0).sum())])
            finally:
                d.set_distribution(None)
        _same_trajectory(runs[1], runs[0])
        layout_map = d.LayoutMap(d.DeviceMesh((2,), ["model"], devices=["cpu:0", "cpu:1"]))
        layout_map["m/d/kernel"] = (None, "model")
        with d.ModelParallel(layout_map=layout_map).scope():
            m = models.Sequential([layers.Input((3,)), layers.Dense(1, name="d")], name="m")
            m.compile(optimizer="sgd", loss="mse", run_eagerly=True)
            with pytest.raises(RuntimeError, match="ModelParallel over 2 devices needs a "
                                                   "process group of 2 processes"):
                m.fit(x, y, verbose=0)


def test_torch_layouts_are_dtensor_placements():
    """Keras's layout axes as DTensor placements, one per mesh axis (no process group
    needed to make them)."""
    from torch.distributed.tensor import Replicate, Shard
    with crossops.use_backend("torch"):
        mesh = _mesh()
        assert d.TensorLayout((None, "model"), mesh).backend_layout == (Replicate(), Shard(1))
        assert d.TensorLayout(("batch", "model"), mesh).backend_layout == (Shard(0), Shard(1))
        assert d.TensorLayout(("model", None, "batch"), mesh).backend_layout == \
            (Shard(2), Shard(0))
        with pytest.raises(ValueError, match="a mesh axis splits one tensor axis"):
            d.TensorLayout(("model", "model"), mesh).backend_layout


def test_dtensor_belongs_to_torch():
    """DTensor, a torch.Tensor subclass, dispatches to the torch backend (the 2-process
    case runs crossops's ops on DTensors)."""
    from torch.distributed.tensor import DTensor

    from crossops._backend import backend_of_type
    assert backend_of_type(DTensor) == "torch"


# -- in subprocesses --------------------------------------------------------------------
@pytest.fixture(scope="module")
def jax_run(tmp_path_factory):
    """The jax case on 8 host devices (one run for the tests that read it)."""
    return _worker("jax", tmp_path_factory.mktemp("jax"),
                   XLA_FLAGS=HOST_DEVICES.format(8))


def test_jax_data_and_model_parallel_on_8_host_devices(jax_run):
    r = jax_run
    assert len(r["devices"]) == 8
    for name in ("data_parallel_2", "data_parallel_8", "model_parallel"):
        _same_trajectory(r[name], r["single"])
    _same_trajectory(r["data_parallel_8_partial"], r["single_partial"])
    assert r["data_parallel_2_replicated"] and r["data_parallel_8_replicated"]
    specs = {"mlp/d1/kernel": "P(None, 'model')", "mlp/d1/bias": "P('model',)",
             "mlp/e1/kernel": "P('model', None)", "mlp/e1/bias": "P(None,)"}
    assert r["model_parallel_specs"] == specs
    assert r["model_parallel_specs_after"] == specs  # fit keeps the layouts
    assert "P(None, 'model')" in r["optimizer_specs"]  # moments follow their weights
    # model-parallel Dense and EinsumDense give the one-device outputs
    np.testing.assert_allclose(r["model_parallel_outputs"], r["single_outputs"], atol=1e-5)
    np.testing.assert_allclose(r["stateless_outputs"], r["single_outputs"], atol=1e-5)


def test_jax_two_processes_as_two_hosts(jax_run, tmp_path):
    """jax.distributed.initialize on localhost: 2 processes of 2 devices each."""
    r = _worker("jax-processes", tmp_path, nprocs=2,
                XLA_FLAGS=HOST_DEVICES.format(2))
    assert len(r["devices"]) == 4 and r["local"] == 2
    _same_trajectory(r["data_parallel_4"], jax_run["single"])
    _same_trajectory(r["model_parallel"], jax_run["single"])
    np.testing.assert_allclose(r["predict"], jax_run["single_trained_outputs"], atol=1e-5)


@pytest.fixture(scope="module")
def torch_run(tmp_path_factory):
    """The torch case in 2 processes: data parallel, then model parallel (one launch for
    the tests that read it)."""
    return _worker("torch", tmp_path_factory.mktemp("torch"), nprocs=2,
                   timeout=1500 if LONG else 600,  # long: torch.compile of 2 models' steps
                   JIT="1" if LONG else "0", EPOCHS="3" if LONG else "2",
                   DROPOUT="1" if LONG else "0")


def test_torch_data_parallel_in_2_processes(torch_run):
    r = torch_run
    assert r["devices"] == ["cpu:0", "cpu:1"]
    _same_trajectory(r["data_parallel_2"], r["single"])
    assert r["weights_agree"]


def test_torch_model_parallel_with_dtensor_in_2_processes(torch_run):
    """A 1 x 2 (batch x model) mesh: Dense's kernel split by columns, EinsumDense's by
    rows, as DTensors; outputs and loss trajectory as on one device."""
    r = torch_run
    placements = {"mlp/d1/kernel": "(Replicate(), Shard(dim=1))",
                  "mlp/d1/bias": "(Replicate(), Shard(dim=0))",
                  "mlp/e1/kernel": "(Replicate(), Shard(dim=0))",
                  "mlp/e1/bias": "(Replicate(), Replicate())"}
    assert r["model_parallel_placements"] == placements
    assert r["model_parallel_placements_after"] == placements  # fit keeps the layouts
    assert r["model_parallel_local_shapes"] == {"mlp/d1/kernel": [6, 4], "mlp/d1/bias": [4],
                                                "mlp/e1/kernel": [4, 3], "mlp/e1/bias": [3]}
    assert r["model_parallel_parameters"]
    # the moments follow their weights; the counters are replicated
    assert {"(Replicate(), Shard(dim=1))", "(Replicate(), Shard(dim=0))",
            "(Replicate(), Replicate())"} == set(r["optimizer_placements"])
    # model-parallel Dense and EinsumDense give the one-device outputs (process 0's
    # weights: the other process set others)
    np.testing.assert_allclose(r["model_parallel_outputs"], r["single_outputs"], atol=1e-5)
    np.testing.assert_allclose(r["stateless_outputs"], r["single_outputs"], atol=1e-5)
    _same_trajectory(r["model_parallel"], r["single"])
    np.testing.assert_allclose(r["model_parallel_trained_outputs"],
                               r["single_trained_outputs"], atol=1e-5)
    assert r["dtensor_ops"] == {"tanh": True, "add": True, "matmul": True, "mean": True}


@pytest.mark.skipif(not LONG, reason="long case: nox -s distribution")
def test_torch_model_parallel_with_batch_norm_and_dropout(torch_run):
    """BatchNormalization's moving statistics (replicated DTensors) and Dropout's random
    key (a plain tensor, process 0's) under ModelParallel: the one-device trajectory."""
    _same_trajectory(torch_run["model_parallel_dropout"], torch_run["single_dropout"])


@pytest.mark.skipif(not LONG, reason="long case: nox -s distribution")
def test_tensorflow_data_parallel_mirrored_strategy(tmp_path):
    r = _worker("tensorflow", tmp_path, EPOCHS="3")
    assert r["devices"][:2] == ["cpu:0", "cpu:1"]
    _same_trajectory(r["data_parallel_2"], r["single"])
    assert r["predict_agrees"]


def test_examples_run_as_doctests():
    from crossops.distribution import _api, launch
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    try:
        for mod in (_api, launch):
            for test in finder.find(mod, mod.__name__, module=mod):
                runner.run(test)
    finally:
        d.set_distribution(None)
    assert runner.tries > 10 and runner.failures == 0
