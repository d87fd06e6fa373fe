"""Issue 17: 取消 while a published report is read stops the reader itself, not only its result.

A large generated text (a real report repeated to ~9 MB, inside the 10 MB bound) takes seconds to map;
cancelling it ends the reading thread and the pool's thread within a second or so, and no review opens.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from core.documents.read import ReadCancelled, cancelled_by, read_file
from core.documents.read.limits import MAX_MARKUP_BYTES
from core.storage import Database
from tests.conftest import FIXTURES
from tests.qt_helpers import open_window
from ui.import_review import ImportReview, open_published

PROMPTLY = 1.5  # seconds from 取消 to the reader's end, on a loaded 2-core machine


@pytest.fixture(scope="module")
def slow_text(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A text report that takes seconds to read: one real report, repeated up to the size bound."""
    report = (FIXTURES / "published" / "real-001.txt").read_text(encoding="utf-8")
    copies = int(MAX_MARKUP_BYTES * 0.9) // len(report.encode("utf-8"))
    path = tmp_path_factory.mktemp("slow") / "很长的报告.txt"
    path.write_text(report * copies, encoding="utf-8")
    return path


def _readers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("read ")]


def test_a_cancelled_read_stops_its_reader(slow_text: Path) -> None:
    stop = threading.Event()
    failures: list[BaseException] = []

    def read() -> None:
        with cancelled_by(stop):
            try:
                read_file(slow_text)
            except BaseException as exc:
                failures.append(exc)

    caller = threading.Thread(target=read)
    caller.start()
    time.sleep(0.5)
    assert _readers(), "the read should still be running when it is cancelled"
    cancelled_at = time.perf_counter()
    stop.set()
    caller.join(PROMPTLY)
    assert not caller.is_alive() and not _readers()
    assert time.perf_counter() - cancelled_at < PROMPTLY
    assert len(failures) == 1 and isinstance(failures[0], ReadCancelled)
    assert "已取消读取“很长的报告.txt”" in str(failures[0].message)
    with pytest.raises(ReadCancelled), cancelled_by(stop):  # a read begun after the cancel never starts
        read_file(slow_text)
    assert read_file(FIXTURES / "published" / "real-001.txt").report.agency  # no cancel: reads as before


def test_cancel_in_the_progress_box_stops_the_reader(qtbot: QtBot, db: Database, slow_text: Path) -> None:
    window = open_window(qtbot, db)
    open_published(window, slow_text)
    qtbot.waitUntil(lambda: window.findChild(QProgressDialog) is not None)
    progress = window.findChild(QProgressDialog)
    assert progress is not None
    qtbot.waitUntil(progress.isVisible, timeout=3000)  # shown after half a second
    assert _readers()
    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "取消")
    cancelled_at = time.perf_counter()
    cancel.click()
    assert QThreadPool.globalInstance().waitForDone(int(PROMPTLY * 1000)), "the pool thread kept reading"
    assert not _readers()
    assert time.perf_counter() - cancelled_at < PROMPTLY
    qtbot.wait(200)  # anything queued from the pool thread arrives now
    assert window.findChild(ImportReview) is None
    assert window.findChild(QProgressDialog) is None
