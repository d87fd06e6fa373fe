"""How long the storage calls the app makes on a click or a keystroke take, on a real file on this disk.

    uv run python -m benchmarks.bench_storage [FOLDER]

Prints median and 99th percentile of `load_report` (opening a report), `set_values` with one cell
(a cell edit) and with 60 cells (a paste), `set_text`, `history` (all ~1000 revisions, or the latest
50) and `list_reports` (20 reports), on the seed report in a database that already holds a few hundred
revisions. Every write is a committed WAL transaction with `synchronous=FULL`, so the write figures are
mostly the disk's fsync time. FOLDER (default: a temporary folder) lets you measure on another disk,
e.g. a USB stick.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from core.documents.exchange import read_report
from core.model.report import Report
from core.storage import Database

SEED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "wenxian-2021.json"


def measure(action: Callable[[int], object], runs: int) -> tuple[float, float]:
    times = []
    for i in range(runs):
        start = time.perf_counter_ns()
        action(i)
        times.append((time.perf_counter_ns() - start) / 1e6)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main(folder: Path) -> None:
    seed = read_report(SEED)
    with Database.open(folder / "bench.sqlite3") as db:
        report_id = db.create_report(seed)
        for i in range(19):
            db.create_report(Report.blank(f"测试机关{i:02d}", 2021))
        cells = list(seed.values)
        for i in range(300):  # a report that has been worked on for a while
            db.set_values(report_id, {cells[i % len(cells)]: Decimal(i)})
        one = cells[0]
        block = cells[:60]
        cases: list[tuple[str, Callable[[int], object], int]] = [
            ("load_report", lambda i: db.load_report(report_id), 500),
            ("set_values, 1 cell", lambda i: db.set_values(report_id, {one: Decimal(1000 + i)}), 300),
            ("set_values, 60 cells", lambda i: db.set_values(report_id, {a: Decimal(i) for a in block}), 200),
            ("set_text", lambda i: db.set_text(report_id, "other", f"第 {i} 稿"), 200),
            ("history, all", lambda i: db.history(report_id), 100),
            ("history, latest 50", lambda i: db.history(report_id, limit=50), 300),
            ("list_reports (20)", lambda i: db.list_reports(), 50),
        ]
        print(f"database in {folder}")
        for name, action, runs in cases:
            median, p99 = measure(action, runs)
            print(f"{name:22s} median {median:7.2f} ms   p99 {p99:7.2f} ms   ({runs} runs)")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
