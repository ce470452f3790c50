"""Gradients of every differentiable op, checked by a property test.

For every spec entry whose dtype category holds float64 and whose inputs the
conformance drawers draw, hypothesis draws float64 inputs and a random cotangent ``c``
of the op's result; the gradient of ``sum(op(x) * c)`` w.r.t. the op's first float
array argument ``x`` (``crossops.grad``) is compared:

- on PyTorch and TensorFlow, with JAX's gradient (the reference, x64 on);
- on JAX, with central finite differences along random directions.

The drawn ``x`` is moved off the points where ops are not differentiable: non-finite
or huge entries are replaced by moderate values, and every entry is nudged by a
random 1-5 hundredths (breaking ties in sorts, maxima and clips, and leaving the kinks
of abs, norms, relu and the like) -- except for the symmetric positive definite matrices
of ``STRUCTURED``, which a nudge would make asymmetric. Ops without a gradient are left
out: those whose spec says why (``not_differentiable`` in spec/tests/<chapter>.toml), and
those whose results are booleans or indices (``NON_DIFFERENTIABLE_DRAWS``). An op whose
gradient is known to be wrong (``WRONG_GRADIENT``) is checked by a strict xfail instead.

Few examples per op (``max_examples=2``; JAX's side compiled with ``crossops.jit``) keep
the module inside the CI budget.
"""

from __future__ import annotations

import numpy as np
import optree
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import crossops
import crossops.numpy as xnp
import crossops.ops
from crossops._dtypes import dtype_name, kind

from ._chapters import per_op
from ._spec_tests import spec_for_tests
from .backends import BACKENDS, backend_context, diff_params, op_function, to_backend, to_numpy
from .strategies import draw_case, has_drawer

SPEC = spec_for_tests()

#: draws (spec/tests) of ops whose results are not differentiable (booleans, indices)
NON_DIFFERENTIABLE_DRAWS = {
    "compare": "boolean results",
    "arg_reduction": "integer indices",
}

#: ops with a result of floating dtype whose gradient is zero almost everywhere or
#: undefined, where backends legitimately differ (a gradient by convention, or none): the
#: spec says so and why (``not_differentiable``)
NON_DIFFERENTIABLE = {q: s.not_differentiable for q, s in SPEC.items() if s.not_differentiable}

#: ops defined on part of the real line: the drawn input is mapped into the domain (outside
#: it the forward value is NaN and backends' gradient formulas legitimately disagree)
DOMAIN = {"acosh": lambda a: 1.5 + np.abs(a), "arccosh": lambda a: 1.5 + np.abs(a),
          # a pole at 0: finite differences lose their accuracy next to it
          "reciprocal": lambda a: np.where(a < 0, -0.5, 0.5) + a,
          # eigenvalues apart (where two meet, their sum weighted by the cotangents has no
          # derivative): the diagonal spread by more than Gershgorin's discs' radii
          "linalg.eigvalsh": lambda a: _spread_diagonal(a)}


def _spread_diagonal(a):
    """Square matrices ``a`` plus ``diag(0, s, 2s, ...)`` with ``s = 2n(max|a| + 1)``: the
    eigenvalues of their symmetric parts at least 2 apart."""
    n = a.shape[-1]
    s = 2 * n * (float(np.max(np.abs(a), initial=0.0)) + 1)
    return a + np.diag(np.arange(n) * s)


#: ops whose drawn input has a structure a nudge would break (symmetric positive definite
#: matrices: the backends differentiate the symmetric part by different conventions)
STRUCTURED = {"linalg.cholesky", "linalg.eigvalsh", "math.logdet"}

#: ops that read one triangle of a triangular input (a Cholesky factor): the drawn input is
#: kept triangular, and only the gradient on that triangle is defined by the op (torch's
#: formula fills the other triangle too, the generic implementations give zeros there)
READS_TRIANGLE = {"linalg.cholesky_inverse"}


#: differentiable ops whose gradient every backend gets wrong: known failures, each
#: checked by a strict xfail (test_known_wrong_gradient) instead of the property test
WRONG_GRADIENT = {
    "frexp": "frexp's mantissa is x * 2**-e, of derivative 2**-e almost everywhere, but "
             "every backend computes it on the float's bits: a zero gradient",
}


def _differentiable(spec) -> str | None:
    """Why ``spec``'s op is left out, or None."""
    if spec.draw in NON_DIFFERENTIABLE_DRAWS:
        return NON_DIFFERENTIABLE_DRAWS[spec.draw]
    if spec.qualname in WRONG_GRADIENT:
        return f"a known failure: {WRONG_GRADIENT[spec.qualname]}"
    return NON_DIFFERENTIABLE.get(spec.qualname)


CANDIDATES = sorted(q for q, s in SPEC.items()
                    if "float64" in s.dtype_names and has_drawer(s) and s.draw != "creation")
OPS = [q for q in CANDIDATES if _differentiable(SPEC[q]) is None]


def _chosen(config) -> list[str]:
    """The differentiating backends chosen by ``--backend`` (all by default)."""
    return [p.values[0] for p in diff_params(config) if not p.marks]


