"""Argument checking and window arithmetic shared by the convolution, pooling and
fold/unfold ops (Keras's conventions), and the generic patch extraction they build on.

Conventions (those of Keras): inputs are ``(batch, *spatial, channels)`` for
``"channels_last"`` and ``(batch, channels, *spatial)`` for ``"channels_first"``;
``"same"`` padding gives ``ceil(size / stride)`` outputs and splits the total padding
``max((out - 1) * stride + dilated_kernel - size, 0)`` with the odd element at the end
(as TensorFlow and XLA do); ``"valid"`` pads nothing.
"""

from __future__ import annotations

import math
import operator

import crossops.numpy as xnp

FORMATS = ("channels_last", "channels_first")


class Args:
    """The checked arguments of one window op, as attributes (``Args(n=2, fmt=...)``).

    A plain class rather than ``types.SimpleNamespace``: torch.compile traces building
    and updating it, where a SimpleNamespace would break the graph.
    """

    def __init__(self, **values):
        for key, value in values.items():
            setattr(self, key, value)


def padding(op: str, value) -> str:
    """``"valid"`` or ``"same"``, in any case (as Keras lowers it)."""
    p = value.lower() if isinstance(value, str) else value
    if p not in ("valid", "same"):
        raise ValueError(f'{op}: padding must be "valid" or "same" (any case), got {value!r}')
    return p


