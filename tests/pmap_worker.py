"""The program that tests/test_native_workflows.py runs in a subprocess (jax's host device
count is fixed at its first use): ``python tests/pmap_worker.py DATA OUT`` trains one
crossops model on the digits in DATA (an ``.npz`` of ``x`` and ``y``) with a hand-written
jax loop over crossops's ``stateless_call`` and an optimizer's ``stateless_apply``:
one-device ``jax.jit``, then ``jax.pmap`` over the host devices
(``XLA_FLAGS=--xla_force_host_platform_device_count=2``), each device a slice of the batch,
the gradients averaged with ``lax.pmean``, then the same step under ``jax.shard_map``. It
writes the loss trajectories, the largest differences of the final weights from the
one-device loop's and the devices to OUT as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))  # the tests package (the model)

STEPS_PER_EPOCH, EPOCHS = 8, 2


def main(data: str, out: str) -> None:
    import jax

    import crossops
    from crossops import losses, optimizers
    from tests.digits import BATCH, LEARNING_RATE, mlp

    with np.load(data) as arrays:
        x_train, y_train = arrays["x"], arrays["y"]
    batches = [(x_train[i:i + BATCH], y_train[i:i + BATCH].astype(np.int32))
               for i in range(0, STEPS_PER_EPOCH * BATCH, BATCH)] * EPOCHS
    devices = jax.local_devices()
    n = len(devices)

    with crossops.use_backend("jax"):
        model = mlp()
        optimizer = optimizers.Adam(LEARNING_RATE)
        optimizer.build(model.trainable_variables)
        loss_fn = losses.SparseCategoricalCrossentropy(from_logits=True)
        start = ([v.value for v in model.trainable_variables],
                 [v.value for v in model.non_trainable_variables],
                 [v.value for v in optimizer.variables])

        def loss_and_updates(tv, ntv, x, y):
            y_pred, ntv = model.stateless_call(tv, ntv, x, training=True)
            return loss_fn(y, y_pred), ntv

        grad_fn = jax.value_and_grad(loss_and_updates, has_aux=True)

        def step(state, x, y, axis_name=None):
            tv, ntv, ov = state
            (loss, ntv), grads = grad_fn(tv, ntv, x, y)
            if axis_name is not None:  # the mean over the devices' slices of the batch
                grads = jax.lax.pmean(grads, axis_name)
                loss = jax.lax.pmean(loss, axis_name)
                ntv = jax.lax.pmean(ntv, axis_name)
            tv, ov = optimizer.stateless_apply(ov, grads, tv)
            return loss, (tv, ntv, ov)

        single_step = jax.jit(step)
        state, single = start, []
        for x, y in batches:
            loss, state = single_step(state, x, y)
            single.append(float(loss))
        single_weights = [np.asarray(v) for v in state[0]]

        parallel_step = jax.pmap(lambda s, x, y: step(s, x, y, axis_name="batch"),
                                 axis_name="batch")
        # one copy a device, laid out as pmap lays out its outputs (the first step compiles
        # for the inputs of every step)
        from jax.sharding import Mesh, NamedSharding
        from jax.sharding import PartitionSpec as P
        mesh = Mesh(np.array(devices), ("batch",))
        state = jax.device_put(jax.tree.map(lambda v: np.stack([np.asarray(v)] * n), start),
                               NamedSharding(mesh, P("batch")))
        parallel = []
        for x, y in batches:
            shards = (x.reshape((n, -1) + x.shape[1:]), y.reshape((n, -1)))
            loss, state = parallel_step(state, *shards)
            parallel.append(float(np.asarray(loss)[0]))
        replicas = [[np.asarray(v)[i] for v in state[0]] for i in range(n)]
        parallel_weights = replicas[0]

        # the same with shard_map over a one-axis mesh, compiled by jax.jit; there the
        # weights are replicated (device-invariant), so the gradient of the devices' mean
        # loss (lax.pmean) is already the mean of their gradients (shard_map's transpose
        # sums over the axis), as the pmap step's pmean of the gradients
        def mean_loss_and_updates(tv, ntv, x, y):
            loss, ntv = loss_and_updates(tv, ntv, x, y)
            return jax.lax.pmean(loss, "batch"), jax.lax.pmean(ntv, "batch")

        def sharded(state, x, y):
            tv, ntv, ov = state
            (loss, ntv), grads = jax.value_and_grad(mean_loss_and_updates, has_aux=True)(
                tv, ntv, x, y)
            tv, ov = optimizer.stateless_apply(ov, grads, tv)
            return loss, (tv, ntv, ov)

        sharded_step = jax.jit(jax.shard_map(
            sharded, mesh=mesh, in_specs=(P(), P("batch"), P("batch")),
            out_specs=(P(), P())))
        state, sharded_losses = jax.device_put(start, NamedSharding(mesh, P())), []
        for x, y in batches:
            loss, state = sharded_step(state, x, y)
            sharded_losses.append(float(loss))
        sharded_weights = [np.asarray(v) for v in state[0]]

    Path(out).write_text(json.dumps({
        "devices": [str(d) for d in devices],
        "single": single,
        "pmap": parallel,
        "shard_map": sharded_losses,
        "weights_max_diff": max(float(np.max(np.abs(a - b)))
                                for a, b in zip(single_weights, parallel_weights)),
        "shard_map_weights_max_diff": max(float(np.max(np.abs(a - b)))
                                          for a, b in zip(single_weights, sharded_weights)),
        "replicas_equal": all(np.array_equal(a, b) for r in replicas[1:]
                              for a, b in zip(r, replicas[0])),
        "dtypes": sorted({str(v.dtype) for v in single_weights}),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
