"""The reference side of the conformance suite: NumPy results, and the comparison."""

from __future__ import annotations

import contextlib
import importlib
import warnings

import ml_dtypes
import numpy as np

from crossops._dispatch import PROMOTED_DISPATCH
from crossops._dtypes import dtype_name, kind, result_name

from .strategies import np_dtype


def resolve(path: str):
    """``"numpy.linalg.solve"`` -> the function."""
    mod, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(mod), attr)


def _promote(spec, args):
    positions = PROMOTED_DISPATCH.get(spec.dispatch)
    if not positions:
        return args
    i, j = positions
    r = np_dtype(result_name(dtype_name(args[i].dtype), dtype_name(args[j].dtype)))
    args = list(args)
    args[i], args[j] = args[i].astype(r), args[j].astype(r)
    return tuple(args)


def _has_bf16(args) -> bool:
    return any(getattr(a, "dtype", None) == ml_dtypes.bfloat16 for a in args)


def _widen_bf16(x):
    if isinstance(x, np.ndarray) and x.dtype == ml_dtypes.bfloat16:
        return x.astype(np.float32)
    if isinstance(x, list):
        return [_widen_bf16(v) for v in x]
    return x


def _narrow_to_bf16(out):
    if isinstance(out, list):
        return [_narrow_to_bf16(o) for o in out]
    if isinstance(out, tuple):
        return type(out)(*(_narrow_to_bf16(o) for o in out)) if hasattr(out, "_fields") \
            else tuple(_narrow_to_bf16(o) for o in out)
    out = np.asarray(out)
    return out.astype(ml_dtypes.bfloat16) if out.dtype == np.float32 else out


@contextlib.contextmanager
def numpy_edge_cases():
    """Silence NumPy's warnings for the edge cases the drawers make on purpose, and only
    those: floating-point errors (nan, inf, 0, values outside an op's domain: log(0),
    arcsin(2), inf * 0) and the warnings of its reductions over empty or all-NaN slices
    (var with correction >= n, nanmean of NaNs), which give nan, as crossops does.
    PyTorch's own warning for var/std with correction >= n (a UserWarning) is silenced
    too: the torch backend computes with torch and warns where NumPy does."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        for message in ("Degrees of freedom <= 0 for slice", "Mean of empty slice",
                        "All-NaN slice encountered"):
            warnings.filterwarnings("ignore", message, RuntimeWarning)
        warnings.filterwarnings("ignore", r"(std|var)\(\): degrees of freedom is <= 0",
                                UserWarning)
        yield


def reference(spec, args, kwargs):
    """The NumPy result of ``spec``'s op on NumPy inputs, with crossops's promotion.

    bfloat16 inputs that NumPy has no loop for are computed in float32 and rounded.
    """
    f = resolve(spec.reference)
    args = _promote(spec, args)
    kwargs = {**kwargs, **spec.ref_kwargs}
    with numpy_edge_cases():
        if not _has_bf16(args):
            return f(*args, **kwargs)
        try:
            out = f(*args, **kwargs)
        except TypeError:
            out = f(*(_widen_bf16(a) for a in args), **kwargs)
    # ml_dtypes computes some bfloat16 functions (clip, matmul) in float32: a bfloat16
    # input with no float32 beside it gives a bfloat16 result, as on every backend, unless
    # the op's result is at least float32 by design (spec result = "at_least_float32")
    if spec.result != "at_least_float32" and \
            not any(getattr(a, "dtype", None) == np.float32 for a in args):
        out = _narrow_to_bf16(out)
    return out


def tolerance(spec, result_dtype: str) -> tuple[float, float]:
    """(rtol, atol) for a result dtype: ``spec.tolerance`` epsilons, exact for ints."""
    if kind(result_dtype) in "biu":
        return 0.0, 0.0
    tol = 4 if spec.tolerance is None else spec.tolerance
    real = {"complex64": "float32", "complex128": "float64"}.get(result_dtype, result_dtype)
    eps = float(ml_dtypes.finfo(np_dtype(real)).eps)
    return tol * eps, tol * eps


def assert_same(out, ref, spec, *, what="result"):
    """``out`` (NumPy, from a backend) equals ``ref``: dtype and shape exactly, values
    within the spec's tolerance (nan where nan, inf where inf)."""
    if isinstance(ref, tuple | list):
        assert isinstance(out, tuple | list), f"{what}: expected a sequence, got {type(out)}"
        assert len(out) == len(ref), f"{what}: {len(out)} results, expected {len(ref)}"
        for i, (o, r) in enumerate(zip(out, ref)):
            assert_same(o, r, spec, what=f"{what}[{i}]")
        return
    ref = np.asarray(ref)
    out = np.asarray(out)
    rname, oname = dtype_name(ref.dtype), dtype_name(out.dtype)
    assert oname == rname, f"{what}: dtype {oname}, expected {rname}"
    assert out.shape == ref.shape, f"{what}: shape {out.shape}, expected {ref.shape}"
    if spec.compare == "shape_dtype":
        return
    rtol, atol = tolerance(spec, rname)
    if kind(rname) in "biu":
        np.testing.assert_array_equal(out, ref, err_msg=what)
        return
    wide = np.complex128 if kind(rname) == "c" else np.float64
    np.testing.assert_allclose(out.astype(wide), ref.astype(wide), rtol=rtol, atol=atol,
                               equal_nan=True, err_msg=what)


