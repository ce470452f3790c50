"""What ``compile`` turns its arguments into: a loss object from a name, a class instance
or a function, and metric objects from names (``"accuracy"`` picks the accuracy that fits
the shapes of the targets and the output, as Keras 3 does), per output."""

from __future__ import annotations

import optree

from .. import losses as losses_mod
from .. import metrics as metrics_mod

#: Keras's short names of losses and metrics
ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
           "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error"}


def _classes(module, base) -> dict:
    return {k.lower(): v for k, v in vars(module).items()
            if isinstance(v, type) and issubclass(v, base)}


def get_loss(loss):
    """A :class:`crossops.losses.Loss` from ``compile``'s ``loss`` argument (None stays
    None: a model whose ``train_step`` or ``compute_loss`` computes its own loss)."""
    if loss is None or isinstance(loss, losses_mod.Loss):
        return loss
    if isinstance(loss, str):
        name = ALIASES.get(loss, loss)
        found = _classes(losses_mod, losses_mod.Loss).get(name.replace("_", "").lower())
        if found is not None:
            return found()
        fn = getattr(losses_mod, name, None)
        if fn is None:
            raise ValueError(f"compile: unknown loss {loss!r}; give a name such as "
                             "'sparse_categorical_crossentropy', a Loss or a function")
        return FunctionLoss(fn)
    if callable(loss):
        return FunctionLoss(loss)
    raise TypeError(f"compile: cannot use {loss!r} as a loss; give a name, a Loss or a "
                    "function of (y_true, y_pred)")


def _loss_name(identifier, resolved) -> str:
    """The name Keras 3 gives the loss of an output without a name (a subclassed model's):
    a loss function's name as given (``"mse"``: its tracker logs ``mse_loss``), a class's
    name (``"MeanSquaredError"``) or a Loss object's its own (``mean_squared_error``)."""
    if isinstance(identifier, str) and identifier.lower() not in ("crossentropy", "ce") \
            and identifier not in {c.__name__ for c in _classes(losses_mod, losses_mod.Loss)
                                   .values()}:
        return identifier
    return resolved.name


class FunctionLoss(losses_mod.Loss):
    """A per-example loss function used as a Loss (mean over the batch)."""

    def __init__(self, fn):
        super().__init__(name=getattr(fn, "__name__", "loss"))
        self.fn = fn

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred)


def get_metric(metric):
    """A :class:`crossops.metrics.Metric` from ``compile``'s ``metrics`` entries; a name
    becomes the metric's name in the logs, as in Keras (``"accuracy"`` without targets to
    read shapes from: :class:`~crossops.metrics.Accuracy`; :func:`_metric_for` picks by
    shapes)."""
    if isinstance(metric, metrics_mod.Metric):
        return metric
    if metric in ("accuracy", "acc"):
        return metrics_mod.Accuracy(name=metric)
    if isinstance(metric, str):
        name = ALIASES.get(metric, metric)
        found = _classes(metrics_mod, metrics_mod.Metric).get(name.replace("_", "").lower())
        if found is not None:
            return found(name=metric)
    if callable(metric) and not isinstance(metric, type):
        return metrics_mod.MeanMetricWrapper(metric, name=getattr(metric, "__name__", None))
    raise ValueError(f"compile: unknown metric {metric!r}; give a name such as 'accuracy', "
                     "a Metric or a function of (y_true, y_pred)")


def needs_sparse_labels(loss) -> bool:
    """Whether ``loss`` reads integer class labels (checked on the host before fitting)."""
    return loss is not None and "SparseCategorical" in type(loss).__name__


# -- the structure of the outputs: Keras 3's CompileLoss and CompileMetrics ------------------
def is_binary_or_sparse_categorical(y_true, y_pred) -> tuple[bool, bool]:
    """Keras's reading of ``"accuracy"`` (and ``"crossentropy"``) from the shapes: binary
    when the output has one unit, sparse when the targets have a lower rank (or one unit
    against several)."""
    t_shape, p_shape = tuple(y_true.shape), tuple(y_pred.shape)
    t_last = t_shape[-1] if t_shape else None
    p_last = p_shape[-1] if p_shape else None
    is_binary = p_last == 1
    is_sparse = len(t_shape) < len(p_shape) or (t_last == 1 and p_last is not None
                                                and p_last > 1)
    return is_binary, is_sparse


