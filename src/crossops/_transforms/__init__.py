"""The transforms over each backend's own machinery: ``grad``, ``value_and_grad``,
``vjp``, ``jvp``, ``jacobian``, ``vmap``, ``jit``. All are also ``crossops.<name>``, as are
the core ops ``stop_gradient`` and ``custom_gradient`` (``crossops.core``'s, built on
these modules).

Examples
--------
>>> import torch, crossops, crossops.numpy as xnp
>>> crossops.grad(lambda x: xnp.sum(x * x))(torch.tensor([1.0, 2.0]))
tensor([2., 4.])
"""

from ._api import (
    compile_step,
    distinct_buffers,
    grad,
    jacobian,
    jit,
    jvp,
    mark_batch_dynamic,
    step_compiles,
    value_and_grad,
    vjp,
    vmap,
)

__all__ = ["compile_step", "distinct_buffers", "grad", "jacobian", "jit", "jvp",
           "mark_batch_dynamic", "step_compiles", "value_and_grad", "vjp", "vmap"]
