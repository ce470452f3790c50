"""Adapters over the frameworks' own ``einsum`` and ``bincount``, named in
spec/numpy_products.toml's ``native`` tables (``<op>_<backend>``).

Each promotes its operands with crossops's table first, computes the dtypes a framework
has no kernel for in a wider one (exact: integer products and sums wrap alike), and casts
the result to the dtype NumPy's rules give. Frameworks are imported on first call only.
"""

from __future__ import annotations

import operator
import string

from .._dtypes import dtype_name
from ._keras import _backend
from ._products import _promote_all, _wide_names

_LETTERS = string.ascii_letters


def _xnp():
    import crossops.numpy as xnp
    return xnp


# -- einsum ---------------------------------------------------------------------------------

def _sublist(labels, where: str) -> str:
    out = []
    for v in labels:
        if v is Ellipsis:
            out.append("...")
            continue
        try:
            i = operator.index(v)
        except TypeError:
            raise TypeError(f"einsum: {where} must hold ints in [0, 52) or Ellipsis, "
                            f"got {v!r}") from None
        if not 0 <= i < len(_LETTERS):
            raise ValueError(f"einsum: subscript {i} in {where} is out of range [0, 52)")
        out.append(_LETTERS[i])
    return "".join(out)


def _equation(subscripts, operands):
    """The subscripts string and the operands, from either of NumPy's call forms:
    ``einsum("ij,jk->ik", a, b)`` or ``einsum(a, [0, 1], b, [1, 2], [0, 2])``."""
    if isinstance(subscripts, str):
        return _explicit(subscripts.replace(" ", "")), list(operands)
    items = [subscripts, *operands]
    k = len(items) // 2
    arrays, subs = items[0:2 * k:2], items[1:2 * k:2]
    eq = ",".join(_sublist(s, f"the sublist of operand {i}") for i, s in enumerate(subs))
    if len(items) % 2:
        eq += "->" + _sublist(items[-1], "the output sublist")
    return _explicit(eq), arrays


def _explicit(eq: str) -> str:
    """An implicit equation with its output written out, as NumPy reads it: the broadcast
    axes (``...``) first, then the labels used once, in alphabetical order (TensorFlow
    needs the ``...`` written out)."""
    if "->" in eq:
        return eq
    labels = eq.replace("...", "").replace(",", "")
    once = sorted(c for c in set(labels) if labels.count(c) == 1)
    return eq + "->" + ("..." if "..." in eq else "") + "".join(once)


def _prepared(subscripts, operands, backend):
    """(equation, promoted operands, result dtype name) for the backend's einsum."""
    from .._backend import backend_module, backend_of_type
    from .._dispatch import native_function
    eq, ops = _equation(subscripts, operands)
    if not ops:
        raise ValueError("einsum: needs at least one operand")
    mod = backend_module(backend)
    asarray = native_function(mod, "asarray")
    ops = [o if backend_of_type(type(o)) is not None else asarray(o) for o in ops]
    ops = _promote_all(*ops)
    return eq, ops, dtype_name(ops[0].dtype)


def _widened(f, eq, ops, r, no_kernel):
    """``f(eq, *ops)`` in int64 where dtype ``r`` has no kernel, cast back to ``r``."""
    xnp = _xnp()
    if r in no_kernel:
        out = f(eq, *(xnp.astype(o, "int64") for o in ops))
        return out != 0 if r == "bool" else xnp.astype(out, r)
    out = f(eq, *ops)
    return out if dtype_name(out.dtype) == r else xnp.astype(out, r)


def _no_kwargs(kwargs, backend):
    kwargs = {k: v for k, v in kwargs.items() if k != "optimize"}  # changes no result
    if kwargs:
        raise TypeError(f"einsum: keyword arguments {sorted(kwargs)} are not supported on "
                        f"the {backend} backend (only 'optimize', which is ignored)")


def einsum_numpy(subscripts, *operands, **kwargs):
    import numpy as np
    eq, ops, r = _prepared(subscripts, operands, "numpy")
    if r == "bfloat16":  # ml_dtypes has no einsum loops: float32, rounded once
        xnp = _xnp()
        return xnp.astype(np.einsum(eq, *(o.astype(np.float32) for o in ops), **kwargs), r)
    return np.asarray(np.einsum(eq, *ops, **kwargs))


def einsum_jax(subscripts, *operands, **kwargs):
    import jax.numpy as jnp
    eq, ops, r = _prepared(subscripts, operands, "jax")
    return _widened(lambda e, *o: jnp.einsum(e, *o, **kwargs), eq, ops, r, frozenset())


#: dtypes torch's CPU einsum has no kernel for, and (below) TensorFlow's
_TORCH_NO_KERNEL = frozenset({"bool", "uint16", "uint32", "uint64"})
_TF_NO_KERNEL = frozenset({"bool", "int8", "int16", "uint8", "uint16", "uint32", "uint64"})


