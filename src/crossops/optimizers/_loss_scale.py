"""Keras 3's ``LossScaleOptimizer``: dynamic loss scaling around another optimizer, for
training under the ``"mixed_float16"`` dtype policy (whose float16 gradients would
otherwise underflow to zero)."""

from __future__ import annotations

import crossops.numpy as xnp

from .._backend import backend_of_values
from .._variable import Variable
from ._classes import ALL, Optimizer, get
from ._functional import _off_the_tape, _scalar, donated


class LossScaleOptimizer(Optimizer):
    """Dynamic loss scaling (Keras's algorithm).

    The training step multiplies the loss by the current scale (:meth:`scale_loss`) before
    differentiating; :meth:`stateless_apply` / :meth:`apply` take the gradients of the
    scaled loss, and

    - if every gradient is finite: divide them by the scale and apply the inner optimizer;
      after ``dynamic_growth_steps`` such steps in a row, double the scale;
    - else: skip the step (weights and the inner optimizer's state unchanged) and halve
      the scale.

    Its ``variables`` are ``[scale (float32), step_counter (int32)]`` then the inner
    optimizer's.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops.layers import Variable
    >>> from crossops.optimizers import SGD
    >>> w = Variable(np.ones(2, np.float32))
    >>> opt = LossScaleOptimizer(SGD(0.5), initial_scale=4.0)
    >>> opt.apply([np.full(2, 4.0, np.float32)], [w])  # gradients of the scaled loss
    >>> w.numpy().tolist()
    [0.5, 0.5]
    >>> opt.apply([np.array([np.inf, 1.0], np.float32)], [w])
    >>> w.numpy().tolist(), float(opt.dynamic_scale)
    ([0.5, 0.5], 2.0)
    """

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000,
                 name=None, dynamic=True):
        if not dynamic:
            raise ValueError("LossScaleOptimizer: only dynamic loss scaling is supported "
                             "(as Keras 3)")
        if not (isinstance(initial_scale, int | float) and initial_scale > 0):
            raise ValueError(f"LossScaleOptimizer: initial_scale must be > 0, got "
                             f"{initial_scale!r}")
        if not (isinstance(dynamic_growth_steps, int) and dynamic_growth_steps >= 1):
            raise ValueError("LossScaleOptimizer: dynamic_growth_steps must be an int >= 1, "
                             f"got {dynamic_growth_steps!r}")
        inner = get(inner_optimizer)
        if isinstance(inner, LossScaleOptimizer):
            raise ValueError("LossScaleOptimizer: the inner optimizer is already one")
        self.inner_optimizer = inner
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = dynamic_growth_steps
        self.name = name or "loss_scale_optimizer"
        self.variables = None

    # -- delegated to the inner optimizer -----------------------------------------------
    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    @property
    def version(self):
        return self.inner_optimizer.version

    @property
    def config(self):
        return self.inner_optimizer.config

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    # -- state --------------------------------------------------------------------------
    def build(self, trainable_variables):
        self.inner_optimizer.build(trainable_variables)
        values = [v.value if hasattr(v, "value") else v for v in trainable_variables]
        backend = backend_of_values(values, "optimizers")
        self._own = [
            Variable(_scalar(self.initial_scale, "float32", backend), trainable=False,
                     name=f"{self.name}/dynamic_scale"),
            Variable(_scalar(0, "int32", backend), trainable=False,
                     name=f"{self.name}/step_counter")]
        self.variables = self._own + list(self.inner_optimizer.variables)

    @property
    def dynamic_scale(self):
        """The current scale (an array), or ``initial_scale`` before the first build."""
        return self._own[0].value if self.variables is not None else self.initial_scale

    @property
    def step_counter(self):
        return self._own[1].value if self.variables is not None else 0

    def scale_loss(self, loss, optimizer_variables=None):
        """``loss`` times the current scale (the one in ``optimizer_variables``, the
        optimizer's state as given to a pure training step, if given)."""
        if optimizer_variables is not None:
            scale = optimizer_variables[0]
        else:
            scale = self.dynamic_scale
        if hasattr(scale, "dtype"):
            scale = xnp.astype(scale, loss.dtype, copy=False)
        return loss * scale

    def check_finite(self, grads):
        """Whether every gradient is finite (a boolean scalar array)."""
        flags = [xnp.all(xnp.isfinite(g)) for g in grads if g is not None]
        ok = flags[0]
        for f in flags[1:]:
            ok = xnp.logical_and(ok, f)
        return ok

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """One update of the scaled gradients, purely; returns ``(trainable_variables,
        optimizer_variables)``. Written without control flow (both outcomes computed and
        one selected), so that it traces under jax.jit, torch.compile and tf.function."""
        self._check_state(optimizer_variables)
        trainable_variables = list(trainable_variables)
        with _off_the_tape(backend_of_values(trainable_variables, "optimizers")):
            return self._stateless_apply(list(optimizer_variables), list(grads),
                                         trainable_variables)

    def _stateless_apply(self, optimizer_variables, grads, trainable_variables):
        scale, counter = optimizer_variables[0], optimizer_variables[1]
        inner_vars = optimizer_variables[2:]
        finite = self.check_finite(grads)
        unscaled = [None if g is None else g / xnp.astype(scale, g.dtype, copy=False)
                    for g in grads]
        with donated(()):  # nothing given up: the old values stay where a step is skipped
            new_params, new_inner = self.inner_optimizer.stateless_apply(
                inner_vars, unscaled, trainable_variables)
        grow = xnp.logical_and(finite, counter == self.dynamic_growth_steps - 1)
        new_scale = xnp.where(finite, xnp.where(grow, scale * 2.0, scale), scale * 0.5)
        new_counter = xnp.where(xnp.logical_and(finite, xnp.logical_not(grow)),
                                counter + 1, xnp.zeros_like(counter))
        new_scale = xnp.astype(new_scale, scale.dtype, copy=False)
        new_counter = xnp.astype(new_counter, counter.dtype, copy=False)
        params = [xnp.where(finite, n, p) for n, p in zip(new_params, trainable_variables)]
        inner = [xnp.where(finite, n, o) for n, o in zip(new_inner, inner_vars)]
        return params, [new_scale, new_counter, *inner]

    def get_config(self) -> dict:
        return {"name": self.name,
                "inner_optimizer": {"class_name": type(self.inner_optimizer).__name__,
                                    "config": self.inner_optimizer.get_config()},
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        inner = config.pop("inner_optimizer")
        if isinstance(inner, dict):
            inner = ALL[inner["class_name"].lower()].from_config(inner["config"])
        return cls(inner, **config)
