"""Control flow on every backend: ``cond``, ``switch``, ``while_loop``, ``fori_loop``,
``scan``, ``associative_scan``, ``map`` and ``vectorized_map`` (spec/core.toml).

The backend comes from the array leaves of the arguments that hold data (the predicate
or index, the operands, the loop values, the scanned elements), never from the
functions; Python-only inputs use the default backend. This module checks the arguments,
makes the loop values arrays of the backend and checks what the user's functions
return; then it asks the backend's own control flow, ``crossops/backends/<name>/
control_flow.py``, for the function of the op's name:

- jax: ``jax.lax.cond / switch / while_loop / fori_loop / scan / associative_scan /
  map`` and ``jax.vmap`` (so everything traces under ``jax.jit``);
- TensorFlow: ``tf.cond``, ``tf.switch_case``, ``tf.while_loop`` (with TensorArrays for
  scan's stacked outputs; ``associative_scan`` of a length unknown when traced, as two
  loops) and ``tf.vectorized_map``; in eager mode loops run in Python;
- PyTorch: plain Python in eager mode; under ``torch.compile`` the higher-order ops
  ``torch.cond``, ``while_loop`` and ``scan``, and ``torch.vmap``;
- NumPy: no control-flow module, plain Python.

Where the backend has no such function, or it declines (returns ``NotImplemented``, as
eager PyTorch does), the plain-Python version here runs.

Loop values and scanned elements are pytrees (nested tuples, lists, dicts; see
:mod:`crossops._pytree`); Python scalars among them become arrays of the backend.
The functions passed in get and return the backend's own arrays.
"""

from __future__ import annotations

from .. import _pytree as _tree
from .._backend import backend_chapter, backend_module, backend_of_type, call_backend, get_backend
from .._pytree import check_same
from .._pytree import is_array as _is_array
from .._shapes import static_dims

# ----------------------------------------------------------------------------- helpers


def _native(backend: str, op: str, *args):
    """``op`` of the backend's control-flow module applied to ``args``; ``NotImplemented``
    where the backend has none or declines (then the plain-Python version runs)."""
    home = backend_chapter(backend, "control_flow")
    fn = getattr(home, op, None)
    return NotImplemented if fn is None else fn(*args)


def _backend(op: str, *trees) -> str:
    """The backend of the array leaves of ``trees`` by crossops's one rule
    (:func:`crossops._backend.call_backend`: NumPy arrays are host data), else the default
    backend; raises ``TypeError`` for arrays of two backends other than NumPy."""
    return call_backend([type(x) for tree in trees for x in _tree.flatten(tree)[0]],
                        op) or get_backend()


def _is_host_array(x, backend: str) -> bool:
    """Whether ``x`` is a NumPy array (host data) in a call of another ``backend``."""
    return backend != "numpy" and backend_of_type(type(x)) == "numpy" and _is_array(x)


def _asarray(backend: str):
    """A function making a leaf an array of ``backend`` (its arrays pass through; NumPy
    arrays, Python scalars and lists convert)."""
    from .._dispatch import from_numpy, native_function
    asarray = native_function(backend_module(backend), "asarray")

    def convert(x):
        if not _is_array(x):
            return asarray(x)
        return from_numpy(backend, x) if _is_host_array(x, backend) else x
    return convert


def _host_to(backend: str, tree):
    """``tree`` with its NumPy-array leaves (host data) as arrays of ``backend``."""
    if tree is None:
        return tree
    from .._dispatch import from_numpy
    return _tree.map_tree(lambda x: from_numpy(backend, x) if _is_host_array(x, backend)
                          else x, tree)


def _arrays(backend: str, tree):
    """``tree`` with its Python-scalar leaves made arrays of ``backend``."""
    return _tree.map_tree(_asarray(backend), tree)


# ----------------------------------------------------------------------------- cond


def cond(pred, true_fn, false_fn):
    if not _is_array(pred):  # a Python value: choose in Python, nothing is traced
        return true_fn() if pred else false_fn()
    if tuple(pred.shape) != ():
        raise ValueError(f"core.cond: pred must be a scalar (0-d) array, got shape "
                         f"{tuple(pred.shape)}; reduce it first (e.g. with all or any)")
    out = _native(backend_of_type(type(pred)), "cond", pred, true_fn, false_fn)
    if out is not NotImplemented:
        return out
    return true_fn() if bool(pred) else false_fn()


# ----------------------------------------------------------------------------- switch


def switch(index, branches, *operands):
    branches = list(branches)
    if not branches:
        raise ValueError("core.switch: branches is empty; give at least one function")
    n = len(branches)
    if not _is_array(index):  # a Python int: clamp and choose in Python
        return branches[min(max(int(index), 0), n - 1)](*operands)
    if tuple(index.shape) != ():
        raise ValueError(f"core.switch: index must be a scalar (0-d) integer, got shape "
                         f"{tuple(index.shape)}")
    backend = _backend("core.switch", index, operands)
    index, operands = _host_to(backend, index), _host_to(backend, operands)
    out = _native(backend, "switch", index, branches, operands)
    if out is not NotImplemented:
        return out
    return branches[min(max(int(index), 0), n - 1)](*operands)


