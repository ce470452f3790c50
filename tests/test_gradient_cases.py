"""Gradients of ops that are not element-wise at their special inputs, on every
differentiating backend.

``test_gradient_points.py`` takes element-wise ops to their kinks and domain edges; this
module does the same for reductions, normalisations, losses, sorts and linear algebra.
The inputs are data in the spec: an op's ``grad_cases`` (``spec/*.toml``) lists small
float64 arrays at the op's ties, zeros, kinks and large values, e.g. ``prod`` of a vector
holding one zero and two zeros, ``max`` of tied values, ``std`` of a constant row (where
the square root meets 0), ``binary_crossentropy`` at probabilities exactly 0 and 1.

The loss is ``sum(op(...) * w)`` over the op's float results, with fixed weights ``w``
(``1 ... 2`` over each result's elements, so that ties between the results are broken),
differentiated with respect to the argument ``wrt`` (the first by default). Truth:

- the loss's float64 values on NumPy, differenced one-sidedly per input element (the
  rules of ``test_gradient_points``: where both sides agree the gradient must equal them,
  at a kink or a tie it must lie between them (a subgradient), at a domain edge it must be
  the inner side's derivative), and along (1, 1, ...) too: a tie's shares must add up
  (``max(x + t) = max(x) + t``, so the shares of a tie sum to 1 whichever way a framework
  splits them);
- JAX's float64 gradient (x64 on for the call only): at smooth points every backend's
  gradient must equal it.

What the frameworks do at the cases' ties and kinks (all valid subgradients, each kept as
its framework has it; measured with the weights above):

- the same on JAX, PyTorch and TensorFlow: ``max``/``min``/``amax``/``amin``/``ptp``/
  ``nanmax``/``segment_max`` and the ``ord=inf`` norm split a tie evenly (``max`` of
  ``[2, 2, -1]``: ``[0.5, 0.5, 0]``); ``max_pool`` sends a tied window's gradient to its
  first entry; ``sort``, ``top_k``, ``median`` and the quantiles send each result's gradient
  to the entry their stable sort put there; norms, ``std``, ``nanstd`` and ``cdist`` give 0
  at a zero vector, variance or distance; ``eigvalsh`` and ``svdvals`` at repeated or zero
  values give the diagonal's weights;
- ``clip`` at a bound: 0.5 on JAX (``jnp.clip`` is a max then a min, which split ties), 1
  on PyTorch and TensorFlow;
- ``vector_norm(ord=1)`` and ``normalize(order=1)`` at a zero entry: ``abs'(0)`` is 1 on
  JAX, 0 on PyTorch and TensorFlow;
- ``sort(descending=True)`` of equal values: JAX's weights come out reversed from
  PyTorch's and TensorFlow's (``[2, 1.5, 1]`` against ``[1, 1.5, 2]``);
- ``adaptive_max_pool`` at a tie: split evenly on JAX and TensorFlow, all to the first
  entry on PyTorch;
- ``rgb_to_hsv`` with tied channels and ``hsv_to_rgb`` at a hue sector's edge: the
  frameworks take different branches (TensorFlow differs from the others on the first,
  JAX on the second).

The along-(1, 1, ...) check assumes a case's kinks are all of one kind near the point (a
sum of convex kinks, or of concave ones): ``clip``'s lower and upper bounds are separate
cases.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import optree
import pytest

import crossops
import crossops.numpy as xnp
from crossops._dtypes import dtype_name, kind

from .backends import BACKENDS, backend_context, op_function, to_backend, to_numpy
from .test_gradient_points import BINARY, UNARY, _check, _truth
from .test_gradients import OPS, SPEC, _differentiable

#: every spec op with gradient cases, each case by its index (the ops are differentiable
#: and not element-wise: checked below)
CASES = [(q, i) for q, s in sorted(SPEC.items()) for i in range(len(s.grad_cases))]


def _case_id(case) -> str:
    qualname, i = case
    note = SPEC[qualname].grad_cases[i].get("note", "")
    return f"{qualname}[{i}]" + (f" {note}" if note else "")


def _arguments(qualname: str, i: int):
    """The case's NumPy arguments, keyword arguments and the position differentiated."""
    case = SPEC[qualname].grad_cases[i]
    wrt = case.get("wrt", 0)
    args = []
    for j, a in enumerate(case["args"]):
        if j == wrt:
            args.append(np.asarray(a, np.float64))
        elif isinstance(a, list):
            arr = np.asarray(a)
            args.append(arr.astype(np.int32) if arr.dtype.kind == "i" else arr)
        else:
            args.append(a)
    kwargs = {k: tuple(v) if isinstance(v, list) else v  # axes
              for k, v in case.get("kwargs", {}).items()}
    return args, kwargs, wrt


