"""JAX natives of the image ops: the generic implementation run through ``jax.jit``.

Eager JAX runs every small op as its own XLA program, so the generic implementations (many
small ops each) are compiled once per input shape and set of non-array arguments, which are
marked static (sizes, strings, interpolation, fill modes, data_format, scalars).
``elastic_transform`` draws its noise on the host first and passes it as an array, so
that a new seed needs no new compilation. When a non-array argument is not hashable (e.g.
an array ``fill_value``) or the call is already being traced, the generic implementation
runs as is; the results are the same.
"""

import functools
import inspect

from ._generic import GENERIC, naming_errors
from ._sampling import elastic_apply, elastic_noise, elastic_transform

# The parameters that hold arrays (the spec's ``arrays``); every other one is static.
_ARRAYS = frozenset({"noise", "images", "transform", "volumes", "inputs", "coordinates", "patches",
                     "start_points", "end_points", "scale", "translation", "image1",
                     "image2"})


def _hashable(v):
    if isinstance(v, list | tuple):
        return tuple(_hashable(e) for e in v)
    hash(v)  # TypeError for arrays and tracers: the caller then runs the generic function
    return v


def _compiled(f):
    """``f`` through ``jax.jit`` with its non-array parameters static."""
    sig = inspect.signature(f)
    static = tuple(p for p in sig.parameters if p not in _ARRAYS)
    jitted = None

    @functools.wraps(f)
    def g(*args, **kwargs):
        nonlocal jitted
        bound = sig.bind(*args, **kwargs)
        try:
            for k in static:
                if k in bound.arguments:
                    bound.arguments[k] = _hashable(bound.arguments[k])
        except TypeError:
            return f(*args, **kwargs)
        if jitted is None:
            import jax
            jitted = jax.jit(f, static_argnames=static)
        return jitted(*bound.args, **bound.kwargs)

    return g


for _name, _f in GENERIC.items():
    globals()[f"{_name}_jax"] = _compiled(_f)
del _name, _f

_elastic_apply = _compiled(elastic_apply)


@naming_errors
@functools.wraps(elastic_transform)
def elastic_transform_jax(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                          fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    noise = elastic_noise(images, sigma, interpolation, fill_mode, seed, data_format)
    return _elastic_apply(images, noise, alpha, sigma, interpolation, fill_mode, fill_value,
                          data_format)
