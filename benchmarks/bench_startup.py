"""Cold start of the desktop app against a bare PySide6 window, as fresh processes, interleaved.

    uv run python -m benchmarks.bench_startup [--runs 7]

Each run starts a new Python (interpreter start included) and times, from outside, launch → the first
paint of the main window: once for a bare `QMainWindow` and once for `main.py --db` on a database
holding the seed report, alternately so that disk caches and machine load favour neither. Both run on
the platform given by QT_QPA_PLATFORM (offscreen when unset) with a fresh per-user data folder. The app
paints its window before it opens the database; when the report list is painted (database open, the
list filled) is shown too. The last line is `ratio N`: the app's median first paint over the bare
window's (the goal is at most 2).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "wenxian-2021.json"

# Prints the wall-clock time of the first paint of a QMainWindow, then of the first paint of the report
# list ({until}: ends the process at the paint of a widget of that class); {start} makes the window.
_PROBE = """
import os, sys, time
sys.path.insert(0, {root!r})
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    window = False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            if isinstance(watched, QMainWindow) and not self.window:
                self.window = True
                print("painted", time.time(), flush=True)
            if type(watched).__name__ == {until!r}:
                print("until", time.time(), flush=True)
                os._exit(0)
        return False

app = QApplication(["probe"])
probe = FirstPaint()
app.installEventFilter(probe)
{start}
"""

BARE = """
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1280, 860)
window.show()
app.exec()
"""

APP = """
import main
main.main(["--db", {db!r}])
"""


def _launch(code: str, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from launch to the main window's first paint, and to the report list's."""
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    times = dict(line.split() for line in out.stdout.splitlines() if line.startswith(("painted", "until")))
    if "until" not in times:
        raise SystemExit(f"no paint: {out.returncode}\n{out.stderr[-2000:]}")
    return float(times["painted"]) - start, float(times["until"]) - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, XDG_DATA_HOME=tmp, XDG_CONFIG_HOME=tmp, HOME=tmp)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        db = Path(tmp) / "年报.sqlite3"
        seeded = subprocess.run(
            [sys.executable, "main.py", "db", "import", str(SEED), "--db", str(db)], cwd=ROOT, env=env
        )
        assert seeded.returncode == 0
        bare_code = _PROBE.format(root=str(ROOT), start=BARE, until="QMainWindow")
        app_code = _PROBE.format(root=str(ROOT), start=APP.format(db=str(db)), until="ReportList")
        _launch(bare_code, env)  # warm the disk cache for both before timing
        _launch(app_code, env)
        bare, app, listed = [], [], []
        for _ in range(args.runs):
            bare.append(_launch(bare_code, env)[0])
            painted, shown = _launch(app_code, env)
            app.append(painted)
            listed.append(shown)
    for name, times in (
        ("bare PySide6 window, first paint", bare),
        ("年报助手 main window, first paint", app),
        ("年报助手 report list painted (database open)", listed),
    ):
        median = statistics.median(times)
        print(f"{name}: median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s")
    print(f"ratio {statistics.median(app) / statistics.median(bare):.2f}")


if __name__ == "__main__":
    main()
