"""The torch side of crossops.distribution: one process per device in a
``torch.distributed`` process group (gloo on CPU, nccl on GPUs), data parallelism as DDP
does it: the same initial weights everywhere (broadcast from process 0), each process
steps on its share of every batch, the gradients averaged by an all-reduce inside the
step, so every process applies the same update."""

from __future__ import annotations

import datetime

import numpy as np
import torch
import torch.distributed as dist


def _group_size() -> int:
    return dist.get_world_size() if dist.is_initialized() else 1


def _kind() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def list_devices(device_type=None) -> list[str]:
    kind = (device_type or _kind()).lower().replace("gpu", "cuda")
    return [f"{kind}:{i}" for i in range(_group_size())]


def initialize(address: str, num_processes: int, process_id: int) -> None:
    if dist.is_initialized():
        return
    host, _, port = address.rpartition(":")
    dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo",
                            init_method=f"tcp://{host}:{port}", world_size=num_processes,
                            rank=process_id, timeout=datetime.timedelta(minutes=5))


def num_processes() -> int:
    return _group_size()


def process_id() -> int:
    return dist.get_rank() if dist.is_initialized() else 0


def to_mesh(device_mesh):
    from torch.distributed.device_mesh import init_device_mesh
    kind = str(device_mesh.devices.flat[0]).split(":")[0]
    return init_device_mesh(kind, device_mesh.shape,
                            mesh_dim_names=tuple(device_mesh.axis_names))


def to_layout(layout):
    raise NotImplementedError(
        "TensorLayout.backend_layout: crossops lays out no torch tensor (ModelParallel "
        "is not supported on torch; see docs/distribution.md); use DataParallel")


def distribute_tensor(tensor, layout):
    to_layout(layout)


def check(dist_obj) -> None:
    """That the distribution can run here: a process group of the mesh's size, and a
    data-parallel layout (no variable split)."""
    from ._api import ModelParallel
    if isinstance(dist_obj, ModelParallel):
        raise NotImplementedError(
            "crossops.distribution: ModelParallel is not supported on torch (crossops's "
            "torch variables are plain Parameters, not DTensors); use DataParallel, or the "
            "jax backend for model parallelism (docs/distribution.md)")
    size = dist_obj.device_mesh.devices.size
    if size > 1 and _group_size() != size:
        raise RuntimeError(
            f"crossops.distribution: a torch DataParallel over {size} devices needs a "
            f"process group of {size} processes (this one has {_group_size()}); start them "
            f"with `python -m crossops.distribution.launch -n {size} script.py` or "
            "torchrun, and call crossops.distribution.initialize() first")


def place_variable(dist_obj, value, variable):
    return value  # every process holds the whole variable; process 0's values win


def process_rows(dist_obj, n: int) -> slice:
    """This process's rows of a global batch of ``n`` (np.array_split's shares)."""
    size = _group_size()
    if size == 1 or not dist_obj.auto_shard_dataset:
        return slice(None)
    bounds = np.cumsum([0] + [len(p) for p in np.array_split(np.arange(n), size)])
    rank = dist.get_rank()
    return slice(int(bounds[rank]), int(bounds[rank + 1]))


def gather(a):
    return a


def agree_seed(seed: int) -> int:
    """Process 0's ``seed`` in every process."""
    if _group_size() == 1:
        return seed
    t = torch.tensor([seed], dtype=torch.int64)
    dist.broadcast(t, src=0)
    return int(t.item())


def distribute_batch(dist_obj, batch):
    return batch


def prepare_state(dist_obj, state):
    """Process 0's weights in every process (DDP's broadcast at wrap time); the rest of
    the state (optimizer moments, metrics) starts equal everywhere already."""
    if _group_size() > 1:
        for t in list(state[0]) + list(state[1]):
            dist.broadcast(t, src=0)
    return state


def jit_step(dist_obj, step, state, kind, compiled):
    return None  # the trainer's own compilation


def _all_reduce_sum(tensors: list) -> list:
    """Sums over the processes, traceable by torch.compile (functional collectives)."""
    from torch.distributed import _functional_collectives as funcol
    group = dist.group.WORLD
    return [funcol.all_reduce(t, "sum", group) for t in tensors]


def reduce_gradients(dist_obj, grads: list, local_count):
    """The gradient of the mean loss over the global batch: each process's gradient
    weighted by its number of examples, summed, divided by the total."""
    if _group_size() == 1:
        return grads
    count = local_count.to(grads[0].dtype) if grads else local_count
    summed = _all_reduce_sum([g * count for g in grads] + [count])
    total = summed[-1]
    return [g / total for g in summed[:-1]]


def reduce_metrics(dist_obj, before: list, after: list) -> list:
    """Metric state after a step with every process's contribution: ``before`` plus the
    sum over processes of ``after - before`` (metrics whose state adds up: totals and
    counts, as Keras's metrics keep)."""
    if _group_size() == 1 or not after:
        return after
    deltas = _all_reduce_sum([a - b for a, b in zip(after, before)])
    return [b + d for b, d in zip(before, deltas)]
