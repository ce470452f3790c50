"""The functional optimizers with Keras's names, arguments and defaults: each returns an
``UpdatePair(init, update)`` (see ``_functional.functional``)."""

from __future__ import annotations

from . import _rules
from ._functional import UpdatePair, functional


def _common(name, learning_rate, kw) -> dict:
    allowed = {"weight_decay", "clipnorm", "clipvalue", "global_clipnorm",
               "gradient_accumulation_steps"}
    unknown = set(kw) - allowed
    if unknown:
        raise TypeError(f"{name}: unknown arguments {sorted(unknown)}; the common ones are "
                        f"{sorted(allowed)}")
    return dict(learning_rate=learning_rate, name=name, **kw)


def sgd(learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs) -> UpdatePair:
    """Stochastic gradient descent with optional (Nesterov) momentum.

    Examples
    --------
    >>> import numpy as np
    >>> opt = sgd(0.5)
    >>> p, s = opt.update(np.ones(1), opt.init(np.zeros(1)), np.zeros(1))
    >>> p.tolist()
    [-0.5]
    """
    if not 0 <= momentum <= 1:
        raise ValueError(f"sgd: momentum must be in [0, 1], got {momentum}")
    return functional(_rules.sgd(momentum, nesterov), **_common("sgd", learning_rate, kwargs))


def adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
         **kwargs) -> UpdatePair:
    """Adam (Kingma & Ba), optionally AMSGrad."""
    return functional(_rules.adam(beta_1, beta_2, epsilon, amsgrad),
                      **_common("adam", learning_rate, kwargs))


def adamw(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
          amsgrad=False, **kwargs) -> UpdatePair:
    """Adam with decoupled weight decay (Loshchilov & Hutter)."""
    if not weight_decay:
        raise ValueError("adamw: weight_decay must be > 0 (use adam without decay)")
    return functional(_rules.adam(beta_1, beta_2, epsilon, amsgrad),
                      **_common("adamw", learning_rate, dict(kwargs, weight_decay=weight_decay)))


def adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
           **kwargs) -> UpdatePair:
    """Adamax, Adam's infinity-norm variant."""
    return functional(_rules.adamax(beta_1, beta_2, epsilon),
                      **_common("adamax", learning_rate, kwargs))


def nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
          **kwargs) -> UpdatePair:
    """Nadam, Adam with Nesterov momentum (Dozat), with Keras's momentum schedule."""
    return functional(_rules.nadam(beta_1, beta_2, epsilon),
                      **_common("nadam", learning_rate, kwargs))


def rmsprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
            **kwargs) -> UpdatePair:
    """RMSprop, optionally with momentum and centred."""
    return functional(_rules.rmsprop(rho, momentum, epsilon, centered),
                      **_common("rmsprop", learning_rate, kwargs))


def adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
            **kwargs) -> UpdatePair:
    """Adagrad."""
    return functional(_rules.adagrad(initial_accumulator_value, epsilon),
                      **_common("adagrad", learning_rate, kwargs))


def adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs) -> UpdatePair:
    """Adadelta."""
    return functional(_rules.adadelta(rho, epsilon), **_common("adadelta", learning_rate, kwargs))


def lion(learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs) -> UpdatePair:
    """Lion (Chen et al.): sign of an interpolated momentum."""
    if not 0 <= beta_1 <= 1:
        raise ValueError(f"lion: beta_1 must be in [0, 1], got {beta_1}")
    return functional(_rules.lion(beta_1, beta_2), **_common("lion", learning_rate, kwargs))
