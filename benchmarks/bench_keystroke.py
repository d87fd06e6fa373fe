"""Keystroke-to-repaint latency of table B on the seed report (target: one frame, 16 ms).

Runs offscreen on a temporary database holding the seed: opens the real `ReportTableView` of table B,
types over 一、本年新收 / 自然人 and then sends keystrokes into the open cell editor, alternately a digit
and Backspace, so every keystroke flips the column between balanced and B.BALANCE (the worst case: the
total, four cells' colours and tooltips change each time). Each sample runs from sending the key event
to the end of the repaint it caused:

- `dirty`: events processed until the view has painted the cells that changed (what a user sees);
- `full`: the same, then the whole viewport repainted at once (an upper bound).

With `--app` the table sits in the real main window (findings panel, navigation, status bar all
updating on each keystroke), as users have it; without it, the table view alone.

Usage: `uv run python -m benchmarks.bench_keystroke [--keys 400] [--app]`. Prints median and p99 in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from core.documents.exchange import read_report
from core.storage import Database
from ui.document import ReportDocument
from ui.fonts import ensure_chinese_font
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.table_view import ReportTableView

SEED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "wenxian-2021.json"
CELL = "requests.1.natural_person"


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=400, help="keystrokes per measurement (≥ 200)")
    parser.add_argument("--app", action="store_true", help="measure inside the full main window")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    ensure_chinese_font()
    with tempfile.TemporaryDirectory() as folder, Database.open(Path(folder) / "bench.sqlite3") as db:
        report_id, _ = db.import_report(read_report(SEED))
        if args.app:
            window = MainWindow(db, Settings())
            window.resize(1366, 768)
            window.show()
            window.open_report(report_id)
            assert window.editor is not None
            window.editor.show_cell(CELL)
            view = window.editor.tables["requests"]
        else:
            view = ReportTableView(ReportDocument(db, report_id), "requests")
            view.resize(view.sizeHint())
            view.show()
        view.activateWindow()
        view.setFocus()
        app.processEvents()
        counter = PaintCounter()
        view.viewport().installEventFilter(counter)
        view.select_cell(CELL)
        QApplication.sendEvent(
            view, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_2, Qt.KeyboardModifier.NoModifier, "2")
        )
        app.processEvents()
        editor = view.delegate.editor
        assert editor is not None, "typing did not open the cell editor"

        def keystroke(i: int) -> None:
            if i % 2 == 0:
                press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_3, Qt.KeyboardModifier.NoModifier, "3")
            else:
                press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier)
            QApplication.sendEvent(editor, press)

        results: dict[str, list[float]] = {"dirty": [], "full": []}
        paints: dict[str, int] = {}
        for mode, samples in results.items():
            paints_before = counter.paints
            for i in range(args.keys + 20):
                start = time.perf_counter()
                keystroke(i)
                app.processEvents()
                if mode == "full":
                    view.viewport().repaint()
                elapsed = (time.perf_counter() - start) * 1000
                if i >= 20:  # warm-up
                    samples.append(elapsed)
            paints[mode] = counter.paints - paints_before
        view.window().close()
    where = "in the main window" if args.app else "view alone"
    print(f"table B ({where}), seed report, {args.keys} keystrokes per mode after 20 warm-up keystrokes")
    for mode, samples in results.items():
        print(
            f"  {mode:5}  median {statistics.median(samples):6.2f} ms   p99 {percentile(samples, 99):6.2f} ms"
            f"   max {max(samples):6.2f} ms   ({paints[mode]} viewport paints)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
