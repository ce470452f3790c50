"""Names: Keras's default object names from class names."""

import itertools
import re
from collections import defaultdict

_WORD = re.compile(r"(.)([A-Z][a-z]+)")  # a capitalised word after any character
_HUMP = re.compile(r"([a-z])([A-Z])")  # a capital after a lower-case letter


#: the names converted so far (a loss or metric names itself on every call, also inside
#: a compiled step: a plain dict, which torch.compile reads as it is, where it warns that
#: it traces through an ``lru_cache``)
_SNAKE: dict[str, str] = {}


def snake_case(name: str) -> str:
    """``"MeanSquaredError"`` -> ``"mean_squared_error"``, by Keras's rule for the default
    names of layers, losses, metrics and initializers: an underscore before each
    capitalised word and between a lower-case letter and a capital, so that runs of
    capitals and digits stay together (``"Conv2D"`` -> ``"conv2d"``, ``"LeakyReLU"`` ->
    ``"leaky_re_lu"``).

    Examples
    --------
    >>> snake_case("GlorotUniform")
    'glorot_uniform'
    >>> snake_case("Conv2DTranspose"), snake_case("LSTM"), snake_case("RMSNormalization")
    ('conv2d_transpose', 'lstm', 'rms_normalization')
    """
    found = _SNAKE.get(name)
    if found is None:
        word = re.sub(r"\W+", "", name)
        found = _SNAKE[name] = _HUMP.sub(r"\1_\2", _WORD.sub(r"\1_\2", word)).lower()
    return found


#: the automatic names given so far, a counter per base name (Keras's: one per process)
_NAME_COUNTS: dict = defaultdict(itertools.count)


def auto_name(base: str) -> str:
    """The next automatic name for ``base``, as Keras numbers them: ``base`` the first time,
    then ``base_1``, ``base_2`` ... (layers by their snake-cased class name, an ``Input``'s
    layer as ``input_layer``, symbolic tensors as ``keras_tensor``).

    Examples
    --------
    >>> auto_name("doctest_base"), auto_name("doctest_base")
    ('doctest_base', 'doctest_base_1')
    """
    n = next(_NAME_COUNTS[base])
    return base if n == 0 else f"{base}_{n}"
