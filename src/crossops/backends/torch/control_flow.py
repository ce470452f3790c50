"""PyTorch's control flow: under ``torch.compile``, the higher-order ops ``torch.cond``,
``while_loop`` and ``scan``; ``torch.vmap`` always.

The functions behind ``crossops.core``'s control-flow ops on PyTorch (found by name, see
:func:`crossops._backend.backend_chapter`). In eager mode they decline
(``NotImplemented``) and ``crossops.core`` runs plain Python, which is what eager PyTorch
code does. torch's higher-order ops reject outputs that alias their inputs, so the
functions' outputs are cloned.
"""

from __future__ import annotations

import torch

from ..._pytree import flatten, is_array, map_tree, unflatten


def _fresh(tree):
    return map_tree(lambda x: x.clone() if is_array(x) else x, tree)


def cond(pred, true_fn, false_fn):
    if not torch.compiler.is_compiling():
        return NotImplemented
    if pred.dtype != torch.bool:
        pred = pred != 0
    return torch.cond(pred, lambda: _fresh(true_fn()), lambda: _fresh(false_fn()), ())


def switch(index, branches, operands):
    if not torch.compiler.is_compiling():
        return NotImplemented
    i = torch.clamp(index, 0, len(branches) - 1)

    def pick(lo, hi):  # a balanced tree of torch.cond over branches lo..hi-1
        if hi - lo == 1:
            return lambda: _fresh(branches[lo](*operands))
        mid = (lo + hi) // 2
        return lambda: torch.cond(i < mid, pick(lo, mid), pick(mid, hi), ())
    return pick(0, len(branches))()


def logical_and(a, b):
    if not torch.compiler.is_compiling():
        return NotImplemented
    return torch.logical_and(torch.as_tensor(a), torch.as_tensor(b))


def while_loop(cond_fn, body_fn, state):
    if not torch.compiler.is_compiling():
        return NotImplemented
    from torch._higher_order_ops.while_loop import while_loop as torch_while
    leaves, treedef = flatten(state)
    out = torch_while(lambda *ls: cond_fn(unflatten(treedef, ls)),
                      lambda *ls: tuple(_fresh(flatten(body_fn(unflatten(treedef, ls)))[0])),
                      tuple(leaves))
    return unflatten(treedef, out)


def scan(step, init, xs, length, reverse, unroll):
    if not torch.compiler.is_compiling() or length == 0:
        return NotImplemented
    from torch._higher_order_ops.scan import scan as torch_scan
    no_xs = xs is None
    if no_xs:  # torch scans over arrays: a zero-width one gives the length
        xs = torch.zeros((length, 0))
    if not flatten(init)[0]:  # torch's scan needs a tensor carry: a dummy one stands in
        def body(c, x):
            return c.clone(), _fresh(step(init, None if no_xs else x)[1])
        return init, torch_scan(body, torch.zeros(()), xs, reverse=reverse)[1]

    def fresh_step(c, x):
        new, y = step(c, None if no_xs else x)
        return _fresh(new), _fresh(y)
    return torch_scan(fresh_step, init, xs, reverse=reverse)


def vectorized_map(function, elements):
    return torch.vmap(function)(elements)
