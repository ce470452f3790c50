"""The torch side of crossops.distribution: one process per device in a
``torch.distributed`` process group (gloo on CPU, nccl on GPUs).

Data parallelism as DDP does it: the same initial weights everywhere (broadcast from
process 0), each process steps on its share of every batch, the gradients averaged by an
all-reduce inside the step, so every process applies the same update.

Model parallelism with ``torch.distributed.tensor`` (DTensor): every variable made under a
``ModelParallel`` is a DTensor on the mesh, split (``Shard``) along the mesh axes that its
``TensorLayout`` names and whole (``Replicate``) along the others; the batch is given
whole to every process as a replicated DTensor, and DTensor's sharding propagation runs
the collectives that each op needs, gradients included.

``crossops.distribution`` finds this module by name: the torch backend's ``distribution``
chapter (:func:`crossops._backend.backend_chapter`).
"""

from __future__ import annotations

import contextlib
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


def _model_parallel(dist_obj) -> bool:
    return dist_obj._lays_out_variables  # a ModelParallel


def _placed(dist_obj) -> bool:
    """Whether variables and batches are DTensors under ``dist_obj``: a ModelParallel in
    a running process group (a one-device mesh without one lays nothing out: the model
    runs as on one device)."""
    return _model_parallel(dist_obj) and dist.is_initialized()


def to_mesh(device_mesh):
    """The torch ``DeviceMesh`` of the process group's ranks that the mesh's devices name
    (``"cpu:<rank>"``), in the mesh's order."""
    from torch.distributed.device_mesh import DeviceMesh
    if not dist.is_initialized():
        raise RuntimeError(
            f"DeviceMesh.backend_mesh: a torch mesh of {device_mesh.devices.size} devices "
            "needs a torch.distributed process group; start the processes with `python -m "
            "crossops.distribution.launch -n N script.py` (or torchrun) and call "
            "crossops.distribution.initialize() first")
    names = [str(n) for n in device_mesh.devices.flat]
    kinds = {n.partition(":")[0] for n in names}
    ids = [n.rpartition(":")[2] for n in names]
    if len(kinds) != 1 or not all(i.isdigit() for i in ids):
        raise ValueError(f"DeviceMesh: a torch mesh holds devices of one kind named "
                         f"'cpu:<rank>' or 'cuda:<rank>', got {names}")
    ranks = torch.tensor([int(i) for i in ids]).reshape(device_mesh.shape)
    return DeviceMesh(kinds.pop(), ranks, mesh_dim_names=tuple(device_mesh.axis_names))


def to_layout(layout) -> tuple:
    """DTensor's placements for ``layout``, one per mesh axis: ``Shard(i)`` where tensor
    axis ``i`` is split along that mesh axis, ``Replicate()`` where none is (Keras's rule:
    a layout axis names the mesh axis it is split along; None keeps it whole)."""
    from torch.distributed.tensor import Replicate, Shard
    placements = []
    for name in layout.device_mesh.axis_names:
        dims = [i for i, a in enumerate(layout.axes) if a == name]
        if len(dims) > 1:
            raise ValueError(
                f"TensorLayout{layout.axes}: tensor axes {dims} are all split along mesh "
                f"axis {name!r}; on torch (DTensor) a mesh axis splits one tensor axis")
        placements.append(Shard(dims[0]) if dims else Replicate())
    return tuple(placements)


def _as_tensor(a) -> torch.Tensor:
    """A torch tensor of ``a`` (host data converted as the trainer converts it)."""
    if isinstance(a, torch.Tensor):
        return a
    host = np.asarray(a)
    if host.dtype == np.float64 and not isinstance(a, np.ndarray):
        host = host.astype(np.float32)  # Python floats: floatx
    return torch.from_numpy(np.array(host, order="C"))


def distribute_tensor(tensor, layout):
    """``tensor`` (a torch tensor, NumPy data or a DTensor) as a DTensor laid out as
    ``layout``, from process 0's values (torch's ``distribute_tensor`` sends them); a
    DTensor is redistributed. Without a process group a one-device layout gives the
    tensor back."""
    from torch.distributed.tensor import DTensor
    if not dist.is_initialized() and layout.device_mesh.devices.size == 1:
        return _as_tensor(tensor)
    mesh, placements = layout.device_mesh.backend_mesh, layout.backend_layout
    if isinstance(tensor, DTensor):
        return tensor.redistribute(mesh, placements)
    return _from_process_0(_as_tensor(tensor), mesh, placements)


