"""What ``custom_gradient`` shares across backends: calling the user's ``grad_fn`` and
reading its gradients.

``f(*args)`` returns ``(output, grad_fn)``. ``grad_fn`` is called with the cotangent of
the output (``upstream``, of the output's structure) as ``grad_fn(upstream)`` (the
JAX/TensorFlow convention, which the backend-agnostic Keras form
``def grad(*args, upstream=None)`` also takes), or, when ``upstream`` is a keyword-only
parameter without default (the PyTorch convention of Keras, ``def grad(*args,
upstream)``), as ``grad_fn(*args, upstream=upstream)``. It returns one gradient per
positional argument of ``f`` (a bare array when ``f`` has one argument).
"""

from __future__ import annotations

import inspect


def _wants_args(grad_fn) -> bool:
    try:
        p = inspect.signature(grad_fn).parameters.get("upstream")
    except (TypeError, ValueError):
        return False
    return p is not None and p.kind is p.KEYWORD_ONLY and p.default is p.empty


def call_grad_fn(grad_fn, args, upstream):
    """``grad_fn``'s gradients for the cotangent ``upstream`` of the output."""
    if _wants_args(grad_fn):
        return grad_fn(*args, upstream=upstream)
    return grad_fn(upstream)


def grads_tuple(grads, n: int) -> tuple:
    """The gradients a ``grad_fn`` returned, as a tuple of one per argument."""
    if n == 1 and not (isinstance(grads, tuple | list) and len(grads) == 1):
        grads = (grads,)
    grads = tuple(grads)
    if len(grads) != n:
        raise ValueError(f"crossops.custom_gradient: grad_fn returned {len(grads)} gradients "
                         f"for a function of {n} positional arguments; return one per argument")
    return grads
