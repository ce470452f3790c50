"""The transforms on JAX: its own ``grad``, ``vjp``, ``jvp``, ``jacrev``, ``vmap`` and
``jit``."""

from __future__ import annotations

import jax

from .._custom_gradient import call_grad_fn, grads_tuple


def value_and_grad(fun, argnums, has_aux):
    return jax.value_and_grad(fun, argnums=argnums, has_aux=has_aux)


def vjp(fun, primals, has_aux):
    return jax.vjp(fun, *primals, has_aux=has_aux)


def jvp(fun, primals, tangents, has_aux):
    return jax.jvp(fun, primals, tangents, has_aux=has_aux)


def jacobian(fun, argnums, has_aux):
    return jax.jacrev(fun, argnums=argnums, has_aux=has_aux)


def vmap(fun, in_axes, out_axes):
    return jax.vmap(fun, in_axes=in_axes, out_axes=out_axes)


def jit(fun, static_argnums, static_argnames, guard_filter=None):
    # (guard_filter: torch.compile's; jax.jit has no guards to filter)
    return jax.jit(fun, static_argnums=static_argnums, static_argnames=static_argnames)


#: ``jit_compile="auto"`` compiles the steps (jax.jit)
AUTO_COMPILES = True


def compile_step(fun, jit_compile, donate=False, guard_filter=None, batched=False):
    if not jit_compile:
        return fun
    return jax.jit(fun, donate_argnums=0) if donate else jax.jit(fun)


def stop_gradient(x):
    return jax.lax.stop_gradient(x)


def custom_gradient(f, args, kwargs):
    def forward(*a):
        out, grad_fn = f(*a, **kwargs)

        def backward(upstream):
            return grads_tuple(call_grad_fn(grad_fn, a, upstream), len(a))

        return out, backward

    return jax.custom_gradient(forward)(*args)
