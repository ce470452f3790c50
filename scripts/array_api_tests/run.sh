#!/usr/bin/env bash
# Run data-apis/array-api-tests against crossops.numpy with each default backend.
#
#   AAT_DIR=<checkout of data-apis/array-api-tests with its array-api submodule> \
#   PYTHON=.venv/bin/python scripts/array_api_tests/run.sh [MAX_EXAMPLES] [backend ...]
#
# Uses the runner runner.sh (vendored from the workplace tool) and the skips files
# beside this script (one per backend, each line with its reason). JAX runs with x64
# off (its default), so the suite is told not to draw 64-bit dtypes; TensorFlow runs
# with the plugin tf_shapes_as_tuples.py (see its docstring).
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
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
