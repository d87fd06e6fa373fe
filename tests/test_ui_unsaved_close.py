"""Closing a report whose last edit the database refused: the user retries, exports it or discards it.

The refusal is real: a second connection holds the database's write lock (`BEGIN IMMEDIATE`) while the
window's own connection waits only a moment for it, as when another program is busy writing.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from core.documents.exchange import read_report
from core.storage import Database
from tests.qt_helpers import WriteLock, on_next_modal, open_seed_report
from ui.dialogs import UnsavedDialog
from ui.main_window import MainWindow

B1_NATURAL = "requests.1.natural_person"


@pytest.fixture
def window(qtbot: QtBot, short_wait_db: Database) -> MainWindow:
    """The seed report open, its table B page shown."""
    window = open_seed_report(qtbot, short_wait_db)
    assert window.editor is not None
    window.editor.show_page(
        next(i for i, s in enumerate(window.editor.sections) if s.table_key == "requests")
    )
    return window


@pytest.fixture
def lock(db_path: Path, window: MainWindow) -> Iterator[WriteLock]:
    held = WriteLock(db_path)
    yield held
    held.close()  # whatever happened, the window can save and close at the end of the test


def type_30(window: MainWindow) -> None:
    """Type 30 into 三、一 自然人 and press Enter, as the user does."""
    assert window.editor is not None
    view = window.editor.tables["requests"]
    view.select_cell(B1_NATURAL)
    QTest.keyClick(view, "3")
    assert view.delegate.editor is not None
    QTest.keyClick(view.delegate.editor, "0")
    QTest.keyClick(view.delegate.editor, Qt.Key.Key_Return)


def stored_value(db_path: Path) -> Decimal | None:
    with Database.open(db_path) as other:
        return other.load_report(other.list_reports()[0].id).values[B1_NATURAL]


def click(button: str, seen: list[str]) -> None:
    """On the next modal: note its text and press one of the unsaved dialog's buttons."""

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, UnsavedDialog)
        seen.append(dialog.text())
        getattr(dialog, button).click()

    on_next_modal(act)


def test_closing_with_a_refused_edit_asks_keeps_the_window_and_retry_saves_and_closes(
    window: MainWindow, lock: WriteLock, db_path: Path
) -> None:
    type_30(window)
    assert window.document is not None and window.document.unsaved
    seen: list[str] = []
    click("cancel_button", seen)
    assert not window.close()
    assert window.isVisible() and window.document is not None and len(seen) == 1
    assert "未能保存" in seen[0] and str(window.document.save_error) in seen[0]

    def retry_while_locked(dialog: QWidget) -> None:
        assert isinstance(dialog, UnsavedDialog)
        seen.append(dialog.text())
        on_next_modal(release_and_retry)  # still locked: the same question comes back
        dialog.retry_button.click()

    def release_and_retry(dialog: QWidget) -> None:
        assert isinstance(dialog, UnsavedDialog)
        seen.append(dialog.text())
        lock.release()
        dialog.retry_button.click()

    on_next_modal(retry_while_locked)
    assert window.close()
    assert len(seen) == 3 and not window.isVisible() and window.document is None
    assert stored_value(db_path) == Decimal(30)


def test_the_refused_edit_can_be_exported_to_a_report_file_and_the_window_closes(
    window: MainWindow, lock: WriteLock, db_path: Path, tmp_path: Path
) -> None:
    type_30(window)
    out = tmp_path / "未保存的报告.json"

    def export(dialog: QWidget) -> None:
        assert isinstance(dialog, UnsavedDialog)
        on_next_modal(choose_file)
        dialog.export_button.click()

    def choose_file(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        dialog.selectFile(str(out))
        dialog.accept()

    on_next_modal(export)
    assert window.close()
    assert read_report(out).values[B1_NATURAL] == Decimal(30)
    lock.release()
    assert stored_value(db_path) == Decimal(22)  # the database never got it; the file has it


def test_going_back_to_the_list_asks_too_and_discarding_drops_the_edit(
    window: MainWindow, lock: WriteLock, db_path: Path
) -> None:
    type_30(window)
    editor = window.editor
    assert editor is not None
    seen: list[str] = []
    click("cancel_button", seen)
    editor.back_button.click()
    assert window.stack.currentWidget() is editor and len(seen) == 1
    click("discard_button", seen)
    editor.back_button.click()
    assert window.stack.currentWidget() is window.report_list and window.document is None
    lock.release()
    assert stored_value(db_path) == Decimal(22)