def _loss_for(identifier, y_true, y_pred):
    """:func:`get_loss` for one output; ``"crossentropy"`` / ``"ce"`` pick by the shapes,
    as Keras."""
    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce") \
            and y_true is not None:
        binary, sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        identifier = ("binary_crossentropy" if binary else "sparse_categorical_crossentropy"
                      if sparse else "categorical_crossentropy")
    return get_loss(identifier)


def _metric_for(identifier, y_true, y_pred):
    """:func:`get_metric` for one output: ``"accuracy"`` / ``"acc"`` pick by the shapes of
    the targets and the output, as Keras 3."""
    if identifier is None:
        raise ValueError("compile: expected a metric, received None")
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc") \
            and y_true is not None:
        binary, sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        cls = (metrics_mod.BinaryAccuracy if binary else
               metrics_mod.SparseCategoricalAccuracy if sparse else
               metrics_mod.CategoricalAccuracy)
        return cls(name=identifier)
    return get_metric(identifier)


def _is_nested(x) -> bool:
    return isinstance(x, list | tuple | dict)


def _fill(template, leaves: list):
    """``template`` (nested lists, tuples and dicts with int leaves) with each int ``i``
    replaced by ``leaves[i]``: ``optree.tree_unflatten`` for :class:`Outputs`'s structure,
    which a compiled torch step traces as plain Python."""
    if isinstance(template, dict):
        return {k: _fill(v, leaves) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, leaves) for v in template]
    if isinstance(template, tuple):
        items = [_fill(v, leaves) for v in template]
        return type(template)(*items) if hasattr(template, "_fields") else tuple(items)
    return leaves[template]


def _shape_tree(tree) -> str:
    """A structure with its leaves as ``*``, for messages."""
    if isinstance(tree, dict):
        return "{" + ", ".join(f"{k!r}: {_shape_tree(v)}" for k, v in tree.items()) + "}"
    if isinstance(tree, list | tuple):
        inner = ", ".join(_shape_tree(v) for v in tree)
        return f"[{inner}]" if isinstance(tree, list) else f"({inner})"
    return "*"


