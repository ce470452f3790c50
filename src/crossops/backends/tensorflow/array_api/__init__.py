"""The array API namespace for TensorFlow, written for crossops.

Every function takes and returns ``tf.Tensor``; dtypes are ``tf.DType``. The functions
live in one private module per chapter of the standard; each module's ``__all__`` lists
what it exports.
"""

from . import fft, linalg  # noqa: F401
from ._creation import *  # noqa: F403
from ._data_types import *  # noqa: F403
from ._elementwise import *  # noqa: F403
from ._indexing import *  # noqa: F403
from ._info import *  # noqa: F403
from ._linear_algebra import *  # noqa: F403
from ._manipulation import *  # noqa: F403
from ._searching import *  # noqa: F403
from ._sets import *  # noqa: F403
from ._sorting import *  # noqa: F403
from ._statistics import *  # noqa: F403
from ._utility import *  # noqa: F403

__array_api_version__ = "2025.12"
