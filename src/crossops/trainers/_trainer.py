"""``Trainer``: the ``compile`` / ``fit`` / ``evaluate`` / ``predict`` half of ``Model``,
with Keras 3's contract for overriding ``train_step``, ``test_step``, ``predict_step``,
``compute_loss`` and ``compute_metrics``.

How a step runs
---------------
The default steps are pure: ``train_step(state, data) -> (logs, state)`` with
``state = (trainable, non_trainable, optimizer, metrics)`` lists of arrays, compiled once
under ``compile(jit_compile=...)``'s rule (``crossops._transforms.compile_step``) and fed
batches from any pipeline. The model's variables are
written back at the end of each epoch (before the epoch's callbacks).

Overrides follow Keras 3's contract of each backend:

- **jax**: stateless, as in Keras: ``train_step(self, state, data)`` returns
  ``(logs, state)``; ``test_step(self, state, data)`` with
  ``state = (trainable, non_trainable, metrics)``; ``predict_step(self, state, data)``
  with ``state = (trainable, non_trainable)`` returns ``(outputs, non_trainable)``.
  They are compiled with ``jax.jit``.
- **torch** and **tensorflow**: stateful: ``train_step(self, data)`` computes the
  gradients itself (``loss.backward()`` / ``tf.GradientTape``), calls
  ``self.optimizer.apply(grads, self.trainable_variables)``, updates ``self.metrics`` and
  returns the logs; ``test_step(self, data)`` returns the logs; ``predict_step(self,
  data)`` returns the outputs. On torch they run eagerly. On tensorflow they are compiled
  as Keras's ``make_train_function`` compiles them: a ``tf.function`` around the
  override (XLA under ``compile``'s ``jit_compile`` rule), traced once with the batch
  axis unknown, so that every batch size runs one graph (a Python side effect of the
  override runs when it is traced, not at every batch); ``run_eagerly=True`` runs them
  eagerly, batch by batch.

``compute_loss`` and ``compute_metrics`` overrides are honoured by the default steps on
every backend (inside the pure steps, metrics see their state as ``metric.variables``).
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np
import optree

import crossops
import crossops.numpy as xnp

from .. import metrics as metrics_mod
from .. import optimizers
from .._backend import backend_of_type
from .._convert import to_numpy
from .._transforms import (
    compile_step,
    distinct_buffers,
    mark_batch_dynamic,
    step_compiles,
    value_and_grad,
)
from .._transforms._tree import scalar_output
from .._variable import StatelessScope, detached
from ..callbacks import CallbackList
from ..distribution import _hooks as _distribution
from ..layers._layer import _to_backend, module_home
from ..optimizers._functional import donated
from . import _compile_utils
from ._epoch_iterator import EpochIterator
from .data_adapters import (
    get_data_adapter,
    is_array_input,
    train_validation_split,
    unpack_x_y_sample_weight,
)
from .data_adapters._utils import training_piece

TRAINABLE_BACKENDS = ("jax", "torch", "tensorflow")


class Trainer:
    """Training for ``Model``: mixed into it, with Keras 3's methods and arguments."""

    optimizer = None
    loss = None
    stop_training = False
    run_eagerly = False
    jit_compile = "auto"
    _compile_loss = None
    _compile_metrics = None
    _initial_epoch = None

    # -- compile ------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, jit_compile="auto",
                auto_scale_loss=True):
        """Set the optimizer, the loss and the metrics for ``fit`` / ``evaluate``.

        Parameters
        ----------
        optimizer : str or crossops.optimizers.Optimizer
        loss : str, crossops.losses.Loss, callable, list, dict or None
            One loss for every output; for a model with several outputs, a list (one per
            output, in order; None for an output without a loss) or a dict keyed by the
            output names (a dict output's keys). None for a model whose ``train_step`` or
            ``compute_loss`` computes the loss. With several losses the logs hold each
            one, unweighted, as ``<output name>_loss`` beside the total ``loss`` (Keras;
            a subclassed model's outputs have no names: ``<loss name>_loss``). Outputs
            nested deeper (a dict of lists, a tuple in a list) take one loss, a flat
            list with one per output, or a structure like theirs; their losses are
            logged by path, ``p/out_a_loss`` (Keras 3's names).
        loss_weights : float, list or dict, optional
            The factors of the losses in the total: a float (one output), or a list or
            dict in the structure of ``loss``.
        metrics : list or dict, optional
            Metrics (names, Metric objects or functions of ``(y_true, y_pred)``), not
            weighted by ``sample_weight``. With one output, a list applied to it; with
            several, a list with one entry per output (a metric, a list of them or None)
            or a dict keyed by output names, logged as ``<output name>_<metric>``
            (nested outputs: a structure like theirs).
            ``"accuracy"`` picks the binary, sparse or categorical accuracy from the
            shapes of the targets and the output, as Keras 3.
        weighted_metrics : list or dict, optional
            As ``metrics``, weighted by ``sample_weight`` (and ``class_weight``).
        run_eagerly : bool
            Run the steps op by op (for debugging).
        jit_compile : "auto" or bool
            Compile the steps with ``crossops.jit`` (jax.jit, torch.compile,
            ``tf.function(jit_compile=True)``). ``False`` runs them eagerly on JAX and
            PyTorch and as ``tf.function`` graphs without XLA on TensorFlow. ``"auto"``
            (the default) follows Keras 3: it compiles on JAX, runs eagerly on PyTorch
            (``torch.compile`` spends from seconds to minutes on a model's first step),
            and on TensorFlow uses XLA only where TensorFlow sees a GPU or TPU.
            ``run_eagerly`` overrides it.
        auto_scale_loss : bool
            Under the ``"mixed_float16"`` dtype policy, wrap the optimizer in a
            ``LossScaleOptimizer`` (as Keras).
        """
        self.optimizer = optimizers.get(optimizer)
        policy = getattr(self, "dtype_policy", None)
        if (auto_scale_loss and policy is not None and policy.name == "mixed_float16"
                and not isinstance(self.optimizer, optimizers.LossScaleOptimizer)):
            # as Keras: float16 gradients need loss scaling
            self.optimizer = optimizers.LossScaleOptimizer(self.optimizer,
                                                           name="loss_scale_optimizer")
        output_names = getattr(self, "output_names", None)
        structured = isinstance(loss, list | tuple | dict)
        # a structure of losses stays as given (Keras's ``model.loss``); one loss resolved
        self.loss = loss if structured else _compile_utils.get_loss(loss)
        # a name stays a name: it names the loss of each output (a subclassed model's
        # ``mse_loss``, as Keras)
        self._compile_loss = None if loss is None else _compile_utils.CompileLoss(
            loss if structured or isinstance(loss, str) else self.loss, loss_weights,
            output_names)
        self._compile_metrics = _compile_utils.CompileMetrics(metrics, weighted_metrics,
                                                              output_names)
        self._loss_tracker = metrics_mod.Mean(name="loss")
        self.run_eagerly = bool(run_eagerly)
        self.jit_compile = jit_compile
        self._step_cache = {}

    @property
    def compiled(self) -> bool:
        return self.optimizer is not None

    @property
    def metrics(self) -> list:
        """The loss tracker (named ``"loss"``), the compiled metrics and, with several
        losses, each loss's tracker (``<output name>_loss``), in Keras's order (the
        compiled metrics and the trackers once the first batch has built them)."""
        if not self.compiled:
            return []
        out = [self._loss_tracker]
        if self._compile_metrics is not None:
            out += self._compile_metrics.metrics
        if self._compile_loss is not None:
            out += self._compile_loss.metrics
        return out

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        """Set every metric of ``self.metrics`` to its initial state (on the model's
        backend), so that ``len(metric.variables)`` is known, as in Keras."""
        backend = self._weights_backend()
        for m in self.metrics:
            m.reset_state(backend)

    def _metrics_on(self, backend):
        """Keep the metrics' state on the model's backend (they are made on the default
        backend), their values kept."""
        for m in self.metrics:
            m._on_backend(backend)

    def _use_jit(self) -> bool:
        """Whether the steps compile (Keras's rule): with ``jit_compile=True``, or by
        default (``"auto"``) on JAX and TensorFlow; on PyTorch ``"auto"`` runs eagerly."""
        return not self.run_eagerly and step_compiles(self.jit_compile,
                                                      self._weights_backend())

    # -- the overridable pieces -----------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of ``(y, y_pred)`` (the weighted sum over the outputs) plus the
        losses the layers added during the forward pass (``self.losses``). Override it to
        change the loss of the default steps.
        """
        if self._compile_loss is None:
            raise ValueError(f"{self.name}.compute_loss: no loss to compute; pass loss=... "
                             "to compile(), or override compute_loss or train_step")
        total = self._compile_loss(y, y_pred, sample_weight)
        if not self.__dict__.get("_per_loss_to_step"):
            # called by a user's step (a train_step override): each output's loss tracker
            # is fed here, as Keras's compiled loss does (the default steps feed them with
            # the metrics, in the step's metric state: ``_stateless_metrics``)
            self._feed_loss_trackers(self._per_loss_values(), y_pred)
        for extra in self.losses:
            total = extra if total is None else total + extra
        if total is None:
            raise ValueError(f"{self.name}.compute_loss: no output has a loss (every entry "
                             "of compile's loss is None); give at least one loss")
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Update the compiled metrics with the batch and return every metric's result
        (loss included), as Keras does. Override it to log other figures."""
        self._update_compiled_metrics(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _update_compiled_metrics(self, y, y_pred, sample_weight):
        compiled = self._compile_metrics
        if compiled is not None:
            if not compiled.built:
                compiled.build(y, y_pred)
            if compiled.entries:
                compiled.update_state(y, y_pred, sample_weight)

    def get_metrics_result(self) -> dict:
        """``{name: result}`` of ``self.metrics`` (a compiled metric under its name in the
        logs: ``<output name>_<metric>`` for a model with several outputs)."""
        names = self._compile_metrics.log_names if self._compile_metrics is not None else {}
        out = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                out.update(result)
            else:
                out[names.get(id(m), m.name)] = result
        return out

    def _build_compiled(self, batch):
        """Resolve the compiled loss and metrics against the model's outputs (their
        structure and shapes) and the batch's targets, once, before the first step: a
        functional or Sequential model's symbolic outputs, else the outputs on the
        batch."""
        loss, compiled = self._compile_loss, self._compile_metrics
        if (loss is None or loss.built) and (compiled is None or compiled.built):
            return
        x, y, _ = unpack_x_y_sample_weight(batch)
        y_pred = self.__dict__.get("_outputs_struct", self.__dict__.get("_output"))
        if y_pred is None:
            with _distribution.build_scope(self._weights_backend()):
                y_pred = self(x, training=False)
        if loss is not None and not loss.built:
            loss.build(y, y_pred)
        if compiled is not None and not compiled.built:
            compiled.build(y, y_pred)

    def train_step(self, *args):
        """One training step. On jax (Keras's stateless contract):
        ``train_step(state, data) -> (logs, state)``; on torch and tensorflow:
        ``train_step(data) -> logs``, updating the variables in place."""
        if len(args) == 2:
            return self._pure_train_step(*args)
        return self._stateful(self._pure_train_step, args[0], _TRAIN)

    def test_step(self, *args):
        """One evaluation step: ``test_step(state, data) -> (logs, state)`` on jax,
        ``test_step(data) -> logs`` on torch and tensorflow."""
        if len(args) == 2:
            return self._pure_test_step(*args)
        return self._stateful(self._pure_test_step, args[0], _TEST)

    def predict_step(self, *args):
        """One prediction step: ``predict_step(state, data) -> (outputs,
        non_trainable)`` on jax, ``predict_step(data) -> outputs`` on torch and
        tensorflow."""
        if len(args) == 2:
            state, data = args
            x, _, _ = unpack_x_y_sample_weight(data)
            return self.stateless_call(state[0], state[1], x, training=False)
        x, _, _ = unpack_x_y_sample_weight(args[0])
        return self(x, training=False)

    # -- the pure default steps ------------------------------------------------------------
    def _forward(self, trainable, non_trainable, x, y, sw, training):
        parts = self.__dict__.get("_step_parts")
        if parts is None:
            scope = self._stateless_scope(trainable, non_trainable, "train_step")
            non_trainable_variables = self.non_trainable_variables
        else:  # a runner's step: the state's variables, as read when it made the state
            non_trainable_variables = parts[1]
            mapping = dict(zip(parts[0], trainable))
            mapping.update(zip(non_trainable_variables, non_trainable))
            scope = StatelessScope(mapping)
        with scope:
            y_pred = self(x, training=training)
            if self.__dict__.get("_mixed"):  # a mixed policy: the loss in float32 (Keras's
                y_pred = _float32_outputs(y_pred)  # losses compute in floatx)
            self.__dict__["_per_loss_to_step"] = True  # each output's loss: to the step's
            try:  # metrics (``_per_loss_values``), not to the trackers' variables
                loss = self.compute_loss(x, y, y_pred, sw, training=training)
            finally:
                self.__dict__["_per_loss_to_step"] = False
        return loss, (y_pred, [scope.get(v) for v in non_trainable_variables],
                      self._per_loss_values())

    def _feed_loss_trackers(self, values, y_pred):
        """Each output's loss tracker (``<output name>_loss``) updated with its unweighted
        value of the batch, weighted by the batch's size (no gradient flows into it)."""
        if not values:
            return
        size = _batch_size(y_pred)
        for tracker, value in zip(self._compile_loss.metrics, values):
            tracker.update_state(crossops.stop_gradient(value), sample_weight=size)

    def _per_loss_values(self):
        """The unweighted loss of each output that the compiled loss just computed (for
        the ``<output name>_loss`` trackers: several losses only), taken from it."""
        compiled = self._compile_loss
        if compiled is None or compiled.values is None:
            return ()
        values, compiled.values = compiled.values, None
        return tuple(values)

    def _pure_train_step(self, state, data):
        trainable, non_trainable, optimizer_vars, metric_vars = state
        x, y, sw = unpack_x_y_sample_weight(data)
        scale_loss = getattr(self.optimizer, "scale_loss", None)
        eager = self.__dict__.get("_step_parts") is not None  # an eager runner's step
        if scale_loss is None:
            (loss, (y_pred, non_trainable, per_loss)), grads = _value_and_grad_aux(
                lambda tv: self._forward(tv, non_trainable, x, y, sw, True),
                list(trainable), eager)
        else:  # a LossScaleOptimizer: differentiate the scaled loss (it unscales)
            def scaled(tv):
                loss, aux = self._forward(tv, non_trainable, x, y, sw, True)
                return scale_loss(loss, optimizer_vars), (loss, aux)
            (_, (loss, (y_pred, non_trainable, per_loss))), grads = _value_and_grad_aux(
                scaled, list(trainable), eager)
        grads = _distribution.reduce_gradients(grads, lambda: _batch_size(x))  # data parallel
        trainable, optimizer_vars = self.optimizer.stateless_apply(
            optimizer_vars, grads, trainable)
        logs, metric_vars = self._stateless_metrics(metric_vars, loss, x, y, y_pred, sw,
                                                    per_loss)
        return logs, (trainable, non_trainable, optimizer_vars, metric_vars)

    def _pure_test_step(self, state, data):
        trainable, non_trainable, metric_vars = state
        x, y, sw = unpack_x_y_sample_weight(data)
        loss, (y_pred, non_trainable, per_loss) = self._forward(trainable, non_trainable, x,
                                                                y, sw, False)
        logs, metric_vars = self._stateless_metrics(metric_vars, loss, x, y, y_pred, sw,
                                                    per_loss)
        return logs, (trainable, non_trainable, metric_vars)

    def _stateless_metrics(self, metric_vars, loss, x, y, y_pred, sw, per_loss=()):
        """Keras's metric update inside a pure step: the loss tracker weighted by the
        batch's size (so the epoch's loss is the mean over examples, whatever the batch
        size), as is each output's loss tracker (``per_loss``: their values, with several
        losses), then ``compute_metrics``, with every metric reading and writing its state
        through ``metric.variables``, which a StatelessScope maps to the step's arrays."""
        parts = self.__dict__.get("_step_parts")
        variables = parts[-1] if parts is not None else [
            v for m in self.metrics for v in m.variables]
        with StatelessScope(dict(zip(variables, metric_vars))) as scope:
            # (an eager runner's step: the size as a Python number, see ``_track``)
            size = _batch_count(x) if parts is not None else _batch_size(x)
            _track(self._loss_tracker, loss, size)
            for tracker, value in zip(self._compile_loss.metrics if per_loss else (),
                                      per_loss):
                _track(tracker, value, size)
            if self.__dict__.get("_step_logs_unread") and not self._overrides(
                    "compute_metrics"):
                self._update_compiled_metrics(y, y_pred, sw)
                logs = None  # made from the metrics when read (``_Pure.read_logs_lazily``)
            else:
                logs = self.compute_metrics(x, y, y_pred, sw)
        new = [scope.get(v) for v in variables]
        reduced = _distribution.reduce_metrics(metric_vars, new)
        if reduced is not new:  # data parallel: the logs of every process's share
            with StatelessScope(dict(zip(variables, reduced))):
                logs = {**logs, **self.get_metrics_result()}
        return logs, reduced

    def _stateful(self, pure_step, data, kind):
        """A pure step run on the variables' values, written back (Keras's stateful
        ``train_step(data)`` on torch and tensorflow, e.g. called through ``super()``)."""
        logs, state = pure_step(self._state(kind), data)
        self._write_state(kind, state)
        return logs

    # -- state --------------------------------------------------------------------------
    def _state_parts(self, kind) -> list[list]:
        """The variables of a step's state, by part, in the order of Keras's state:
        trainable, non-trainable, then the optimizer's (training) and the metrics' (not
        prediction)."""
        parts = [list(self.trainable_variables), list(self.non_trainable_variables)]
        if kind is _TRAIN:
            parts.append(list(self.optimizer.variables))
        if kind is not _PREDICT:
            parts.append([v for m in self.metrics for v in m.variables])
        return parts

    def _state(self, kind):
        return tuple(_values(part) for part in self._state_parts(kind))

    def _write_state(self, kind, state):
        for part, values in zip(self._state_parts(kind), state):
            for v, a in zip(part, values):
                v.assign(a)

    def _adopt_state(self, kind, state, held=None, parts=None) -> bool:
        """Make the variables hold a pure step's new ``state`` without copying it
        (``Variable._adopt``): then the old arrays are freed, and ``fit`` holds one copy
        of the model and optimizer state, not two. False where a variable cannot (then
        the runner keeps the state apart, and ``sync`` writes it). ``held``: the state
        the variables adopted last; an array the step gave back as it got it (an eager
        torch optimizer's update, written in place) is already its variable's. ``parts``:
        the state's variables (``_state_parts(kind)``, read here if not given)."""
        if parts is None:
            parts = self._state_parts(kind)
        if [len(p) for p in parts] != [len(values) for values in state]:
            return False
        for i, (part, values) in enumerate(zip(parts, state)):  # (loops: every step)
            was = held[i] if held is not None else values
            for v, a, h in zip(part, values, was):
                if (held is None or a is not h) and not v._adopt(a):
                    return False
        return True

    def _state_in_place(self, kind) -> bool:
        """Whether a step of ``kind`` updates the variables in place: all are
        tf.Variables (the tensorflow backend), and no distribution runs the step."""
        if _distribution.active_for(self._weights_backend()) is not None:
            return False
        return all(v._tf_variable for part in self._state_parts(kind) for v in part)

    def _override_runner(self, backend, kind, step):
        """The runner of a stateful ``train_step`` / ``test_step`` / ``predict_step``
        override (torch, tensorflow): on tensorflow compiled as Keras's trainer compiles
        it (``make_train_function``: a ``tf.function`` around the override, with XLA
        under ``jit_compile``'s rule), traced once with the batch axis unknown, unless
        ``run_eagerly`` (or a distribution runs the step); elsewhere run eagerly."""
        if self.run_eagerly or not training_piece(backend, "COMPILED_OVERRIDES") or \
                not self._state_in_place(kind):
            return _Stateful(step)
        version = self.optimizer.version if self.optimizer is not None else 0
        key = ("override", kind, version)
        cache = self.__dict__.setdefault("_step_cache", {})
        if key not in cache:
            cache[key] = compile_step(step, self.jit_compile, batched=True)
        return _Stateful(cache[key])

    def _sync_training_state(self):
        """Write the running fit's state into the variables (for a callback that reads
        them in the middle of an epoch; Keras's ``jax_state_sync``)."""
        runner = self.__dict__.get("_runner")
        if runner is not None:
            runner.sync()

    # -- checks -------------------------------------------------------------------------
    def _weights_backend(self) -> str:
        for w in self.weights:
            return backend_of_type(type(w._value))
        return self._backend or self._made_on

    def _check_trainable_backend(self, what):
        backend = self._weights_backend()
        if backend not in TRAINABLE_BACKENDS:
            raise NotImplementedError(
                f"{self.name}.{what}: the {backend} backend has no automatic "
                f"differentiation; build the model on one of {TRAINABLE_BACKENDS} "
                "(crossops.set_backend(...) before creating it) to train it")
        return backend

    def _assert_compiled(self, caller):
        if not self.compiled:
            raise RuntimeError(f"{self.name}.{caller}: call compile(optimizer, loss, "
                               "metrics) first")

    def _overrides(self, name) -> bool:
        return getattr(type(self), name) is not getattr(Trainer, name)

    def _check_targets(self, caller, x, y):
        """Fail before any step when ``y`` is missing but the loss needs it, or when NumPy
        sparse labels are out of range for the model's outputs (``x`` None: a batch's
        targets, checked for presence only)."""
        if y is None and x is not None and not is_array_input(x):
            return  # a stream: its first batch is checked
        if y is None:
            if self.loss is not None and not (self._overrides("compute_loss") or
                                              self._overrides(_STEPS[caller])):
                raise ValueError(
                    f"{caller}: y is missing, but the loss {type(self.loss).__name__} "
                    f"needs targets; pass y=..., or data that yields (x, y) batches")
            return
        labels = _host_tree(y)
        if x is None or not isinstance(labels, np.ndarray) or labels.size == 0 or \
                not _compile_utils.needs_sparse_labels(self.loss):
            return  # not host data: the loss gets what it is given (see the docs)
        first_output = self._first_output(x)
        if first_output is None:
            return
        classes = first_output.shape[-1]
        ignore = getattr(self.loss, "ignore_class", None)
        bad = (labels < 0) | (labels >= classes) | (labels != np.floor(labels))
        if ignore is not None:
            bad &= labels != ignore
        if bad.any():
            raise ValueError(
                f"{caller}: y holds labels outside [0, {classes}) for a model with "
                f"{classes} outputs (e.g. {labels[bad].ravel()[0]!r}); sparse labels are "
                "the class indices 0 ... classes - 1")

    # -- data ---------------------------------------------------------------------------
    def _iterator(self, caller, backend, x, y=None, sample_weight=None, batch_size=None,
                  steps=None, shuffle=False, class_weight=None, seed=None):
        adapter = get_data_adapter(x, y, sample_weight, batch_size=batch_size,
                                   steps_per_epoch=steps, shuffle=shuffle,
                                   class_weight=class_weight, caller=caller, seed=seed)
        compiled = self._use_jit()  # (marking the batch axis dynamic: torch.compile's)

        def to_backend(batch):
            batch = _packed(batch)
            if caller != "predict":  # under a distribution: this process's rows
                batch = _distribution.local_rows(batch, backend)
            batch = _distribution.distribute_batch(batch, backend)  # jax: split among devices
            batch = optree.tree_map(lambda a: _as_backend(a, backend), batch,
                                    none_is_leaf=False)
            if compiled:  # one torch.compile program for every batch size
                mark_batch_dynamic(batch, backend)
            return batch
        return EpochIterator(adapter, steps_per_epoch=steps, transform=to_backend)

    def _build_from(self, batch):
        x, _, _ = unpack_x_y_sample_weight(batch)
        if not self.built:
            with _distribution.build_scope(self._weights_backend()):  # beside DTensors
                self(x, training=False)

    # -- fit ----------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None,
            validation_steps=None, validation_batch_size=None, validation_freq=1,
            seed=None):
        """Train for ``epochs`` over the data; returns the ``History``.

        ``x`` may be NumPy arrays (or a pandas object, or a dict / list of arrays for a
        model with several inputs), arrays of the model's backend, a ``tf.data.Dataset``,
        a ``torch.utils.data.DataLoader``, a generator or other iterable of batches, or a
        :class:`crossops.utils.PyDataset`; any of them feeds any backend. Datasets yield
        ``(x, y)`` or ``(x, y, sample_weight)`` batches. Arguments as Keras's ``fit``;
        ``seed`` (a crossops extension) fixes the shuffling of in-memory arrays.

        Losses and metrics in the logs are means over the examples (weighted by
        ``sample_weight``), whatever the batch size. The batch hooks of the callbacks
        are called where a callback overrides them; where none reads the batches' logs,
        an eager step (torch) updates the metrics without making their results, which
        are made once, for the epoch's logs (the same figures).
        """
        self._assert_compiled("fit")
        backend = self._check_trainable_backend("fit")
        if validation_split:
            (x, y, sample_weight), validation_data = train_validation_split(
                (x, y, sample_weight), validation_split)
        if not isinstance(validation_freq, int) or validation_freq <= 0:
            raise ValueError(f"fit: validation_freq must be a positive int, got "
                             f"{validation_freq!r}")
        seed = _distribution.shuffle_seed(seed, backend)  # processes shuffle alike
        iterator = self._iterator("fit", backend, x, y, sample_weight, batch_size,
                                  steps_per_epoch, shuffle, class_weight, seed)
        self._check_targets("fit", x, y)
        val_iterator = None
        if validation_data is not None:
            vx, vy, vsw = _validation_tuple(validation_data)
            val_iterator = self._iterator(
                "fit", backend, vx, vy, vsw, (validation_batch_size or batch_size)
                if is_array_input(vx, vy, vsw) else None, validation_steps)
        callbacks = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0,
                                 model=self, verbose=_verbosity(verbose), epochs=epochs,
                                 steps=iterator.num_batches)
        if not self.built and is_array_input(x):  # on the backend it trains on (host rows
            # would build a subclassed model made under use_backend(...) on NumPy)
            self._build_from((optree.tree_map(lambda a: _as_backend(a, backend),
                                              _host_rows(x, 1)),))
        if self.built and self.optimizer.variables is None:
            self.optimizer.build(self.trainable_variables)
        self.stop_training = False
        self._initial_epoch = None
        callbacks.on_train_begin()
        initial_epoch = self._initial_epoch or initial_epoch
        with _training_mode(self, True):
            training_logs = self._fit_epochs(iterator, val_iterator, callbacks, backend,
                                             initial_epoch, epochs, validation_freq)
        callbacks.on_train_end(training_logs)
        self._initial_epoch = self._runner = None
        return callbacks.history

    def _fit_epochs(self, iterator, val_iterator, callbacks, backend, initial_epoch, epochs,
                    validation_freq):
        runner, training_logs = None, None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            # batch hooks that no callback uses are not called, and their logs are then
            # made once, at the end of the epoch (an eager step; see ``_Pure``)
            begin = callbacks.uses("on_train_batch_begin", "on_batch_begin")
            end = callbacks.uses("on_train_batch_end", "on_batch_end")
            logs, lazy, ran = None, not end, False
            if runner is not None:
                runner.read_logs_lazily(lazy)
            for step, batch in iterator.enumerate_epoch():
                if runner is None:
                    runner = self._runner = self._train_runner(backend, batch)
                    runner.read_logs_lazily(lazy)
                if begin:
                    callbacks.on_train_batch_begin(step)
                logs, ran = runner(batch), True
                if end:
                    callbacks.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if runner is not None:
                unread = ran and runner.logs_unread and logs is None
                runner.sync()
                if unread:  # the last step's logs, from the metrics it left
                    logs = self.get_metrics_result()
            epoch_logs = _floats(logs)
            if val_iterator is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate(val_iterator, backend, callbacks)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        return training_logs

    def _first_output(self, x):
        """The model's output on the first example of in-memory ``x`` (building the
        model), for the label check."""
        backend = self._weights_backend()
        with _distribution.build_scope(backend):  # torch ModelParallel: beside DTensors
            out = self(optree.tree_map(lambda a: _as_backend(a, backend), _host_rows(x, 1)),
                       training=False)
        leaves = optree.tree_leaves(out)
        return leaves[0] if len(leaves) == 1 else None

    def _train_runner(self, backend, first_batch):
        _, y, _ = unpack_x_y_sample_weight(first_batch)
        self._build_from(first_batch)
        self._build_compiled(first_batch)
        self._check_targets("fit", None, y)
        self._metrics_on(backend)
        if self.optimizer.variables is None:
            self.optimizer.build(self.trainable_variables)
        if not training_piece(backend, "STATELESS_STEPS") and self._overrides("train_step"):
            return self._override_runner(backend, _TRAIN, self.train_step)
        return _Pure(self, _TRAIN, lambda state, data: self.train_step(state, data))

    # -- evaluate -----------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """The loss and metrics over the data: a scalar, a list in ``metrics_names``
        order, or a dict (``return_dict``). Data as for :meth:`fit`."""
        self._assert_compiled("evaluate")
        backend = self._weights_backend()
        iterator = self._iterator("evaluate", backend, x, y, sample_weight, batch_size, steps)
        self._check_targets("evaluate", x, y)
        callbacks = CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                                 verbose=_verbosity(verbose), epochs=1,
                                 steps=iterator.num_batches)
        logs = self._evaluate(iterator, backend, callbacks)
        return logs if return_dict else _flat(logs, self.metrics_names)

    def _evaluate(self, iterator, backend, callbacks):
        with _training_mode(self, False):
            return self._evaluate_epoch(iterator, backend, callbacks)

    def _evaluate_epoch(self, iterator, backend, callbacks):
        self.reset_metrics()
        callbacks.on_test_begin()
        runner, logs = None, None
        for step, batch in iterator.enumerate_epoch():
            if runner is None:
                runner = self._test_runner(backend, batch)
            callbacks.on_test_batch_begin(step)
            logs = runner(batch)
            callbacks.on_test_batch_end(step, logs)
        if runner is not None:
            runner.sync()
        logs = _floats(logs)
        callbacks.on_test_end(logs)
        return logs

    def _test_runner(self, backend, first_batch):
        _, y, _ = unpack_x_y_sample_weight(first_batch)
        self._build_from(first_batch)
        self._build_compiled(first_batch)
        self._check_targets("evaluate", None, y)
        self._metrics_on(backend)
        if not training_piece(backend, "STATELESS_STEPS") and self._overrides("test_step"):
            return self._override_runner(backend, _TEST, self.test_step)
        return _Pure(self, _TEST, lambda state, data: self.test_step(state, data))

    # -- predict ------------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The outputs for the data, batch by batch, as NumPy arrays (the structure of
        the model's outputs)."""
        backend = self._weights_backend()
        iterator = self._iterator("predict", backend, x, batch_size=batch_size, steps=steps)
        callbacks = CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                                 verbose=_verbosity(verbose), epochs=1,
                                 steps=iterator.num_batches)
        callbacks.on_predict_begin()
        runner, outputs = None, []
        with _training_mode(self, False):
            for step, batch in iterator.enumerate_epoch():
                if runner is None:
                    runner = self._predict_runner(backend, batch)
                callbacks.on_predict_batch_begin(step)
                out = runner(batch)
                callbacks.on_predict_batch_end(step, {"outputs": out})
                outputs.append(optree.tree_map(_host, out))
        callbacks.on_predict_end()
        if not outputs:
            raise ValueError("predict: the data gave no batch")
        return optree.tree_map(lambda *parts: np.concatenate(parts), *outputs)

    def _predict_runner(self, backend, first_batch):
        self._build_from(first_batch)
        # jax: stateless overrides; tensorflow: the default step compiled (Keras's contracts)
        if training_piece(backend, "STATELESS_STEPS") or (
                training_piece(backend, "PURE_PREDICT") and not self.run_eagerly and
                not self._overrides("predict_step")):
            return _Pure(self, _PREDICT, lambda state, data: self.predict_step(state, data))
        scope = training_piece(backend, "inference_scope")  # torch: no_grad
        if scope is not None:
            def inference(data):
                with scope():
                    return self.predict_step(data)
            return _Stateful(inference)
        return self._override_runner(backend, _PREDICT, self.predict_step)

    # -- on one batch -------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):
        """One training step on one batch; the metrics keep accumulating across calls
        (``reset_metrics()`` clears them). Returns the logs as :meth:`evaluate` does."""
        self._assert_compiled("train_on_batch")
        backend = self._check_trainable_backend("train_on_batch")
        batch = self._one_batch("train_on_batch", backend, x, y, sample_weight, class_weight)
        with _training_mode(self, True):
            return self._run_once(self._train_runner(backend, batch), batch, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """The loss and metrics of one batch (accumulating, as ``train_on_batch``)."""
        self._assert_compiled("test_on_batch")
        backend = self._weights_backend()
        batch = self._one_batch("test_on_batch", backend, x, y, sample_weight)
        with _training_mode(self, False):
            return self._run_once(self._test_runner(backend, batch), batch, return_dict)

    def _run_once(self, runner, batch, return_dict):
        logs = runner(batch)
        runner.sync()
        logs = _floats(logs)
        return logs if return_dict else _flat(logs, self.metrics_names)

    def predict_on_batch(self, x):
        """The outputs for one batch, as NumPy arrays."""
        backend = self._weights_backend()
        batch = self._one_batch("predict_on_batch", backend, x)
        with _training_mode(self, False):
            out = self._predict_runner(backend, batch)(batch)
        return optree.tree_map(_host, out)

    def _one_batch(self, caller, backend, x, y=None, sample_weight=None, class_weight=None):
        adapter = get_data_adapter(x, y, sample_weight, batch_size=_length(x),
                                   class_weight=class_weight, caller=caller)
        batch = _packed(next(iter(adapter.get_iterator())))
        if caller != "predict_on_batch":
            batch = _distribution.local_rows(batch, backend)
        batch = _distribution.distribute_batch(batch, backend)
        return optree.tree_map(lambda a: _as_backend(a, backend), batch,
                               none_is_leaf=False)


_TRAIN, _TEST, _PREDICT = "train", "test", "predict"
_STEPS = {"fit": "train_step", "train_on_batch": "train_step", "evaluate": "test_step",
          "test_on_batch": "test_step"}


class _Pure:
    """Runs a pure step (compiled when the model says so) on state kept between batches;
    ``sync`` writes the state back into the variables and metrics."""

    def __init__(self, model, kind, step):
        self.model, self.kind, self.state, self.parts = model, kind, None, None
        self.backend, self.pure_step = model._weights_backend(), step
        self.placed = False  # the state placed for a distribution once
        #: whether the variables hold the state (see ``Trainer._adopt_state``); a training
        #: step's state is given up to it (jax: donated, its buffers reused; torch: the
        #: new state written into its tensors, by the compiled step or the optimizer)
        self.adopting = self.donating = kind is _TRAIN
        #: the state the variables adopted at the last step (None: none yet)
        self.adopted = None
        #: whether a training step reads and writes the variables itself (tf.Variables,
        #: which the step's graph updates in place, as Keras's TensorFlow trainer does)
        self.in_place = kind is _TRAIN and model._state_in_place(kind)
        if self.in_place:
            self.adopting = self.donating = False
            step = functools.partial(_in_place_step, model, kind, step)
        #: whether the step runs as Python runs it (eagerly: torch, ``run_eagerly``), so
        #: that it may skip making logs nobody reads (see :meth:`read_logs_lazily`)
        self.eager = True
        if not model.run_eagerly and model._weights_backend() != "numpy":
            key = (kind, model.optimizer.version if model.optimizer is not None else 0,
                   self.in_place)
            cache = model.__dict__.setdefault("_step_cache", {})
            if key not in cache:
                # batched: one trace for every batch size on tensorflow (the last,
                # partial batch too), as Keras's tf.function over its dataset iterator
                cache[key] = compile_step(step, model.jit_compile, donate=self.donating,
                                          batched=True)
            # where the backend runs the step as it is (torch, eagerly), without the
            # transform's per-call work on the state and the batch (already its arrays)
            compiled = cache[key]
            as_is = getattr(compiled, "__wrapped__", None)  # (an earlier fit's step)
            self.eager = compiled.for_backend(self.backend) is as_is
            step = as_is if self.eager else compiled
        self.step = step
        self.logs_unread = False
        #: whether an eager step gives its state up to the optimizer (a compiled one is
        #: given it by ``compile_step``'s ``donate``): no set of ids per compiled step
        self.gives_up = self.donating and not model._use_jit()

    def __call__(self, data):
        if self.in_place:
            return self.step(data)
        if self.state is None:
            #: the variables of the state, read once with it (the step's scopes map them)
            self.parts = self.model._state_parts(self.kind)
            state = tuple(_values(part) for part in self.parts)
            if self.donating:  # each buffer once (a donated buffer cannot come twice)
                state = distinct_buffers(state)
            self.state = _distribution.prepare_state(state, self.backend)
            if not self.placed:  # the step as the distribution runs it, made once
                self.step = _distribution.cached_step(
                    self.model.__dict__.setdefault("_step_cache", {}), self.pure_step,
                    self.state[1] if self.kind is _PREDICT else self.state, self.backend,
                    self.kind, self.model._use_jit(), self.model.optimizer) or self.step
            self.placed = True
        shared = self.model.__dict__
        outer = shared.get("_step_parts"), shared.get("_step_logs_unread")
        if self.kind is not _PREDICT:  # for ``_forward`` and ``_stateless_metrics``: an
            # eager step's shortcuts (a compiled step traces the general code, and guards
            # on no such state)
            shared["_step_parts"] = self.parts if self.eager else None
            shared["_step_logs_unread"] = self.logs_unread
        try:
            if self.gives_up:  # eagerly, the optimizer may write into the state given
                with donated([a for part in self.state for a in part]):
                    out, state = self.step(self.state, data)
            else:
                out, state = self.step(self.state, data)
        finally:
            shared["_step_parts"], shared["_step_logs_unread"] = outer
        self.state = (self.state[0], state) if self.kind is _PREDICT else state
        if self.adopting:
            self.adopting = self.model._adopt_state(self.kind, state, self.adopted,
                                                    self.parts)
            self.adopted = state if self.adopting else None
        return out

    def read_logs_lazily(self, lazily: bool) -> None:
        """With ``lazily``, an eager step of the default ``compute_metrics`` updates the
        metrics without making their results (logs) at every batch, and returns None for
        its logs: :meth:`Trainer.get_metrics_result` makes them when they are read, after
        :meth:`sync` (``fit`` asks this when no callback reads the batches' logs)."""
        self.logs_unread = bool(lazily) and self.eager and not self.in_place and \
            _distribution.active_for(self.backend) is None

    def sync(self):
        if self.state is not None:
            if not self.adopting:
                self.model._write_state(self.kind, self.state)
            # callbacks may change the variables: read them again
            self.state = self.adopted = self.parts = None


def _in_place_step(model, kind, pure_step, data):
    """``pure_step`` run on the variables' values, its new state written into them (in
    place: compiled, TensorFlow updates each tf.Variable's buffer), its output returned."""
    out, state = pure_step(model._state(kind), data)
    model._write_state(kind, state)
    return out


class _Stateful:
    """Runs a stateful step (an override on torch or tensorflow)."""

    logs_unread = False

    def __init__(self, step):
        self.step = step

    def __call__(self, data):
        return self.step(data)

    def read_logs_lazily(self, lazily: bool) -> None:
        pass  # an override makes its logs

    def sync(self):
        pass


def _training_mode(model, training):
    """The model in training (``fit``) or inference mode (``evaluate``, ``predict``) for
    the duration, where its framework has modes (torch: ``train()`` / ``eval()``, the
    ``layers`` chapter's ``training_mode``); else nothing to do."""
    home = module_home(type(model))
    mode = getattr(home, "training_mode", None)
    return mode(model, training) if mode is not None else contextlib.nullcontext()


def _values(variables) -> list:
    """The variables' arrays for a pure step; torch parameters as plain tensors (the same
    storage, off autograd's tape), so that a compiled step sees one input type from the
    first call on."""
    return [detached(v.value) for v in variables]


def _value_and_grad_aux(fun, params: list, eager_step: bool):
    """``crossops.value_and_grad(fun, has_aux=True)(params)`` for a step's flat list of
    trainable arrays: in an eager runner's step (``eager_step``) where their backend
    differentiates an eager call directly (torch: autograd, its ``training`` chapter's
    ``eager_value_and_grad``), that way, without the transform's per-call work; else
    (compiled, nested, another backend) the transform."""
    eager = _eager_grad(type(params[0])) if eager_step and params else None
    if eager is not None:
        out = eager(scalar_output("value_and_grad", fun, True), params)
        if out is not None:
            return out
    return value_and_grad(fun, has_aux=True)(params)


def _eager_grad(t: type):
    """The ``eager_value_and_grad`` piece of the backend of arrays of type ``t``, or None
    (found once per type)."""
    try:
        return _EAGER_GRAD[t]
    except KeyError:
        piece = _EAGER_GRAD[t] = training_piece(backend_of_type(t), "eager_value_and_grad")
        return piece


#: array type -> its backend's ``eager_value_and_grad`` (None: the backend has none)
_EAGER_GRAD: dict = {}


def _as_backend(a, backend):
    """A batch's array as an array of ``backend``: host data converted, the backend's own
    arrays kept, another backend's arrays through the host."""
    own = backend_of_type(type(a))
    if own == backend:
        return a
    host = np.asarray(a) if own is None else to_numpy(a)
    if host.dtype == np.float64 and backend != "numpy" and own is None and \
            not isinstance(a, np.ndarray):
        host = host.astype(np.float32)  # Python floats: floatx, as Keras
    return _to_backend(host, backend, trainable=False)


def _float32_outputs(tree):
    """The float16 and bfloat16 arrays of ``tree`` as float32."""
    from .._dtypes import dtype_name

    def cast(a):
        if hasattr(a, "dtype") and dtype_name(a.dtype) in ("float16", "bfloat16"):
            return xnp.astype(a, "float32", copy=False)
        return a
    return cast(tree) if hasattr(tree, "dtype") else optree.tree_map(cast, tree)


def _batch_count(x):
    """The number of examples in batch ``x`` as a Python float where its shape says it
    (an eager step, or a trace made for this batch size), else as :func:`_batch_size`."""
    first = optree.tree_leaves(x)[0]
    n = first.shape[0] if first.ndim else None
    return float(n) if type(n) is int else _batch_size(x)


def _track(tracker, value, count):
    """``tracker.update_state(value, sample_weight=count)``: a loss tracker (a ``Mean``)
    fed a step's scalar loss weighted by the batch's size; by the tracker's
    ``add_weighted`` (the same arithmetic in a few operations) where the size is a
    Python number."""
    if type(count) is float and getattr(value, "ndim", None) == 0 and \
            type(tracker) is metrics_mod.Mean:
        tracker.add_weighted(value, count)
    else:
        tracker.update_state(value, sample_weight=count)


def _batch_size(x):
    """The number of examples in batch ``x``, as a float32 array (an array, not a Python
    int, which a compiler may hold as a symbol: torch's dynamic batch axis)."""
    first = optree.tree_leaves(x)[0]
    rows = first if first.ndim == 1 else first[(slice(None),) + (0,) * (first.ndim - 1)]
    return xnp.sum(xnp.ones_like(rows, dtype="float32"))


def _packed(batch):
    """A batch as Keras gives it to the steps: ``(x,)``, ``(x, y)`` or ``(x, y,
    sample_weight)``, without the parts that are None."""
    batch = tuple(batch)
    while len(batch) > 1 and batch[-1] is None:
        batch = batch[:-1]
    return batch


def _host(a):
    a = _distribution.gather(a)  # a jax array over several processes
    return to_numpy(detached(a))


def _host_tree(x):
    return optree.tree_map(lambda a: a.to_numpy() if type(a).__module__.startswith("pandas")
                           else a, x)


def _host_rows(x, n):
    """The first ``n`` examples of in-memory ``x``."""
    return optree.tree_map(lambda a: a[:n], _host_tree(x))


def _length(x) -> int:
    leaves = optree.tree_leaves(_host_tree(x))
    if not leaves:
        raise ValueError("the batch holds no array")
    return len(leaves[0])


def _validation_tuple(data):
    """``validation_data``: a tuple ``(x, y)`` or ``(x, y, sample_weight)`` of arrays, or a
    dataset of such batches."""
    if isinstance(data, tuple):
        return unpack_x_y_sample_weight(data)
    return data, None, None


def _floats(logs) -> dict:
    if logs is None:
        return {}
    out = {}
    for k, v in dict(logs).items():
        v = _host(v) if not isinstance(v, float | int) else v
        out[k] = float(v) if np.ndim(v) == 0 else v
    return out


def _flat(logs, names):
    """Keras's return value of ``evaluate``: the single figure, or the figures in the
    order of ``metrics_names``, then the others by name (a model with several outputs:
    ``<output name>_<metric>``)."""
    ordered = [logs[n] for n in names if n in logs] + \
        [logs[k] for k in sorted(logs) if k not in names]
    return ordered[0] if len(ordered) == 1 else ordered


def _verbosity(verbose) -> int:
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2, True, False):
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2, got {verbose!r}")
    return int(verbose)

