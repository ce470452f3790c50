"""Reference implementations for spec/numpy_products.toml and spec/einops.toml (the spec
names them as ``tests.refs_numpy_products.<name>``).

Inputs are promoted with crossops's table (as the ops do); floating results are computed
in float64 (complex128) and rounded once to the result dtype. Where NumPy has the function
it is the reference; bincount, argpartition and rearrange are written out with loops.
"""

from __future__ import annotations

import itertools
import re

import ml_dtypes
import numpy as np

from crossops._dtypes import dtype_name, kind, result_name

from .strategies import np_dtype


def _promoted(*xs):
    """The arrays in their common dtype (crossops's table), and its name."""
    r = result_name(*(dtype_name(x.dtype) for x in xs))
    return [np.asarray(x).astype(np_dtype(r)) for x in xs], r


def _wide(x):
    """Floating arrays in float64 / complex128; integers and bools as they are."""
    k = kind(dtype_name(x.dtype))
    if k == "f":
        return x.astype(np.float64)
    if k == "c":
        return x.astype(np.complex128)
    return x


def _exact(f, *xs):
    """``f`` of the promoted arrays, computed wide and rounded to their dtype."""
    xs, r = _promoted(*xs)
    return np.asarray(f(*(_wide(x) for x in xs))).astype(np_dtype(r))


def dot(x1, x2):
    return _exact(np.dot, x1, x2)


def inner(x1, x2):
    return _exact(np.inner, x1, x2)


def vdot(x1, x2):
    return _exact(np.vdot, x1, x2)


def kron(x1, x2):
    return _exact(np.kron, x1, x2)


def einsum(subscripts, *operands):
    return _exact(lambda *ops: np.einsum(subscripts, *ops), *operands)


def correlate(x1, x2, mode="valid"):
    return _exact(lambda a, v: np.correlate(a, v, mode=mode), x1, x2)


def _float_name(x) -> str:
    """The result dtype of an op that gives floats: x's own, float64 for integers."""
    name = dtype_name(x.dtype)
    return name if kind(name) in "fc" else "float64"


def corrcoef(x):
    out = np.corrcoef(_wide(x).astype(np.complex128 if x.dtype.kind == "c" else np.float64))
    return np.asarray(out).astype(np_dtype(_float_name(x)))


def trapezoid(y, x=None, dx=1.0, axis=-1):
    if x is None:
        name = _float_name(y)
        return np.asarray(np.trapezoid(_wide(y.astype(np_dtype(name))), dx=dx, axis=axis)
                          ).astype(np_dtype(name))
    (y, x), _ = _promoted(y, x)
    name = _float_name(y)
    y, x = (_wide(a.astype(np_dtype(name))) for a in (y, x))
    return np.asarray(np.trapezoid(y, x, axis=axis)).astype(np_dtype(name))


