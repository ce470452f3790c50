"""Conversion of any backend's array to NumPy."""

from ._backend import backend_module, backend_of_type


def to_numpy(x):
    """Convert an array of any backend (or a scalar, or a list) to a ``numpy.ndarray``.

    bfloat16 arrays become ``ml_dtypes.bfloat16`` arrays; gradients are not tracked.

    Parameters
    ----------
    x : array, scalar or list
        An array of any backend (a tracer of a compiler has no values to give), or host
        data.

    Returns
    -------
    numpy.ndarray
        ``x``'s values, with its dtype and shape.

    Examples
    --------
    >>> import crossops
    >>> crossops.to_numpy([1, 2])
    array([1, 2])
    """
    b = backend_of_type(type(x))
    import numpy as np
    if b is None:
        return np.asarray(x)
    return np.asarray(backend_module(b).to_numpy(x))