def ints(op: str, arg: str, value, n: int, *, minimum: int = 1) -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints (each at least ``minimum``) as an ``n``-tuple."""
    try:
        t = (operator.index(value),) * n if not isinstance(value, list | tuple) else tuple(
            operator.index(v) for v in value)
    except TypeError:
        raise TypeError(f"{op}: {arg} must be an int or a sequence of {n} ints, got "
                        f"{value!r}") from None
    if len(t) != n or any(v < minimum for v in t):
        raise ValueError(f"{op}: {arg} must be an int or a sequence of {n} ints, each >= "
                         f"{minimum}, got {value!r}")
    return t


def shape_of(x) -> tuple:
    return tuple(int(d) for d in x.shape)


def spatial_input(op: str, x, ranks=(1, 2, 3)) -> int:
    """The number of spatial dimensions of ``x`` (rank - 2), checked against ``ranks``."""
    n = x.ndim - 2
    if n not in ranks:
        want = " or ".join(str(r + 2) for r in ranks)
        raise ValueError(f"{op}: inputs must have rank {want} (batch, spatial..., channels), "
                         f"got shape {shape_of(x)}")
    return n


def channels(x, fmt: str) -> int:
    return int(x.shape[-1] if fmt == "channels_last" else x.shape[1])


def spatial(x, fmt: str) -> tuple[int, ...]:
    s = shape_of(x)
    return s[1:-1] if fmt == "channels_last" else s[2:]


def dilated(k: int, d: int) -> int:
    return (k - 1) * d + 1


def pads(op: str, size, kernel, strides, dilation, pad: str, shapes: str
         ) -> tuple[tuple[int, int], ...]:
    """Per spatial dimension, the (low, high) zero padding of a window op; raises if a
    ``"valid"`` window does not fit (``shapes`` describes the operands for the message)."""
    out = []
    for n, k, s, d in zip(size, kernel, strides, dilation):
        kd = dilated(k, d)
        if pad == "valid":
            if kd > n:
                raise ValueError(f"{op}: the window ({kd} after dilation) is larger than the "
                                 f'input ({n}) with padding="valid": {shapes}')
            out.append((0, 0))
        else:
            total = max((-(-n // s) - 1) * s + kd - n, 0)
            out.append((total // 2, total - total // 2))
    return tuple(out)


def out_sizes(size, kernel, strides, dilation, pad_pairs) -> tuple[int, ...]:
    return tuple((n + lo + hi - dilated(k, d)) // s + 1
                 for n, k, s, d, (lo, hi) in zip(size, kernel, strides, dilation, pad_pairs))


def to_last(x, fmt: str):
    """``x`` as channels_last."""
    return x if fmt == "channels_last" else xnp.moveaxis(x, 1, -1)


def from_last(y, fmt: str):
    """A channels_last ``y`` in layout ``fmt``."""
    return y if fmt == "channels_last" else xnp.moveaxis(y, -1, 1)


def pad_spatial(x, pad_pairs, fill=0.0, first: int = 1):
    """Pad the spatial axes ``first, first + 1, ...`` of ``x`` with ``fill``."""
    if not any(lo or hi for lo, hi in pad_pairs):
        return x
    width = [(0, 0)] * x.ndim
    for i, p in enumerate(pad_pairs):
        width[first + i] = tuple(p)
    return xnp.pad(x, tuple(width), constant_values=fill)


def patches(x, kernel, strides, dilation, pad_pairs, fill=0.0):
    """The windows of a channels_last ``x``: shape ``(batch, *out, prod(kernel), C)``,
    kernel offsets in row-major order (generic: strided slices, every backend)."""
    size = shape_of(x)[1:-1]
    out = out_sizes(size, kernel, strides, dilation, pad_pairs)
    x = pad_spatial(x, pad_pairs, fill)
    views = []
    for offsets in _offsets(kernel):
        idx = (slice(None),) + tuple(
            slice(o * d, o * d + (m - 1) * s + 1, s)
            for o, d, m, s in zip(offsets, dilation, out, strides)) + (slice(None),)
        views.append(x[idx])
    return xnp.stack(views, axis=-2)


def _offsets(kernel):
    if not kernel:
        yield ()
        return
    for i in range(kernel[0]):
        for rest in _offsets(kernel[1:]):
            yield (i,) + rest


def spread(x, strides, first: int = 1):
    """Insert ``s - 1`` zeros between neighbours along the spatial axes ``first, ...``
    (the input of a transposed convolution, generic)."""
    for i, s in enumerate(strides):
        if s == 1:
            continue
        ax = first + i
        n = int(x.shape[ax])
        y = xnp.expand_dims(x, ax + 1)
        zshape = list(y.shape)
        zshape[ax + 1] = s - 1
        y = xnp.concat([y, _zeros(y, zshape)], axis=ax + 1)
        shape = list(x.shape)
        shape[ax] = n * s
        y = xnp.reshape(y, tuple(shape))
        x = y[(slice(None),) * ax + (slice(0, (n - 1) * s + 1),)]
    return x


def _zeros(like, shape):
    from crossops._backend import backend_of
    from crossops._dispatch import call_on
    return call_on(backend_of(like), "zeros", tuple(int(v) for v in shape), dtype=like.dtype)


def constant(like, values, dtype):
    """A NumPy array as an array of ``like``'s backend (shapes are static, so window
    counts and masks are built in NumPy, also under a compiler)."""
    from crossops._backend import backend_module, backend_of
    from crossops._dispatch import native_function
    mod = backend_module(backend_of(like))
    return xnp.astype(native_function(mod, "asarray")(values), dtype, copy=False)


def prod(values) -> int:
    return math.prod(values)


def _hashable(v):
    return tuple(_hashable(e) for e in v) if isinstance(v, list | tuple) else v


def jax_compiled(f, *static):
    """``f`` run through ``jax.jit``, compiled once per shape and set of ``static``
    arguments (lists made tuples): eager JAX runs every op as its own XLA program, so a
    function of many small ops is much faster compiled as one. Under an outer ``jax.jit``
    it simply inlines."""
    import inspect
    sig = inspect.signature(f)
    jitted = None

    def g(*args, **kwargs):
        nonlocal jitted
        if jitted is None:
            import jax
            jitted = jax.jit(f, static_argnames=static)
        bound = sig.bind(*args, **kwargs)
        for k in static:
            if k in bound.arguments:
                bound.arguments[k] = _hashable(bound.arguments[k])
        return jitted(*bound.args, **bound.kwargs)

    g.__name__ = f.__name__
    g.__doc__ = f.__doc__
    return g
