"""Hugging Face BERT checkpoints: finding and reading the safetensors files of a
``save_pretrained`` directory, normalising their parameter names, and the layouts that
turn a torch parameter into a crossops weight."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..saving._safetensors import check_header

#: the single-file and the sharded safetensors names of ``save_pretrained``
WEIGHTS_NAME = "model.safetensors"
INDEX_NAME = "model.safetensors.index.json"
#: what other frameworks write instead (never read here: a pickle can run code)
FOREIGN_NAMES = ("pytorch_model.bin", "pytorch_model.bin.index.json", "tf_model.h5",
                 "flax_model.msgpack", "model.ckpt.index")
#: non-persistent buffers that older transformers versions still saved
BUFFERS = frozenset({"embeddings.position_ids", "embeddings.token_type_ids"})

#: TensorFlow-era LayerNorm parameter names and today's
_OLD_LAYER_NORM = {"gamma": "weight", "beta": "bias"}
#: how a crossops weight is laid out from a torch parameter (see :func:`to_crossops`)
LAYOUTS = ("copy", "linear", "heads_in", "heads_in_bias", "heads_out")


def checkpoint_files(path: str | Path, caller: str) -> list[Path]:
    """The safetensors files of the checkpoint at ``path``: a ``save_pretrained``
    directory, a ``.safetensors`` file, or a ``model.safetensors.index.json``.

    Raises FileNotFoundError saying what was looked for, and how to convert a checkpoint
    that has only pickled (``.bin``) or other frameworks' weights.

    Examples
    --------
    >>> checkpoint_files("/nonexistent", "f")
    Traceback (most recent call last):
    ...
    FileNotFoundError: f: no checkpoint at '/nonexistent' (a directory holding ...)
    """
    path = Path(path)
    if path.is_dir():
        if (path / WEIGHTS_NAME).is_file():
            return [path / WEIGHTS_NAME]
        if (path / INDEX_NAME).is_file():
            return _shards(path / INDEX_NAME, caller)
        foreign = [n for n in FOREIGN_NAMES if (path / n).exists()]
        foreign += sorted(p.name for p in path.glob("*.bin") if p.name not in foreign)
        if foreign:
            raise FileNotFoundError(
                f"{caller}: {str(path)!r} holds {', '.join(foreign)} but no {WEIGHTS_NAME}; "
                "crossops reads only safetensors (loading a pickled .bin can run code). "
                "Convert it once where you trust the file, e.g. with transformers: "
                "BertModel.from_pretrained(directory).save_pretrained(directory) writes "
                f"{WEIGHTS_NAME}")
        raise FileNotFoundError(f"{caller}: {str(path)!r} holds neither {WEIGHTS_NAME} nor "
                                f"{INDEX_NAME}")
    if path.is_file():
        if path.name.endswith(".index.json"):
            return _shards(path, caller)
        if path.suffix == ".safetensors":
            return [path]
        raise ValueError(f"{caller}: {str(path)!r} is not a safetensors file; crossops reads "
                         f"only safetensors (a directory holding {WEIGHTS_NAME}, a .safetensors "
                         f"file, or {INDEX_NAME})")
    raise FileNotFoundError(f"{caller}: no checkpoint at {str(path)!r} (a directory holding "
                            f"{WEIGHTS_NAME}, a .safetensors file, or {INDEX_NAME})")


def _shards(index: Path, caller: str) -> list[Path]:
    try:
        weight_map = json.loads(index.read_text())["weight_map"]
        names = sorted(set(weight_map.values()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"{caller}: cannot read the shard index {str(index)!r}: {e}") from None
    files = [index.parent / n for n in names]
    for f in files:
        if f.suffix != ".safetensors" or f.parent != index.parent:
            raise ValueError(f"{caller}: the shard index {str(index)!r} names {f.name!r}, "
                             "not a .safetensors file beside it")
        if not f.is_file():
            raise FileNotFoundError(f"{caller}: the shard {str(f)!r} named by "
                                    f"{str(index)!r} is missing")
    return files


def read_tensors(files: list[Path], caller: str) -> dict[str, np.ndarray]:
    """Every tensor of the safetensors ``files`` as NumPy arrays (bfloat16 as
    ``ml_dtypes.bfloat16``). Each header is checked before anything is read; a bad file
    raises ValueError naming it."""
    from safetensors import SafetensorError, safe_open
    out: dict[str, np.ndarray] = {}
    for f in files:
        try:
            check_header(f)
            with safe_open(str(f), framework="numpy") as handle:
                for key in handle.keys():
                    if key in out:
                        raise ValueError(f"tensor {key!r} is in two shards")
                    out[key] = handle.get_tensor(key)
        except (OSError, SafetensorError, ValueError, TypeError) as e:
            raise ValueError(f"{caller}: cannot read {str(f)!r}: {e}") from None
    return out


def base_model_tensors(tensors: Mapping[str, np.ndarray], prefix: str = "bert."
                       ) -> tuple[dict[str, np.ndarray], list[str]]:
    """The base model's tensors under BertModel's own names, and the task heads' names.

    A checkpoint of a model with heads (BertForMaskedLM, BertForSequenceClassification
    ...) keeps the encoder under ``prefix``: those names lose it, and the names outside it
    (the heads) are returned apart. Old TensorFlow-era LayerNorm names (``gamma``,
    ``beta``) become ``weight`` and ``bias``; saved buffers (``position_ids``) are dropped.

    Examples
    --------
    >>> t = {"bert.pooler.dense.bias": 0, "bert.embeddings.LayerNorm.gamma": 1,
    ...      "cls.predictions.bias": 2}
    >>> base_model_tensors(t)
    ({'pooler.dense.bias': 0, 'embeddings.LayerNorm.weight': 1}, ['cls.predictions.bias'])
    """
    prefixed = any(k.startswith(prefix) for k in tensors)
    out, heads = {}, []
    for key, value in tensors.items():
        if prefixed:
            if not key.startswith(prefix):
                heads.append(key)
                continue
            key = key[len(prefix):]
        if ".LayerNorm." in key:
            head, _, leaf = key.rpartition(".")
            key = f"{head}.{_OLD_LAYER_NORM.get(leaf, leaf)}"
        if key not in BUFFERS:
            out[key] = value
    return out, sorted(heads)


def hf_shape(layout: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The torch parameter's shape for a crossops weight of ``shape`` in ``layout``.

    Examples
    --------
    >>> hf_shape("heads_in", (32, 4, 8)), hf_shape("heads_out", (4, 8, 32))
    ((32, 32), (32, 32))
    """
    if layout == "copy":
        return shape
    if layout == "linear":
        return shape[::-1]
    if layout == "heads_in":  # (dim, heads, head_dim) <- (heads * head_dim, dim)
        return (shape[1] * shape[2], shape[0])
    if layout == "heads_in_bias":  # (heads, head_dim) <- (heads * head_dim,)
        return (shape[0] * shape[1],)
    if layout == "heads_out":  # (heads, head_dim, dim) <- (dim, heads * head_dim)
        return (shape[2], shape[0] * shape[1])
    raise ValueError(f"hf_shape: layout must be one of {LAYOUTS}, got {layout!r}")


def to_crossops(layout: str, array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A torch parameter ``array`` (of :func:`hf_shape` ``(layout, shape)``) as the
    crossops weight of ``shape``: torch's Linear weights are (out, in), crossops's kernels
    (in, out), and the attention kernels split the heads off their own axis.

    Examples
    --------
    >>> w = np.arange(6).reshape(3, 2)  # a torch Linear(2, 3) weight
    >>> to_crossops("linear", w, (2, 3)).tolist()
    [[0, 2, 4], [1, 3, 5]]
    """
    if layout in ("copy", "heads_in_bias"):
        return np.reshape(array, shape)
    if layout in ("linear", "heads_in", "heads_out"):
        return np.reshape(np.transpose(array), shape)
    raise ValueError(f"to_crossops: layout must be one of {LAYOUTS}, got {layout!r}")
