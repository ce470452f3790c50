"""uint64 arithmetic that torch has no kernels for, computed exactly on the same 64 bits
as int64 (two's complement: ``x.view(torch.int64)``).

Each function takes and returns int64 tensors holding uint64 bits (the ``_widening``
wrapper of the torch backend views its operands and views the result back). Additions,
subtractions and multiplications of int64 are the uint64 ones modulo 2**64 bit for bit;
what differs is division, comparison and right shifts, which read the top bit as a sign:
they are built here from operations that do not.

Every function here also runs under ``torch.compile(fullgraph=True)`` (no data-dependent
Python branch while compiling), and :func:`any_wide` and :func:`compiling` let the torch
backend's widening pick these paths by dtype where it compiles: a traced call runs on fake
tensors, whose kernels never raise, so a missing kernel shows only when the graph runs.
"""

from __future__ import annotations

import torch

_INT64_MIN = torch.iinfo(torch.int64).min
_INT64_MAX = torch.iinfo(torch.int64).max
#: the unsigned dtypes wider than uint8, for which torch has few kernels
_WIDE = (torch.uint16, torch.uint32, torch.uint64)

#: ``compiling()``: whether torch.compile (dynamo) traces the call (False when eager)
compiling = torch.compiler.is_compiling


def any_wide(args) -> bool:
    """Whether any of ``args`` is a tensor of uint16, uint32 or uint64."""
    for a in args:  # (a loop, not a generator: dynamo traces it)
        if isinstance(a, torch.Tensor) and a.dtype in _WIDE:
            return True
    return False


def _bits(v, like: torch.Tensor) -> torch.Tensor:
    """``v`` as int64 bits beside ``like``: a tensor as it is (already the bits), a Python
    int modulo 2**64 (NumPy's uint64 value of it)."""
    if isinstance(v, torch.Tensor):
        return v
    v = int(v) % 2**64
    return torch.tensor(v - 2**64 if v > _INT64_MAX else v, dtype=torch.int64,
                        device=like.device)


def _less(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``a < b`` as unsigned: both shifted by 2**63 (the top bit flipped) keep their order."""
    return (a ^ _INT64_MIN) < (b ^ _INT64_MIN)


def _halve(a: torch.Tensor) -> torch.Tensor:
    """``a >> 1`` as unsigned (a logical shift: the arithmetic one, top bit cleared)."""
    return (a >> 1) & _INT64_MAX


def right_shift(x, s, /):
    """NumPy's ``x >> s`` of uint64: a logical shift (the arithmetic one, the bits it
    copies down from the top masked off); a shift of 64 or more gives 0, as NumPy."""
    s = _bits(s, x)
    x = _bits(x, s)
    over = (s < 0) | (s > 63)  # (s < 0: a shift of 2**63 or more, as unsigned)
    s = torch.where(over, 0, s)
    # the top s bits, which the arithmetic shift copies the sign bit into: -2**63 >> s
    # sets the top s + 1, and << 1 drops one (none for s == 0)
    top = (torch.tensor(_INT64_MIN, device=s.device) >> s) << 1
    return torch.where(over, 0, (x >> s) & ~top)


def divmod_bits(x, y, /) -> tuple[torch.Tensor, torch.Tensor]:
    """``(x // y, x % y)`` of uint64 (y != 0). A divisor of 2**63 or more (negative as
    int64) goes into x once or not at all. A smaller one divides ``x >> 1`` (below 2**63:
    int64's floor division is the unsigned one), doubled: its remainder is under 2y, and
    one step corrects it."""
    y = _bits(y, x)
    x = _bits(x, y)
    q = torch.floor_divide(_halve(x), y) << 1  # (y < 0 here only where `large` picks)
    r = x - q * y
    fix = ~_less(r, y)
    q, r = q + fix, torch.where(fix, r - y, r)
    large = y < 0
    once = ~_less(x, y)
    return (torch.where(large, once.to(torch.int64), q),
            torch.where(large, torch.where(once, x - y, x), r))


def floor_divide(x, y, /):
    """NumPy's ``x // y`` of uint64 (y != 0; the caller puts NumPy's 0 where y is 0)."""
    return divmod_bits(x, y)[0]


def remainder(x, y, /):
    """NumPy's ``x % y`` of uint64 (y != 0; the caller puts NumPy's 0 where y is 0)."""
    return divmod_bits(x, y)[1]


def power(x, e, /):
    """NumPy's ``x ** e`` of uint64, modulo 2**64: square and multiply, over the bits of
    the exponent (at most 64 steps; eagerly it stops when every exponent's bits are spent,
    compiled it takes all 64: that test would read the tensor's values, a graph break)."""
    e = _bits(e, x)
    x = _bits(x, e)
    if compiling():
        return _power_compiled(x, e)
    out = torch.ones(torch.broadcast_shapes(x.shape, e.shape), dtype=torch.int64,
                     device=x.device)
    base = x
    for _ in range(64):
        out = torch.where((e & 1) != 0, out * base, out)
        e = _halve(e)
        if not compiling() and not bool(e.any()):
            break
        base = base * base
    return out


def _power_compiled(x, e):
    """:func:`power` for torch.compile: the exponent's 64 bits from the top, each step one
    product ``out * out * (x or 1)`` (each value read once: inductor's compile time grows
    exponentially with the squaring chain of the eager loop, linearly with this one)."""
    out = torch.ones(torch.broadcast_shapes(x.shape, e.shape), dtype=torch.int64,
                     device=x.device)
    one = torch.ones_like(x)
    for k in range(63, -1, -1):
        out = out * out * torch.where(((e >> k) & 1) != 0, x, one)
    return out
