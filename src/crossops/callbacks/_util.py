"""Helpers of the callbacks: log values as Python numbers, their text, and atomic writes."""

from __future__ import annotations

import math
import os
import time

from .._convert import to_numpy


def scalar(value) -> float:
    """A log value (a Python number, a NumPy scalar or a 0-d array of any backend) as a
    Python float; a device array waits for the device here."""
    if isinstance(value, float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError, RuntimeError):
        pass
    if hasattr(value, "detach"):  # a torch tensor that takes part in autograd
        value = value.detach()
    return float(to_numpy(value))


def is_scalar(value) -> bool:
    """Whether ``value`` is a number or a one-element array (a log value to convert)."""
    if isinstance(value, (bool, str, bytes)) or value is None:
        return False
    if isinstance(value, (int, float)):
        return True
    shape = getattr(value, "shape", None)
    return shape is not None and math.prod(tuple(shape)) == 1


def pythonify(logs: dict | None) -> dict:
    """``logs`` with their scalar values as Python floats, in place (a new dict for
    None). Other values (arrays of several elements, strings) stay as they are."""
    if logs is None:
        return {}
    for key, value in logs.items():
        if not isinstance(value, float) and is_scalar(value):
            try:
                logs[key] = scalar(value)
            except (TypeError, ValueError):
                pass
    return logs


def format_value(value) -> str:
    """A log value as the progress bar prints it (Keras's format: 4 decimals, or 4
    significant digits in exponent notation for tiny numbers)."""
    try:
        v = scalar(value)
    except (TypeError, ValueError):
        return str(value)
    if v != 0 and abs(v) < 1e-3:
        return f"{v:.4e}"
    return f"{v:.4f}"


def format_logs(logs: dict | None) -> str:
    """``"loss: 0.1234 - val_loss: 0.2345"``: the scalar entries of ``logs``."""
    return " - ".join(f"{k}: {format_value(v)}" for k, v in (logs or {}).items()
                      if is_scalar(v))


def format_time(seconds: float) -> str:
    """A duration as Keras prints it: ``"3s"``, ``"120ms"``, ``"45us"``."""
    if seconds >= 1 or seconds == 0:
        return f"{round(seconds)}s"
    if seconds >= 1e-3:
        return f"{round(seconds * 1e3)}ms"
    return f"{round(seconds * 1e6)}us"


def now() -> float:
    return time.monotonic()


def replace_atomically(write, path: str) -> None:
    """Call ``write(temporary_path)``, then move the file to ``path`` in one step
    (``os.replace``): ``path`` holds the old file or the new one, never a part."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
