"""torch's functions of crossops.image (``backends/torch/image.py``): ``resize``'s common
call by ``F.interpolate``; other calls take the generic forms."""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812

from .._common import partial
from .._image import common_resize


@partial
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """``F.interpolate``'s bilinear resize (``align_corners=False``: half-pixel centres)
    of a float32/64 image or batch, channels last (viewed as channels first: torch's
    channels-last kernel, no copy) or first, at the common call
    (:func:`.._image.common_resize`); other calls take the generic form."""
    found = common_resize(images, size, interpolation, antialias, crop_to_aspect_ratio,
                          pad_to_aspect_ratio, fill_mode, data_format, torch.Tensor, _FLOATS)
    if found is None:
        return NotImplemented
    height, width, fmt = found
    x = images if images.ndim == 4 else images.unsqueeze(0)
    if fmt == "channels_last":
        x = x.permute(0, 3, 1, 2)
    y = F.interpolate(x, size=(height, width), mode="bilinear", align_corners=False)
    if fmt == "channels_last":
        y = y.permute(0, 2, 3, 1)
    return y if images.ndim == 4 else y.squeeze(0)


_FLOATS = frozenset({torch.float32, torch.float64})
