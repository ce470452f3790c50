"""Model files both ways between crossops and Keras 3 on Keras's jax and torch backends
(tests/test_saving.py checks Keras's tensorflow backend in-process; a Keras backend is
fixed per process, so each runs here in a subprocess with KERAS_BACKEND set).

For each Keras backend: Keras loads the ``.keras`` files crossops saved and predicts the
same; Keras saves its own, which crossops loads on jax, torch and tensorflow and predicts
the same. Prints one line per (direction, model, backend) and exits 1 on a mismatch.

    python scripts/check_keras_files.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).parents[1]
KINDS = ("sequential", "functional", "cnn", "sequence")
CHILD = r'''
import sys, warnings
import numpy as np
sys.path.insert(0, {tests!r})
import keras
import test_saving as t
folder = sys.argv[1]
failed = 0
for kind in t.KINDS:
    data = np.load(f"{{folder}}/{{kind}}.npz")
    x = [data[f"x{{i}}"] for i in range(int(data["n"]))]
    x = x[0] if len(x) == 1 else x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = keras.models.load_model(f"{{folder}}/{{kind}}.keras")
    got = np.asarray(keras.ops.convert_to_numpy(model(x, training=False)))
    ok = np.allclose(got, data["want"], rtol=1e-5, atol=1e-5)
    failed += not ok
    verdict = "ok" if ok else "MISMATCH"
    print(f"crossops -> keras[{{keras.backend.backend()}}] {{kind}}: {{verdict}}")
    theirs = t._build(kind, keras)
    t._perturb(theirs)
    theirs.save(f"{{folder}}/{{kind}}.from_keras.keras")
    np.save(f"{{folder}}/{{kind}}.from_keras.npy",
            np.asarray(keras.ops.convert_to_numpy(theirs(x, training=False))))
sys.exit(failed)
'''


def main() -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import test_saving as t

    import crossops
    failed = 0
    for keras_backend in ("jax", "torch"):
        with tempfile.TemporaryDirectory() as folder:
            for kind in KINDS:
                with crossops.use_backend("jax"):
                    model = t._build(kind, crossops)
                    t._perturb(model)
                    x = t.INPUTS[kind]()
                    xs = x if isinstance(x, list) else [x]
                    np.savez(f"{folder}/{kind}.npz", n=len(xs), want=t._predict(model, x),
                             **{f"x{i}": a for i, a in enumerate(xs)})
                    model.save(f"{folder}/{kind}.keras")
            env = {**os.environ, "KERAS_BACKEND": keras_backend}
            done = subprocess.run([sys.executable, "-c", CHILD.format(
                tests=str(ROOT / "tests")), folder], env=env, capture_output=True, text=True)
            print(done.stdout, end="")
            if done.returncode:
                print(done.stderr[-3000:])
                failed += 1
                continue
            for kind in KINDS:
                data = np.load(f"{folder}/{kind}.npz")
                x = [data[f"x{i}"] for i in range(int(data["n"]))]
                x = x[0] if len(x) == 1 else x
                want = np.load(f"{folder}/{kind}.from_keras.npy")
                for backend in ("jax", "torch", "tensorflow"):
                    with crossops.use_backend(backend):
                        mine = crossops.models.load_model(f"{folder}/{kind}.from_keras.keras")
                        ok = np.allclose(t._predict(mine, x), want, rtol=1e-5, atol=1e-5)
                    failed += not ok
                    print(f"keras[{keras_backend}] -> crossops[{backend}] {kind}: "
                          f"{'ok' if ok else 'MISMATCH'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
