"""「帮助 → 关于」 names the version and the database file in use."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core import __version__
from core.ops.backups import backup_folder
from core.storage import Database
from tests.qt_helpers import open_window


def test_about_shows_the_version_and_the_database_file(qtbot: QtBot, db: Database) -> None:
    window = open_window(qtbot, db)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "帮助(&H)")
    about = next(a for a in help_menu.actions() if a.text().startswith("关于"))
    about.trigger()
    box = window._about
    qtbot.waitUntil(box.isVisible)
    assert isinstance(box, QMessageBox)
    assert __version__ in box.text() and str(db.path) in box.text()
    assert str(backup_folder(db.path)) in box.text()
    box.close()
