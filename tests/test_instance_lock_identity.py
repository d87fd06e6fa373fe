"""The one-window lock (issue 9, items 5 and 9): it goes by the file's identity, so a symlink or a hard
link finds the same lock; a full disk never kills the app at the lock, and the app can open read-only."""

from __future__ import annotations

import copy
import os
import stat
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from core.documents.exchange import read_report, write_report
from core.errors import UserError
from core.model.report import Report
from core.storage import Database
from core.storage.instance_lock import InstanceLock
from tests.conftest import ROOT, SEED_JSON
from tests.helpers import run_main
from tests.qt_helpers import answer_boxes
from ui.app import run_app
from ui.main_window import MainWindow
from ui.safety import open_read_only


def test_a_symlink_and_a_hard_link_find_the_same_lock(seeded_db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    symlink = other / "link.sqlite3"
    symlink.symlink_to(seeded_db_path)
    hardlink = other / "hard.sqlite3"
    os.link(seeded_db_path, hardlink)
    with InstanceLock(seeded_db_path) as first:
        assert first.acquire()
        assert not InstanceLock(symlink).acquire()
        assert not InstanceLock(hardlink).acquire()
    for path in (symlink, hardlink):
        with InstanceLock(path) as later:
            assert later.acquire()
            assert not InstanceLock(seeded_db_path).acquire()


def test_a_full_disk_at_the_lock_does_not_stop_the_app(seeded_db_path: Path) -> None:
    """The lock file is a private twin of /dev/full (every write: disk full); the real one is untouched."""
    lock_path = seeded_db_path.with_name(seeded_db_path.name + ".lock")
    try:
        os.mknod(lock_path, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except (OSError, AttributeError):
        pytest.skip("cannot make a device node here (not root)")
    with InstanceLock(seeded_db_path) as lock:
        assert lock.acquire()  # the pid could not be written; the lock itself holds
        assert not InstanceLock(seeded_db_path).acquire()


def _close_main_window(seen: list[str]) -> None:
    """Close the main window once it shows its database, noting whether it is read-only."""
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if not windows or not windows[0].attached:  # it paints first, then opens the database
        QTimer.singleShot(20, lambda: _close_main_window(seen))
        return
    seen.append(f"window read_only={windows[0].db.read_only}")
    windows[0].close()


def test_when_no_lock_can_be_made_the_app_offers_to_open_read_only(
    qtbot: QtBot, seeded_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in (sys, threading):  # run_app installs its crash hooks: undo that afterwards
        monkeypatch.setattr(module, "excepthook", module.excepthook)
    seeded_db_path.with_name(seeded_db_path.name + ".lock").mkdir()  # the lock file cannot be created
    before = seeded_db_path.read_bytes()
    seen: list[str] = []
    answer_boxes(QMessageBox.StandardButton.Yes, seen, once=True)
    _close_main_window(seen)
    assert run_app(["--db", str(seeded_db_path)]) == 0
    assert "只读方式打开" in seen[0] and "锁文件" in seen[0]
    assert "window read_only=True" in seen
    assert seeded_db_path.read_bytes() == before


def test_a_read_only_database_refuses_edits(qtbot: QtBot, seeded_db_path: Path, seed: Report) -> None:
    seen: list[str] = []
    answer_boxes(QMessageBox.StandardButton.Yes, seen, once=True)
    db = open_read_only(seeded_db_path, "磁盘空间已满")
    assert db is not None
    with db, pytest.raises(UserError):
        db.create_report(replace(seed, year=2022))


def test_an_identity_lock_that_cannot_be_made_lets_the_name_lock_go(seeded_db_path: Path) -> None:
    from core.paths import data_dir

    st = os.stat(seeded_db_path)
    blocker = data_dir() / "locks" / f"{st.st_dev:x}-{st.st_ino:x}.lock"
    blocker.mkdir(parents=True)  # a folder where the identity lock file goes: it cannot be opened
    lock = InstanceLock(seeded_db_path)
    with pytest.raises(UserError, match="锁文件"):
        lock.acquire()
    with pytest.raises(UserError, match="锁文件"):  # never "locked" with only one of the two locks
        lock.acquire()
    blocker.rmdir()
    with InstanceLock(seeded_db_path) as other:  # the name lock was let go
        assert other.acquire() and not lock.acquire()


def test_a_data_folder_that_cannot_be_made_is_explained(
    seeded_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    occupied = tmp_path / "一个文件"
    occupied.write_text("占了文件夹的位置", encoding="utf-8")
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *a, **k: str(occupied / "nianbao"))
    lock = InstanceLock(seeded_db_path)
    with pytest.raises(UserError, match="无法创建文件夹"):
        lock.acquire()
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *a, **k: str(tmp_path / "数据"))
    with InstanceLock(seeded_db_path) as again:  # the name lock was let go
        assert again.acquire() and not lock.acquire()


# ---------------------------------------------------------------- every writing command takes the lock


def _agency_files(folder: Path, prefix: str, count: int) -> list[Path]:
    seed = read_report(SEED_JSON)
    files = []
    for i in range(count):
        report = copy.deepcopy(seed)
        report.agency = f"{prefix}第{i + 1}局"
        report.signature.name = report.agency
        files.append(folder / f"{prefix}{i}.json")
        write_report(report, files[-1])
    return files


def test_imports_through_two_names_of_one_file_at_once_lose_nothing(tmp_path: Path) -> None:
    """Issue 23 item 3: 40 + 40 imports through a database and its hard link ended with 41 reports and a
    passing check. Each writer now waits for the other by the file's identity."""
    database, files = tmp_path / "db.sqlite3", tmp_path / "files"
    files.mkdir()
    with Database.open(database):
        pass
    other = tmp_path / "other.sqlite3"
    os.link(database, other)
    batches = [(database, _agency_files(files, "甲", 12)), (other, _agency_files(files, "乙", 12))]
    processes = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "db", "import", *map(str, batch), "--db", str(name)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=_user_env(tmp_path),
        )
        for name, batch in batches
    ]
    outputs = [p.communicate(timeout=180) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    with Database.open(database) as db:
        assert len(db.list_reports()) == 24 and db.integrity_check() == []


_HOLD = """
import sys, time
from pathlib import Path
from core.storage.instance_lock import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
assert lock.acquire()
print("locked", flush=True)
time.sleep(120)
"""


def _user_env(tmp_path: Path) -> dict[str, str]:
    """One user's environment for every process of a test, with a data folder of its own (where the
    locks named after a file's identity live)."""
    return dict(os.environ, XDG_DATA_HOME=str(tmp_path / "user-data"), PYTHONIOENCODING="utf-8")


def test_a_writing_command_is_refused_while_another_name_of_the_file_is_open(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    with Database.open(database):
        pass
    other = tmp_path / "other.sqlite3"
    os.link(database, other)
    env = _user_env(tmp_path)
    holder = subprocess.Popen(  # the desktop app, holding the database under its own name
        [sys.executable, "-c", _HOLD, str(database)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = run_main("db", "import", SEED_JSON, "--db", other, env=env)
    finally:
        holder.kill()
        holder.communicate()
    assert result.returncode == 2 and "正在使用" in result.stderr and "Traceback" not in result.stderr
    with Database.open(database) as db:
        assert db.list_reports() == []