def einsum_torch(subscripts, *operands, **kwargs):
    import torch
    _no_kwargs(kwargs, "torch")
    eq, ops, r = _prepared(subscripts, operands, "torch")
    if r == "float32":  # torch.autocast's dtype kept, as torch.einsum gives it
        from ._compute import down_torch
        return down_torch(torch.einsum(eq, *ops), r)
    return _widened(torch.einsum, eq, ops, r, _TORCH_NO_KERNEL)


def einsum_tensorflow(subscripts, *operands, **kwargs):
    import tensorflow as tf
    _no_kwargs(kwargs, "tensorflow")
    eq, ops, r = _prepared(subscripts, operands, "tensorflow")
    return _widened(tf.einsum, eq, ops, r, _TF_NO_KERNEL)


# -- bincount -------------------------------------------------------------------------------

def _bincount_args(x, weights, minlength, sparse):
    """Checked arguments: x as int64 (JAX: its default int), weights (or None), the output
    length, the weights' dtype name (or None)."""
    xnp = _xnp()
    if sparse:
        raise ValueError("bincount: sparse=True is not supported: crossops returns dense "
                         "arrays on every backend; call it with sparse=False")
    try:
        minlength = operator.index(minlength)
    except TypeError:
        raise TypeError(f"bincount: minlength must be an int, got {minlength!r}") from None
    if minlength < 0:
        raise ValueError(f"bincount: minlength must be non-negative, got {minlength}")
    if x.ndim != 1:
        raise ValueError(f"bincount: x must be 1-d, got shape {tuple(x.shape)}")
    if not xnp.isdtype(x.dtype, "integral"):
        raise TypeError(f"bincount: x must hold integers, got {dtype_name(x.dtype)}")
    x = xnp.astype(x, _wide_names(x)[0])
    n = x.shape[0]
    if n and bool(xnp.any(x < 0)):
        raise ValueError("bincount: x must hold non-negative integers")
    length = max(int(xnp.max(x)) + 1 if n else 0, minlength)
    wname = None
    if weights is not None:
        if tuple(weights.shape) != tuple(x.shape):
            raise ValueError(f"bincount: weights {tuple(weights.shape)} must have x's shape "
                             f"{tuple(x.shape)}")
        wname = dtype_name(weights.dtype)
        if wname == "bool" or xnp.isdtype(weights.dtype, "complex floating"):
            raise TypeError(f"bincount: weights must be real numbers, got {wname}")
    return x, weights, length, wname


def _bin_sums_numpy(x, w, length):
    import numpy as np
    if w is None:
        return np.bincount(x, minlength=length).astype(np.int64)
    if w.dtype.kind in "iu":  # exact, where NumPy's float64 accumulation would round
        out = np.zeros(length, w.dtype)
        np.add.at(out, x, w)
        return out
    return np.bincount(x, weights=w.astype(np.float64), minlength=length).astype(w.dtype)


def _bin_sums_jax(x, w, length):
    out = _jnp().bincount(x, weights=w, minlength=length, length=length)
    return out if w is not None else _xnp().astype(out, _wide_names(out)[0])


def _bin_sums_torch(x, w, length):
    import torch
    if w is None:
        return torch.bincount(x, minlength=length)[:length]
    if w.dtype in (torch.uint16, torch.uint32, torch.uint64):  # no index_add kernel
        out = torch.zeros(length, dtype=torch.int64).index_add(0, x, w.to(torch.int64))
        return out.to(w.dtype)  # int64 wraps as the narrower unsigned type does
    return torch.zeros(length, dtype=w.dtype).index_add(0, x, w)


def _bin_sums_tensorflow(x, w, length):
    import tensorflow as tf
    if w is None:
        return tf.math.bincount(x, minlength=length, maxlength=length, dtype=tf.int64)
    return tf.math.unsorted_segment_sum(w, x, length)


def _jnp():
    import jax.numpy as jnp
    return jnp


_BIN_SUMS = {"numpy": _bin_sums_numpy, "jax": _bin_sums_jax, "torch": _bin_sums_torch,
             "tensorflow": _bin_sums_tensorflow}


def bin_sums(x, weights, length: int):
    """The counts of the values of ``x`` (int64), or the sums of ``weights`` at them, in a
    result of ``length`` entries: ``x`` is 1-d, of the backend's index dtype, and holds
    only values in ``[0, length)`` (unchecked). The length is a Python int, so this
    compiles, where ``bincount`` reads it from the values."""
    return _BIN_SUMS[_backend(x)](x, weights, length)


def bincount_numpy(x, weights=None, minlength=0, sparse=False):
    x, w, length, _ = _bincount_args(x, weights, minlength, sparse)
    return _bin_sums_numpy(x, w, length)


def bincount_jax(x, weights=None, minlength=0, sparse=False):
    x, w, length, _ = _bincount_args(x, weights, minlength, sparse)
    return _bin_sums_jax(x, w, length)


def bincount_torch(x, weights=None, minlength=0, sparse=False):
    x, w, length, _ = _bincount_args(x, weights, minlength, sparse)
    return _bin_sums_torch(x, w, length)


def bincount_tensorflow(x, weights=None, minlength=0, sparse=False):
    x, w, length, _ = _bincount_args(x, weights, minlength, sparse)
    return _bin_sums_tensorflow(x, w, length)
