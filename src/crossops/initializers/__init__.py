"""``crossops.initializers``: Keras's weight initializers, drawn on the host from explicit
seeds (the same seed gives the same weights on every backend).

Examples
--------
>>> from crossops import initializers
>>> w = initializers.GlorotUniform(seed=0)((3, 4))
>>> w.shape, str(w.dtype)
((3, 4), 'float32')
"""

from ._initializers import (
                            STFT,
                            Constant,
                            GlorotNormal,
                            GlorotUniform,
                            HeNormal,
                            HeUniform,
                            Identity,
                            Initializer,
                            LecunNormal,
                            LecunUniform,
                            Ones,
                            Orthogonal,
                            RandomNormal,
                            RandomUniform,
                            TruncatedNormal,
                            VarianceScaling,
                            Zeros,
                            compute_fans,
                            get,
                            serialize,
)

__all__ = ["STFT", "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform",
           "Identity", "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal",
           "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling", "Zeros",
           "compute_fans", "get", "serialize"]
