"""Run the installed keras's ops tests against keras.ops and crossops.ops, per backend.

Usage:
    python scripts/keras_ops_tests/run.py [--backends numpy,jax,torch,tensorflow]
        [--modes keras,crossops] [--files numpy,nn,math,linalg,core,image]
        [--out DIR] [--timeout S] [--reuse] [--report-only] [-k EXPR]

For each backend and mode one pytest subprocess (KERAS_BACKEND must be set before keras
is imported) collects keras/src/ops/<file>_test.py from the installed keras, with
keras_ops_plugin.py loaded. Results go to DIR/<backend>/<mode>.jsonl; the tests Keras
passes and crossops fails go to DIR/<backend>/failures.md (grouped by cause and by op)
and DIR/<backend>/failures.json. The table is printed at the end and written to
DIR/summary.md. See README.md.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BACKENDS = ("numpy", "jax", "torch", "tensorflow")
FILES = ("numpy", "nn", "math", "linalg", "core", "image")
MAX_RESTARTS = 20


def keras_dir():
    # find keras without importing it (importing picks a backend)
    import importlib.util
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("keras is not installed (it comes with tensorflow-cpu)")
    return list(spec.submodule_search_locations)[0]


def read_results(path):
    """(records by node id, finished?, last started node id with no record)."""
    recs, started, finished = {}, None, False
    if not os.path.exists(path):
        return recs, False, None
    with open(path) as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue  # a line cut by a crash
            if "start" in r:
                started = r["start"]
            elif "finished" in r:
                finished = True
            else:
                recs[r["nodeid"]] = r
                if started == r["nodeid"]:
                    started = None
    return recs, finished, started


def run_one(backend, mode, files, outdir, args):
    """One pytest subprocess (restarted past a crash); returns the records."""
    kdir = keras_dir()
    site = os.path.dirname(kdir)
    paths = [os.path.join(kdir, "src", "ops", f"{f}_test.py") for f in files]
    res = os.path.join(outdir, backend, f"{mode}.jsonl")
    exc = os.path.join(outdir, backend, f"{mode}.exclude")
    os.makedirs(os.path.dirname(res), exist_ok=True)
    if args.reuse and read_results(res)[1]:
        print(f"[{backend}/{mode}] reusing {res}", flush=True)
        return read_results(res)[0]
    done = read_results(res)[0] if args.resume else {}
    if done:  # an interrupted run: go on past the tests it recorded
        print(f"[{backend}/{mode}] resuming after {len(done)} recorded tests", flush=True)
        with open(exc, "w") as f:
            f.write("\n".join(sorted(done)) + "\n")
    else:
        for p in (res, exc):
            if os.path.exists(p):
                os.remove(p)
    env = dict(os.environ)
    env.update(KERAS_BACKEND=backend, KOT_MODE=mode, KOT_RESULTS=res, KOT_EXCLUDE=exc,
               KOT_TIMEOUT=str(args.timeout), PYTHONDONTWRITEBYTECODE="1",
               KOT_STRICT_MESSAGES="1" if args.strict_messages else "")
    env["PYTHONPATH"] = os.pathsep.join(
        [p for p in (args.crossops_src, HERE, env.get("PYTHONPATH")) if p])
    env.pop("CROSSOPS_BACKEND", None)
    cmd = [sys.executable, "-m", "pytest", "-p", "keras_ops_plugin", "-p", "no:cacheprovider",
           "-c", os.devnull, "--rootdir", site, "-q", "--disable-warnings", "--tb=no",
           "-o", "console_output_style=count", "-rN", *paths]
    if args.k:
        cmd += ["-k", args.k]
    t0 = time.time()
    crashed = []
    for attempt in range(MAX_RESTARTS + 1):
        log = open(os.path.join(outdir, backend, f"{mode}.log"), "a")
        print(f"[{backend}/{mode}] pytest ({'restart ' + str(attempt) if attempt else 'start'})",
              flush=True)
        proc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=site)
        log.close()
        recs, finished, started = read_results(res)
        if finished:
            break
        # crashed (a segfault, an abort): record the test it was in, run the rest
        bad = started or "<collection>"
        print(f"[{backend}/{mode}] pytest exited {proc.returncode} in {bad}", flush=True)
        if started is None:
            break
        crashed.append(started)
        with open(res, "a") as f:
            f.write(json.dumps({"nodeid": started, "outcome": "failed",
                                "exc": "HarnessCrash", "msg": f"exit status {proc.returncode}",
                                "ops": [], "fallback": []}) + "\n")
        with open(exc, "w") as f:
            f.write("\n".join(sorted(set(recs) | set(crashed))) + "\n")
    recs = read_results(res)[0]
    n = collections.Counter(r["outcome"] for r in recs.values())
    print(f"[{backend}/{mode}] {len(recs)} tests in {time.time() - t0:.0f}s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(n.items())), flush=True)
    return recs


_NUM = re.compile(r"0x[0-9a-fA-F]+|\b\d+(\.\d+)?(e[-+]?\d+)?\b")


def cause(r):
    """Exception type + first line, numbers kept (they are often the point: dtypes)."""
    msg = r.get("msg", "")
    msg = re.sub(r"0x[0-9a-fA-F]+", "0x…", msg)
    msg = re.sub(r"at /\S+", "", msg)
    return f"{r.get('exc', '?')}: {msg}"[:240]


def cause_key(r):
    # shapes and values in messages vary per parameter; group on the text around them
    return _NUM.sub("N", cause(r))


_DTYPE = (r"(bool|u?int\d+|float\d+|bfloat16|complex\d+|float8\w*)")
CATEGORIES = [
    ("result dtype", re.compile(
        rf"^AssertionError: (- {_DTYPE}$|'?{_DTYPE}'? != '?{_DTYPE}'?|"
        rf"'?{_DTYPE}'? != dtype|The dtype of x does not match)")),
    ("signature: argument names, kinds, defaults", re.compile(
        r"^TypeError: \w+\(\) (got an unexpected keyword|takes .* positional argument|"
        r"missing \d+ required|got multiple values)")),
    ("values", re.compile(r"^AssertionError: (Not equal to tolerance|Arrays are not equal|"
                          r"\s*Arrays are not almost equal|Items are not equal)")),
    ("shapes", re.compile(r"^AssertionError: (Tuples differ|torch\.Size\(|TensorShape\(|"
                          r"\(\d+(, \d+)*,?\) != \()")),
    ("missing validation (Keras raises or warns)",
     re.compile(r"^AssertionError: \w+ not (raised|triggered)")),
    ("skipped in crossops mode", re.compile(r"^Skipped")),
    ("harness timeout or crash", re.compile(r"^(_Timeout|HarnessCrash|\S*_Timeout)")),
]


def category(r):
    c = cause(r)
    for name, rx in CATEGORIES:
        if rx.search(c):
            return name
    if r.get("raised_in"):
        return f"other error raised by crossops ({r.get('exc', '?')})"
    return f"other ({r.get('exc', '?')})"


def op_of(r):
    """The op a failure is most likely about: the one it raised in, else the last called."""
    if r.get("raised_in"):
        return r["raised_in"]
    ops = r.get("ops") or []
    test = r["nodeid"].split("::")[-1]
    for o in sorted(ops, key=len, reverse=True):
        if o in test:
            return o
    return ops[-1] if ops else "(no crossops op)"


def report(backend, keras, cross, outdir):
    kpass = {k for k, r in keras.items() if r["outcome"] == "passed"}
    cpass = {k for k, r in cross.items() if r["outcome"] == "passed"}
    fails = sorted(k for k in kpass if k in cross and cross[k]["outcome"] != "passed")
    missing = sorted(k for k in kpass if k not in cross)
    cpass_noop = {k for k in cpass if not cross[k].get("ops")}
    by_cat = collections.Counter()
    by_cause = collections.defaultdict(list)
    by_op = collections.defaultdict(list)
    for k in fails:
        r = cross[k]
        if r["outcome"] == "skipped":
            r = dict(r, exc="Skipped", msg=r.get("reason", ""))
        by_cat[category(r)] += 1
        by_cause[cause_key(r)].append(r)
        by_op[op_of(r)].append(r)
    d = os.path.join(outdir, backend)
    with open(os.path.join(d, "failures.json"), "w") as f:
        json.dump([dict(cross[k], cause=cause(cross[k]), op=op_of(cross[k])) for k in fails],
                  f, indent=1)
    with open(os.path.join(d, "failures.md"), "w") as f:
        f.write(f"# {backend}: {len(fails)} tests Keras passes and crossops fails\n\n")
        f.write(f"keras passed {len(kpass)}, crossops passed {len(cpass)} "
                f"({len(cpass_noop)} of them called no crossops op)\n\n")
        f.write("## By kind\n\n" + "".join(f"- {n} × {c}\n" for c, n in by_cat.most_common())
                + "\n")
        f.write("## By cause (exception type + first line; numbers as N)\n\n")
        for key, rs in sorted(by_cause.items(), key=lambda kv: -len(kv[1])):
            ops = collections.Counter(op_of(r) for r in rs)
            f.write(f"### {len(rs)} × {key}\n\nops: "
                    + ", ".join(f"{o} ({n})" for o, n in ops.most_common()) + "\n\n")
            for r in rs:
                f.write(f"- `{r['nodeid'].split('/')[-1]}` — {cause(r)}\n")
            f.write("\n")
        f.write("## By op\n\n")
        for op, rs in sorted(by_op.items(), key=lambda kv: -len(kv[1])):
            causes = collections.Counter(cause_key(r) for r in rs)
            f.write(f"- **{op}** {len(rs)}: "
                    + "; ".join(f"{c} ({n})" for c, n in causes.most_common(3)) + "\n")
        if missing:
            f.write(f"\n## Not run in crossops mode ({len(missing)})\n\n")
            f.write("".join(f"- `{k}`\n" for k in missing))
    return dict(backend=backend, keras_passed=len(kpass), crossops_passed=len(cpass),
                crossops_failed_keras_passes=len(fails), crossops_passed_no_op=len(cpass_noop),
                collected=len(keras),
                keras_skipped=sum(r["outcome"] == "skipped" for r in keras.values()),
                kinds=by_cat.most_common(),
                top=[(len(rs), key) for key, rs in
                     sorted(by_cause.items(), key=lambda kv: -len(kv[1]))[:8]],
                top_ops=[(len(rs), op) for op, rs in
                         sorted(by_op.items(), key=lambda kv: -len(kv[1]))[:8]])


def table(rows):
    head = ("| backend | keras passed | crossops passed | crossops failed among tests "
            "Keras passes |\n|---|---:|---:|---:|\n")
    return head + "".join(
        f"| {r['backend']} | {r['keras_passed']} | {r['crossops_passed']} | "
        f"{r['crossops_failed_keras_passes']} |\n" for r in rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backends", default=",".join(BACKENDS))
    ap.add_argument("--modes", default="keras,crossops")
    ap.add_argument("--files", default=",".join(FILES))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--timeout", type=float, default=120, help="seconds per test")
    ap.add_argument("--reuse", action="store_true",
                    help="keep finished result files of an earlier run")
    ap.add_argument("--resume", action="store_true",
                    help="continue interrupted runs past the tests they recorded")
    ap.add_argument("--report-only", action="store_true",
                    help="run nothing: the table from the result files in --out")
    ap.add_argument("--strict-messages", action="store_true",
                    help="keep assertRaisesRegex's message check (default: type only)")
    ap.add_argument("--crossops-src", default=None,
                    help="a crossops source tree to put first on PYTHONPATH")
    ap.add_argument("-k", default=None, help="pytest -k expression")
    args = ap.parse_args(argv)
    backends = [b for b in args.backends.split(",") if b]
    modes = [m for m in args.modes.split(",") if m]
    files = [f for f in args.files.split(",") if f]
    for b in backends:
        if b not in BACKENDS:
            raise SystemExit(f"unknown backend {b}")
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for b in backends:
        got = {}
        for m in ("keras", "crossops"):
            if m in modes and not args.report_only:
                got[m] = run_one(b, m, files, args.out, args)
            else:
                got[m] = read_results(os.path.join(args.out, b, f"{m}.jsonl"))[0]
        if got["keras"] and got["crossops"]:
            rows.append(report(b, got["keras"], got["crossops"], args.out))
    if not rows:
        return 0
    out = table(rows)
    print("\n" + out)
    for r in rows:
        print(f"{r['backend']}: {r['collected']} collected, keras skipped "
              f"{r['keras_skipped']}; {r['crossops_passed_no_op']} crossops passes called "
              f"no crossops op; failures: {os.path.join(args.out, r['backend'], 'failures.md')}")
        for key, n in r["kinds"]:
            print(f"   {n:5d}  {key}")
        print("   top causes:")
        for n, key in r["top"][:6]:
            print(f"   {n:5d}  {key}")
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write(out)
        f.write("\n" + json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
