"""The tensorflow side of crossops.distribution: DataParallel through
``tf.distribute.MirroredStrategy`` over the mesh's devices (GPUs, or logical CPUs that
the user configured with ``tf.config.set_logical_device_configuration``).

The trainer's pure step runs once per replica under ``strategy.run`` inside one
``tf.function``: each replica takes its share of the batch's rows, the gradients and the
metric updates are summed over the replicas by the replica context's all-reduce, so every
replica computes the same new state, which the step returns (replica 0's copy). The
variables stay plain ``tf.Variable`` objects; the state travels as the step's inputs and
outputs, as on every backend.

``crossops.distribution`` finds this module by name: the tensorflow backend's
``distribution`` chapter (:func:`crossops._backend.backend_chapter`).
"""

from __future__ import annotations

import tensorflow as tf


def _name(device) -> str:
    kind, _, index = device.name.rpartition("device:")[2].partition(":")
    return f"{kind.lower()}:{index}"


def list_devices(device_type=None) -> list[str]:
    kinds = [device_type.upper()] if device_type else ["GPU", "CPU"]
    for kind in kinds:
        devices = tf.config.list_logical_devices(kind)
        if devices:
            return [_name(d) for d in devices]
    return []


def initialize(address: str, num_processes: int, process_id: int) -> None:
    raise NotImplementedError(
        "crossops.distribution.initialize: multi-process tensorflow runs "
        "(MultiWorkerMirroredStrategy) are not supported; use jax or torch "
        "(docs/distribution.md)")


def num_processes() -> int:
    return 1


def process_id() -> int:
    return 0


def to_mesh(device_mesh):
    devices = [f"/{str(d).split(':')[0]}:{str(d).split(':')[1]}"
               for d in device_mesh.devices.flat]
    return tf.distribute.MirroredStrategy(devices=devices)


def to_layout(layout):
    raise NotImplementedError(
        "TensorLayout.backend_layout: crossops lays out no tensorflow tensor "
        "(ModelParallel is not supported on tensorflow; see docs/distribution.md)")


def distribute_tensor(tensor, layout):
    to_layout(layout)


def check(dist_obj) -> None:
    if dist_obj._lays_out_variables:  # a ModelParallel
        raise NotImplementedError(
            "crossops.distribution: ModelParallel is not supported on tensorflow "
            "(tf.distribute has no per-variable layouts for crossops's tf.Variables); use "
            "DataParallel, or the jax backend for model parallelism (docs/distribution.md)")


def place_variable(dist_obj, value, variable):
    return value


def process_rows(dist_obj, n: int) -> slice:
    return slice(None)


def gather(a):
    return a


def agree_seed(seed: int) -> int:
    return seed


def distribute_batch(dist_obj, batch):
    return batch


def prepare_state(dist_obj, state):
    return state


def _flat(tree):
    return tf.nest.flatten(tree, expand_composites=False)


def jit_step(dist_obj, step, state, kind, jit):
    """``step`` run by every replica of the mesh's MirroredStrategy on its rows (a
    prediction runs on the whole batch, as without a distribution), under one
    ``tf.function`` whether or not the step is to be compiled (``jit``, crossops's
    compiler, or None)."""
    if kind == "predict":
        return None
    strategy = dist_obj.device_mesh.backend_mesh
    replicas = strategy.num_replicas_in_sync

    def replica_step(state, data):
        ctx = tf.distribute.get_replica_context()
        rid = ctx.replica_id_in_sync_group

        def rows(a):
            if not isinstance(a, tf.Tensor) or a.shape.rank == 0:
                return a
            n = tf.shape(a)[0]
            return a[rid * n // replicas:(rid + 1) * n // replicas]
        return step(state, tf.nest.map_structure(rows, data))

    @tf.function(reduce_retracing=True)
    def run(state, data):
        out = strategy.run(replica_step, args=(state, data))
        return tf.nest.map_structure(lambda v: strategy.experimental_local_results(v)[0],
                                     out)
    return run


def _context():
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return None
    return ctx


def reduce_gradients(dist_obj, grads, local_count):
    ctx = _context()
    if ctx is None or not grads:
        return grads
    count = tf.cast(local_count, grads[0].dtype)
    summed = ctx.all_reduce("sum", [g * count for g in grads] + [count])
    return [g / summed[-1] for g in summed[:-1]]


def reduce_metrics(dist_obj, before, after):
    ctx = _context()
    if ctx is None or not after:
        return after
    deltas = ctx.all_reduce("sum", [a - b for a, b in zip(after, before)])
    return [b + d for b, d in zip(before, deltas)]