class Outputs:
    """How a model's outputs are laid out for the compiled loss and metrics: one array
    (``keys == [None]``), a list or tuple (``keys`` the positions) or a dict (``keys`` in
    Keras's flat order: the model's output names where they are the keys, else sorted),
    with each output's name for the logs (``names``, None where unknown)."""

    def __init__(self, y_pred, output_names=None):
        if not _is_nested(y_pred):
            self.kind, self.keys = "leaf", [None]
            self.names = [output_names[0]] if output_names and len(output_names) == 1 \
                else [None]
        elif isinstance(y_pred, dict):
            self.kind = "dict"
            if output_names and set(output_names) == set(y_pred):
                self.keys = list(output_names)
            else:
                self.keys = sorted(y_pred)
            self.names = list(self.keys)
        else:
            self.kind, self.keys = "list", list(range(len(y_pred)))
            self.names = list(output_names) if output_names and \
                len(output_names) == len(y_pred) else [None] * len(y_pred)
        if self.kind != "leaf" and any(_is_nested(y_pred[k]) for k in self.keys):
            # outputs nested deeper (a dict of lists, a tuple in a list): each array by its
            # path, in Keras's flat order (optree's: dict keys sorted), named by the
            # model's flat output names
            paths, leaves, spec = optree.tree_flatten_with_path(y_pred)
            self.kind, self.keys = "tree", [tuple(p) for p in paths]
            #: the structure with each output's flat position as its leaf (rebuilt by
            #: :func:`_fill`, not by optree's spec, which a compiled torch step cannot
            #: take: torch.compile's optree stand-in breaks its graph on one)
            self.template = optree.tree_unflatten(spec, range(len(leaves)))
            self.names = list(output_names) if output_names and \
                len(output_names) == len(leaves) else [None] * len(leaves)
            self.structure, self.top_dict = _shape_tree(y_pred), isinstance(y_pred, dict)
        self.output_names = output_names
        self.count = len(self.keys)

    def pick(self, tree, key):
        """Output ``key``'s part of ``tree`` (as :meth:`align` laid it out)."""
        if key is None:
            return tree
        if self.kind == "tree":
            for k in key:
                tree = tree[k]
            return tree
        return tree[key]

    def _align_tree(self, tree, what, loss_keys):
        """``tree`` in the structure of nested outputs (Keras: the same structure, lists
        and tuples alike; any structure with one array per output, in the flat order; a
        dict keyed by the flat output names; or the arrays of the outputs with a loss
        only)."""
        names = self.output_names or []
        if isinstance(tree, dict) and names and set(tree) == set(names) and \
                not self.top_dict:
            leaves = [tree[n] for n in names]
        else:
            leaves = optree.tree_leaves(tree, none_is_leaf=True) if _is_nested(tree) \
                else [tree]
        if len(leaves) == self.count:
            return _fill(self.template, leaves)
        if loss_keys is not None and len(leaves) == len(loss_keys):
            by_path = dict(zip(loss_keys, leaves))
            return _fill(self.template, [by_path.get(k) for k in self.keys])
        raise ValueError(
            f"compile: {what} has the structure {_shape_tree(tree)}, but the model's "
            f"outputs are {self.structure}; give one array per output in that structure")

    def align(self, tree, what="y", loss_keys=None):
        """``tree`` (targets or sample weights) laid out as the outputs: a list or tuple
        in output order, a dict keyed by output names (list outputs) or by the outputs'
        keys (dict outputs), one array for a single output; ``loss_keys``: the outputs
        that have a loss, which a shorter list of targets may cover alone (Keras)."""
        if self.kind == "tree":
            return self._align_tree(tree, what, loss_keys)
        if self.kind == "leaf":
            if isinstance(tree, list | tuple) and len(tree) == 1:
                return tree[0]
            if _is_nested(tree):
                raise ValueError(
                    f"compile: {what} has the structure {_shape_tree(tree)}, but the model "
                    "has one output; give one array")
            return tree
        if self.kind == "dict":
            if isinstance(tree, dict):
                if loss_keys is not None and set(loss_keys) - set(tree):
                    raise KeyError(
                        f"compile: {what} has the keys {list(tree)}, but the model's "
                        f"outputs with a loss are {loss_keys}; give one entry per output")
                return tree
            if isinstance(tree, list | tuple) and len(tree) == self.count:
                return dict(zip(sorted(self.keys), tree))
            raise ValueError(
                f"compile: {what} has the structure {_shape_tree(tree)}, but the model's "
                f"outputs are a dict with the keys {self.keys}; give a dict with those keys, "
                f"or a list of {self.count} in the order {sorted(self.keys)}")
        # list outputs
        if isinstance(tree, dict):
            names = self.output_names or []
            if set(tree) == set(names):
                return [tree[n] for n in names]
            raise ValueError(
                f"compile: {what} is a dict with the keys {list(tree)}, but the model's "
                f"output names are {names}; give a dict with those keys, or a list of "
                f"{self.count} in output order")
        if isinstance(tree, list | tuple):
            if len(tree) == self.count:
                return list(tree)
            if loss_keys is not None and len(tree) == len(loss_keys):
                out = [None] * self.count
                for k, t in zip(loss_keys, tree):
                    out[k] = t
                return out
        elif self.count == 1:
            return [tree]
        given = len(tree) if isinstance(tree, list | tuple) else "one array"
        raise ValueError(
            f"compile: {what} holds {given} entries, but the model has {self.count} "
            f"outputs {self.output_names or ''}; give one per output, as a list in output "
            "order" + (" or a dict keyed by output names" if self.output_names else ""))


