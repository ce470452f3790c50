"""What every application constructor does around its own layers: the argument checks,
the input, the pooling or classifier top, the model and its weights (Keras's
``applications`` steps)."""

from __future__ import annotations

from .. import config as _config
from .. import layers
from ..layers._symbolic import SymbolicTensor
from ..models import Model
from . import _files
from .imagenet_utils import obtain_input_shape, validate_activation


def start(owner: str, *, weights, include_top: bool, classes: int, input_tensor,
          input_shape, pooling, data_format, default_size: int, min_size: int = 32,
          classifier_activation="softmax", file_name=None):
    """Check the common arguments and make the image input.

    Returns ``(image_input, data_format, channel_axis)``: the symbolic input the layers
    start from (``input_tensor`` itself if given), the data format and the channels axis
    of 4-D tensors.
    """
    _files.check_weights_argument(weights, owner)
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"{owner}: with weights='imagenet' and include_top=True, classes "
                         f"must be 1000, got {classes}")
    if pooling not in (None, "avg", "max"):
        raise ValueError(f"{owner}: pooling must be None, 'avg' or 'max', got {pooling!r}")
    if include_top:
        validate_activation(classifier_activation, weights)
    if weights == "imagenet" and file_name is not None:
        _files.imagenet_weights_path(file_name, owner)  # missing: say so before building
    data_format = _config.standardize_data_format(data_format, owner)
    if input_tensor is not None:
        if not isinstance(input_tensor, SymbolicTensor):
            raise TypeError(f"{owner}: input_tensor must be a symbolic tensor (from "
                            f"crossops.layers.Input), got {type(input_tensor).__name__}")
        image = input_tensor
    else:
        shape = obtain_input_shape(input_shape, default_size, min_size, data_format,
                                   require_flatten=include_top, weights=weights)
        image = layers.Input(shape)
    return image, data_format, (1 if data_format == "channels_first" else 3)


def pool(x, pooling, data_format, names=(None, None)):
    """Global average or max pooling (``pooling`` ``"avg"`` / ``"max"``), or ``x``."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(data_format=data_format, name=names[0])(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(data_format=data_format, name=names[1])(x)
    return x


def source_inputs(tensor: SymbolicTensor) -> list[SymbolicTensor]:
    """The model inputs ``tensor`` is computed from (Keras's ``get_source_inputs``)."""
    import optree
    found, seen, todo = [], set(), [tensor]
    while todo:
        t = todo.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if t.node is None:
            found.append(t)
            continue
        todo.extend(x for x in optree.tree_leaves((t.node.args, t.node.kwargs),
                                                  is_leaf=lambda v: isinstance(
                                                      v, SymbolicTensor))
                    if isinstance(x, SymbolicTensor))
    return found


def finish(owner: str, image, outputs, name: str, weights, file_name: str):
    """The functional model from ``image`` (or the inputs behind it) to ``outputs``, with
    ``weights`` loaded (``file_name``: Keras's file in its cache for ``"imagenet"``)."""
    inputs = image if image.node is None else source_inputs(image)
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    model = Model(inputs, outputs, name=name)
    _files.load_weights(model, weights, file_name, owner)
    return model
