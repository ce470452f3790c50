"""The jax side of crossops.distribution: meshes and layouts as ``jax.sharding`` objects,
variables placed at creation, batches made global arrays split along the batch axis.

``crossops.distribution`` finds this module by name: the jax backend's ``distribution``
chapter (:func:`crossops._backend.backend_chapter`)."""

from __future__ import annotations

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec


def _name(device) -> str:
    return f"{device.platform}:{device.id}"


def list_devices(device_type=None) -> list[str]:
    devices = jax.devices(device_type.lower()) if device_type else jax.devices()
    return [_name(d) for d in devices]


def initialize(address: str, num_processes: int, process_id: int) -> None:
    jax.distributed.initialize(coordinator_address=address, num_processes=num_processes,
                               process_id=process_id)


def num_processes() -> int:
    return jax.process_count()


def process_id() -> int:
    return jax.process_index()


def to_mesh(device_mesh) -> Mesh:
    by_name = {_name(d): d for d in jax.devices()}
    try:
        devices = np.vectorize(lambda n: by_name[str(n)], otypes=[object])(
            device_mesh.devices)
    except KeyError as e:
        raise ValueError(f"DeviceMesh: no jax device {e.args[0]!r}; the devices are "
                         f"{sorted(by_name)}") from None
    return Mesh(devices, tuple(device_mesh.axis_names))


def to_layout(layout) -> NamedSharding:
    return NamedSharding(layout.device_mesh.backend_mesh, PartitionSpec(*layout.axes))


def distribute_tensor(tensor, layout):
    sharding = layout.backend_layout
    if isinstance(tensor, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(tensor, sharding)
    return jax.device_put(tensor, sharding)


def _on_mesh(value, mesh: Mesh) -> bool:
    sharding = getattr(value, "sharding", None)
    return sharding is not None and getattr(value, "committed", True) and \
        sharding.device_set == set(mesh.devices.flat) and len(sharding.device_set) > 1


def _put(value, sharding):
    """``value`` laid out as ``sharding``; in a multi-process run, process 0's value (so
    that weights initialised at random in each process agree)."""
    if jax.process_count() == 1:
        return jax.device_put(value, sharding)
    from jax.experimental import multihost_utils
    host = np.asarray(multihost_utils.broadcast_one_to_all(np.asarray(value)))
    return jax.make_array_from_callback(host.shape, sharding, lambda index: host[index])


def place_variable(dist, value, variable):
    """A new variable's array laid out as the distribution says (an array already spread
    over the mesh, e.g. optimizer state made from a split weight, keeps its layout)."""
    if isinstance(value, jax.core.Tracer) or _on_mesh(value, dist.device_mesh.backend_mesh):
        return value
    return _put(value, dist.get_variable_layout(variable).backend_layout)


def distribute_batch(dist, batch):
    """The batch's arrays as global arrays split along their first axis over the batch
    mesh axis, sent from the host (the trainer calls this in its prefetch thread, where a
    resharding program of jax's would run beside the step's collectives and can
    deadlock them on CPU devices). In a multi-process run every process holds the same
    global batch and sends only the rows of its own devices. A batch whose rows do not
    divide among the batch axis's devices (an epoch's last, partial batch) is
    replicated instead."""
    mesh = dist.device_mesh
    split = mesh.shape[mesh.axis_names.index(dist.batch_dim_name)]

    def put(a):
        if getattr(a, "ndim", 0) == 0 or type(a).__module__.startswith("pandas"):
            return a
        if not isinstance(a, np.ndarray):
            a = np.asarray(a)  # a jax array (or another backend's): through the host
            if a.dtype == np.float64:
                a = a.astype(np.float32)
        if a.shape[0] % split:
            sharding = NamedSharding(mesh.backend_mesh, PartitionSpec())
        else:
            sharding = dist.get_data_layout(a.shape).backend_layout
        if jax.process_count() == 1:
            return jax.device_put(a, sharding)
        return jax.make_array_from_callback(a.shape, sharding, lambda index: a[index])
    return jax.tree_util.tree_map(put, batch)


def process_rows(dist, n: int) -> slice:
    return slice(None)  # every process gives the global batch (see distribute_batch)


def gather(a):
    """An array spread over several processes, whole, in every process."""
    if a.is_fully_replicated:
        return a
    from jax.experimental import multihost_utils
    return multihost_utils.process_allgather(a, tiled=True)


def agree_seed(seed: int) -> int:
    """Process 0's ``seed`` in every process."""
    if jax.process_count() == 1:
        return seed
    from jax.experimental import multihost_utils
    return int(multihost_utils.broadcast_one_to_all(np.int64(seed)))


def prepare_state(dist, state):
    """The step's state with every array on the mesh: arrays not spread over it yet
    (metric totals, counters) replicated."""
    mesh = dist.device_mesh.backend_mesh
    replicated = NamedSharding(mesh, PartitionSpec())

    def put(a):
        if isinstance(a, jax.Array) and not _on_mesh(a, mesh):
            return _put(a, replicated)
        return a
    return jax.tree_util.tree_map(put, state)


def jit_step(dist, step, state, kind, jit):
    """``step(state, data) -> (out, state)`` compiled with the state's shardings as its
    output shardings, so that the state keeps its layout from step to step (``jax.jit``
    itself; ``jit``, crossops's compiler when the step is to be compiled, is None when it
    is not, and then the trainer's own step serves)."""
    if jit is None:
        return None
    shardings = jax.tree_util.tree_map(lambda a: a.sharding, state)
    return jax.jit(step, out_shardings=(None, shardings))


def reduce_gradients(dist, grads, local_count):
    return grads  # global arrays: the loss is already the mean over the global batch


def reduce_metrics(dist, before, after):
    return after


def check(dist) -> None:
    pass
