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
        tensors[key] = np.ascontiguousarray(a).reshape(np.shape(a))  # 0-d stays 0-d
    save_file(tensors, str(path), metadata={"format": "crossops", **meta})


#: safetensors's dtype codes and their sizes in bytes
_ITEMSIZE = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2,
             "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8,
             "C64": 8}
#: the largest header read (safetensors's own limit is 100 MB)
_MAX_HEADER = 100_000_000


def check_header(path) -> dict:
    """The header of the safetensors file at ``path``, checked against the file before
    any tensor is read: its length, its JSON, and for every tensor a known dtype, a shape
    of non-negative ints and data offsets inside the file whose span is the shape's size
    in bytes. Raises ValueError saying what is wrong."""
    import json
    import os
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise ValueError(f"the file has {size} bytes, too few for a safetensors header")
        n = int.from_bytes(head, "little")
        if n > min(_MAX_HEADER, size - 8):
            raise ValueError(f"the header claims {n} bytes, the file has {size - 8} after "
                             f"its length")
        try:
            header = json.loads(f.read(n))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"the header is not JSON ({e})") from None
    if not isinstance(header, dict):
        raise ValueError("the header is not a JSON object")
    data = size - 8 - n
    spans = []
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        if not (isinstance(entry, dict) and set(entry) >= {"dtype", "shape", "data_offsets"}):
            raise ValueError(f"tensor {key!r}: the entry needs dtype, shape and data_offsets")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in _ITEMSIZE:
            raise ValueError(f"tensor {key!r}: unknown dtype {dtype!r}")
        if not (isinstance(shape, list) and all(type(d) is int and d >= 0 for d in shape)):
            raise ValueError(f"tensor {key!r}: bad shape {shape!r}")
        if not (isinstance(offsets, list) and len(offsets) == 2
                and all(type(o) is int for o in offsets) and 0 <= offsets[0] <= offsets[1]
                <= data):
            raise ValueError(f"tensor {key!r}: data offsets {offsets!r} outside the "
                             f"{data} bytes of data")
        nbytes = int(np.prod(shape, dtype=np.int64)) * _ITEMSIZE[dtype]
        if offsets[1] - offsets[0] != nbytes:
            raise ValueError(f"tensor {key!r}: {dtype} of shape {tuple(shape)} takes {nbytes} "
                             f"bytes, its data offsets span {offsets[1] - offsets[0]}")
        spans.append(tuple(offsets))
    spans.sort()
    for (_, end), (begin, _) in zip(spans, spans[1:]):
        if begin < end:
            raise ValueError("two tensors' data overlap")
    return header


def load_weights(model, path):
    """Read weights written by :func:`save_weights` into ``model``. The file's header is
    checked first (:func:`check_header`), then every name count and shape, before anything
    is assigned: a failed load changes nothing, and says which file and what."""
    from safetensors import SafetensorError, safe_open
    where = f"{model.name}.load_weights({str(path)!r})"
    try:
        check_header(path)
        with safe_open(str(path), framework="numpy") as f:
            meta = f.metadata() or {}
            keys = sorted(f.keys())
            arrays = [f.get_tensor(k) for k in keys]
    except (OSError, SafetensorError, ValueError) as e:
        raise ValueError(f"{where}: cannot read the file: {e}") from None
    mine = model.weights
    if len(keys) != len(mine):
        raise ValueError(f"{where}: the file holds {len(keys)} weights, the model has "
                         f"{len(mine)} (another architecture?)")
    loaded = []
    for k, a, v in zip(keys, arrays, mine):
        if meta.get(k) == _BF16:
            import ml_dtypes
            a = a.view(ml_dtypes.bfloat16)
        if tuple(a.shape) != v.shape:
            raise ValueError(f"{where}: {v.path} has shape {v.shape}, the file's "
                             f"{k.split(':', 1)[1]} has {tuple(a.shape)}")
        loaded.append(a)
    model.set_weights(loaded)