#: the dtypes that gloo cannot send, and the signed type of their width that carries them
_SENT_AS = {torch.uint16: torch.int16, torch.uint32: torch.int32, torch.uint64: torch.int64}


def _from_process_0(tensor, mesh, placements):
    """A DTensor of process 0's ``tensor`` laid out by ``placements`` on ``mesh``
    (torch's ``distribute_tensor``). Unsigned 16- to 64-bit tensors (random seed states),
    which gloo does not send, are sent as the signed type of their width when replicated."""
    from torch.distributed.tensor import DTensor
    from torch.distributed.tensor import distribute_tensor as _distribute
    carrier = _SENT_AS.get(tensor.dtype)
    if carrier is None or not all(p.is_replicate() for p in placements):
        return _distribute(tensor, mesh, placements)
    bits = tensor.detach().clone().view(carrier)
    dist.broadcast(bits, src=int(mesh.mesh.flatten()[0]))  # the mesh spans the group
    return DTensor.from_local(bits.view(tensor.dtype), mesh, placements, run_check=False)


def check(dist_obj) -> None:
    """That the distribution can run here: a process group of the mesh's size."""
    size = dist_obj.device_mesh.devices.size
    if size > 1 and _group_size() != size:
        raise RuntimeError(
            f"crossops.distribution: a torch {type(dist_obj).__name__} over {size} devices "
            f"needs a process group of {size} processes (this one has {_group_size()}); "
            f"start them with `python -m crossops.distribution.launch -n {size} "
            "script.py` or torchrun, and call crossops.distribution.initialize() first")


def place_variable(dist_obj, value, variable):
    """Under DataParallel, ``value`` itself (every process holds the whole variable;
    process 0's values win at the start of a run). Under ModelParallel, a DTensor laid
    out as the layout map says (replicated where it says nothing), made from process 0's
    values, a Parameter staying a Parameter; a DTensor (optimizer state made from a split
    weight) keeps its layout."""
    from torch.distributed.tensor import DTensor
    if not _placed(dist_obj) or not isinstance(value, torch.Tensor) or \
            isinstance(value, DTensor):
        return value
    if _is_key(value):  # a random key stays a plain tensor (process 0's): see jit_step
        bits = value.detach().clone().view(torch.int32)
        dist.broadcast(bits, src=int(dist_obj.device_mesh.backend_mesh.mesh.flatten()[0]))
        return bits.view(torch.uint32)
    placed = distribute_tensor(value.detach(), dist_obj.get_variable_layout(variable))
    if isinstance(value, torch.nn.Parameter):
        return torch.nn.Parameter(placed, requires_grad=value.requires_grad)
    return placed


def assignable(value, current):
    """``value`` in the layout of a variable's array ``current``, for an in-place copy:
    into a DTensor, a tensor distributed as ``current`` is (process 0's values); into a
    plain tensor, a DTensor's full value."""
    from torch.distributed.tensor import DTensor
    if isinstance(current, DTensor):
        if isinstance(value, DTensor):
            return value
        return _from_process_0(_as_tensor(value).to(current.dtype), current.device_mesh,
                               current.placements)
    if isinstance(value, DTensor):
        return value.full_tensor()
    return value


def _is_key(a) -> bool:
    """Whether ``a`` is a random key (crossops's seed states: uint32), which torch's
    random functions read as numbers and so take as a plain tensor."""
    return a.dtype == torch.uint32


def process_rows(dist_obj, n: int) -> slice:
    """This process's rows of a global batch of ``n`` (np.array_split's shares); every
    row under ModelParallel (each process gets the whole batch)."""
    size = _group_size()
    if size == 1 or not dist_obj.auto_shard_dataset or _model_parallel(dist_obj):
        return slice(None)
    bounds = np.cumsum([0] + [len(p) for p in np.array_split(np.arange(n), size)])
    rank = dist.get_rank()
    return slice(int(bounds[rank]), int(bounds[rank + 1]))


def gather(a):
    """A DTensor's full value in every process (a replicated one's without a collective);
    other tensors as they are."""
    full = getattr(a, "full_tensor", None)
    return a if full is None else full()


