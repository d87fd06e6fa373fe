"""Screenshots of every page of the seed report, for people to look at (saved as PNG).

The pictures go to the test's tmp folder and, when NIANBAO_SHOTS names a folder, there as well. The
assertions only guard against an empty or unpainted window; judging the look is a person's job.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from core.storage import Database
from tests.conftest import SEED_JSON
from ui.dialogs import NewReportDialog
from ui.fonts import ensure_chinese_font
from ui.main_window import MainWindow
from ui.settings import Settings

SIZE = (1366, 768)  # the most common office screen


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "年报.sqlite3")
    yield database
    QThreadPool.globalInstance().waitForDone()
    database.close()


def _folders(tmp_path: Path) -> list[Path]:
    folders = [tmp_path / "shots"]
    if os.environ.get("NIANBAO_SHOTS"):
        folders.append(Path(os.environ["NIANBAO_SHOTS"]))
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    return folders


def _save(image: QImage, name: str, folders: list[Path]) -> QImage:
    for folder in folders:
        assert image.save(str(folder / f"{name}.png"))
    return image


def _painted(image: QImage) -> bool:
    """More than a couple of colours: text and frames were drawn."""
    step = max(1, image.width() // 60)
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)
    }
    return len(colours) > 3


def test_screenshot_of_every_page_of_the_seed_report(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    ensure_chinese_font()
    folders = _folders(tmp_path)
    window = MainWindow(db, Settings(), today=lambda: dt.date(2022, 1, 10))
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    report_id = window.import_file(SEED_JSON)
    assert report_id is not None
    window._message.close()
    assert _painted(_save(window.grab().toImage(), "00-报告列表", folders))

    dialog = NewReportDialog(
        db.agencies(), lambda a, y: db.find_report(a, y) is not None, dt.date(2023, 1, 10)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    _save(dialog.grab().toImage(), "00-新建报告", folders)
    dialog.close()

    window.open_report(report_id)
    editor = window.editor
    assert editor is not None
    for index in range(editor.nav.count()):
        editor.show_page(index)
        if index == editor.nav.count() - 1 and editor.sign_page.pdf.pageCount() == 0:
            with qtbot.waitSignal(editor.sign_page.preview_ready, timeout=60_000):
                pass
        qtbot.wait(50)
        name = f"{index + 1:02d}-{editor.nav.item(index).text()}"
        assert _painted(_save(window.grab().toImage(), name, folders))
    assert len(list(folders[0].glob("*.png"))) == editor.nav.count() + 2
