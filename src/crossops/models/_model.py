"""Models: the functional ``Model(inputs, outputs)``, ``Sequential`` and subclassed
``Model``, with ``compile`` / ``fit`` / ``evaluate`` / ``predict``, ``summary`` and
weights files."""

from __future__ import annotations

import math

import numpy as np
import optree

import crossops

from .. import losses as losses_mod
from .. import metrics as metrics_mod
from .. import optimizers
from .._convert import to_numpy
from ..layers._layer import Layer, _to_backend
from ..layers._symbolic import Input, SymbolicTensor, run_graph, topological_nodes
from . import _callbacks as cb
from . import _saving

TRAINABLE_BACKENDS = ("jax", "torch", "tensorflow")


class Model(Layer):
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
        self.optimizer = None
        self.stop_training = False
        self._compiled = None

    # -- compile ------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, jit_compile="auto"):
        """Set the optimizer, the loss and the metrics for ``fit`` / ``evaluate``.

        ``jit_compile="auto"`` (or ``True``) compiles the training and test steps with
        ``crossops.jit`` on every backend that compiles (jax, torch, tensorflow);
        ``False`` runs them eagerly (on torch, compiling takes some seconds per batch
        shape, which only pays off over many steps).
        """
        self.optimizer = optimizers.get(optimizer)
        self.loss = _get_loss(loss)
        self.metric_names = list(metrics or [])
        self.metric_objs = [_get_metric(m, self.loss) for m in self.metric_names]
        self.jit_compile = jit_compile
        self._compiled = None

    def _weights_backend(self) -> str:
        for w in self.weights:
            from .._backend import backend_of_type
            return backend_of_type(type(w._value))
        return self._made_on

    def _check_trainable_backend(self, what):
        backend = self._weights_backend()
        if backend not in TRAINABLE_BACKENDS:
            raise NotImplementedError(
                f"{self.name}.{what}: the {backend} backend has no automatic "
                f"differentiation; build the model on one of {TRAINABLE_BACKENDS} "
                "(crossops.set_backend(...) before creating it) to train it")
        return backend

    def _use_jit(self, backend):
        return self.jit_compile is True or self.jit_compile == "auto"

    # -- pure steps -----------------------------------------------------------------------
    def _metric_update(self, metric_vars, loss, y, y_pred, sw):
        out = [self._loss_tracker.stateless_update_state(metric_vars[0], loss)]
        for m, v in zip(self.metric_objs, metric_vars[1:]):
            out.append(m.stateless_update_state(v, y, y_pred, sample_weight=sw))
        return out

    def _steps(self, backend):
        loss_obj, opt = self.loss, self.optimizer

        def forward(trainable, non_trainable, x, y, sw, training):
            y_pred, non_trainable, extra = self.stateless_call(
                trainable, non_trainable, x, training=training, return_losses=True)
            loss = loss_obj(y, y_pred, sample_weight=sw)
            for extra_loss in extra:
                loss = loss + extra_loss
            return loss, (y_pred, non_trainable)

        value_and_grad = crossops.value_and_grad(
            lambda tv, ntv, x, y, sw: forward(tv, ntv, x, y, sw, True), has_aux=True)

        def train_step(trainable, non_trainable, opt_vars, metric_vars, x, y, sw):
            (loss, (y_pred, non_trainable)), grads = value_and_grad(
                trainable, non_trainable, x, y, sw)
            trainable, opt_vars = opt.stateless_apply(opt_vars, grads, trainable)
            return (trainable, non_trainable, opt_vars,
                    self._metric_update(metric_vars, loss, y, y_pred, sw))

        def test_step(trainable, non_trainable, metric_vars, x, y, sw):
            loss, (y_pred, _) = forward(trainable, non_trainable, x, y, sw, False)
            return self._metric_update(metric_vars, loss, y, y_pred, sw)

        if self._use_jit(backend):
            return crossops.jit(train_step), crossops.jit(test_step)
        return train_step, test_step

    def _ensure_compiled(self, backend):
        if self.optimizer is None:
            raise RuntimeError(f"{self.name}: call compile(optimizer, loss, metrics) first")
        key = (backend, self.optimizer.version)
        if self._compiled is None or self._compiled[0] != key:
            self._loss_tracker = metrics_mod.Mean(name="loss")
            self._compiled = (key, *self._steps(backend))
        return self._compiled[1], self._compiled[2]

    def _fresh_metric_vars(self, backend):
        with crossops.use_backend(backend):
            return [m.stateless_reset_state() for m in [self._loss_tracker, *self.metric_objs]]

    def _logs(self, metric_vars, prefix=""):
        objs = [self._loss_tracker, *self.metric_objs]
        names = ["loss", *self.metric_names]
        return {prefix + (n if isinstance(n, str) else m.name): float(to_numpy(
                m.stateless_result(v))) for n, m, v in zip(names, objs, metric_vars)}

    # -- fit / evaluate / predict -----------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=32, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0,
            sample_weight=None, seed=None):
        """Train for ``epochs`` over ``(x, y)`` in batches; returns the ``History``.

        ``x`` and ``y`` are arrays (NumPy or the model's backend) with the examples on the
        first axis. ``seed`` fixes the shuffling (default: fresh entropy).
        """
        if not self.built:
            self(_batch(x, slice(0, 1), self._made_on))
        backend = self._check_trainable_backend("fit")
        train_step, test_step = self._ensure_compiled(backend)
        if validation_split and validation_data is None:
            n = _length(x)
            cut = int(n * (1 - validation_split))
            validation_data = (_batch(x, slice(cut, n), None), _batch(y, slice(cut, n), None))
            x, y = _batch(x, slice(0, cut), None), _batch(y, slice(0, cut), None)
        n = _length(x)
        steps = math.ceil(n / batch_size)
        history = cb.History()
        callbacks = list(callbacks or [])
        if (verbose == "auto" or verbose) and verbose != 0:
            callbacks.append(cb.ProgressBar(steps, epochs))
        callbacks.append(history)
        for c in callbacks:
            c.set_model(self)
        trainable = _values(self.trainable_variables)
        non_trainable = _values(self.non_trainable_variables)
        if self.optimizer.variables is None:
            self.optimizer.build(self.trainable_variables)
        rng = np.random.default_rng(seed)
        self.stop_training = False
        for c in callbacks:
            c.on_train_begin()
        logs = {}
        for epoch in range(initial_epoch, epochs):
            for c in callbacks:
                c.on_epoch_begin(epoch)
            train_step, test_step = self._ensure_compiled(backend)
            opt_vars = _values(self.optimizer.variables)
            metric_vars = self._fresh_metric_vars(backend)
            order = rng.permutation(n) if shuffle else np.arange(n)
            for b in range(steps):
                idx = order[b * batch_size:(b + 1) * batch_size]
                xb, yb = _batch(x, idx, backend), _batch(y, idx, backend)
                sw = None if sample_weight is None else _batch(sample_weight, idx, backend)
                trainable, non_trainable, opt_vars, metric_vars = train_step(
                    trainable, non_trainable, opt_vars, metric_vars, xb, yb, sw)
                for c in callbacks:
                    if isinstance(c, cb.ProgressBar):
                        c.on_train_batch_end(b, None)
            self._write_back(trainable, non_trainable, opt_vars)
            logs = self._logs(metric_vars)
            if validation_data is not None:
                logs.update(self._evaluate(test_step, backend, validation_data[0],
                                           validation_data[1], batch_size, prefix="val_"))
            for c in callbacks:
                c.on_epoch_end(epoch, logs)
            trainable = _values(self.trainable_variables)  # callbacks may set them
            non_trainable = _values(self.non_trainable_variables)
            if self.stop_training:
                break
        for c in callbacks:
            c.on_train_end(logs)
        return history

    def _write_back(self, trainable, non_trainable, opt_vars):
        for v, a in zip(self.trainable_variables, trainable):
            v.assign(a)
        for v, a in zip(self.non_trainable_variables, non_trainable):
            v.assign(a)
        for v, a in zip(self.optimizer.variables, opt_vars):
            v.assign(a)

    def _evaluate(self, test_step, backend, x, y, batch_size, prefix="", sample_weight=None):
        trainable = _values(self.trainable_variables)
        non_trainable = _values(self.non_trainable_variables)
        metric_vars = self._fresh_metric_vars(backend)
        n = _length(x)
        for b in range(math.ceil(n / batch_size)):
            idx = slice(b * batch_size, (b + 1) * batch_size)
            sw = None if sample_weight is None else _batch(sample_weight, idx, backend)
            metric_vars = test_step(trainable, non_trainable, metric_vars,
                                    _batch(x, idx, backend), _batch(y, idx, backend), sw)
        return self._logs(metric_vars, prefix)

    def evaluate(self, x=None, y=None, batch_size=32, verbose="auto", sample_weight=None,
                 return_dict=False):
        """The loss and metrics over ``(x, y)``: a scalar, a list, or a dict."""
        if self.optimizer is None:
            raise RuntimeError(f"{self.name}: call compile(...) before evaluate")
        if not self.built:
            self(_batch(x, slice(0, 1), self._made_on))
        backend = self._weights_backend()
        self._loss_tracker = metrics_mod.Mean(name="loss")
        test_step = self._ensure_compiled(backend)[1] if backend in TRAINABLE_BACKENDS \
            else self._plain_test_step()
        logs = self._evaluate(test_step, backend, x, y, batch_size, sample_weight=sample_weight)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _plain_test_step(self):
        def test_step(trainable, non_trainable, metric_vars, x, y, sw):
            y_pred, _ = self.stateless_call(trainable, non_trainable, x, training=False)
            return self._metric_update(metric_vars, self.loss(y, y_pred, sample_weight=sw), y,
                                       y_pred, sw)
        return test_step

    def predict(self, x, batch_size=32, verbose="auto"):
        """The outputs for ``x``, batch by batch, as NumPy arrays (same structure)."""
        if not self.built:
            self(_batch(x, slice(0, 1), self._made_on))
        backend = self._weights_backend()
        outs = []
        for b in range(math.ceil(_length(x) / batch_size)):
            out = self(_batch(x, slice(b * batch_size, (b + 1) * batch_size), backend),
                       training=False)
            outs.append(optree.tree_map(_host, out))
        return optree.tree_map(lambda *parts: np.concatenate(parts), *outs)

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


