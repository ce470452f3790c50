"""crossops leaves the frameworks' global state alone: eager use with torch loads none of
torch's compiler and changes no environment variable or warnings filter; the compiler's
accommodations are made when ``torch.compile`` first imports it (a fresh interpreter)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

SCRIPT = r"""
import os, sys, warnings
import torch
env, filters = dict(os.environ), list(warnings.filters)
import crossops, crossops.numpy as xnp, crossops.nn
x = torch.ones(3, 4)
xnp.sum(xnp.add(x, 1.0), axis=0); crossops.nn.relu(x); xnp.matmul(x, xnp.ones((4, 2)))
loaded = sorted(m for m in sys.modules if m.startswith(("torch._dynamo", "torch._inductor")))
assert not loaded, f"eager use loaded {len(loaded)} compiler modules: {loaded[:5]}"
changed = sorted(k for k in set(os.environ) | set(env) if os.environ.get(k) != env.get(k))
assert not changed, f"eager use changed environment variables: {changed}"
assert warnings.filters == filters, "eager use changed the warnings filters"
# compiling still works, in one graph: the accommodations came with the compiler
f = torch.compile(lambda a: xnp.sum(xnp.multiply(a, a), axis=-1), fullgraph=True)
assert f(x).tolist() == [4.0, 4.0, 4.0]
print("ok")
"""


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_eager_torch_use_loads_no_compiler():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-3000:]
