"""``__array_namespace_info__`` of the TensorFlow namespace."""

from __future__ import annotations

import tensorflow as tf

__all__ = ["__array_namespace_info__"]

_KINDS = {
    "bool": ("bool",),
    "signed integer": ("int8", "int16", "int32", "int64"),
    "unsigned integer": ("uint8", "uint16", "uint32", "uint64"),
    "real floating": ("float32", "float64"),
    "complex floating": ("complex64", "complex128"),
}
_KINDS["integral"] = _KINDS["signed integer"] + _KINDS["unsigned integer"]
_KINDS["numeric"] = _KINDS["integral"] + _KINDS["real floating"] + _KINDS["complex floating"]


class Info:
    """Capabilities, devices and dtypes of crossops's TensorFlow namespace."""

    __module__ = "crossops.backends.tensorflow.array_api"

    def capabilities(self):
        return {"boolean indexing": True, "data-dependent shapes": True,
                "max dimensions": 254}

    def default_device(self):
        return self.devices()[0]

    def devices(self):
        # the spelling of ``tensor.device`` in eager mode
        return tuple("/job:localhost/replica:0/task:0" + d.name
                     for d in tf.config.list_logical_devices())

    def default_dtypes(self, *, device=None):
        return {"real floating": tf.float32, "complex floating": tf.complex64,
                "integral": tf.int64, "indexing": tf.int64}

    def dtypes(self, *, device=None, kind=None):
        if kind is None:
            names = ("bool",) + _KINDS["numeric"]
        else:
            names = []
            for k in (kind if isinstance(kind, tuple) else (kind,)):
                if isinstance(k, tf.dtypes.DType):
                    names.append(k.name)
                    continue
                if k not in _KINDS:
                    raise ValueError(f"dtypes: unknown kind {k!r}; use one of "
                                     f"{', '.join(map(repr, _KINDS))} or a dtype")
                names.extend(n for n in _KINDS[k] if n not in names)
        return {n: getattr(tf, n) for n in names}


def __array_namespace_info__():
    """The inspection object of the TensorFlow namespace (array API 2023.12)."""
    return Info()
