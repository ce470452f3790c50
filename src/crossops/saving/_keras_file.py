"""Keras 3's ``.keras`` model file (a zip of ``metadata.json``, ``config.json`` and
``model.weights.h5``), ``.weights.h5`` weights files, and the choice of format by a
file's extension."""

from __future__ import annotations

import datetime
import io
import json
import os
import zipfile
import zlib

from . import _keras_h5, _legacy_h5, _safetensors
from ._serialization import deserialize_keras_object, serialize_keras_object

_CONFIG = "config.json"
_METADATA = "metadata.json"
_WEIGHTS = "model.weights.h5"
#: the Keras version written in metadata.json (the format's version crossops follows)
KERAS_VERSION = "3.15.1"
#: the largest member of a .keras zip read into memory (a zip bomb guard)
_MAX_MEMBER = 1 << 34

WEIGHTS_EXTENSIONS = (".weights.h5", ".safetensors", ".keras", ".h5")


def _where(model, fn, path) -> str:
    return f"{getattr(model, 'name', 'model')}.{fn}({os.fspath(path)!r})"


def save_model(model, filepath, include_optimizer: bool = True) -> None:
    """Write ``model`` to a ``.keras`` file: its config (Keras's serialized form, with
    build and compile configs), its weights in Keras's h5 layout and its optimizer's state.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from crossops import layers, models, saving
    >>> model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> saving.save_model(model, path)
    >>> again = saving.load_model(path)
    >>> x = np.ones((1, 3), np.float32)
    >>> bool(np.allclose(again.predict(x, verbose=0), model.predict(x, verbose=0)))
    True
    """
    path = os.fspath(filepath)
    if not path.endswith(".keras"):
        raise ValueError(f"save_model: filepath must end in .keras, got {path!r}; use "
                         "save_weights for .weights.h5 or .safetensors files")
    if not getattr(model, "built", False):
        raise ValueError(f"{_where(model, 'save', path)}: the model is not built; call it on "
                         "data or give it an Input first")
    config = serialize_keras_object(model)
    config["build_config"] = model.get_build_config() if hasattr(
        model, "get_build_config") else None
    compiled = include_optimizer and getattr(model, "optimizer", None) is not None
    config["compile_config"] = model.get_compile_config() if compiled and hasattr(
        model, "get_compile_config") else None
    weights = io.BytesIO()
    import h5py
    with h5py.File(weights, "w") as f:
        _keras_h5.write(model, f, include_optimizer=compiled)
    metadata = {"keras_version": KERAS_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w") as zf:  # stored, as Keras writes it
        zf.writestr(_METADATA, json.dumps(metadata))
        zf.writestr(_CONFIG, json.dumps(config))
        zf.writestr(_WEIGHTS, weights.getvalue())
    os.replace(tmp, path)


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True,
               safe_mode: bool = True):
    """The model saved in ``filepath``: a ``.keras`` file (written by crossops or by Keras
    3), or a Keras 2 / tf.keras ``.h5`` file.

    Parameters
    ----------
    filepath : str or os.PathLike
    custom_objects : dict, optional
        Classes and functions the config names that crossops does not have, by name.
    compile : bool
        Compile the model as it was saved (optimizer, loss, metrics) and restore the
        optimizer's state.
    safe_mode : bool
        Kept for Keras's signature: crossops never runs code stored in a file (a config
        with a lambda raises a ValueError either way).

    Returns
    -------
    Model

    Raises
    ------
    ValueError
        If the file is not a model file (a truncated or foreign zip, a missing config, an
        h5 file that is not a model), naming the file and what is wrong.
    """
    path = os.fspath(filepath)
    if path.endswith(".h5") and not path.endswith(".weights.h5"):
        return _legacy_h5.load_model(path, custom_objects, compile)
    if not path.endswith(".keras"):
        raise ValueError(f"load_model({path!r}): the file must end in .keras (Keras 3) or "
                         ".h5 (Keras 2 / tf.keras); for weights use model.load_weights")
    where = f"load_model({path!r})"
    config, weights = _read_zip(path, where)
    try:
        config = json.loads(config)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{where}: config.json is not JSON ({e})") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"{where}: config.json does not describe a model")
    if not compile:
        config["compile_config"] = None
    try:
        model = deserialize_keras_object(config, custom_objects, safe_mode)
    except (ValueError, TypeError, KeyError) as e:
        raise ValueError(f"{where}: cannot rebuild the model from config.json: {e}") from None
    if not hasattr(model, "weights") or not hasattr(model, "predict"):
        raise ValueError(f"{where}: the file holds a {type(model).__name__}, not a model")
    if weights is not None:
        pairs = _read_weights_bytes(model, weights, where, include_optimizer=compile)
        _keras_h5.assign(pairs)
    return model


