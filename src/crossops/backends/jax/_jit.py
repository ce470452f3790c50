"""Functions run through ``jax.jit``, one program per shape and set of static arguments.

Eager JAX runs every small op as its own XLA program, so a function of many small ops
(the convolution's argument handling around ``lax.conv_general_dilated``, or a generic
implementation written with crossops ops) is much faster compiled as one. Non-array
arguments (sizes, strings, data formats, scalars) are static: lists become tuples; when
one is not hashable (an array ``fill_value``) the function runs as it is, eagerly, with
the same result. Under an outer ``jax.jit`` the compiled form simply inlines.

:func:`compile_generic` is what :mod:`crossops._dispatch` calls for the ops a JAX chapter
module lists in its ``COMPILED`` table (op name -> static parameter names, or None for
every parameter that is not one of the spec's ``arrays``), with the op's generic
implementation.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable


def _hashable(v):
    if isinstance(v, list | tuple):
        return tuple(_hashable(e) for e in v)
    hash(v)  # TypeError for arrays and tracers: the caller then runs the function eagerly
    return v


def jitted(f: Callable, static: tuple[str, ...]) -> Callable:
    """``f`` through ``jax.jit`` with parameters ``static`` static (made hashable); a call
    whose static argument is not hashable runs ``f`` eagerly."""
    sig = inspect.signature(f)
    compiled = None

    @functools.wraps(f)
    def g(*args, **kwargs):
        nonlocal compiled
        bound = sig.bind(*args, **kwargs)
        try:
            for k in static:
                if k in bound.arguments:
                    bound.arguments[k] = _hashable(bound.arguments[k])
        except TypeError:
            return f(*args, **kwargs)
        if compiled is None:
            import jax
            compiled = jax.jit(f, static_argnames=static)
        return compiled(*bound.args, **bound.kwargs)

    return g


def compile_generic(generic: Callable, static: tuple[str, ...] | None,
                    arrays: tuple[str, ...], eager: dict | None = None) -> Callable:
    """The JAX form of an op whose generic implementation ``generic`` runs compiled.

    Parameters
    ----------
    generic : callable
        The op's generic implementation. Where it has ``stages`` (``(host, compute,
        compute_arrays)``: a host stage that checks arguments and draws random numbers, and
        a compute stage given the host stage's result), only the compute stage is
        compiled, so that a new seed needs no new compilation.
    static : tuple of str or None
        The static parameters; None: every parameter not in ``arrays``.
    arrays : tuple of str
        The op's array parameters (the spec's ``arrays``).
    eager : dict, optional
        parameter -> value for which the generic runs eagerly (a search whose loop
        depends on the values).
    """
    stages = getattr(generic, "stages", None)
    if stages is not None:
        host, compute, compute_arrays = stages
        run = _with_static(compute, None, compute_arrays)

        @functools.wraps(generic)
        def staged(*args, **kwargs):
            return run(*host(*args, **kwargs))

        return staged
    g = _with_static(generic, static, arrays)
    if not eager:
        return g
    sig = inspect.signature(generic)

    @functools.wraps(generic)
    def mixed(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        if any(bound.arguments[k] == v for k, v in eager.items()):
            return generic(*args, **kwargs)
        return g(*args, **kwargs)

    return mixed


def _with_static(f: Callable, static, arrays) -> Callable:
    if static is None:
        static = tuple(p for p in inspect.signature(f).parameters if p not in arrays)
    return jitted(f, tuple(static))
