"""Automatic rotating backups, restoring one (keeping the current file first), and the one-writer lock."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import UserError
from core.model.report import Report
from core.ops.backups import (
    KEEP_DAILY,
    backup_folder,
    ensure_daily_backup,
    latest_good_backup,
    list_backups,
    make_backup,
    restore_backup,
)
from core.storage import MIGRATIONS, Database
from core.storage.instance_lock import InstanceLock
from tests.conftest import ROOT
from tests.helpers import back_to_schema, natural_persons, run_main

DAY = dt.timedelta(days=1)
START = dt.datetime(2027, 1, 3, 9, 30)


def test_one_automatic_backup_a_day(seeded_db_path: Path) -> None:
    with Database.open(seeded_db_path) as db:
        first = ensure_daily_backup(db, START).path
        assert first is not None and first.parent == backup_folder(seeded_db_path)
        assert ensure_daily_backup(db, START + dt.timedelta(hours=5)).path is None  # same day: nothing new
        assert ensure_daily_backup(db, START + DAY).path is not None
    assert [b.kind for b in list_backups(seeded_db_path)] == ["auto", "auto"]


def test_rotation_keeps_ten_days_and_one_per_month(seeded_db_path: Path) -> None:
    with Database.open(seeded_db_path) as db:
        for n in range(75):  # 75 days of daily use, from 3 January to 18 March
            ensure_daily_backup(db, START + n * DAY)
    kept = [b.at.date() for b in list_backups(seeded_db_path)]
    last_ten = [(START + n * DAY).date() for n in range(74, 64, -1)]
    assert kept[:10] == last_ten
    # plus the newest of each earlier month: 31 January and 28 February
    assert kept[10:] == [dt.date(2027, 2, 28), dt.date(2027, 1, 31)]


def test_an_old_backup_that_cannot_be_removed_is_named_and_kept_not_raised(seeded_db_path: Path) -> None:
    with Database.open(seeded_db_path) as db:
        for n in range(KEEP_DAILY):
            ensure_daily_backup(db, START + (n + 1) * DAY)
        held = backup_folder(seeded_db_path) / f"{seeded_db_path.stem}-20270101-080000-auto.sqlite3"
        (held / "held").mkdir(parents=True)  # unlink refuses it, as Windows does a file another program holds
        older_same_day = make_backup(db, "auto", dt.datetime(2027, 1, 1, 7, 0))
        outcome = ensure_daily_backup(db, START + (KEEP_DAILY + 1) * DAY)
    assert outcome.path is not None and outcome.path.exists()
    assert older_same_day in outcome.pruned.removed and not older_same_day.exists()  # the rest goes on
    assert [p for p, _ in outcome.pruned.stuck] == [held] and held.exists()
    assert outcome.pruned.problem is not None and held.name in outcome.pruned.problem
    assert "旧的自动备份未能删除" in outcome.pruned.problem


def test_manual_backups_are_never_pruned(seeded_db_path: Path) -> None:
    with Database.open(seeded_db_path) as db:
        manual = make_backup(db, "manual", START)
        for n in range(15):
            ensure_daily_backup(db, START + n * DAY)
    assert manual.exists()


def test_a_backup_is_a_sound_database_with_the_report(seeded_db_path: Path) -> None:
    with Database.open(seeded_db_path) as db:
        path = make_backup(db)
    with Database.open(path, read_only=True) as copy:
        assert copy.integrity_check() == []
        assert [s.agency for s in copy.list_reports()] == ["温县人民政府办公室"]


def test_restore_brings_back_the_backup_and_keeps_the_current_file_first(seeded_db_path: Path) -> None:
    with Database.open(seeded_db_path) as db:
        backup = make_backup(db, "manual", START)
        db.set_values(db.list_reports()[0].id, {"requests.1.natural_person": Decimal(99)})
    safety = restore_backup(backup, seeded_db_path, START + DAY)
    assert natural_persons(seeded_db_path) == 22
    assert safety is not None and natural_persons(safety) == 99  # nothing is lost by restoring
    assert [b.kind for b in list_backups(seeded_db_path)] == ["before-restore", "manual"]


def test_a_damaged_database_is_kept_byte_for_byte_before_restoring(seeded_db_path: Path) -> None:
    with Database.open(seeded_db_path) as db:
        backup = make_backup(db, "manual", START)
    seeded_db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    damaged = seeded_db_path.read_bytes()
    safety = restore_backup(backup, seeded_db_path, START + DAY)
    assert safety is not None and safety.read_bytes() == damaged
    assert natural_persons(seeded_db_path) == 22


# Commits a few edits, then dies without closing: its -wal (and -shm) stay beside the database.
_WRITE_AND_DIE = """
import os, sys
from decimal import Decimal
from core.storage import Database
db = Database.open(sys.argv[1])
report_id = db.list_reports()[0].id
for n in range(50, 60):
    db.set_values(report_id, {"requests.1.natural_person": Decimal(n)})
