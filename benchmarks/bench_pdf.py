"""How long building the seed report's PDF takes, warm and in a fresh process, and how big it is.

    uv run python -m benchmarks.bench_pdf [--runs 20]

- warm: `render_pdf` again and again in one process (fonts parsed, modules loaded): median and max;
- fresh process: a new Python that imports `core.documents.pdf`, reads the seed and writes its PDF, timed from
  outside (interpreter start included) and inside (import, first render);
- size of the draft and of the 定稿 copy, and the same figures for a 20,000-character section.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from core.documents.exchange import read_report
from core.documents.pdf.render import render_pdf
from core.model.report import Report

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "wenxian-2021.json"

_FRESH = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from core.documents.exchange import read_report
from core.documents.pdf.render import render_pdf
t1 = time.perf_counter()
data = render_pdf(read_report({seed!r}))
t2 = time.perf_counter()
print(f"{{t1 - t0:.3f}} {{t2 - t1:.3f}} {{len(data)}}")
"""


def _warm(report: Report, runs: int, **kw: object) -> tuple[float, float, int]:
    data = render_pdf(report, **kw)  # type: ignore[arg-type]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_pdf(report, **kw)  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), len(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    code = _FRESH.format(root=str(ROOT), seed=str(SEED))
    fresh = []
    for _ in range(3):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
        fresh.append((time.perf_counter() - start, *out.stdout.split()))
    best = min(fresh, key=lambda f: f[0])
    print(
        f"fresh process: {best[0] * 1000:.0f} ms in all "
        f"(import {float(best[1]) * 1000:.0f} ms, first render {float(best[2]) * 1000:.0f} ms), best of 3"
    )

    seed = read_report(SEED)
    _print("seed, draft", *_warm(seed, args.runs))
    _print("seed, 定稿", *_warm(seed, args.runs, final=True))
    big = Report.blank("某县人民政府办公室", 2021)
    sentences = (f"第{i}句，这是一句用来看排版速度的话（编号{i}）。" for i in range(900))
    big.texts["problems"] = "".join(sentences)[:20000]
    _print("20,000-character section", *_warm(big, max(3, args.runs // 5)))


def _print(what: str, median: float, worst: float, size: int) -> None:
    print(f"{what}, warm: median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms; {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
