"""How long a full check of a report takes (the GUI runs it on every keystroke).

    uv run python -m benchmarks.bench_rules

Prints the median and 99th percentile of `core.rules.table.check` on the seed report, with last year's report
(so the YEAR.* rules run too), and on a blank report (166 BLANK findings: the message-heavy case).
"""

from __future__ import annotations

import copy
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from core.documents.exchange import read_report
from core.model.report import Report
from core.rules.table import check

SEED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "wenxian-2021.json"


def measure(
    report: Report, previous: Report | None, runs: int = 5000, before: Callable[[int], None] | None = None
) -> tuple[float, float]:
    """Median and 99th percentile of a full check in µs; `before(i)` runs ahead of the i-th check
    (untimed), e.g. to change a text as typing does."""
    for _ in range(200):  # warm up (compiled patterns)
        check(report, previous)
    times = []
    for i in range(runs):
        if before is not None:
            before(i)
        start = time.perf_counter_ns()
        check(report, previous)
        times.append((time.perf_counter_ns() - start) / 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99)]


def main() -> None:
    seed = read_report(SEED)
    previous = replace(copy.deepcopy(seed), year=seed.year - 1)
    for name, report, prev in [
        ("seed", seed, None),
        ("seed + last year", seed, previous),
        ("blank report", Report.blank("某机关", 2024), None),
    ]:
        median, p99 = measure(report, prev)
        print(f"{name:18s} median {median:7.1f} µs   p99 {p99:7.1f} µs")


if __name__ == "__main__":
    main()
