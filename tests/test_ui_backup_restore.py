"""「备份数据库」 says where the copy is (with 「打开所在文件夹」); 「恢复备份」 says which backup it will
restore — its file, when it was made and the reports in it — before anything is replaced (issue 18,
items 11 and 13). A real database file, real backups, the real dialogs answered as a user would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from core.ops.backups import list_backups
from core.paths import backup_path
from core.storage import Database
from tests.helpers import distinct_report
from tests.qt_helpers import on_next_modal, open_window
from ui.export_actions import OPEN_FOLDER


def test_backup_names_its_file_and_restore_lists_what_the_backup_holds(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    db.create_report(distinct_report("温县水利局", 2021, base=3))
    final_id = db.create_report(distinct_report("温县财政局", 2022, base=5))
    db.set_status(final_id, "final")
    window = open_window(qtbot, db)
    (tmp_path / "U盘").mkdir()
    copy = window.backup_database(tmp_path / "U盘" / "备份.sqlite3")
    assert copy is not None and copy.exists()
    box = window.message_box
    assert box is not None and box.isVisible() and str(copy) in box.text()
    assert OPEN_FOLDER in [b.text() for b in box.buttons()]
    box.close()
    made = backup_path(db.path, "manual", dt.datetime(2023, 1, 9, 16, 30, 5))
    made.parent.mkdir(exist_ok=True)
    assert window.backup_database(made) == made
    assert window.message_box is not None
    window.message_box.close()
    [listed] = list_backups(db.path)

    db.create_report(distinct_report("温县审计局", 2021, base=7))  # after the backups: not in them
    window.refresh_list()
    asked: list[str] = []
    fits: list[bool] = []

    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        items = dialog.comboBoxItems()
        assert items == [listed.label, "从其他文件选择…"]
        fits.append(dialog.width() > dialog.fontMetrics().horizontalAdvance(listed.label))
        dialog.setTextValue(listed.label)
        on_next_modal(decline)
        dialog.accept()

    def decline(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.No).click()

    on_next_modal(choose)
    assert window.restore_database() is False  # the user read what it holds and said no
    [text] = asked
    assert made.name in text and f"备份时间：{listed.label}" in text and "其中有 2 份报告" in text
    assert "温县水利局 2021年度（草稿）" in text and "温县财政局 2022年度（定稿）" in text
    assert "温县审计局" not in text
    assert fits == [True]  # the list is wide enough for its labels
    assert len(window.db.list_reports()) == 3  # nothing was restored
