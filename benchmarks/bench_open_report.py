"""新建报告 → the editor on the screen, in a fresh process: the first time (modules loaded) and again.

    uv run python -m benchmarks.bench_open_report [--runs 5]

Each run starts a new Python with a fresh data folder and database, shows the main window, then times
`create_report` until the editor has been painted, twice (a second report after closing the first).
The first open loads the editor's modules, among them the PDF ones of the sign page; whether Python
may write bytecode (PYTHONDONTWRITEBYTECODE) changes that part most, so it is printed. The dialog
itself is gone from the screen before this work starts (`MainWindow.busy`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PROBE = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from ui.app import create_application
app = create_application()
from core.storage import Database
from ui.main_window import MainWindow
from ui.settings import Settings
db = Database.open(Path({folder!r}) / "bench.sqlite3")
window = MainWindow(db, Settings())
window.show()
QCoreApplication.processEvents()
times = []
for year in (2021, 2022):
    start = time.perf_counter()
    window.create_report("温县人民政府办公室", year, False)
    window.editor.repaint()
    QCoreApplication.processEvents()
    times.append(time.perf_counter() - start)
    window.close_report()
print(*times)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    firsts, seconds = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            env = dict(
                os.environ,
                XDG_DATA_HOME=folder,
                QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            )
            probe = _PROBE.format(root=str(ROOT), folder=folder)
            out = subprocess.run(
                [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
            )
            first, second = map(float, out.stdout.split()[-2:])
            firsts.append(first)
            seconds.append(second)
    bytecode = "off" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
    print(f"bytecode writing {bytecode}; {runs} runs")
    print(f"first open  median {statistics.median(firsts) * 1000:.0f} ms (min {min(firsts) * 1000:.0f})")
    print(f"second open median {statistics.median(seconds) * 1000:.0f} ms (min {min(seconds) * 1000:.0f})")


if __name__ == "__main__":
    main()
