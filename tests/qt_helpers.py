"""Helpers the UI tests share: a main window on a database, the seed imported into it, a hand on the
next modal dialog, text committed as an input method commits it, and another program's write lock."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from core.storage import Database
from tests.conftest import ROOT, SEED_JSON, TESTS_ENDED
from tests.helpers import WriteLock as WriteLock  # Qt-free, shared with the tests of core.ops
from ui.fonts import ensure_chinese_font
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.sign_print import SignPrintPage

if TYPE_CHECKING:
    from ui.desk_window import DeskWindow

TODAY = dt.date(2023, 1, 10)  # reports written in January 2023 are about 2022


def open_window(
    qtbot: QtBot, db: Database, settings: Settings | None = None, today: dt.date = TODAY
) -> MainWindow:
    """The main window on `db`, shown, with the bundled Chinese font when the machine has none."""
    ensure_chinese_font()
    window = MainWindow(db, settings or Settings(), today=lambda: today)
    qtbot.addWidget(window)
    window.show()
    return window


def import_seed(window: MainWindow) -> int:
    """Import the seed report file through the window, as 「导入」 does; its report id."""
    report_id = window.import_file(SEED_JSON)
    assert report_id is not None
    return report_id


def seed_window(db: Database, size: tuple[int, int]) -> tuple[MainWindow, int]:
    """A shown window of `size` (for screenshots, outside qtbot) with the seed imported; its report id."""
    ensure_chinese_font()
    window = MainWindow(db, Settings(), today=lambda: TODAY)
    window.resize(*size)
    window.show()
    report_id = import_seed(window)
    window._message.close()
    return window, report_id


def open_seed_report(qtbot: QtBot, db: Database) -> MainWindow:
    """A shown window with the seed report imported and open."""
    window = open_window(qtbot, db)
    report_id = import_seed(window)
    window._message.close()
    window.open_report(report_id)
    return window


def open_sign_page(qtbot: QtBot, db: Database) -> SignPrintPage:
    """The seed report open at 「签署与打印」, its preview shown."""
    window = open_seed_report(qtbot, db)
    assert window.editor is not None
    page = window.editor.sign_page
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        window.editor.show_page(window.editor.nav.count() - 1)
    return page


def open_desk(qtbot: QtBot, folder: Path, roster: Sequence[str], year: int, tmp_path: Path) -> DeskWindow:
    """The desk window at 1366×768 with a roster file of these names, for `year`, receiving `folder`
    (still reading it when this returns)."""
    from ui.desk_window import DeskWindow

    ensure_chinese_font()
    window = DeskWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    roster_file = tmp_path / "名单.csv"
    roster_file.write_text("单位名称\n" + "\n".join(roster) + "\n", "utf-8")
    window.set_roster(roster_file)
    window.year_box.setValue(year)
    window.open_folder(folder)
    return window


def on_next_modal(action: Callable[[QWidget], None]) -> None:
    """Act on the next modal dialog once it is shown (a test's hand on the keyboard)."""

    mine = TESTS_ENDED[0]

    def poll() -> None:
        if TESTS_ENDED[0] != mine:
            return  # the test is over: a later test's dialogs are its own
        widget = QApplication.activeModalWidget()
        if widget is None or not widget.isVisible():
            QTimer.singleShot(10, poll)
        else:
            action(widget)

    QTimer.singleShot(0, poll)


def answer_next_box(button: QMessageBox.StandardButton) -> list[str]:
    """Answer the next modal message box with `button`; the list gets the box's text once answered."""
    asked: list[str] = []

    def answer(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        box.button(button).click()

    on_next_modal(answer)
    return asked


def commit_text(widget: QWidget, text: str) -> None:
    """What an input method (Chinese, or full-width digits) does when the user picks a phrase."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def shot_folders(tmp_path: Path) -> list[Path]:
    """Where screenshots go: the test's tmp folder, and NIANBAO_SHOTS when it names a folder (to look at)."""
    folders = [tmp_path / "shots"]
    if os.environ.get("NIANBAO_SHOTS"):
        folders.append(Path(os.environ["NIANBAO_SHOTS"]))
    return folders


def run_at_150_percent(script: str, args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run a test module as a child process at 150 % (QT_SCALE_FACTOR must be set before Qt starts), on a
    1920×1080 screen (the offscreen platform's own is 800×800, which a window is kept within)."""
    config = tmp_path / "screen-1920x1080.json"
    screen = {"name": "office", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    platform = f"offscreen:configfile={config}"
    env = dict(os.environ, QT_SCALE_FACTOR="1.5", QT_QPA_PLATFORM=platform, XDG_DATA_HOME=str(tmp_path))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, script, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def answer_boxes(choice: str | QMessageBox.StandardButton, seen: list[str], once: bool = False) -> None:
    """Answer every message box that appears with that standard button, or the button whose text starts
    with `choice` (else its first button), recording the boxes' texts; `once`: only the first box."""

    mine = TESTS_ENDED[0]

    def look() -> None:
        if TESTS_ENDED[0] != mine:
            return  # the test is over: a later test's dialogs are its own
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            if isinstance(choice, str):
                buttons = [b for b in box.buttons() if b.text().startswith(choice)] or box.buttons()[:1]
            else:
                buttons = [box.button(choice) or box.buttons()[0]]
            buttons[0].click()
            if once:
                return
        QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