def _is_float_array(a) -> bool:
    return isinstance(a, np.ndarray) and a.dtype.kind == "f"


def _diff_position(args) -> int | None:
    """The position of the first float array argument (or list of float arrays)."""
    for i, a in enumerate(args):
        if _is_float_array(a) or (isinstance(a, list) and a and all(map(_is_float_array, a))):
            return i
    return None


def _prepare(x, rng, nudge: bool):
    """``x`` with moderate finite values, nudged off ties and kinks."""
    def one(a):
        a = np.array(a, dtype=np.float64)
        bad = ~np.isfinite(a) | (np.abs(a) > 1e3)
        a[bad] = rng.uniform(-3.0, 3.0, int(bad.sum()))
        if nudge:
            a = a + rng.uniform(0.01, 0.05, a.shape) * rng.choice([-1.0, 1.0], a.shape)
        return a
    return [one(a) for a in x] if isinstance(x, list) else one(x)


def _to(backend, v):
    if isinstance(v, list):
        return [to_backend(backend, a) for a in v]
    return to_backend(backend, v)


def _float_leaves(out) -> list:
    return [leaf for leaf in optree.tree_leaves(out)
            if hasattr(leaf, "dtype") and kind(dtype_name(leaf.dtype)) in "fc"]


def _loss(f, args, kwargs, i, cotangents):
    """``x -> sum over the float results r of sum(r * c)`` (real and imaginary parts of
    complex results each with their own ``c``)."""

    def loss(x):
        full = list(args)
        full[i] = x
        total = 0.0
        for leaf, ct in zip(_float_leaves(f(*full, **kwargs)), cotangents):
            if kind(dtype_name(leaf.dtype)) == "c":
                total = total + _dot(xnp.real(leaf), ct[0]) + _dot(xnp.imag(leaf), ct[1])
            else:
                total = total + _dot(leaf, ct)
        return total

    return loss


def _dot(r, c):
    """``sum(r * c)``, the cotangent ``c`` (float64) cast to the result's dtype: a result
    cast by a ``dtype=`` argument (float32) does not promote on TensorFlow."""
    return xnp.sum(r * xnp.astype(c, r.dtype))


def _draw_problem(data, spec):
    case = draw_case(data, spec, "float64")
    i = _diff_position(case.args)
    if i is None:
        pytest.skip(f"{spec.qualname}: no float array argument to differentiate")
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 32 - 1), label="seed"))
    nudge = spec.qualname not in STRUCTURED | READS_TRIANGLE
    args = list(case.args)
    args[i] = _prepare(args[i], rng, nudge)
    for j, a in enumerate(args):  # the other float arguments: finite, moderate, not nudged
        if j != i and _is_float_array(a):
            args[j] = _prepare(a, rng, nudge=False)
    if spec.qualname in DOMAIN:
        args[i] = DOMAIN[spec.qualname](args[i])
    return args, case.kwargs, i, rng


def _on(backend, args, kwargs):
    return [_to(backend, a) for a in args], {k: _to(backend, v) for k, v in kwargs.items()}


def _jax_reference(spec, args, kwargs, i, rng):
    """The loss's cotangents, JAX's gradient and a function evaluating the loss on JAX."""
    f = op_function(spec)
    with backend_context("jax"):
        jargs, jkwargs = _on("jax", args, kwargs)
        leaves = _float_leaves(f(*jargs, **jkwargs))
        if not leaves:
            pytest.skip(f"{spec.qualname}: no floating-point result, nothing to differentiate")
        cts = []
        for leaf in leaves:
            shape = tuple(leaf.shape)
            if kind(dtype_name(leaf.dtype)) == "c":
                cts.append((rng.normal(size=shape), rng.normal(size=shape)))
            else:
                cts.append(rng.normal(size=shape))
        jcts = optree.tree_map(lambda c: to_backend("jax", np.asarray(c)), cts)
        loss = _loss(f, jargs, jkwargs, i, jcts)
        if spec.compiled:  # one XLA program per example, not one per primitive
            loss = crossops.jit(loss)
        g = to_numpy(crossops.jit(crossops.grad(loss))(jargs[i]) if spec.compiled else
                     crossops.grad(loss)(jargs[i]))
    return cts, g, loss


def _flat(g) -> np.ndarray:
    parts = [np.ravel(np.asarray(a, np.float64)) for a in (g if isinstance(g, list) else [g])]
    return np.concatenate(parts) if parts else np.zeros(0)


def _check_finite_differences(spec, args, i, loss, g, rng):
    x = args[i]
    xs = x if isinstance(x, list) else [x]
    scale = max([1.0] + [float(np.max(np.abs(a))) for a in xs if a.size])
    h = 1e-6 * scale
    with backend_context("jax"):
        value = float(loss(_to("jax", x)))
        for _ in range(2):
            v = [rng.normal(size=a.shape) for a in xs]
            if spec.qualname in STRUCTURED:  # symmetric directions: the conventions agree
                v = [_symmetric(d) for d in v]
            step = [a + h * d for a, d in zip(xs, v)]
            back = [a - h * d for a, d in zip(xs, v)]
            if not isinstance(x, list):
                step, back = step[0], back[0]
            fd = (float(loss(_to("jax", step))) - float(loss(_to("jax", back)))) / (2 * h)
            directional = float(np.dot(_flat(g), _flat(v)))
            if not (np.isfinite(value) and np.isfinite(directional)):
                continue  # outside the op's domain: nan or inf on every backend
            assert abs(fd - directional) <= 1e-5 * (1 + abs(directional) + abs(value)), (
                f"{spec.qualname}: jax gradient {directional} along a random direction, "
                f"central finite difference {fd}")


