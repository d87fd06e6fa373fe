"""App start-up and the crash handling: the hook logs and shows the dialog, a UserError stays plain."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QCalendarWidget, QMessageBox
from pytestqt.qtbot import QtBot

from core.errors import UserError
from core.logs import setup_logging
from core.storage import Database
from tests.conftest import TESTS_ENDED
from ui.app import create_application, parse_args, run_app
from ui.crash import CrashHandler
from ui.main_window import MainWindow


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CrashHandler:
    """Our crash handler installed as the process hooks for this test (pytest-qt's restored after)."""
    handler = CrashHandler(setup_logging(tmp_path))
    monkeypatch.setattr(sys, "excepthook", handler.excepthook)
    monkeypatch.setattr(threading, "excepthook", handler.thread_excepthook)
    return handler


def _fail_in_slot() -> None:
    raise ZeroDivisionError("除零：测试用的意外错误")


def test_an_exception_in_a_slot_is_logged_and_shown_with_copyable_details(
    qtbot: QtBot, hooks: CrashHandler
) -> None:
    QTimer.singleShot(0, _fail_in_slot)
    qtbot.waitUntil(lambda: hooks.dialog is not None and hooks.dialog.isVisible())
    dialog = hooks.dialog
    assert dialog is not None
    assert "ZeroDivisionError" in dialog.details and "_fail_in_slot" in dialog.details
    log_text = hooks.log_file.read_text(encoding="utf-8")
    assert "unexpected error" in log_text and "ZeroDivisionError: 除零" in log_text
    assert str(hooks.log_file) in dialog.message.text() and "已保存" in dialog.message.text()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.details
    dialog.close()
    qtbot.waitUntil(lambda: hooks.dialog is None)
    assert QApplication.instance() is not None  # the app keeps running


def test_an_exception_in_another_thread_reaches_the_dialog(qtbot: QtBot, hooks: CrashHandler) -> None:
    thread = threading.Thread(target=_fail_in_slot)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: hooks.dialog is not None and hooks.dialog.isVisible())
    assert hooks.dialog is not None and "ZeroDivisionError" in hooks.dialog.details
    hooks.dialog.close()


def test_a_user_error_is_a_plain_message_not_a_crash(qtbot: QtBot, hooks: CrashHandler) -> None:
    def refuse() -> None:
        raise UserError("文件“甲.json”不是有效的 JSON。")

    QTimer.singleShot(0, refuse)
    qtbot.waitUntil(lambda: hooks.message is not None and hooks.message.isVisible())
    assert hooks.message is not None and hooks.message.text() == "文件“甲.json”不是有效的 JSON。"
    assert hooks.dialog is None
    assert "unexpected error" not in hooks.log_file.read_text(encoding="utf-8")
    hooks.message.close()


def test_db_option_is_parsed_and_a_bad_option_exits_with_a_chinese_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert parse_args(["--db", "D:/年报.sqlite3"]).db == Path("D:/年报.sqlite3")
    assert parse_args([]).db is None
    with pytest.raises(SystemExit) as exited:
        parse_args(["--nonsense"])
    assert exited.value.code == 2 and "命令行参数有误" in capsys.readouterr().err


def test_a_file_that_is_not_a_database_is_explained_and_the_app_exits(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    not_ours = tmp_path / "照片.sqlite3"
    not_ours.write_bytes(b"\x89PNG not a database" * 10)
    seen: list[str] = []

    mine = TESTS_ENDED[0]

    def read_and_close() -> None:
        if TESTS_ENDED[0] != mine:
            return  # the test is over: a later test's dialogs are its own
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.close()
        else:
            QTimer.singleShot(20, read_and_close)

    QTimer.singleShot(0, read_and_close)
    assert run_app(["--db", str(not_ours)]) == 2
    assert seen and seen[0].startswith("无法打开数据库")
    assert not_ours.read_bytes().startswith(b"\x89PNG")  # untouched


def test_the_app_opens_its_window_on_the_database_given_by_db(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    path = tmp_path / "U盘" / "年报.sqlite3"
    path.parent.mkdir()
    shown: list[str] = []

    def look_and_close() -> None:
        windows = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.attached and w.isVisible()
        ]
        if not windows:
            QTimer.singleShot(20, look_and_close)
            return
        shown.append(str(windows[0].db.path))
        windows[0].close()  # the last window: the app quits

    QTimer.singleShot(0, look_and_close)
    assert run_app(["--db", str(path)]) == 0
    assert shown == [str(path)]
    with Database.open(path) as db:
        assert db.list_reports() == []


def test_qts_own_dialogs_and_month_names_are_chinese_on_an_english_system(qtbot: QtBot) -> None:
    app = create_application()
    app.removeTranslator(app._nianbao_translator)  # type: ignore[attr-defined]  # as on a fresh start
    app._nianbao_translator = None  # type: ignore[attr-defined]
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))  # an English PC
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "Look in:"
    create_application()
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    calendar = QCalendarWidget()
    qtbot.addWidget(calendar)
    calendar.setCurrentPage(2022, 1)
    assert calendar.locale().monthName(1) == "一月" and QLocale().standaloneDayName(1) == "星期一"
