"""Symbolic tensors for the functional API: ``Input(shape)`` (an ``InputLayer``'s output,
in ``_input_layer``) stands for a batch of inputs; calling a layer on symbolic tensors
records a node and returns symbolic outputs whose shapes come from running the layer once
on zeros (batch of 1) of the default backend, which also builds the layer."""

from __future__ import annotations

import optree

import crossops
import crossops.numpy as xnp

from .._names import auto_name
from ..distribution._hooks import build_scope


class SymbolicTensor:
    """A placeholder with a shape (``None`` for the batch axis) and a dtype, named as Keras
    names its ``KerasTensor``s (``keras_tensor``, ``keras_tensor_1`` ...) unless given a
    name; an ``Input``'s also points at its ``InputLayer`` (``_input_layer``, as a Keras
    tensor's history points at its layer)."""

    def __init__(self, shape, dtype="float32", node=None, index=0, name=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.node = node
        self.index = index
        self.name = name or auto_name("keras_tensor")
        #: the InputLayer whose output this is (an ``Input``), else None
        self._input_layer = None

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<SymbolicTensor shape={self.shape} dtype={self.dtype} name={self.name}>"


class Node:
    """One layer call in a functional graph."""

    def __init__(self, layer, args, kwargs, outputs):
        self.layer, self.args, self.kwargs, self.outputs = layer, args, kwargs, outputs


def _is_sym(x):
    return isinstance(x, SymbolicTensor)


def _zeros(t: SymbolicTensor):
    return xnp.zeros(tuple(1 if d is None else d for d in t.shape), dtype=t.dtype)


def symbolic_call(layer, args, kwargs):
    """Record ``layer(*args, **kwargs)`` on symbolic tensors; build the layer on zeros."""
    # the layer's backend: where it was built, else where it was made
    backend = layer._backend or layer._made_on
    with crossops.use_backend(backend), build_scope(backend):  # zeros beside split weights
        concrete_args, concrete_kwargs = optree.tree_map(
            lambda x: _zeros(x) if _is_sym(x) else x, (args, kwargs), is_leaf=_is_sym)
        out = layer(*concrete_args, **concrete_kwargs)
    leaves, treedef = optree.tree_flatten(out)
    node = Node(layer, args, kwargs, None)
    # the batch size stays known where every symbolic input's is (Keras's): the zeros had it
    known = all(t.shape[:1] != (None,) for t in optree.tree_leaves((args, kwargs),
                                                                    is_leaf=_is_sym)
                if _is_sym(t))
    outputs = [SymbolicTensor((o.shape[0] if known and len(o.shape) else None,)
                              + tuple(o.shape[1:]), _dtype_name(o.dtype), node, i)
               for i, o in enumerate(leaves)]
    node.outputs = optree.tree_unflatten(treedef, outputs)
    layer._output_shape = outputs[0].shape if len(outputs) == 1 else [o.shape for o in outputs]
    return node.outputs


def _dtype_name(dtype):
    from .._dtypes import dtype_name
    return dtype_name(dtype)


def topological_nodes(inputs, outputs) -> list[Node]:
    """The nodes between ``inputs`` and ``outputs``, each after the nodes it reads."""
    input_ids = {id(t) for t in optree.tree_leaves(inputs, is_leaf=_is_sym)}
    order, seen = [], set()

    def visit(t):
        if id(t) in input_ids:
            return
        if t.node is None:
            raise ValueError(f"the functional graph reads {t.name} (shape {t.shape}), which "
                             "is not one of the model's inputs")
        if id(t.node) in seen:
            return
        for parent in optree.tree_leaves((t.node.args, t.node.kwargs), is_leaf=_is_sym):
            if _is_sym(parent):
                visit(parent)
        seen.add(id(t.node))
        order.append(t.node)

    for t in optree.tree_leaves(outputs, is_leaf=_is_sym):
        visit(t)
    return order


def run_graph(nodes, inputs, outputs, values, training=False):
    """Evaluate the graph: ``values`` are arrays for ``inputs`` (same structure)."""
    env = {id(t): v for t, v in zip(optree.tree_leaves(inputs, is_leaf=_is_sym),
                                    optree.tree_leaves(values))}
    for node in nodes:
        args, kwargs = optree.tree_map(lambda x: env[id(x)] if _is_sym(x) else x,
                                       (node.args, node.kwargs), is_leaf=_is_sym)
        out = node.layer(*args, training=training, **kwargs)
        for t, v in zip(optree.tree_leaves(node.outputs, is_leaf=_is_sym),
                        optree.tree_leaves(out)):
            env[id(t)] = v
    return optree.tree_map(lambda t: env[id(t)], outputs, is_leaf=_is_sym)
