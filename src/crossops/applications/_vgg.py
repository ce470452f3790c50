"""The VGG architecture (Keras's ``vgg16`` and ``vgg19``): 3x3 convolutions in five
blocks, each closed by a max pooling, then two 4096-unit dense layers."""

from __future__ import annotations

from .. import layers
from . import _builder

_FILTERS = (64, 128, 256, 512, 512)


def vgg(convs_per_block: tuple[int, ...], owner: str, file_stem: str, *, include_top,
        weights, input_tensor, input_shape, pooling, classes, classifier_activation, name,
        data_format):
    """A VGG model with ``convs_per_block`` convolutions in each of its five blocks."""
    file_name = f"{file_stem}_weights_tf_dim_ordering_tf_kernels" + \
        ("" if include_top else "_notop") + ".h5"
    image, data_format, _ = _builder.start(
        owner, weights=weights, include_top=include_top, classes=classes,
        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
        data_format=data_format, default_size=224,
        classifier_activation=classifier_activation, file_name=file_name)
    x = image
    for b, (filters, n) in enumerate(zip(_FILTERS, convs_per_block), start=1):
        for i in range(1, n + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              data_format=data_format, name=f"block{b}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), data_format=data_format,
                                name=f"block{b}_pool")(x)
    if include_top:
        x = layers.Flatten(data_format=data_format, name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _builder.pool(x, pooling, data_format)
    return _builder.finish(owner, image, x, name, weights, file_name)
