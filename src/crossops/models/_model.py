"""Models: the functional ``Model(inputs, outputs)``, ``Sequential`` and subclassed
``Model``, with ``compile`` / ``fit`` / ``evaluate`` / ``predict``, ``summary`` and
weights files."""

from __future__ import annotations

import numpy as np
import optree

from ..layers._layer import Layer, _torch_if_loaded, _wrap_torch_module
from ..layers._symbolic import Input, SymbolicTensor, run_graph, topological_nodes
from ..trainers._trainer import Trainer
from . import _saving


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

    # -- weights, summary -------------------------------------------------------------------
    def save_weights(self, filepath):
        """Write the weights to a safetensors file, readable on every backend."""
        _saving.save_weights(self, filepath)

    def load_weights(self, filepath):
        """Read weights written by ``save_weights`` (on any backend); a failed load leaves
        the model's weights unchanged."""
        _saving.load_weights(self, filepath)

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
        self.inputs, self.outputs = inputs, outputs
        self._nodes = topological_nodes(inputs, outputs)
        layers = []
        for node in self._nodes:
            if all(node.layer is not x for x in layers):
                layers.append(node.layer)
        self.layers = layers
        self.built = True

    def call(self, inputs, training=False):
        return run_graph(self._nodes, self.inputs, self.outputs, inputs, training=training)

    def get_config(self):
        """The layers' configs and the graph: which layer each call ran, on which tensors
        (an input's index, or a node's index and output index)."""
        input_leaves = optree.tree_leaves(self.inputs, is_leaf=_is_sym)
        where = {id(t): ("input", i) for i, t in enumerate(input_leaves)}
        for k, node in enumerate(self._nodes):
            for j, t in enumerate(optree.tree_leaves(node.outputs, is_leaf=_is_sym)):
                where[id(t)] = ("node", k, j)

        def encode(tree):
            return optree.tree_map(lambda x: {"tensor": list(where[id(x)])} if _is_sym(x)
                                   else x, tree, is_leaf=_is_sym)
        index = {id(layer): i for i, layer in enumerate(self.layers)}
        return {
            "name": self.name,
            "layers": [{"class_name": type(x).__name__, "config": x.get_config()}
                       for x in self.layers],
            "inputs": encode(self.inputs),
            "input_specs": [{"shape": list(t.shape[1:]), "dtype": t.dtype}
                            for t in input_leaves],
            "nodes": [{"layer": index[id(n.layer)], "args": encode(list(n.args)),
                       "kwargs": encode(n.kwargs)} for n in self._nodes],
            "outputs": encode(self.outputs),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .. import layers as layers_mod
        known = {**vars(layers_mod), **(custom_objects or {})}
        built = []
        for spec in config["layers"]:
            layer_cls = known.get(spec["class_name"])
            if layer_cls is None:
                raise ValueError(f"Functional.from_config: unknown layer class "
                                 f"{spec['class_name']!r}; pass it in custom_objects")
            built.append(layer_cls.from_config(spec["config"]))
        inputs = [Input(tuple(s["shape"]), dtype=s["dtype"]) for s in config["input_specs"]]
        outputs = []

        def decode(tree):
            def one(x):
                if isinstance(x, dict) and set(x) == {"tensor"}:
                    ref = x["tensor"]
                    return inputs[ref[1]] if ref[0] == "input" else outputs[ref[1]][ref[2]]
                return x
            return optree.tree_map(one, tree, is_leaf=lambda x: isinstance(x, dict) and
                                   set(x) == {"tensor"})
        for node in config["nodes"]:
            out = built[node["layer"]](*decode(node["args"]), **decode(node["kwargs"]))
            outputs.append(optree.tree_leaves(out, is_leaf=_is_sym))
        return cls(decode(config["inputs"]), decode(config["outputs"]), name=config["name"])


def _is_sym(x):
    return isinstance(x, SymbolicTensor)


class Sequential(Model):
    """A stack of layers, each called on the previous one's output.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops import layers, models
    >>> model = models.Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(1)])
    >>> model.predict(np.zeros((5, 3), np.float32)).shape
    (5, 1)
    """

    def __init__(self, layers=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.layers = []
        self._input = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        if isinstance(layer, SymbolicTensor):
            if self._input is not None or self.layers:
                raise ValueError(f"{self.name}: an Input can only come first")
            self._input = layer
            return
        torch = _torch_if_loaded()
        if torch is not None and isinstance(layer, torch.nn.Module) and \
                not isinstance(layer, Layer):
            layer = _wrap_torch_module(layer, self._made_on)  # a bare torch module
        if not isinstance(layer, Layer):
            raise TypeError(f"{self.name}.add: expected a Layer (or a torch.nn.Module), "
                            f"got {type(layer).__name__}")
        self.layers = [*self.layers, layer]
        if self._input is not None:
            self._build_symbolic()

    def _build_symbolic(self):
        x = self._input
        for layer in self.layers:
            x = layer(x)
        self.built = True

    def build(self, input_shape):
        x = Input(tuple(input_shape[1:]))
        for layer in self.layers:
            x = layer(x)

    def call(self, inputs, training=False):
        x = inputs
        for layer in self.layers:
            x = layer(x, training=training)
        return x

    def get_config(self):
        return {"name": self.name, "layers": [
            {"class_name": type(layer).__name__, "config": layer.get_config()}
            for layer in self.layers],
            "input_shape": None if self._input is None else self._input.shape[1:]}

    @classmethod
    def from_config(cls, config):
        from .. import layers as layers_mod
        model = cls(name=config.get("name"))
        if config.get("input_shape") is not None:
            model.add(Input(tuple(config["input_shape"])))
        for spec in config["layers"]:
            model.add(getattr(layers_mod, spec["class_name"]).from_config(spec["config"]))
        return model


