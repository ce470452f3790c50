"""Control flow on every backend: ``cond``, ``switch``, ``while_loop``, ``fori_loop``,
``scan``, ``associative_scan``, ``map`` and ``vectorized_map`` (spec/core.toml).

The backend comes from the array leaves of the arguments that hold data (the predicate
or index, the operands, the loop values, the scanned elements), never from the
functions; Python-only inputs use the default backend. Each backend uses its own
compilable primitive where it has one:

- jax: ``jax.lax.cond / switch / while_loop / fori_loop / scan / associative_scan /
  map`` and ``jax.vmap`` (so everything traces under ``jax.jit``);
- TensorFlow: ``tf.cond``, ``tf.switch_case``, ``tf.while_loop`` (with TensorArrays for
  scan's stacked outputs) and ``tf.vectorized_map``; in eager mode loops run in Python;
- PyTorch: plain Python in eager mode; under ``torch.compile`` the higher-order ops
  ``torch.cond``, ``torch._higher_order_ops.while_loop`` and ``scan``, and ``torch.vmap``;
- NumPy: plain Python.

Loop values and scanned elements are pytrees (nested tuples, lists, dicts; see
:mod:`crossops.core._tree`); Python scalars among them become arrays of the backend.
The functions passed in get and return the backend's own arrays.
"""

from __future__ import annotations

from .._backend import backend_module, backend_of_type, call_backend, get_backend, is_dtype_type
from .._dtypes import dtype_name
from . import _tree

# ----------------------------------------------------------------------------- helpers


def _is_array(x) -> bool:
    t = type(x)
    return backend_of_type(t) is not None and not is_dtype_type(t)


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
    if backend == "numpy" or tree is None:
        return tree
    from .._dispatch import from_numpy
    return _tree.map_tree(lambda x: from_numpy(backend, x) if _is_host_array(x, backend)
                          else x, tree)


def _arrays(backend: str, tree):
    """``tree`` with its Python-scalar leaves made arrays of ``backend``."""
    return _tree.map_tree(_asarray(backend), tree)


def check_same(op: str, what: str, expected, got) -> None:
    """``got`` (a pytree) has the structure, shapes and dtypes of ``expected``.

    Raises
    ------
    ValueError
        For another structure or shape.
    TypeError
        For another dtype.
    """
    e_leaves, e_tree = _tree.flatten(expected)
    g_leaves, g_tree = _tree.flatten(got)
    if e_tree != g_tree:
        raise ValueError(
            f"{op}: {what} has structure {_tree.describe(g_tree)}, expected "
            f"{_tree.describe(e_tree)}; loop values, carries and branch outputs must keep "
            f"one structure")
    for i, (a, b) in enumerate(zip(e_leaves, g_leaves)):
        if not (_is_array(a) and _is_array(b)):
            continue
        sa, sb = tuple(a.shape), tuple(b.shape)
        if sa != sb:
            raise ValueError(f"{op}: {what}, leaf {i}: shape {sb}, expected {sa}; shapes must "
                             f"stay the same")
        if a.dtype != b.dtype:  # compared as objects: torch traces no dtype hashing
            raise TypeError(f"{op}: {what}, leaf {i}: dtype {dtype_name(b.dtype)}, expected "
                            f"{dtype_name(a.dtype)}; cast it (crossops.core.cast) to keep one "
                            f"dtype")


def _torch_compiling() -> bool:
    import torch
    return torch.compiler.is_compiling()


def _tf_eager() -> bool:
    import tensorflow as tf
    return tf.executing_eagerly()


def _clone_tree(tree):
    """Fresh torch tensors (torch's higher-order ops reject outputs aliasing inputs)."""
    return _tree.map_tree(lambda x: x.clone() if _is_array(x) else x, tree)


# ----------------------------------------------------------------------------- cond


