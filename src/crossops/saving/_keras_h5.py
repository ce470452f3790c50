"""Keras 3's h5 weights layout (``model.weights.h5`` in a ``.keras`` file, and
``.weights.h5`` files): one group per saveable object, its variables as datasets
``<path>/vars/0``, ``<path>/vars/1`` ... in creation order.

The paths are Keras's: the model's own variables at ``vars``; a Sequential's or
Functional's layers at ``layers/<class name in snake case>`` (numbered ``_1``, ``_2`` ...
per class in Keras's layer order); a layer's sublayers at the attribute names Keras gives
them (a recurrent layer's ``cell``, MultiHeadAttention's ``query_dense`` ...); the
optimizer at ``optimizer`` with Keras's variable order (iterations, learning rate, then
the slots).
"""

from __future__ import annotations

import numpy as np

from .._backend import backend_of_type
from ..layers import _attention, _rnn
from ..layers._layer import Layer, _to_backend
from ._serialization import snake

#: Keras's slot groups per optimizer (each group one ``add_optimizer_variables`` call:
#: its slots interleaved per variable); default: all slots in one group
_SLOT_GROUPS = {
    "RMSprop": lambda opt, n: [(i,) for i in range(n)],
    "Adam": lambda opt, n: [(0, 1), (2,)] if n == 3 else [tuple(range(n))],
    "AdamW": lambda opt, n: [(0, 1), (2,)] if n == 3 else [tuple(range(n))],
}


# -- the tree of saveables -------------------------------------------------------------------
def entries(obj, path: str = "", include_optimizer: bool = True) -> list:
    """``(path, name, variables)`` for ``obj`` and everything below it, in Keras's layout;
    ``path`` "" is the root (its variables at ``vars``)."""
    out: list = []
    seen: set = set()
    _walk(obj, path, out, seen)
    if include_optimizer and getattr(obj, "optimizer", None) is not None:
        out.append(("optimizer", obj.optimizer.name, None))  # filled by optimizer_arrays
    return out


def _walk(obj, path, out, seen):
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, _rnn._RNN):
        out.append((path, obj.name, []))
        out.append((_join(path, "cell"), f"{snake(obj)}_cell", _own(obj)))
        return
    if isinstance(obj, _attention.MultiHeadAttention):
        out.append((path, obj.name, []))
        weights = {v.name: v for v in _own(obj)}
        out.append((_join(path, "_dropout_layer"), "dropout", []))
        out.append((_join(path, "_softmax"), "softmax", []))
        for part, name in (("key_dense", "key"), ("output_dense", "attention_output"),
                           ("query_dense", "query"), ("value_dense", "value")):
            out.append((_join(path, part), name,
                        [weights[f"{name}/{w}"] for w in ("kernel", "bias")
                         if f"{name}/{w}" in weights]))
        return
    out.append((path, obj.name, _own(obj)))
    listed = obj._keras_layer_list() if hasattr(obj, "_keras_layer_list") else None
    if listed is not None:
        _container(listed, _join(path, "layers"), out, seen)
    names = {*vars(obj), *getattr(obj, "_modules", {})}  # torch keeps modules apart
    for attr in sorted(names, key=lambda a: f"~{a}" if a.startswith("_") else a):
        if attr.startswith("_") or attr in ("layers", "optimizer"):
            continue
        value = getattr(obj, attr, None)
        if isinstance(value, Layer):
            _walk(value, _join(path, attr), out, seen)
        elif isinstance(value, list | tuple | dict) and any(
                isinstance(v, Layer) for v in (value.values() if isinstance(value, dict)
                                               else value)):
            _container(value, _join(path, attr), out, seen)


def _container(items, path, out, seen):
    used: dict = {}
    for item in (items.values() if isinstance(items, dict) else items):
        if isinstance(item, Layer):
            name = snake(item)
            if name in used:
                used[name] += 1
                name = f"{name}_{used[name]}"
            else:
                used[name] = 0
            _walk(item, _join(path, name), out, seen)


def _own(layer) -> list:
    return [v for v in layer._own_weights if not v.seed_state]


def _join(path, name):
    return f"{path}/{name}" if path else name