def _read_zip(path, where):
    """(config.json text, model.weights.h5 bytes or None) of a .keras file."""
    try:
        zf = zipfile.ZipFile(path, "r")
    except FileNotFoundError:
        raise ValueError(f"{where}: no such file") from None
    except (zipfile.BadZipFile, OSError) as e:
        raise ValueError(f"{where}: not a .keras file (not a readable zip: {e})") from None
    with zf:
        names = zf.namelist()
        if _CONFIG not in names:
            raise ValueError(f"{where}: the zip has no config.json (it holds "
                             f"{names[:5]}); not a .keras model file")
        try:
            for name in (_CONFIG, _WEIGHTS):
                if name in names and zf.getinfo(name).file_size > _MAX_MEMBER:
                    raise ValueError(f"{where}: {name} claims {zf.getinfo(name).file_size} "
                                     "bytes; refusing to read it")
            config = zf.read(_CONFIG)
            weights = zf.read(_WEIGHTS) if _WEIGHTS in names else None
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as e:
            raise ValueError(f"{where}: the zip is damaged ({e})") from None
    return config, weights


def _read_weights_bytes(model, data: bytes, where, include_optimizer=True) -> list:
    import h5py
    try:
        f = h5py.File(io.BytesIO(data), "r")
    except OSError as e:
        raise ValueError(f"{where}: model.weights.h5 is not an h5 file ({e})") from None
    with f:
        return _keras_h5.read(model, f, where, include_optimizer=include_optimizer)


# -- weights files ---------------------------------------------------------------------------
def save_weights(model, filepath) -> None:
    """Write ``model``'s weights; the extension picks the format: ``.weights.h5`` (Keras's
    h5 layout, which ``keras.Model.load_weights`` reads) or ``.safetensors``."""
    path = os.fspath(filepath)
    where = _where(model, "save_weights", path)
    if path.endswith(".weights.h5"):
        import h5py
        tmp = path + ".tmp"
        with h5py.File(tmp, "w") as f:
            _keras_h5.write(model, f, include_optimizer=False)
        os.replace(tmp, path)
    elif path.endswith(".safetensors"):
        _safetensors.save_weights(model, path)
    else:
        raise ValueError(f"{where}: the file name must end in .weights.h5 (Keras's h5 "
                         "layout) or .safetensors; use model.save for .keras files")


def load_weights(model, filepath) -> None:
    """Read weights into ``model``; the extension picks the format: ``.weights.h5``
    (Keras's layout, from crossops or Keras 3), ``.keras`` (the weights inside the zip),
    ``.safetensors`` or a Keras 2 ``.h5``. Every count and shape is checked before
    anything is assigned: a failed load leaves the model unchanged."""
    path = os.fspath(filepath)
    where = _where(model, "load_weights", path)
    if path.endswith(".weights.h5"):
        import h5py
        try:
            f = h5py.File(path, "r")
        except (OSError, FileNotFoundError) as e:
            raise ValueError(f"{where}: cannot open the h5 file ({e})") from None
        with f:
            if "vars" not in f and "layers" not in f and "layer_names" in f.attrs:
                pairs = _legacy_h5.weight_pairs(model, f, where)
            else:
                pairs = _keras_h5.read(model, f, where, include_optimizer=False)
    elif path.endswith(".keras"):
        _, weights = _read_zip(path, where)
        if weights is None:
            raise ValueError(f"{where}: the .keras file holds no model.weights.h5")
        pairs = _read_weights_bytes(model, weights, where, include_optimizer=False)
    elif path.endswith(".h5"):
        pairs = _legacy_h5.load_weight_pairs(model, path, where)
    elif path.endswith(".safetensors"):
        _safetensors.load_weights(model, path)
        return
    else:
        raise ValueError(f"{where}: unknown weights format; the file name must end in "
                         f"{', '.join(WEIGHTS_EXTENSIONS)}")
    _keras_h5.assign(pairs)
