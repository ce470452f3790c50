"""``crossops.random``: random numbers from explicit seeds, no hidden global state.

The ops of ``keras.random`` with Keras's signatures (spec/random.toml): ``normal``,
``uniform``, ``truncated_normal``, ``randint``, ``categorical``, ``dropout``, ``shuffle``,
``gamma``, ``beta``, ``binomial``; and ``key`` / ``split`` to make keys.

Seeds
-----
Every op takes ``seed``, and it is required: ``seed=None`` raises ``ValueError`` (there is
no global generator to fall back on). A seed is

- a Python int: the same int gives the same numbers again (on one backend), or
- a key: a ``uint32`` array of shape ``(2,)`` of a backend, made by ``key(seed)`` and
  ``split(key, num)`` (the raw-key layout of ``jax.random.PRNGKey``: ``key(s)`` holds the
  high and low 32 bits of ``s``). ``seed=s`` and ``seed=key(s)`` give the same numbers.
  For fresh numbers, split a key: ``k, sub = split(k)``.

Ops with no array argument (``normal``, ``uniform`` ...) run on the default backend
(``crossops.get_backend()``, as ``crossops.numpy.zeros`` does) when the seed is an int;
a key array, or an array argument (``logits``, ``inputs``, ``x``, ``alpha`` ...), decides
the backend. Arrays of two backends in one call raise ``TypeError``.

Backends
--------
Each backend draws with its own generator, so the numbers differ between backends (the
distributions do not):

- numpy: ``numpy.random.Generator(numpy.random.Philox(key=...))``, built anew on each call
  from the seed's 64 bits;
- jax: ``jax.random`` with the raw key (typed ``jax.random.key`` keys are taken too);
  everything traces under ``jax.jit`` with the eager numbers;
- tensorflow: ``tf.random.stateless_*`` with the key as an int32 seed pair (Philox where
  the op lets one choose); everything traces under ``tf.function`` with the eager numbers;
- torch: a ``torch.Generator`` built on each call, seeded with the key's 64 bits, on the
  device of the key or the array arguments. Under ``torch.compile`` the generator is a
  graph break (dynamo cannot create one inside a graph), so the call runs eagerly and
  gives the eager numbers; ``torch.compile(fullgraph=True)`` raises.

Dtypes: floating results default to float32 (Keras's floatx) and may be float16,
bfloat16, float32 or float64 (float64 on jax needs x64); integer results (``randint``,
``categorical``) default to int32. ``binomial`` returns float32 by default, or the
integer or float dtype asked for. ``uniform`` and ``randint`` stay in ``[minval, maxval)``
in every dtype; ``truncated_normal`` within two standard deviations of the mean.

Examples
--------
>>> import crossops.random as xr
>>> a = xr.normal((2, 3), seed=0)
>>> b = xr.normal((2, 3), seed=xr.key(0))
>>> bool((a == b).all()), a.dtype
(True, dtype('float32'))
>>> k1, k2 = xr.split(xr.key(42))
>>> xr.uniform((4,), seed=k1).shape
(4,)
"""

from .._dispatch import make_ops as _make_ops
from ._docs import DOCS as _DOCS
from ._generic import GENERIC as _GENERIC
from ._keys import key, split

globals().update(_make_ops("random", generic=_GENERIC))

for _name, _doc in _DOCS.items():
    globals()[_name].__doc__ = _doc
del _name, _doc

__all__ = ["beta", "binomial", "categorical", "dropout", "gamma", "key", "normal", "randint",
           "shuffle", "split", "truncated_normal", "uniform"]
