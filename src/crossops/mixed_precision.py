"""``crossops.mixed_precision``: Keras's ``keras.mixed_precision`` names.

Examples
--------
>>> from crossops import mixed_precision
>>> mixed_precision.set_global_policy("mixed_bfloat16")
>>> mixed_precision.global_policy().compute_dtype
'bfloat16'
>>> mixed_precision.set_global_policy("float32")
"""

from .dtype_policies import DTypePolicy
from .dtype_policies import dtype_policy as global_policy
from .dtype_policies import set_dtype_policy as set_global_policy
from .optimizers import LossScaleOptimizer

#: Keras's older name of DTypePolicy
Policy = DTypePolicy

__all__ = ["DTypePolicy", "LossScaleOptimizer", "Policy", "global_policy",
           "set_global_policy"]
