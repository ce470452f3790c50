"""Gradients of element-wise ops at their special points, on every differentiating backend.

The property test of ``test_gradients.py`` moves its draws off ties and kinks. This one
goes to them: every element-wise op of the spec (drawn as ``unary`` or ``binary``, and the
``custom`` ones with a ``grad_points`` field) is differentiated in float64 at 0, +-1,
+-1/2, +-30 and +-1000, and at the op's own ``grad_points`` (its kinks and domain edges);
binary ops (and ``custom`` ones of two arrays with ``grad_points``) at every pair of a
small grid and their ``grad_points``, with respect to each argument. A complex result
(``polar``) is differentiated as its real plus its imaginary part.

The truth is the op's float64 values on NumPy, differenced one-sidedly from the left and
from the right (second-order formulas):

- where both one-sided derivatives agree, the point is smooth: the gradient must equal
  them (JAX, PyTorch and TensorFlow alike);
- where they differ, the point is a kink: the gradient must lie between them (a
  subgradient; frameworks choose different ones, e.g. ``abs'(0)`` is 1 on JAX and 0 on
  PyTorch, and crossops keeps each framework's choice);
- where one side is outside the domain (``sqrt`` at 0, ``arccos`` at 1), the gradient must
  equal the other side's derivative, or be infinite with its sign where that one grows
  without bound;
- where the value itself is not finite (``log`` at 0, ``exp`` at 1000) the point is skipped.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp

from ._chapters import per_op
from .backends import backend_context, op_function, to_backend, to_numpy
from .test_gradients import SPEC, _differentiable

POINTS = (0.0, 1.0, -1.0, 0.5, -0.5, 30.0, -30.0, 1000.0, -1000.0)
#: the grid a binary op is differentiated on, each pair in both orders
PAIR_POINTS = (0.0, 1.0, -1.0, 2.5, -0.5)

#: the framework's own gradient at a point, left as it is (crossops calls the framework's
#: function there; a wrapper on every call would cost more than the point is worth)
NATIVE_AT = {
    ("pow", "jax"): ((0.0, 0.0), "d/dx x**0 at x = 0 is nan (jax's y * x**(y - 1))"),
    ("pow", "tensorflow"): ((0.0, 0.0), "d/dx x**0 at x = 0 is nan (tf.pow's gradient)"),
    ("hypot", "torch"): ((0.0, 0.0), "torch.hypot's gradient at (0, 0) is nan (0 / 0)"),
    ("power", "jax"): ((0.0, 0.0), "power is pow: d/dx x**0 at x = 0 is nan (jax's)"),
    ("power", "tensorflow"): ((0.0, 0.0), "power is pow: d/dx x**0 at x = 0 is nan (tf.pow's)"),
}

#: binary ops whose derivative in one argument is undefined where that argument takes one
#: value (the edge of its domain, where the op's value is a convention): op -> (argument
#: index, value, why); those points are not checked for that argument's derivative
UNDEFINED_AT = {
    "math.gammainc": (0, 0.0, "P(a, x) is defined for a > 0; P(0, x) = 1 is a convention "
                              "(SciPy's), and d/da there is nan on jax and tensorflow "
                              "(their igamma_grad_a)"),
}


def _element_wise(spec, arity: int) -> bool:
    """Whether ``spec`` is a differentiable element-wise op of ``arity`` arrays with float64:
    drawn as ``unary``/``binary``, or a ``custom`` one with a ``grad_points`` field (its
    arrays the first ``arity`` parameters)."""
    if "float64" not in spec.dtype_names or _differentiable(spec) is not None:
        return False
    if spec.draw == ("unary", "binary")[arity - 1]:
        return True
    return (spec.draw == "custom" and spec.grad_points is not None
            and len(spec.arrays) == arity and spec.params[:arity] == spec.arrays)


UNARY = sorted(q for q, s in SPEC.items() if _element_wise(s, 1))
BINARY = sorted(q for q, s in SPEC.items() if _element_wise(s, 2))


def _values(f, x: np.ndarray) -> np.ndarray:
    """``f`` on NumPy float64, element-wise."""
    with backend_context("numpy"), np.errstate(all="ignore"):
        return np.asarray(to_numpy(f(x)), np.float64)


def _real(f):
    """``f``, with a complex result taken as its real plus its imaginary part (``polar``):
    a real function, element-wise, whose derivative is the sum of the parts'."""
    def real_valued(*args):
        out = f(*args)
        if xnp.isdtype(xnp.asarray(out).dtype, "complex floating"):
            return xnp.add(xnp.real(out), xnp.imag(out))
        return out
    return real_valued


def _steps(x: np.ndarray, h: float, sign: float):
    """``x + sign*h`` and ``x + 2*sign*h``, with the step as the floats really make it."""
    x1 = x + sign * h * np.maximum(1.0, np.abs(x)) ** 0.5
    step = x1 - x
    return x1, x + 2 * step, step


