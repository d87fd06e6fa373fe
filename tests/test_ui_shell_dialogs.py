"""The small dialogs: new report defaults and checks, rename, 解除定稿 reason, deleted reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from core.errors import UserError
from core.format import get_format
from core.storage import Database
from tests.qt_helpers import commit_text, on_next_modal, open_window
from ui.dialogs import (
    DeletedReportsDialog,
    NewReportDialog,
    RenameDialog,
    UnfinalizeDialog,
    default_report_year,
)

AGENCY = "温县人民政府办公室"


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (dt.date(2022, 1, 5), 2021),
        (dt.date(2022, 10, 31), 2021),
        (dt.date(2022, 11, 1), 2022),
        (dt.date(2022, 12, 31), 2022),
    ],
)
def test_report_year_is_last_year_until_november_then_this_year(today: dt.date, year: int) -> None:
    assert default_report_year(today) == year


def test_new_report_dialog_offers_last_year_as_basis_only_when_it_exists(qtbot: QtBot) -> None:
    existing = {(AGENCY, 2021)}
    dialog = NewReportDialog([AGENCY], lambda a, y: (a, y) in existing, dt.date(2023, 1, 10))
    qtbot.addWidget(dialog)
    assert (dialog.agency, dialog.year) == (AGENCY, 2022)  # the one remembered agency is filled in
    assert dialog.from_previous and "2021" in dialog.from_previous_box.text()
    dialog.year_box.setValue(2023)
    assert not dialog.from_previous and not dialog.from_previous_box.isEnabled()
    dialog.agency_box.setCurrentText("温县财政局")
    dialog.year_box.setValue(2022)
    assert not dialog.from_previous


def test_new_report_dialog_refuses_an_empty_name_and_an_existing_report(qtbot: QtBot) -> None:
    dialog = NewReportDialog(["甲", "乙"], lambda a, y: (a, y) == (AGENCY, 2021), dt.date(2022, 1, 10))
    qtbot.addWidget(dialog)
    assert dialog.agency == ""  # several remembered names: the user chooses
    dialog.accept()
    assert dialog.result() != NewReportDialog.DialogCode.Accepted and "机关名称" in dialog.problem.text()
    dialog.agency_box.setCurrentText(f" {AGENCY} ")
    dialog.accept()
    assert "已经存在" in dialog.problem.text()
    dialog.year_box.setValue(2020)
    dialog.accept()
    assert dialog.result() == NewReportDialog.DialogCode.Accepted and dialog.agency == AGENCY


def test_rename_dialog_accepts_the_report_itself_but_not_another(qtbot: QtBot) -> None:
    taken = {(AGENCY, 2021), (AGENCY, 2020)}
    dialog = RenameDialog([AGENCY], AGENCY, 2021, lambda a, y: (a, y) in taken, dt.date(2022, 1, 1))
    qtbot.addWidget(dialog)
    dialog.year_box.setValue(2020)
    dialog.accept()
    assert dialog.result() != RenameDialog.DialogCode.Accepted
    dialog.year_box.setValue(2021)
    dialog.agency_box.setCurrentText("温县人民政府")
    dialog.accept()
    assert dialog.result() == RenameDialog.DialogCode.Accepted
    assert (dialog.agency, dialog.year) == ("温县人民政府", 2021)


def test_unfinalize_needs_a_reason(qtbot: QtBot) -> None:
    dialog = UnfinalizeDialog("某报告")
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.reason_edit.setPlainText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.reason_edit.setPlainText("第三部分数字有误")
    assert dialog.ok_button.isEnabled() and dialog.reason == "第三部分数字有误"


@dataclass
class _Deleted:
    id: int
    agency: str
    year: int
    format: str = "2021"  # the dialog titles each report in its own format


def test_deleted_reports_dialog_restores_the_chosen_report(qtbot: QtBot) -> None:
    restored: list[int] = []
    dialog = DeletedReportsDialog(
        [_Deleted(7, AGENCY, 2021), _Deleted(9, "温县财政局", 2020)], restored.append
    )
    qtbot.addWidget(dialog)
    assert dialog.list.item(0).text().startswith(f"{AGENCY}2021年")
    dialog.list.setCurrentRow(1)
    dialog.restore_button.click()
    assert restored == [9] and dialog.list.count() == 1


def test_a_deleted_report_that_cannot_come_back_stays_listed_and_the_reason_is_shown(
    qtbot: QtBot,
) -> None:
    def clash(report_id: int) -> None:
        raise UserError(f"已经有一份“{AGENCY}”的 2021 年度报告，不能恢复这份已删除的。")

    dialog = DeletedReportsDialog([_Deleted(7, AGENCY, 2021)], clash)
    qtbot.addWidget(dialog)
    dialog.restore_button.click()
    assert dialog.list.count() == 1 and dialog.restore_button.isEnabled()
    assert dialog._message is not None and "不能恢复" in dialog._message.text()
    dialog._message.close()


def test_the_basis_tooltip_names_the_carried_rows_as_the_format_does(qtbot: QtBot) -> None:
    dialog = NewReportDialog([AGENCY], lambda agency, year: False)
    qtbot.addWidget(dialog)
    rows = {row.key: row.title for row in get_format().table("requests").rows}
    tip = dialog.from_previous_box.toolTip()
    assert f"「{rows['2']}」" in tip and f"「{rows['4']}」" in tip


def test_the_prefilled_agency_is_selected_so_typing_replaces_it(qtbot: QtBot) -> None:
    dialog = NewReportDialog([AGENCY], lambda a, y: False, dt.date(2023, 1, 10))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    line = dialog.agency_box.lineEdit()
    assert line is not None and line.selectedText() == AGENCY
    commit_text(line, "压力测试办公室")  # what a Chinese input method gives
    assert dialog.agency == "压力测试办公室"
    dialog.reject()


def test_new_report_says_it_is_working_once_the_dialog_is_gone_and_opens_the_editor(
    qtbot: QtBot, db: Database
) -> None:
    """Issue 18 item 13: the first editor takes a moment (it loads the print modules): the dialog is
    closed first, the status bar says what is happening and the pointer waits, then the editor shows."""
    window = open_window(qtbot, db)
    seen: list[tuple[str, bool, bool]] = []
    window.statusBar().messageChanged.connect(
        lambda text: seen.append((text, QApplication.overrideCursor() is not None, window.editor is None))
    )

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, NewReportDialog)
        dialog.agency_box.setCurrentText(AGENCY)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    on_next_modal(fill)
    report_id = window.new_report()
    assert report_id is not None and window.editor is not None
    assert (f"正在新建「{AGENCY}2022年度」报告…", True, True) in seen  # before the editor was built
    assert QApplication.overrideCursor() is None and window.statusBar().currentMessage() == ""