def agree_seed(seed: int) -> int:
    """Process 0's ``seed`` in every process."""
    if _group_size() == 1:
        return seed
    t = torch.tensor([seed], dtype=torch.int64)
    dist.broadcast(t, src=0)
    return int(t.item())


def _replicated(dist_obj, a):
    """``a`` as a DTensor replicated over the mesh; every process holds the same value
    (the same batch, the same metric totals), so nothing is sent."""
    from torch.distributed.tensor import DTensor, Replicate
    if isinstance(a, DTensor):
        return a
    mesh = dist_obj.device_mesh.backend_mesh
    return DTensor.from_local(_as_tensor(a), mesh, [Replicate()] * mesh.ndim,
                              run_check=False)


def distribute_batch(dist_obj, batch):
    """Under ModelParallel, the batch's arrays as DTensors replicated over the mesh (each
    process is one device and holds the whole batch; a batch mesh axis brings no data
    parallelism on torch); as they are otherwise."""
    if not _placed(dist_obj):
        return batch
    import optree

    def put(a):
        if getattr(a, "ndim", 0) == 0 or type(a).__module__.startswith("pandas"):
            return a
        return _replicated(dist_obj, a)
    return optree.tree_map(put, batch, none_is_leaf=False)


def prepare_state(dist_obj, state):
    """DataParallel: process 0's weights in every process (DDP's broadcast at wrap time);
    the rest of the state (optimizer moments, metrics) starts equal everywhere already.
    ModelParallel: every tensor of the state a DTensor (state made outside the
    distribution's scope, e.g. metrics, replicated)."""
    if _placed(dist_obj):
        import optree
        return optree.tree_map(
            lambda a: _replicated(dist_obj, a)
            if isinstance(a, torch.Tensor) and not _is_key(a) else a, state)
    if _group_size() > 1 and not _model_parallel(dist_obj):
        for t in list(state[0]) + list(state[1]):
            dist.broadcast(t, src=0)
    return state


def jit_step(dist_obj, step, state, kind, jit):
    """Under ModelParallel, ``step`` (compiled by ``jit``, crossops's compiler, unless it
    is None) run under DTensor's ``implicit_replication``: every process runs the same
    step on the same batch, so a plain tensor that the step makes (a dropout mask drawn
    from a random key, a constant) holds the same values everywhere, which is what
    DTensor then takes it to be (replicated). Otherwise None: the trainer's own step."""
    if not _placed(dist_obj):
        return None
    from torch.distributed.tensor.experimental import implicit_replication
    if jit is not None:
        step = jit(step)

    def replicated_step(state, data):
        with implicit_replication():
            return step(state, data)
    return replicated_step


def _all_reduce_sum(tensors: list) -> list:
    """Sums over the processes, traceable by torch.compile (functional collectives)."""
    from torch.distributed import _functional_collectives as funcol
    group = dist.group.WORLD
    return [funcol.all_reduce(t, "sum", group) for t in tensors]


def reduce_gradients(dist_obj, grads: list, local_count):
    """The gradient of the mean loss over the global batch: each process's gradient
    weighted by its number of examples, summed, divided by the total (DataParallel);
    under ModelParallel DTensor's gradients are already those of the whole batch."""
    if _group_size() == 1 or _model_parallel(dist_obj):
        return grads
    count = local_count.to(grads[0].dtype) if grads else local_count
    summed = _all_reduce_sum([g * count for g in grads] + [count])
    total = summed[-1]
    return [g / total for g in summed[:-1]]


def reduce_metrics(dist_obj, before: list, after: list) -> list:
    """Metric state after a step with every process's contribution: ``before`` plus the
    sum over processes of ``after - before`` (metrics whose state adds up: totals and
    counts, as Keras's metrics keep); under ModelParallel every process saw the whole
    batch already."""
    if _group_size() == 1 or not after or _model_parallel(dist_obj):
        return after
    deltas = _all_reduce_sum([a - b for a, b in zip(after, before)])
    return [b + d for b, d in zip(before, deltas)]


def build_scope(dist_obj):
    """Under ModelParallel, DTensor's ``implicit_replication``: the plain tensors that a
    layer meets beside its DTensor weights while it is built on placeholder zeros (the
    same in every process) are taken as replicated."""
    if not _placed(dist_obj):
        return contextlib.nullcontext()
    from torch.distributed.tensor.experimental import implicit_replication
    return implicit_replication()