def _one_sided(f, x: np.ndarray, f0: np.ndarray, sign: float, h: float):
    """Second-order one-sided differences of ``f`` at ``x`` (``sign`` +1: from the right),
    and the change of ``f`` over the first step."""
    x1, x2, step = _steps(x, h, sign)
    f1, f2 = _values(f, x1), _values(f, x2)
    with np.errstate(all="ignore"):
        return (-3 * f0 + 4 * f1 - f2) / (2 * step), f1 - f0


def _truth(f, x: np.ndarray):
    """Per point: ``(kind, low, high)``; kind is "smooth", "kink", "edge" or "skip"."""
    f0 = _values(f, x)
    (right, jump_r), (left, jump_l) = (_one_sided(f, x, f0, s, 1e-6) for s in (1.0, -1.0))
    # a 64 times finer step tells an unbounded derivative (sqrt at 0: the difference grows
    # about 8 times) and a jump (the change of f does not shrink) from a finite one
    (right_fine, jump_rf), (left_fine, jump_lf) = (_one_sided(f, x, f0, s, 1e-6 / 64)
                                                   for s in (1.0, -1.0))
    out = []
    for i in range(x.size):
        jumps = any(np.isfinite(j) and np.isfinite(jf) and abs(jf) > 0.5 * abs(j) > 0
                    for j, jf in ((jump_r[i], jump_rf[i]), (jump_l[i], jump_lf[i])))
        sides = [(d, fine) for d, fine in ((right[i], right_fine[i]), (left[i], left_fine[i]))
                 if np.isfinite(d)]  # a side outside the domain gives nan
        unbounded = [abs(fine) > 4 * abs(d) + 1 for d, fine in sides]
        signs = {np.sign(d) for d, _ in sides}
        if not np.isfinite(f0[i]) or jumps or not sides:
            out.append(("skip", 0.0, 0.0))  # no derivative: the value is not finite, or jumps
        elif any(unbounded):  # sqrt and arccos at a domain edge, cbrt at 0: infinite
            out.append(("edge", math.copysign(math.inf, sides[0][0]), 0.0)
                       if all(unbounded) and len(signs) == 1 else ("skip", 0.0, 0.0))
        elif len(sides) == 2:
            (r, _), (l_, _) = sides
            tol = 1e-6 * (1 + abs(r) + abs(l_))
            kind = "smooth" if abs(r - l_) <= tol else "kink"
            out.append((kind, min(r, l_), max(r, l_)))
        else:  # one side outside the domain, a finite derivative on the other
            out.append(("edge", sides[0][0], sides[0][0]))
    return out


def _check(name, backend, points, grads, truth, native_at=None, undefined=()):
    bad = []
    for p, g, (kind, low, high) in zip(points, grads, truth):
        if kind == "skip" or p == native_at or p in undefined:
            continue
        if kind == "edge" and math.isinf(low):
            ok = g == low or (np.isfinite(g) and abs(g) > 1e6 and np.sign(g) == np.sign(low))
        else:
            tol = 1e-5 * (1 + abs(low) + abs(high))
            ok = low - tol <= g <= high + tol
        if not ok:
            bad.append(f"at {p}: {g!r}, want {kind} "
                       + (f"{low!r}" if kind != "kink" else f"in [{low!r}, {high!r}]"))
    assert not bad, f"{name} on {backend}: " + "; ".join(bad)


def _grad(backend, loss, x: np.ndarray) -> np.ndarray:
    with backend_context(backend):
        return np.asarray(to_numpy(crossops.grad(loss)(to_backend(backend, x))), np.float64)


def _float64_spec(qualname, backend):
    """``qualname``'s spec entry; the test is skipped where it has no float64 on ``backend``."""
    spec = SPEC[qualname]
    if spec.unavailable(backend) or "float64" in spec.unsupported_dtypes(backend):
        pytest.skip(f"{qualname} has no float64 gradient on {backend}: "
                    f"{spec.limits.get(backend)}")
    return spec


def _points(spec) -> np.ndarray:
    return np.array(sorted(set(POINTS) | set(spec.grad_points or ())), np.float64)


@per_op(UNARY)
def test_unary_gradient_at_special_points(qualname, dbackend):
    spec = _float64_spec(qualname, dbackend)
    f = _real(op_function(spec))
    x = _points(spec)
    with backend_context("numpy"), np.errstate(all="ignore"):
        boolean = to_numpy(f(x[:1])).dtype == np.bool_
    if boolean:  # isfinite and the like
        pytest.skip(f"{qualname}: boolean results, nothing to differentiate")
    g = _grad(dbackend, lambda v: xnp.sum(f(v)), x)
    _check(qualname, dbackend, x, g, _truth(f, x))


