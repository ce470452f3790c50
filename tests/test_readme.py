"""Every Python snippet of the README runs as written (each in a fresh interpreter, as a
reader would paste it)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"
SNIPPETS = re.findall(r"^```python\n(.*?)^```", README.read_text(), re.S | re.M)


def test_readme_has_snippets():
    assert len(SNIPPETS) >= 3


@pytest.mark.parametrize("code", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_snippet_runs(code):
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600, cwd=README.parent)
    assert done.returncode == 0, f"{code}\n{done.stderr[-3000:]}"


TRAINING = [s for s in SNIPPETS if 'crossops.set_backend("jax")' in s]


@pytest.mark.parametrize("name", ["torch", "tensorflow"])
def test_training_snippet_runs_on_every_trainable_backend(name):
    """The snippet says ``# or "torch", "tensorflow"``: it runs with either."""
    assert len(TRAINING) == 1
    code = TRAINING[0].replace('crossops.set_backend("jax")',
                               f'crossops.set_backend("{name}")')
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600, cwd=README.parent)
    assert done.returncode == 0, f"{code}\n{done.stderr[-3000:]}"