class CompileLoss:
    """``compile``'s ``loss`` and ``loss_weights`` over the model's outputs, as Keras 3's
    ``CompileLoss``: one loss for every output, a list (one per output, in order; None
    skips an output) or a dict keyed by output names. Built once, on the first batch
    (:meth:`build`): then the total is the sum of the weighted losses, and with more than
    one loss, ``metrics`` holds a ``Mean`` per loss named ``<output>_loss`` that the
    training step feeds with the unweighted values (:attr:`values`)."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        if loss_weights and not isinstance(loss_weights, list | tuple | dict | float):
            raise ValueError(
                "compile: expected `loss_weights` to be a float (single output case) or a "
                "list, tuple, or dict (multiple output case). Received instead: "
                f"loss_weights={loss_weights!r} of type {type(loss_weights)}")
        self.user_loss, self.user_weights = loss, loss_weights
        self.output_names = list(output_names) if output_names else None
        self.built = False
        self.outputs = None
        #: (key, loss, weight, name) per output with a loss, in Keras's order
        self.entries: list = []
        #: a ``Mean`` per loss when there are several (Keras's ``<name>_loss`` logs)
        self.metrics: list = []
        #: (loss, weight) for one output and one loss: the call without any structure
        self.single = None
        #: the last call's unweighted values, one per entry (several losses only)
        self.values = None

    def build(self, y_true, y_pred):
        """Resolve the losses against the outputs ``y_pred`` (arrays or symbolic tensors:
        their structure and shapes) and the targets ``y_true``."""
        outputs = Outputs(y_pred, self.output_names)
        loss, weights = self.user_loss, self.user_weights
        if isinstance(loss, dict) and not isinstance(y_pred, dict):
            names = self.output_names or []
            if set(names) != set(loss):
                raise ValueError(
                    f"compile: expected keys {names} (the model's output names) in the "
                    f"loss dict, but found loss.keys()={list(loss)}")
            loss = [loss[n] for n in names]
            if isinstance(weights, dict):
                weights = [weights.get(n) for n in names]
        if outputs.kind == "tree":
            per = _tree_losses(loss, weights, y_pred, outputs)
            loss_keys = [k for k, (e, _) in per.items() if e is not None]
            y_true = outputs.align(y_true, "y", loss_keys) if y_true is not None else None
            self._resolve(list(per.items()), outputs, y_true, y_pred)
            return self._finish(outputs)
        weights = _weights_like(loss, weights)
        per = {}  # output key -> (loss identifier, weight), in Keras's order
        if not _is_nested(loss):
            per = {k: (loss, weights) for k in outputs.keys}
        elif isinstance(loss, dict):  # dict outputs
            for k, entry in loss.items():
                if entry is not None and k not in outputs.keys:
                    raise KeyError(
                        f"compile: the loss dict names the output {k!r}, but the model's "
                        f"outputs are {outputs.keys}")
                per[k] = (entry, weights[k] if weights is not None else None)
        else:
            if any(_is_nested(e) for e in loss):
                raise NotImplementedError(
                    "compile: crossops takes a loss, a list of losses or a dict of losses; "
                    f"got the nested structure {_shape_tree(loss)}")
            if outputs.kind == "leaf":
                keys = [None] * len(loss)  # each loss on the one output (Keras)
            elif len(loss) == outputs.count or outputs.kind == "list":
                keys = outputs.keys if outputs.kind == "list" else sorted(outputs.keys)
                keys = keys[:len(loss)]
                if len(loss) > outputs.count:
                    raise KeyError(
                        f"compile: the loss list has {len(loss)} entries, but the model has "
                        f"{outputs.count} outputs {self.output_names or ''}; give one loss "
                        "per output (None for an output without a loss)")
            else:
                raise ValueError(
                    f"compile: the loss list has {len(loss)} entries, but the model's "
                    f"outputs are a dict with the keys {outputs.keys}; give one per output "
                    "or a dict keyed by them")
            pairs = [(k, (e, weights[i] if weights is not None else None))
                     for i, (k, e) in enumerate(zip(keys, loss))]
            if outputs.kind == "leaf":
                self._resolve(pairs, outputs, y_true, y_pred)
                return self._finish(outputs)
            per = dict(pairs)
            if outputs.kind == "dict":
                per = {k: per[k] for k in outputs.keys if k in per}
        loss_keys = [k for k, (e, _) in per.items() if e is not None]
        y_true = outputs.align(y_true, "y", loss_keys) if y_true is not None else None
        self._resolve(list(per.items()), outputs, y_true, y_pred)
        return self._finish(outputs)

    def _resolve(self, pairs, outputs, y_true, y_pred):
        self.entries = []
        for key, (identifier, weight) in pairs:
            if identifier is None:
                continue
            y_p = outputs.pick(y_pred, key)
            y_t = outputs.pick(y_true, key) if y_true is not None else None
            resolved = _loss_for(identifier, y_t, y_p)
            if isinstance(key, tuple):  # a path into nested outputs: Keras's "p/out_a"
                flat_name = outputs.names[outputs.keys.index(key)]
                last = key[-1] if isinstance(key[-1], str) else \
                    flat_name if flat_name is not None else _loss_name(identifier, resolved)
                name = "/".join(str(k) for k in key[:-1] + (last,))
            elif isinstance(key, str):
                name = key
            else:
                index = 0 if key is None else key
                name = outputs.names[index] if index < len(outputs.names) and \
                    outputs.names[index] is not None else _loss_name(identifier, resolved)
            self.entries.append((key, resolved, weight, name))

    def _finish(self, outputs):
        self.outputs = outputs
        self.metrics = [metrics_mod.Mean(name=f"{e[3]}_loss") for e in self.entries] \
            if len(self.entries) > 1 else []
        self.single = None
        if outputs.kind == "leaf" and len(self.entries) == 1:
            self.single = self.entries[0][1:3]
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The total loss (None when no output has a loss)."""
        if not self.built:
            self.build(y_true, y_pred)
        if self.single is not None:  # one output, one loss: no structure to walk
            fn, weight = self.single
            if isinstance(y_true, list | tuple) and len(y_true) == 1:
                y_true = y_true[0]
            value = fn(y_true, y_pred, sample_weight=sample_weight)
            return value if weight is None else value * weight
        outputs = self.outputs
        loss_keys = [e[0] for e in self.entries]
        y_true = outputs.align(y_true, "y", loss_keys)
        nested_weights = _is_nested(sample_weight)
        if nested_weights:
            sample_weight = outputs.align(sample_weight, "sample_weight", loss_keys)
        total, values = None, []
        for key, fn, weight, _ in self.entries:
            sw = outputs.pick(sample_weight, key) if nested_weights else sample_weight
            value = fn(outputs.pick(y_true, key), outputs.pick(y_pred, key),
                       sample_weight=sw)
            values.append(value)
            if weight is not None:
                value = value * weight
            total = value if total is None else total + value
        self.values = values if self.metrics else None
        return total


