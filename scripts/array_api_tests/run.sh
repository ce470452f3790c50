#!/usr/bin/env bash
# Run data-apis/array-api-tests against crossops.numpy with each default backend.
#
#   PYTHON=.venv/bin/python scripts/array_api_tests/run.sh [MAX_EXAMPLES] [backend ...]
#
# The suite is not in this repository (it is a separate project, as Keras's own tests are
# for scripts/keras_ops_tests): without AAT_DIR this script clones it, with its
# array-api spec submodule, at the commit pinned below into .array-api-tests/ at the
# repository's root (git-ignored), once. AAT_DIR=<checkout> runs another checkout
# instead; AAT_REPO=<url or path> clones from elsewhere (a mirror).
#
# Uses the runner runner.sh (this repository's, beside this script) and the skips files
# beside this script (one per backend, each line with its reason). JAX runs with x64
# off (its default), so the suite is told not to draw 64-bit dtypes; TensorFlow runs
# with the plugin tf_shapes_as_tuples.py (see its docstring).
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
#: data-apis/array-api-tests, 2026-04-03 (its array-api submodule at 5f847a3)
AAT_COMMIT=55fcc60179efa2680ddd6cd926ddf17b83530e2b
if [ -z "${AAT_DIR:-}" ]; then
    AAT_DIR="$here/../../.array-api-tests"
    if [ ! -d "$AAT_DIR/array-api/spec" ]; then
        rm -rf "$AAT_DIR"
        git clone -q "${AAT_REPO:-https://github.com/data-apis/array-api-tests}" "$AAT_DIR" &&
            git -C "$AAT_DIR" checkout -q "$AAT_COMMIT" &&
            git -C "$AAT_DIR" submodule -q update --init ||
            { echo "could not clone array-api-tests into $AAT_DIR" >&2; exit 2; }
    fi
    export AAT_DIR
fi
runner="${AAT_RUNNER:-$here/runner.sh}"
examples="${1:-20}"; [ $# -gt 0 ] && shift
backends=("$@"); [ ${#backends[@]} -eq 0 ] && backends=(numpy torch jax tensorflow)
for b in "${backends[@]}"; do
    extra=(); envs=()
    [ "$b" = jax ] && envs+=(ARRAY_API_TESTS_SKIP_DTYPES=uint64,int64,float64,complex128)
    [ "$b" = tensorflow ] && extra+=(-p tf_shapes_as_tuples)
    env "${envs[@]}" PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" \
        AAT_SKIPS_FILE="$here/skips-$b.txt" AAT_NO_SHRINK=1 \
        "$runner" "exec('import crossops; crossops.set_backend(\"$b\"); import crossops.numpy as xp')" \
        "$examples" -n 2 "${extra[@]}" | tail -n 1
done
