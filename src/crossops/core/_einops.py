"""einops-style ``rearrange`` (spec/einops.toml), written with crossops ops.

A pattern such as ``"b (h h1) (w w1) c -> b h w (c h1 w1)"`` names the axes of the input
(left) and of the output (right): a name is one axis, a parenthesised group is one axis
made of several (row-major), ``...`` stands for the axes not named, and ``1`` or ``()``
for an axis of length 1. The rearrangement is one reshape into the elementary axes, one
transpose and one reshape: it runs under every compiler.
"""

from __future__ import annotations

import math
import re

GENERIC: dict = {}

_ELLIPSIS = "..."
_TOKEN = re.compile(r"\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\d+|\S")


def _parse(side: str, which: str, pattern: str) -> list:
    """One side of a pattern as its items: a name (or ``...``) for one axis, a list of
    names for a parenthesised group (``[]`` for a unit axis, ``1`` or ``()``)."""
    out: list = []
    group: list[str] | None = None
    for tok in _TOKEN.findall(side):
        if tok == "(":
            if group is not None:
                raise ValueError(f"core.rearrange: nested parentheses in {which} of {pattern!r}")
            group = []
        elif tok == ")":
            if group is None:
                raise ValueError(f"core.rearrange: unbalanced ')' in {which} of {pattern!r}")
            out.append(group)
            group = None
        elif tok == _ELLIPSIS or tok[0].isalpha() or tok[0] == "_":
            if group is None:
                out.append(tok)
            else:
                group.append(tok)
        elif tok == "1":
            if group is None:
                out.append([])
        else:
            raise ValueError(f"core.rearrange: unexpected {tok!r} in {which} of {pattern!r}; "
                             f"use names, (groups), ..., or 1")
    if group is not None:
        raise ValueError(f"core.rearrange: unbalanced '(' in {which} of {pattern!r}")
    names = [n for item in out for n in ([item] if isinstance(item, str) else item)]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"core.rearrange: axis names {sorted(dup)} repeat in {which} of "
                         f"{pattern!r}")
    return out


def _expand(items, ellipsis_names):
    """The items as groups of elementary names, the ellipsis expanded: standalone into
    one axis per name, inside parentheses into one group."""
    out = []
    for item in items:
        if item == _ELLIPSIS:
            out += [[n] for n in ellipsis_names]
        elif isinstance(item, str):
            out.append([item])
        else:
            out.append([m for n in item for m in (ellipsis_names if n == _ELLIPSIS else [n])])
    return out


def _lengths(lhs, shape, axes_lengths, pattern):
    """The length of every elementary axis of the left side (the ellipsis's axes named
    ``...0``, ``...1`` ...), and the ellipsis's names."""
    if any(isinstance(item, list) and _ELLIPSIS in item for item in lhs):
        raise ValueError(f"core.rearrange: '...' cannot be inside parentheses on the left of "
                         f"{pattern!r}")
    has_ellipsis = _ELLIPSIS in lhs
    n_named = len(lhs) - has_ellipsis
    if (len(shape) < n_named) if has_ellipsis else (len(shape) != n_named):
        raise ValueError(f"core.rearrange: the left of {pattern!r} names {n_named} axes, the "
                         f"tensor has shape {tuple(shape)}")
    ellipsis_names = [f"...{i}" for i in range(len(shape) - n_named)]
    lengths: dict[str, int] = {}
    for group, d in zip(_expand(lhs, ellipsis_names), shape):
        d = int(d)
        if group and group[0].startswith(_ELLIPSIS):
            lengths[group[0]] = d
            continue
        unknown = [n for n in group if n not in axes_lengths]
        known = {n: int(axes_lengths[n]) for n in group if n in axes_lengths}
        if len(unknown) > 1:
            raise ValueError(f"core.rearrange: cannot infer the lengths of {unknown} in "
                             f"{pattern!r}; give all but one as keyword arguments")
        prod = math.prod(list(known.values()))  # (torch.compile traces a list, not a view)
        if unknown:
            if prod == 0 or d % prod:
                raise ValueError(f"core.rearrange: an axis of length {d} does not divide into "
                                 f"{known} in {pattern!r}")
            known[unknown[0]] = d // prod
        elif prod != d:
            what = f"the group {group}" if group else "the unit axis"
            raise ValueError(f"core.rearrange: {what} has length {prod}, the tensor's axis {d} "
                             f"in {pattern!r}")
        lengths.update(known)
    return lengths, ellipsis_names


def rearrange(tensor, pattern, **axes_lengths):
    """Rearrange the axes of ``tensor`` by an einops pattern (transpose, merge and split
    axes in one call), as ``keras.ops.rearrange`` and ``einops.rearrange``.

    Parameters
    ----------
    tensor : array
        Any backend's array.
    pattern : str
        ``"<input axes> -> <output axes>"``, e.g. ``"b h w c -> b (h w) c"``.
    **axes_lengths : int
        Lengths of axes that split an input axis, e.g. ``h1=2``.

    Examples
    --------
    >>> import numpy as np, crossops.core as core
    >>> core.rearrange(np.zeros((2, 4, 6, 3)), "b (h h1) w c -> b h (w h1) c", h1=2).shape
    (2, 2, 12, 3)
    """
    import crossops.numpy as xnp
    if not isinstance(pattern, str) or pattern.count("->") != 1:
        raise ValueError(f"core.rearrange: pattern must be a string '<input> -> <output>', got "
                         f"{pattern!r}")
    left, right = pattern.split("->")
    lhs = _parse(left, "the left side", pattern)
    rhs = _parse(right, "the right side", pattern)
    if (_ELLIPSIS in left) != (_ELLIPSIS in right):
        raise ValueError(f"core.rearrange: '...' must be on both sides of {pattern!r} or on none")
    shape = tuple(tensor.shape)
    lengths, ellipsis_names = _lengths(lhs, shape, axes_lengths, pattern)
    left_names = [n for g in _expand(lhs, ellipsis_names) for n in g]
    out_groups = _expand(rhs, ellipsis_names)
    right_names = [n for g in out_groups for n in g]
    if set(left_names) != set(right_names):
        raise ValueError(
            f"core.rearrange: {pattern!r} names different axes on its two sides: "
            f"{sorted(set(left_names) ^ set(right_names))} (rearrange neither adds nor "
            f"removes axes)")
    extra = set(axes_lengths) - set(left_names)
    if extra:
        raise ValueError(f"core.rearrange: axes_lengths {sorted(extra)} are not in {pattern!r}")
    x = xnp.reshape(tensor, tuple(lengths[n] for n in left_names))
    perm = tuple(left_names.index(n) for n in right_names)
    if perm != tuple(range(len(perm))):
        x = xnp.permute_dims(x, perm)
    return xnp.reshape(x, tuple(math.prod([lengths[n] for n in g]) for g in out_groups))


GENERIC["rearrange"] = rearrange