def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts (int64) or sums of weights (in the weights' dtype), by a loop."""
    n = max([int(v) + 1 for v in x] + [minlength])
    if weights is None:
        out = [0] * n
        for v in x:
            out[int(v)] += 1
        return np.asarray(out, dtype=np.int64).reshape(n)
    if weights.dtype.kind in "iu":
        acc = [0] * n
        for v, w in zip(x, weights):
            acc[int(v)] += int(w)
        bits = weights.dtype.itemsize * 8
        wrapped = [a % (1 << bits) for a in acc]  # integer sums wrap
        return np.asarray(wrapped, dtype=np.uint64).reshape(n).astype(weights.dtype)
    acc = [0.0] * n
    for v, w in zip(x, weights.astype(np.float64)):
        acc[int(v)] += float(w)
    return np.asarray(acc, dtype=np.float64).reshape(n).astype(weights.dtype)


def histogram(x, bins=10, range=None):
    """NumPy's histogram; bfloat16 (which NumPy's histogram cannot take) by float32."""
    name = _float_name(x)
    data = x.reshape(-1)
    if x.dtype == ml_dtypes.bfloat16:
        data = data.astype(np.float32)
    counts, edges = np.histogram(data, bins=bins, range=range)
    return counts.astype(np.int64), edges.astype(np_dtype(name))


def argpartition(x, kth, axis=-1):
    """crossops gives the stable sort's indices (a partition for every kth); checked here
    against the partition property that NumPy documents, by a loop over the slices."""
    if axis is None:
        x, axis = x.reshape(-1), 0
    out = np.argsort(x, axis=axis, stable=True)
    moved_x = np.moveaxis(x, axis, -1).reshape(-1, x.shape[axis])
    moved_i = np.moveaxis(out, axis, -1).reshape(-1, x.shape[axis])
    n = x.shape[axis]
    for row, idx in zip(moved_x, moved_i):
        assert sorted(idx.tolist()) == list(range(n))
        vals = row[idx].astype(np.float64)
        for k in np.atleast_1d(kth):
            k = int(k) % n
            pivot = np.sort(row.astype(np.float64))[k]
            assert vals[k] == pivot
            assert all(v <= pivot for v in vals[:k]) and all(v >= pivot for v in vals[k + 1:])
    return out


def unique(x, sorted=True, return_index=False, return_inverse=False,
           return_counts=False, axis=None, size=None, fill_value=None):
    """NumPy's unique; ``sorted=False`` in order of first occurrence; ``size`` pads (with
    ``fill_value``, counts with 0, first indices with 1) or truncates, as Keras."""
    wide = x.astype(np.float32) if x.dtype == ml_dtypes.bfloat16 else x
    values, index, inverse, counts = np.unique(
        wide, return_index=True, return_inverse=True, return_counts=True, axis=axis)
    values = values.astype(x.dtype)
    ax = 0 if axis is None else axis % x.ndim
    if not sorted:
        order = np.argsort(index, stable=True)
        rank = np.argsort(order, stable=True)
        values = np.take(values, order, axis=ax)
        index, counts, inverse = index[order], counts[order], rank[inverse]
    if size is not None:
        values = _fit(values, size, ax, 0 if fill_value is None else fill_value)
        index, counts = _fit(index, size, 0, 1), _fit(counts, size, 0, 0)
    index, inverse, counts = (a.astype(np.int64) for a in (index, inverse, counts))
    extra = [a for a, want in ((index, return_index), (inverse, return_inverse),
                               (counts, return_counts)) if want]
    return (values, *extra) if extra else values


def _fit(a, size, axis, fill):
    n = a.shape[axis]
    if n >= size:
        return np.take(a, np.arange(size), axis=axis)
    shape = list(a.shape)
    shape[axis] = size - n
    return np.concatenate([a, np.full(shape, fill, dtype=a.dtype)], axis=axis)


# -- einops -----------------------------------------------------------------------------------

def _groups(side):
    """'a (b c) ... 1' -> [['a'], ['b', 'c'], '...', []]"""
    out = []
    for tok in re.findall(r"\([^)]*\)|\.\.\.|\S+", side):
        if tok.startswith("("):
            out.append(tok[1:-1].split())
        elif tok == "...":
            out.append(tok)
        elif tok == "1":
            out.append([])
        else:
            out.append([tok])
    return out


def rearrange(tensor, pattern, **axes_lengths):
    """Every element moved by its elementary coordinates: the input index and the output
    index are both composed (row-major) from one coordinate per named axis."""
    left, right = (_groups(s) for s in pattern.split("->"))
    n_ell = tensor.ndim - (len(left) - left.count("..."))
    ell = [f"_e{i}" for i in range(n_ell)] if "..." in left else []

    def expand(groups):
        out = []
        for g in groups:
            if g == "...":
                out += [[n] for n in ell]
            else:
                out.append([m for n in g for m in (ell if n == "..." else [n])])
        return out

    left, right = expand(left), expand(right)
    sizes = dict(axes_lengths)
    for g, d in zip(left, tensor.shape):
        unknown = [n for n in g if n not in sizes]
        known = int(np.prod([sizes[n] for n in g if n in sizes]))
        if unknown:
            sizes[unknown[0]] = d // known
    names = [n for g in left for n in g]
    out_shape = tuple(int(np.prod([sizes[n] for n in g])) for g in right)
    out = np.zeros(out_shape, dtype=tensor.dtype)

    def compose(groups, coord):
        idx = []
        for g in groups:
            i = 0
            for n in g:
                i = i * sizes[n] + coord[n]
            idx.append(i)
        return tuple(idx)

    for values in itertools.product(*(range(sizes[n]) for n in names)):
        coord = dict(zip(names, values))
        out[compose(right, coord)] = tensor[compose(left, coord)]
    return out
