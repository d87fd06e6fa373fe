"""The app keeps the database safe: one writer, damaged files recovered from a backup with consent,
daily automatic backups, in-app backup and restore, and imports by another process shown at once."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from core.errors import UserError
from core.ops.backups import backup_folder, list_backups, make_backup
from core.storage import Database
from core.storage.instance_lock import InstanceLock
from tests.conftest import SEED_JSON, TESTS_ENDED
from tests.helpers import natural_persons, run_main
from tests.qt_helpers import on_next_modal
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


def answer_dialogs(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    """Answer every message box that appears (they are modal) with `button`, recording their texts."""
    mine = TESTS_ENDED[0]

    def look() -> None:
        if TESTS_ENDED[0] != mine:
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


def in_turn(*actions: Callable[[QWidget], None]) -> None:
    """Act on each of the next modal dialogs in turn (a user answering them one after another)."""
    pending = list(actions)

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        # marked on the dialog itself: a new dialog may reuse a closed one's address (and wrapper)
        if widget is not None and widget.isVisible() and not widget.property("answered"):
            widget.setProperty("answered", True)
            pending.pop(0)(widget)
        if pending and TESTS_ENDED[0] == mine:
            QTimer.singleShot(10, poll)

    mine = TESTS_ENDED[0]
    QTimer.singleShot(0, poll)


def click(text: str | None, seen: list[str]) -> Callable[[QWidget], None]:
    """Read a message box and click its button `text` (None: its only button)."""

    def act(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        seen.append(widget.text())
        buttons = [b for b in widget.buttons() if text is None or b.text() == text]
        if buttons:
            buttons[0].click()
        else:
            widget.close()  # no such choice: the test fails on what follows, it does not hang

    return act


def choose_file(path: Path) -> Callable[[QWidget], None]:
    def act(widget: QWidget) -> None:
        assert isinstance(widget, QFileDialog)
        widget.setDirectory(str(path.parent))
        widget.selectFile(path.name)
        widget.done(QFileDialog.DialogCode.Accepted)  # as 「打开」 does, without its checks of a typed name

    return act


TRUNCATED = b"SQLite format 3\x00" + b"\x00" * 50  # damage, not a foreign file


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    path = tmp_path / "损坏的年报.sqlite3"  # beside the seeded database (年报.sqlite3), not it
    path.write_bytes(TRUNCATED)
    return path


def test_a_damaged_database_without_backups_can_quit_and_is_untouched(qtbot: QtBot, damaged: Path) -> None:
    seen: list[str] = []
    in_turn(click("退出", seen))
    assert open_database(damaged) is None
    assert "没有找到可用的备份" in seen[0] and "损坏" in seen[0]
    assert damaged.read_bytes() == TRUNCATED


def _files_chosen(
    monkeypatch: pytest.MonkeyPatch, opened: Path | None = None, saved: Path | None = None
) -> None:
    """The file the user picks in Qt's open / save dialogs (the dialogs themselves are Qt's)."""
    for name, path in (("getOpenFileName", opened), ("getSaveFileName", saved)):
        monkeypatch.setattr(QFileDialog, name, lambda *a, p=path, **k: (str(p or ""), ""))


def test_a_damaged_database_without_backups_is_restored_from_a_chosen_backup_file(
    qtbot: QtBot, damaged: Path, seeded_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usb = tmp_path / "U盘"
    usb.mkdir()
    with Database.open(seeded_db_path) as db:
        db.backup(usb / "年报备份.sqlite3")
    _files_chosen(monkeypatch, opened=usb / "年报备份.sqlite3")
    seen: list[str] = []
    in_turn(click("恢复备份…", seen), click(None, seen))
    db = open_database(damaged)
    assert db is not None
    with db:
        assert db.path == damaged and [s.agency for s in db.list_reports()] == ["温县人民政府办公室"]
    assert "没有找到可用的备份" in seen[0] and "已用备份“年报备份.sqlite3”恢复数据库" in seen[1]
    kept = [b for b in list_backups(damaged) if b.kind == "before-restore"]
    assert kept and kept[0].path.read_bytes() == TRUNCATED  # the damaged file, kept byte for byte


def test_a_damaged_database_without_backups_can_open_another_and_stays_untouched(
    qtbot: QtBot, damaged: Path, seeded_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _files_chosen(monkeypatch, saved=seeded_db_path)
    seen: list[str] = []
    in_turn(click("打开其他数据库…", seen))
    db = open_database(damaged)
    assert db is not None
    with db:
        assert db.path == seeded_db_path and len(db.list_reports()) == 1
    assert damaged.read_bytes() == TRUNCATED and list_backups(damaged) == []


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


def _seed_id(window: MainWindow) -> int:
    return window.db.list_reports()[0].id


def test_no_backup_at_start_the_first_change_of_the_day_makes_it(
    window: MainWindow, seeded_db_path: Path
) -> None:
    assert list_backups(seeded_db_path) == []  # at start there may be nothing worth keeping yet
    window.db.set_values(_seed_id(window), {"requests.1.natural_person": Decimal(31)})
    window.watch.check_external()  # the timer's check, without waiting for it
    assert [b.kind for b in list_backups(seeded_db_path)] == ["auto"]
    assert natural_persons(list_backups(seeded_db_path)[0].path) == 31  # it holds the change
    window.db.set_values(_seed_id(window), {"requests.1.natural_person": Decimal(32)})
    window.watch.check_external()
    assert len(list_backups(seeded_db_path)) == 1  # one a day
    window.close()  # changed since that backup: the state the user leaves is kept too
    backups = list_backups(seeded_db_path)
    assert natural_persons(backups[0].path) == 32 and all(b.kind == "auto" for b in backups)


def test_day_one_an_empty_database_closed_unchanged_gets_no_backup(qtbot: QtBot, db_path: Path) -> None:
    win = MainWindow(Database.open(db_path))
    qtbot.addWidget(win)
    win.close()
    win.db.close()
    assert list_backups(db_path) == []


def test_a_database_with_reports_but_no_backup_today_is_backed_up_at_close(
    window: MainWindow, seeded_db_path: Path
) -> None:
    window.close()
    assert [b.kind for b in list_backups(seeded_db_path)] == ["auto"]


def test_an_old_backup_that_cannot_be_removed_does_not_stop_the_app(
    qtbot: QtBot, seeded_db_path: Path
) -> None:
    with Database.open(seeded_db_path) as db:
        for day in range(1, 16):  # fifteen days of backups from last month: some are due for removal
            make_backup(db, "auto", dt.datetime(2026, 1, day, 9, 0))
    held = list_backups(seeded_db_path)[-1].path
    held.unlink()
    (held / "held").mkdir(parents=True)  # unlink refuses it, as Windows does a file another program holds
    win = MainWindow(Database.open(seeded_db_path))
    qtbot.addWidget(win)
    win.show()
    win.db.set_values(_seed_id(win), {"requests.1.natural_person": Decimal(33)})
    win.watch.check_external()
    assert (
        "旧的自动备份未能删除" in win.statusBar().currentMessage()
        and held.name in win.statusBar().currentMessage()
    )
    assert held.exists() and list_backups(seeded_db_path)[0].at.date() == dt.date.today()
    win.close()
    win.db.close()


def test_backup_from_the_menu_when_the_backup_folder_cannot_be_made(
    qtbot: QtBot, window: MainWindow, seeded_db_path: Path
) -> None:
    backup_folder(seeded_db_path).write_text("一个文件占了文件夹的名字", encoding="utf-8")
    offered: list[str] = []

    def cancel(widget: QWidget) -> None:
        assert isinstance(widget, QFileDialog)
        offered.append(widget.directory().absolutePath())
        widget.reject()

    on_next_modal(cancel)
    assert window.backup_database() is None
    assert "无法创建备份文件夹" in window.statusBar().currentMessage()
    assert offered == [str(Path.home())]


def test_restore_when_the_database_cannot_be_reopened_for_writing_leaves_a_usable_window(
    qtbot: QtBot, window: MainWindow, seeded_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = window.backup_database(tmp_path / "U盘备份.sqlite3")
    assert copy is not None
    window.db.set_values(_seed_id(window), {"requests.1.natural_person": Decimal(98)})
    connect = sqlite3.connect

    def locked(target: object, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if target == str(seeded_db_path):  # another program holds the file: no writing connection
            target = str(tmp_path / "没有的文件夹" / "x.sqlite3")  # SQLite's own 'cannot open' error
        return connect(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", locked)
    assert window.restore_database(copy)
    assert not window.db.closed
    assert window.db.load_report(_seed_id(window)).values["requests.1.natural_person"] == 22
    assert window.report_list.item_for(_seed_id(window)) is not None
    window.open_report(_seed_id(window))  # the restored report can be looked at
    assert window.document is not None
    with pytest.raises(UserError):  # and a change is refused in words, not by a closed connection
        window.db.set_values(_seed_id(window), {"requests.1.natural_person": Decimal(1)})
    monkeypatch.undo()
