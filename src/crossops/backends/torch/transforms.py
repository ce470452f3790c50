"""The transforms on PyTorch: ``torch.func`` (``grad_and_value``, ``vjp``, ``jvp``,
``jacrev``, ``vmap``), ``torch.compile`` and an ``autograd.Function`` for
``custom_gradient`` (with ``setup_context``, so that ``torch.func`` composes with it)."""

from __future__ import annotations

import functools
import threading
import types

import torch

from .._custom_gradient import call_grad_fn, grads_tuple
from .._tree import flatten, tree_map, unflatten
from ._functorch import in_transform


def value_and_grad(fun, argnums, has_aux):
    # torch.func's transform is made on the first call that needs it (nested, traced or
    # inside another transform), not here: an eager step that builds a new
    # value_and_grad(f) each time (a closure over its batch) runs by autograd only
    made = []

    def value_and_grad_fun(*args, **kwargs):
        if _outermost():
            out = _by_autograd(fun, argnums, has_aux, args, kwargs)
            if out is not None:
                return out
        if not made:
            made.append(torch.func.grad_and_value(fun, argnums=argnums, has_aux=has_aux))
        grads, value = made[0](*args, **kwargs)
        return value, grads

    return value_and_grad_fun


#: how many value_and_grad calls by autograd run in this thread (a nested one runs
#: torch.func, which composes with autograd)
_depth = threading.local()


def _outermost() -> bool:
    """Whether a value_and_grad call may use torch's autograd: eager (not traced by
    torch.compile), inside no torch.func transform and no other such call."""
    return (not torch.compiler.is_compiling() and not getattr(_depth, "n", 0)
            and not in_transform())


def _by_autograd(fun, argnums, has_aux, args, kwargs):
    """``(value, grads)`` of an eager call by ``torch.autograd.grad``, the way
    ``loss.backward()`` differentiates (torch.func's transform costs ~20% of a training
    step's time); None where an argument to differentiate already requires a gradient
    (then torch.func's result keeps the outer graph, which this one would not). Like
    torch.func's, the value, aux and gradients carry no graph, and an argument the value
    does not depend on gets a zero gradient."""
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    args = list(args)
    leaves, specs = [], []
    for i in nums:
        flat, spec = flatten(args[i])
        if any(t.requires_grad for t in flat):
            return None
        flat = [t.detach().requires_grad_(True) for t in flat]
        args[i] = unflatten(spec, flat)
        leaves.append(flat)
        specs.append(spec)
    _depth.n = getattr(_depth, "n", 0) + 1
    try:
        with torch.enable_grad():
            out = fun(*args, **kwargs)
    finally:
        _depth.n -= 1
    value, aux = out if has_aux else (out, None)
    inputs = [t for flat in leaves for t in flat]
    found = torch.autograd.grad(value, inputs, allow_unused=True) if value.requires_grad \
        else (None,) * len(inputs)
    found = iter(torch.zeros_like(t) if g is None else g for t, g in zip(inputs, found))
    grads = [unflatten(spec, [next(found) for _ in flat]) for spec, flat in zip(specs, leaves)]
    grads = grads[0] if isinstance(argnums, int) else tuple(grads)
    value = value.detach()
    if has_aux:
        value = (value, tree_map(_detached, aux))
    return value, grads


def _detached(x):
    return x.detach() if isinstance(x, torch.Tensor) else x


def vjp(fun, primals, has_aux):
    return torch.func.vjp(fun, *primals, has_aux=has_aux)


def jvp(fun, primals, tangents, has_aux):
    return torch.func.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)


def jacobian(fun, argnums, has_aux):
    return torch.func.jacrev(fun, argnums=argnums, has_aux=has_aux)


def vmap(fun, in_axes, out_axes):
    return torch.func.vmap(fun, in_dims=in_axes, out_dims=out_axes)


def jit(fun, static_argnums, static_argnames, guard_filter=None):
    # dynamo guards on Python values itself: static arguments need no declaration;
    # guard_filter: the guard filter crossops gives torch.compile (the transforms pass
    # crossops._accel.skip_crossops_guards in, which the backends cannot import)
    options = None if guard_filter is None else {"guard_filter_fn": guard_filter}
    return torch.compile(fun, options=options)


