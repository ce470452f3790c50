"""``stop_gradient`` and ``custom_gradient`` (spec/core_autodiff.toml) over each backend's
autodiff machinery (its ``transforms`` chapter, ``crossops/backends/<name>/transforms.py``).

Both are generic: the backend is read from the arrays when the op (for
``custom_gradient``, the function it returns) is called.
"""

from __future__ import annotations

import functools

from .._backend import backend_of
from .._transforms._api import backend_impl as _impl
from .._transforms._tree import on_one_backend


def stop_gradient(variable):
    return _impl(backend_of(variable)).stop_gradient(variable)


def custom_gradient(f):
    if not callable(f):
        raise TypeError(f"custom_gradient: f must be a function returning (output, grad_fn), "
                        f"got {type(f).__name__}")

    @functools.wraps(f)
    def with_custom_gradient(*args, **kwargs):
        backend, (args, kwargs) = on_one_backend("custom_gradient", args, kwargs)
        return _impl(backend).custom_gradient(f, args, kwargs)

    return with_custom_gradient


GENERIC: dict = {"stop_gradient": stop_gradient, "custom_gradient": custom_gradient}