@per_op(BINARY)
def test_binary_gradient_at_special_points(qualname, dbackend):
    spec = _float64_spec(qualname, dbackend)
    f = _real(op_function(spec))
    grid = sorted(set(PAIR_POINTS) | set(spec.grad_points or ()))
    pairs = np.array(list(itertools.product(grid, repeat=2)), np.float64)
    a, b = pairs[:, 0], pairs[:, 1]
    with backend_context(dbackend):
        ab, bb = to_backend(dbackend, a), to_backend(dbackend, b)
    # with respect to the first argument, then the second
    native_at = NATIVE_AT.get((qualname, dbackend), (None,))[0]
    points = [(float(p), float(q)) for p, q in pairs]
    undefined = [set(), set()]
    if qualname in UNDEFINED_AT:
        arg, value, _ = UNDEFINED_AT[qualname]
        undefined[arg] = {pq for pq in points if pq[arg] == value}
    g1 = _grad(dbackend, lambda v: xnp.sum(f(v, bb)), a)
    _check(f"{qualname} (d/dx1 at (x1, x2))", dbackend, points, g1,
           _truth(lambda v: f(v, b), a), native_at, undefined[0])
    g2 = _grad(dbackend, lambda v: xnp.sum(f(ab, v)), b)
    _check(f"{qualname} (d/dx2 at (x1, x2))", dbackend, points, g2,
           _truth(lambda v: f(a, v), b), native_at, undefined[1])


def test_the_op_lists():
    assert len(UNARY) > 40 and len(BINARY) > 8
    assert "nn.celu" in UNARY and "maximum" in BINARY
    assert "arccosh" in UNARY and "fmax" in BINARY and "nn.polar" in BINARY


def _partials_truth(loss, x: np.ndarray):
    """:func:`_truth` of a scalar function, one coordinate of ``x`` at a time."""
    out = []
    for i in range(x.size):
        def along(t, i=i):
            full = np.repeat(x[None], t.size, axis=0)
            full[np.arange(t.size), i] = t
            return np.array([float(to_numpy(loss(row))) for row in full])
        out += _truth(along, x[i:i + 1])
    return out


#: ops that are not element-wise, at their ties and kinks: (name, function of one float64
#: NumPy or backend array, the points)
REDUCING = {
    "binary_crossentropy(from_logits) at 0 and +-1": (
        lambda v: xnp.sum(crossops.nn.binary_crossentropy(
            np.array([1.0, 0.0, 0.5, 1.0, 0.0]), v, from_logits=True)),
        np.array([0.0, 0.0, 0.0, 1.0, -1.0])),
    "binary_crossentropy of probabilities at 1/2": (
        lambda v: xnp.sum(crossops.nn.binary_crossentropy(
            np.array([1.0, 0.0, 0.5]), v)),
        np.array([0.5, 0.5, 0.5])),
    "categorical_crossentropy(from_logits) of equal logits": (
        lambda v: crossops.nn.categorical_crossentropy(
            np.array([0.0, 1.0, 0.0]), v, from_logits=True),
        np.array([0.0, 0.0, 0.0])),
    "softmax of equal logits": (
        lambda v: xnp.sum(xnp.multiply(crossops.nn.softmax(v), np.array([1.0, 2.0, -1.0]))),
        np.array([1.0, 1.0, 1.0])),
    "log_softmax of equal logits": (
        lambda v: xnp.sum(xnp.multiply(crossops.nn.log_softmax(v), np.array([1.0, 2.0, -1.0]))),
        np.array([1.0, 1.0, 1.0])),
    "logsumexp of equal values": (crossops.math.logsumexp, np.array([2.0, 2.0, 2.0])),
    "max of tied values": (xnp.max, np.array([2.0, 2.0, -1.0])),
    "min of tied values": (xnp.min, np.array([-1.0, 2.0, -1.0])),
    "vector norm at 0": (xnp.linalg.vector_norm, np.array([0.0, 0.0])),
    "sort of tied values": (
        lambda v: xnp.sum(xnp.multiply(xnp.sort(v), np.array([1.0, 2.0, 3.0]))),
        np.array([1.0, 1.0, 0.0])),
}


@pytest.mark.parametrize("case", sorted(REDUCING))
def test_reducing_gradient_at_ties_and_kinks(case, dbackend):
    loss, x = REDUCING[case]
    g = _grad(dbackend, loss, x)
    with backend_context("numpy"):
        truth = _partials_truth(loss, x)
    _check(case, dbackend, [f"x[{i}] of {list(x)}" for i in range(x.size)], g, truth)
    # along every coordinate at once too (a tie's shares must add up: max(x + t) = max(x) + t)
    d = np.ones_like(x)
    with backend_context("numpy"):
        along = _truth(lambda t: np.array([float(to_numpy(loss(x + ti * d))) for ti in t]),
                       np.zeros(1))
    _check(case + ", along (1, 1, ...)", dbackend, [0.0], [float(g @ d)], along)