def _weights_like(loss, weights):
    """``loss_weights`` in the structure of ``loss`` (Keras: the same structure, or as
    many weights as losses, flat)."""
    if weights is None:
        return None
    if not _is_nested(loss):
        flat = optree.tree_leaves(weights, none_is_leaf=True)
        if _is_nested(weights) and len(flat) != 1:
            raise ValueError(f"compile: `loss_weights` must match the number of losses, got "
                             f"1 losses and {len(flat)} weights.")
        return flat[0] if _is_nested(weights) else weights
    if isinstance(loss, dict) and isinstance(weights, dict) and set(loss) == set(weights):
        return weights
    flat_loss = optree.tree_leaves(loss, none_is_leaf=True)
    flat = optree.tree_leaves(weights, none_is_leaf=True)
    if len(flat_loss) != len(flat):
        raise ValueError(f"compile: `loss_weights` must match the number of losses, got "
                         f"{len(flat_loss)} losses and {len(flat)} weights.")
    if isinstance(loss, dict):
        return dict(zip(sorted(loss), flat))
    return list(flat)


class _Weighted:
    """A loss and its weight, one leaf of the structure of losses (Keras's
    ``WeightedLoss``)."""

    def __init__(self, loss, weight):
        self.loss, self.weight = loss, weight


def _n_leaves(tree) -> int:
    return len(optree.tree_leaves(tree))


