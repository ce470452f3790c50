"""``crossops.config``: crossops's own settings, with Keras's names (``floatx``,
``set_floatx``, ``epsilon``, ``set_epsilon``, ``image_data_format``,
``set_image_data_format``, ``dtype_policy``, ``set_dtype_policy``), ``random_generator`` /
``set_random_generator`` (portable or native random numbers), and
``standardize_data_format``. ``dtype_policy`` / ``set_dtype_policy`` are the global dtype
policy of :mod:`crossops.dtype_policies` (and of ``crossops.mixed_precision``'s
``global_policy`` / ``set_global_policy``): one state, as in Keras.

Examples
--------
>>> from crossops import config
>>> config.floatx()
'float32'
"""

from ._config import (
    epsilon,
    floatx,
    image_data_format,
    random_generator,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    set_random_generator,
    standardize_data_format,
)
from .dtype_policies import dtype_policy, set_dtype_policy

__all__ = ["dtype_policy", "epsilon", "floatx", "image_data_format", "random_generator",
           "set_dtype_policy", "set_epsilon", "set_floatx", "set_image_data_format",
           "set_random_generator", "standardize_data_format"]
