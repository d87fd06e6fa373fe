"""Automatic rotating backups of the database, and restoring one (first saying which backup it is).

Backups sit beside the database in `<name>.backups/` (so a database on a USB stick carries its own), are
made with SQLite's online backup API (consistent while the app is open), and are pruned to the last 10
days that have one plus one per month. An old backup that cannot be removed (held by an antivirus,
OneDrive or another program) is logged and named in the outcome, never an error: it is retried next
time. Restoring first keeps a copy of the current file, and moves its
`-wal`/`-shm` beside that copy: left in place, SQLite would replay the old log onto the restored file.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserError, os_reason
from core.model.vocabulary import BackupKind
from core.paths import BACKUP_STAMP, backup_path
from core.paths import backup_folder as backup_folder  # where the callers look for it
from core.rules.summary import STATUS_NAMES
from core.storage import Database, DatabaseTooNew, ReportSummary, check_file, copy_file

log = logging.getLogger(__name__)

KEEP_DAILY = 10
_KINDS = "|".join(re.escape(kind) for kind in BackupKind)
_NAME = re.compile(rf"^(?P<stem>.+)-(?P<at>\d{{8}}-\d{{6}})-(?P<kind>{_KINDS})\.sqlite3$")


@dataclass(frozen=True)
class Backup:
    path: Path
    at: dt.datetime
    kind: BackupKind

    @property
    def label(self) -> str:
        return f"{self.at:%Y年%m月%d日 %H:%M:%S}（{self.kind.chinese}）"


def list_backups(db_path: Path) -> list[Backup]:
    """Backups of this database, newest first."""
    folder = backup_folder(db_path)
    found = []
    for path in folder.glob("*.sqlite3") if folder.is_dir() else ():
        match = _NAME.match(path.name)
        if match:
            at = dt.datetime.strptime(match["at"], BACKUP_STAMP)
            kind = next(k for k in BackupKind if k == match["kind"])  # _NAME matches only these
            found.append(Backup(path, at, kind))
    return sorted(found, key=lambda b: b.at, reverse=True)


def make_backup(db: Database, kind: BackupKind = BackupKind.MANUAL, now: dt.datetime | None = None) -> Path:
    """A consistent copy of the open database in its backup folder."""
    now = now or dt.datetime.now()
    dest = backup_path(db.path, kind, now)
    try:
        dest.parent.mkdir(exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法创建备份文件夹“{dest.parent}”：{os_reason(exc)}。") from None
    db.backup(dest)
    return dest


@dataclass(frozen=True)
class Pruned:
    removed: list[Path]
    stuck: list[tuple[Path, str]]  # (backup, Chinese reason) that could not be removed
    what: str = "旧的自动备份"

    @property
    def problem(self) -> str | None:
        """The Chinese message naming the backups that could not be removed, or None."""
        if not self.stuck:
            return None
        names = "、".join(f"“{path.name}”（{reason}）" for path, reason in self.stuck)
        return f"{self.what}未能删除：{names}。可能有其他程序（如杀毒软件、OneDrive）正在使用它，下次再试。"


def _remove(paths: list[Path], what: str) -> Pruned:
    """Remove each file; one another program holds is logged and named, never raised: retried next time."""
    removed: list[Path] = []
    stuck: list[tuple[Path, str]] = []
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("old backup %s not removed: %s", path, exc)
            stuck.append((path, os_reason(exc)))
        else:
            removed.append(path)
    return Pruned(removed, stuck, what)


@dataclass(frozen=True)
class DailyBackup:
    path: Path | None  # the new backup, if one was made
    pruned: Pruned
    cleaned: Pruned  # old before-restore copies (see clean_up)

    @property
    def problem(self) -> str | None:
        """The Chinese message naming what could not be removed, or None."""
        return "\n".join(p for p in (self.pruned.problem, self.cleaned.problem) if p) or None


def backup_due(db_path: Path, now: dt.datetime | None = None) -> bool:
    """True when today has no automatic backup yet."""
    today = (now or dt.datetime.now()).date()
    return not any(b.kind == BackupKind.AUTO and b.at.date() == today for b in list_backups(db_path))


def ensure_daily_backup(db: Database, now: dt.datetime | None = None, force: bool = False) -> DailyBackup:
    """One automatic backup a day (or now, with `force`), then prune the old ones.

    The app calls it after the day's first change and at close, so that a backup holds something.
    """
    now = now or dt.datetime.now()
    if not force and not backup_due(db.path, now):
        return DailyBackup(None, Pruned([], []), Pruned([], []))
    path = make_backup(db, BackupKind.AUTO, now)
    return DailyBackup(path, prune(db.path), clean_up(db.path, now))


def prune(db_path: Path) -> Pruned:
    """Keep the newest automatic backup of each of the last 10 days that have one, and of every month."""
    autos = [b for b in list_backups(db_path) if b.kind == BackupKind.AUTO]
    keep: set[Path] = set()
    days: dict[dt.date, Path] = {}
    months: dict[tuple[int, int], Path] = {}
    for b in autos:  # newest first, so setdefault keeps the newest of each day / month
        days.setdefault(b.at.date(), b.path)
        months.setdefault((b.at.year, b.at.month), b.path)
    keep.update(list(days.values())[:KEEP_DAILY])
    keep.update(months.values())
    return _remove([b.path for b in autos if b.path not in keep], "旧的自动备份")


def latest_good_backup(db_path: Path) -> Backup | None:
    """The newest backup that opens and passes the integrity check (offered when the database is damaged)."""
    for backup in list_backups(db_path):
        try:
            if not check_file(backup.path):  # any version: one made before an upgrade is good too
                return backup
        except UserError:
            continue
    return None


def reports_in(backup: Path) -> list[ReportSummary]:
    """The live reports a backup holds (to say which backup a restore would bring back); a `UserError`
    for a file that is not a readable backup of ours."""
    with Database.open(backup, read_only=True) as db:
        return db.list_reports()


def describe_backup(path: Path, db_path: Path) -> str:
    """Which backup this is, for the question before a restore: file, date, and the reports in it."""
    known = next((b for b in list_backups(db_path) if b.path == path), None)
    made = dt.datetime.fromtimestamp(path.stat().st_mtime)
    when = known.label if known is not None else f"{made:%Y年%m月%d日 %H:%M:%S}（文件修改时间）"
    lines = [f"要恢复的备份：{path.name}", f"备份时间：{when}"]
    try:
        reports = reports_in(path)
    except UserError as exc:
        return "\n".join([*lines, f"这个文件无法读出其中的报告：{exc.message}"])
    shown = [f"· {r.agency} {r.year}年度（{STATUS_NAMES.get(r.status, r.status)}）" for r in reports[:12]]
    more = [f"……等共 {len(reports)} 份"] if len(reports) > 12 else []
    return "\n".join([*lines, f"其中有 {len(reports)} 份报告：", *shown, *more])


def restore_backup(backup: Path, db_path: Path, now: dt.datetime | None = None) -> Path | None:
    """Replace the database's content with a backup's. The current file is kept first, when readable.

    The caller must hold the instance lock and have closed its own connection to `db_path`. Returns
    the safety copy, if one was made. A `db_path` that is a symbolic link restores the file it points
    to (the link stays). A backup of an older version is restored as it is: the next opening migrates
    it, keeping a copy first. A backup newer than this program is refused, and so is replacing a
    database a newer version made (it would lose what that version keeps).
    """
    db_path = Path(os.path.realpath(db_path))
    now = now or dt.datetime.now()
    if check_file(backup):  # a foreign, empty or newer backup is a UserError here too
        raise UserError(f"备份文件“{backup.name}”已损坏，不能用来恢复。")
    if db_path.exists():
        _refuse_newer(db_path)
    safety = _keep_current(db_path, now) if db_path.exists() else None
    copy_file(backup, db_path)
    return safety


def _refuse_newer(db_path: Path) -> None:
    try:
        check_file(db_path)
    except DatabaseTooNew as exc:
        raise UserError(
            f"{exc.message.removesuffix('本程序没有改动它。')}没有用备份恢复，数据库未作改动。"
        ) from None
    except UserError:
        pass  # damaged, empty or unreadable: replacing it is what a restore is for


def _keep_current(db_path: Path, now: dt.datetime) -> Path:
    """Copy the current file aside before it is overwritten — even a damaged one, byte for byte.

    A `-wal`/`-shm` still beside it (SQLite folds them in and removes them when a sound file is closed;
    a damaged one keeps them) is moved beside the copy under the matching names: the set stays whole.
    """
    dest = backup_path(db_path, BackupKind.BEFORE_RESTORE, now)
    folder = dest.parent
    try:
        folder.mkdir(exist_ok=True)
        try:
            with Database.open(db_path) as current:
                current.backup(dest)
        except UserError:
            shutil.copyfile(db_path, dest)  # not openable as ours: keep the raw bytes
        for suffix in ("-wal", "-shm"):
            sidecar = db_path.with_name(db_path.name + suffix)
            if sidecar.exists():
                os.replace(sidecar, dest.with_name(dest.name + suffix))
    except OSError as exc:
        raise UserError(f"无法在“{folder}”中保存恢复前的数据库副本：{os_reason(exc)}。没有恢复。") from None
    return dest


KEEP_BEFORE_RESTORE = 5  # copies kept from before a restore: enough to undo the last few restores
STALE_SECONDS = 3600  # a temporary file this old belongs to no copy still being written


def clean_up(db_path: Path, now: dt.datetime | None = None) -> Pruned:
    """Remove what interrupted backups and restores left behind (`*.tmp` beside the database and in the
    backup folder) and all but the newest `KEEP_BEFORE_RESTORE` before-restore copies (with their
    `-wal`/`-shm`). A temporary file younger than an hour may still be being written: it stays. A copy
    another program holds is named in the outcome, as `prune` does."""
    now = now or dt.datetime.now()
    folder = backup_folder(db_path)
    temporary = list(db_path.parent.glob(glob.escape(db_path.name) + "*.tmp"))  # `<name>.<pid>.tmp`
    temporary += list(folder.glob("*.sqlite3*.tmp")) if folder.is_dir() else []
    removed = []
    for path in temporary:
        try:
            if now.timestamp() - path.stat().st_mtime > STALE_SECONDS:
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # gone already, or not ours to remove
    old = [b.path for b in list_backups(db_path) if b.kind == BackupKind.BEFORE_RESTORE][KEEP_BEFORE_RESTORE:]
    members = [path.with_name(path.name + suffix) for path in old for suffix in ("", "-wal", "-shm")]
    cleaned = _remove([m for m in members if m.exists()], "恢复前的旧副本")
    return Pruned(removed + cleaned.removed, cleaned.stuck, cleaned.what)
