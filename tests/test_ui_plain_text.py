"""No user or file text is ever rendered as Qt rich text (issue 9, item 1): with an agency, texts and a
署名 full of markup, every label, message box, tooltip and list of the app is walked; any of them that
would render the markup (a live link, an image fetch, a fake name) fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent, Qt  # QtGui's Qt also has mightBeRichText
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QMessageBox, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from core.model.report import Report
from core.storage import Database
from tests.qt_helpers import open_window
from ui.app import create_application
from ui.crash import show_message
from ui.dialogs import RenameDialog, confirm_delete, confirm_replace
from ui.history import HistoryDialog
from ui.main_window import MainWindow
from ui.plain_text import TOOLTIP_COLUMNS

MARKUP = "<a href='file:///C:/x.exe'><b style='color:red'>国务院办公厅</b></a><img src='//host/s/x.png'>"


@pytest.fixture
def window(qtbot: QtBot, db: Database, seed: Report) -> Iterator[MainWindow]:
    create_application()  # the app's own set-up, as main.py does it
    seed.signature.name = MARKUP
    seed.texts["other"] = MARKUP
    seed.values["requests.1.natural_person"] = Decimal(-1)  # a finding, so the findings list has items
    report_id = db.create_report(seed)
    db.rename_report(report_id, MARKUP, 2022)  # a history entry that names the agency
    win = open_window(qtbot, db)
    win.open_report(report_id)
    assert win.editor is not None
    for page in range(win.editor.nav.count()):  # every page shown once, as a user would
        win.editor.show_page(page)
        qtbot.wait(5)
    yield win


def _rich(widget: QWidget) -> str | None:
    """What the widget would render as rich text, or None when it shows its text as text."""
    if isinstance(widget, QLabel):
        widget.ensurePolished()  # a label is polished before it is first painted
        if widget.textFormat() != Qt.TextFormat.PlainText and Qt.mightBeRichText(widget.text()):
            return widget.text()
    return None


def _tooltip_shown(widget: QWidget, at: QPoint) -> str:
    QToolTip.hideText()
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, at, widget.mapToGlobal(at)))
    return QToolTip.text()


def _tooltip_label() -> QLabel:
    """Qt's tooltip window (a QLabel, polished on first show)."""
    label = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "qtooltip_label")
    assert isinstance(label, QLabel)
    label.ensurePolished()
    return label


def _shown_as_text(shown: str) -> bool:
    """The tooltip shows its text as plain text: no markup of ours, no escapes (nothing shown, e.g. at a
    place where a header shows another item, renders nothing either)."""
    if not shown:
        return True
    plain = _tooltip_label().textFormat() == Qt.TextFormat.PlainText
    return plain and "<p style" not in shown and "&lt;" not in shown


EXAMINED: list[str] = []  # tooltips with markup looked at (a walk that finds none proves nothing)


def _check_tooltips(widgets: list[QWidget]) -> list[str]:
    bad = []
    for widget in widgets:
        if widget.toolTip() and "<" in widget.toolTip():
            shown = _tooltip_shown(widget, QPoint(1, 1))
            if not _shown_as_text(shown):
                bad.append(f"tooltip of {type(widget).__name__}: {shown}")
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            stack = [model.index(r, 0) for r in range(model.rowCount())]
            while stack:
                index = stack.pop()
                stack += [model.index(r, 0, index) for r in range(model.rowCount(index))]
                cells = [index]
                while (cell := index.siblingAtColumn(len(cells))).isValid():
                    cells.append(cell)
                for cell in cells:
                    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
                    if not (isinstance(tip, str) and "<" in tip):
                        continue
                    EXAMINED.append(tip)
                    widget.scrollTo(cell, QAbstractItemView.ScrollHint.EnsureVisible)
                    shown = _tooltip_shown(widget.viewport(), widget.visualRect(cell).center())
                    if not _shown_as_text(shown):
                        bad.append(f"item tooltip in {type(widget).__name__}: {shown}")
    return bad


def _walk(qtbot: QtBot) -> list[str]:
    widgets = [w for w in QApplication.allWidgets() if w.isVisible() or isinstance(w, QLabel)]
    bad = [f"{type(w).__name__} {w.objectName()}: {text}" for w in widgets if (text := _rich(w))]
    return bad + _check_tooltips([w for w in widgets if w.isVisible()])


def test_every_view_of_a_markup_agency_shows_it_as_text(window: MainWindow, qtbot: QtBot) -> None:
    assert window.editor is not None and MARKUP in window.editor.title.text()
    EXAMINED.clear()
    assert _walk(qtbot) == []
    assert window.close_report()  # back to the report list, whose items and tooltips name the agency
    qtbot.wait(5)
    assert _walk(qtbot) == []
    assert any(MARKUP in tip for tip in EXAMINED)


def test_every_message_and_dialog_that_quotes_the_title_shows_it_as_text(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert window.editor is not None
    document = window.editor.document
    title = document.report.title
    EXAMINED.clear()
    boxes: list[QWidget] = [
        confirm_replace(title, 3, 1, True, window),
        confirm_delete(title, window),
        show_message(window, f"已导出到 {MARKUP}.json"),
        QMessageBox(QMessageBox.Icon.Warning, "年报助手", f"无法打开数据库。\n\n{MARKUP}", parent=window),
        RenameDialog([MARKUP], MARKUP, 2022, lambda a, y: True, parent=window),
        HistoryDialog(document, window),
    ]
    for box in boxes:
        box.show()
    qtbot.wait(20)
    assert _walk(qtbot) == []
    assert any(MARKUP in tip for tip in EXAMINED)
    for box in boxes:
        box.close()


def test_tooltips_are_plain_wrapped_text_without_html(qtbot: QtBot) -> None:
    """Issue 18 item 3: a tooltip shows its words, wrapped into short lines, never `<p …>` or `&lt;`."""
    create_application()
    label = QLabel("甲")
    qtbot.addWidget(label)
    label.show()
    long_tip = "本年新收政府信息公开申请数量" * 8 + " <b>加粗</b> & 其他"
    label.setToolTip(long_tip)
    shown = _tooltip_shown(label, QPoint(1, 1))
    assert "<p" not in shown and "&lt;" not in shown and "&amp;" not in shown
    assert _shown_as_text(shown) and shown.replace("\n", "") == long_tip
    lines = shown.split("\n")
    widths = [sum(2 if "\u4e00" <= c <= "\u9fff" else 1 for c in line) for line in lines]
    assert len(lines) >= 4 and max(widths) <= TOOLTIP_COLUMNS and widths[0] >= TOOLTIP_COLUMNS - 1