os._exit(9)
"""


def _leave_a_wal(db_path: Path) -> Path:
    died = subprocess.run([sys.executable, "-c", _WRITE_AND_DIE, str(db_path)], cwd=ROOT, capture_output=True)
    assert died.returncode == 9, died.stderr
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.stat().st_size > 0
    return wal


def _dump(path: Path) -> list[str]:
    """Every table row of a database file, as SQLite itself reads the file (with any -wal beside it)."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_a_damaged_databases_wal_is_kept_aside_and_never_replayed_onto_the_restored_copy(
    seeded_db_path: Path,
) -> None:
    with Database.open(seeded_db_path) as db:
        backup = make_backup(db, "manual", START)
    wal = _leave_a_wal(seeded_db_path)
    shm = seeded_db_path.with_name(seeded_db_path.name + "-shm")
    sidecars = {"-wal": wal.read_bytes(), "-shm": shm.read_bytes()}
    damaged = b"\xff" * 100 + seeded_db_path.read_bytes()[100:]  # the header
    seeded_db_path.write_bytes(damaged)

    safety = restore_backup(backup, seeded_db_path, START + DAY)

    assert not wal.exists() and not shm.exists()
    assert _dump(seeded_db_path) == _dump(backup)  # exactly the backup, nothing of the stale log
    assert natural_persons(seeded_db_path) == 22
    assert safety is not None and safety.read_bytes() == damaged
    for suffix, content in sidecars.items():  # kept beside the copy, as the set that belongs together
        assert safety.with_name(safety.name + suffix).read_bytes() == content


def test_restoring_over_a_sound_database_with_a_wal_keeps_its_last_commits(seeded_db_path: Path) -> None:
    with Database.open(seeded_db_path) as db:
        backup = make_backup(db, "manual", START)
    wal = _leave_a_wal(seeded_db_path)
    safety = restore_backup(backup, seeded_db_path, START + DAY)
    assert not wal.exists()
    assert _dump(seeded_db_path) == _dump(backup)
    assert safety is not None and natural_persons(safety) == 59  # the dead writer's last commit


def test_latest_good_backup_skips_damaged_ones(seeded_db_path: Path) -> None:
    with Database.open(seeded_db_path) as db:
        good = make_backup(db, "auto", START)
        bad = make_backup(db, "auto", START + DAY)
    bad.write_bytes(b"not a database at all")
    found = latest_good_backup(seeded_db_path)
    assert found is not None and found.path == good


def test_a_damaged_backup_is_refused_and_the_database_left_alone(
    seeded_db_path: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"junk" * 100)
    before = seeded_db_path.read_bytes()
    with pytest.raises(UserError):
        restore_backup(junk, seeded_db_path)
    assert seeded_db_path.read_bytes() == before