@per_op(OPS)
@settings(max_examples=2, phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking:
@given(data=st.data())                                   # its minutes would blow the CI budget
def test_gradient(qualname, pytestconfig, data):
    """JAX against finite differences, then PyTorch and TensorFlow against JAX (one test
    per op: the JAX reference is computed once for every backend)."""
    spec = SPEC[qualname]
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed (it gives the reference)")
    _skip_unless_float64(spec, "jax")
    others = [b for b in _chosen(pytestconfig) if b != "jax" and _float64_on(spec, b)]
    args, kwargs, i, rng = _draw_problem(data, spec)
    cts, g_ref, loss = _jax_reference(spec, args, kwargs, i, rng)
    # finite differences need a float64 result (a cast to float32, e.g. by convert_to_tensor's
    # dtype, makes them meaningless at h ~ 1e-6)
    if "jax" in _chosen(pytestconfig) and _float64_results(spec, args, kwargs):
        _check_finite_differences(spec, args, i, loss, g_ref, rng)
    f = op_function(spec)
    for b in others:
        with backend_context(b):
            bargs, bkwargs = _on(b, args, kwargs)
            bcts = optree.tree_map(lambda c, b=b: to_backend(b, np.asarray(c)), cts)
            g = to_numpy(crossops.grad(_loss(f, bargs, bkwargs, i, bcts))(bargs[i]))
        if qualname in STRUCTURED:  # symmetric inputs: compare the gradients' symmetric parts
            g, g_ref = _symmetric(g), _symmetric(g_ref)
        if qualname in READS_TRIANGLE:
            tri = np.triu if kwargs.get("upper") else np.tril
            g, g_ref = tri(np.asarray(g)), tri(np.asarray(g_ref))
        got, want = _flat(g), _flat(g_ref)
        assert got.shape == want.shape, f"{qualname}: {b} gradient shape {got.shape}"
        # where jax's gradient is not finite the op is not differentiable there (sqrt of a
        # zero variance, a kink): backends may give any value; everywhere else they agree
        defined = np.isfinite(want)
        got, want = got[defined], want[defined]
        finite = want[np.isfinite(want)]
        scale = max(1.0, float(np.max(np.abs(finite)))) if finite.size else 1.0
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9 * scale,
                                   err_msg=f"{qualname}: {b} gradient vs jax's")


def _float64_results(spec, args, kwargs) -> bool:
    with backend_context("jax"):
        jargs, jkwargs = _on("jax", args, kwargs)
        leaves = _float_leaves(op_function(spec)(*jargs, **jkwargs))
    return all(dtype_name(leaf.dtype) in ("float64", "complex128") for leaf in leaves)


def _symmetric(g):
    """(g + g^T) / 2 over the last two axes: backends differentiate a function of a
    symmetric matrix by different conventions (one triangle, or symmetrised) with the same
    symmetric part."""
    g = np.asarray(g)
    return (g + np.swapaxes(g, -1, -2)) / 2


def _float64_on(spec, backend) -> bool:
    return (backend in BACKENDS and not spec.unavailable(backend)
            and "float64" not in spec.unsupported_dtypes(backend))


def _skip_unless_float64(spec, backend):
    if not _float64_on(spec, backend):
        pytest.skip(f"{spec.qualname} has no float64 gradient to take on {backend} "
                    f"(not installed, or a documented limit: {spec.limits.get(backend)})")


@pytest.mark.parametrize("qualname", [
    pytest.param(q, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=why))
    for q, why in sorted(WRONG_GRADIENT.items())])
def test_known_wrong_gradient(qualname, backend):
    """The ops of ``WRONG_GRADIENT`` at points where their derivative is plain: strict
    xfails, so that a mended gradient fails here until its entry is removed."""
    if backend == "numpy":
        pytest.skip("the numpy backend has no automatic differentiation")
    x = np.array([0.3, 1.7, -5.5, 12.25])
    want = {"frexp": 2.0 ** -np.frexp(x)[1]}[qualname]  # d/dx of the mantissa x * 2**-e
    f = op_function(SPEC[qualname])
    with backend_context(backend):
        got = to_numpy(crossops.grad(lambda t: xnp.sum(f(t)[0]))(to_backend(backend, x)))
    np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=f"{qualname} on {backend}")


def test_the_lists_name_spec_ops():
    assert set(NON_DIFFERENTIABLE) <= set(SPEC)
    assert set(WRONG_GRADIENT) <= set(SPEC)
    assert not set(WRONG_GRADIENT) & set(NON_DIFFERENTIABLE)
    assert len(OPS) > 100