def _float_leaves(out) -> list:
    return [leaf for leaf in optree.tree_leaves(out)
            if hasattr(leaf, "dtype") and kind(dtype_name(leaf.dtype)) == "f"]


def _loss(qualname: str, backend: str, args, kwargs, wrt: int, weights):
    """``v -> sum(op(..., v, ...) * w)`` over the op's float results, on ``backend``."""
    f = op_function(SPEC[qualname])
    bargs = [to_backend(backend, a) for a in args]
    bweights = [to_backend(backend, w) for w in weights]

    def loss(v):
        full = list(bargs)
        full[wrt] = v
        total = 0.0
        for leaf, w in zip(_float_leaves(f(*full, **kwargs)), bweights):
            total = total + xnp.sum(xnp.multiply(leaf, w))
        return total

    return loss


@functools.cache
def _weights(qualname: str, i: int) -> list[np.ndarray]:
    """The weights of the case's loss: ``1 ... 2`` over each float result."""
    args, kwargs, _ = _arguments(qualname, i)
    with backend_context("numpy"), np.errstate(all="ignore"):
        out = op_function(SPEC[qualname])(*args, **kwargs)
        return [np.linspace(1.0, 2.0, max(leaf.size, 1)).reshape(leaf.shape)
                for leaf in map(np.asarray, _float_leaves(out))]


@functools.cache
def _truth_of(qualname: str, i: int):
    """The truth per input element, and along (1, 1, ...), from NumPy's float64 values."""
    args, kwargs, wrt = _arguments(qualname, i)
    x = args[wrt]
    with backend_context("numpy"), np.errstate(all="ignore"):
        loss = _loss(qualname, "numpy", args, kwargs, wrt, _weights(qualname, i))

        def value(v) -> float:
            return float(to_numpy(loss(v)))

        truth = []
        for k in range(x.size):
            def along_k(t, k=k):
                rows = []
                for tk in t:
                    v = x.copy().reshape(-1)
                    v[k] = tk
                    rows.append(value(v.reshape(x.shape)))
                return np.array(rows)
            truth += _truth(along_k, x.reshape(-1)[k:k + 1])
        ones = _truth(lambda t: np.array([value(x + tk) for tk in t]), np.zeros(1))
    return truth, ones


@functools.cache
def _jax_gradients() -> dict[tuple[str, int], np.ndarray]:
    """JAX's gradient at every case (that JAX has), computed by one compiled program with
    XLA's backend optimisations off: one compilation instead of one per case (seconds
    less). Empty where that program fails: each case then computes its own."""
    if "jax" not in BACKENDS:
        return {}
    import jax
    cases = [(q, i) for q, i in CASES if _float64_on_jax(SPEC[q])]
    with backend_context("jax"):
        grads, xs = [], []
        for q, i in cases:
            args, kwargs, wrt = _arguments(q, i)
            grads.append(crossops.grad(_loss(q, "jax", args, kwargs, wrt, _weights(q, i))))
            xs.append(to_backend("jax", args[wrt]))
        try:
            program = jax.jit(lambda xs: [g(x) for g, x in zip(grads, xs)]).lower(xs).compile(
                compiler_options={"xla_backend_optimization_level": 0,
                                  "xla_llvm_disable_expensive_passes": True})
            out = program(xs)
        except Exception:  # noqa: BLE001  (a case that fails fails in its own test)
            return {}
    return {c: np.asarray(to_numpy(g), np.float64) for c, g in zip(cases, out)}


