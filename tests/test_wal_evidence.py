"""A damaged `-wal` (issue 9, item 6): before SQLite replays it (and deletes it on close), a copy is kept
beside the backups; when commits in it are dropped, the app and `db check` say so and keep the evidence."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from core.model.report import Report
from core.storage import Database, wal_lost_commits
from tests.helpers import natural_persons, run_main

PAGE = 4096


def _crash_copy(tmp_path: Path, seed: Report, edits: int) -> tuple[Path, bytes]:
    """A database and its -wal as a power cut leaves them: `edits` commits after the seed, not yet
    checkpointed (copied while the database is open)."""
    live = tmp_path / "live" / "年报.sqlite3"
    live.parent.mkdir()
    with Database.open(live) as db:
        db._conn.execute("PRAGMA wal_autocheckpoint = 0")
        report_id = db.create_report(seed)
        for n in range(edits):
            db.set_values(report_id, {"requests.1.natural_person": Decimal(100 + n)})
        crashed = tmp_path / "crashed" / "年报.sqlite3"
        crashed.parent.mkdir()
        shutil.copyfile(live, crashed)
        wal = live.with_name(live.name + "-wal").read_bytes()
    crashed.with_name(crashed.name + "-wal").write_bytes(wal)
    return crashed, wal


def _damage_frame(path: Path, wal: bytes, frame: int) -> None:
    at = 32 + frame * (24 + PAGE) + 24 + 500  # inside the page of that frame
    damaged = bytearray(wal)
    damaged[at] ^= 0xFF
    path.with_name(path.name + "-wal").write_bytes(bytes(damaged))


def test_an_intact_log_is_replayed_and_a_copy_is_kept(tmp_path: Path, seed: Report) -> None:
    path, wal = _crash_copy(tmp_path, seed, edits=3)
    assert wal_lost_commits(wal) == 0
    with Database.open(path, keep_log=True) as db:
        assert db.recovery_note is None
    assert natural_persons(path) == Decimal(102)
    [copy] = path.with_name(path.name + ".backups").glob("*-log.sqlite3-wal")
    assert copy.read_bytes() == wal


def test_a_damaged_log_says_commits_were_lost_and_keeps_the_evidence(tmp_path: Path, seed: Report) -> None:
    path, wal = _crash_copy(tmp_path, seed, edits=6)
    frames = (len(wal) - 32) // (24 + PAGE)
    _damage_frame(path, wal, frames // 2)
    damaged = path.with_name(path.name + "-wal").read_bytes()
    assert wal_lost_commits(damaged) > 0
    original = path.read_bytes()
    result = run_main("db", "check", "--db", path)
    assert result.returncode == 1 and "日志文件已损坏" in result.stdout and "修改无法恢复" in result.stdout
    folder = path.with_name(path.name + ".backups")
    [log_copy] = folder.glob("*-damaged-log.sqlite3-wal")
    [db_copy] = folder.glob("*-damaged-log.sqlite3")
    assert log_copy.read_bytes() == damaged and db_copy.read_bytes() == original
    with Database.open(path, read_only=True) as db:  # SQLite did drop the later commits
        reports = db.list_reports()
        assert not reports or db.load_report(reports[0].id).values["requests.1.natural_person"] != 105


def test_a_torn_last_frame_after_a_crash_is_not_called_a_loss(tmp_path: Path, seed: Report) -> None:
    path, wal = _crash_copy(tmp_path, seed, edits=2)
    frames = (len(wal) - 32) // (24 + PAGE)
    _damage_frame(path, wal, frames - 1)  # the commit being written when the power went
    with Database.open(path) as db:
        assert db.recovery_note is None


@pytest.mark.parametrize("junk", [b"", b"\x00" * 16, b"x" * 5000])
def test_junk_logs_are_measured_without_a_crash(junk: bytes) -> None:
    assert wal_lost_commits(junk) == (1 if len(junk) > 32 else 0)


def test_intact_log_copies_are_pruned(tmp_path: Path, seed: Report) -> None:
    path, wal = _crash_copy(tmp_path, seed, edits=1)
    for _ in range(8):
        path.with_name(path.name + "-wal").write_bytes(wal)
        Database.open(path, keep_log=True).close()
    assert len(list(path.with_name(path.name + ".backups").glob("*-log.sqlite3-wal"))) == 5


def test_the_app_tells_the_user_at_start(qtbot: object, tmp_path: Path, seed: Report) -> None:
    from tests.qt_helpers import answer_boxes
    from ui.safety import open_database

    path, wal = _crash_copy(tmp_path, seed, edits=6)
    _damage_frame(path, wal, (len(wal) - 32) // (24 + PAGE) // 2)
    seen: list[str] = []
    answer_boxes("", seen, once=True)
    db = open_database(path)
    assert db is not None
    db.close()
    assert seen and "修改无法恢复" in seen[0] and "damaged-log" in seen[0]


def test_an_opening_beside_a_window_at_work_copies_no_live_log(tmp_path: Path, seed: Report) -> None:
    path = tmp_path / "年报.sqlite3"
    with Database.open(path, keep_log=True) as app:  # the app's window, its log not yet checkpointed
        app._conn.execute("PRAGMA wal_autocheckpoint = 0")
        report_id = app.create_report(seed)
        app.set_values(report_id, {"requests.1.natural_person": Decimal(41)})
        assert path.with_name(path.name + "-wal").stat().st_size > 0
        for _ in range(3):  # e.g. `db list` while the app is open
            Database.open(path).close()
        assert run_main("db", "list", "--db", path).returncode == 0
    folder = path.with_name(path.name + ".backups")
    assert not folder.exists() or not list(folder.iterdir())


@pytest.mark.parametrize("name", ["年报.sqlite3", "年报[2021].sqlite3"])
def test_pruning_the_intact_copies_keeps_every_damaged_one_whatever_the_name(
    tmp_path: Path, seed: Report, name: str
) -> None:
    crashed, wal = _crash_copy(tmp_path, seed, edits=6)
    path = crashed.rename(crashed.with_name(name))
    path.with_name(crashed.name + "-wal").unlink(missing_ok=True)
    for _ in range(2):
        _damage_frame(path, wal, (len(wal) - 32) // (24 + PAGE) // 2)
        Database.open(path).close()  # a damaged log is kept on any opening
    for _ in range(8):
        path.with_name(path.name + "-wal").write_bytes(wal)
        Database.open(path, keep_log=True).close()
    names = [p.name for p in path.with_name(path.name + ".backups").iterdir()]
    assert len([n for n in names if n.endswith("-damaged-log.sqlite3-wal")]) == 2
    assert len([n for n in names if n.endswith("-damaged-log.sqlite3")]) == 2
    assert len([n for n in names if n.endswith("-log.sqlite3-wal") and "damaged" not in n]) == 5
