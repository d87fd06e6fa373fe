"""`main.py db list` of 2,000 reports against one, each as a fresh process (what a user or a script runs).

    uv run python -m benchmarks.bench_db_list [RUNS]

Builds two databases in a temporary folder: one holding the seed report, one holding 2,000 reports
(200 agencies × 10 years, each a variant of the seed, so that the year rules have last year's report to
check against). Then runs `main.py db list` on each, interleaved, RUNS times (default 15), and prints the
median wall time of each, then `ratio N` (2,000 reports / 1 report) as its last line. The issue asks for
at most 1.5.
"""

from __future__ import annotations

import copy
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from core.documents.exchange import read_report
from core.storage import Database

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "wenxian-2021.json"
AGENCIES, YEARS = 200, range(2012, 2022)


def build(path: Path, agencies: int, years: range) -> None:
    seed = read_report(SEED)
    with Database.open(path) as db:
        for a in range(agencies):
            for year in years:
                report = copy.deepcopy(seed)
                report.agency, report.year = f"测试县第{a:03d}局", year
                report.values["requests.1.natural_person"] = Decimal(a % 30 + year % 7)  # some break a sum
                db.create_report(report)


def run_list(path: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "db", "list", "--db", str(path)],
        capture_output=True,
        check=True,
    )
    elapsed = time.perf_counter() - start
    assert result.stdout, "db list printed nothing"
    return elapsed


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        one, many = Path(folder) / "one.sqlite3", Path(folder) / "many.sqlite3"
        build(one, 1, range(2021, 2022))
        start = time.perf_counter()
        build(many, AGENCIES, YEARS)
        print(f"built {AGENCIES * len(YEARS)} reports in {time.perf_counter() - start:.0f} s")
        with Database.open(many) as db:
            assert len(db.list_reports()) == AGENCIES * len(YEARS)
            start = time.perf_counter()
            db.list_reports()
            print(f"list_reports (2000), in process: {(time.perf_counter() - start) * 1000:.1f} ms")
        times: dict[Path, list[float]] = {one: [], many: []}
        run_list(one), run_list(many)  # warm the disk cache for both
        for _ in range(runs):
            for path in (one, many):
                times[path].append(run_list(path))
        small, large = statistics.median(times[one]), statistics.median(times[many])
        print(f"db list, 1 report:     {small * 1000:.0f} ms (median of {runs} fresh processes)")
        print(f"db list, 2000 reports: {large * 1000:.0f} ms")
        print(f"ratio {large / small:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
