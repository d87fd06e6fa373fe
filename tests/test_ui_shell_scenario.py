"""The issue's finish line, done as a user would: a new user creates 温县人民政府办公室's 2021 report by
typing the seed's numbers and text, watches it become consistent, closes the app, reopens it and finds
everything (same database file, a new window, a new connection)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from core.documents.exchange import to_dict
from core.model.report import Report
from core.rules.table import fmt, resolved_values
from core.storage import Database
from tests.qt_helpers import commit_text, on_next_modal, open_window
from ui.dialogs import NewReportDialog
from ui.main_window import MainWindow
from ui.settings import Settings

TODAY = dt.date(2022, 1, 10)  # a new report then is about 2021


def new_window(qtbot: QtBot, db: Database) -> MainWindow:
    return open_window(qtbot, db, Settings.load(), today=TODAY)


def test_a_new_user_types_the_seed_report_sees_it_consistent_and_finds_it_after_reopening(
    qtbot: QtBot, db_path: Path, seed: Report
) -> None:
    db = Database.open(db_path)
    window = new_window(qtbot, db)

    def fill_in_new_report(dialog: QWidget) -> None:
        assert isinstance(dialog, NewReportDialog)
        commit_text(dialog.agency_box.lineEdit(), seed.agency)
        assert dialog.year == 2021 and not dialog.from_previous
        dialog.buttons.accepted.emit()

    on_next_modal(fill_in_new_report)
    report_id = window.new_report()
    assert report_id is not None
    editor, document = window.editor, window.document
    assert editor is not None and document is not None
    assert window.findings_label.text().startswith("0 处错误")  # all blank: warnings only

    for index, section in enumerate(editor.sections):
        editor.show_page(index)
        if section.table_key:
            view = editor.tables[section.table_key]
            for cell in view.table_model.input_indexes():
                value = seed.values[view.table_model.address_at(cell) or ""]
                view.setCurrentIndex(cell)
                for ch in fmt(value) if value is not None else "":
                    QTest.keyClick(view.delegate.editor or view, ch)
                if view.delegate.editor is not None:
                    QTest.keyClick(view.delegate.editor, Qt.Key.Key_Return)
        elif section.text_key:
            edit = editor.editors[section.text_key].edit
            edit.setFocus()
            QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            for n, paragraph in enumerate(seed.texts[section.text_key].split("\n")):
                if n:
                    QTest.keyClick(edit, Qt.Key.Key_Return)
                commit_text(edit, paragraph)

    assert window.findings_label.text() == "0 处错误 · 0 处提示"
    assert [f.message for f in document.findings] == []
    typed = db.load_report(report_id)
    assert typed.texts == seed.texts
    assert resolved_values(typed) == resolved_values(seed)
    assert typed.signature.name == seed.agency
    window.close()
    QThreadPool.globalInstance().waitForDone()
    db.close()

    db = Database.open(db_path)
    try:
        again = new_window(qtbot, db)
        assert again.document is not None and again.document.report_id == report_id
        assert to_dict(again.document.report) == to_dict(typed)
        assert again.findings_label.text() == "0 处错误 · 0 处提示"
        again.close()
    finally:
        QThreadPool.globalInstance().waitForDone()
        db.close()
