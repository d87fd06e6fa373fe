"""Time and peak memory to print the seed report to a PDF printer, as 「打印」 does.

    QT_QPA_PLATFORM=offscreen uv run python -m benchmarks.bench_print [--runs 3]

Each run is a fresh process: it renders the seed's PDF as the preview does, sets up a
high-resolution QPrinter writing a PDF file (OutputFormat PdfFormat, the printer's own resolution) and
prints through `ui.printing.print_pages` (what 「打印」 runs in a pool thread). Reported per run:
seconds spent printing, the peak resident memory of the process (MB) and what it was before
printing, the size of the printed file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "wenxian-2021.json"

_RUN = """
import resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {root!r})
from PySide6.QtWidgets import QApplication
from PySide6.QtPrintSupport import QPrinter
from core.documents.exchange import read_report
from ui.printing import print_pages
from ui.sign_print import pdf_bytes

app = QApplication([])
data = pdf_bytes(read_report({seed!r}), False)
printer = QPrinter(QPrinter.PrinterMode.HighResolution)
printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
out = Path(tempfile.mkdtemp()) / "printed.pdf"
printer.setOutputFileName(str(out))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
print_pages(data, printer)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{seconds:.2f}} {{before:.0f}} {{peak:.0f}} {{out.stat().st_size}} {{printer.resolution()}}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    code = _RUN.format(root=str(ROOT), seed=str(SEED))
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
        )
        seconds, before, peak, size, dpi = out.stdout.split()
        runs.append((float(seconds), float(before), float(peak), int(size)))
        print(f"run: {seconds} s, memory {before} MB before, peak {peak} MB, file {int(size) / 1e6:.1f} MB")
    print(f"printer resolution {dpi} dpi, {args.runs} runs")
    print(f"print time median {statistics.median(r[0] for r in runs):.2f} s")
    print(f"peak memory median {statistics.median(r[2] for r in runs):.0f} MB")
    print(f"memory growth median {statistics.median(r[2] - r[1] for r in runs):.0f} MB")


if __name__ == "__main__":
    main()
