"""Cold start of the desktop app against a bare PySide6 window, as fresh processes, interleaved.

    uv run python -m benchmarks.bench_startup [--runs 7] [--root TREE]

Each run starts a new Python (interpreter start included) and times, from outside, launch → the first
paint of the main window: once for a bare `QMainWindow` showing a label (a window without text is
cheaper to paint, which made the old ratio unfair) and once for `main.py --db` on a database holding
the seed report, alternately so that disk caches and machine load favour neither. CPU time (the
process's own, up to the paint) is printed too: on a loaded machine it is the steadier figure.
`--root` (repeatable): the checkouts of the app to measure (default: this one), to compare a before
and an after in the same rounds. Python runs as installed, with compiled bytecode (a temporary
PYTHONPYCACHEPREFIX, filled by the warm-up runs). Both run on
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

from benchmarks.side_by_side import ROOT, installed, parse_with_roots

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
                print("painted", time.time(), time.process_time(), flush=True)
            if type(watched).__name__ == {until!r}:
                print("until", time.time(), time.process_time(), flush=True)
                os._exit(0)
        return False

app = QApplication(["probe"])
probe = FirstPaint()
app.installEventFilter(probe)
{start}
"""

BARE = """
from PySide6.QtWidgets import QLabel
window = QMainWindow()
window.setWindowTitle("bare")
window.setCentralWidget(QLabel("年报助手"))
window.resize(1280, 860)
window.show()
app.exec()
"""

APP = """
import main
main.main(["--db", {db!r}])
"""


def _launch(code: str, env: dict[str, str], root: Path) -> tuple[float, float, float, float]:
    """Seconds from launch to the main window's first paint and to the report list's: wall, then CPU."""
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    times = {
        line.split()[0]: line.split()[1:]
        for line in out.stdout.splitlines()
        if line.startswith(("painted", "until"))
    }
    if "until" not in times:
        raise SystemExit(f"no paint: {out.returncode}\n{out.stderr[-2000:]}")
    painted, until = times["painted"], times["until"]
    return float(painted[0]) - start, float(until[0]) - start, float(painted[1]), float(until[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args, roots = parse_with_roots(parser)
    with tempfile.TemporaryDirectory() as tmp:
        env = installed(tmp) | {"XDG_CONFIG_HOME": tmp, "HOME": tmp}
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        bare_code = _PROBE.format(root=str(ROOT), start=BARE, until="QMainWindow")
        apps = []
        for n, root in enumerate(roots):  # each checkout's own database: its schema may be newer
            db = Path(tmp) / f"年报{n}.sqlite3"
            seeded = subprocess.run(
                [sys.executable, "main.py", "db", "import", str(SEED), "--db", str(db)], cwd=root, env=env
            )
            assert seeded.returncode == 0
            apps.append(_PROBE.format(root=str(root), start=APP.format(db=str(db)), until="ReportList"))
        bare: list[tuple[float, float, float, float]] = []
        app: list[list[tuple[float, float, float, float]]] = [[] for _ in roots]
        for _ in range(args.runs + 1):  # the first round warms the disk cache, compiles the bytecode
            bare.append(_launch(bare_code, env, ROOT))
            for root, code, times in zip(roots, apps, app, strict=True):
                times.append(_launch(code, env, root))
    print(f"{args.runs} runs each, load average {os.getloadavg()[0]:.1f}, bytecode compiled")
    bare_wall, bare_cpu = _medians([(w, c) for w, _, c, _ in bare[1:]])
    print(f"bare PySide6 window with a label, first paint: {bare_wall:.3f} s wall, {bare_cpu:.3f} s CPU")
    for root, times in zip(roots, app, strict=True):
        print(f"{root}:")
        window = _medians([(w, c) for w, _, c, _ in times[1:]])
        listed = _medians([(w, c) for _, w, _, c in times[1:]])
        for name, (wall, cpu), goal in (
            ("main window, first paint", window, 2),
            ("report list painted", listed, 2.5),
        ):
            print(
                f"  {name}: {wall:.3f} s wall, {cpu:.3f} s CPU; / bare: {wall / bare_wall:.2f}× wall,"
                f" {cpu / bare_cpu:.2f}× CPU (goal ≤ {goal})"
            )
    print(f"ratio {window[0] / bare_wall:.2f}")


def _medians(times: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in times), statistics.median(c for _, c in times)


if __name__ == "__main__":
    main()
