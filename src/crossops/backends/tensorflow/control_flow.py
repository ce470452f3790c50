"""TensorFlow's control flow: ``tf.cond``, ``tf.switch_case``, ``tf.while_loop`` (with
TensorArrays for scan's stacked outputs; for ``associative_scan`` of a length unknown when
traced) and ``tf.vectorized_map``.

The functions behind ``crossops.core``'s control-flow ops on TensorFlow (found by name, see
:func:`crossops._backend.backend_chapter`). In eager mode the loops decline
(``NotImplemented``) and ``crossops.core`` runs them in Python; under ``tf.function`` they
become graph loops.
"""

from __future__ import annotations

import tensorflow as tf

from ..._pytree import checked_branches, describe, flatten, unflatten
from .array_api._helpers import dim


def cond(pred, true_fn, false_fn):
    if pred.dtype != tf.bool:
        pred = tf.not_equal(pred, 0)
    return tf.cond(pred, *checked_branches("core.cond", (true_fn, false_fn)))


def switch(index, branches, operands):
    i = tf.clip_by_value(tf.cast(index, tf.int32), 0, len(branches) - 1)
    fns = checked_branches("core.switch", branches)
    return tf.switch_case(i, [lambda f=f: f(*operands) for f in fns])


def logical_and(a, b):
    return tf.logical_and(a, b)


def while_loop(cond_fn, body_fn, state):
    if tf.executing_eagerly():
        return NotImplemented
    leaves, treedef = flatten(state)
    out = tf.while_loop(lambda *ls: cond_fn(unflatten(treedef, ls)),
                        lambda *ls: tuple(flatten(body_fn(unflatten(treedef, ls)))[0]),
                        tuple(leaves))
    return unflatten(treedef, out)


def scan(step, init, xs, length, reverse, unroll):
    """scan under tf.function: the first step is traced outside the loop (it tells the
    outputs' dtypes and shapes), the others run in a tf.while_loop writing TensorArrays."""
    if tf.executing_eagerly() or length < 2:
        return NotImplemented
    x_leaves, x_tree = flatten(xs)
    first = length - 1 if reverse else 0
    carry, y = step(init, unflatten(x_tree, [leaf[first] for leaf in x_leaves]))
    y_leaves, y_tree = flatten(y)
    y_leaves = [tf.convert_to_tensor(v) for v in y_leaves]
    arrays = [tf.TensorArray(v.dtype, size=length, element_shape=v.shape).write(first, v)
              for v in y_leaves]
    c_leaves, c_tree = flatten(carry)
    delta = -1 if reverse else 1

    def body(i, cs, tas):
        x = unflatten(x_tree, [leaf[i] for leaf in x_leaves])
        new, y = step(unflatten(c_tree, list(cs)), x)
        ys, t = flatten(y)
        if t != y_tree:
            raise ValueError(f"core.scan: f's outputs change structure across steps, "
                             f"{describe(y_tree)} and {describe(t)}")
        tas = [ta.write(i, v) for ta, v in zip(tas, ys)]
        return i + delta, tuple(flatten(new)[0]), tas

    _, c_out, arrays = tf.while_loop(
        lambda i, cs, tas: (i >= 0) if reverse else (i < length), body,
        (tf.constant(first + delta), tuple(c_leaves), arrays))
    return unflatten(c_tree, list(c_out)), unflatten(y_tree, [ta.stack() for ta in arrays])


def vectorized_map(function, elements):
    return tf.vectorized_map(function, elements)


def associative_scan(f, elems, reverse, axis):
    """associative_scan of a length unknown when traced (a ``None`` dimension under
    ``tf.function``): the odd/even recursion of ``jax.lax.associative_scan`` unrolled into
    its levels, run by two ``tf.while_loop`` (up the levels, then down), so the values are
    grouped exactly as the recursion groups them. At stride ``d`` the up sweep combines
    ``out[i - d]`` into ``out[i]`` where ``(i + 1) % 2d == 0``, the down sweep where
    ``(i + 1) % 2d == d`` and ``i >= 2d``; each level calls ``f`` once on whole arrays
    (the other positions are kept by ``tf.where``), so every shape is that of ``elems``
    and the loops compile under XLA too. A length known when traced declines
    (``NotImplemented``): crossops.core runs the recursion itself."""
    leaves, treedef = flatten(elems)
    if tf.executing_eagerly() or all(x.shape[axis] is not None for x in leaves):
        return NotImplemented
    leaves = [tf.convert_to_tensor(x) for x in leaves]
    n = dim(leaves[0], axis)
    checks = [tf.debugging.assert_equal(
        dim(x, axis), n, message="core.associative_scan: the arrays scanned over "
        "have different lengths; they must all have one length") for x in leaves[1:]]
    with tf.control_dependencies(checks):
        n = tf.identity(n)
    if reverse:
        leaves = [tf.reverse(x, [axis]) for x in leaves]
    position = tf.range(n)

    def level(d, xs, remainder, start):
        """One level: ``xs[i] = f(xs[i - d], xs[i])`` where ``(i + 1) % 2d == remainder``
        and ``i + 1 >= start``."""
        earlier = [tf.gather(x, tf.maximum(position - d, 0), axis=axis) for x in xs]
        out, tree = flatten(f(unflatten(treedef, earlier), unflatten(treedef, list(xs))))
        if tree != treedef:
            raise ValueError(f"core.associative_scan: f returned structure {describe(tree)}, "
                             f"expected {describe(treedef)}")
        chosen = (tf.math.floormod(position + 1, 2 * d) == remainder) & (position + 1 >= start)
        new = []
        for x, c in zip(xs, out):
            c = tf.convert_to_tensor(c)
            if c.dtype != x.dtype:
                raise ValueError(f"core.associative_scan: f returned {c.dtype.name} for an "
                                 f"input of {x.dtype.name}; it must keep the dtypes")
            mask = tf.reshape(chosen, [-1] + [1] * (x.shape.rank - axis - 1))
            y = tf.where(mask, c, x)
            y.set_shape(x.shape)
            new.append(y)
        return tuple(new)

    # at most 31 levels (an int32 length); a static bound lets XLA differentiate the loops
    d, xs = tf.while_loop(lambda d, xs: 2 * d <= n,
                          lambda d, xs: (2 * d, level(d, xs, 0, 2 * d)),
                          (tf.constant(1), tuple(leaves)), maximum_iterations=32)
    _, xs = tf.while_loop(lambda d, xs: d >= 1,
                          lambda d, xs: (d // 2, level(d, xs, d, 3 * d)),
                          (d // 2, xs), maximum_iterations=32)
    out = list(xs)
    if reverse:
        out = [tf.reverse(x, [axis]) for x in out]
    return unflatten(treedef, out)
