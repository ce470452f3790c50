"""The PyTorch backend of crossops.random: a ``torch.Generator`` created on every call and
seeded with the key's 64 bits (so a call depends on its seed only), on the device of the
key or of the array arguments (else torch's default device). Half-precision results are
drawn in float32 and rounded.

``torch.compile`` cannot create a generator inside a graph (dynamo reports an
``Unsupported`` opaque object), so every op here but ``key`` is marked
``torch.compiler.disable``: under ``torch.compile`` a call is a graph break and runs
eagerly, with the eager numbers to the bit (inductor's own exp and log would change the
last bits of ``beta``); ``fullgraph=True`` raises. ``key`` traces into the graph (so the
portable generator takes Python int seeds under ``fullgraph=True``) as the custom op
``crossops::key_words``, which inductor cannot see into: a key made there by
``torch.tensor`` would be a constant that inductor inlines into every element-wise
operation of the Threefry chain over it, and it then spent more than ten minutes lowering
``uniform((4, 5), seed=7)``; as an opaque buffer the key is read like a graph input.
"""

from __future__ import annotations

import torch

from ... import _seed
from .._common import scaled
from ._functorch import in_transform

#: the dtype of the portable generator's 32-bit words (crossops/random/_portable.py): int64,
#: masked to 32 bits, since torch shifts no uint32
WORDS = "int64"


def _clamp_below(x, maxval: float, name: str):
    """``x`` with values that rounding took to ``maxval`` (or above) moved just below it,
    so that uniform draws stay in ``[minval, maxval)`` in every dtype."""
    return torch.where(x < maxval, x, torch.tensor(_seed.below(maxval, name), dtype=x.dtype,
                                                  device=x.device))


def _dt(name: str):
    return getattr(torch, name)


def _compute(name: str):
    return torch.float64 if name == "float64" else torch.float32


def _device(*arrays):
    for a in arrays:
        if isinstance(a, torch.Tensor):
            return a.device
    return torch.get_default_device()


def _words(seed, op: str) -> tuple[int, int]:
    if isinstance(seed, torch.Tensor):
        _seed.check_key(seed, op)
        hi, lo = seed.to(torch.int64).tolist()
        return hi & _seed.MASK, lo & _seed.MASK
    return _seed.words(seed, op)


def generator(seed, op: str, device) -> torch.Generator:
    hi, lo = _words(seed, op)
    g = torch.Generator(device=device)
    g.manual_seed((hi << 32) | lo)
    return g


@torch.library.custom_op("crossops::key_words", mutates_args=())
def _key_words(hi: int, lo: int, device: torch.device) -> torch.Tensor:
    """The key ``[hi, lo]`` (uint32) on ``device``: an op that inductor leaves opaque."""
    return torch.tensor([hi, lo], dtype=torch.uint32, device=device)


@_key_words.register_fake
def _key_words_fake(hi, lo, device):
    return torch.empty((2,), dtype=torch.uint32, device=device)


def key(seed):
    hi, lo = _seed.words(seed, "key")
    if torch.compiler.is_compiling():  # opaque to inductor (see the module docstring)
        # the default device, as dynamo sees it (it traces no get_default_device)
        return _key_words(hi, lo, torch.empty(0).device)
    return torch.tensor([hi, lo], dtype=torch.uint32, device=torch.get_default_device())


