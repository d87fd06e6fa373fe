"""The database file itself, from the main window: 「备份数据库」 and 「恢复备份」.

`DatabaseActions` is a part of `ui.main_window.MainWindow`. A restore first keeps the current file
(core.ops.backups), and the window always ends with an open database: the restored one, or the one it had;
the windows it opened over the old file (the desk, the register) are handed the new one (`database_replaced`).
Before a restore the user is told which backup it is: its file, when it was made and the reports in it.
A backup ends with a message naming the file, with 「打开所在文件夹」.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMainWindow, QMessageBox

from core.errors import UserError, os_reason
from ui.crash import APP_TITLE, show_message

if TYPE_CHECKING:  # the storage is imported once the window is shown (see MainWindow)
    from core.ops.handles import Database
    from ui.safety import DatabaseWatch
    from ui.settings import Settings

log = logging.getLogger(__name__)


class DatabaseActions(QMainWindow):
    """The main window's backup and restore of its database file (mixed into `MainWindow`)."""

    db: Database
    watch: DatabaseWatch
    settings: Settings
    database_replaced = Signal(object)  # the database reopened after a restore: its windows read this one
    message_box: QMessageBox | None = None  # the last message shown (kept alive while open)
    refresh_list: Callable[[], None]  # MainWindow's
    close_report: Callable[[], bool]

    @Slot()
    def backup_database(self, dest: Path | None = None) -> Path | None:
        """A consistent copy wherever the user wants it (e.g. a USB stick)."""
        from core.model.vocabulary import BackupKind
        from core.paths import backup_path
        from ui.export_actions import BACKUP, ExportFolders, show_written

        folders = ExportFolders(self.settings)
        if dest is None:
            suggested = backup_path(self.db.path, BackupKind.MANUAL, dt.datetime.now())
            if BACKUP in self.settings.export_folders:  # else the backups folder, where 恢复备份 looks
                suggested = folders.folder(BACKUP) / suggested.name
            try:
                suggested.parent.mkdir(exist_ok=True)
            except OSError as exc:  # e.g. a read-only USB stick: suggest the home folder instead
                folder = suggested.parent
                self.statusBar().showMessage(
                    f"无法创建备份文件夹“{folder}”：{os_reason(exc)}。请另选保存备份的位置。", 30_000
                )
                suggested = Path.home() / suggested.name
            chosen, _ = QFileDialog.getSaveFileName(
                self, "备份数据库", str(suggested), "数据库备份 (*.sqlite3)"
            )
            if not chosen:
                return None
            dest = Path(chosen)
        try:
            self.db.backup(dest)
        except UserError as exc:
            show_message(self, exc.message)
            return None
        if dest.parent != backup_path(self.db.path, BackupKind.MANUAL, dt.datetime.now()).parent:
            folders.remember(BACKUP, dest)
        self.statusBar().showMessage(f"已备份到 {dest}", 30_000)
        self.message_box = show_written(self, "已备份数据库。", dest)
        return dest

    @Slot()
    def restore_database(self, source: Path | None = None) -> bool:
        """Replace the database with a backup, after keeping the current file; the user confirms."""
        from core.ops.backups import describe_backup, list_backups, restore_backup
        from ui.safety import reopen_after_restore

        if source is None:
            backups = list_backups(self.db.path)
            other = "从其他文件选择…"
            labels = [b.label for b in backups] + [other]
            label = self._choose(labels)
            if label is None:
                return False
            if label == other:
                chosen, _ = QFileDialog.getOpenFileName(
                    self, "选择备份文件", "", "数据库备份 (*.sqlite3);;所有文件 (*)"
                )
                if not chosen:
                    return False
                source = Path(chosen)
            else:
                source = backups[labels.index(label)].path
            answer = QMessageBox.question(
                self,
                APP_TITLE,
                f"{describe_backup(source, self.db.path)}\n\n"
                "恢复后，数据库会回到备份时的状态。当前的数据库会先另存一份，不会丢失。\n\n确定恢复吗？",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        if not self.close_report():
            return False
        path = self.db.path
        self.db.close()
        safety: Path | None = None
        try:
            safety = restore_backup(source, path)
        except UserError as exc:
            show_message(self, exc.message)
        finally:
            self.db = reopen_after_restore(path, safety, self)
            self.watch.set_database(self.db)
            self.refresh_list()
            self.database_replaced.emit(self.db)
        if safety is not None:
            self.statusBar().showMessage(f"已恢复备份；原来的数据库另存为 {safety}", 60_000)
        return safety is not None

    def _choose(self, labels: list[str]) -> str | None:
        """Which backup: a list wide enough for its labels (QInputDialog.getItem cuts them off)."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle("恢复备份")
        dialog.setLabelText("选择要恢复的备份（下一步会列出其中的报告）：")
        dialog.setComboBoxItems(labels)
        dialog.setComboBoxEditable(False)
        char = self.fontMetrics().horizontalAdvance("中")
        longest = max(self.fontMetrics().horizontalAdvance(label) for label in labels)
        dialog.resize(longest + char * 8, dialog.sizeHint().height())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.textValue()
