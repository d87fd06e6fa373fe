"""Shared fixtures: Qt offscreen, the seed report, a fresh database file per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before anything imports Qt: the tests run with no screen, here and in CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from core.documents.exchange import read_report
from core.model.report import Report
from core.storage import Database
from ui.gui_thread_gc import GuiThreadCollector, collect_on_gui_thread

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED_JSON = FIXTURES / "wenxian-2021.json"
SEED_TXT = FIXTURES / "wenxian-2021.txt"


@pytest.fixture
def seed() -> Report:
    """The published 温县 2021 report, fresh for each test (tests may change it)."""
    return read_report(SEED_JSON)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where this test's database file goes (not made yet)."""
    return tmp_path / "年报.sqlite3"


@pytest.fixture
def seeded_db_path(db_path: Path, seed: Report) -> Path:
    """This test's database file, holding the seed report (closed again)."""
    with Database.open(db_path) as db:
        db.create_report(seed)
    return db_path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """This test's database, open for the test."""
    database = Database.open(db_path)
    yield database
    QThreadPool.globalInstance().waitForDone()  # no background PDF may outlive the file
    database.close()


@pytest.fixture
def short_wait_db(db_path: Path) -> Iterator[Database]:
    """This test's database, whose writes give up quickly while another connection holds the write
    lock (as when another program is busy writing): the app's saves are then refused."""
    database = Database.open(db_path, timeout=0.2)
    yield database
    database.close()


@pytest.fixture(scope="session", autouse=True)
def _garbage_on_gui_thread(qapp: QApplication) -> Iterator[GuiThreadCollector]:
    """As in the app: cycles are collected on the GUI thread, never on a reader's (tests read files in
    worker threads while earlier tests' widgets wait to be collected)."""
    collect_on_gui_thread(qapp)
    collector = qapp.findChild(GuiThreadCollector)
    assert collector is not None
    yield collector


@pytest.fixture(autouse=True)
def _collect_at_test_end(_garbage_on_gui_thread: GuiThreadCollector) -> Iterator[None]:
    """A test that never runs the event loop still has its garbage collected, on this thread."""
    yield
    _garbage_on_gui_thread.collect_due()


TESTS_ENDED = [0]  # counted up at each test's end: a dialog-answering loop stops with its own test


@pytest.fixture(autouse=True)
def _stop_answering() -> Iterator[None]:
    """A loop answering dialogs that were never shown (the test failed, or asked for more) must not
    answer the next tests' dialogs: it stops once the count moves on (tests/qt_helpers.py)."""
    yield
    TESTS_ENDED[0] += 1


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own per-user data folder, so nothing touches the developer's real one."""
    home = tmp_path_factory.mktemp("userdata")
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *a, **k: str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home))  # and for `main.py` run as a process (its kept fonts …)
