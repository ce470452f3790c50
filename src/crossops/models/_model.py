"""Models: the functional ``Model(inputs, outputs)``, ``Sequential`` and subclassed
``Model``, with ``compile`` / ``fit`` / ``evaluate`` / ``predict``, ``summary`` and
weights files."""

from __future__ import annotations

import numpy as np
import optree

import crossops

from .._shapes import static_dims
from ..layers._input_layer import Input, InputLayer, input_layer_of
from ..layers._layer import Layer, _wrap_torch_module, module_home
from ..layers._symbolic import SymbolicTensor, run_graph, topological_nodes
from ..saving import _keras_file, _keras_h5, _registry
from ..saving._serialization import serialize_keras_object
from ..trainers._trainer import Trainer


class Model(Trainer, Layer):
    """A layer with training: subclass it and define ``call``, or build it functionally as
    ``Model(inputs=..., outputs=...)`` (see :class:`Functional`).

    Examples
    --------
    >>> from crossops import layers, models
    >>> x = layers.Input((4,))
    >>> model = models.Model(x, layers.Dense(2)(x))
    >>> model.count_params()
    10
    """

    def __new__(cls, *args, **kwargs):
        functional = cls is Model and (len(args) >= 2 or "outputs" in kwargs)
        return Layer.__new__(Functional if functional else cls)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stop_training = False

    # -- files ------------------------------------------------------------------------------
    def save(self, filepath, overwrite=True, include_optimizer=True):
        """Write the whole model to a Keras 3 ``.keras`` file: its config, its weights in
        Keras's h5 layout, its compile configuration and its optimizer's state. Keras 3's
        ``keras.models.load_model`` reads it, as does :func:`crossops.models.load_model`.

        Examples
        --------
        >>> import os, tempfile
        >>> from crossops import layers, models
        >>> model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> model.compile(optimizer="adam", loss="mse")
        >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
        >>> model.save(path)
        >>> type(models.load_model(path).optimizer).__name__
        'Adam'
        """
        import os
        if not overwrite and os.path.exists(filepath):
            raise ValueError(f"{self.name}.save: {os.fspath(filepath)!r} exists and "
                             "overwrite=False")
        _keras_file.save_model(self, filepath, include_optimizer=include_optimizer)

    def save_weights(self, filepath):
        """Write the weights; the file name's extension picks the format:
        ``.weights.h5`` (Keras's h5 layout, which ``keras.Model.load_weights`` reads) or
        ``.safetensors``. Other extensions raise a ValueError."""
        _keras_file.save_weights(self, filepath)

    def load_weights(self, filepath):
        """Read weights by the file's extension: ``.weights.h5`` (from crossops or Keras
        3), ``.keras`` (the weights inside the zip), ``.safetensors`` or a Keras 2 ``.h5``.
        Every count and shape is checked first: a failed load leaves the model's weights
        unchanged and raises a ValueError naming the file and what differs."""
        _keras_file.load_weights(self, filepath)

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, **kwargs):
        self._compile_args = {"optimizer": optimizer, "loss": loss,
                              "loss_weights": loss_weights, "metrics": metrics,
                              "weighted_metrics": weighted_metrics}
        super().compile(optimizer=optimizer, loss=loss, loss_weights=loss_weights,
                        metrics=metrics, weighted_metrics=weighted_metrics, **kwargs)

    compile.__doc__ = Trainer.compile.__doc__

    def get_compile_config(self) -> dict | None:
        """``compile``'s arguments in Keras's serialized form (None if not compiled)."""
        if getattr(self, "optimizer", None) is None:
            return None
        args = getattr(self, "_compile_args", {})
        return {"optimizer": serialize_keras_object(self.optimizer),
                "loss": _serialize_loss(args.get("loss")),
                "loss_weights": args.get("loss_weights"),
                "metrics": _serialize_loss(args.get("metrics")),
                "weighted_metrics": _serialize_loss(args.get("weighted_metrics")),
                "run_eagerly": bool(self.run_eagerly),
                "steps_per_execution": 1, "jit_compile": self.jit_compile is True}

    def compile_from_config(self, config: dict) -> None:
        """Compile as ``get_compile_config`` (crossops's or Keras's) describes."""
        from ..saving._serialization import deserialize_keras_object
        optimizer = config.get("optimizer") or "rmsprop"
        if isinstance(optimizer, dict):
            optimizer = deserialize_keras_object(_optimizer_config(optimizer))
        self.compile(optimizer=optimizer, loss=_deserialize_loss(config.get("loss")),
                     loss_weights=config.get("loss_weights"),
                     metrics=_deserialize_loss(config.get("metrics")),
                     weighted_metrics=_deserialize_loss(config.get("weighted_metrics")),
                     run_eagerly=bool(config.get("run_eagerly", False)))

    def get_build_config(self) -> dict:
        inputs = getattr(self, "inputs", None)
        if inputs is None and getattr(self, "_input", None) is not None:
            inputs = self._input
        if inputs is None:
            return {"input_shape": self.__dict__.get("_build_input_shape")}
        shapes = [list(t.shape) for t in optree.tree_leaves(inputs, is_leaf=_is_sym)]
        return {"input_shape": shapes[0] if len(shapes) == 1 else shapes}

    def _keras_layer_list(self):
        """The layers whose weights Keras keeps under ``layers/`` (None: a subclassed
        model, whose sublayers are kept under their attribute names)."""
        return None

    def build(self, input_shape):
        """Record the input shape (a subclassed model makes its weights at its first
        call); ``get_build_config`` gives it, so that a loaded model is built again."""
        self._build_input_shape = _shape_list(input_shape)

    def build_from_config(self, config: dict) -> None:
        """Build the model as ``get_build_config`` describes: a subclassed model is called
        once on zeros of that shape (a batch of one), which makes its weights."""
        shape = (config or {}).get("input_shape")
        if self.built and self.weights or shape is None:
            return
        import crossops
        import crossops.numpy as xnp

        def zeros(s):
            return xnp.zeros(tuple(1 if d is None else d for d in s), dtype="float32")
        with crossops.use_backend(self._backend or self._made_on):
            many = bool(shape) and isinstance(shape[0], list | tuple)
            self(([zeros(s) for s in shape]) if many else zeros(shape))

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The model from its config: a functional model's config (``name``, ``layers``,
        ``input_layers``, ``output_layers``) read by ``Model`` itself gives a
        :class:`Functional` (as Keras's ``Model.from_config``); otherwise the config's
        arguments go to the class's constructor."""
        if cls is Model and all(k in config for k in ("name", "layers", "input_layers",
                                                      "output_layers")):
            return Functional.from_config(config, custom_objects=custom_objects)
        with _registry.custom_object_scope(custom_objects):
            return super().from_config(config)

    # -- layers -------------------------------------------------------------------------------
    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer of the model by its name or by its index in ``layers`` (Keras's
        ``Model.get_layer``); a functional model's InputLayers are found too.

        Parameters
        ----------
        name : str, optional
            The layer's name.
        index : int, optional
            Its position in ``layers``. Give ``name`` or ``index``, not both.

        Returns
        -------
        Layer

        Raises
        ------
        ValueError
            If both or neither are given, or no layer has that name or index.

        Examples
        --------
        >>> from crossops import layers, models
        >>> x = layers.Input((3,), name="x")
        >>> model = models.Model(x, layers.Dense(2, name="d")(x))
        >>> model.get_layer("d").units, type(model.get_layer(index=0)).__name__
        (2, 'InputLayer')
        """
        listed = self.__dict__.get("layers")
        listed = list(listed if listed is not None else self._tracked)
        if index is not None and name is not None:
            raise ValueError(f"{self.name}.get_layer: provide only a layer name or a layer "
                             f"index. Received: index={index}, name={name}.")
        if index is not None:
            if len(listed) <= index:
                raise ValueError(f"{self.name}.get_layer: was asked to retrieve layer at "
                                 f"index {index} but model only has {len(listed)} layers.")
            return listed[index]
        if name is not None:
            for layer in listed:
                if layer.name == name:
                    return layer
            raise ValueError(f"{self.name}.get_layer: no such layer: {name}. Existing layers "
                             f"are: {[layer.name for layer in listed]}.")
        raise ValueError(f"{self.name}.get_layer: provide either a layer name or layer "
                         "index.")

    # -- summary ------------------------------------------------------------------------------

    def summary(self, print_fn=print):
        """Print a table of the layers, their output shapes and parameter counts."""
        layers = getattr(self, "layers", None) or self._tracked
        rows = [(f"{layer.name} ({type(layer).__name__})",
                 str(getattr(layer, "_output_shape", "?")), layer.count_params())
                for layer in layers]
        w = max([len(r[0]) for r in rows] + [20])
        print_fn(f'Model: "{self.name}"')
        print_fn(f"{'Layer (type)':<{w}}  {'Output shape':<20}  {'Param #':>10}")
        for name, shape, count in rows:
            print_fn(f"{name:<{w}}  {shape:<20}  {count:>10,}")
        trainable = int(sum(np.prod(v.shape) for v in self.trainable_variables))
        print_fn(f"Total params: {self.count_params():,} (trainable {trainable:,}, "
                 f"non-trainable {self.count_params() - trainable:,})")


class Functional(Model):
    """A model given by symbolic ``inputs`` and the ``outputs`` computed from them."""

    def __init__(self, inputs, outputs, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self._nodes = topological_nodes(inputs, outputs)
        # Keras's order (by depth from the inputs), so that get_weights / set_weights and
        # the weights files' per-class numbering agree with Keras's for branching graphs
        listed = _keras_h5.keras_layer_order(inputs, outputs, self._nodes)
        # the layers are tracked without the InputLayers (no weights; a torch model's
        # submodules keep their names), then listed with them, as Keras's ``layers``
        self.layers = [layer for layer in listed if not isinstance(layer, InputLayer)]
        self.__dict__["layers"] = listed
        self.built = True

    @property
    def inputs(self) -> list:
        """The input tensors, flat (Keras's); ``input`` keeps the structure given."""
        return _flat(self._inputs_struct)

    @property
    def outputs(self) -> list:
        """The output tensors, flat (Keras's); ``output`` keeps the structure given."""
        return _flat(self._outputs_struct)

    @property
    def output_names(self) -> list[str]:
        """The names of the layers that give the outputs, in ``outputs`` order (Keras's:
        ``compile``'s losses and metrics are keyed by them)."""
        return [(t.node.layer if t.node is not None else t._input_layer).name
                for t in self.outputs]

    @property
    def input(self):
        """The inputs as given to the constructor (a tensor, list or dict)."""
        return self._inputs_struct

    @property
    def output(self):
        """The outputs as given to the constructor (a tensor, list or dict)."""
        return self._outputs_struct

    def call(self, inputs, training=False):
        return run_graph(self._nodes, self._inputs_struct, self._outputs_struct, inputs,
                         training=training)

    def _keras_layer_list(self):
        return list(self.layers)

    def get_config(self):
        """Keras 3's functional config: every layer (the inputs as InputLayers) with the
        calls it made (``inbound_nodes``, whose tensors name the layer, call and output
        they come from), and the model's ``input_layers`` and ``output_layers``."""
        input_leaves = self.inputs
        # an input a layer computed has no InputLayer: one is written for it (by its name)
        loose = [t for t in input_leaves if input_layer_of(t) is None]
        names = _unique_names(self, loose)
        history = {id(t): [names[id(input_layer_of(t) or t)], 0, 0] for t in input_leaves}
        calls: dict = {}
        for node in self._nodes:
            k = calls.setdefault(id(node.layer), [])
            for j, t in enumerate(optree.tree_leaves(node.outputs, is_leaf=_is_sym)):
                history[id(t)] = [names[id(node.layer)], len(k), j]
            k.append(node)

        def encode(tree):
            return optree.tree_map(
                lambda x: {"class_name": "__keras_tensor__", "config": {
                    "shape": list(x.shape), "dtype": x.dtype,
                    "keras_history": history[id(x)]}} if _is_sym(x) else
                serialize_keras_object(x), tree, is_leaf=_is_sym, none_is_leaf=True)
        entries = []
        for t in loose:
            entry = serialize_keras_object(InputLayer(batch_shape=t.shape, dtype=t.dtype,
                                                      name=names[id(t)]))
            entries.append({**entry, "name": names[id(t)], "inbound_nodes": []})
        for layer in self._keras_layer_list():
            entry = serialize_keras_object(layer)
            entry["name"] = names[id(layer)]
            entry["inbound_nodes"] = [{"args": encode(list(n.args)), "kwargs": encode(n.kwargs)}
                                      for n in calls.get(id(layer), [])]
            entries.append(entry)

        def refs(tree):  # Keras's: a dict stays a dict, a list or tuple is a list
            if isinstance(tree, dict):
                return {k: refs(v) for k, v in tree.items()}
            leaves = optree.tree_leaves(tree, is_leaf=_is_sym)
            out = [history[id(t)] for t in leaves]
            return out[0] if _is_sym(tree) else out
        return {"name": self.name, "trainable": self.trainable, "layers": entries,
                "input_layers": refs(self._inputs_struct),
                "output_layers": refs(self._outputs_struct)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The model from its config: Keras 3's form (``inbound_nodes`` of
        ``__keras_tensor__`` args), or Keras 2's (lists of ``[layer, node, tensor,
        kwargs]``)."""
        from ..saving._serialization import deserialize_keras_object
        with _registry.custom_object_scope(custom_objects):
            return _functional_from_config(cls, config, deserialize_keras_object)


def _is_sym(x):
    return isinstance(x, SymbolicTensor)


def _flat(tree) -> list:
    """The symbolic tensors of a structure, as a list."""
    return [t for t in optree.tree_leaves(tree, is_leaf=_is_sym) if _is_sym(t)]


class Sequential(Model):
    """A stack of layers, each called on the previous one's output.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops import layers, models
    >>> model = models.Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(1)])
    >>> model.predict(np.zeros((5, 3), np.float32), verbose=0).shape
    (5, 1)
    """

    def __init__(self, layers=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.layers = []
        self._input = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        """Put ``layer`` on top of the stack: a Layer (a bare torch module is wrapped), or
        first an ``Input`` or ``InputLayer`` (the model's input: built at once, and not
        listed in ``layers``, as Keras's)."""
        if isinstance(layer, SymbolicTensor) and input_layer_of(layer) is not None:
            layer = input_layer_of(layer)
        if isinstance(layer, InputLayer):
            if self._input is not None or self.layers:
                raise ValueError(f"{self.name}.add: an Input or InputLayer can only come "
                                 f"first (the model has "
                                 f"{'an input' if self._input is not None else 'layers'}"
                                 " already)")
            self._input = layer.output
            return
        if not isinstance(layer, Layer) and module_home(type(layer)) is not None:
            layer = _wrap_torch_module(layer, self._made_on)  # a bare torch module
        if not isinstance(layer, Layer):
            raise TypeError(f"{self.name}.add: expected a Layer (or a torch.nn.Module), "
                            f"got {type(layer).__name__}")
        self.layers = [*self.layers, layer]
        if self._input is not None:
            self._build_symbolic()

    def _build_symbolic(self):
        """Call the layers on the Input, in this model's name scope (as Keras's build
        does): a layer built here has the model's path in front of its weights'
        (``sequential/dense/kernel``); one built before keeps its own."""
        with self._name_scope():
            self._call_symbolic(self._input)
        self.built = True

    @property
    def inputs(self) -> list:
        """The input tensor in a list, once the model has an input (given, or made by a
        build or first call); before, an AttributeError (Keras's)."""
        if self._input is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined inputs yet.")
        return [self._input]

    @property
    def outputs(self) -> list:
        """The output tensor in a list, once the model has an input and layers; before, an
        AttributeError (Keras's)."""
        output = self.__dict__.get("_output")
        if output is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined outputs "
                                 "yet.")
        return [output]

    def __call__(self, *args, **kwargs):
        if not self.built and self.layers and args and isinstance(args[0], SymbolicTensor):
            # called on a symbolic tensor (inside another model's build): built from its
            # shape, its batch size None where the tensor's is, as Keras's (the generic
            # path would build it from the zeros of a batch of one that stand for it)
            self._backend = self._made_on
            with self._name_scope(), crossops.use_backend(self._backend):
                self.build(args[0].shape)
            self.built = True
        return super().__call__(*args, **kwargs)

    def build(self, input_shape):
        """Build the layers for inputs of ``input_shape`` (the batch size included), as
        Keras's: an input of that shape (Keras's InputLayer, with the first layer's
        compute dtype) goes first, and the config then holds it."""
        shape = static_dims(input_shape)
        if self._input is not None:
            if shape != tuple(self._input.shape):
                raise ValueError(f"{self.name}.build: the model has an Input of shape "
                                 f"{tuple(self._input.shape)}; it cannot be built for "
                                 f"input_shape {shape}")
        elif self.layers:
            self._input = Input(shape[1:], batch_size=shape[0],
                                dtype=self.layers[0].compute_dtype)
        else:
            self._build_input_shape = list(shape)
            return
        self._call_symbolic(self._input)

    def _call_symbolic(self, x):
        """Call the layers in turn on the symbolic ``x``, keeping each one's input shape
        (its ``build_config`` in the model's config, as Keras's)."""
        shapes = []
        for layer in self.layers:
            shapes.append(list(x.shape))
            x = layer(x)
        self._layer_input_shapes = shapes
        self._output = x

    def call(self, inputs, training=False):
        x = inputs
        for layer in self.layers:
            x = layer(x, training=training)
        return x

    def _keras_layer_list(self):
        return list(self.layers)

    def get_config(self):
        """Keras 3's Sequential config: ``name``, ``trainable``, ``dtype``, the layers in
        order (an InputLayer first once the model has an input: given, or made by a
        build or first call) and, once built, ``build_input_shape`` (the batch size
        included)."""
        entries = []
        if self._input is not None:
            entries.append(serialize_keras_object(input_layer_of(self._input)))
        shapes = self.__dict__.get("_layer_input_shapes") or []
        for i, layer in enumerate(self.layers):
            entry = serialize_keras_object(layer)
            if layer.built and i < len(shapes) and "build_config" not in entry:
                # Keras's: the layer is built from it when deserialized, before the model
                # is (so its weights' paths have no model in front, as in Keras)
                entry["build_config"] = {"input_shape": shapes[i]}
            if isinstance(layer, Model) and "compile_config" not in entry:
                entry["compile_config"] = layer.get_compile_config() or {}  # Keras's
            entries.append(entry)
        config = {**Layer.get_config(self), "layers": entries}
        if self._input is not None:
            config["build_input_shape"] = list(self._input.shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The model from its config (crossops's, Keras 3's or Keras 2's)."""
        from ..saving._serialization import deserialize_keras_object
        model = cls(name=config.get("name"))
        with _registry.custom_object_scope(custom_objects):
            specs = list(config.get("layers", []))
            first = specs[0].get("config", {}) if specs else {}
            batch_shape = None
            if specs and specs[0].get("class_name") != "InputLayer":
                batch_shape = first.get("batch_input_shape") or first.get("batch_shape")
            if batch_shape is not None:  # Keras 2: the first layer's input shape
                model.add(Input(tuple(batch_shape[1:]), dtype=_dtype_name(first)))
                specs[0] = {**specs[0], "config": {k: v for k, v in first.items()
                                                   if k not in ("batch_input_shape",
                                                                "batch_shape")}}
            for spec in specs:
                model.add(deserialize_keras_object(spec))
        shape = config.get("build_input_shape")
        if not model.built and shape is not None and model.layers:
            model.build(tuple(shape))
        return model


def _shape_list(shape):
    """A shape (or a list of shapes) as JSON-ready lists."""
    if isinstance(shape, list | tuple) and shape and isinstance(shape[0], list | tuple):
        return [list(s) for s in shape]
    return None if shape is None else list(shape)


def _dtype_name(config) -> str:
    dtype = config.get("dtype") or "float32"
    if isinstance(dtype, dict):
        dtype = dtype.get("config", {}).get("name", "float32")
    return "float32" if str(dtype).startswith("mixed_") else dtype


def _unique_names(model, loose_inputs) -> dict:
    """A name per layer of a functional model (its InputLayers included) and per input
    tensor without an InputLayer (Keras's configs refer to them by name), made unique
    where two share one."""
    names, used = {}, set()
    for obj, name in [*((t, t.name) for t in loose_inputs),
                      *((layer, layer.name) for layer in model.layers)]:
        base, n = name, 0
        while name in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        names[id(obj)] = name
    return names


def _functional_from_config(cls, config, deserialize):
    specs = config.get("layers")
    if not isinstance(specs, list):
        raise ValueError(f"{cls.__name__}.from_config: the config has no layers list")
    created, outputs, pending = {}, {}, []
    for spec in specs:
        name = spec.get("name") or spec.get("config", {}).get("name")
        obj = deserialize({k: v for k, v in spec.items() if k not in ("inbound_nodes",
                                                                       "name")})
        created[name] = obj
        if isinstance(obj, InputLayer):
            outputs[(name, 0)] = [obj.output]
        else:
            for i, node in enumerate(spec.get("inbound_nodes", [])):
                pending.append((name, i, node))

    def tensor(ref):
        key = (ref[0], ref[1])
        if key not in outputs:
            raise KeyError(key)
        return outputs[key][ref[2]]

    def decode(x):
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            return tensor(x["config"]["keras_history"])
        if isinstance(x, dict):
            return {k: decode(v) for k, v in x.items()}
        if isinstance(x, list):
            return [decode(v) for v in x]
        return x
    while pending:
        progress = []
        for item in pending:
            name, i, node = item
            try:
                if isinstance(node, dict):  # Keras 3
                    args = decode(node.get("args", []))
                    kwargs = {k: v for k, v in decode(node.get("kwargs", {})).items()
                              if v is not None and k not in _CALL_STATE}
                else:  # Keras 2: [[layer, node, tensor, kwargs], ...]
                    args = [tensor(ref) for ref in node]
                    kwargs = {k: v for k, v in (node[0][3] if node and len(node[0]) > 3
                                                else {}).items() if v is not None}
                    args = [args[0] if len(args) == 1 else args]
            except KeyError:
                continue
            out = created[name](*args, **kwargs)
            outputs[(name, i)] = optree.tree_leaves(out, is_leaf=_is_sym)
            progress.append(item)
        if not progress:
            missing = sorted({n for n, _, _ in pending})
            raise ValueError(f"{cls.__name__}.from_config: the calls of {missing} read "
                             "tensors no layer makes; the config is not a connected graph")
        pending = [p for p in pending if p not in progress]

    def refs(value):
        if isinstance(value, dict):
            return {k: refs(v) for k, v in value.items()}
        if value and isinstance(value[0], str):
            return tensor(value)
        tensors = [tensor(r) for r in value]
        return tensors[0] if len(tensors) == 1 else tensors  # as Keras's unpack_singleton
    model = cls(refs(config["input_layers"]), refs(config["output_layers"]),
                name=config.get("name"))
    if config.get("trainable") is False:
        model.trainable = False
    return model


#: call arguments of Keras's nodes that a crossops graph gives each call itself
_CALL_STATE = ("training", "mask")


def _serialize_loss(loss):
    """A loss or metric for a compile config: a name as it is, an object serialized, a
    function by its name."""
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, list | tuple):
        return [_serialize_loss(x) for x in loss]
    if isinstance(loss, dict):  # per output name (Keras keeps the dict)
        return {k: _serialize_loss(v) for k, v in loss.items()}
    if hasattr(loss, "get_config"):
        return serialize_keras_object(loss)
    name = getattr(loss, "__name__", None)
    if name is None or name == "<lambda>":
        raise ValueError(f"save: cannot save the loss or metric {loss!r}; use a name, a "
                         "Loss or Metric, or a named function")
    return name


def _deserialize_loss(value):
    """A loss or metric from a compile config (names stay names, which compile reads;
    objects crossops has by that class name are built; lists and dicts of them per
    output)."""
    if isinstance(value, list | tuple):
        return [_deserialize_loss(v) for v in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {k: _deserialize_loss(v) for k, v in value.items()}
    if not isinstance(value, dict):
        return value
    from ..saving._serialization import deserialize_keras_object
    if value.get("class_name") == "function":
        return value.get("config")
    try:
        return deserialize_keras_object(value)
    except (ValueError, TypeError):
        config = value.get("config") or {}
        return config.get("name") or value.get("class_name")


#: Keras optimizer keys crossops's optimizers do not take, ignored at these values
_OPTIMIZER_DEFAULTS = {"use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                       "loss_scale_factor": None, "is_legacy_optimizer": False,
                       "jit_compile": None, "decay": 0.0}


def _optimizer_config(config: dict) -> dict:
    """A Keras optimizer config with the keys crossops's optimizers take (None values and
    Keras's defaults of features crossops lacks dropped; others raise)."""
    inner = {}
    for key, value in (config.get("config") or {}).items():
        if value is None or key in ("ema_momentum", "jit_compile") or \
                _OPTIMIZER_DEFAULTS.get(key, object()) == value:
            continue
        if key in _OPTIMIZER_DEFAULTS:
            raise ValueError(f"compile_from_config: the optimizer sets {key}={value!r}, "
                             "which crossops's optimizers do not support")
        inner[key] = value
    return {**config, "config": inner}


_registry.register_builtin("keras", Sequential)
_registry.register_builtin("keras.models", Sequential)
_registry.register_builtin("keras.src.models.functional", Functional)
_registry.register_builtin("keras", Functional)
_registry.register_builtin("keras", Functional, "Model")
