"""NumPy's ``where=`` (masked reductions), ``initial=`` and ``mean=`` of the reductions,
written once with crossops ops for every backend.

The generated functions of the array API reductions (``sum``, ``prod``, ``mean``, ``var``,
``std``, ``max``, ``min``, ``all``, ``any``) call these only when one of those keywords is
given (``crossops._dispatch.own_params``): the common call never reaches this module.
The NaN-ignoring reductions and ``amax``/``amin`` (generic implementations in
``crossops.numpy._keras``) use the same helpers.

Semantics are NumPy's: ``where`` (a boolean array broadcast to the input's shape) picks the
elements that take part; the others count as the reduction's identity (0 for ``sum``, 1 for
``prod``, True for ``all``, False for ``any``). ``max`` and ``min`` have no identity: with
``where`` they need ``initial``, as NumPy. ``mean`` divides by the count of picked
elements (none: NaN); ``var`` by ``max(count - correction, 0)`` (NumPy's inf or NaN at
zero degrees of freedom).
"""

from __future__ import annotations

from ._keras import (
    _backend,
    _c,
    _fill_nan,
    _is_array,
    _is_complex,
    _is_float,
    _name,
    _nan_initial,
    _wide_float,
    _with_initial,
    _xnp,
)

#: op -> the identity its masked-out elements count as
_IDENTITY = {"sum": 0, "prod": 1}


def _operands(x, where, op: str):
    """``x`` as an array, and ``where`` as a bool array of the call's backend broadcast to
    x's shape (None where ``where`` is True: no mask)."""
    xnp = _xnp()
    if where is True:
        return (x if _is_array(x) else xnp.asarray(x)), None
    if _is_array(where) and _name(where) != "bool":
        raise TypeError(f"{op}: where must be a boolean array, got {_name(where)} (NumPy does "
                        f"not cast it either); compare it, e.g. where=(mask != 0)")
    b = _backend(x, where)
    if not (_is_array(x) and _backend(x) == b):
        like = where if _is_array(where) and _backend(where) == b else None
        x = xnp.asarray(x, like=like) if like is not None else xnp.asarray(x)
    if not (_is_array(where) and _backend(where) == b):
        where = xnp.asarray(where, like=x)
    if _name(where) != "bool":
        where = xnp.astype(where, "bool")
    try:
        mask = xnp.broadcast_to(where, tuple(x.shape))
    except Exception:
        raise ValueError(f"{op}: where of shape {tuple(where.shape)} does not broadcast to "
                         f"the input's shape {tuple(x.shape)}; give a mask of that shape or "
                         f"one that broadcasts to it") from None
    return x, mask


def _masked_fill(x, mask, value):
    """``x`` with ``value`` where ``mask`` is False."""
    xnp = _xnp()
    if mask is None:
        return x
    return xnp.where(mask, x, xnp.full_like(x, value))


def _additive(op: str, x, axis, dtype, keepdims, initial, where):
    xnp = _xnp()
    x, mask = _operands(x, where, op)
    out = getattr(xnp, op)(_masked_fill(x, mask, _IDENTITY[op]), axis=axis, dtype=dtype,
                           keepdims=keepdims)
    if initial is None:
        return out
    initial = xnp.astype(_c(initial, out), _name(out))
    # (crossops's ops, not the operators: a sparse sum is a tf.SparseTensor)
    return xnp.add(out, initial) if op == "sum" else xnp.multiply(out, initial)


def sum(x, /, *, axis=None, dtype=None, keepdims=False, initial=None, where=True):  # noqa: A001
    """``crossops.numpy.sum`` with ``where`` or ``initial`` (see the module)."""
    return _additive("sum", x, axis, dtype, keepdims, initial, where)


def prod(x, /, *, axis=None, dtype=None, keepdims=False, initial=None, where=True):
    """``crossops.numpy.prod`` with ``where`` or ``initial`` (see the module)."""
    return _additive("prod", x, axis, dtype, keepdims, initial, where)


def extreme(op: str, x, axis, keepdims, initial, where, *, nan: bool = False):
    """max, min (``op``: their NumPy name, for errors; amax, nanmin ...) with ``where`` and
    ``initial``: the picked elements and ``initial`` reduced; NaN ignored where ``nan``."""
    xnp = _xnp()
    if where is not True and initial is None:
        raise ValueError(f"{op}: where needs initial: the elements where leaves out have no "
                         f"value to count as ({op} has no identity), as in NumPy; give "
                         f"initial (e.g. -inf for a maximum, inf for a minimum)")
    x, mask = _operands(x, where, op)
    big = op in ("max", "amax", "nanmax")
    if nan and (_is_float(x) or _is_complex(x)):
        fill = -float("inf") if big else float("inf")
        return _nan_initial(_masked_fill(x, mask, float("nan")), axis, keepdims, initial,
                            xnp.max if big else xnp.min, xnp.fmax if big else xnp.fmin,
                            fill, op)
    x = _masked_fill(x, mask, initial)
    return _with_initial(xnp.max if big else xnp.min, xnp.maximum if big else xnp.minimum,
                         x, axis, keepdims, initial, op)


def max(x, /, *, axis=None, keepdims=False, initial=None, where=True):  # noqa: A001
    """``crossops.numpy.max`` with ``where`` or ``initial`` (see the module)."""
    return extreme("max", x, axis, keepdims, initial, where)


