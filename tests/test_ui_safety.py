"""The app keeps the database safe: one writer, damaged files recovered from a backup with consent,
daily automatic backups, in-app backup and restore, and imports by another process shown at once."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from core.backups import list_backups, make_backup
from core.instance_lock import InstanceLock
from core.storage import Database
from tests.conftest import SEED_JSON
from tests.helpers import natural_persons, run_main
from ui.app import create_application, run_app
from ui.main_window import MainWindow
from ui.safety import open_database


@pytest.fixture
def window(qtbot: QtBot, seeded_db_path: Path) -> MainWindow:
    win = MainWindow(Database.open(seeded_db_path))
    qtbot.addWidget(win)
    yield win
    win.close()
    win.db.close()


_answering: list[bool] = []  # one flag per test; cleared at its end so no loop outlives its test


@pytest.fixture(autouse=True)
def _stop_answering() -> Iterator[None]:
    yield
    _answering.clear()


def answer_dialogs(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    """Answer every message box that appears (they are modal) with `button`, recording their texts."""
    _answering.append(True)

    def look() -> None:
        if not _answering:
            return  # the test is over: a later test's messages are its own
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            target = box.button(button) or box.button(QMessageBox.StandardButton.Ok)
            target.click()
        QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


def test_a_second_app_on_the_same_database_is_refused(
    qtbot: QtBot, seeded_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    seen: list[str] = []
    answer_dialogs(QMessageBox.StandardButton.Ok, seen)
    with InstanceLock(seeded_db_path) as first_app:
        assert first_app.acquire()
        assert run_app(["--db", str(seeded_db_path)]) == 2
    assert seen and "已经在另一个年报助手窗口中打开" in seen[0]


def test_a_damaged_database_offers_the_latest_good_backup_and_keeps_the_damaged_file(
    qtbot: QtBot, seeded_db_path: Path
) -> None:
    with Database.open(seeded_db_path) as db:
        make_backup(db, "auto")
    seeded_db_path.write_bytes(seeded_db_path.read_bytes()[:3000])  # truncated, as after a failed USB copy
    damaged = seeded_db_path.read_bytes()
    seen: list[str] = []
    answer_dialogs(QMessageBox.StandardButton.Yes, seen)
    db = open_database(seeded_db_path)
    assert db is not None
    with db:
        assert [s.agency for s in db.list_reports()] == ["温县人民政府办公室"]
    assert "找到一份完好的备份" in seen[0] and "已损坏" in seen[0]
    kept = [b for b in list_backups(seeded_db_path) if b.kind == "before-restore"]
    assert kept and kept[0].path.read_bytes() == damaged


def test_declining_the_backup_leaves_the_damaged_file_untouched(qtbot: QtBot, seeded_db_path: Path) -> None:
    with Database.open(seeded_db_path) as db:
        make_backup(db, "auto")
    seeded_db_path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    damaged = seeded_db_path.read_bytes()
    seen: list[str] = []
    answer_dialogs(QMessageBox.StandardButton.No, seen)
    assert open_database(seeded_db_path) is None
    assert seeded_db_path.read_bytes() == damaged


def test_a_damaged_database_without_backups_is_explained(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "别人的.sqlite3"
    path.write_text("这不是数据库", encoding="utf-8")
    seen: list[str] = []
    answer_dialogs(QMessageBox.StandardButton.Ok, seen)
    assert open_database(path) is None
    assert "没有找到可用的备份" in seen[0]
    assert path.read_text(encoding="utf-8") == "这不是数据库"


def test_opening_the_app_makes_the_days_automatic_backup(window: MainWindow, seeded_db_path: Path) -> None:
    assert [b.kind for b in list_backups(seeded_db_path)] == ["auto"]


def test_backup_and_restore_from_the_menu_keep_the_current_file(
    qtbot: QtBot, window: MainWindow, seeded_db_path: Path, tmp_path: Path
) -> None:
    copy = window.backup_database(tmp_path / "U盘备份.sqlite3")
    assert copy is not None
    report_id = window.db.list_reports()[0].id
    window.open_report(report_id)
    assert window.document is not None
    window.document.set_values({"requests.1.natural_person": Decimal(99)})
    assert window.restore_database(copy)
    assert window.document is None  # the report was closed before its file was replaced
    assert window.db.load_report(report_id).values["requests.1.natural_person"] == 22
    kept = [b for b in list_backups(seeded_db_path) if b.kind == "before-restore"]
    assert kept and natural_persons(kept[0].path) == 99
    window.db.set_values(report_id, {"requests.1.natural_person": Decimal(21)})  # the new file works


def test_an_import_by_another_program_shows_up_in_the_open_report(
    qtbot: QtBot, window: MainWindow, seeded_db_path: Path, tmp_path: Path
) -> None:
    report_id = window.db.list_reports()[0].id
    window.open_report(report_id)
    document = window.document
    assert document is not None
    changed = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    changed["requests"]["1"]["natural_person"] = 30
    path = tmp_path / "新版本.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    result = run_main("db", "import", path, "--db", seeded_db_path)
    assert result.returncode == 0, result.stderr
    qtbot.waitUntil(lambda: document.report.values["requests.1.natural_person"] == 30, timeout=5000)
    assert any(f.rule == "B.BALANCE" for f in document.findings)  # the imported numbers are checked


def test_qt_dialogs_speak_chinese(qtbot: QtBot) -> None:
    create_application()
    box = QMessageBox(QMessageBox.Icon.Question, "年报助手", "？", QMessageBox.StandardButton.Yes)
    qtbot.addWidget(box)
    yes: Callable[[], str] = box.button(QMessageBox.StandardButton.Yes).text
    assert "是" in yes()
