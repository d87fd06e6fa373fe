"""Qt objects die on the GUI thread only: garbage is collected there, never on a reader's thread (a
segmentation fault in CI while a PDF was read in one), and a background job's relay is deleted there."""

from __future__ import annotations

import gc
import threading
import time
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QThreadPool
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from core.documents.read.limits import within_time
from ui.app import create_application
from ui.worker import run_in_background


class _Finalized:
    """Part of a reference cycle; says on which thread it was collected."""

    threads: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.myself = self

    def __del__(self) -> None:
        _Finalized.threads.append(threading.current_thread().name)


def _make_cyclic_garbage() -> int:
    """What a parser does: many short-lived cycles, which make the interpreter want to collect."""
    for _ in range(300_000):
        cycle: list[object] = []
        cycle.append(cycle)
    return 1


def test_a_cycle_dropped_while_a_reader_works_is_collected_on_the_gui_thread(qtbot: QtBot) -> None:
    create_application()
    assert not gc.isenabled()
    gc.collect()
    _Finalized.threads.clear()
    _Finalized()  # garbage at once, but only a collection can free it

    assert within_time(_make_cyclic_garbage, "大量对象.pdf") == 1  # a reader in its worker thread

    assert _Finalized.threads == []  # not collected on the reader's thread
    qtbot.waitUntil(lambda: _Finalized.threads != [], timeout=2000)
    assert _Finalized.threads == [threading.main_thread().name]


def test_a_jobs_relay_is_destroyed_on_the_gui_thread_even_when_its_owner_went_first(qtbot: QtBot) -> None:
    """The pool deletes a finished task on its own thread; the relay it held (a QObject) must not die
    with it there — as when 取消 closes the progress box that owned a reading job."""
    owner = QDialog()
    job = run_in_background(lambda: time.sleep(0.2) or 1, lambda result: None, owner=owner)
    threads: list[str] = []
    job.relay.destroyed.connect(
        lambda *_: threads.append(threading.current_thread().name), Qt.ConnectionType.DirectConnection
    )
    del job
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    del owner
    QThreadPool.globalInstance().waitForDone()
    qtbot.waitUntil(lambda: threads != [], timeout=2000)
    assert threads == [threading.main_thread().name]