# ----------------------------------------------------------------------------- loops


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    backend = _backend("core.while_loop", loop_vars, maximum_iterations)
    unpack = isinstance(loop_vars, (tuple, list))
    state = _arrays(backend, loop_vars)
    kind = type(loop_vars)

    def call_cond(s):
        return cond(*s) if unpack else cond(s)

    def call_body(s):
        out = body(*s) if unpack else body(s)
        if unpack:
            if not isinstance(out, (tuple, list)) or len(out) != len(s):
                raise ValueError(
                    f"core.while_loop: body must return {len(s)} values as a tuple or list (one "
                    f"per loop variable), got {type(out).__name__}")
            out = kind(*out) if hasattr(kind, "_fields") else kind(out)  # named tuples too
        out = _arrays(backend, out)
        check_same("core.while_loop", "body's output", s, out)
        return out

    if maximum_iterations is not None:
        limit = _host_to(backend, maximum_iterations)
        inner_cond, inner_body = call_cond, call_body
        counter = _asarray(backend)(0)

        def call_cond(s):
            go, more = inner_cond(s[1]), s[0] < limit
            both = _native(backend, "logical_and", go, more)
            return bool(go) and bool(more) if both is NotImplemented else both

        def call_body(s):
            return (s[0] + 1, inner_body(s[1]))
        state = (counter, state)

    out = _run_while(backend, call_cond, call_body, state)
    return out[1] if maximum_iterations is not None else out


def _run_while(backend, cond_fn, body_fn, state):
    """Run ``state = body_fn(state)`` while ``cond_fn(state)``, on the backend's loop."""
    out = _native(backend, "while_loop", cond_fn, body_fn, state)
    if out is not NotImplemented:
        return out
    while bool(cond_fn(state)):
        state = body_fn(state)
    return state


def fori_loop(lower, upper, body_fun, init_val):
    backend = _backend("core.fori_loop", lower, upper, init_val)

    def checked_body(i, val):
        out = body_fun(i, val)
        check_same("core.fori_loop", "body_fun's output", val, out)
        return out
    out = _native(backend, "fori_loop", lower, upper, checked_body, init_val)
    if out is not NotImplemented:
        return out
    conv = _asarray(backend)
    i0 = conv(lower)
    if _is_array(upper):
        upper = _cast_like(backend, conv(upper), i0)

    def loop_cond(s):
        return s[0] < upper

    def loop_body(s):
        i, val = s
        out = _arrays(backend, body_fun(i, val))
        check_same("core.fori_loop", "body_fun's output", val, out)
        return (i + 1, out)
    return _run_while(backend, loop_cond, loop_body, (i0, _arrays(backend, init_val)))[1]


def _cast_like(backend, x, like):
    if x.dtype == like.dtype:
        return x
    from .._dispatch import native_function
    return native_function(backend_module(backend), "astype")(x, like.dtype)


# ----------------------------------------------------------------------------- scan


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    if not callable(f):
        raise TypeError(f"core.scan: f must be a callable, got {type(f).__name__}")
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(f"core.scan: unroll must be a positive int or a bool, got {unroll!r}")
    backend = _backend("core.scan", init, xs)
    xs = _host_to(backend, xs)
    x_leaves, x_tree = _tree.flatten(xs)
    n = _scan_length("core.scan", x_leaves, length, 0)

    def step(carry, x):
        out = f(carry, x)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise ValueError(f"core.scan: f must return a pair (new carry, output), got "
                             f"{type(out).__name__}")
        new, y = out
        new = _arrays(backend, new)
        check_same("core.scan", "the carry f returned", carry, new)
        return new, y

    init = _arrays(backend, init)
    out = _native(backend, "scan", step, init, xs, n, reverse, unroll)
    if out is not NotImplemented:
        return out
    return _python_scan(backend, step, init, x_leaves, x_tree, n, reverse)


def _static_length(x, axis):
    """The length of ``x`` along ``axis`` as an int, or None where it is unknown when
    traced (a ``None`` dimension under ``tf.function``)."""
    return static_dims((x.shape[axis],))[0]


def _scan_length(op, leaves, length, axis):
    known = [_static_length(x, axis) for x in leaves]
    lens = {n for n in known if n is not None}
    if None in known and length is None and not lens:
        raise ValueError(f"{op}: the length of the arrays scanned over is unknown when "
                         f"traced (a None dimension); give length=, or trace with a known "
                         f"length")
    if len(lens) > 1:
        raise ValueError(f"{op}: the arrays scanned over have different lengths "
                         f"{sorted(lens)} along axis {axis}; they must all have one length")
    if length is not None:
        if lens and lens != {int(length)}:
            raise ValueError(f"{op}: length={length} but the arrays scanned over have "
                             f"length {lens.pop()}")
        return int(length)
    if not lens:
        raise ValueError(f"{op}: got no xs to scan over and no length; give one of them")
    return lens.pop()


