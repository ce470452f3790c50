"""unfold (im2col) and fold (col2im) of channels_first 4-D inputs, as Keras and PyTorch
define them: ``unfold(x)`` has shape ``(N, C * kh * kw, L)``, channel-major, then the
kernel offsets row-major, ``L`` the output positions row-major; ``fold`` sums the
blocks back into place (overlaps add up).

The generic functions (strided slices, every backend) run on NumPy, JAX and TensorFlow;
``*_torch`` call ``torch.nn.functional.unfold`` / ``fold``.

Examples
--------
>>> import numpy as np, crossops.nn as nn
>>> nn.unfold(np.ones((1, 2, 4, 4)), kernel_size=2, stride=2).shape
(1, 8, 4)
"""

from __future__ import annotations

import crossops.numpy as xnp

from ..numpy._compute import down, up
from . import _windows as w


def _args(op, kernel_size, dilation, padding, stride):
    return w.Args(k=w.ints(op, "kernel_size", kernel_size, 2),
                           d=w.ints(op, "dilation", dilation, 2),
                           p=w.ints(op, "padding", padding, 2, minimum=0),
                           s=w.ints(op, "stride", stride, 2))


def _positions(op, a, size, shapes):
    out = w.out_sizes(size, a.k, a.s, a.d, tuple((p, p) for p in a.p))
    if any(m < 1 for m in out):
        raise ValueError(f"{op}: no window fits: kernel_size {a.k} with dilation {a.d} is "
                         f"larger than the padded size of {shapes}")
    return out


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    op = "nn.unfold"
    if x.ndim != 4:
        raise ValueError(f"{op}: x must be 4-D (N, C, H, W), got shape {w.shape_of(x)}")
    a = _args(op, kernel_size, dilation, padding, stride)
    n, c, h, wd = w.shape_of(x)
    out = _positions(op, a, (h, wd), f"x shape {w.shape_of(x)} (padding {a.p})")
    p = w.patches(w.to_last(x, "channels_first"), a.k, a.s, a.d, tuple((q, q) for q in a.p))
    p = xnp.permute_dims(p, (0, 4, 3, 1, 2))  # (N, C, K, oh, ow)
    return xnp.reshape(p, (n, c * a.k[0] * a.k[1], out[0] * out[1]))


def _fold_args(op, x, output_size, kernel_size, dilation, padding, stride):
    if x.ndim != 3:
        raise ValueError(f"{op}: x must be 3-D (N, C * kh * kw, L), got shape "
                         f"{w.shape_of(x)}")
    a = _args(op, kernel_size, dilation, padding, stride)
    a.size = w.ints(op, "output_size", output_size, 2)
    n, ckk, length = w.shape_of(x)
    kk = a.k[0] * a.k[1]
    a.out = _positions(op, a, a.size, f"output_size {a.size} (padding {a.p})")
    if ckk % kk or length != a.out[0] * a.out[1]:
        raise ValueError(
            f"{op}: x shape {w.shape_of(x)} does not fit: axis 1 must be a multiple of "
            f"kh * kw = {kk} and axis 2 the number of blocks, {a.out[0] * a.out[1]} "
            f"({a.out[0]} x {a.out[1]} for output_size {a.size}, kernel_size {a.k}, "
            f"dilation {a.d}, padding {a.p}, stride {a.s})")
    a.n, a.c = n, ckk // kk
    return a


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    a = _fold_args("nn.fold", x, output_size, kernel_size, dilation, padding, stride)
    c, dt = up(x)
    blocks = xnp.reshape(c, (a.n, a.c, a.k[0], a.k[1], a.out[0], a.out[1]))
    padded = tuple(sz + 2 * p for sz, p in zip(a.size, a.p))
    total = None
    for i in range(a.k[0]):
        for j in range(a.k[1]):
            b = w.spread(blocks[:, :, i, j], a.s, first=2)
            lo = (i * a.d[0], j * a.d[1])
            pairs = tuple((lo_, full - lo_ - int(n_)) for lo_, full, n_ in
                          zip(lo, padded, b.shape[2:]))
            b = w.pad_spatial(b, pairs, 0.0, first=2)
            total = b if total is None else xnp.add(total, b)
    total = total[:, :, a.p[0]:a.p[0] + a.size[0], a.p[1]:a.p[1] + a.size[1]]
    return down(total, dt)


def unfold_torch(x, kernel_size, dilation=1, padding=0, stride=1):
    import torch.nn.functional as F
    op = "nn.unfold"
    if x.ndim != 4:
        raise ValueError(f"{op}: x must be 4-D (N, C, H, W), got shape {w.shape_of(x)}")
    a = _args(op, kernel_size, dilation, padding, stride)
    _positions(op, a, w.shape_of(x)[2:], f"x shape {w.shape_of(x)} (padding {a.p})")
    c, dt = up(x)
    return down(F.unfold(c, a.k, a.d, a.p, a.s), dt)


def fold_torch(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    import torch.nn.functional as F
    a = _fold_args("nn.fold", x, output_size, kernel_size, dilation, padding, stride)
    c, dt = up(x)
    return down(F.fold(c, a.size, a.k, a.d, a.p, a.s), dt)


# JAX: the generic, compiled as one program per shape
_STATIC = ("kernel_size", "dilation", "padding", "stride")
unfold_jax = w.jax_compiled(unfold, *_STATIC)
fold_jax = w.jax_compiled(fold, "output_size", *_STATIC)

FOLD = {f.__name__: f for f in (unfold, fold)}
