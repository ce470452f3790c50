"""unfold (im2col) and fold (col2im) of channels_first 4-D inputs, as Keras and PyTorch
define them: ``unfold(x)`` has shape ``(N, C * kh * kw, L)``, channel-major, then the
kernel offsets row-major, ``L`` the output positions row-major; ``fold`` sums the
blocks back into place (overlaps add up).

The generic functions here (strided slices, every backend) run on NumPy and TensorFlow,
and compiled on JAX; PyTorch calls ``torch.nn.functional.unfold`` / ``fold``
(``crossops/backends/torch/nn.py``).

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


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    a = w.unfold_args("nn.unfold", x, kernel_size, dilation, padding, stride)
    n, c, _, _ = w.shape_of(x)
    out = a.out
    p = w.patches(w.to_last(x, "channels_first"), a.k, a.s, a.d, tuple((q, q) for q in a.p))
    p = xnp.permute_dims(p, (0, 4, 3, 1, 2))  # (N, C, K, oh, ow)
    return xnp.reshape(p, (n, c * a.k[0] * a.k[1], out[0] * out[1]))


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    a = w.fold_args("nn.fold", x, output_size, kernel_size, dilation, padding, stride)
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


FOLD = {f.__name__: f for f in (unfold, fold)}
