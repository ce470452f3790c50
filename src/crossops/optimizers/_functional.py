"""Optimizers as pure ``(init, update)`` pairs over pytrees of arrays.

``init(params) -> OptimizerState`` and ``update(grads, state, params) -> (params, state)``
never mutate anything (but the arrays a caller gives up with :func:`donated`): they work
the same eagerly, under ``crossops.jit`` / ``jax.jit`` /
``tf.function``, and inside ``crossops.value_and_grad`` training steps, on every backend.
The Keras-like classes in this package are thin stateful shells around these pairs.

The order of one update follows Keras 3: gradient accumulation (every
``gradient_accumulation_steps`` calls the mean of the accumulated gradients is applied),
then clipping (``clipnorm`` per variable, else ``global_clipnorm``, else ``clipvalue``),
then decoupled weight decay (``param -= param * weight_decay * lr``), then the rule.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

import optree

import crossops.numpy as xnp

from .._backend import backend_chapter, backend_of_values
from .._dispatch import call_on
from .._dtypes import dtype_name
from ._rules import Rule


class OptimizerState(NamedTuple):
    """The state of a functional optimizer (a pytree of arrays).

    Attributes
    ----------
    iterations : array
        Number of applied updates (int32 scalar), as Keras's ``optimizer.iterations``.
    slots : list
        Per-variable tuples of the rule's state (momentums, velocities ...), in the order
        of the flattened parameters.
    accumulators : list
        Per-variable accumulated gradients (empty without gradient accumulation).
    calls : array
        Number of ``update`` calls (int32 scalar); differs from ``iterations`` only with
        gradient accumulation.
    extra : tuple
        Optimizer-wide state of the rule (Nadam's momentum product), else empty.
    """

    iterations: Any
    slots: list
    accumulators: list
    calls: Any
    extra: tuple


class UpdatePair(NamedTuple):
    """A functional optimizer: ``init(params)`` and ``update(grads, state, params)``."""

    init: Callable
    update: Callable


def _backend_of(leaves, op: str = "optimizers") -> str:
    """The backend of ``leaves`` (crossops's one rule, NumPy arrays being host data), else
    the default backend; arrays of two backends raise TypeError naming ``op``."""
    return backend_of_values(leaves, op)


def _off_the_tape(backend):
    """A context that keeps an update off the framework's autograd tape: the ``variables``
    chapter's ``update_scope`` where the backend has one (torch: ``torch.no_grad()`` when
    eager; trainable torch variables are ``nn.Parameter`` objects, and without it every
    update would record a graph back to the previous step's parameters), else nothing
    (jax and tensorflow record no tape outside a transform or a GradientTape)."""
    scope = getattr(backend_chapter(backend, "variables"), "update_scope", None)
    return contextlib.nullcontext() if scope is None else scope()


#: parameter dtypes whose update is computed in float32 (with float32 slots) and rounded
#: back: computed in their own dtype, most updates are below their resolution (Adam's
#: ``beta_2 ** t`` is 1.0 in bfloat16, and its step is then 0)
_LOW_PRECISION = ("float16", "bfloat16")


def _wide(p):
    """``p`` in float32 if it is float16 or bfloat16, else ``p``."""
    if dtype_name(p.dtype) in _LOW_PRECISION:
        return xnp.astype(p, "float32", copy=False)
    return p


#: the ids of the arrays given up to the running update (see :func:`donated`), per thread
_DONATED = threading.local()


@contextlib.contextmanager
def donated(arrays):
    """Within the context, an update may write its new parameters and slots into these
    ``arrays`` where its form can (PyTorch's multi-tensor forms, eagerly), as torch.optim
    does, instead of making new ones. A ``fit`` step gives up the state it owns this way,
    so that the old and the new state are not both held until the step ends."""
    previous = getattr(_DONATED, "ids", None)
    _DONATED.ids = {id(a) for a in arrays}
    try:
        yield
    finally:
        _DONATED.ids = previous


def _given_up(params: list, slots: list) -> bool:
    """Whether every parameter and slot was given up (:func:`donated`)."""
    ids = getattr(_DONATED, "ids", None)
    if not ids:
        return False
    for p in params:  # (loops: this runs at every update)
        if id(p) not in ids:
            return False
    for s in slots:
        for x in s:
            if id(x) not in ids:
                return False
    return True


def _multi_tensor(rule: Rule, backend: str, params: list, grads: list, slots: list,
                  may_write: bool) -> Callable | None:
    """The backend's multi-tensor form of ``rule`` (its ``optimizers`` chapter's function of
    the rule's name), where it has one and the arrays can take it; else None. With
    ``may_write``, it writes into parameters and slots that were given up."""
    if not rule.name:
        return None
    home = backend_chapter(backend, "optimizers")
    form = getattr(home, rule.name, None)
    if form is None or not home.usable(params, grads):
        return None
    in_place = may_write and _given_up(params, slots)
    return functools.partial(form, **rule.options, in_place=in_place)


def _scalar(value, dtype, like_backend):
    return call_on(like_backend, "asarray", value, dtype=dtype)


def _check(name, value, low=0.0):
    if value is not None and not (isinstance(value, int | float) and value > low):
        raise ValueError(f"{name} must be a number > {low}, got {value!r}")


def _is_flat(tree) -> bool:
    if not isinstance(tree, list | tuple):
        return False
    for x in tree:  # (a loop: this runs at every update)
        if x is None or isinstance(x, list | tuple | dict):
            return False
    return True


def _flatten_pair(name, params, grads):
    """``(param leaves, gradient leaves, rebuild)``, ``rebuild(leaves)`` giving the
    parameters' structure back. A flat list or tuple of arrays (what the optimizer classes
    pass) is read without optree, which torch.compile cannot trace."""
    if _is_flat(params) and _is_flat(grads) and len(params) == len(grads):
        return list(params), list(grads), type(params)
    leaves, treedef = optree.tree_flatten(params)
    try:
        grad_leaves = treedef.flatten_up_to(grads)
    except ValueError as e:
        raise ValueError(f"{name}.update: the gradients' structure differs from the "
                         f"parameters' ({treedef}): {e}") from None
    return leaves, grad_leaves, lambda new: optree.tree_unflatten(treedef, new)


def state_leaves(state: OptimizerState) -> list:
    """The arrays of ``state`` as one flat list, in ``optree.tree_leaves`` order."""
    return [state.iterations, *(x for slots in state.slots for x in slots),
            *state.accumulators, state.calls, *state.extra]


def state_skeleton(state: OptimizerState) -> OptimizerState:
    """The layout of ``state`` with None for every array: what :func:`state_from_leaves`
    reads, without keeping the arrays alive (an optimizer's initial slots are as large as
    the model)."""
    return OptimizerState(None, [(None,) * len(s) for s in state.slots],
                          [None] * len(state.accumulators), None, (None,) * len(state.extra))


def state_from_leaves(leaves, like: OptimizerState) -> OptimizerState:
    """The state laid out as ``like`` holding ``leaves`` (as given by
    :func:`state_leaves`); plain Python, so that torch.compile traces it."""
    leaves = list(leaves)
    i = 1
    slots = []
    for s in like.slots:
        slots.append(tuple(leaves[i:i + len(s)]))
        i += len(s)
    n = len(like.accumulators)
    accumulators, i = leaves[i:i + n], i + n
    return OptimizerState(leaves[0], slots, accumulators, leaves[i], tuple(leaves[i + 1:]))


def clip_by_norm(g, clipnorm):
    """``g`` scaled down to L2 norm ``clipnorm`` if larger (nan-safe for zero gradients)."""
    l2sum = xnp.sum(g * g)
    pred = l2sum > 0
    l2norm = xnp.where(pred, xnp.sqrt(xnp.where(pred, l2sum, xnp.ones_like(l2sum))), l2sum)
    return g * clipnorm / xnp.maximum(l2norm, clipnorm)


def clip_by_global_norm(grads, clipnorm):
    """Every gradient scaled by one factor so that their joint L2 norm is at most
    ``clipnorm``."""
    total = xnp.sqrt(sum(xnp.sum(xnp.astype(g * g, "float32", copy=False)) for g in grads))
    scale = clipnorm / xnp.maximum(total, clipnorm)
    return [g * xnp.astype(scale, g.dtype, copy=False) for g in grads]


def functional(rule: Rule, learning_rate=0.001, weight_decay=None, clipnorm=None,
               clipvalue=None, global_clipnorm=None, gradient_accumulation_steps=None,
               name="optimizer") -> UpdatePair:
    """Wrap an update rule with Keras's common optimizer options as an ``UpdatePair``.

    Parameters
    ----------
    rule : Rule
        The per-variable rule (``crossops.optimizers._rules``).
    learning_rate : float or callable
        A number, or a schedule: a function of the step (an int array) returning the rate.
    weight_decay, clipnorm, clipvalue, global_clipnorm : float, optional
        As in Keras; at most one of the three clipping options.
    gradient_accumulation_steps : int, optional
        Apply the mean gradient every this many calls (>= 2).

    Examples
    --------
    >>> import numpy as np
    >>> from crossops.optimizers import functional, rules
    >>> opt = functional(rules.sgd(), learning_rate=0.1)
    >>> params = {"w": np.ones(2, np.float32)}
    >>> state = opt.init(params)
    >>> params, state = opt.update({"w": np.ones(2, np.float32)}, state, params)
    >>> params["w"].astype(float).round(3).tolist()
    [0.9, 0.9]
    """
    for key, value in (("weight_decay", weight_decay), ("clipnorm", clipnorm),
                       ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)):
        _check(f"{name}: {key}", value, -1e-300 if key == "weight_decay" else 0.0)
    if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
        raise ValueError(f"{name}: give at most one of clipnorm, clipvalue and "
                         "global_clipnorm")
    steps = gradient_accumulation_steps
    if steps is not None and (not isinstance(steps, int) or steps < 2):
        raise ValueError(f"{name}: gradient_accumulation_steps must be an integer >= 2, "
                         f"got {steps!r}")

    def init(params) -> OptimizerState:
        leaves = optree.tree_leaves(params)
        backend = _backend_of(leaves)
        # found now, eagerly: a compiler tracing the first update (torch.compile) could
        # not trace the import
        backend_chapter(backend, "optimizers")
        extra = () if rule.extra is None else (_scalar(rule.extra[0], "float32", backend),)
        return OptimizerState(  # two zeros: the counters must not share one array
            iterations=_scalar(0, "int32", backend),
            slots=[rule.slots(_wide(p)) for p in leaves],
            accumulators=[xnp.zeros_like(_wide(p)) for p in leaves] if steps else [],
            calls=_scalar(0, "int32", backend), extra=extra)

    def lr_at(iterations):
        return learning_rate(iterations) if callable(learning_rate) else learning_rate

    def apply(grads, state, leaves, backend, may_write=True):
        if clipnorm:
            grads = [clip_by_norm(g, clipnorm) for g in grads]
        elif global_clipnorm:
            grads = clip_by_global_norm(grads, global_clipnorm)
        elif clipvalue:
            grads = [xnp.clip(g, -clipvalue, clipvalue) for g in grads]
        lr = lr_at(state.iterations)
        t32 = xnp.astype(state.iterations + 1, "float32", copy=False)
        extra = state.extra
        if rule.extra is not None:
            extra = (rule.extra[1](extra[0], t32),)
        many = _multi_tensor(rule, backend, leaves, grads, state.slots, may_write)
        if many is not None:  # all variables at once (one dtype: float32 or float64)
            dtype = leaves[0].dtype
            lr_p = xnp.astype(lr, dtype, copy=False) if hasattr(lr, "dtype") else lr
            new_params, new_slots = many(grads, leaves, state.slots, lr_p,
                                         xnp.astype(t32, dtype, copy=False), weight_decay)
            return new_params, new_slots, extra
        new_params, new_slots = [], []
        for g, p, s in zip(grads, leaves, state.slots):
            narrow = p.dtype if dtype_name(p.dtype) in _LOW_PRECISION else None
            if narrow is not None:
                p = xnp.astype(p, "float32", copy=False)
            lr_p = xnp.astype(lr, p.dtype, copy=False) if hasattr(lr, "dtype") else lr
            g = xnp.astype(g, p.dtype, copy=False)
            if weight_decay:
                p = p - p * weight_decay * lr_p
            p, s = rule.step(g, p, s, lr_p, xnp.astype(t32, p.dtype, copy=False),
                             extra[0] if extra else None)
            if narrow is not None:
                p = xnp.astype(p, narrow, copy=False)
            new_params.append(p)
            new_slots.append(s)
        return new_params, new_slots, extra

    def update(grads, state: OptimizerState, params):
        leaves, grad_leaves, rebuild = _flatten_pair(name, params, grads)
        # the parameters' and the gradients' backend: one, by the one rule (before, torch
        # parameters with jax gradients raised Python's TypeError, and jax parameters with
        # TensorFlow gradients came back as TensorFlow tensors)
        backend = _backend_of(leaves + grad_leaves, f"{name}.update")
        with _off_the_tape(backend):
            return _update(grad_leaves, state, leaves, rebuild, backend)

    def _update(grad_leaves, state: OptimizerState, leaves, rebuild, backend):
        if not steps:
            new, slots, extra = apply(grad_leaves, state, leaves, backend)
            return (rebuild(new),
                    OptimizerState(state.iterations + 1, slots, [], state.calls + 1, extra))
        # gradient accumulation, written without control flow so that it traces: both
        # outcomes are computed and the step's one is selected
        acc = [a + xnp.astype(g, a.dtype, copy=False)
               for a, g in zip(state.accumulators, grad_leaves)]
        now = (state.calls + 1) % steps == 0
        new, slots, extra = apply([a / steps for a in acc], state, leaves, backend,
                                  may_write=False)  # the old parameters may be kept

        def pick(a, b):
            return xnp.where(now, a, b)
        new = [pick(n, p) for n, p in zip(new, leaves)]
        slots = [tuple(pick(a, b) for a, b in zip(sn, so))
                 for sn, so in zip(slots, state.slots)]
        extra = tuple(pick(a, b) for a, b in zip(extra, state.extra))
        acc = [pick(xnp.zeros_like(a), a) for a in acc]
        iterations = state.iterations + xnp.astype(now, state.iterations.dtype, copy=False)
        return rebuild(new), OptimizerState(iterations, slots, acc, state.calls + 1, extra)

    return UpdatePair(init, update)
