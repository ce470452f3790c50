"""JAX's control flow: ``jax.lax``'s structured primitives, which trace under ``jax.jit``.

The functions behind ``crossops.core``'s control-flow ops on JAX (found by name, see
:func:`crossops._backend.backend_chapter`). ``crossops.core`` has made the loop values
arrays of JAX and checks what the user's functions return.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from ..._pytree import checked_branches


def cond(pred, true_fn, false_fn):
    return jax.lax.cond(pred, *checked_branches("core.cond", (true_fn, false_fn)))


def switch(index, branches, operands):
    return jax.lax.switch(index, checked_branches("core.switch", branches), *operands)


def logical_and(a, b):
    return jnp.logical_and(a, b)


def while_loop(cond_fn, body_fn, state):
    return jax.lax.while_loop(cond_fn, body_fn, state)


def fori_loop(lower, upper, body_fun, init_val):
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


def scan(step, init, xs, length, reverse, unroll):
    return jax.lax.scan(step, init, xs, length=length, reverse=reverse, unroll=unroll)


def map(f, xs):  # noqa: A001
    return jax.lax.map(f, xs)


def vectorized_map(function, elements):
    return jax.vmap(function)(elements)


def associative_scan(f, elems, reverse, axis):
    return jax.lax.associative_scan(f, elems, reverse=reverse, axis=axis)