def _python_scan(backend, step, carry, x_leaves, x_tree, n, reverse):
    from .. import numpy as xnp
    ys = []
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        x = _tree.unflatten(x_tree, [leaf[i] for leaf in x_leaves])
        carry, y = step(carry, x)
        ys.append(y)
    if n == 0:  # one probe call on zeros gives the outputs' structure, shapes and dtypes
        probe = _tree.unflatten(x_tree, [xnp.astype(xnp.sum(leaf, axis=0), leaf.dtype)
                                        for leaf in x_leaves])
        _, y = step(carry, probe)
        y_leaves, y_tree = _tree.flatten(_arrays(backend, y))
        return carry, _tree.unflatten(y_tree, [xnp.expand_dims(v, axis=0)[:0] for v in y_leaves])
    if reverse:
        ys.reverse()
    y_leaves = [_tree.flatten(_arrays(backend, y)) for y in ys]
    y_tree = y_leaves[0][1]
    for _, t in y_leaves[1:]:
        if t != y_tree:
            raise ValueError(f"core.scan: f's outputs change structure across steps, "
                             f"{_tree.describe(y_tree)} and {_tree.describe(t)}")
    stacked = [xnp.stack([ls[k] for ls, _ in y_leaves], axis=0)
               for k in range(len(y_leaves[0][0]))]
    return carry, _tree.unflatten(y_tree, stacked)


def map(f, xs):
    out = _native(_backend("core.map", xs), "map", f, xs)
    if out is not NotImplemented:
        return out
    return scan(lambda carry, x: (carry, f(x)), (), xs)[1]


def vectorized_map(function, elements):
    backend = _backend("core.vectorized_map", elements)
    elements = _host_to(backend, elements)
    out = _native(backend, "vectorized_map", function, elements)
    if out is not NotImplemented:
        return out
    return map(function, elements)


# ----------------------------------------------------------------------------- associative scan


def associative_scan(f, elems, reverse=False, axis=0):
    if not callable(f):
        raise TypeError(f"core.associative_scan: f must be a callable, got {type(f).__name__}")
    backend = _backend("core.associative_scan", elems)
    elems = _arrays(backend, elems)
    leaves, treedef = _tree.flatten(elems)
    if not leaves:
        return elems
    ndim = len(leaves[0].shape)
    if not -ndim <= axis < ndim:
        raise ValueError(f"core.associative_scan: axis {axis} is out of range for arrays of "
                         f"{ndim} dimensions")
    axis = axis % ndim
    lens = {_static_length(x, axis) for x in leaves} - {None}
    if len(lens) > 1:
        raise ValueError(f"core.associative_scan: the arrays scanned over have different "
                         f"lengths {sorted(lens)} along axis {axis}; they must all have one "
                         f"length")
    out = _native(backend, "associative_scan", f, elems, reverse, axis)
    if out is not NotImplemented:
        return out
    from .. import numpy as xnp

    def combine(a, b):
        out = f(_tree.unflatten(treedef, a), _tree.unflatten(treedef, b))
        out_leaves, out_tree = _tree.flatten(out)
        if out_tree != treedef:
            raise ValueError(f"core.associative_scan: f returned structure "
                             f"{_tree.describe(out_tree)}, expected {_tree.describe(treedef)}")
        return out_leaves

    def sl(x, start, stop, step=1):
        idx = (slice(None),) * axis + (slice(start, stop, step),)
        return x[idx]

    def interleave(a, b):
        # a has as many or one more element along axis than b: a0 b0 a1 b1 ...
        na, nb = int(a.shape[axis]), int(b.shape[axis])
        head = sl(a, 0, nb) if na > nb else a
        both = xnp.stack([head, b], axis=axis + 1)
        shape = tuple(head.shape)
        out = xnp.reshape(both, shape[:axis] + (2 * nb,) + shape[axis + 1:])
        return xnp.concat([out, sl(a, nb, None)], axis=axis) if na > nb else out

    def run(xs):
        n = int(xs[0].shape[axis])
        if n < 2:
            return xs
        reduced = combine([sl(x, 0, -1, 2) for x in xs], [sl(x, 1, None, 2) for x in xs])
        odd = run(reduced)  # the results at positions 1, 3, 5 ...
        if n % 2 == 0:
            even = combine([sl(o, 0, -1) for o in odd], [sl(x, 2, None, 2) for x in xs])
        else:
            even = combine(odd, [sl(x, 2, None, 2) for x in xs])
        even = [xnp.concat([sl(x, 0, 1), e], axis=axis) for x, e in zip(xs, even)]
        return [interleave(e, o) for e, o in zip(even, odd)]

    if reverse:
        leaves = [xnp.flip(x, axis=axis) for x in leaves]
    out = run(leaves)
    if reverse:
        out = [xnp.flip(x, axis=axis) for x in out]
    return _tree.unflatten(treedef, out)


GENERIC = {"cond": cond, "switch": switch, "while_loop": while_loop, "fori_loop": fori_loop,
           "scan": scan, "associative_scan": associative_scan, "map": map,
           "vectorized_map": vectorized_map}