def cond(pred, true_fn, false_fn):
    if not _is_array(pred):  # a Python value: choose in Python, nothing is traced
        return true_fn() if pred else false_fn()
    if tuple(pred.shape) != ():
        raise ValueError(f"core.cond: pred must be a scalar (0-d) array, got shape "
                         f"{tuple(pred.shape)}; reduce it first (e.g. with all or any)")
    backend = backend_of_type(type(pred))
    if backend == "jax":
        import jax
        return jax.lax.cond(pred, *_checked_branches("core.cond", (true_fn, false_fn)))
    if backend == "tensorflow":
        import tensorflow as tf
        if pred.dtype != tf.bool:
            pred = tf.not_equal(pred, 0)
        return tf.cond(pred, *_checked_branches("core.cond", (true_fn, false_fn)))
    if backend == "torch" and _torch_compiling():
        import torch
        if pred.dtype != torch.bool:
            pred = pred != 0
        return torch.cond(pred, lambda: _clone_tree(true_fn()),
                          lambda: _clone_tree(false_fn()), ())
    return true_fn() if bool(pred) else false_fn()


def _checked_branches(op: str, fns, *operands):
    """Branch functions that check, once traced, that every branch returns what the
    first traced branch returned (structure, shapes, dtypes)."""
    first = []

    def wrap(fn, k):
        def branch(*args):
            out = fn(*args)
            if first:
                check_same(op, f"branch {k}'s output", first[0][1], out)
            else:
                first.append((k, out))
            return out
        return branch
    return [wrap(fn, k) for k, fn in enumerate(fns)]


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
    if backend == "jax":
        import jax
        return jax.lax.switch(index, _checked_branches("core.switch", branches), *operands)
    if backend == "tensorflow":
        import tensorflow as tf
        i = tf.clip_by_value(tf.cast(index, tf.int32), 0, n - 1)
        fns = _checked_branches("core.switch", branches)
        return tf.switch_case(i, [lambda f=f: f(*operands) for f in fns])
    if backend == "torch" and _torch_compiling():
        import torch
        i = torch.clamp(index, 0, n - 1)

        def pick(lo, hi):  # a balanced tree of torch.cond over branches lo..hi-1
            if hi - lo == 1:
                return lambda: _clone_tree(branches[lo](*operands))
            mid = (lo + hi) // 2
            return lambda: torch.cond(i < mid, pick(lo, mid), pick(mid, hi), ())
        return pick(0, n)()
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
            return _and(backend, inner_cond(s[1]), s[0] < limit)

        def call_body(s):
            return (s[0] + 1, inner_body(s[1]))
        state = (counter, state)

    out = _run_while(backend, call_cond, call_body, state)
    return out[1] if maximum_iterations is not None else out


def _and(backend, a, b):
    if backend == "jax":
        import jax.numpy as jnp
        return jnp.logical_and(a, b)
    if backend == "tensorflow":
        import tensorflow as tf
        return tf.logical_and(a, b)
    if backend == "torch" and _torch_compiling():
        import torch
        return torch.logical_and(torch.as_tensor(a), torch.as_tensor(b))
    return bool(a) and bool(b)


def _run_while(backend, cond_fn, body_fn, state):
    """Run ``state = body_fn(state)`` while ``cond_fn(state)``, on the backend's loop."""
    if backend == "jax":
        import jax
        return jax.lax.while_loop(cond_fn, body_fn, state)
    leaves, treedef = _tree.flatten(state)
    if backend == "tensorflow" and not _tf_eager():
        import tensorflow as tf
        out = tf.while_loop(lambda *ls: cond_fn(_tree.unflatten(treedef, ls)),
                            lambda *ls: tuple(_tree.flatten(body_fn(
                                _tree.unflatten(treedef, ls)))[0]),
                            tuple(leaves))
        return _tree.unflatten(treedef, out)
    if backend == "torch" and _torch_compiling():
        from torch._higher_order_ops.while_loop import while_loop as torch_while
        out = torch_while(lambda *ls: cond_fn(_tree.unflatten(treedef, ls)),
                          lambda *ls: tuple(_clone_tree(_tree.flatten(body_fn(
                              _tree.unflatten(treedef, ls)))[0])),
                          tuple(leaves))
        return _tree.unflatten(treedef, out)
    while bool(cond_fn(state)):
        state = body_fn(state)
    return state


