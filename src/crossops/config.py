"""``crossops.config``: crossops's own settings, with Keras's names (``floatx``,
``set_floatx``, ``epsilon``, ``set_epsilon``, ``image_data_format``,
``set_image_data_format``), ``random_generator`` / ``set_random_generator``
(portable or native random numbers), and ``standardize_data_format``.

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

__all__ = ["epsilon", "floatx", "image_data_format", "random_generator", "set_epsilon",
           "set_floatx", "set_image_data_format", "set_random_generator",
           "standardize_data_format"]
