"""The desk's 汇总 dialog over a database of a city's year: from asking for it to its figures painted.

    uv run python -m benchmarks.bench_sum_dialog [--reports 2000] [--runs 5] [--root TREE …]

For each checkout given with `--root` (default: this one; give the old one and the new one to compare)
a child process builds, with that checkout's own storage, a database of REPORTS reports of 2021
(distinct numbers, every fourth one 定稿, the rest drafts), opens the desk window over it (offscreen,
1366×768) and times, RUNS rounds each (the board opened afresh every round, so no draft's 校验码 is
known yet), median of wall, of the process's CPU (every thread) and of the GUI thread's CPU:
- open: 「汇总…」 asked for → the dialog's page painted with the figures (the GUI thread blocked);
- codes: 「汇总…」 asked for → every included report's 校验码 known (the list and the mark complete;
  on a checkout that works them out before showing anything, the same moment as `open`);
- tick: one report unticked → the page painted again with the new figures.
The children take turns (one round each at a time), so that machine load favours none. Bytecode is
compiled (PYTHONPYCACHEPREFIX). The goal (issue 22) is ≤ 100 ms for `open` and `tick`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from benchmarks.side_by_side import in_turns, installed, parse_with_roots

# Runs inside a checkout: build the database and the desk window, then one round per line on stdin.
_CHILD = """
import contextlib, json, sys, time
sys.path.insert(0, {root!r})
from ui.app import create_application
app = create_application()
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from core.storage import Database
from tests.helpers import distinct_report
from ui.desk_window import DeskWindow
from ui.fonts import ensure_chinese_font

db = Database.open({db!r})
db._conn.execute("PRAGMA synchronous = OFF")  # building is not timed: no sync per report
with db.batch() if hasattr(db, "batch") else contextlib.nullcontext():
    for a in range({reports}):
        report_id = db.create_report(distinct_report(f"测试市第{{a:04d}}局", 2021, base=a + 3))
        if a % 4 == 0:
            db.set_status(report_id, "final")
db._conn.execute("PRAGMA synchronous = FULL")
db.list_reports()  # every count kept before timing
ensure_chinese_font()
window = DeskWindow(None, db)
window.resize(1366, 768)
window.show()
window.year_box.setValue(2021)

def now():
    return (time.perf_counter(), time.process_time(), time.thread_time())

def since(start):
    return [b - a for a, b in zip(start, now())]

class Painted(QObject):
    def __init__(self):
        super().__init__()
        self.painted = False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False

def until(done, limit=120.0):
    deadline = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > deadline:
            raise SystemExit("timed out")
        QCoreApplication.processEvents()
        time.sleep(0.001)

def painted_after(dialog, act):
    watch = Painted()
    dialog.page.viewport().installEventFilter(watch)
    start = now()
    act()
    until(lambda: watch.painted)
    taken = since(start)
    dialog.page.viewport().removeEventFilter(watch)
    return taken

def codes_known(dialog):
    pending = getattr(dialog, "codes_pending", None)
    return dialog.summed is not None and not (pending() if callable(pending) else pending)

print("ready", flush=True)
for line in sys.stdin:
    window.open_database()  # a fresh desk session: no draft's code known
    QCoreApplication.processEvents()
    start = now()
    dialog = window.show_sum()
    watch = Painted()
    dialog.page.viewport().installEventFilter(watch)
    until(lambda: watch.painted)
    opened = since(start)
    until(lambda: codes_known(dialog))
    coded = since(start)
    item = dialog.included.item(1)
    ticked = painted_after(dialog, lambda: item.setCheckState(Qt.CheckState.Unchecked))
    dialog.close()
    dialog.deleteLater()
    QCoreApplication.processEvents()
    print(json.dumps({{"open": opened, "codes": coded, "tick": ticked}}), flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args, roots = parse_with_roots(parser)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        env = installed(tmp) | {"QT_QPA_PLATFORM": "offscreen"}
        children = [
            (root, _CHILD.format(root=str(root), db=str(Path(tmp) / f"d{n}.sqlite3"), reports=args.reports))
            for n, root in enumerate(roots)
        ]
        samples = in_turns(children, env, args.runs)
    print(
        f"{args.reports} reports of 2021 (¼ 定稿); {args.runs} runs; load average {load:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after; bytecode compiled; offscreen, 1366×768"
    )
    for root, runs in zip(roots, samples, strict=True):
        print(f"  {root}:")
        for what, label in (
            ("open", "汇总… asked → figures painted"),
            ("codes", "汇总… asked → every 校验码 known"),
            ("tick", "one report unticked → figures painted"),
        ):
            wall, cpu, gui = (statistics.median(r[what][i] for r in runs) * 1000 for i in range(3))
            print(f"    {label}: {wall:.0f} ms wall, {cpu:.0f} ms CPU, {gui:.0f} ms CPU on the GUI thread")


if __name__ == "__main__":
    main()
