"""Helpers the backend modules share: dtype tables and binary promotion."""

from __future__ import annotations

from collections.abc import Callable

from .._dtypes import DTYPE_NAMES, dtype_name, result_name


def dtype_table(lookup: Callable[[str], object]) -> dict[str, object]:
    """name -> native dtype for every name ``lookup`` knows (others are left out)."""
    out = {}
    for name in DTYPE_NAMES:
        try:
            d = lookup(name)
        except (AttributeError, TypeError):
            continue
        if d is not None:
            out[name] = d
    return out


def make_native_dtype(table: dict[str, object], backend: str):
    """A function mapping any dtype (object or name) to the backend's own."""
    cache: dict = {}

    def native_dtype(dtype):
        try:
            return cache[dtype]
        except (KeyError, TypeError):
            pass
        name = dtype_name(dtype)
        try:
            out = table[name]
        except KeyError:
            raise TypeError(f"dtype {name} is not supported by the {backend} backend; "
                            f"supported: {', '.join(table)}") from None
        try:
            cache[dtype] = out
        except TypeError:
            pass
        return out

    return native_dtype


def promoting(f: Callable, astype: Callable, table: dict, positions=(0, 1)):
    """Wrap ``f`` so that its arguments at two ``positions`` are promoted with crossops's
    table (the other arguments pass through).

    ``astype(x, native_dtype)`` casts; ``table`` maps dtype names to native dtypes.
    """
    i, j = positions
    cache: dict = {}

    def targets(d1, d2):
        try:
            return cache[d1, d2]
        except KeyError:
            pass
        n1, n2 = dtype_name(d1), dtype_name(d2)
        r = result_name(n1, n2)
        t = (None if n1 == r else table[r], None if n2 == r else table[r])
        cache[d1, d2] = t
        return t

    def promoted(*args):
        t1, t2 = targets(args[i].dtype, args[j].dtype)
        if t1 is not None or t2 is not None:
            args = list(args)
            if t1 is not None:
                args[i] = astype(args[i], t1)
            if t2 is not None:
                args[j] = astype(args[j], t2)
        return f(*args)

    promoted.__wrapped__ = f
    promoted.__name__ = getattr(f, "__name__", "promoted")
    return promoted
