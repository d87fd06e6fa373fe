"""Keeping the database safe while the app runs: one writer, damaged-file recovery, daily backups,
and noticing changes made by another process (e.g. `main.py db import` while the app is open).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from core.backups import backup_due, ensure_daily_backup, latest_good_backup, restore_backup
from core.errors import UserError
from core.storage import Database
from ui.crash import APP_TITLE

log = logging.getLogger(__name__)

EXTERNAL_CHECK_MS = 2000


def open_database(path: Path, parent: QWidget | None = None) -> Database | None:
    """Open the database; when it is damaged or not usable, offer the latest good backup.

    Returns None when the user declines (the app then exits); the damaged file is only replaced with
    the user's consent, and a byte-for-byte copy of it is kept first.
    """
    try:
        db = Database.open(path)
        problems = db.integrity_check()
        if not problems:
            return db
        db.close()
        reason = f"数据库“{path.name}”未通过完整性检查，可能已损坏。"
    except UserError as exc:
        reason = exc.message
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
        if outcome.pruned.problem:
            self.backupFailed.emit(outcome.pruned.problem)

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
