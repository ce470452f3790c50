#!/usr/bin/env bash
# This repository's array-api-tests runner (first taken, 2026-12-02, from the workplace's
# runner tool): scripts/array_api_tests/run.sh calls it, with the suite it clones.
# Run the array API conformance suite (data-apis/array-api-tests) against one
# array-API namespace and print a one-line summary as the LAST line:
#
#   MODULE: P passed, F failed, S skipped, E errors in T s
#
# Usage:
#   runner.sh MODULE [MAX_EXAMPLES] [extra pytest args...]
#
#   MODULE        anything ARRAY_API_TESTS_MODULE accepts, e.g. array_api_strict,
#                 array_api_compat.numpy, array_api_compat.torch, jax.numpy, or
#                 "exec('import foo; xp = foo.make_namespace()')"
#   MAX_EXAMPLES  Hypothesis max examples per test (default 20; the suite's own
#                 default when the flag is omitted is 100)
#   extra args    passed to pytest verbatim (e.g. -k "not test_special_cases")
#
# Optional environment variables (all have defaults):
#   AAT_TESTS             test paths to run (default: array_api_tests/ = full suite)
#   ARRAY_API_TESTS_VERSION  spec version; default = xp.__array_api_version__
#                         (the suite falls back to 2025.12 if the module lacks it)
#   AAT_SKIPS_FILE        forwarded as --skips-file   (suite-documented mechanism)
#   AAT_XFAILS_FILE       forwarded as --xfails-file  (suite-documented mechanism)
#   AAT_TEST_TIMEOUT      per-test timeout in s via pytest-timeout (default 600; 0 = off)
#   AAT_RUN_TIMEOUT       wall-clock cap for the whole pytest run in s (default 0 = off)
#   AAT_RANDOMIZE=1       drop --derandomize and the aat_seed.py plugin (default:
#                         derandomized + per-test seeding of `random`, so repeated
#                         runs of one configuration give identical outcomes)
#   AAT_NO_SHRINK=1       skip Hypothesis' shrink/explain phases (plugin aat_noshrink.py):
#                         failures still fail, runs with many failures get much
#                         faster, but failure reports show unminimised examples
#   AAT_DEADLINE=1        keep Hypothesis' 800 ms per-example deadline
#                         (default: --disable-deadline; timing is not conformance)
#   AAT_RESULTS_DIR       where the JSON report and log go (default $AAT_DIR/results)
#   AAT_TAG               suffix for result file names (e.g. "x64")
# Library settings such as JAX_ENABLE_X64 are simply inherited from the caller.
# Needs pytest, hypothesis, ndindex and pytest-json-report (pytest-timeout optional) in PYTHON's environment.
# Example: PYTHON=.venv/bin/python \
#   ./runner.sh "exec('import crossops; crossops.set_backend(\"torch\"); import crossops.numpy as xp')" 20
set -u

# ---- machine-specific locations (override via environment) -----------------
# the suite: run.sh's clone inside this repository unless AAT_DIR names another checkout
AAT_DIR="${AAT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.array-api-tests}"
if [ ! -d "$AAT_DIR/array_api_tests" ]; then
    echo "no array-api-tests checkout at $AAT_DIR: run scripts/array_api_tests/run.sh," \
         "which clones it there, or set AAT_DIR" >&2
    exit 2
fi
# the plugins aat_seed.py and aat_noshrink.py sit beside this script (vendored too)
export PYTHONPATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)${PYTHONPATH:+:$PYTHONPATH}"
PYTHON="${PYTHON:-python3}"
# -----------------------------------------------------------------------------