def min(x, /, *, axis=None, keepdims=False, initial=None, where=True):  # noqa: A001
    """``crossops.numpy.min`` with ``where`` or ``initial`` (see the module)."""
    return extreme("min", x, axis, keepdims, initial, where)


def _logical(op: str, x, axis, keepdims, where):
    xnp = _xnp()
    x, mask = _operands(x, where, op)
    if _name(x) != "bool":
        x = xnp.not_equal(x, xnp.zeros_like(x))
    return getattr(xnp, op)(_masked_fill(x, mask, op == "all"), axis=axis, keepdims=keepdims)


def all(x, /, *, axis=None, keepdims=False, where=True):  # noqa: A001
    """``crossops.numpy.all`` with ``where`` (see the module)."""
    return _logical("all", x, axis, keepdims, where)


def any(x, /, *, axis=None, keepdims=False, where=True):  # noqa: A001
    """``crossops.numpy.any`` with ``where`` (see the module)."""
    return _logical("any", x, axis, keepdims, where)


def _inexact(x, dtype=None):
    """``x`` in the dtype NumPy's mean and var compute in: ``dtype`` where given, else x's
    floating or complex dtype, integers and bools in float64 (JAX: its default float)."""
    xnp = _xnp()
    if dtype is not None:
        from .._dtypes import dtype_name
        return xnp.astype(x, dtype_name(dtype))
    if _is_float(x) or _is_complex(x):
        return x
    return xnp.astype(x, _wide_float(_backend(x)))


def _real_name(x) -> str:
    name = _name(x)
    return {"complex64": "float32", "complex128": "float64"}.get(name, name)


def counts(valid, like, axis, keepdims):
    """The count of True elements of ``valid`` over ``axis``, in ``like``'s real dtype."""
    xnp = _xnp()
    return xnp.sum(xnp.astype(valid, _real_name(like)), axis=axis, keepdims=keepdims)


def _valid(x, mask):
    return mask if mask is not None else _xnp().ones_like(x, dtype="bool")


def mean(x, /, *, axis=None, keepdims=False, where=True):
    """``crossops.numpy.mean`` with ``where`` (see the module)."""
    xnp = _xnp()
    x, mask = _operands(x, where, "mean")
    x = _inexact(x)
    total = xnp.sum(_masked_fill(x, mask, 0), axis=axis, keepdims=keepdims)
    return total / counts(_valid(x, mask), x, axis, keepdims)


def moments(x, valid, axis, ddof, keepdims, mean, nan_at_no_dof):
    """The variance of the elements of ``x`` where ``valid``, about ``mean`` (None: their
    mean), divided by ``count - ddof``: where that is <= 0, NaN (``nan_at_no_dof``, NumPy's
    nanvar) or the division by max(count - ddof, 0) (NumPy's var: inf, or NaN for 0/0)."""
    xnp = _xnp()
    n = counts(valid, x, axis, True)
    if mean is None:
        # (no element: a divisor of one keeps the division clean; the result is NaN below)
        mu = xnp.sum(xnp.where(valid, x, xnp.zeros_like(x)), axis=axis, keepdims=True) / \
            xnp.where(n == _c(0, n), xnp.ones_like(n), n)
        mu = xnp.where(n == _c(0, n), xnp.full_like(mu, float("nan")), mu)
    else:
        mu = mean if _is_array(mean) and _backend(mean) == _backend(x) else \
            xnp.asarray(mean, like=x)
    d = xnp.where(valid, x - mu, xnp.zeros_like(x))
    d = xnp.real(d * xnp.conj(d)) if _is_complex(d) else d * d
    total = xnp.sum(d, axis=axis, keepdims=keepdims)
    n = counts(valid, x, axis, keepdims)
    dof = n - _c(float(ddof), n) if ddof else n
    if nan_at_no_dof:
        bad = dof <= _c(0.0, dof)
        out = total / xnp.where(bad, xnp.ones_like(dof), dof)
        return xnp.where(bad, xnp.full_like(out, float("nan")), out)
    return total / xnp.maximum(dof, xnp.zeros_like(dof))


def _var(op, x, axis, correction, keepdims, where, mean):
    x, mask = _operands(x, where, op)
    x = _inexact(x)
    return moments(x, _valid(x, mask), axis, correction, keepdims, mean, False)


def var(x, /, *, axis=None, correction=0.0, keepdims=False, where=True, mean=None):
    """``crossops.numpy.var`` with ``where`` or ``mean`` (see the module)."""
    return _var("var", x, axis, correction, keepdims, where, mean)


def std(x, /, *, axis=None, correction=0.0, keepdims=False, where=True, mean=None):
    """``crossops.numpy.std`` with ``where`` or ``mean`` (see the module)."""
    return _xnp().sqrt(_var("std", x, axis, correction, keepdims, where, mean))


def nan_valid(x, where, op):
    """``x`` (as an array) and the mask of its non-NaN elements that ``where`` picks."""
    xnp = _xnp()
    x, mask = _operands(x, where, op)
    valid = _valid(x, mask)
    if _is_float(x) or _is_complex(x):
        valid = xnp.logical_and(valid, xnp.logical_not(xnp.isnan(x)))
    return x, valid


def nan_filled(x, where, op, identity):
    """``x`` with its NaN and the elements ``where`` leaves out set to ``identity``."""
    x, mask = _operands(x, where, op)
    return _masked_fill(_fill_nan(x, identity), mask, identity)
