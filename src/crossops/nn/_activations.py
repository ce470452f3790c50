"""Activations and softmax-like ops, written with crossops ops (run on every backend).

Half-precision inputs are computed in float32 and rounded once at the end; the forms
are the stable ones (no ``exp`` of a large positive number, ``log1p``/``expm1`` near 0).
Bool and integer inputs give ``floatx()`` (float32), as ``jax.nn`` (the reference of Keras's
tests): ``sigmoid(int32)`` is float32, not integers truncated to 0; ``relu`` and
``hard_tanh``, which need no fractions, keep the input's dtype, as ``jax.nn`` does.
"""

from __future__ import annotations

import math

import crossops.numpy as xnp

from .._config import floatx
from .._dtypes import kind
from ..backends._common import SELU_ALPHA, SELU_SCALE
from ..numpy._compute import elementwise, name


def floating(f):
    """Wrap an activation of one array: bool and integer inputs computed in ``floatx()``
    (the result's dtype), half precision in float32 and rounded once."""
    inner = elementwise(f)

    def g(x, *args, **kwargs):
        if kind(name(x)) in "biu":
            x = xnp.astype(x, floatx())
        return inner(x, *args, **kwargs)
    g.__name__ = f.__name__
    g.__doc__ = f.__doc__
    return g


def _minus_abs(x, positive):
    """``-|x|``, as ``-x`` where ``positive`` and ``x`` elsewhere: each branch keeps its
    own derivative at 0 (through ``abs`` it would be 0, or 1 on JAX)."""
    return xnp.where(positive, xnp.negative(x), x)


def _sigmoid(x):
    positive = x >= 0
    e = xnp.exp(_minus_abs(x, positive))            # in (0, 1]: never overflows
    return xnp.where(positive, xnp.divide(1.0, xnp.add(e, 1.0)),
                     xnp.divide(e, xnp.add(e, 1.0)))


def _softplus(x):
    # max(x, 0) + log1p(exp(-|x|)), which is log1p(exp(x)) for x <= 0 (also in its
    # derivative at 0: 1/2); nan stays nan
    positive = x > 0
    pos = xnp.where(positive, x, xnp.zeros_like(x))
    return xnp.add(pos, xnp.log1p(xnp.exp(_minus_abs(x, positive))))


def _clip(x, lo, hi):
    # nan-preserving clip with Python bounds (weak scalars keep the dtype)
    return xnp.where(x < lo, lo, xnp.where(x > hi, hi, x))


def _int32_bool(x):
    """A bool array as int32 (``relu`` and ``hard_tanh`` of bools, as jax.nn)."""
    return xnp.astype(x, "int32") if name(x) == "bool" else x


def relu(x):  # exact in every dtype: no compute dtype
    x = _int32_bool(x)
    return xnp.where(x < 0, 0, x)


@floating
def relu6(x):
    return _clip(x, 0.0, 6.0)


@floating
def sigmoid(x):
    return _sigmoid(x)


@floating
def sparse_sigmoid(x):
    return _clip(xnp.multiply(xnp.add(x, 1.0), 0.5), 0.0, 1.0)


@floating
def softplus(x):
    return _softplus(x)


@floating
def softsign(x):
    return xnp.divide(x, xnp.add(xnp.abs(x), 1.0))


@floating
def soft_shrink(x, threshold=0.5):
    return xnp.where(x > threshold, xnp.subtract(x, threshold),
                     xnp.where(x < -threshold, xnp.add(x, threshold), xnp.zeros_like(x)))


@floating
def sparse_plus(x):
    q = xnp.multiply(xnp.square(xnp.add(x, 1.0)), 0.25)
    return xnp.where(x <= -1, 0.0, xnp.where(x < 1, q, x))


@floating
def silu(x):
    return xnp.multiply(x, _sigmoid(x))


def swish(x):
    return silu(x)


@floating
def squareplus(x, b=4):
    # (x + sqrt(x^2 + b)) / 2, with sqrt(x^2 + b) as hypot(x, sqrt(b)) (no overflow) and,
    # for x < 0, the cancellation-free b / (2 (sqrt(x^2 + b) - x))
    s = xnp.hypot(x, xnp.multiply(xnp.ones_like(x), math.sqrt(b)))
    return xnp.where(x >= 0, xnp.multiply(xnp.add(x, s), 0.5),
                     xnp.divide(b * 0.5, xnp.subtract(s, x)))


@floating
def log_sigmoid(x):
    return xnp.negative(_softplus(xnp.negative(x)))


@floating
def leaky_relu(x, negative_slope=0.2):
    return xnp.where(x < 0, xnp.multiply(x, negative_slope), x)


def _hard_sigmoid(x):
    # relu6(x + 3) / 6, as jax.nn's and torch's: x + 3 is exact near -3 (x / 6 + 0.5
    # cancels there), and one division rounds
    return xnp.divide(_clip(xnp.add(x, 3.0), 0.0, 6.0), 6.0)


@floating
def hard_sigmoid(x):
    return _hard_sigmoid(x)


@floating
def hard_silu(x):
    return xnp.multiply(x, _hard_sigmoid(x))


def hard_swish(x):
    return hard_silu(x)


