"""Tables A, B and C at office screen sizes: every column visible without scrolling sideways, nothing cut,
header rows and row labels frozen while the table scrolls.

Sizes, in logical pixels, each both maximized and as the window first opens (90 % of the screen, what
`MainWindow` picks when there is no saved geometry):
- 1366×768 at 100 % (the most common office screen), in this process;
- 1920×1080 at 150 % (an office laptop), in a child process with QT_SCALE_FACTOR=1.5, because the scale
  factor must be set before Qt starts: the window is then 1280×720 logical pixels drawn with 1.5× as
  many device pixels, which is what Windows does at 150 % (fonts in points scale the same way).
Screenshots of every table page go to the test's tmp folder and to NIANBAO_SHOTS when it names a folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.storage import Database
from tests.qt_helpers import open_seed_report, run_at_150_percent, seed_window, shot_folders
from ui.fonts import ensure_chinese_font
from ui.main_window import MainWindow
from ui.table_view import ReportTableView

# maximized; as it first opens (90 %); maximized with the 10.5 pt UI font of 统信UOS/麒麟 desktops
# (common in government offices), where Windows uses 9 pt
SIZES_100 = [((1366, 768), 9.0), ((1229, 691), 9.0), ((1366, 768), 10.5)]
SIZES_150 = [(1280, 720), (1152, 648)]  # 1920×1080 at 150 %, in logical pixels


def measure(view: ReportTableView, window: MainWindow) -> dict[str, Any]:
    """What a user would see of one table: is any column cut or off the window, can it scroll sideways."""
    model = view.table_model
    last = model.columnCount() - 1
    right_edge = view.columnViewportPosition(last) + view.columnWidth(last)
    view_right = view.mapTo(window, QPoint(view.width(), 0)).x()
    clipped = []
    for placed in model.table.placed:
        if placed.cell.address is None:
            rect = view.visualRect(model.index(placed.row, placed.col))
            font = view.font()
            font.setBold(placed.cell.role != "label")
            wrap = int(Qt.TextFlag.TextWordWrap)
            needed = QFontMetrics(font).boundingRect(rect.adjusted(3, 0, -3, 0), wrap, placed.cell.text)
            if needed.height() > rect.height():
                clipped.append(placed.cell.text)
    return {
        "table": model.table.key,
        "right_edge": right_edge,
        "viewport_width": view.viewport().width(),
        "view_right": view_right,
        "window_width": window.width(),
        "sideways": view.horizontalScrollBar().maximum(),
        "clipped": clipped,
    }


def frozen_check(view: ReportTableView, shots: list[Path]) -> dict[str, Any]:
    """Scroll the table to its end: the header rows and label columns must show the same pixels."""
    panes = view.panes
    header = QRect(view.viewport().pos(), QSize(view.viewport().width(), panes.height()))
    labels = QRect(view.viewport().pos(), QSize(panes.width(), view.viewport().height()))
    before = view.grab().toImage()
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum())
    QCoreApplication.processEvents()
    after = view.grab().toImage()
    for shot in shots:
        assert after.save(str(shot))
    result = {
        "scrolled": bar.value(),
        "header_rows_px": panes.height(),
        "header_same": before.copy(header) == after.copy(header),
        "labels_px": panes.width(),
        "labels_moved": before.copy(labels) != after.copy(labels),
    }
    bar.setValue(0)
    return result


def table_pages(
    db: Database, size: tuple[int, int], prefix: str, folders: list[Path], points: float = 9
) -> list[dict[str, Any]]:
    """Open the seed report in a window of `size` with a `points` UI font, show each table page,
    measure and photograph it."""
    ensure_chinese_font()
    font = QApplication.font()
    font.setPointSizeF(points)
    QApplication.setFont(font)
    window, report_id = seed_window(db, size)
    results = []
    try:
        window.open_report(report_id)
        editor = window.editor
        assert editor is not None
        for index, section in enumerate(editor.sections):
            if section.table_key is None:
                continue
            editor.show_page(index)
            QCoreApplication.processEvents()
            view = editor.tables[section.table_key]
            result = measure(view, window)
            for folder in folders:
                folder.mkdir(parents=True, exist_ok=True)
                name = f"{prefix}{size[0]}x{size[1]}-{points:g}pt-{section.table_key}.png"
                assert window.grab().save(str(folder / name))
            scrolled = f"{prefix}{size[0]}x{size[1]}-{points:g}pt-{section.table_key}-scrolled.png"
            result["frozen"] = frozen_check(view, [folder / scrolled for folder in folders])
            results.append(result)
    finally:
        window.close()
        window.deleteLater()
    return results


def assert_fits(results: list[dict[str, Any]]) -> None:
    assert [r["table"] for r in results] == ["active_disclosure", "requests", "review_litigation"]
    for r in results:
        assert r["sideways"] == 0, r  # no horizontal scrolling needed
        assert r["right_edge"] <= r["viewport_width"], r  # the last column (总计) is not cut
        assert r["view_right"] <= r["window_width"], r  # the table is not cut by the window
        assert r["clipped"] == [], r  # every label and header shows whole


def assert_frozen(results: list[dict[str, Any]]) -> None:
    requests = next(r for r in results if r["table"] == "requests")["frozen"]
    assert requests["scrolled"] > 0  # table B is taller than the page at these sizes
    assert requests["header_rows_px"] > 0 and requests["header_same"]  # header rows stayed in place
    assert requests["labels_px"] > 0 and requests["labels_moved"]  # labels scroll with their rows


@pytest.mark.parametrize(("size", "points"), SIZES_100)
def test_every_column_of_the_tables_is_visible_at_1366x768(
    qapp: QApplication, db: Database, tmp_path: Path, size: tuple[int, int], points: float
) -> None:
    default = QApplication.font()
    try:
        results = table_pages(db, size, "", shot_folders(tmp_path), points)
    finally:
        QApplication.setFont(default)
    assert_fits(results)
    assert_frozen(results)


def test_every_column_of_the_tables_is_visible_at_1920x1080_150_percent(tmp_path: Path) -> None:
    done = run_at_150_percent(__file__, [str(tmp_path), *map(str, shot_folders(tmp_path))], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    by_size = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(by_size) == len(SIZES_150)
    for results in by_size:
        assert_fits(results)
        assert_frozen(results)
    shots = sorted((tmp_path / "shots").glob("150-*.png"))
    assert len(shots) == 2 * 3 * len(SIZES_150)  # each table page, and scrolled to its end


if __name__ == "__main__":  # the child process of the 150 % test
    application = QApplication([sys.argv[0]])
    measured = []
    for n, size in enumerate(SIZES_150):
        with Database.open(Path(sys.argv[1]) / f"150-{n}.sqlite3") as database:
            measured.append(table_pages(database, size, "150-", [Path(p) for p in sys.argv[2:]]))
    print(json.dumps(measured, ensure_ascii=False))


def test_row_labels_stay_in_place_when_a_narrow_table_scrolls_sideways(qtbot: QtBot, db: Database) -> None:
    """Narrower than its narrowest fit (a small window or a wide findings splitter): it scrolls sideways,
    and the label columns stay, as Excel's frozen panes do."""
    window = open_seed_report(qtbot, db)
    assert window.document is not None
    view = ReportTableView(window.document, "requests")
    qtbot.addWidget(view)
    view.resize(520, 400)
    view.show()
    qtbot.waitExposed(view)
    QCoreApplication.processEvents()
    bar = view.horizontalScrollBar()
    assert bar.maximum() > 0
    labels = QRect(view.viewport().pos(), QSize(view.panes.width(), view.viewport().height()))
    before = view.grab().toImage()
    bar.setValue(bar.maximum())
    QCoreApplication.processEvents()
    after = view.grab().toImage()
    assert view.panes.width() > 0 and before.copy(labels) == after.copy(labels)
    rest = QRect(labels.topRight() + QPoint(1, 0), QSize(view.viewport().width() - labels.width() - 1, 200))
    assert before.copy(rest) != after.copy(rest)  # the values did scroll
