"""depth_to_space and space_to_depth: reshapes and transposes (generic, every backend)."""

from __future__ import annotations

import crossops.numpy as xnp

from .._config import standardize_data_format


def _check(op, x, data_format, block_size) -> str:
    """The checked arguments' ``data_format`` (None: ``config.image_data_format()``, as
    Keras reads it)."""
    if isinstance(block_size, bool) or not isinstance(block_size, int):
        raise TypeError(f"`block_size` must be an int, got {block_size!r}")
    if block_size < 2:  # as Keras: 1 would change nothing, 0 and below nothing sensible
        raise ValueError(f"`block_size` must be at least 2, got {block_size}")
    if x.ndim != 4:
        raise ValueError(f"{op} takes a 4-D input, got shape {tuple(x.shape)}")
    return standardize_data_format(data_format)  # (the op names itself in the error)


def depth_to_space(x, block_size, data_format="channels_last"):
    data_format = _check("depth_to_space", x, data_format, block_size)
    b = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
        if c % (b * b):
            raise ValueError(f"channels ({c}) must divide by block_size**2")
        y = xnp.reshape(x, (n, h, w, b, b, c // (b * b)))
        y = xnp.permute_dims(y, (0, 1, 3, 2, 4, 5))
        return xnp.reshape(y, (n, h * b, w * b, c // (b * b)))
    n, c, h, w = x.shape
    if c % (b * b):
        raise ValueError(f"channels ({c}) must divide by block_size**2")
    y = xnp.reshape(x, (n, c // (b * b), b, b, h, w))
    y = xnp.permute_dims(y, (0, 1, 4, 2, 5, 3))
    return xnp.reshape(y, (n, c // (b * b), h * b, w * b))


def space_to_depth(x, block_size, data_format="channels_last"):
    data_format = _check("space_to_depth", x, data_format, block_size)
    b = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
        if h % b or w % b:
            raise ValueError(f"height and width ({h}, {w}) must divide by "
                             f"block_size {b}")
        y = xnp.reshape(x, (n, h // b, b, w // b, b, c))
        y = xnp.permute_dims(y, (0, 1, 3, 2, 4, 5))
        return xnp.reshape(y, (n, h // b, w // b, c * b * b))
    n, c, h, w = x.shape
    if h % b or w % b:
        raise ValueError(f"height and width ({h}, {w}) must divide by "
                         f"block_size {b}")
    y = xnp.reshape(x, (n, c, h // b, b, w // b, b))
    y = xnp.permute_dims(y, (0, 1, 3, 5, 2, 4))
    return xnp.reshape(y, (n, c * b * b, h // b, w // b))


SPATIAL = {f.__name__: f for f in (depth_to_space, space_to_depth)}
