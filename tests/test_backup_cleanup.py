"""Leftovers of interrupted backups and restores are cleaned up (issue 9, item 11): stale `*.tmp` files go,
young ones (a copy still being written) stay, and before-restore copies are pruned to the newest few."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from core.ops.backups import KEEP_BEFORE_RESTORE, backup_folder, clean_up, ensure_daily_backup, list_backups
from core.storage import Database
from ui.safety import DatabaseWatch

NOW = dt.datetime(2024, 3, 5, 9, 0)


def _aged(path: Path, hours: float) -> Path:
    path.write_bytes(b"half a copy")
    stamp = (NOW - dt.timedelta(hours=hours)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_stale_temporary_files_are_removed_and_fresh_ones_kept(seeded_db_path: Path) -> None:
    folder = backup_folder(seeded_db_path)
    folder.mkdir()
    stale = [
        _aged(seeded_db_path.with_name(seeded_db_path.name + ".tmp"), 5),  # an interrupted restore
        _aged(folder / "年报-20240301-101010-auto.sqlite3.tmp", 48),  # an interrupted backup
    ]
    fresh = _aged(folder / "年报-20240305-085959-manual.sqlite3.tmp", 0.1)
    with Database.open(seeded_db_path) as db:
        assert ensure_daily_backup(db, NOW) is not None
    assert not any(p.exists() for p in stale)
    assert fresh.exists()


def test_only_the_newest_before_restore_copies_are_kept(seeded_db_path: Path) -> None:
    folder = backup_folder(seeded_db_path)
    folder.mkdir()
    stem = seeded_db_path.stem
    made = []
    for day in range(1, 10):
        copy = folder / f"{stem}-202402{day:02d}-120000-before-restore.sqlite3"
        copy.write_bytes(seeded_db_path.read_bytes())
        copy.with_name(copy.name + "-wal").write_bytes(b"log")
        made.append(copy)
    clean_up(seeded_db_path, NOW)
    kept = [b.path for b in list_backups(seeded_db_path) if b.kind == "before-restore"]
    assert kept == made[::-1][:KEEP_BEFORE_RESTORE]
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith("-wal")) == sorted(
        p.name + "-wal" for p in kept
    )


def test_a_before_restore_copy_another_program_holds_is_named_not_raised(
    qtbot: QtBot, seeded_db_path: Path
) -> None:
    folder = backup_folder(seeded_db_path)
    folder.mkdir()
    stem = seeded_db_path.stem
    made = [folder / f"{stem}-202402{day:02d}-120000-before-restore.sqlite3" for day in range(1, 8)]
    for copy in made:
        copy.write_bytes(seeded_db_path.read_bytes())
    held = made[0]
    held.unlink()
    (held / "held").mkdir(parents=True)  # unlink refuses it, as Windows does a file another program holds
    with Database.open(seeded_db_path) as db:
        outcome = ensure_daily_backup(db, NOW)
        assert outcome.path is not None and not made[1].exists()  # the rest goes on
        assert [p for p, _ in outcome.cleaned.stuck] == [held] and held.exists()
        assert outcome.problem is not None and held.name in outcome.problem and "未能删除" in outcome.problem
        watch = DatabaseWatch(db)  # the app's daily backup: told in the status bar, never raised
        failures: list[str] = []
        watch.backupFailed.connect(failures.append)
        watch._backup(force=True)
        assert len(failures) == 1 and held.name in failures[0]
        watch._change_timer.stop()