def fori_loop(lower, upper, body_fun, init_val):
    backend = _backend("core.fori_loop", lower, upper, init_val)
    conv = _asarray(backend)
    if backend == "jax":
        import jax

        def jax_body(i, val):
            out = body_fun(i, val)
            check_same("core.fori_loop", "body_fun's output", val, out)
            return out
        return jax.lax.fori_loop(lower, upper, jax_body, init_val)
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
    if backend == "jax":
        import jax
        return jax.lax.scan(step, init, xs, length=n, reverse=reverse, unroll=unroll)
    if backend == "torch" and _torch_compiling() and n > 0:
        import torch
        from torch._higher_order_ops.scan import scan as torch_scan
        if xs is None:
            dummy = torch.zeros((n, 0))

            def torch_step(c, _):
                new, y = step(c, None)
                return _clone_tree(new), _clone_tree(y)
            return torch_scan(torch_step, init, dummy, reverse=reverse)

        def torch_step2(c, x):
            new, y = step(c, x)
            return _clone_tree(new), _clone_tree(y)
        return torch_scan(torch_step2, init, xs, reverse=reverse)
    if backend == "tensorflow" and not _tf_eager() and n > 1:
        return _tf_scan(step, init, x_leaves, x_tree, n, reverse)
    return _python_scan(backend, step, init, x_leaves, x_tree, n, reverse)


def _scan_length(op, leaves, length, axis):
    lens = {int(x.shape[axis]) for x in leaves}
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


def _tf_scan(step, carry, x_leaves, x_tree, n, reverse):
    """scan under tf.function: the first step is traced outside the loop (it tells the
    outputs' dtypes and shapes), the others run in a tf.while_loop writing TensorArrays."""
    import tensorflow as tf
    first = n - 1 if reverse else 0
    carry, y = step(carry, _tree.unflatten(x_tree, [leaf[first] for leaf in x_leaves]))
    y_leaves, y_tree = _tree.flatten(y)
    y_leaves = [tf.convert_to_tensor(v) for v in y_leaves]
    arrays = [tf.TensorArray(v.dtype, size=n, element_shape=v.shape).write(first, v)
              for v in y_leaves]
    c_leaves, c_tree = _tree.flatten(carry)
    delta = -1 if reverse else 1

    def body(i, cs, tas):
        x = _tree.unflatten(x_tree, [leaf[i] for leaf in x_leaves])
        new, y = step(_tree.unflatten(c_tree, list(cs)), x)
        ys, t = _tree.flatten(y)
        if t != y_tree:
            raise ValueError(f"core.scan: f's outputs change structure across steps, "
                             f"{_tree.describe(y_tree)} and {_tree.describe(t)}")
        tas = [ta.write(i, v) for ta, v in zip(tas, ys)]
        return i + delta, tuple(_tree.flatten(new)[0]), tas

    start = first + delta
    _, c_out, arrays = tf.while_loop(
        lambda i, cs, tas: (i >= 0) if reverse else (i < n), body,
        (tf.constant(start), tuple(c_leaves), arrays))
    return (_tree.unflatten(c_tree, list(c_out)),
            _tree.unflatten(y_tree, [ta.stack() for ta in arrays]))


def map(f, xs):
    backend = _backend("core.map", xs)
    if backend == "jax":
        import jax
        return jax.lax.map(f, xs)
    if backend == "torch" and _torch_compiling():  # torch's scan needs a carry
        import torch
        return scan(lambda carry, x: (carry, f(x)), torch.zeros(()), xs)[1]
    return scan(lambda carry, x: (carry, f(x)), (), xs)[1]


def vectorized_map(function, elements):
    backend = _backend("core.vectorized_map", elements)
    elements = _host_to(backend, elements)
    if backend == "jax":
        import jax
        return jax.vmap(function)(elements)
    if backend == "torch":
        import torch
        return torch.vmap(function)(elements)
    if backend == "tensorflow":
        import tensorflow as tf
        return tf.vectorized_map(function, elements)
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
    _scan_length("core.associative_scan", leaves, None, axis)
    if backend == "jax":
        import jax
        return jax.lax.associative_scan(f, elems, reverse=reverse, axis=axis)
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
