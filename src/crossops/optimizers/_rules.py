"""The per-variable update rules of the optimizers, as pure functions.

Each rule is a ``Rule(slots, step)`` pair:

- ``slots(param) -> tuple`` the per-variable state (momentums, velocities ...), zeros
  shaped like the variable unless the optimizer starts elsewhere (Adagrad);
- ``step(grad, param, slots, lr, t, extra) -> (new_param, new_slots)`` one update, with
  ``lr`` the learning rate and ``t`` the 1-based step count, both as arrays of the
  variable's dtype, and ``extra`` the optimizer-wide state (Nadam's running product);
- ``name`` and ``options``: the rule and its hyperparameters, by which a backend's
  ``optimizers`` chapter may offer a multi-tensor form of the same update (PyTorch's
  ``torch._foreach_*`` kernels, ``crossops/backends/torch/optimizers.py``).

The arithmetic follows Keras 3's optimizers, so that a crossops optimizer and a Keras one
give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import crossops.numpy as xnp


class Rule(NamedTuple):
    slots: Callable[[Any], tuple]
    step: Callable[..., tuple]
    # optimizer-wide state: (initial value, update(extra, t) -> extra), or None
    extra: tuple | None = None
    name: str = ""
    options: dict | None = None


def _zeros(*names):
    def slots(p):
        return tuple(xnp.zeros_like(p) for _ in names)
    return slots


def sgd(momentum=0.0, nesterov=False) -> Rule:
    options = {"momentum": momentum, "nesterov": nesterov}
    if momentum == 0:
        return Rule(_zeros(), lambda g, p, s, lr, t, e: (p - g * lr, s), None, "sgd", options)

    def step(g, p, s, lr, t, e):
        (m,) = s
        m = m * momentum - g * lr
        p = p + (m * momentum - g * lr if nesterov else m)
        return p, (m,)
    return Rule(_zeros("momentum"), step, None, "sgd", options)


def adam(beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False) -> Rule:
    def step(g, p, s, lr, t, e):
        m, v = s[0], s[1]
        alpha = lr * xnp.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        m = m + (g - m) * (1 - beta_1)
        v = v + (g * g - v) * (1 - beta_2)
        if amsgrad:
            v_hat = xnp.maximum(s[2], v)
            return p - m * alpha / (xnp.sqrt(v_hat) + epsilon), (m, v, v_hat)
        return p - m * alpha / (xnp.sqrt(v) + epsilon), (m, v)
    return Rule(_zeros("m", "v", *(("v_hat",) if amsgrad else ())), step, None, "adam",
                {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon, "amsgrad": amsgrad})


def adamax(beta_1=0.9, beta_2=0.999, epsilon=1e-7) -> Rule:
    def step(g, p, s, lr, t, e):
        m, u = s
        m = m + (g - m) * (1 - beta_1)
        u = xnp.maximum(u * beta_2, xnp.abs(g))
        return p - lr * m / ((1 - beta_1 ** t) * (u + epsilon)), (m, u)
    return Rule(_zeros("m", "u"), step)


def nadam(beta_1=0.9, beta_2=0.999, epsilon=1e-7) -> Rule:
    def mu(t):
        return beta_1 * (1.0 - 0.5 * 0.96 ** t)

    def step(g, p, s, lr, t, u_product):
        m, v = s
        u_product = xnp.astype(u_product, p.dtype, copy=False)
        u_t, u_t1 = mu(t), mu(t + 1)
        m = m + (g - m) * (1 - beta_1)
        v = v + (g * g - v) * (1 - beta_2)
        m_hat = u_t1 * m / (1 - u_product * u_t1) + (1 - u_t) * g / (1 - u_product)
        v_hat = v / (1 - beta_2 ** t)
        return p - m_hat * lr / (xnp.sqrt(v_hat) + epsilon), (m, v)
    # the running product of the momentum schedule, updated before each step
    return Rule(_zeros("m", "v"), step, (1.0, lambda u, t: u * mu(t)))


def rmsprop(rho=0.9, momentum=0.0, epsilon=1e-7, centered=False) -> Rule:
    names = ("velocity",) + (("momentum",) if momentum > 0 else ()) + (
        ("average_gradient",) if centered else ())

    def step(g, p, s, lr, t, e):
        v = rho * s[0] + (1 - rho) * g * g
        new = [v]
        if centered:
            a = rho * s[-1] + (1 - rho) * g
            denominator = v - a * a + epsilon
        else:
            denominator = v + epsilon
        increment = lr * g / xnp.sqrt(denominator)
        if momentum > 0:
            mom = momentum * s[1] + increment
            new.append(mom)
            p = p - mom
        else:
            p = p - increment
        if centered:
            new.append(a)
        return p, tuple(new)
    return Rule(_zeros(*names), step)


def adagrad(initial_accumulator_value=0.1, epsilon=1e-7) -> Rule:
    def slots(p):
        return (xnp.full_like(p, initial_accumulator_value),)

    def step(g, p, s, lr, t, e):
        acc = s[0] + g * g
        return p - lr * g / xnp.sqrt(acc + epsilon), (acc,)
    return Rule(slots, step)


def adadelta(rho=0.95, epsilon=1e-7) -> Rule:
    def step(g, p, s, lr, t, e):
        acc_g, acc_d = s
        acc_g = rho * acc_g + (1 - rho) * g * g
        delta = -xnp.sqrt(acc_d + epsilon) * g / xnp.sqrt(acc_g + epsilon)
        acc_d = rho * acc_d + (1 - rho) * delta * delta
        return p + lr * delta, (acc_g, acc_d)
    return Rule(_zeros("accumulated_grad", "accumulated_delta_var"), step)


def lion(beta_1=0.9, beta_2=0.99) -> Rule:
    def step(g, p, s, lr, t, e):
        (m,) = s
        p = p - lr * xnp.sign(m * beta_1 + g * (1.0 - beta_1))
        return p, (m * beta_2 + g * (1.0 - beta_2),)
    return Rule(_zeros("momentum"), step)