def keras_layer_order(inputs, outputs, nodes) -> list:
    """The layers of a functional graph in Keras's order (``Functional.layers``), its
    InputLayers included: by decreasing depth, then by first visit of a depth-first walk
    from the outputs (Keras's ``map_graph``), an input no output reads at depth 0 before
    the others there; so that the per-class numbering of the weights' paths matches
    Keras's. ``nodes`` are the graph's nodes (each with ``layer``, ``args``, ``kwargs``,
    ``outputs``)."""
    import optree

    from ..layers._input_layer import input_layer_of
    from ..layers._symbolic import Node, SymbolicTensor

    def sym(x):
        return isinstance(x, SymbolicTensor)

    def parents(node):
        return [t for t in optree.tree_leaves((node.args, node.kwargs), is_leaf=sym)
                if sym(t)]
    input_leaves = [t for t in optree.tree_leaves(inputs, is_leaf=sym) if sym(t)]
    input_ids = {id(t) for t in input_leaves}
    # an input made by an InputLayer is that layer's node (Keras's); another (a tensor a
    # layer computed, given as an input) stands outside the graph
    input_nodes = {id(t): Node(input_layer_of(t), (), {}, t) for t in input_leaves
                   if input_layer_of(t) is not None}
    index: dict = {}  # layer id -> first visit
    order: list = []  # nodes, inputs first
    finished, layers = set(), {}

    def visit(t):
        node = input_nodes.get(id(t))
        if node is None and (id(t) in input_ids or t.node is None):
            return
        node = node or t.node
        if id(node) in finished:
            return
        layers[id(node.layer)] = node.layer
        index.setdefault(id(node.layer), len(index))
        for p in parents(node):
            visit(p)
        finished.add(id(node))
        order.append(node)
    for t in optree.tree_leaves(outputs, is_leaf=sym):
        visit(t)
    node_depth: dict = {}
    layer_depth: dict = {}
    by_output = {id(t): n for n in order for t in optree.tree_leaves(n.outputs, is_leaf=sym)}
    for node in reversed(order):
        depth = node_depth.setdefault(id(node), 0)
        depth = max(depth, layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        for p in parents(node):
            parent = by_output.get(id(p))
            if parent is not None:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for node in input_nodes.values():  # inputs no output reads (Keras keeps them)
        if id(node.layer) not in layers:
            layers[id(node.layer)] = node.layer
            layer_depth[id(node.layer)], index[id(node.layer)] = 0, -1
    ranked = sorted(layers, key=lambda k: (-layer_depth[k], index[k]))
    return [layers[k] for k in ranked]


# -- the optimizer --------------------------------------------------------------------------
def optimizer_arrays(model) -> list[np.ndarray]:
    """The optimizer's state in Keras's variable order: iterations, learning rate, then
    the slots of each ``add_optimizer_variables`` group interleaved per variable, then
    the optimizer-wide state (Nadam's ``u_product``). An optimizer crossops cannot lay out
    as Keras (gradient accumulation, a loss-scale wrapper) is written in crossops's own
    order (``Optimizer.save_own_variables``)."""
    opt = _built_optimizer(model)
    state = opt._state([v.value for v in opt.variables])
    if not _keras_layout(opt, state):
        store: dict = {}
        opt.save_own_variables(store)
        return [store[str(i)] for i in range(len(store))]
    slots = [[np.asarray(_host(x)) for x in s] for s in state.slots]
    n = len(slots[0]) if slots else 0
    out = [np.asarray(_host(state.iterations)).astype(np.int64),
           np.asarray(_learning_rate(opt), np.float32)]
    for group in _groups(opt, n):
        for var_slots in slots:
            out.extend(var_slots[i] for i in group)
    out.extend(np.asarray(_host(x)) for x in state.extra)
    return out


def load_optimizer_arrays(model, arrays: list, where: str) -> list:
    """The (variable, array) pairs that set the optimizer's state from ``arrays`` (Keras's
    order, or crossops's own), checked against its variables' shapes."""
    opt = _built_optimizer(model)
    setting: list = []
    leaves = [v.value for v in opt.variables]
    state = opt._state(leaves)
    if len(arrays) == len(opt.variables) and not _keras_layout(opt, state):
        ordered = list(arrays)
    else:
        slots = [len(s) for s in state.slots]
        n = slots[0] if slots else 0
        expected = 2 + sum(slots) + len(state.extra)
        if not _keras_layout(opt, state) or len(arrays) != expected:
            raise ValueError(f"{where}: the file's optimizer state has {len(arrays)} "
                             f"variables, {opt.name} on this model has {expected}; it was "
                             "saved with another optimizer or model (load with "
                             "compile=False to skip it)")
        per_var = [[None] * n for _ in slots]
        k = 2
        for group in _groups(opt, n):
            for var_slots in per_var:
                for i in group:
                    var_slots[i] = arrays[k]
                    k += 1
        ordered = [arrays[0], *(a for s in per_var for a in s), *state.accumulators,
                   arrays[0], *arrays[k:]]
        lr = float(np.asarray(arrays[1]))
        if isinstance(opt.config.get("learning_rate", 0.0), float | int) and \
                not np.isclose(lr, float(_learning_rate(opt))):
            setting = [(_LearningRate(opt), lr)]  # set by assign, after every check
    pairs = list(setting)
    for v, a in zip(opt.variables, ordered):
        a = np.asarray(a)
        if a.shape != tuple(v.shape):
            raise ValueError(f"{where}: optimizer variable {v.name} has shape "
                             f"{tuple(v.shape)}, the file's has {a.shape}")
        pairs.append((v, a))
    return pairs


def _built_optimizer(model):
    opt = model.optimizer
    if opt.variables is None:
        opt.build(model.trainable_variables)
    return opt


def _keras_layout(opt, state) -> bool:
    from ..optimizers import LossScaleOptimizer
    return not state.accumulators and not isinstance(opt, LossScaleOptimizer) and \
        len({len(s) for s in state.slots}) <= 1


def _groups(opt, n):
    rule = _SLOT_GROUPS.get(type(opt).__name__)
    return rule(opt, n) if rule is not None else [tuple(range(n))]


def _learning_rate(opt):
    lr = opt.learning_rate
    return lr if isinstance(lr, float | int) else 0.0


def _host(x):
    from .._convert import to_numpy
    return to_numpy(x)


# -- writing and reading --------------------------------------------------------------------
def write(model, h5file, include_optimizer: bool = True) -> None:
    """Write ``model``'s weights (and its optimizer's state) into the open h5py File."""
    for path, name, variables in entries(model, include_optimizer=include_optimizer):
        if variables is None:
            variables = optimizer_arrays(model)
        group = h5file.create_group(_join(path, "vars"))
        group.attrs["name"] = name
        for i, v in enumerate(variables):
            a = v if isinstance(v, np.ndarray) else v.numpy()
            if a.dtype.name == "bfloat16":
                ds = group.create_dataset(str(i), data=a)
                ds.attrs["dtype"] = "bfloat16"
            else:
                group[str(i)] = a


def read(model, h5file, where: str, include_optimizer: bool = True) -> list:
    """The (variable, array) pairs that load the open h5py File into ``model``, every
    count and shape checked (nothing is assigned here); a ValueError names what differs."""
    import h5py
    pairs = []
    expected = set()
    alias = "_layer_checkpoint_dependencies" in h5file  # Keras 2.13's name for "layers"
    for path, _name, variables in entries(model, include_optimizer=include_optimizer):
        group = _group(h5file, path, alias)
        if variables is None:
            if group is None or not len(group):
                continue  # no optimizer state saved: the optimizer keeps its own
            pairs.extend(load_optimizer_arrays(model, _arrays(group, where, path), where))
            expected.add(_join(path, "vars"))
            continue
        if variables:
            expected.add(group.name.lstrip("/") if group is not None else _join(path, "vars"))
        if group is None:
            if variables:
                raise ValueError(f"{where}: the file has no weights for {_name!r} (at "
                                 f"{_join(path, 'vars')}); it holds another architecture")
            continue
        arrays = _arrays(group, where, path)
        if len(arrays) != len(variables):
            raise ValueError(f"{where}: {_name!r} has {len(variables)} weights, the file "
                             f"has {len(arrays)} at {_join(path, 'vars')} (another "
                             "architecture?)")
        for v, a in zip(variables, arrays):
            if a.shape != tuple(v.shape):
                raise ValueError(f"{where}: {v.path} has shape {tuple(v.shape)}, the file's "
                                 f"{_join(path, 'vars')} has {a.shape}")
            pairs.append((v, a))
    extra = []

    def visit(name, obj):
        if isinstance(obj, h5py.Group) and name.split("/")[-1] == "vars" and len(obj) and \
                name not in expected and not (name.startswith("optimizer") and
                                              not include_optimizer):
            extra.append(name)
    h5file.visititems(visit)
    if alias:
        extra = [e for e in extra if e.replace("_layer_checkpoint_dependencies", "layers")
                 not in expected]
    if extra:
        raise ValueError(f"{where}: the file holds weights the model does not have (at "
                         f"{', '.join(extra[:5])}); it holds another architecture")
    return pairs


def _group(h5file, path, alias):
    name = _join(path, "vars")
    if name in h5file:
        return h5file[name]
    if alias:
        other = name.replace("layers", "_layer_checkpoint_dependencies", 1)
        if other in h5file:
            return h5file[other]
    return None


def _arrays(group, where, path) -> list[np.ndarray]:
    import h5py
    keys = sorted(group.keys(), key=lambda k: int(k) if k.isdigit() else -1)
    if any(not k.isdigit() for k in keys) or keys != [str(i) for i in range(len(keys))]:
        raise ValueError(f"{where}: {_join(path, 'vars')} holds {keys[:5]}, not the "
                         "datasets 0, 1, ... of Keras's layout")
    out = []
    for k in keys:
        ds = group[k]
        if not isinstance(ds, h5py.Dataset):
            raise ValueError(f"{where}: {_join(path, 'vars')}/{k} is not a dataset")
        a = np.asarray(ds[()])
        if ds.attrs.get("dtype") == "bfloat16":
            import ml_dtypes
            a = a.astype(ml_dtypes.bfloat16)
        out.append(a)
    return out


class _LearningRate:
    """An optimizer's learning rate as an assignment target (a saved rate that differs
    from the config's, as a schedule callback leaves it)."""

    def __init__(self, optimizer):
        self.optimizer = optimizer


def assign(pairs) -> None:
    """Set each variable to its array (cast to the variable's dtype, on its backend)."""
    for v, a in pairs:
        if isinstance(v, _LearningRate):
            v.optimizer.learning_rate = a
            continue
        host = np.asarray(a).astype(v.numpy().dtype)
        v.assign(_to_backend(host, backend_of_type(type(v._value)) or "numpy",
                             trainable=False))
