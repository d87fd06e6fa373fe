"""Table 三's frozen row labels never stand beside another row's numbers (issue 18, item 2).

The seed report is open in a real window small enough that table 三 scrolls. The table is scrolled
with its scroll bar, its labels are clicked (the merged 「三、本年度办理结果」 first, at the top, where
the old separate label view scrolled away on its own), the cursor is moved with the keyboard and cells
are jumped to as a finding does; after each, every input cell in view is checked against what the
label pane shows at its height, column by column.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.storage import Database
from tests.qt_helpers import open_seed_report
from ui.table_view import ReportTableView

TABLE = "requests"


def misplaced_labels(view: ReportTableView) -> list[str]:
    """Input cells in view whose row label (in any frozen column) is not the label of their row."""
    QApplication.processEvents()
    panes, model = view.panes, view.table_model
    pane = panes.left
    viewport = view.viewport()
    bad = []
    checked = 0
    for index in model.input_indexes():
        rect = view.visualRect(index)
        top, bottom = max(rect.top(), panes.height()), min(rect.bottom(), viewport.height() - 1)
        if top > bottom:
            continue  # scrolled out of view, or under the header rows
        y = pane.mapFromGlobal(viewport.mapToGlobal(QPoint(0, (top + bottom) // 2))).y()
        x = 0
        for col in range(panes.columns):
            width = view.columnWidth(col)
            shown = pane.index_at(QPoint(x + width // 2, y))
            x += width
            placed = model.cell_at(index.row(), col)
            assert placed is not None
            if (shown.row(), shown.column()) != (placed.row, placed.col):
                bad.append(f"{model.address_at(index)} beside {shown.data()!r}, not {placed.cell.text!r}")
        checked += 1
    assert checked >= 3  # a check of nothing proves nothing
    return bad


def click_label(qtbot: QtBot, view: ReportTableView, text: str) -> int:
    """Click the frozen label starting with `text` in the middle of its visible part; the row clicked."""
    pane = view.panes.left
    rect = next(r for i, r in view.panes.frozen_cells(pane) if str(i.data()).startswith(text))
    visible = rect.intersected(pane.rect())
    assert not visible.isEmpty(), f"{text} is not in view"
    qtbot.mouseClick(pane, Qt.MouseButton.LeftButton, pos=visible.center())
    return pane.row_at(visible.center())


def test_labels_stay_beside_their_numbers(qtbot: QtBot, db: Database) -> None:
    window = open_seed_report(qtbot, db)
    window.resize(1000, 600)
    editor = window.editor
    assert editor is not None
    page = next(i for i, s in enumerate(editor.sections) if s.table_key == TABLE)
    editor.show_page(page)
    view = editor.tables[TABLE]
    qtbot.waitExposed(view)
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0  # the table scrolls at this size, or the test proves nothing
    assert view.panes.columns >= 2

    bar.setValue(0)
    row = click_label(qtbot, view, "三、本年度办理结果")  # the click that used to scroll only the labels
    assert misplaced_labels(view) == []
    assert view.currentIndex().row() == row and view.table_model.is_input(view.currentIndex())

    for value in (bar.maximum() // 3, bar.maximum(), bar.maximum() // 2):
        bar.setValue(value)
        assert misplaced_labels(view) == []
        click_label(qtbot, view, "三、本年度办理结果")
        assert misplaced_labels(view) == []

    bar.setValue(0)
    view.setCurrentIndex(view.table_model.input_indexes()[0])
    view.setFocus()
    for _ in range(len(view.table_model.table.lines)):
        qtbot.keyClick(view, Qt.Key.Key_Down)
        assert misplaced_labels(view) == []
    assert bar.value() > 0  # the cursor walked down far enough to scroll
    for _ in range(len(view.table_model.table.lines)):
        qtbot.keyClick(view, Qt.Key.Key_Up)
        assert misplaced_labels(view) == []

    for address in (
        "requests.4.total",
        "requests.1.natural_person",
        "requests.3.7.total",
        "requests.2.other",
    ):
        editor.show_page(0)
        editor.show_cell(address)  # where a finding leads
        assert editor.page_index == page
        assert view.table_model.address_at(view.currentIndex()) == address
        assert misplaced_labels(view) == []

    # findings clicked in the list: a 不予处理 row low in the table that no longer adds up, and the rest
    document = editor.document
    document.set_values({"requests.3.5.2.natural_person": Decimal(97)})
    tree = editor.findings.tree
    clicked = 0
    for finding in [f for f in document.findings if f.cells][:4]:
        bar.setValue(0 if clicked % 2 else bar.maximum())
        editor.show_page(0)
        item = editor.findings.item_for(finding)
        assert item is not None
        tree.scrollToItem(item)
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
        assert editor.page_index == page
        assert view.table_model.address_at(view.currentIndex()) == finding.cells[0]
        assert misplaced_labels(view) == []
        clicked += 1
    assert clicked >= 2
