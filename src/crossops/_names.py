"""Names: Keras's default object names from class names."""


def snake_case(name: str) -> str:
    """``"MeanSquaredError"`` -> ``"mean_squared_error"`` (as Keras names layers, losses,
    metrics and initializers).

    Examples
    --------
    >>> snake_case("GlorotUniform")
    'glorot_uniform'
    """
    return "".join("_" + c.lower() if c.isupper() and i else c.lower()
                   for i, c in enumerate(name))
