"""The transforms over each backend's own machinery: ``grad``, ``value_and_grad``,
``vjp``, ``jvp``, ``jacobian``, ``vmap``, ``jit``, and the core ops ``stop_gradient`` and
``custom_gradient`` (the same functions as ``crossops.core``'s). All are also
``crossops.<name>``.

Examples
--------
>>> import torch, crossops, crossops.numpy as xnp
>>> crossops.grad(lambda x: xnp.sum(x * x))(torch.tensor([1.0, 2.0]))
tensor([2., 4.])
"""

from ..core import custom_gradient, stop_gradient
from ._api import grad, jacobian, jit, jvp, value_and_grad, vjp, vmap

__all__ = ["custom_gradient", "grad", "jacobian", "jit", "jvp", "stop_gradient",
           "value_and_grad", "vjp", "vmap"]
