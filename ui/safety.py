"""Keeping the database safe while the app runs: one writer, damaged-file recovery, daily backups,
and noticing changes made by another process (e.g. `main.py db import` while the app is open).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from core.backups import ensure_daily_backup, latest_good_backup, restore_backup
from core.errors import UserError
from core.storage import Database, DatabaseDamaged, NotOurDatabase
from ui.crash import APP_TITLE, confirmed

log = logging.getLogger(__name__)

BACKUP_CHECK_MS = 60 * 60 * 1000  # a new day's backup is made within the hour
EXTERNAL_CHECK_MS = 2000


def open_database(path: Path, parent: QWidget | None = None) -> Database | None:
    """Open the database; when it is damaged or not usable, offer the latest good backup.

    Returns None when the user declines (the app then exits); the damaged file is only replaced with
    the user's consent, and a byte-for-byte copy of it is kept first.
    """
    try:
        db = Database.open(path)
        problems = db.integrity_check()
        if db.recovery_note:  # commits lost in a damaged -wal: the evidence is kept, the user is told
            QMessageBox.warning(parent, APP_TITLE, db.recovery_note)
        if not problems:
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
    backup = latest_good_backup(path)
    if backup is None:
        QMessageBox.critical(parent, APP_TITLE, f"无法打开数据库。\n\n{reason}\n\n没有找到可用的备份。")
        return None
    answer = QMessageBox.question(
        parent,
        APP_TITLE,
        f"无法打开数据库。\n\n{reason}\n\n找到一份完好的备份：{backup.label}。\n"
        "是否用这份备份恢复？当前的文件会先原样另存一份，不会丢失。",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    try:
        safety = restore_backup(backup.path, path)
        db = Database.open(path)
    except UserError as exc:
        QMessageBox.critical(parent, APP_TITLE, f"恢复失败。\n\n{exc.message}")
        return None
    kept = f"原来的文件已另存为：\n{safety}" if safety else ""
    QMessageBox.information(parent, APP_TITLE, f"已用 {backup.label} 恢复数据库。\n{kept}")
    return db


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
    """Daily automatic backups and notice of commits made by other processes."""

    externallyChanged = Signal()
    backupFailed = Signal(str)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._version = db.data_version()
        self._backup_timer = QTimer(self, interval=BACKUP_CHECK_MS)
        self._backup_timer.timeout.connect(self.backup_if_due)
        self._change_timer = QTimer(self, interval=EXTERNAL_CHECK_MS)
        self._change_timer.timeout.connect(self.check_external)
        self._backup_timer.start()
        self._change_timer.start()

    def set_database(self, db: Database) -> None:
        self.db = db
        self._version = db.data_version()

    @Slot()
    def backup_if_due(self) -> None:
        if self.db.closed:  # the window is closing (or swapping in a restored file)
            return
        try:
            made = ensure_daily_backup(self.db)
        except UserError as exc:  # e.g. a full disk: the app keeps working, the user is told
            log.warning("automatic backup failed: %s", exc.message)
            self.backupFailed.emit(f"自动备份未能完成：{exc.message}")
            return
        if made:
            log.info("automatic backup %s", made)

    @Slot()
    def check_external(self) -> None:
        if self.db.closed:
            return
        try:
            version = self.db.data_version()
        except UserError:
            return
        if version != self._version:
            self._version = version
            self.externallyChanged.emit()
