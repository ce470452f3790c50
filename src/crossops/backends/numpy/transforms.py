"""The transforms on NumPy: no differentiation (the differentiating transforms raise
before they get here), ``vmap`` by a loop, ``jit`` runs the function as it is."""

from __future__ import annotations

from .._batching import loop_vmap as vmap  # noqa: F401


def jit(fun, static_argnums, static_argnames, guard_filter=None):
    return fun


#: ``jit_compile="auto"``: nothing to compile
AUTO_COMPILES = False


def compile_step(fun, jit_compile, donate=False, guard_filter=None, batched=False):
    return fun


def stop_gradient(x):
    return x  # nothing is differentiated on numpy (as keras.ops on its numpy backend)


def custom_gradient(f, args, kwargs):
    return f(*args, **kwargs)[0]