def _host(a):
    from .._backend import backend_of_type
    if backend_of_type(type(a)) == "torch":
        a = a.detach()
    return to_numpy(a)


def _length(x):
    return len(optree.tree_leaves(x)[0])


def _values(variables) -> list:
    """The variables' arrays for a pure step; torch parameters as plain tensors (the same
    storage, off autograd's tape), so that a compiled step sees one input type from the
    first call on."""
    from .._backend import backend_of_type
    out = [v.value for v in variables]
    return [x.detach() if backend_of_type(type(x)) == "torch" else x for x in out]


def _batch(x, idx, backend):
    """Rows ``idx`` of every array in ``x``, as arrays of ``backend`` (None: as they are)."""
    def take(a):
        from .._backend import backend_of_type
        own = backend_of_type(type(a))
        if own is None or own == "numpy":
            part = np.asarray(a)[idx]
            return part if backend is None else _to_backend(part, backend, trainable=False)
        if isinstance(idx, np.ndarray):
            import crossops.numpy as xnp

            from .._dispatch import call_on
            return xnp.take(a, call_on(own, "asarray", idx), axis=0)
        return a[idx]
    return optree.tree_map(take, x)


#: Keras's short names of losses
_LOSS_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error"}


def _get_loss(loss):
    if loss is None:
        raise ValueError("compile: give a loss (a name such as "
                         "'sparse_categorical_crossentropy', a Loss or a function)")
    if isinstance(loss, str):
        loss = _LOSS_ALIASES.get(loss, loss)
        cls = {k.lower(): v for k, v in vars(losses_mod).items()
               if isinstance(v, type) and issubclass(v, losses_mod.Loss)}
        found = cls.get(loss.replace("_", "").lower())
        if found is None:
            fn = getattr(losses_mod, loss, None)
            if fn is None:
                raise ValueError(f"compile: unknown loss {loss!r}")
            return _FunctionLoss(fn)
        return found()
    if isinstance(loss, losses_mod.Loss):
        return loss
    if callable(loss):
        return _FunctionLoss(loss)
    raise TypeError(f"compile: cannot use {loss!r} as a loss")


class _FunctionLoss(losses_mod.Loss):
    def __init__(self, fn):
        super().__init__(name=getattr(fn, "__name__", "loss"))
        self.fn = fn

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred)


def _get_metric(m, loss):
    if isinstance(m, metrics_mod.Metric):
        return m
    if m in ("accuracy", "acc"):
        name = type(loss).__name__
        if "SparseCategorical" in name:
            return metrics_mod.SparseCategoricalAccuracy(name="accuracy")
        if "Categorical" in name:
            return metrics_mod.CategoricalAccuracy(name="accuracy")
        if "Binary" in name:
            return metrics_mod.BinaryAccuracy(name="accuracy")
        return metrics_mod.Accuracy()
    if isinstance(m, str):
        cls = {k.lower(): v for k, v in vars(metrics_mod).items()
               if isinstance(v, type) and issubclass(v, metrics_mod.Metric)}
        found = cls.get(m.replace("_", "").lower())
        if found is not None:
            return found()
    raise ValueError(f"compile: unknown metric {m!r}")


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
        if not isinstance(layer, Layer):
            raise TypeError(f"{self.name}.add: expected a Layer, got {type(layer).__name__}")
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