if [ $# -lt 1 ]; then
    echo "usage: $0 MODULE [MAX_EXAMPLES] [extra pytest args...]" >&2
    exit 2
fi
MODULE="$1"; shift
MAX_EXAMPLES="${1:-20}"; [ $# -gt 0 ] && shift

RESULTS_DIR="${AAT_RESULTS_DIR:-$AAT_DIR/results}"
TEST_TIMEOUT="${AAT_TEST_TIMEOUT:-600}"
RUN_TIMEOUT="${AAT_RUN_TIMEOUT:-0}"
read -r -a TESTS <<< "${AAT_TESTS:-array_api_tests/}"

safe_name="$(printf '%s' "$MODULE" | tr -c 'A-Za-z0-9_.-' '_' | cut -c1-80)"
stem="${safe_name}_ex${MAX_EXAMPLES}${AAT_TAG:+_$AAT_TAG}"
mkdir -p "$RESULTS_DIR"
JSON="$RESULTS_DIR/$stem.json"
LOG="$RESULTS_DIR/$stem.log"
rm -f "$JSON" "$LOG"

# Fresh Hypothesis example database per run, so failures found for one module
# are not replayed against the next one (runs stay independent).
HYPO_DIR="$(mktemp -d "$RESULTS_DIR/.hypothesis.XXXXXX")"
trap 'rm -rf "$HYPO_DIR"' EXIT
export HYPOTHESIS_STORAGE_DIRECTORY="$HYPO_DIR"
export ARRAY_API_TESTS_MODULE="$MODULE"

args=(-m pytest "${TESTS[@]}" -p no:cacheprovider
      --max-examples "$MAX_EXAMPLES"
      -v --tb=short -rfE --continue-on-collection-errors
      --json-report --json-report-file "$JSON"
      --json-report-omit keywords log streams warnings)
[ "${AAT_DEADLINE:-0}" = 1 ] || args+=(--disable-deadline)
[ "${AAT_RANDOMIZE:-0}" = 1 ] || args+=(--derandomize -p aat_seed)
[ "${AAT_NO_SHRINK:-0}" = 1 ] && args+=(-p aat_noshrink)
[ -n "${AAT_SKIPS_FILE:-}" ]  && args+=(--skips-file "$AAT_SKIPS_FILE")
[ -n "${AAT_XFAILS_FILE:-}" ] && args+=(--xfails-file "$AAT_XFAILS_FILE")
if [ "$TEST_TIMEOUT" != 0 ] && "$PYTHON" -c "import pytest_timeout" 2>/dev/null; then
    args+=(--timeout "$TEST_TIMEOUT" --timeout-method signal)
fi
args+=("$@")

cd "$AAT_DIR" || exit 2
{
    echo "# module=$MODULE max_examples=$MAX_EXAMPLES version=${ARRAY_API_TESTS_VERSION:-<xp default>}"
    echo "# cmd: $PYTHON ${args[*]}"
} > "$LOG"

start=$(date +%s.%N)
if [ "$RUN_TIMEOUT" != 0 ]; then
    timeout --signal=INT --kill-after=60 "$RUN_TIMEOUT" "$PYTHON" "${args[@]}" >> "$LOG" 2>&1
else
    "$PYTHON" "${args[@]}" >> "$LOG" 2>&1
fi
rc=$?
end=$(date +%s.%N)
elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')

# Summarise from the JSON report; if pytest died before writing it, fall back
# to counting the per-test status words in the -v log.
"$PYTHON" - "$MODULE" "$JSON" "$LOG" "$elapsed" "$rc" <<'EOF'
import json, os, re, sys
module, json_path, log_path, elapsed, rc = sys.argv[1:]
c = dict(passed=0, failed=0, skipped=0, error=0, xfailed=0, xpassed=0)
src = "json"
if os.path.exists(json_path):
    with open(json_path) as f:
        rep = json.load(f)
    for k in c:
        c[k] = rep.get("summary", {}).get(k, 0)
    # A test file that fails to import/collect (e.g. a module-level use of a
    # missing namespace attribute) yields no test items; count it as an error.
    bad_coll = [col["nodeid"] for col in rep.get("collectors", [])
                if col.get("outcome") == "failed"]
    c["error"] += len(bad_coll)
    hdr = (f"collected {rep['summary'].get('collected', '?')} items; "
           f"exitcode {rep.get('exitcode')}; collection errors: {bad_coll or 'none'}")
    ran = sum(c[k] for k in ("passed", "failed", "skipped", "error", "xfailed", "xpassed")) - len(bad_coll)
    if rep.get("exitcode") == 2:   # KeyboardInterrupt, e.g. AAT_RUN_TIMEOUT hit
        hdr += (f"; INTERRUPTED: only {ran} of {rep['summary'].get('collected', '?')}"
                " collected tests ran")
else:
    src = "log (no JSON report: pytest crashed, was killed, or the module failed to import)"
    pat = re.compile(r"::\S.*? (PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS)\b")
    m = {"PASSED": "passed", "FAILED": "failed", "SKIPPED": "skipped",
         "ERROR": "error", "XFAIL": "xfailed", "XPASS": "xpassed"}
    with open(log_path, errors="replace") as f:
        for line in f:
            mm = pat.search(line)
            if mm:
                c[m[mm.group(1)]] += 1
    if sum(c.values()) == 0:
        c["error"] = 1          # nothing ran at all: count the run as one error
    hdr = f"pytest exit code {rc}"
print(f"# details: {hdr}; xfailed={c['xfailed']} xpassed={c['xpassed']}; "
      f"source={src}; report={json_path}; log={log_path}")
print(f"{module}: {c['passed']} passed, {c['failed']} failed, "
      f"{c['skipped']} skipped, {c['error']} errors in {elapsed} s")
EOF
