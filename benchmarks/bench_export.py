"""How long exporting the seed report takes in a running process (the app's case), per file kind.

    uv run python -m benchmarks.bench_export [--runs 30]

For .docx, .xlsx and .html: the first export in this process (modules loaded on first use) and then
`render` again and again (median and max), with the file's size; the issue's budget is 100 ms each.
The clipboard's HTML and plain text are timed the same way.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from core.exchange import read_report
from core.write import clipboard, render

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "wenxian-2021.json"
BUDGET_MS = 100.0


def _times(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return first * 1000, statistics.median(times) * 1000, max(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    report = read_report(SEED)
    print(f"seed: {SEED.name}, {args.runs} runs each, budget {BUDGET_MS:.0f} ms")
    for suffix in (".docx", ".xlsx", ".html"):
        first, median, worst = _times(lambda s=suffix: render(report, s), args.runs)
        size = len(render(report, suffix))
        verdict = "ok" if median <= BUDGET_MS else "OVER BUDGET"
        print(
            f"{suffix:6} first {first:6.1f} ms  median {median:6.1f} ms  max {worst:6.1f} ms  "
            f"{size / 1024:6.1f} KB  {verdict}"
        )
    first, median, worst = _times(lambda: clipboard(report), args.runs)
    print(f"{'copy':6} first {first:6.1f} ms  median {median:6.1f} ms  max {worst:6.1f} ms")


if __name__ == "__main__":
    main()