def mark_batch_dynamic(tensors):
    import torch._dynamo
    for t in tensors:
        torch._dynamo.maybe_mark_dynamic(t, 0)


#: ``jit_compile="auto"`` runs the steps eagerly, as Keras 3's rule (torch.compile takes
#: seconds to minutes on a model's first step)
AUTO_COMPILES = False


def compile_step(fun, jit_compile, donate=False, guard_filter=None, batched=False):
    if jit_compile is not True:  # (False, or "auto": see AUTO_COMPILES)
        return fun
    if donate:
        fun = functools.partial(_written_back, fun)
    return jit(_with_own_code(fun), None, None, guard_filter)


def _with_own_code(fun):
    """``fun`` called from a function whose code object is its own.

    torch.compile keeps a function's compiled graphs, and its limit of 8 recompiles, on the
    code object of the frame it compiles. The steps of every model are made by the same
    ``def`` (and torch.compile wraps every ``functools.partial`` in one function of its
    own), so without this they would share one list: after a process's 8th model, its
    compiled steps would silently run eagerly (torch logs "recompile_limit reached")."""

    def step(*args, **kwargs):
        return fun(*args, **kwargs)

    return types.FunctionType(step.__code__.replace(), step.__globals__, step.__name__,
                              None, step.__closure__)


def _written_back(fun, state, *args):
    """``fun(state, *args)``, a step that returns ``(out, new_state)``, with the new state
    written into the tensors of ``state`` (``copy_`` inside the compiled graph, which
    inductor turns into kernels that store into those buffers) and ``state`` returned.

    A donated state is given up to the step, as on jax: so the step's new parameters and
    optimizer slots are not held beside the old ones until it ends (torch.optim updates in
    place too), and a model's variables, whose storage the state shares, are updated."""
    out, new = fun(state, *args)
    old_leaves, old_spec = flatten(state)
    new_leaves, new_spec = flatten(new)
    if old_spec != new_spec:  # not a state in, state out step: nothing to write back
        return out, new
    for old, value in zip(old_leaves, new_leaves):
        if old is not value:
            old.copy_(value)
    return out, state


def stop_gradient(x):
    return x.detach()


class _State:
    """What the forward pass leaves for the backward pass (a plain object: torch.func
    rebuilds dicts and other containers it finds among the inputs)."""

    __slots__ = ("args", "grad_fn", "out_spec")


class _CustomGradient(torch.autograd.Function):
    """``f``'s output forward, its ``grad_fn`` backward; arguments and outputs travel as
    flat tuples of leaves."""

    generate_vmap_rule = True

    @staticmethod
    def forward(f, state, in_spec, *leaves):
        args = unflatten(in_spec, leaves)
        out, grad_fn = f(*args)
        out_leaves, state.out_spec = flatten(out)
        state.grad_fn, state.args = grad_fn, args
        return tuple(out_leaves)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.state, ctx.in_spec = inputs[1], inputs[2]
        ctx.is_tensor = [isinstance(x, torch.Tensor) for x in inputs[3:]]

    @staticmethod
    def backward(ctx, *cotangents):
        state = ctx.state
        upstream = unflatten(state.out_spec, cotangents)
        args = state.args
        grads = grads_tuple(call_grad_fn(state.grad_fn, args, upstream), len(args))
        leaves, spec = flatten(grads)
        if spec.num_leaves != ctx.in_spec.num_leaves:
            raise ValueError("crossops.custom_gradient: grad_fn's gradients do not have the "
                             f"structure of the arguments ({spec} vs {ctx.in_spec})")
        leaves = [g if t else None for g, t in zip(leaves, ctx.is_tensor)]
        return (None, None, None, *leaves)


def custom_gradient(f, args, kwargs):
    leaves, in_spec = flatten(tuple(args))
    state = _State()
    out = _CustomGradient.apply(lambda *a: f(*a, **kwargs), state, in_spec, *leaves)
    return unflatten(state.out_spec, out)
