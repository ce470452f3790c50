"""Start a script in N processes on this host, as the processes of one distributed run:
``python -m crossops.distribution.launch -n 2 script.py [args ...]``.

Each process gets ``MASTER_ADDR=127.0.0.1``, a free ``MASTER_PORT``, ``WORLD_SIZE``,
``RANK`` and ``LOCAL_RANK`` (the variables torchrun sets), so that
``crossops.distribution.initialize()`` joins them (on jax and torch). The launcher
waits for every process; when one fails it stops the others and exits with its code.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now.

    Examples
    --------
    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(argv: list[str], nprocs: int, env: dict | None = None,
           timeout: float | None = None) -> int:
    """Run ``python argv...`` in ``nprocs`` processes of one run; the first nonzero exit
    code (after stopping the others), else 0.

    Parameters
    ----------
    argv : list of str
        The script and its arguments (``["-m", "module"]`` also works).
    nprocs : int
    env : dict, optional
        Extra environment variables for every process.
    timeout : float, optional
        Seconds before every process is stopped (exit code 124).

    Examples
    --------
    >>> launch(["-c", "import os; assert os.environ['WORLD_SIZE'] == '2'"], 2)
    0
    """
    if nprocs < 1:
        raise ValueError(f"launch: nprocs must be >= 1, got {nprocs}")
    port = str(free_port())
    procs = []
    for rank in range(nprocs):
        penv = dict(os.environ, **(env or {}), MASTER_ADDR="127.0.0.1", MASTER_PORT=port,
                    WORLD_SIZE=str(nprocs), RANK=str(rank), LOCAL_RANK=str(rank))
        procs.append(subprocess.Popen([sys.executable, *argv], env=penv))
    deadline = None if timeout is None else time.monotonic() + timeout
    code = 0
    while procs:
        for p in list(procs):
            rc = p.poll()
            if rc is None:
                continue
            procs.remove(p)
            if rc and not code:
                code = rc
                for other in procs:
                    other.terminate()
        if deadline is not None and time.monotonic() > deadline:
            for p in procs:
                p.kill()
                p.wait()
            return 124
        time.sleep(0.05)
    return code


def main(args: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crossops.distribution.launch",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--nprocs", type=int, default=2,
                        help="the number of processes (default 2)")
    parser.add_argument("script", help="the Python script to run")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(args)
    return launch([ns.script, *ns.args], ns.nprocs)


if __name__ == "__main__":
    sys.exit(main())
