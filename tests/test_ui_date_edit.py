"""The 成文日期 field on 「签署与打印」: typed as people write dates, Enter keeps it, a Chinese calendar
that opens in January of the year after the report's."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QApplication, QToolButton
from pytestqt.qtbot import QtBot

from core.storage import Database
from tests.qt_helpers import commit_text, open_seed_report
from ui.main_window import MainWindow
from ui.sign_print import SignPrintPage


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> SignPrintPage:
    window: MainWindow = open_seed_report(qtbot, db)
    assert window.editor is not None
    window.editor.show_page(window.editor.nav.count() - 1)
    return window.editor.sign_page


def type_date(qtbot: QtBot, page: SignPrintPage, text: str) -> None:
    """Clear the field and type `text` as a user does (digits on the keyboard, the rest by the IME)."""
    edit = page.date_edit.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    for part in text.replace("年", " 年 ").replace("月", " 月 ").replace("日", " 日 ").split():
        if part.isascii():
            qtbot.keyClicks(edit, part)
        else:
            commit_text(edit, part)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def stored(page: SignPrintPage) -> dt.date | None:
    return page.document.db.load_report(page.document.report_id).signature.date


@pytest.mark.parametrize("text", ["2022-01-20", "2022年1月20日", "20220120"])
def test_a_typed_date_is_stored_and_shown_as_documents_write_it(
    qtbot: QtBot, page: SignPrintPage, text: str
) -> None:
    type_date(qtbot, page, text)
    assert stored(page) == dt.date(2022, 1, 20)
    assert page.date_edit.edit.text() == "2022年1月20日"  # Enter keeps it: no revert to the old value
    assert not page.date_edit.problem.isVisible()


def test_a_wrong_date_stays_to_be_corrected_with_the_reason(qtbot: QtBot, page: SignPrintPage) -> None:
    type_date(qtbot, page, "20220120")
    type_date(qtbot, page, "2022-02-30")
    assert page.date_edit.edit.text() == "2022-02-30"  # not thrown away
    assert page.date_edit.problem.isVisible() and "没有 2022年2月30日 这一天" in page.date_edit.problem.text()
    assert stored(page) == dt.date(2022, 1, 20)
    type_date(qtbot, page, "")  # emptied: not filled in (to be written by hand)
    assert stored(page) is None and page.date_edit.value() is None


@pytest.mark.qt_log_ignore(
    "does not support grabbing the keyboard", "does not support raise"
)  # offscreen popups
def test_the_calendar_is_chinese_and_opens_in_january_after_the_report_year(
    qtbot: QtBot, page: SignPrintPage
) -> None:
    field = page.date_edit
    assert page.document.report.year == 2021
    chosen = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))  # an English PC
    try:
        field.button.click()
        qtbot.waitUntil(field.calendar.isVisible)
        assert (field.calendar.yearShown(), field.calendar.monthShown()) == (2022, 1)
        month_button = next(
            b for b in field.calendar.findChildren(QToolButton) if b.objectName() == "qt_calendar_monthbutton"
        )
        assert month_button.text() == "一月"
        field.calendar.clicked.emit(QDate(2022, 1, 18))
    finally:
        QLocale.setDefault(chosen)
    assert not field.menu.isVisible()
    assert stored(page) == dt.date(2022, 1, 18) and field.edit.text() == "2022年1月18日"
    field.button.click()  # with a date: the calendar opens at it
    qtbot.waitUntil(field.calendar.isVisible)
    assert field.calendar.selectedDate() == QDate(2022, 1, 18)
    field.menu.close()
    QApplication.processEvents()


def test_the_first_of_january_2000_is_a_date_like_any_other(qtbot: QtBot, page: SignPrintPage) -> None:
    type_date(qtbot, page, "2000-01-01")
    assert page.date_edit.edit.text() == "2000年1月1日"
    assert stored(page) == dt.date(2000, 1, 1)  # not taken for "not filled in"
