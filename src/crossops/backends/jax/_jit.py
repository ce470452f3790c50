"""Functions run through ``jax.jit``, one program per shape and set of static arguments:
crossops's one helper for a ``jax.jit`` with static arguments (``tests/test_layering.py``
finds no other ``jax.jit`` of crossops's own functions).

Eager JAX runs every small op as its own XLA program, so a function of many small ops
(the convolution's argument handling around ``lax.conv_general_dilated``, or a generic
implementation written with crossops ops) is much faster compiled as one. Non-array
arguments (sizes, strings, data formats, scalars) are static: lists become tuples; when
one is not hashable (an array ``fill_value``) the function runs as it is, eagerly, with
the same result. Under an outer ``jax.jit`` the compiled form simply inlines.

:func:`jitted` is the helper; :func:`compile_generic` is what :mod:`crossops._dispatch`
calls for the ops a JAX chapter module lists in its ``COMPILED`` table (op name -> static
parameter names, or None for every parameter that is not one of the spec's ``arrays``),
with the op's generic implementation.

Examples
--------
>>> import jax.numpy as jnp
>>> from crossops.backends.jax._jit import jitted
>>> total = jitted(lambda x, axis: jnp.sum(x, axis=axis), ("axis",))
>>> total(jnp.ones((2, 3)), [0, 1]).tolist()  # (the list is static as a tuple)
6.0
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable


def hashable(v):
    """``v`` as a static argument: lists and tuples (nested) as tuples; TypeError where
    ``v`` is not hashable (an array, a tracer: the caller then runs eagerly)."""
    if isinstance(v, list | tuple):
        return tuple(hashable(e) for e in v)
    hash(v)
    return v


def jitted(f: Callable, static: tuple[str, ...]) -> Callable:
    """``f`` through ``jax.jit`` (compiled on first use) with its parameters ``static``
    static, given by position or by keyword: one program per shape of the arrays and
    value of the static arguments, lists among them taken as tuples. A call whose static
    argument is not hashable (an array, a tracer) runs ``f`` eagerly, with the same
    result.

    Parameters
    ----------
    f : callable
        A function of arrays and static arguments.
    static : tuple of str
        Names of parameters of ``f``.

    Returns
    -------
    callable
        ``f``'s compiled form, with ``f``'s signature.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from crossops.backends.jax._jit import jitted
    >>> scaled = jitted(lambda x, k: x * k, ("k",))
    >>> scaled(jnp.arange(3), 2).tolist(), scaled(jnp.arange(3), k=3).tolist()
    ([0, 2, 4], [0, 3, 6])
    """
    positional = []  # the parameters that a call may give by position, in order
    for p in inspect.signature(f).parameters.values():
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            break
        positional.append(p.name)
    positions = tuple(positional.index(k) for k in static if k in positional)
    compiled = None

    @functools.wraps(f)
    def g(*args, **kwargs):
        nonlocal compiled
        given, named = list(args), kwargs
        if named:  # by position where the signature allows (one call form: one cache entry)
            named = dict(named)
            for name in positional[len(given):]:
                if name not in named:
                    break
                given.append(named.pop(name))
        try:
            for i in positions:
                if i < len(given):
                    given[i] = hashable(given[i])
            for k in static:
                if k in named:
                    named[k] = hashable(named[k])
        except TypeError:
            return f(*args, **kwargs)
        if compiled is None:
            import jax
            compiled = jax.jit(f, static_argnames=static)
        return compiled(*given, **named)

    return g


def jitted_hashable(f: Callable, static: tuple[str, ...]) -> Callable:
    """``jax.jit(f)`` with its parameters ``static`` static, for callers whose static
    arguments are always hashable (ints, None, bools): none of :func:`jitted`'s
    conversions, so the cheapest call there is.

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> from crossops.backends.jax._jit import jitted_hashable
    >>> jitted_hashable(lambda x, k: x * k, ("k",))(jnp.arange(3), 2).tolist()
    [0, 2, 4]
    """
    import jax
    return jax.jit(f, static_argnames=static)


def compile_generic(generic: Callable, static: tuple[str, ...] | None,
                    arrays: tuple[str, ...], eager: dict | None = None,
                    numbers: bool = True) -> Callable:
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
    numbers : bool, default True
        Whether a call may give a Python number (or a list) in an array's place: such a
        call runs eagerly, as jax.jit would make it an array, which the generic form's
        promotion reads otherwise than a weak scalar. False where the dispatch converts
        them first (a ``convert`` op's).
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
    if numbers:
        g = _numbers_eagerly(generic, g, arrays)
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


def _numbers_eagerly(generic: Callable, compiled: Callable, arrays) -> Callable:
    """``compiled`` (``generic``'s compiled form), but ``generic`` itself for a call that
    gives something other than an array or None in an array's place."""
    import jax
    names = list(inspect.signature(generic).parameters)
    places = tuple((names.index(a), a) for a in arrays if a in names)

    @functools.wraps(generic)
    def g(*args, **kwargs):
        for i, name in places:
            v = args[i] if i < len(args) else kwargs.get(name)
            if v is not None and not isinstance(v, jax.Array):
                return generic(*args, **kwargs)
        return compiled(*args, **kwargs)

    return g


def _with_static(f: Callable, static, arrays) -> Callable:
    if static is None:
        static = tuple(p for p in inspect.signature(f).parameters if p not in arrays)
    if not static:  # nothing to convert: jax.jit's own call, the cheapest
        return jitted_hashable(f, ())
    return jitted(f, tuple(static))
