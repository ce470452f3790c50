"""The transforms on PyTorch: ``torch.func`` (``grad_and_value``, ``vjp``, ``jvp``,
``jacrev``, ``vmap``), ``torch.compile`` and an ``autograd.Function`` for
``custom_gradient`` (with ``setup_context``, so that ``torch.func`` composes with it)."""

from __future__ import annotations

import re
import types

import torch

from .._dispatch import Op
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


def _of_crossops(value) -> bool:
    if isinstance(value, types.ModuleType):
        name = value.__name__
    elif isinstance(value, types.FunctionType):
        name = value.__module__
    else:  # an op of the table, which the generated op functions read as a global
        return isinstance(value, Op)
    return isinstance(name, str) and (name == "crossops" or name.startswith("crossops."))


_ROOT = re.compile(r"G\['[^']+'\]|[A-Za-z_]\w*")


def skip_crossops_guards(entries) -> list[bool]:
    """torch.compile's ``guard_filter_fn``: keep every guard but those inside crossops.

    Tracing an op call goes through crossops's dispatch (generated functions, their type
    caches, argument checks), and dynamo would check each of those objects again on
    every call of the compiled function: a few hundred guards, tens of microseconds a
    call. Dispatch depends only on the types, dtypes and shapes of the arguments, which
    the tensor guards already check: so for each crossops module or function the traced
    code reaches (a global or a closure variable), its identity stays guarded and the
    guards on what lies inside it (attributes, closures, caches) are dropped; crossops
    must then not be patched after compiling.
    """
    roots = [re.escape(e.name) for e in entries
             if e.has_value and _of_crossops(e.value) and _ROOT.fullmatch(e.name)]
    roots.append(r"G\['__import_crossops\w*'\]")  # crossops modules imported in the function
    inside = re.compile(r"(?<![\w'\].])(?:" + "|".join(roots) + r")[.\[]")
    return [not inside.search(e.name) for e in entries]


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