def _gradient(qualname: str, i: int, backend: str) -> np.ndarray:
    if backend == "jax" and (qualname, i) in _jax_gradients():
        return _jax_gradients()[qualname, i]
    args, kwargs, wrt = _arguments(qualname, i)
    with backend_context(backend):
        loss = _loss(qualname, backend, args, kwargs, wrt, _weights(qualname, i))
        grad = crossops.grad(loss)
        if backend == "jax":  # one XLA program, not one per primitive
            grad = crossops.jit(grad)
        return np.asarray(to_numpy(grad(to_backend(backend, args[wrt]))), np.float64)


@pytest.mark.parametrize("case", CASES, ids=[f"{q}:{i}" for q, i in CASES])
def test_gradient_at_special_inputs(case, dbackend):
    qualname, i = case
    spec = SPEC[qualname]
    if spec.unavailable(dbackend) or "float64" in spec.unsupported_dtypes(dbackend):
        pytest.skip(f"{qualname} has no float64 gradient on {dbackend}: "
                    f"{spec.limits.get(dbackend)}")
    truth, ones = _truth_of(qualname, i)
    args, _, wrt = _arguments(qualname, i)
    x = args[wrt]
    g = _gradient(qualname, i, dbackend)
    assert g.shape == x.shape, f"{qualname}: gradient of shape {g.shape} for {x.shape}"
    flat = g.reshape(-1)
    where = [f"x[{k}] of {x.tolist()}" for k in range(x.size)]
    _check(_case_id(case), dbackend, where, flat, truth)
    _check(_case_id(case) + ", along (1, 1, ...)", dbackend, ["0"], [float(flat.sum())], ones)
    if dbackend != "jax" and "jax" in BACKENDS and _float64_on_jax(spec):
        jax_grad = _gradient(qualname, i, "jax")
        # at smooth points every backend's gradient is JAX's (at kinks and ties each
        # framework picks its own subgradient, checked above)
        smooth = np.array([k == "smooth" for k, _, _ in truth])
        got, want = flat[smooth], jax_grad.reshape(-1)[smooth]
        scale = max([1.0] + [abs(float(v)) for v in want if math.isfinite(v)])
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9 * scale,
                                   err_msg=f"{_case_id(case)}: {dbackend} gradient vs jax's")


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: the differentiable ops, neither element-wise unary/binary nor with ``grad_cases``, and
#: why they have no cases here
WITHOUT_CASES = {
    "ldexp": "element-wise, but its exponent x2 is an integer array (nothing to "
             "differentiate) and it is linear in x1 (x1 * 2**x2): no special point",
    "core.saturate_cast": "element-wise, but its float64 -> float64 form is the identity (its "
                          "kinks, the target's limits, are at +-1.8e308) and a cast to a "
                          "narrower dtype has no float64 gradient to compare",
    **dict.fromkeys(_names("""
        all allclose any argpartition argsort count_nonzero digitize histogram isclose isin
        isneginf isposinf isreal ndim nonzero searchsorted size nanargmax nanargmin unique
        broadcast_shapes nn.ctc_decode
        """), "booleans, integers, indices or counts: nothing to differentiate"),
    **dict.fromkeys(_names("""
        append array array_split astype broadcast_arrays broadcast_to column_stack concat
        concatenate copy core.cast core.convert_to_tensor core.rearrange core.scatter
        core.scatter_update core.slice core.slice_update core.unstack diag diagflat diagonal
        diff dsplit dstack expand_dims flip fliplr flipud full_like get_item hsplit hstack
        identity meshgrid moveaxis ones_like pad permute_dims ravel repeat reshape roll rot90
        select split squeeze stack swapaxes take take_along_axis tile trace transpose tril
        triu unstack vsplit vstack where zeros_like matrix_transpose linalg.diagonal
        linalg.matrix_transpose linalg.trace fft.fft fft.fftn fft.fftshift fft.ifft fft.ifftn
        fft.ifftshift fft.ihfft fft.rfft fft.rfftn fft.fft2 fft.ifft2 fft.rfft2 math.fft
        math.fft2 math.ifft2 math.irfft
        math.rfft math.stft math.istft math.extract_sequences math.segment_sum
        math.view_as_complex nansum nanmean nancumsum trapezoid nn.average_pool
        nn.adaptive_average_pool nn.depth_to_space nn.space_to_depth nn.fold nn.unfold
        nn.conv nn.conv_transpose nn.depthwise_conv nn.separable_conv image.crop_images
        image.pad_images image.extract_patches image.extract_patches_3d
        image.reconstruct_patches image.gaussian_blur image.sobel_edges
        image.rgb_to_grayscale image.affine_transform image.perspective_transform
        image.map_coordinates image.resize image.scale_and_translate image.elastic_transform
        apply_over_axes asanyarray asarray_chkfinite ascontiguousarray asfortranarray require
        real_if_close atleast_1d atleast_2d atleast_3d block choose compress delete insert
        extract ediff1d gradient polyadd polysub polyder polyint resize rollaxis trim_zeros
        """), "linear in the array differentiated (a copy, a rearrangement, a selection, a "
              "sum, a transform, an interpolation at fixed coordinates): the gradient is the "
              "same at every input, there is no special point"),
    **dict.fromkeys(_names("""
        dot einsum inner kron vdot tensordot vecdot correlate vander linalg.outer
        linalg.cross linalg.tensordot linalg.vecdot linalg.matmul linalg.matrix_power
        linalg.multi_dot
        nanvar nancumprod average geomspace logspace nn.glu nn.batch_normalization
        nn.dot_product_attention
        convolve cov cross matvec vecmat outer poly polymul polyval
        """), "a polynomial or a composition of smooth functions (softmax, sigmoid, exp, "
              "x / sqrt(v + epsilon)) on its whole domain: no special point beyond those of "
              "the ops it is built from, which have their own cases"),
    **dict.fromkeys(_names("""
        linalg.cholesky linalg.cholesky_inverse linalg.solve_triangular linalg.lstsq
        linalg.pinv linalg.lu_factor math.logdet polyfit
        """), "smooth where defined; a singular or rank-deficient input is outside the domain "
              "(pinv and lu_factor's pivoting jump there): no derivative to check, and "
              "test_gradients covers well-conditioned inputs"),
    "nn.psnr": "smooth except where the two images are equal, where it is infinite (no "
               "derivative)",
    "image.ssim": "smooth: its constants k1, k2 keep every denominator positive",
    **dict.fromkeys(_names("apply_along_axis piecewise"),
                    "applies the caller's functions (on the caller's conditions): its special "
                    "points are theirs (the drawn ones are linear, quadratic or constant)"),
    **dict.fromkeys(_names("partition sort_complex"),
                    "a sort's values: its ties are its only special points, which sort's cases "
                    "cover"),
    "roots": "the eigenvalues of the companion matrix: smooth where the roots are simple; a "
             "repeated root has an infinite derivative (no derivative to check)",
    "polydiv": "a rational function of the coefficients, smooth wherever the divisor's leading "
               "coefficient is nonzero (the op is undefined where it is zero)",
    "histogram_bin_edges": "linear in the samples' minimum and maximum: its kinks are ties of "
                           "those, which max's and min's cases cover",
    "interp": "piecewise linear between the knots xp: at a knot the two one-sided slopes "
              "differ and either is a subgradient (test_gradients draws off the knots)",
    "unwrap": "the identity plus multiples of 2 pi that jump where a difference crosses pi: a "
              "jump has no derivative to check, elsewhere it is linear",
    "float_power": "power computed in float64: its special points are power's, which power's "
                   "grad_points cover (test_gradient_points)",
}


def test_every_op_that_is_not_element_wise_has_cases_or_a_reason():
    with_cases = {q for q, _ in CASES}
    others = set(OPS) - set(UNARY) - set(BINARY)
    assert all(_differentiable(SPEC[q]) is None for q in with_cases)
    assert with_cases <= others, sorted(with_cases - others)
    assert not with_cases & set(WITHOUT_CASES), sorted(with_cases & set(WITHOUT_CASES))
    assert others == with_cases | set(WITHOUT_CASES), (
        f"without cases or a reason: {sorted(others - with_cases - set(WITHOUT_CASES))}; "
        f"listed but not such an op: {sorted(set(WITHOUT_CASES) - others)}")


def _float64_on_jax(spec) -> bool:
    return not spec.unavailable("jax") and "float64" not in spec.unsupported_dtypes("jax")