def split(key, num=2):
    dev = _device(key)
    g = generator(key, "split", dev)
    return torch.randint(0, 2 ** 32, (num, 2), generator=g, dtype=torch.int64,
                         device=dev).to(torch.uint32)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "normal")
    mean, stddev = _seed.number(mean, "normal", "mean"), _seed.number(stddev, "normal", "stddev")
    dev = _device(seed)
    x = torch.randn(_seed.shape_tuple(shape, "normal"), generator=generator(seed, "normal", dev),
                    dtype=_compute(name), device=dev)
    return scaled(x, mean, stddev).to(_dt(name))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "uniform")
    lo, hi = _seed.bounds(minval, maxval, "uniform")
    dev = _device(seed)
    u = torch.rand(_seed.shape_tuple(shape, "uniform"), generator=generator(seed, "uniform", dev),
                   dtype=_compute(name), device=dev)
    return _clamp_below((u * (hi - lo) + lo).to(_dt(name)), hi, name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "truncated_normal")
    mean = _seed.number(mean, "truncated_normal", "mean")
    stddev = _seed.number(stddev, "truncated_normal", "stddev")
    dev = _device(seed)
    compute = _compute(name)
    # inversion: a uniform draw between the normal CDF at -2 and at 2, through the inverse CDF
    edge = torch.special.ndtr(torch.tensor(-2.0, dtype=torch.float64)).item()
    u = torch.rand(_seed.shape_tuple(shape, "truncated_normal"), dtype=torch.float64,
                   generator=generator(seed, "truncated_normal", dev), device=dev)
    x = torch.special.ndtri(edge + u * (1.0 - 2.0 * edge)).clamp(-2.0, 2.0).to(compute)
    return scaled(x, mean, stddev).to(_dt(name))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    name = _seed.int_name(dtype, "randint")
    lo, hi = _seed.int_bounds(minval, maxval, "randint")
    info = torch.iinfo(_dt(name))
    if lo < info.min or hi - 1 > info.max:
        raise ValueError(f"random.randint: [{lo}, {hi}) does not fit dtype {name}")
    dev = _device(seed)
    x = torch.randint(lo, hi, _seed.shape_tuple(shape, "randint"), dtype=torch.int64,
                      generator=generator(seed, "randint", dev), device=dev)
    return x.to(_dt(name))


def categorical(logits, num_samples, dtype="int32", seed=None):
    name = _seed.int_name(dtype, "categorical")
    if logits.ndim != 2:
        raise ValueError(f"random.categorical: logits must be 2-D (batch, classes), got shape "
                         f"{tuple(logits.shape)}")
    dev = _device(seed, logits)
    compute = torch.float64 if logits.dtype == torch.float64 else torch.float32
    probs = torch.softmax(logits.to(compute), dim=-1)
    s = torch.multinomial(probs, int(num_samples), replacement=True,
                          generator=generator(seed, "categorical", dev))
    return s.to(_dt(name))


def shuffle(x, axis=0, seed=None):
    axis = _seed.axis_index(axis, x.ndim, "shuffle")
    dev = _device(seed, x)
    perm = torch.randperm(x.shape[axis], generator=generator(seed, "shuffle", dev), device=dev)
    return torch.index_select(x, axis, perm)


def _param(value, shape, compute, dev):
    return torch.as_tensor(value, dtype=compute, device=dev).broadcast_to(shape)


def gamma(shape, alpha, dtype=None, seed=None):
    name = _seed.float_name(dtype, "gamma")
    shape = _seed.shape_tuple(shape, "gamma")
    dev = _device(seed, alpha)
    a = _param(alpha, shape, _compute(name), dev).contiguous()
    return torch._standard_gamma(a, generator=generator(seed, "gamma", dev)).to(_dt(name))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    name = _seed.real_name(dtype, "binomial")
    shape = _seed.shape_tuple(shape, "binomial")
    dev = _device(seed, counts, probabilities)
    compute = _compute(name)
    n = _param(counts, shape, compute, dev).contiguous()
    p = _param(probabilities, shape, compute, dev).contiguous()
    x = torch.binomial(n, p, generator=generator(seed, "binomial", dev))
    return x.to(_dt(name))


# every op but key runs eagerly under torch.compile (see the module docstring)
for _name in ("split", "normal", "uniform", "truncated_normal", "randint", "categorical",
              "shuffle", "gamma", "binomial"):
    globals()[_name] = torch.compiler.disable(globals()[_name])
del _name


def host_words(seed, op: str) -> tuple[int, int] | None:
    """The key words of ``seed`` as Python ints where the portable generator
    (crossops/random/_portable.py) may compute on the host in NumPy and convert: eager
    calls (not under ``torch.compile``) with an int seed and a CPU default device, or a
    plain CPU key tensor (not one of a ``torch.func`` transform); else None (the portable
    op then runs with torch ops, in the graph under ``torch.compile``)."""
    if torch.compiler.is_compiling():
        return None
    if _seed.is_int_seed(seed):
        return _seed.words(seed, op) if torch.get_default_device().type == "cpu" else None
    if type(seed) is not torch.Tensor or seed.device.type != "cpu" or in_transform():
        return None
    _seed.check_key(seed, op)
    hi, lo = seed.to(torch.int64).tolist()
    return hi & _seed.MASK, lo & _seed.MASK
