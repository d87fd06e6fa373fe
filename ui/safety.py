"""Keeping the database safe while the app runs: one writer, damaged-file recovery, daily backups,
and noticing changes made by another process (e.g. `main.py db import` while the app is open).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from core.errors import UserError
from core.ops.backups import (
    Backup,
    backup_due,
    ensure_daily_backup,
    latest_good_backup,
    restore_backup,
)
from core.ops.handles import Database, DatabaseDamaged, NotOurDatabase
from core.paths import backup_folder
from ui.crash import APP_TITLE, confirmed, show_message

log = logging.getLogger(__name__)

EXTERNAL_CHECK_MS = 2000


class DamagedDatabaseDialog(QMessageBox):
    """The database cannot be used: restore the latest good backup (when there is one, as Yes), pick a
    backup file (「恢复备份…」), open another database (「打开其他数据库…」), or quit (No)."""

    def __init__(self, reason: str, backup: Backup | None, parent: QWidget | None) -> None:
        if backup is not None:
            offer = (
                f"找到一份完好的备份：{backup.label}。\n"
                "是否用这份备份恢复？当前的文件会先原样另存一份，不会丢失。"
            )
        else:
            offer = (
                "没有找到可用的备份。可以选择一个备份文件来恢复（当前的文件会先原样另存一份），"
                "或者打开其他数据库；当前的文件不会被改动。"
            )
        text = f"无法打开数据库。\n\n{reason}\n\n{offer}"
        no_buttons = QMessageBox.StandardButton.NoButton
        super().__init__(QMessageBox.Icon.Warning, APP_TITLE, text, no_buttons, parent)
        self.backup = backup
        if backup is not None:
            self.addButton(QMessageBox.StandardButton.Yes).setText("用这份备份恢复")
        self.pick_button = self.addButton("恢复备份…", QMessageBox.ButtonRole.ActionRole)
        self.other_button = self.addButton("打开其他数据库…", QMessageBox.ButtonRole.ActionRole)
        quit_button = self.addButton(QMessageBox.StandardButton.No)
        quit_button.setText("退出")
        self.setEscapeButton(quit_button)


def _ask(path: Path, reason: str, backup: Backup | None, parent: QWidget | None) -> tuple[str, Path] | None:
    """Ask what to do with the unusable `path`: ("restore", backup file) or ("open", database file)."""
    while True:
        dialog = DamagedDatabaseDialog(reason, backup, parent)
        dialog.exec()
        clicked = dialog.clickedButton()
        if backup is not None and clicked is dialog.button(QMessageBox.StandardButton.Yes):
            return "restore", backup.path
        if clicked is dialog.pick_button:
            folder = backup_folder(path) if backup_folder(path).is_dir() else path.parent
            name, _ = QFileDialog.getOpenFileName(
                parent, "选择备份文件", str(folder), "数据库备份 (*.sqlite3);;所有文件 (*)"
            )
            if name:
                return "restore", Path(name)
        elif clicked is dialog.other_button:
            name, _ = QFileDialog.getSaveFileName(
                parent,
                "打开或新建数据库",
                str(path.parent),
                "年报助手数据库 (*.sqlite3);;所有文件 (*)",
                options=QFileDialog.Option.DontConfirmOverwrite,
            )
            if name:
                return "open", Path(name)
        else:
            return None


def open_database(path: Path, parent: QWidget | None = None) -> Database | None:
    """Open the database; when it is damaged or not usable, offer a backup or another database.

    Returns None when the user quits (the app then exits). The returned database may be another file
    than `path` (see its `.path`). A damaged file is only replaced with the user's consent, after a
    byte-for-byte copy of it is kept; opening another database leaves it as it is.
    """
    while True:
        try:
            db = Database.open(path, keep_log=True)  # the app holds the lock: a log left is a crash's
            if db.recovery_note:  # commits lost in a damaged -wal: the evidence is kept, the user is told
                QMessageBox.warning(parent, APP_TITLE, db.recovery_note)
            if not db.integrity_check():
                return db
            db.close()
            reason = f"数据库“{path.name}”未通过完整性检查，可能已损坏。"
        except DatabaseDamaged as exc:  # only real damage offers a restore; newer or foreign files never
            reason = exc.message
        except NotOurDatabase as exc:
            return open_another(exc.message, parent)
        except UserError as exc:  # newer, locked, no permission…: say so and leave the file as it is
            QMessageBox.critical(parent, APP_TITLE, f"无法打开数据库。\n\n{exc.message}")
            return None
        log.warning("cannot open %s: %s", path, reason)
        choice = _ask(path, reason, latest_good_backup(path), parent)
        if choice is None:
            return None
        action, chosen = choice
        if action == "open":
            path = chosen
            continue
        try:
            safety = restore_backup(chosen, path)
        except UserError as exc:
            QMessageBox.critical(parent, APP_TITLE, f"恢复失败。\n\n{exc.message}")
            continue
        kept = f"原来的文件已另存为：\n{safety}" if safety else ""
        QMessageBox.information(parent, APP_TITLE, f"已用备份“{chosen.name}”恢复数据库。\n{kept}")


def open_read_only(path: Path, reason: str, parent: QWidget | None = None) -> Database | None:
    """The database cannot be locked for writing (a full disk, a read-only folder): offer to read it."""
    question = f"无法以可修改的方式打开数据库。\n\n{reason}\n\n是否以只读方式打开？（只能查看、导出和打印）"
    if not confirmed(parent, question):
        return None
    try:
        return Database.open(path, read_only=True)
    except UserError as exc:
        QMessageBox.critical(parent, APP_TITLE, f"无法打开数据库。\n\n{exc.message}")
        return None


def open_another(reason: str, parent: QWidget | None = None) -> Database | None:
    """A file that is not ours: offer to open another database or create a new one (None: quit)."""
    box = QMessageBox(QMessageBox.Icon.Warning, APP_TITLE, f"无法打开数据库。\n\n{reason}", parent=parent)
    open_button = box.addButton("打开其他数据库…", QMessageBox.ButtonRole.AcceptRole)
    new_button = box.addButton("新建数据库…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    pattern = "年报助手数据库 (*.sqlite3)"
    if box.clickedButton() is open_button:
        name, _ = QFileDialog.getOpenFileName(parent, "打开其他数据库", "", pattern)
    elif box.clickedButton() is new_button:
        name, _ = QFileDialog.getSaveFileName(parent, "新建数据库", "年报.sqlite3", pattern)
    else:
        return None
    return open_database(Path(name), parent) if name else None


class DatabaseWatch(QObject):
    """The day's automatic backup, and notice of commits made by other processes.

    The backup is taken after the day's first change (ours or another program's) and at close, not at
    start-up: on day one a start-up backup would only keep the empty database. Backup problems
    (a full disk, an old backup another program holds) are told through `backupFailed`; the app goes on.
    """

    externallyChanged = Signal()
    backupFailed = Signal(str)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._change_timer = QTimer(self, interval=EXTERNAL_CHECK_MS)
        self._change_timer.timeout.connect(self.check_external)
        self.set_database(db)
        self._change_timer.start()

    def set_database(self, db: Database) -> None:
        self.db = db
        self._version = db.data_version()
        self._writes = db.change_count()
        self._backed_up: dt.date | None = None  # the day of this session's last automatic backup
        self._changed_since_backup = False

    def _backup(self, force: bool = False) -> None:
        try:
            outcome = ensure_daily_backup(self.db, force=force)
        except UserError as exc:  # e.g. a full disk: the app keeps working, the user is told
            log.warning("automatic backup failed: %s", exc.message)
            self.backupFailed.emit(f"自动备份未能完成：{exc.message}")
            return
        self._backed_up = dt.date.today()
        self._changed_since_backup = False
        if outcome.path:
            log.info("automatic backup %s", outcome.path)
        if outcome.problem:
            self.backupFailed.emit(outcome.problem)

    @Slot()
    def changed(self) -> None:
        """Something was written: the day's first change gets the day's backup."""
        self._changed_since_backup = True
        if self._backed_up != dt.date.today() and not self.db.closed:
            self._backup()

    def backup_at_close(self) -> None:
        """The state the user leaves, when it is worth keeping: changed since the last backup, or no
        backup today of a database that holds reports."""
        if self.db.closed:
            return
        if self._changed_since_backup:
            self._backup(force=self._backed_up == dt.date.today())
        elif backup_due(self.db.path) and self.db.agencies():
            self._backup()

    @Slot()
    def check_external(self) -> None:
        if self.db.closed:
            return
        try:
            version, writes = self.db.data_version(), self.db.change_count()
        except UserError:
            return
        if writes != self._writes:
            self._writes = writes
            self.changed()
        if version != self._version:
            self._version = version
            self.changed()
            self.externallyChanged.emit()


def reopen_after_restore(path: Path, safety: Path | None, parent: QWidget | None = None) -> Database:
    """The database after a restore. Should it not open for writing (e.g. another program holds
    it), the window still gets a connection: read-only, to look at and export, never a closed one."""
    try:
        return Database.open(path)
    except UserError as exc:
        reason = exc.message
    log.warning("reopening %s after a restore failed: %s", path, reason)
    for candidate in (path, safety):
        if candidate is None:
            continue
        try:
            db = Database.open(candidate, read_only=True)
        except UserError:
            continue
        show_message(
            parent,
            f"数据库恢复后无法以可写方式打开：{reason}\n\n现在以只读方式显示“{candidate.name}”，"
            "可以查看和导出，但不能修改。请关闭占用该文件的程序后，重新启动年报助手。",
        )
        return db
    raise UserError(f"数据库恢复后无法打开：{reason}请重新启动年报助手。")
