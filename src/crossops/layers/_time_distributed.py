"""TimeDistributed: a layer applied to every time step (axis 1) of its inputs, Keras's
wrapper."""

from __future__ import annotations

import optree

import crossops.numpy as xnp

from ._config import from_keras_config, keras_object
from ._layer import Layer


class TimeDistributed(Layer):
    """Applies ``layer`` to each slice ``inputs[:, t]`` along axis 1, Keras's
    ``TimeDistributed``; the outputs are stacked along axis 1.

    Parameters
    ----------
    layer : Layer
        The crossops layer applied to every time step (its weights are shared by all of
        them, and are this layer's weights). If ``layer`` is built by this layer, its
        weights' paths have this layer's name in front (``time_distributed/dense/kernel``),
        as Keras's; a layer built before keeps its paths.
    **kwargs
        ``name``, ``trainable``, ``dtype`` (see :class:`Layer`).

    Notes
    -----
    ``call(inputs, training=None, mask=None)``: inputs are (batch, time, ...), of rank 3 at
    least; ``mask`` (batch, time, ...) is split alike and passed to ``layer`` if its call
    takes a mask. Outside training (or when ``layer``'s call takes no ``training``) the time
    axis is folded into the batch axis and ``layer`` runs once, which gives Keras's result
    (a layer treats examples independently there). In training ``layer`` runs once per
    time step, as Keras's does, so that layers whose training call mixes a batch
    (BatchNormalization's batch statistics and moving averages) behave as in Keras.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops.layers import Dense
    >>> layer = TimeDistributed(Dense(2, kernel_initializer="ones", name="proj"), name="td")
    >>> layer(np.ones((1, 3, 4), np.float32)).shape
    (1, 3, 2)
    >>> [v.path for v in layer.weights]
    ['td/proj/kernel', 'td/proj/bias']
    """

    def __init__(self, layer: Layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed: layer must be a crossops.layers.Layer "
                             f"instance, got {layer!r}")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape):
        if not isinstance(input_shape, tuple | list) or len(input_shape) < 3 or \
                not all(isinstance(d, int | None) for d in input_shape):
            raise ValueError(f"{self.name}: expected inputs of rank >= 3 (batch, time, ...), "
                             f"got shape {input_shape}")
        if not self.layer.built:
            if self.layer._backend is None:
                self.layer._backend = self._backend
            self.layer.build((input_shape[0], *input_shape[2:]))

    def call(self, inputs, training=None, mask=None):
        if inputs.ndim < 3:
            raise ValueError(f"{self.name}: expected inputs of rank >= 3 (batch, time, ...), "
                             f"got shape {tuple(inputs.shape)}")
        b, t = inputs.shape[0], inputs.shape[1]
        if mask is not None and (mask.ndim < 2 or tuple(mask.shape[:2]) != (b, t)):
            raise ValueError(f"{self.name}: mask of shape {tuple(mask.shape)} does not "
                             f"match the inputs' (batch, time) = ({b}, {t})")
        kwargs = {}
        layer = self.layer  # what its call takes: read once per class (Layer's attributes)
        if mask is not None and layer._call_accepts_mask:
            kwargs["mask"] = mask
        takes_training = layer._call_accepts_training
        if training and takes_training:
            outs = []
            for i in range(t):
                step = {k: v[:, i] for k, v in kwargs.items()}
                outs.append(self.layer(inputs[:, i], training=training, **step))
            return optree.tree_map(lambda *xs: xnp.stack(xs, axis=1), *outs)
        if takes_training and training is not None:
            kwargs["training"] = training
        for k, v in list(kwargs.items()):
            if k == "mask":
                kwargs[k] = xnp.reshape(v, (b * t, *v.shape[2:]))
        out = self.layer(xnp.reshape(inputs, (b * t, *inputs.shape[2:])), **kwargs)
        return optree.tree_map(lambda y: xnp.reshape(y, (b, t, *y.shape[1:])), out)

    def get_config(self) -> dict:
        return {**super().get_config(),
                "layer": keras_object("keras.layers", type(self.layer).__name__,
                                      self.layer.get_config())}

    @classmethod
    def from_config(cls, config):
        """The layer from its config (crossops's or Keras's): the wrapped layer is the
        crossops layer of the serialized ``class_name``."""
        config = dict(config)
        spec = config.pop("layer")
        from crossops import layers
        found = getattr(layers, str(spec.get("class_name")), None)
        if not (isinstance(found, type) and issubclass(found, Layer)):
            raise ValueError(f"TimeDistributed.from_config: no crossops layer named "
                             f"{spec.get('class_name')!r} to wrap")
        inner = {k: v for k, v in spec["config"].items() if k != "build_config"}
        return cls(found.from_config(inner), **from_keras_config(cls, config))
