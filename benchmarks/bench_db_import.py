"""`main.py db import` of many report files, as fresh processes: time, CPU and peak memory.

    uv run python -m benchmarks.bench_db_import [--files 2000] [--runs 3] [--root TREE …]

Writes FILES distinct report files (one agency each, distinct numbers), then imports all of them into
a new database with `main.py db import FILE…`, once per run and per checkout given with `--root`
(default: this checkout), the checkouts taking turns so that machine load favours none. Prints the
median wall and CPU seconds and the peak resident memory (GNU time's maxrss) of each, and the run's
load average. Python runs as installed (compiled bytecode, in a temporary PYTHONPYCACHEPREFIX). Run it
with two sizes (e.g. 2000 and 8000) to see whether memory grows with the number of files.

Issue 22's row: 10,000 files, ≥ 3× faster than f483874 (`--root /tmp/old --root .`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.side_by_side import installed, parse_with_roots
from core.documents.exchange import write_report
from tests.helpers import distinct_report


def _run(root: Path, files: list[Path], db: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """(wall s, CPU s, peak KiB) of one `db import` into a new database file."""
    db.unlink(missing_ok=True)
    command = ["/usr/bin/time", "-f", "%e %U %S %M", sys.executable, str(root / "main.py")]
    done = subprocess.run(
        [*command, "db", "import", "--db", str(db), *map(str, files)],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    wall, user, system, peak = done.stderr.split()[-4:]
    return float(wall), float(user) + float(system), int(peak)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args, roots = parse_with_roots(parser)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = installed(tmp)
        files = []
        for n in range(args.files):
            path = folder / "in" / f"{n:05d}.json"
            path.parent.mkdir(exist_ok=True)
            write_report(distinct_report(f"测试市第{n:05d}局", 2021, base=n), path)
            files.append(path)
        small = files[:5]
        for root in roots:  # warm-up: bytecode compiled, files cached
            _run(root, small, folder / "warm.sqlite3", env)
        samples: dict[Path, list[tuple[float, float, int]]] = {r: [] for r in roots}
        for _ in range(args.runs):
            for root in roots:
                samples[root].append(_run(root, files, folder / "db.sqlite3", env))
    load = os.getloadavg()[0]
    print(f"db import of {args.files} files, {args.runs} runs, compiled bytecode, load average {load:.1f}")
    for root, runs in samples.items():
        wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        peak = max(r[2] for r in runs) / 1024
        print(f"  {root}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak:.0f} MiB")


if __name__ == "__main__":
    main()
