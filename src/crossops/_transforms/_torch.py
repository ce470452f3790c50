"""The transforms on PyTorch: ``torch.func`` (``grad_and_value``, ``vjp``, ``jvp``,
``jacrev``, ``vmap``), ``torch.compile`` and an ``autograd.Function`` for
``custom_gradient`` (with ``setup_context``, so that ``torch.func`` composes with it)."""

from __future__ import annotations

import torch

from .._accel import skip_crossops_guards
from ._custom import call_grad_fn, grads_tuple
from ._tree import flatten, unflatten


def value_and_grad(fun, argnums, has_aux):
    g = torch.func.grad_and_value(fun, argnums=argnums, has_aux=has_aux)

    def value_and_grad_fun(*args, **kwargs):
        grads, value = g(*args, **kwargs)
        return value, grads

    return value_and_grad_fun


def vjp(fun, primals, has_aux):
    return torch.func.vjp(fun, *primals, has_aux=has_aux)


def jvp(fun, primals, tangents, has_aux):
    return torch.func.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)


def jacobian(fun, argnums, has_aux):
    return torch.func.jacrev(fun, argnums=argnums, has_aux=has_aux)


def vmap(fun, in_axes, out_axes):
    return torch.func.vmap(fun, in_dims=in_axes, out_dims=out_axes)


def jit(fun, static_argnums, static_argnames):
    # dynamo guards on Python values itself: static arguments need no declaration
    return torch.compile(fun, options={"guard_filter_fn": skip_crossops_guards})


def mark_batch_dynamic(tensors):
    import torch._dynamo
    for t in tensors:
        torch._dynamo.maybe_mark_dynamic(t, 0)


def compile_step(fun, jit_compile, donate=False):
    return jit(fun, None, None) if jit_compile else fun


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
