"""TensorFlow's control flow: ``tf.cond``, ``tf.switch_case``, ``tf.while_loop`` (with
TensorArrays for scan's stacked outputs) and ``tf.vectorized_map``.

The functions behind ``crossops.core``'s control-flow ops on TensorFlow (found by name, see
:func:`crossops._backend.backend_chapter`). In eager mode the loops decline
(``NotImplemented``) and ``crossops.core`` runs them in Python; under ``tf.function`` they
become graph loops.
"""

from __future__ import annotations

import tensorflow as tf

from ..._pytree import checked_branches, describe, flatten, unflatten


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
