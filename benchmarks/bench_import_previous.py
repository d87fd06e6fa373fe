"""The app's import reading with last year's report from the database (`Library.read_published`) against
the plain read (`read_file`), on published files that leave cells unread (so the second mapping runs).

    uv run python -m benchmarks.bench_import_previous [--runs 7]

Prints the median seconds of each per file. The second mapping reuses the file's lines, so the cost added
is one mapping, not a second read.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from core.documents.read import read_file
from core.ops.library import Library
from core.storage import Database

PUBLISHED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "published"
FILES = ("real-013.txt", "real-033.txt")


def _median(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp, Database.open(Path(tmp) / "bench.sqlite3") as db:
        library = Library(db)
        for name in FILES:
            path = PUBLISHED / name
            first = read_file(path)
            db.create_report(replace(copy.deepcopy(first.report), year=first.report.year - 1))
            plain = _median(runs, lambda p=path: read_file(p))
            with_previous = _median(runs, lambda p=path: library.read_published(p))
            unread = len(first.doubtful) + len(first.unread)
            print(
                f"{name}: read_file {plain:.3f} s, read_published {with_previous:.3f} s ({unread} cells open)"
            )


if __name__ == "__main__":
    main()
