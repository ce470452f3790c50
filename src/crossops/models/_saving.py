"""Weights files: safetensors, one tensor per variable keyed by its position and path, so a
file written on one backend loads on every other."""

from __future__ import annotations

import numpy as np

_BF16 = "bfloat16"


def save_weights(model, path):
    """Write every weight of ``model`` to ``path`` (``.weights.safetensors``)."""
    from safetensors.numpy import save_file
    tensors, meta = {}, {}
    for i, v in enumerate(model.weights):
        a = v.numpy()
        key = f"{i:05d}:{v.path}"
        if a.dtype.name == _BF16:
            a, meta[key] = a.view(np.uint16), _BF16
        tensors[key] = np.ascontiguousarray(a)
    save_file(tensors, str(path), metadata={"format": "crossops", **meta})


def load_weights(model, path):
    """Read weights written by :func:`save_weights` into ``model``; every name count and
    shape is checked before anything is assigned, so a failed load changes nothing."""
    from safetensors import SafetensorError, safe_open
    try:
        with safe_open(str(path), framework="numpy") as f:
            meta = f.metadata() or {}
            keys = sorted(f.keys())
            arrays = [f.get_tensor(k) for k in keys]
    except (OSError, SafetensorError) as e:
        raise ValueError(f"{model.name}.load_weights: cannot read {path}: {e}") from None
    mine = model.weights
    if len(keys) != len(mine):
        raise ValueError(f"{model.name}.load_weights: {path} holds {len(keys)} weights, the "
                         f"model has {len(mine)} (another architecture?)")
    loaded = []
    for k, a, v in zip(keys, arrays, mine):
        if meta.get(k) == _BF16:
            import ml_dtypes
            a = a.view(ml_dtypes.bfloat16)
        if tuple(a.shape) != v.shape:
            raise ValueError(f"{model.name}.load_weights: {v.path} has shape {v.shape}, the "
                             f"file's {k.split(':', 1)[1]} has {tuple(a.shape)}")
        loaded.append(a)
    model.set_weights(loaded)
