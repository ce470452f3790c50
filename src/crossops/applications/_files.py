"""Where the applications find files: Keras's cache folder, and the resolution of a
``weights=`` argument to a local file (nothing is ever downloaded)."""

from __future__ import annotations

import os


def keras_cache_dir() -> str:
    """Keras's cache folder for models: ``$KERAS_HOME/models``, else ``~/.keras/models``
    (where ``keras.utils.get_file(..., cache_subdir="models")`` puts files).

    Examples
    --------
    >>> keras_cache_dir().endswith("models")
    True
    """
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, "models")


def check_weights_argument(weights, owner: str) -> None:
    """``weights`` must be None, ``"imagenet"`` or the path of an existing file.

    Examples
    --------
    >>> check_weights_argument(None, "VGG16")
    """
    if weights is None or weights == "imagenet":
        return
    if not isinstance(weights, str | os.PathLike) or not os.path.exists(weights):
        raise ValueError(f"{owner}: weights must be None (random initialization), "
                         f"'imagenet' (a file in Keras's cache folder), or the path of a "
                         f"weights file; got {weights!r}, which is none of these (no such "
                         f"file)")


def imagenet_weights_path(file_name: str, owner: str) -> str:
    """The path of Keras's ImageNet weights file ``file_name`` in Keras's cache folder.

    Raises
    ------
    ValueError
        If the file is not there: the message gives the exact path to put it at.
    """
    path = os.path.join(keras_cache_dir(), file_name)
    if not os.path.exists(path):
        raise ValueError(
            f"{owner}: weights='imagenet' reads Keras's file {file_name}, which is not at "
            f"{path}; put it there (for instance by running the same constructor once in "
            "Keras, which downloads it to that folder), or pass weights=<a local file> or "
            "weights=None. crossops never downloads at run time")
    return path


def load_weights(model, weights, file_name: str, owner: str) -> None:
    """Load ``weights`` (None, ``"imagenet"`` or a path) into ``model`` through its
    ``load_weights``."""
    if weights is None:
        return
    path = imagenet_weights_path(file_name, owner) if weights == "imagenet" else weights
    model.load_weights(os.fspath(path))
