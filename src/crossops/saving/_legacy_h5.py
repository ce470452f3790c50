"""Keras 2 / tf.keras ``.h5`` files: a whole model (the ``model_config`` attribute and the
``model_weights`` group) or weights only (``layer_names`` and each layer's
``weight_names``), as ``keras.src.legacy.saving.legacy_h5_format`` reads them."""

from __future__ import annotations

import json

import numpy as np

from ._serialization import deserialize_keras_object


def _text(value) -> str:
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _open(path, where):
    import h5py
    try:
        return h5py.File(path, "r")
    except FileNotFoundError:
        raise ValueError(f"{where}: no such file") from None
    except OSError as e:
        raise ValueError(f"{where}: not an h5 file ({e})") from None


def load_model(path, custom_objects=None, compile=True):
    """The model of a Keras 2 / tf.keras ``.h5`` file (its config and weights; the
    compile configuration when ``compile``)."""
    where = f"load_model({path!r})"
    with _open(path, where) as f:
        raw = f.attrs.get("model_config")
        if raw is None:
            raise ValueError(f"{where}: the h5 file has no model_config attribute; it is "
                             "not a saved model (a weights file? use model.load_weights)")
        try:
            config = json.loads(_text(raw))
        except json.JSONDecodeError as e:
            raise ValueError(f"{where}: model_config is not JSON ({e})") from None
        try:
            model = deserialize_keras_object(config, custom_objects)
        except (ValueError, TypeError, KeyError) as e:
            raise ValueError(f"{where}: cannot rebuild the model from model_config: "
                             f"{e}") from None
        if not hasattr(model, "predict"):
            raise ValueError(f"{where}: the file describes a {type(model).__name__}, not a "
                             "model")
        group = f["model_weights"] if "model_weights" in f else f
        pairs = weight_pairs(model, group, where)
        training = f.attrs.get("training_config")
        if compile and training is not None:
            _compile(model, json.loads(_text(training)), where)
    from ._keras_h5 import assign
    assign(pairs)
    return model


def _compile(model, training: dict, where):
    optimizer = training.get("optimizer_config")
    if isinstance(optimizer, dict):
        optimizer = deserialize_keras_object(_clean_optimizer(optimizer))
    loss = training.get("loss")
    metrics = training.get("metrics")
    if isinstance(metrics, list):
        metrics = [m if isinstance(m, str) else m.get("config", {}).get("name")
                   if isinstance(m, dict) else m for m in _flatten(metrics)]
    model.compile(optimizer=optimizer or "rmsprop", loss=_loss_name(loss), metrics=metrics)


def _clean_optimizer(config: dict) -> dict:
    """A Keras 2 optimizer config with only the arguments crossops's optimizers take."""
    inner = {k: v for k, v in (config.get("config") or {}).items()
             if k not in ("decay", "is_legacy_optimizer", "jit_compile", "use_ema",
                          "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor")
             and v is not None}
    # tf.keras names its optimizers "Custom>Adam"
    return {"class_name": config["class_name"].split(">")[-1], "config": inner}


def _loss_name(loss):
    if isinstance(loss, dict) and "class_name" in loss:
        return loss.get("config", {}).get("name") or loss["class_name"]
    return loss


def _flatten(x):
    for item in x:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def load_weight_pairs(model, path, where) -> list:
    """The (variable, array) pairs of a Keras 2 ``.h5`` file for ``model``."""
    with _open(path, where) as f:
        group = f["model_weights"] if "model_weights" in f else f
        return weight_pairs(model, group, where)


def weight_pairs(model, group, where) -> list:
    """Match the layers of a Keras 2 weights group (``layer_names``, each with
    ``weight_names``) to ``model``'s layers that have weights: by name when every name
    matches, else in order (as Keras 2's ``load_weights``). Checks counts and shapes."""
    if "layer_names" not in group.attrs:
        raise ValueError(f"{where}: the h5 file has no layer_names attribute; it is not a "
                         "Keras weights file")
    saved = []
    for name in (_text(n) for n in group.attrs["layer_names"]):
        if name not in group:
            raise ValueError(f"{where}: layer_names lists {name!r}, which the file lacks")
        layer_group = group[name]
        names = [_text(n) for n in layer_group.attrs.get("weight_names", [])]
        arrays = []
        for w in names:
            if w not in layer_group:
                raise ValueError(f"{where}: weight {w!r} of layer {name!r} is missing")
            arrays.append(np.asarray(layer_group[w][()]))
        if arrays:
            saved.append((name, arrays))
    layers = [layer for layer in _layers(model) if layer.weights]
    by_name = {layer.name: layer for layer in layers}
    if len(saved) != len(layers):
        raise ValueError(f"{where}: the file has weights for {len(saved)} layers, the model "
                         f"has {len(layers)} layers with weights (another architecture?)")
    matched = [(by_name[n], a) for n, a in saved] if all(n in by_name for n, _ in saved) \
        else [(layer, a) for layer, (_, a) in zip(layers, saved)]
    pairs = []
    for layer, arrays in matched:
        mine = layer.weights
        if len(arrays) != len(mine):
            raise ValueError(f"{where}: layer {layer.name!r} has {len(mine)} weights, the "
                             f"file's has {len(arrays)}")
        for v, a in zip(mine, arrays):
            if a.shape != tuple(v.shape):
                raise ValueError(f"{where}: {v.path} has shape {tuple(v.shape)}, the file's "
                                 f"has {a.shape}")
            pairs.append((v, a))
    return pairs


def _layers(model) -> list:
    listed = model._keras_layer_list() if hasattr(model, "_keras_layer_list") else None
    return list(listed if listed is not None else model._tracked)
