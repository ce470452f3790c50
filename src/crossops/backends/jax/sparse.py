"""jax's sparse arrays (``jax.experimental.sparse``, e.g. BCOO) in crossops ops.

A call given a sparse array runs the function of the op's name here, which keeps the
result sparse where keras.ops does; an op with no function here gets its sparse
arguments made dense by :func:`densify` (see ``crossops._dispatch.Op.sparse``).
"""

from __future__ import annotations


def densify(x):
    """Sparse array ``x`` as a dense jax array."""
    return x.todense()
