"""The generic patch extraction and layout helpers of the convolution, pooling and
fold/unfold ops (written with crossops ops, every backend), with the argument checking and
window arithmetic of :mod:`crossops.backends._windows` (shared with the backends' own
functions), re-exported here for the generic implementations.

Conventions (those of Keras): inputs are ``(batch, *spatial, channels)`` for
``"channels_last"`` and ``(batch, channels, *spatial)`` for ``"channels_first"``;
``"same"`` padding gives ``ceil(size / stride)`` outputs and splits the total padding
``max((out - 1) * stride + dilated_kernel - size, 0)`` with the odd element at the end
(as TensorFlow and XLA do); ``"valid"`` pads nothing.
"""

from __future__ import annotations

import crossops.numpy as xnp

from ..backends._windows import (  # noqa: F401  (re-exported for the generic ops)
    FORMATS,
    Args,
    adaptive_args,
    channels,
    check_ctc_loss,
    conv_args,
    crop_slices,
    depthwise_args,
    dilated,
    fold_args,
    ints,
    max_pool_fill,
    out_sizes,
    padding,
    pads,
    pool_args,
    prod,
    separable_args,
    shape_of,
    spatial,
    spatial_input,
    transpose_args,
    unfold_args,
    window_counts,
)
from ..numpy._keras import sizes


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
        zshape = list(sizes(y))  # (a None batch axis: tf.shape's)
        zshape[ax + 1] = s - 1
        y = xnp.concat([y, _zeros(y, zshape)], axis=ax + 1)
        shape = list(sizes(x))
        shape[ax] = n * s
        y = xnp.reshape(y, tuple(shape))
        x = y[(slice(None),) * ax + (slice(0, (n - 1) * s + 1),)]
    return x


def _zeros(like, shape):
    from crossops._backend import backend_of
    from crossops._dispatch import call_on
    return call_on(backend_of(like), "zeros",
                   tuple(v if hasattr(v, "dtype") else int(v) for v in shape),
                   dtype=like.dtype)


def constant(like, values, dtype):
    """A NumPy array as an array of ``like``'s backend (shapes are static, so window
    counts and masks are built in NumPy, also under a compiler)."""
    from crossops._backend import backend_module, backend_of
    from crossops._dispatch import native_function
    mod = backend_module(backend_of(like))
    return xnp.astype(native_function(mod, "asarray")(values), dtype, copy=False)