# factorizations that are unique only up to signs or phases: compare invariants
def _svd_recon(out, a):
    u, s, vh = out
    k = s.shape[-1]
    return s, (u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :]


def _unique(out, x):
    """Sorted unique values (the standard leaves their order open) with the other
    results permuted alike; inverse indices checked by rebuilding ``x``."""
    if not isinstance(out, tuple):
        return (np.sort(out),)
    fields = out._fields if hasattr(out, "_fields") else ()
    vals = np.asarray(out[0])
    order = np.argsort(vals, stable=True)
    got = [vals[order]]
    for name, v in zip(fields[1:], out[1:]):
        v = np.asarray(v)
        if name == "inverse_indices":
            got.append(vals[v.astype(np.int64)].astype(vals.dtype))
        elif name == "indices":
            got.append(np.asarray(x).reshape(-1)[v[order].astype(np.int64)])
        else:
            got.append(v[order])
    return tuple(got)


def _characteristic(w, a):
    """Eigenvalues as the coefficients of the characteristic polynomial of ``a / ||a||``
    (the Frobenius norm, at least 1): a near-defective matrix's clustered eigenvalues move
    by eps ** (1/k) between LAPACKs, while these coefficients, polynomials in the scaled
    matrix's entries, move by a few eps."""
    w = np.asarray(w)
    flat = w.reshape(-1, w.shape[-1]).astype(np.complex128)
    norms = np.linalg.norm(np.asarray(a, np.float64).reshape(-1, *a.shape[-2:]), axis=(-2, -1))
    scale = np.maximum(1.0, norms)
    coefficients = [np.poly(row / s) for row, s in zip(flat, scale)]
    return np.array(coefficients).reshape(w.shape[:-1] + (w.shape[-1] + 1,)).astype(w.dtype)


CANONICAL = {
    "unique_all": _unique, "unique_counts": _unique, "unique_inverse": _unique,
    "unique_values": _unique,
    "linalg.eigh": lambda out, a: (out[0], ((out[1] * out[0][..., None, :]) @
                                            np.swapaxes(out[1], -1, -2).conj())
                                   .astype(out[0].dtype)),
    "linalg.eig": lambda out, a: (_characteristic(out[0], a),),
    "linalg.eigvals": lambda out, a: (_characteristic(out, a),),
    "linalg.qr": lambda out, a: (out[0] @ out[1],
                                 np.swapaxes(out[0], -1, -2).conj() @ out[0]),
    "linalg.svd": _svd_recon,
    # the Penrose condition A P A = A: on near-singular inputs the entries of P are huge
    # and an absolute tolerance in eps is meaningless, while A P A stays of A's size
    "linalg.pinv": lambda out, a: ((a.astype(out.dtype) @ out @ a.astype(out.dtype)),),
    "linalg.lu_factor": lambda out, a: _lu_reconstruction(out, a),
}


def _lu_reconstruction(out, a):
    from .refs_linalg_extra import lu_reconstruction
    return lu_reconstruction(out, a)


def canonical(spec, out, args):
    f = CANONICAL.get(spec.qualname)
    if f is None:
        return out
    return tuple(f(out, args[0]))