def _tree_losses(loss, weights, y_pred, outputs) -> dict:
    """``{output path: (loss, weight)}`` for nested outputs, as Keras 3's CompileLoss: one
    loss for every output; a flat list with one loss per output (flat order); or a
    structure that follows the outputs' (lists and tuples alike), where a flat list at a
    node may also give one loss per output under it; None skips an output."""
    if weights is not None:
        flat_loss = optree.tree_leaves(loss, none_is_leaf=True)
        flat_w = optree.tree_leaves(weights, none_is_leaf=True)
        if len(flat_loss) != len(flat_w):
            raise ValueError(f"compile: `loss_weights` must match the number of losses, got "
                             f"{len(flat_loss)} losses and {len(flat_w)} weights.")
        spec = optree.tree_structure(loss, none_is_leaf=True)
        loss = optree.tree_unflatten(spec, [_Weighted(a, w) for a, w in zip(flat_loss,
                                                                            flat_w)])
    per = {}

    def walk(entry, node, path):
        if isinstance(entry, _Weighted) or not _is_nested(entry):
            pair = (entry.loss, entry.weight) if isinstance(entry, _Weighted) else \
                (entry, None)
            if pair[0] is None:
                return
            if _is_nested(node):  # one loss over a part with several outputs
                if path:
                    raise ValueError(
                        f"compile: the loss at {'/'.join(map(str, path))} stands for the "
                        f"outputs {_shape_tree(node)}; give one loss per output there")
                for sub_path, _ in zip(*optree.tree_flatten_with_path(node)[:2]):
                    per[path + tuple(sub_path)] = pair
                return
            per[path] = pair
            return
        if isinstance(entry, list | tuple) and _is_nested(node) and \
                not any(_is_nested(e) for e in entry) and len(entry) == _n_leaves(node) \
                and not (isinstance(node, list | tuple) and len(node) == len(entry)):
            for sub_path, e in zip(optree.tree_flatten_with_path(node)[0], entry):
                walk(e, None, path + tuple(sub_path))
            return
        if isinstance(entry, dict) and isinstance(node, dict):
            items = entry.items()
        elif isinstance(entry, list | tuple) and isinstance(node, list | tuple) and \
                len(entry) <= len(node):
            items = enumerate(entry)
        else:
            raise KeyError(
                f"compile: the losses {_shape_tree(entry)} at "
                f"{'/'.join(map(str, path)) or 'the top'} do not follow the model's "
                f"outputs {_shape_tree(node)}; give a loss, one per output in a flat list, "
                "or a structure like the outputs'")
        for k, e in items:
            if e is None:
                continue
            if isinstance(node, dict) and k not in node:
                raise KeyError(f"compile: the path {path + (k,)} in the `loss` argument "
                               f"can't be found in the model's outputs {outputs.structure}")
            walk(e, node[k], path + (k,))

    walk(loss, y_pred, ())
    return {k: per[k] for k in outputs.keys if k in per}  # Keras's (flat) order


def _tree_metrics(user, y_pred, outputs, arg) -> list:
    """(path, output name, metric identifiers) for nested outputs: ``user`` follows the
    outputs' structure (lists and tuples alike), with a metric, a list of metrics or None
    for each output (Keras 3's "deeply nested case")."""
    out = []

    def walk(entry, node, path):
        if entry is None:
            return
        if not _is_nested(node):
            idents = list(entry) if isinstance(entry, list | tuple) else [entry]
            if any(_is_nested(i) for i in idents):
                raise ValueError(f"compile: invalid `{arg}` at {'/'.join(map(str, path))}: "
                                 "a metric or a list of metrics per output")
            name = outputs.names[outputs.keys.index(path)]
            out.append((path, name, idents))
            return
        if isinstance(node, dict) and isinstance(entry, dict) and set(entry) == set(node):
            items = ((k, entry[k]) for k in node)
        elif isinstance(node, list | tuple) and isinstance(entry, list | tuple) and \
                len(entry) == len(node):
            items = enumerate(entry)
        else:
            raise ValueError(
                f"compile: invalid `{arg}`. `{arg}` should contain metrics objects and match "
                f"the output structure of the model: {outputs.structure} (a metric, a list "
                f"of metrics or None per output).\nReceived: {arg}={user!r}")
        for k, e in items:
            walk(e, node[k], path + (k,))

    walk(user, y_pred, ())
    order = {k: i for i, k in enumerate(outputs.keys)}
    return sorted(out, key=lambda e: order[e[0]])


