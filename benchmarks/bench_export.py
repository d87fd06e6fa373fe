"""How long exporting the seed report takes in a running process (the app's case), per file kind.

    uv run python -m benchmarks.bench_export [--runs 30]

For .docx, .xlsx and .html: the first export in this process (modules loaded on first use) and then
`render` again and again (median and max), with the file's size; the issue's budget is 100 ms each.
The clipboard's HTML and plain text are timed the same way.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from core.documents.exchange import read_report
from core.documents.write import clipboard, render

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "wenxian-2021.json"
BUDGET_MS = 100.0


def _times(fn: Callable[[], object], runs: int) -> tuple[float, float, float, float]:
    """ms: the first call, then the median and max wall time and the median CPU time of this process
    (the fairer figure on a machine shared with other work)."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return first * 1000, statistics.median(wall) * 1000, max(wall) * 1000, statistics.median(cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    report = read_report(SEED)
    print(f"seed: {SEED.name}, {args.runs} runs each, budget {BUDGET_MS:.0f} ms")
    for suffix in (".docx", ".xlsx", ".html"):
        first, median, worst, cpu = _times(lambda s=suffix: render(report, s), args.runs)
        size = len(render(report, suffix))
        verdict = "ok" if median <= BUDGET_MS else "OVER BUDGET"
        print(
            f"{suffix:6} first {first:6.1f} ms  median {median:6.1f} ms  max {worst:6.1f} ms  "
            f"cpu {cpu:6.1f} ms  {size / 1024:6.1f} KB  {verdict}"
        )
    first, median, worst, cpu = _times(lambda: clipboard(report), args.runs)
    print(
        f"{'copy':6} first {first:6.1f} ms  median {median:6.1f} ms  max {worst:6.1f} ms  cpu {cpu:6.1f} ms"
    )
    print(f"load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