def _elu(x, alpha):
    # expm1 of the negative part only: expm1(1000) = inf would make the gradient nan
    positive = x > 0
    negative = xnp.where(positive, xnp.zeros_like(x), x)
    return xnp.where(positive, x, xnp.multiply(xnp.expm1(negative), alpha))


@floating
def elu(x, alpha=1.0):
    return _elu(x, alpha)


@floating
def selu(x):
    return xnp.multiply(_elu(x, SELU_ALPHA), SELU_SCALE)


@floating
def gelu(x, approximate=True):
    if approximate:
        # 0.5 x (1 + tanh(u)) = x sigmoid(2u): no cancellation for x << 0
        u2 = xnp.multiply(xnp.add(x, xnp.multiply(xnp.multiply(x, xnp.square(x)), 0.044715)),
                          2 * math.sqrt(2 / math.pi))
        return xnp.multiply(x, _sigmoid(u2))
    from crossops.math import erfc
    # 0.5 x (1 + erf(x / sqrt 2)) = 0.5 x erfc(-x / sqrt 2): no cancellation for x << 0
    return xnp.multiply(xnp.multiply(x, 0.5), erfc(xnp.multiply(x, -1 / math.sqrt(2))))


@floating
def celu(x, alpha=1.0):
    # at 0 the positive part carries the derivative (1 from both sides); NaN stays NaN
    # (it is not below 0: the positive part keeps it)
    neg = xnp.where(x < 0, x, xnp.zeros_like(x))
    pos = xnp.where(x < 0, xnp.zeros_like(x), x)
    return xnp.add(pos, xnp.multiply(xnp.expm1(xnp.divide(neg, alpha)), alpha))


@floating
def glu(x, axis=-1):
    n = x.shape[axis]
    if n % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even, got shape {tuple(x.shape)}")
    m = xnp.moveaxis(x, axis, -1)
    a, b = m[..., : n // 2], m[..., n // 2:]
    return xnp.moveaxis(xnp.multiply(a, _sigmoid(b)), -1, axis)


def hard_tanh(x):  # exact in every dtype: no compute dtype
    # int bounds: integers stay integers (weak beside floats); unsigned ones have no -1
    x = _int32_bool(x)
    if kind(name(x)) == "u":
        return xnp.where(x > 1, 1, x)
    return _clip(x, -1, 1)


@floating
def hard_shrink(x, threshold=0.5):
    return xnp.where(xnp.abs(x) > threshold, x, xnp.zeros_like(x))


@floating
def tanh_shrink(x):
    return xnp.subtract(x, xnp.tanh(x))


@floating
def threshold(x, threshold, default_value):
    return xnp.where(x > threshold, x, default_value)


def _max_shifted(x, axis):
    m = xnp.max(x, axis=axis, keepdims=True)
    # rows of -inf alone shift by 0 (their softmax is then NaN, 0 / 0); a row holding +inf
    # or NaN is shifted by it and comes out NaN, as jax's and torch's softmax give it
    m = xnp.where(xnp.isneginf(m), xnp.zeros_like(m), m)
    return xnp.subtract(x, m)


@floating
def softmax(x, axis=-1):
    e = xnp.exp(_max_shifted(x, axis))
    return xnp.divide(e, xnp.sum(e, axis=axis, keepdims=True))


@floating
def log_softmax(x, axis=-1):
    s = _max_shifted(x, axis)
    return xnp.subtract(s, xnp.log(xnp.sum(xnp.exp(s), axis=axis, keepdims=True)))


@floating
def sparsemax(x, axis=-1):
    m = xnp.moveaxis(x, axis, -1)
    # sparsemax(x) = sparsemax(x - c): shifting by the max first keeps tau, and so
    # x - tau, free of cancellation when the logits are large and close together
    m = _max_shifted(m, -1)
    z = xnp.sort(m, axis=-1, descending=True)
    cs = xnp.cumulative_sum(z, axis=-1)
    r = xnp.cumulative_sum(xnp.ones_like(z), axis=-1)  # 1..n, on z's backend
    support = xnp.add(xnp.multiply(z, r), 1.0) > cs
    k = xnp.sum(xnp.astype(support, name(z), copy=False), axis=-1, keepdims=True)
    s = xnp.sum(xnp.where(support, z, xnp.zeros_like(z)), axis=-1, keepdims=True)
    tau = xnp.divide(xnp.subtract(s, 1.0), k)
    # max(m - tau, 0), with the gradient of an entry exactly at tau 0, as for the entries
    # outside the support it belongs to (maximum's tie rule would let the gradient through
    # the max shift above: not a subgradient); nan stays nan
    d = xnp.subtract(m, tau)
    out = xnp.where(d <= 0, xnp.zeros_like(d), d)
    return xnp.moveaxis(out, -1, axis)


ACTIVATIONS = {f.__name__: f for f in (
    relu, relu6, sigmoid, sparse_sigmoid, softplus, softsign, soft_shrink, sparse_plus,
    silu, swish, squareplus, log_sigmoid, leaky_relu, hard_sigmoid, hard_silu, hard_swish,
    elu, selu, gelu, celu, glu, hard_tanh, hard_shrink, tanh_shrink, threshold, softmax,
    log_softmax, sparsemax)}
