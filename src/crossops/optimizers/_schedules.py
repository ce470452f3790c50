"""Learning-rate schedules: callables of the step (an int array) giving the rate, written
with crossops ops so that they trace under every backend's compiler. Formulas as Keras 3's
``keras.optimizers.schedules``."""

from __future__ import annotations

import math

import crossops.numpy as xnp


class LearningRateSchedule:
    """Base class: ``schedule(step) -> learning rate`` (float32 array)."""

    def __call__(self, step):
        raise NotImplementedError

    def get_config(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _f(step):
    return xnp.astype(step, "float32", copy=False)


class _TimeDecay(LearningRateSchedule):
    """Decay by ``step / decay_steps`` (floored if ``staircase``)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        if decay_steps <= 0:
            raise ValueError(f"{type(self).__name__}: decay_steps must be > 0, got "
                             f"{decay_steps}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase

    def _progress(self, step):
        p = _f(step) / self.decay_steps
        return xnp.floor(p) if self.staircase else p


class ExponentialDecay(_TimeDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored exponent if
    ``staircase``).

    Examples
    --------
    >>> import numpy as np
    >>> float(ExponentialDecay(0.1, 10, 0.5)(np.int32(10)))
    0.05000000074505806
    """

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** self._progress(step)


class InverseTimeDecay(_TimeDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    def __call__(self, step):
        return self.initial_learning_rate / (1 + self.decay_rate * self._progress(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` for ``boundaries[i-1] < step <= boundaries[i]``."""

    def __init__(self, boundaries, values):
        if len(values) != len(boundaries) + 1:
            raise ValueError("PiecewiseConstantDecay: values must have one more element "
                             f"than boundaries, got {len(values)} and {len(boundaries)}")
        self.boundaries = list(boundaries)
        self.values = list(values)

    def __call__(self, step):
        s = _f(step)
        out = xnp.zeros_like(s) + self.values[-1]
        for b, v in zip(reversed(self.boundaries), reversed(self.values[:-1])):
            out = xnp.where(s <= b, xnp.zeros_like(s) + v, out)
        return out


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate`` over
    ``decay_steps`` (restarting with a longer period if ``cycle``)."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001,
                 power=1.0, cycle=False):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle

    def __call__(self, step):
        s = _f(step)
        steps = xnp.zeros_like(s) + self.decay_steps
        if self.cycle:
            mult = xnp.where(s == 0, xnp.ones_like(s), xnp.ceil(s / self.decay_steps))
            steps = steps * mult
        else:
            s = xnp.minimum(s, steps)
        frac = (1 - s / steps) ** self.power
        return (self.initial_learning_rate - self.end_learning_rate) * frac + \
            self.end_learning_rate


class CosineDecay(LearningRateSchedule):
    """Cosine decay to ``alpha * initial`` over ``decay_steps``, after an optional linear
    warmup from ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None,
                 warmup_steps=0):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        s = _f(step)
        top = self.initial_learning_rate if self.warmup_target is None else self.warmup_target
        done = xnp.minimum(xnp.maximum(s - self.warmup_steps, 0.0), float(self.decay_steps))
        cosine = 0.5 * (1 + xnp.cos(math.pi * done / self.decay_steps))
        decayed = top * ((1 - self.alpha) * cosine + self.alpha)
        if self.warmup_target is None or self.warmup_steps == 0:
            return decayed
        warm = self.initial_learning_rate + (top - self.initial_learning_rate) * \
            s / self.warmup_steps
        return xnp.where(s < self.warmup_steps, warm, decayed)
