"""What the side-by-side benchmarks share: the checkouts they compare (`--root OLD --root NEW`), the
environment of a fresh process as installed (compiled bytecode kept in a temporary folder, a private
per-user data folder), and the wall and CPU time of one fresh process."""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def add_root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, action="append", help="a checkout to measure (repeatable)")


def checkouts(args: argparse.Namespace) -> list[Path]:
    """The checkouts given with --root, in order (default: this one)."""
    return [r.resolve() for r in args.root or [ROOT]]


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
