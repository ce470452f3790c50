"""The few calls that the trainer and ``Variable`` make into the active distribution;
each does nothing when no distribution of the arrays' backend is active."""

from __future__ import annotations

import contextlib

import numpy as np
import optree

from .._backend import backend_of_type, call_backend
from ._api import active_for


def place_variable(value, variable):
    """A new variable's array, laid out as the active distribution says."""
    dist = active_for(backend_of_type(type(value)))
    return value if dist is None else dist._impl.place_variable(dist, value, variable)


def build_scope(backend: str):
    """A context for a layer built and run on placeholder zeros (the functional API's
    symbolic call) under the active distribution: on torch under ModelParallel, plain
    tensors beside the DTensor weights taken as replicated."""
    dist = active_for(backend)
    scope = None if dist is None else getattr(dist._impl, "build_scope", None)
    return contextlib.nullcontext() if scope is None else scope(dist)


def local_rows(batch, backend: str):
    """This process's rows of a host batch (every row in a single-process run)."""
    dist = active_for(backend)
    if dist is None:
        return batch
    leaves = [a for a in optree.tree_leaves(batch) if getattr(a, "ndim", 0) >= 1]
    if not leaves:
        return batch
    rows = dist._impl.process_rows(dist, len(leaves[0]))
    if rows == slice(None):
        return batch
    return optree.tree_map(lambda a: a[rows] if getattr(a, "ndim", 0) >= 1 else a, batch)


def shuffle_seed(seed, backend: str):
    """The seed of fit's shuffling: under a distribution of several processes, one seed
    for all (process 0's, drawn when ``seed`` is None), so that they cut the same batches."""
    dist = active_for(backend)
    if dist is None or dist.num_processes == 1:
        return seed
    if seed is None:
        seed = int(np.random.default_rng().integers(2**31))
    return dist._impl.agree_seed(int(seed))


def gather(a):
    """A jax array spread over several processes, whole in this one (predict's outputs)."""
    if getattr(a, "is_fully_addressable", True):
        return a
    dist = active_for(backend_of_type(type(a)))
    return a if dist is None else dist._impl.gather(a)


def distribute_batch(batch, backend: str):
    """A backend batch split along the batch mesh axis (jax: global arrays)."""
    dist = active_for(backend)
    return batch if dist is None else dist._impl.distribute_batch(dist, batch)


def prepare_state(state, backend: str):
    """A step's state at the start of a run of steps, placed for the distribution."""
    dist = active_for(backend)
    if dist is None:
        return state
    dist._impl.check(dist)
    return dist._impl.prepare_state(dist, state)


def cached_step(cache: dict, step, out_state, backend: str, kind: str, compiled: bool,
                optimizer):
    """The pure ``step`` (of ``kind``: "train", "test" or "predict") made to run under
    the distribution (jax: compiled with the state keeping its layout; tensorflow: run by
    every replica), kept in the model's ``cache`` for the next ``fit`` of the same
    distribution and optimizer; None when the trainer's usual step serves."""
    dist = active_for(backend)
    if dist is None:
        return None
    key = ("distribution", dist, kind, compiled, id(optimizer),
           getattr(optimizer, "version", 0))
    if key not in cache:
        from .._transforms import jit
        cache[key] = dist._impl.jit_step(dist, step, out_state, kind,
                                         jit if compiled else None)
    return cache[key]


def _backend_of(arrays):
    """The backend of a step's ``arrays`` by crossops's one rule (NumPy arrays are host
    data; arrays of two other backends raise TypeError), or None for no array."""
    return call_backend(map(type, arrays), "distribution")


def reduce_gradients(grads: list, local_count) -> list:
    """The gradients of the mean loss over the global batch (inside a step);
    ``local_count()`` gives the number of examples of this process's share."""
    dist = active_for(_backend_of(grads))
    if dist is None:
        return grads
    return dist._impl.reduce_gradients(dist, grads, local_count())


def reduce_metrics(before: list, after: list) -> list:
    """Metric state updated with every process's share of the batch (inside a step)."""
    dist = active_for(_backend_of(after))
    return after if dist is None else dist._impl.reduce_metrics(dist, before, after)
