"""The ResNet architecture (Keras's ``resnet`` and ``resnet_v2``): a 7x7 stem, four
stacks of bottleneck residual blocks, then the top; v1 normalises after each
convolution, v2 before (pre-activation)."""

from __future__ import annotations

from .. import layers
from . import _builder

_EPS = 1.001e-5


def _bn(x, axis, name):
    return layers.BatchNormalization(axis=axis, epsilon=_EPS, name=name)(x)


def block_v1(x, filters, fmt, axis, stride=1, conv_shortcut=True, name=""):
    """A v1 bottleneck block (Keras's ``residual_block_v1``)."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, data_format=fmt,
                                 name=f"{name}_0_conv")(x)
        shortcut = _bn(shortcut, axis, f"{name}_0_bn")
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, data_format=fmt, name=f"{name}_1_conv")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(_bn(x, axis, f"{name}_1_bn"))
    x = layers.Conv2D(filters, 3, padding="same", data_format=fmt, name=f"{name}_2_conv")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_bn(x, axis, f"{name}_2_bn"))
    x = layers.Conv2D(4 * filters, 1, data_format=fmt, name=f"{name}_3_conv")(x)
    x = _bn(x, axis, f"{name}_3_bn")
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_v1(x, filters, blocks, fmt, axis, stride1=2, name=""):
    x = block_v1(x, filters, fmt, axis, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = block_v1(x, filters, fmt, axis, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def block_v2(x, filters, fmt, axis, stride=1, conv_shortcut=False, name=""):
    """A v2 (pre-activation) bottleneck block (Keras's ``residual_block_v2``)."""
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(
        _bn(x, axis, f"{name}_preact_bn"))
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, data_format=fmt,
                                 name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride, data_format=fmt)(x) \
            if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, data_format=fmt,
                      name=f"{name}_1_conv")(preact)
    x = layers.Activation("relu", name=f"{name}_1_relu")(_bn(x, axis, f"{name}_1_bn"))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), data_format=fmt,
                             name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, data_format=fmt,
                      name=f"{name}_2_conv")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(_bn(x, axis, f"{name}_2_bn"))
    x = layers.Conv2D(4 * filters, 1, data_format=fmt, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_v2(x, filters, blocks, fmt, axis, stride1=2, name=""):
    x = block_v2(x, filters, fmt, axis, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = block_v2(x, filters, fmt, axis, name=f"{name}_block{i}")
    return block_v2(x, filters, fmt, axis, stride=stride1, name=f"{name}_block{blocks}")


def resnet50(preact: bool, owner: str, weights_name: str, *, include_top, weights,
             input_tensor, input_shape, pooling, classes, classifier_activation, name,
             data_format):
    """ResNet50 (``preact=False``) or ResNet50V2 (``preact=True``), Keras's ``ResNet``."""
    file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels" + \
        ("" if include_top else "_notop") + ".h5"
    image, fmt, axis = _builder.start(
        owner, weights=weights, include_top=include_top, classes=classes,
        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
        data_format=data_format, default_size=224,
        classifier_activation=classifier_activation, file_name=file_name)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), data_format=fmt, name="conv1_pad")(
        image)
    x = layers.Conv2D(64, 7, strides=2, use_bias=True, data_format=fmt, name="conv1_conv")(x)
    if not preact:
        x = layers.Activation("relu", name="conv1_relu")(_bn(x, axis, "conv1_bn"))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), data_format=fmt, name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, data_format=fmt, name="pool1_pool")(x)
    stack = stack_v2 if preact else stack_v1
    for filters, blocks, stage in ((64, 3, 2), (128, 4, 3), (256, 6, 4), (512, 3, 5)):
        # v1's first stack keeps the resolution; v2's last one does
        stride = 1 if (stage == 5 if preact else stage == 2) else 2
        x = stack(x, filters, blocks, fmt, axis, stride1=stride, name=f"conv{stage}")
    if preact:
        x = layers.Activation("relu", name="post_relu")(_bn(x, axis, "post_bn"))
    if include_top:
        x = layers.GlobalAveragePooling2D(data_format=fmt, name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _builder.pool(x, pooling, fmt, names=("avg_pool", "max_pool"))
    return _builder.finish(owner, image, x, name, weights, file_name)