def test_only_one_holder_of_the_instance_lock(seeded_db_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(seeded_db_path)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert InstanceLock(seeded_db_path).acquire() is False
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    with InstanceLock(seeded_db_path) as lock:  # the OS dropped the killed holder's lock
        assert lock.acquire() is True


_HOLD_LOCK = """
import sys, time
from pathlib import Path
from core.storage.instance_lock import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
assert lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_db_restore_command(seeded_db_path: Path, tmp_path: Path) -> None:
    backup = tmp_path / "copy.sqlite3"
    assert run_main("db", "backup", "-o", backup, "--db", seeded_db_path).returncode == 0
    with Database.open(seeded_db_path) as db:
        db.set_values(db.list_reports()[0].id, {"requests.1.natural_person": Decimal(5)})
    result = run_main("db", "restore", backup, "--db", seeded_db_path)
    assert result.returncode == 0, result.stderr
    assert "已用备份" in result.stdout and "另存为" in result.stdout
    assert natural_persons(seeded_db_path) == 22


def test_db_restore_is_refused_while_the_app_holds_the_database(seeded_db_path: Path, tmp_path: Path) -> None:
    backup = tmp_path / "copy.sqlite3"
    assert run_main("db", "backup", "-o", backup, "--db", seeded_db_path).returncode == 0
    with InstanceLock(seeded_db_path) as lock:
        assert lock.acquire()
        result = run_main("db", "restore", backup, "--db", seeded_db_path)
    assert result.returncode == 2 and "请先关闭程序" in result.stderr


def test_db_restore_of_a_missing_file_is_explained(seeded_db_path: Path, tmp_path: Path) -> None:
    result = run_main("db", "restore", tmp_path / "nothing.sqlite3", "--db", seeded_db_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.strip()


def _version_1_file(path: Path, report: Report) -> None:
    """A database file as the first released version left it: schema 1, no dismissals, no counts."""
    with Database.open(path) as db:
        db.create_report(report)
    conn = sqlite3.connect(path)
    try:
        back_to_schema(conn, 1)
        conn.commit()
    finally:
        conn.close()


def _version_1_backup(tmp_path: Path, seed: Report, natural_persons: int) -> Path:
    """A schema-1 file holding the seed with this many 自然人 requests."""
    old = tmp_path / "old.sqlite3"
    seed.values["requests.1.natural_person"] = Decimal(natural_persons)
    _version_1_file(old, seed)
    return old


def test_a_backup_made_before_an_upgrade_is_offered_restored_and_then_migrated(
    db_path: Path, seed: Report, tmp_path: Path
) -> None:
    old = _version_1_backup(tmp_path, seed, 31)
    folder = backup_folder(db_path)
    folder.mkdir()
    backup = folder / f"{db_path.stem}-20260101-080000-auto.sqlite3"
    old.rename(backup)
    db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)  # damaged: the app offers a backup
    found = latest_good_backup(db_path)
    assert found is not None and found.path == backup
    safety = restore_backup(backup, db_path, START)
    assert safety is not None and backup.exists()
    with Database.open(db_path) as db:  # the next opening migrates the restored file, keeping it first
        assert db.schema_version() == len(MIGRATIONS) and db.integrity_check() == []
        [listed] = db.list_reports()
        assert db.load_report(listed.id).values["requests.1.natural_person"] == 31
        assert listed.errors is not None
    assert db_path.with_name(f"{db_path.name}.before-v2.bak").exists()


def test_an_older_database_opens_read_only_through_a_copy_in_memory(tmp_path: Path, seed: Report) -> None:
    old = tmp_path / "old.sqlite3"
    seed.values["requests.1.natural_person"] = Decimal(37)
    _version_1_file(old, seed)
    before = old.read_bytes()
    with Database.open(old, read_only=True) as db:  # the fallback without a lock, or after a restore
        assert db.read_only and db.schema_version() == len(MIGRATIONS)
        [listed] = db.list_reports()
        assert db.load_report(listed.id).values["requests.1.natural_person"] == 37
        with pytest.raises(UserError, match="只读"):
            db.set_values(listed.id, {"requests.1.natural_person": Decimal(38)})
    assert old.read_bytes() == before and not old.with_name("old.sqlite3.before-v2.bak").exists()


# ---------------------------------------------------------------- restore: links and versions (issue 23)


def _set_version(path: Path, version: int) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
    finally:
        conn.close()


def test_db_restore_through_a_symlinked_db_restores_the_real_database(
    seeded_db_path: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "copy.sqlite3"
    assert run_main("db", "backup", "-o", backup, "--db", seeded_db_path).returncode == 0
    with Database.open(seeded_db_path) as db:
        db.set_values(db.list_reports()[0].id, {"requests.1.natural_person": Decimal(5)})
    link = tmp_path / "link" / "年报.sqlite3"
    link.parent.mkdir()
    link.symlink_to(seeded_db_path)
    result = run_main("db", "restore", backup, "--db", link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == seeded_db_path.resolve()  # the link stays a link
    assert natural_persons(seeded_db_path) == 22  # and the file it names holds the backup


def test_restoring_over_a_database_a_newer_version_made_is_refused_and_leaves_it(
    seeded_db_path: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "copy.sqlite3"
    assert run_main("db", "backup", "-o", backup, "--db", seeded_db_path).returncode == 0
    _set_version(seeded_db_path, 99)
    before = seeded_db_path.read_bytes()
    result = run_main("db", "restore", backup, "--db", seeded_db_path)
    assert result.returncode == 2 and "更新版本" in result.stderr and "没有用备份恢复" in result.stderr
    assert seeded_db_path.read_bytes() == before
    assert not [b for b in list_backups(seeded_db_path) if b.kind == "before-restore"]


def test_a_backup_newer_than_the_program_is_refused(seeded_db_path: Path, tmp_path: Path) -> None:
    backup = tmp_path / "newer.sqlite3"
    assert run_main("db", "backup", "-o", backup, "--db", seeded_db_path).returncode == 0
    _set_version(backup, len(MIGRATIONS) + 1)
    before = seeded_db_path.read_bytes()
    with pytest.raises(UserError, match="更新版本"):
        restore_backup(backup, seeded_db_path, START)
    assert seeded_db_path.read_bytes() == before


def test_an_older_backup_is_restored_over_a_current_database_and_migrated_with_a_copy_first(
    seeded_db_path: Path, seed: Report, tmp_path: Path
) -> None:
    old = _version_1_backup(tmp_path, seed, 41)
    result = run_main("db", "restore", old, "--db", seeded_db_path)
    assert result.returncode == 0, result.stderr
    with Database.open(seeded_db_path) as db:
        assert db.schema_version() == len(MIGRATIONS)
    assert natural_persons(seeded_db_path) == 41
    assert seeded_db_path.with_name(f"{seeded_db_path.name}.before-v2.bak").exists()


# ---------------------------------------------------------------- a killed backup leaves nothing


def _ended_process_id() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def test_a_copy_left_by_a_killed_backup_is_removed_by_the_next_and_a_live_one_stays(
    seeded_db_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "备份.sqlite3"
    killed = target.with_name(f"{target.name}.{_ended_process_id()}.tmp")
    legacy = target.with_name(f"{target.name}.tmp")  # the naming before process ids
    live = target.with_name(f"{target.name}.{os.getpid()}.tmp")  # this test's process is running
    other = tmp_path / "notes.tmp"
    for path in (killed, legacy, live, other):
        path.write_bytes(b"half a copy")
    result = run_main("db", "backup", "-o", target, "--db", seeded_db_path)
    assert result.returncode == 0, result.stderr
    assert not killed.exists() and not legacy.exists()
    assert live.exists() and other.exists()  # still being written, or not ours
    assert natural_persons(target) == 22


def test_a_backup_killed_while_copying_leaves_nothing_once_the_next_has_run(
    seeded_db_path: Path, tmp_path: Path
) -> None:
    """A real `db backup` killed with SIGKILL at some point of its work: whatever it left, the next
    backup to the same name leaves only the finished copy."""
    target = tmp_path / "备份.sqlite3"
    for delay in (0.3, 0.6, 0.9):
        process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "db",
                "backup",
                "-o",
                str(target),
                "--db",
                str(seeded_db_path),
            ]
        )
        time.sleep(delay)
        process.kill()
        process.wait()
    assert run_main("db", "backup", "-o", target, "--db", seeded_db_path).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(target.name)) == [target.name]
