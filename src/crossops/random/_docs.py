"""The docstrings of crossops.random's public ops (op name -> text)."""

_SEED = """seed : int or key array
        Required. An int, or a key from ``crossops.random.key`` / ``split``; the same
        seed gives the same numbers again. ``None`` raises ``ValueError``."""

_FLOAT = """dtype : dtype, optional
        A floating-point dtype; default float32."""

DOCS = {
    "normal": f"""Samples of a normal distribution.

    Parameters
    ----------
    shape : tuple of int
        The shape of the result.
    mean, stddev : float, optional
        The mean and standard deviation (Python numbers); default 0 and 1.
    {_FLOAT}
    {_SEED}

    Returns
    -------
    array
        Of the default backend for an int seed, of the key's backend otherwise.

    Examples
    --------
    >>> import crossops.random as xr
    >>> xr.normal((2, 3), mean=1.0, seed=0).shape
    (2, 3)
    """,
    "uniform": f"""Samples of a uniform distribution on ``[minval, maxval)``.

    Parameters
    ----------
    shape : tuple of int
        The shape of the result.
    minval, maxval : float, optional
        The bounds (Python numbers, ``minval < maxval``); ``maxval`` is never reached, in
        any dtype. Default 0 and 1.
    {_FLOAT}
    {_SEED}

    Examples
    --------
    >>> import crossops.random as xr
    >>> x = xr.uniform((1000,), minval=-1.0, maxval=1.0, seed=0)
    >>> bool((x >= -1).all() and (x < 1).all())
    True
    """,
    "truncated_normal": f"""Samples of a normal distribution truncated at two standard
    deviations: values further than ``2 * stddev`` from ``mean`` are drawn again.

    Parameters
    ----------
    shape : tuple of int
        The shape of the result.
    mean, stddev : float, optional
        Of the untruncated distribution (Python numbers); default 0 and 1.
    {_FLOAT}
    {_SEED}

    Examples
    --------
    >>> import crossops.random as xr
    >>> bool((abs(xr.truncated_normal((1000,), seed=0)) <= 2).all())
    True
    """,
    "randint": f"""Random integers, uniform on ``[minval, maxval)``.

    Parameters
    ----------
    shape : tuple of int
        The shape of the result.
    minval, maxval : int
        The bounds (Python ints, ``minval < maxval``, within the dtype).
    dtype : dtype, optional
        An integer dtype; default int32.
    {_SEED}

    Examples
    --------
    >>> import crossops.random as xr
    >>> x = xr.randint((100,), 0, 6, seed=0)
    >>> int(x.min()) >= 0 and int(x.max()) < 6, x.dtype
    (True, dtype('int32'))
    """,
    "categorical": f"""Class indices drawn from the categorical distributions
    ``softmax(logits)``, one per row.

    Parameters
    ----------
    logits : array
        Shape ``(batch, classes)``: unnormalised log-probabilities (``-inf`` for a class
        never drawn).
    num_samples : int
        How many draws per row.
    dtype : dtype, optional
        An integer dtype; default int32.
    {_SEED}

    Returns
    -------
    array
        Shape ``(batch, num_samples)``, of the logits' backend.

    Examples
    --------
    >>> import numpy as np, crossops.random as xr
    >>> xr.categorical(np.array([[0.0, 0.0, -np.inf]]), 4, seed=0).shape
    (1, 4)
    """,
    "dropout": f"""Zero each entry of ``inputs`` with probability ``rate`` and scale the
    others by ``1 / (1 - rate)`` (so the expectation is unchanged).

    Parameters
    ----------
    inputs : array
        Floating-point.
    rate : float
        In ``[0, 1)``.
    noise_shape : tuple, optional
        The shape of the keep mask, broadcast against ``inputs`` (``None`` entries take the
        input's size): e.g. ``(batch, 1, features)`` drops the same features at every step.
        Default: the shape of ``inputs``.
    {_SEED}

    Examples
    --------
    >>> import numpy as np, crossops.random as xr
    >>> y = xr.dropout(np.ones(8, np.float32), 0.5, seed=0)
    >>> sorted(set(y.tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    """,
    "shuffle": f"""Shuffle ``x`` along ``axis``: one random permutation of the slices
    along ``axis``.

    Parameters
    ----------
    x : array
    axis : int, optional
        Default 0.
    {_SEED}

    Examples
    --------
    >>> import numpy as np, crossops.random as xr
    >>> sorted(xr.shuffle(np.arange(5), seed=0).tolist())
    [0, 1, 2, 3, 4]
    """,
    "gamma": f"""Samples of the Gamma distribution with shape ``alpha`` and scale 1.

    Parameters
    ----------
    shape : tuple of int
        The shape of the result.
    alpha : float or array
        Positive; broadcast to ``shape``.
    {_FLOAT}
    {_SEED}

    Examples
    --------
    >>> import crossops.random as xr
    >>> xr.gamma((3,), 2.0, seed=0).shape
    (3,)
    """,
    "beta": f"""Samples of the Beta distribution.

    Parameters
    ----------
    shape : tuple of int
        The shape of the result.
    alpha, beta : float or array
        Positive; broadcast to ``shape``.
    {_FLOAT}
    {_SEED}

    Notes
    -----
    TensorFlow and PyTorch compute it as ``X / (X + Y)`` of two Gamma draws, in log space
    (``log Gamma(a) = log Gamma(a + 1) + log(U) / a``), so small ``alpha`` and ``beta`` do
    not underflow.

    Examples
    --------
    >>> import crossops.random as xr
    >>> x = xr.beta((100,), 2.0, 5.0, seed=0)
    >>> bool((x >= 0).all() and (x <= 1).all())
    True
    """,
    "binomial": f"""Samples of the binomial distribution: successes in ``counts`` trials of
    probability ``probabilities``.

    Parameters
    ----------
    shape : tuple of int
        The shape of the result.
    counts : float or array
        Non-negative whole numbers; broadcast to ``shape``.
    probabilities : float or array
        In ``[0, 1]``; broadcast to ``shape``.
    dtype : dtype, optional
        Default float32 (as Keras); an integer dtype gives integers.
    {_SEED}

    Examples
    --------
    >>> import crossops.random as xr
    >>> x = xr.binomial((100,), 10, 0.5, seed=0)
    >>> bool((x >= 0).all() and (x <= 10).all())
    True
    """,
}
