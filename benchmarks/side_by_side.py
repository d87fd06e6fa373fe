"""What the side-by-side benchmarks share: the checkouts they compare (`--root OLD --root NEW`), the
environment of a fresh process as installed (compiled bytecode kept in a temporary folder, a private
per-user data folder), the wall and CPU time of one fresh process, and rounds of timing by long-lived
children that take turns (`in_turns`)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def parse_with_roots(parser: argparse.ArgumentParser) -> tuple[argparse.Namespace, list[Path]]:
    """The benchmark's own options and `--root TREE` (repeatable): (the arguments, the checkouts to
    measure in order; default this one)."""
    parser.add_argument("--root", type=Path, action="append", help="a checkout to measure (repeatable)")
    args = parser.parse_args()
    return args, [r.resolve() for r in args.root or [ROOT]]


def installed(folder: str | Path) -> dict[str, str]:
    """This environment, with bytecode compiled into and a data folder in `folder`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPYCACHEPREFIX": str(Path(folder) / "pycache"), "XDG_DATA_HOME": str(folder)}


def timed(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one fresh process and all it starts."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_turns(children: list[tuple[Path, str]], env: dict[str, str], runs: int) -> list[list[Any]]:
    """Rounds of timing by long-lived children, one per checkout (its root and the code it runs with
    `python -c` there): each prints "ready", then one JSON line per line it is sent. They take turns,
    one round each at a time, so that machine load favours none; the first round warms up (dropped)."""
    pipe = subprocess.PIPE
    started = [
        subprocess.Popen([sys.executable, "-c", code], cwd=root, env=env, text=True, stdin=pipe, stdout=pipe)
        for root, code in children
    ]
    for child in started:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    samples: list[list[Any]] = [[] for _ in started]
    for _ in range(runs + 1):
        for child, out in zip(started, samples, strict=True):
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write("go\n")
            child.stdin.flush()
            out.append(json.loads(child.stdout.readline()))
    for child in started:
        assert child.stdin is not None
        child.stdin.close()
        child.wait()
    return [out[1:] for out in samples]