class CompileMetrics:
    """``compile``'s ``metrics`` and ``weighted_metrics`` over the model's outputs, as
    Keras 3's ``CompileMetrics``: for one output, every metric applies to it; for several,
    a list with one entry per output (a metric, a list of metrics or None) or a dict
    keyed by output names, each logged as ``<output>_<metric>``. ``weighted_metrics``
    see the sample weights, ``metrics`` do not. Built on the first batch."""

    def __init__(self, metrics, weighted_metrics, output_names=None):
        for arg, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value and not isinstance(value, list | tuple | dict):
                raise ValueError(
                    f"compile: expected `{arg}` argument to be a list, tuple, or dict. "
                    f"Received instead: {arg}={value!r} of type {type(value)}")
        self.user_metrics, self.user_weighted = metrics, weighted_metrics
        self.output_names = list(output_names) if output_names else None
        self.built = False
        #: (key, metric, weighted) in Keras's order
        self.entries: list = []
        #: {id(metric): its name in the logs}
        self.log_names: dict = {}
        self.outputs = None

    @property
    def metrics(self) -> list:
        return [m for _, m, _ in self.entries]

    def build(self, y_true, y_pred):
        """Resolve the metrics against the outputs ``y_pred`` (arrays or symbolic tensors)
        and the targets ``y_true`` (whose shapes pick ``"accuracy"``)."""
        self.entries, names = [], []
        if not (self.user_metrics or self.user_weighted):
            self.log_names, self.built = {}, True
            return
        outputs = Outputs(y_pred, self.output_names)
        if y_true is not None:
            y_true = outputs.align(y_true)
        for user, weighted, arg in ((self.user_metrics, False, "metrics"),
                                    (self.user_weighted, True, "weighted_metrics")):
            for key, name, idents in self._per_output(user, outputs, y_pred, arg):
                y_p = outputs.pick(y_pred, key)
                y_t = outputs.pick(y_true, key) if y_true is not None else None
                for ident in idents:
                    m = _metric_for(ident, y_t, y_p)
                    self.entries.append((key, m, weighted))
                    names.append((name, m, weighted))
        self.log_names = _log_names(names)
        self.outputs = outputs
        self.built = True

    @staticmethod
    def _per_output(user, outputs, y_pred, arg):
        """(output key, output name, metric identifiers) for each output with metrics."""
        if not user:
            return []
        if outputs.count == 1:
            key = outputs.keys[0]
            return [(key, None, optree.tree_leaves(user))]
        if outputs.kind == "tree":
            return _tree_metrics(user, y_pred, outputs, arg)
        entries = None
        if isinstance(user, list | tuple) and len(user) == outputs.count:
            entries = list(user)
        elif isinstance(user, dict) and set(user) <= set(outputs.names) and \
                all(n is not None for n in outputs.names):
            entries = [user.get(n) for n in outputs.names]
        if entries is None or any(isinstance(e, dict) or isinstance(e, list | tuple) and
                                  any(_is_nested(x) for x in e) for e in entries):
            names = outputs.names if all(n is not None for n in outputs.names) else None
            raise ValueError(
                f"compile: invalid `{arg}`. `{arg}` should contain metrics objects and "
                f"either be a dict or a list matching the output names of the functional "
                f"model {names} or match the output structure of the model: "
                f"{_shape_tree(y_pred)} (a list of {outputs.count}, one entry per output)."
                f"\nReceived: {arg}={user!r}")
        out = []
        for key, name, entry in zip(outputs.keys, outputs.names, entries):
            if entry is None:
                continue
            idents = list(entry) if isinstance(entry, list | tuple) else [entry]
            out.append((key, name, idents))
        return out

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Update every metric with its output's targets and predictions (the weighted
        ones with the sample weights: one array for every output, or one per output)."""
        outputs = self.outputs
        if outputs.kind != "leaf":
            y_true = outputs.align(y_true)
            if _is_nested(sample_weight):
                sample_weight = outputs.align(sample_weight, "sample_weight")
        elif isinstance(y_true, list | tuple) and len(y_true) == 1:
            y_true = y_true[0]
        nested = _is_nested(sample_weight)
        for key, m, weighted in self.entries:
            sw = None
            if weighted:
                sw = outputs.pick(sample_weight, key) if nested else sample_weight
            m.update_state(outputs.pick(y_true, key), outputs.pick(y_pred, key),
                           sample_weight=sw)


def _log_names(named) -> dict:
    """Keras's log names of compiled metrics: ``<output>_<metric>``, a repeated name with
    ``_1``, ``_2`` ... (a weighted metric repeating an unweighted one: ``weighted_``)."""
    out, seen = {}, {}
    for output, m, weighted in named:
        name = f"{output}_{m.name}" if output else m.name
        if name in seen and weighted:
            name = f"{output}_weighted_{m.name}" if output else f"weighted_{m.name}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name] - 1}"
        else:
            seen[name] = 1
        out[id(m)] = name
    return out
