"""The app's own storage: every report and every change ever made to it, in one SQLite file.

All SQL of the project lives in this module; the rest of the code passes `Report` models in and out.
Every write is one transaction and records one revision (when, what kind, an optional note) with its
changes (field, old, new), so any earlier state of a report can be rebuilt and restored, and nothing
is ever lost: a restore, a rename, a status change and a delete are revisions too. Only typing on in
one narrative text continues its latest revision (see `Database.set_text`), so that a keystroke does
not cost a copy of the whole text.

A change's `field` is a cell address, `text.<key>`, `signature.name`, `signature.date`, `agency`,
`year`, `status` or `deleted`. Values are kept as text: a cell's `Decimal` exactly as given
(`7730.2800` stays `7730.2800`), a date as `2022-01-20`, a time as UTC ISO 8601.

The file is protected: WAL with `synchronous=FULL` (a power cut loses nothing committed), a busy
timeout for a second writer, `user_version` with ordered migrations and a backup copy before any
migration, and a refusal — without writing a byte — to touch a file that is not ours or is newer.
Expected failures (locked, read-only, disk full, damaged) become a `UserError` in plain Chinese.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
import struct
import threading
from collections import Counter as Counter_
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import sqlite_utils

from core.errors import TextConflict, UserError, os_reason
from core.formats import get_format
from core.paths import backup_path
from core.report import Report, Signature, agency_name

log = logging.getLogger(__name__)

APPLICATION_ID = 0x6E69616E  # "nian" in the file header: this file is a 年报助手 database
BUSY_TIMEOUT = 5.0  # seconds to wait for another writer before telling the user
STATUSES = ("draft", "final")
YEARS = range(1990, 2201)  # the years the exchange file accepts
TEXT_BURST_SECONDS = 60.0  # typing in one text with shorter pauses continues the same revision
_TEXT_KINDS = ("edit", "text")
# The tables as `db check` names them to a user (SQLite's names are English)
_TABLE_NAMES = {
    "agencies": "机关表",
    "reports": "报告表",
    "cells": "表格数字",
    "texts": "文字",
    "signatures": "署名",
    "revisions": "修改历史",
    "changes": "修改内容",
    "dismissals": "已忽略的提醒",
}
_SQLITE_MAGIC = b"SQLite format 3\x00"

Flat = dict[str, str | None]  # a report's content as field -> text, the unit of history


class Counter(Protocol):
    """How a report is counted for lists: (errors, warnings) of a report, given last year's report (or
    None) and the keys of the warnings dismissed for it. Counts kept by another `version` (other rules)
    are counted again when the file is next opened for writing."""

    version: str

    def __call__(
        self, report: Report, previous: Report | None, dismissed: frozenset[str]
    ) -> tuple[int, int]: ...


# ---------------------------------------------------------------- public records


@dataclass(frozen=True)
class ReportSummary:
    id: int
    agency: str
    year: int
    status: str  # 'draft' | 'final'
    updated_at: dt.datetime  # aware, in local time
    errors: int
    warnings: int
    format: str = "2021"
    created_at: dt.datetime | None = None
    deleted_at: dt.datetime | None = None  # set for reports in the recycle bin
    signed_by: str | None = None  # 署名 and 成文日期 (a desk's board shows them without reading the report)
    signed_on: dt.date | None = None


@dataclass(frozen=True)
class Dismissal:
    """A warning the user dismissed for this report (「忽略此提醒」): which, why, who, when."""

    key: str  # the finding's key (core.rules.Finding.key)
    reason: str
    who: str
    at: dt.datetime  # aware, in local time


DISMISSED = "dismissed."  # a change's field for a dismissal: dismissed.<finding key>, new = the reason


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Revision:
    id: int
    report_id: int
    at: dt.datetime  # aware, in local time
    kind: str  # create, import, edit, paste, restore, rename, status, delete, undelete…
    note: str | None
    changes: list[Change]


# ---------------------------------------------------------------- schema and migrations

_SCHEMA_1 = (
    f"PRAGMA application_id = {APPLICATION_ID}",
    """CREATE TABLE agencies (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    )""",
    """CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        agency_id INTEGER NOT NULL REFERENCES agencies(id),
        year INTEGER NOT NULL,
        format TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT
    )""",
    # one live report per agency and year; deleted ones may share it (the recycle bin)
    "CREATE UNIQUE INDEX reports_agency_year ON reports(agency_id, year) WHERE deleted_at IS NULL",
    """CREATE TABLE cells (
        report_id INTEGER NOT NULL REFERENCES reports(id),
        address TEXT NOT NULL,
        value TEXT,
        PRIMARY KEY (report_id, address)
    ) WITHOUT ROWID""",
    """CREATE TABLE texts (
        report_id INTEGER NOT NULL REFERENCES reports(id),
        key TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (report_id, key)
    ) WITHOUT ROWID""",
    """CREATE TABLE signatures (
        report_id INTEGER PRIMARY KEY REFERENCES reports(id),
        name TEXT,
        date TEXT
    )""",
    """CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        report_id INTEGER NOT NULL REFERENCES reports(id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        note TEXT
    )""",
    "CREATE INDEX revisions_report ON revisions(report_id, id)",
    """CREATE TABLE changes (
        revision_id INTEGER NOT NULL REFERENCES revisions(id),
        seq INTEGER NOT NULL,
        field TEXT NOT NULL,
        old TEXT,
        new TEXT,
        PRIMARY KEY (revision_id, seq)
    ) WITHOUT ROWID""",
)


def _statements(*sql: str) -> Callable[[sqlite3.Connection], None]:
    def migrate(conn: sqlite3.Connection) -> None:
        for statement in sql:
            conn.execute(statement)

    return migrate


# Each report's error/warning counts, kept with it for the report list; NULL until counted, and
# `Database.open` counts every such report right after migrating (see `_count_uncounted`).
COUNTS_MIGRATION = _statements(
    "ALTER TABLE reports ADD COLUMN errors INTEGER",
    "ALTER TABLE reports ADD COLUMN warnings INTEGER",
    "ALTER TABLE reports ADD COLUMN counted_by TEXT",  # the counter's version
)

# Migration N (1-based) brings a file from user_version N-1 to N, inside one transaction with foreign
# keys on (a table rebuild must keep them valid). Append only; never edit one that has shipped.
# 2: dismissed warnings (「忽略此提醒」), kept with the report; each dismissal is a revision too
_DISMISSALS = """CREATE TABLE dismissals (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    key TEXT NOT NULL,
    reason TEXT NOT NULL,
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (report_id, key)
) WITHOUT ROWID"""

MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _statements(*_SCHEMA_1),
    _statements(_DISMISSALS),
    COUNTS_MIGRATION,
)
# 3: each report's error/warning counts (COUNTS_MIGRATION)


# ---------------------------------------------------------------- errors

_RESTORE = "请用备份文件恢复，或联系技术人员。"


class DatabaseDamaged(UserError):
    """The file is ours but damaged: the one case where restoring a backup over it may be offered."""


class DatabaseTooNew(UserError):
    """Written by a newer 年报助手: only that version may open it; this one leaves it untouched."""


class NotOurDatabase(UserError):
    """Not a 年报助手 database at all (another program's, a text file, a folder): open or create another."""


_BUSY, _LOCKED, _PERM, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 3, 8, 10, 11, 13, 14, 26
_FORMAT, _NOMEM, _INTERRUPT, _TOOBIG, _NOLFS, _AUTH, _PROTOCOL = 24, 7, 9, 18, 22, 23, 15
# Every other result code (an SQL error, a constraint, a misuse…) means the file's content is not what
# this program expects, or a bug: a Chinese message naming the code, the details in the log.
_OTHER_REASONS = {
    _NOMEM: "内存不足",
    _INTERRUPT: "操作被中断",
    _TOOBIG: "数据太大",
    _NOLFS: "磁盘不支持这么大的文件",
    _AUTH: "没有访问权限",
    _PROTOCOL: "文件锁出错（网络磁盘上可能发生）",
}


def _user_error(exc: sqlite3.Error, path: Path, writing: bool) -> UserError | None:
    """The plain Chinese explanation of a SQLite failure; None only for a misuse of the connection
    (a bug in this program, e.g. a closed database), which must reach the crash report."""
    if isinstance(exc, sqlite3.ProgrammingError | sqlite3.InterfaceError):
        return None
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    name = path.name
    unsaved = "本次修改没有保存。" if writing else ""
    if code in (_BUSY, _LOCKED):
        return UserError(
            f"数据库“{name}”正被另一个程序（可能是另一个年报助手窗口）使用，请稍后再试。{unsaved}"
        )
    if code == _FULL:
        return UserError(f"磁盘空间已满，无法写入数据库“{name}”。{unsaved}请腾出空间后再试。")
    if code in (_READONLY, _PERM):
        return UserError(f"数据库“{name}”或它所在的文件夹是只读的，无法写入。{unsaved}")
    if code == _CANTOPEN:
        return UserError(f"无法打开数据库“{path}”：文件夹不存在、是只读的，或没有权限。")
    if code == _IOERR:
        return UserError(f"读写数据库“{name}”时出错（磁盘可能已满、已被拔出或已损坏）。{unsaved}")
    if code in (_CORRUPT, _NOTADB, _FORMAT) or (code == 0 and "decode" in str(exc)):
        return DatabaseDamaged(f"数据库“{name}”已损坏。{unsaved}{_RESTORE}")
    reason = _OTHER_REASONS.get(code, "数据库的内容与本程序预期的不符，可能已损坏或被其他程序改动过")
    return UserError(f"无法使用数据库“{name}”：{reason}（SQLite 错误代码 {code}）。{unsaved}")


@contextlib.contextmanager
def _explained(path: Path, writing: bool) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        error = _user_error(exc, path, writing)
        if error is None:
            raise
        log.info("database %s: %s", path, exc, exc_info=type(error) is UserError)  # the Chinese goes up
        raise error from None


# ---------------------------------------------------------------- values as text


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone()


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)  # str() of a Decimal keeps every digit and the exponent


def _blank_flat(format_id: str) -> Flat:
    """The state before a report's first revision: the baseline of history."""
    spec = get_format(format_id)
    flat: Flat = {"agency": None, "year": None, "signature.name": None, "signature.date": None}
    flat.update({f"text.{k}": "" for k in spec.text_keys})
    flat.update(dict.fromkeys(spec.cells))
    return flat


def _flatten(report: Report) -> Flat:
    sig = report.signature
    flat: Flat = {"agency": report.agency, "year": str(report.year)}
    flat.update({f"text.{k}": v for k, v in report.texts.items()})
    flat.update({a: _decimal_text(v) for a, v in report.values.items()})
    flat["signature.name"] = sig.name
    flat["signature.date"] = sig.date.isoformat() if sig.date else None
    return flat


def _unflatten(format_id: str, flat: Mapping[str, str | None]) -> Report:
    spec = get_format(format_id)
    date = flat.get("signature.date")
    return Report(
        format=format_id,
        agency=flat["agency"] or "",
        year=int(flat["year"] or 0),
        texts={k: flat.get(f"text.{k}") or "" for k in spec.text_keys},
        values={a: None if (v := flat.get(a)) is None else Decimal(v) for a in spec.cells},
        signature=Signature(
            name=flat.get("signature.name"), date=dt.date.fromisoformat(date) if date else None
        ),
    )


def _diff(old: Mapping[str, str | None], new: Mapping[str, str | None]) -> list[Change]:
    return [Change(f, old.get(f), v) for f, v in new.items() if old.get(f) != v]


def report_changes(old: Report, new: Report) -> list[Change]:
    """What storing `new` over `old` would record (e.g. to ask before an import replaces a report)."""
    return _diff(_flatten(old), _flatten(new))


@dataclass
class _Stored:
    """A report row as stored, with its content flattened."""

    id: int
    format: str
    status: str
    created_at: str
    updated_at: str
    deleted_at: str | None
    flat: Flat = field(default_factory=dict)

    @property
    def agency(self) -> str:
        return self.flat["agency"] or ""

    @property
    def year(self) -> int:
        return int(self.flat["year"] or 0)

    def report(self) -> Report:
        return _unflatten(self.format, self.flat)


# ---------------------------------------------------------------- opening


def _read_only_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


_WAL_MAGIC = (0x377F0682, 0x377F0683)  # the low bit: checksums over big-endian words
WAL_COPIES = 5  # intact -wal copies kept beside the backups; a damaged one is kept for good


def _wal_checksum(data: bytes, big: bool, s0: int, s1: int) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big else '<'}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def wal_lost_commits(wal: bytes) -> int:
    """How many committed transactions of a `-wal` file SQLite will throw away: those behind a damaged
    frame (it replays frames only up to the first bad one). A torn last frame — a crash during a commit
    that never finished — is not counted: nothing that was reported saved is in it."""
    if len(wal) <= 32:
        return 0
    magic, _, page_size, _, salt1, salt2, c1, c2 = struct.unpack(">8I", wal[:32])
    if magic not in _WAL_MAGIC or page_size < 512 or page_size & (page_size - 1):
        return 1  # the header itself is damaged: the whole log is ignored
    big = bool(magic & 1)
    sums = _wal_checksum(wal[:24], big, 0, 0)
    broken = sums != (c1, c2)
    size, lost, pending = 24 + page_size, 0, 0
    for at in range(32, len(wal) - size + 1, size):
        _, commit, f1, f2, k1, k2 = struct.unpack(">6I", wal[at : at + 24])
        if (f1, f2) != (salt1, salt2):  # left over from an earlier log, or damaged: SQLite stops here
            broken, pending = True, 0
            continue
        if not broken:
            sums = _wal_checksum(wal[at : at + 8] + wal[at + 24 : at + size], big, *sums)
            broken = sums != (k1, k2)
            pending = 1 if broken and commit else 0  # counts only if frames follow it
        elif commit:
            lost += 1 + pending
            pending = 0
    return lost


# An intact log's copy: `<stem>-<time to the microsecond>-log.sqlite3-wal` (see core.paths.backup_path);
# never a `…-damaged-log` one, which is kept for good.
_LOG_STAMP = "%Y%m%d-%H%M%S-%f"
_LOG_COPY = re.compile(r"-\d{8}-\d{6}-\d{6}-log\.sqlite3-wal")


def _keep_wal(path: Path, keep_intact: bool) -> str | None:
    """Before SQLite replays a non-empty `-wal` (and deletes it on close), keep a copy beside the
    backups. If it holds commits SQLite will drop, keep the database with it and say so — on any
    opening. An intact log is copied only when `keep_intact` (the app's opening, holding the one-writer
    lock: the log is then one a crash left, not the live log of a window still at work)."""
    wal = path.with_name(path.name + "-wal")
    try:
        data = wal.read_bytes() if wal.is_file() else b""
    except OSError:
        return None
    lost = wal_lost_commits(data) if data else 0
    if not data or not (lost or keep_intact):
        return None
    kept = backup_path(path, "damaged-log" if lost else "log", dt.datetime.now(), _LOG_STAMP)
    folder, copy = kept.parent, kept.with_name(kept.name + "-wal")
    try:
        folder.mkdir(exist_ok=True)
        copy.write_bytes(data)
        if lost:
            shutil.copyfile(path, kept)
        stem = path.stem
        ours = (p for p in folder.iterdir() if p.name.startswith(stem))
        for old in sorted(p for p in ours if _LOG_COPY.fullmatch(p.name[len(stem) :]))[:-WAL_COPIES]:
            old.unlink()
    except OSError as exc:
        if lost:  # opening would destroy the only evidence: refuse instead
            raise DatabaseDamaged(
                f"数据库“{path.name}”的日志文件“{wal.name}”已损坏，其中有 {lost} 次保存的修改无法读取；"
                f"无法先把它另存一份（{os_reason(exc)}），为免丢失，没有打开数据库。请联系技术人员。"
            ) from None
        log.warning("could not keep a copy of %s: %s", wal, exc)
        return None
    if not lost:
        return None
    return (
        f"数据库“{path.name}”上次没有正常关闭，留下的日志文件已损坏：其中 {lost} 次保存的修改无法恢复，"
        f"最近的修改可能丢失了。日志文件和数据库已原样另存在“{folder}”中（文件名含 damaged-log），"
        "请联系技术人员。"
    )


def _inspect(path: Path, create: bool, timeout: float) -> int:
    """The schema version of an existing file of ours (0 for a new or empty file); refuse anything else.

    Only reads, and from the file header where it can: a foreign or newer file is never written to,
    and not even given the `-wal`/`-shm` files that any SQLite connection would leave beside it.
    """
    if path.is_dir():
        raise NotOurDatabase(f"“{path}”是一个文件夹，不是数据库文件。")
    if not path.exists():
        if not create:
            raise UserError(f"找不到数据库文件“{path}”。")
        if not path.parent.is_dir():
            raise UserError(f"文件夹“{path.parent}”不存在，无法在其中建立数据库。")
        return 0
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(100)
        wal = path.with_name(path.name + "-wal")
        pending = wal.exists() and wal.stat().st_size > 0
    except OSError as exc:
        raise UserError(f"无法读取数据库文件“{path}”：{os_reason(exc)}。") from None
    if not head:
        return 0  # an empty file, e.g. made by the user as a place for a new database
    if not head.startswith(_SQLITE_MAGIC):
        raise NotOurDatabase(f"文件“{path.name}”不是年报助手的数据库，没有打开它，也没有改动它。")
    if len(head) < 100:
        raise DatabaseDamaged(f"数据库“{path.name}”已损坏（文件不完整）。{_RESTORE}")
    if pending:  # commits not yet copied into the file: only SQLite can tell the current header
        with _explained(path, writing=False):
            conn = sqlite3.connect(_read_only_uri(path), uri=True, timeout=timeout)
            try:
                app_id, version, tables = (
                    conn.execute("PRAGMA application_id").fetchone()[0],
                    conn.execute("PRAGMA user_version").fetchone()[0],
                    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0],
                )
            finally:
                conn.close()
        blank = tables == 0
    else:
        app_id = int.from_bytes(head[68:72], "big", signed=True)
        version = int.from_bytes(head[60:64], "big", signed=True)
        page_size = int.from_bytes(head[16:18], "big")
        if page_size != 1 and (page_size < 512 or page_size & (page_size - 1)):  # 1 means 65536
            raise DatabaseDamaged(f"数据库“{path.name}”已损坏（文件头不完整）。{_RESTORE}")
        blank = size <= (65536 if page_size == 1 else page_size)  # any table needs a second page
    if (app_id, version, blank) == (0, 0, True):
        return 0  # an empty SQLite database
    if app_id != APPLICATION_ID:
        raise NotOurDatabase(
            f"文件“{path.name}”是别的程序的数据库，不是年报助手的数据库，没有打开它，也没有改动它。"
        )
    if version > len(MIGRATIONS):
        raise DatabaseTooNew(
            f"数据库“{path.name}”是由更新版本的年报助手建立的（结构版本 {version}，本程序只认识到 "
            f"{len(MIGRATIONS)}）。请使用新版本的年报助手；本程序没有改动它。"
        )
    if version <= 0:  # ours, yet no version: every migration sets one with its tables
        raise DatabaseDamaged(f"数据库“{path.name}”已损坏（结构版本记录为 {version}）。{_RESTORE}")
    return int(version)


def _problems(conn: sqlite3.Connection, path: Path) -> list[str]:
    """SQLite's integrity and foreign key checks over `conn`, in Chinese (empty when sound)."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        damage = [r for r in rows if r != "ok"]
        for row in damage:
            log.info("database %s: integrity_check: %s", path, row)
        problems = [f"数据存储结构有 {len(damage)} 处损坏（详情已写入日志）"] if damage else []
        orphans = list(conn.execute("PRAGMA foreign_key_check"))
        for table, rowid, parent, _ in orphans:
            log.info("database %s: foreign_key_check: %s %s -> %s", path, table, rowid, parent)
        by_table = Counter_(
            f"{_TABLE_NAMES.get(t, '其他表')}中有记录指向不存在的{_TABLE_NAMES.get(p, '记录')}"
            for t, _, p, _ in orphans
        )
        problems += [f"{what}（{n} 处，详情已写入日志）" for what, n in by_table.items()]
    except sqlite3.DatabaseError as exc:
        log.info("database %s: integrity_check failed: %s", path, exc)
        problems = ["数据库文件已损坏，检查无法进行到底（详情已写入日志）"]
    return problems


@contextlib.contextmanager
def _reading(path: Path, timeout: float = BUSY_TIMEOUT) -> Iterator[sqlite3.Connection]:
    """A raw read-only connection to a file of ours of any version this program knows: it needs no
    current schema (a backup made before an upgrade), and never creates, migrates or writes."""
    version = _inspect(path, False, timeout)
    if version == 0:
        raise UserError(f"数据库文件“{path.name}”是空的，还没有任何内容。")
    with _explained(path, writing=False):
        conn = sqlite3.connect(_read_only_uri(path), uri=True, timeout=timeout, check_same_thread=False)
    try:
        with _explained(path, writing=False):
            yield conn
    finally:
        conn.close()


def check_file(path: Path) -> list[str]:
    """The problems of a file of ours, in Chinese (empty when sound), whatever its schema version:
    e.g. a backup made before this version. `UserError` for a foreign, newer, empty or unreadable file."""
    with _reading(path) as conn:
        return _problems(conn, path)


def copy_file(source: Path, dest: Path) -> None:
    """Copy a file of ours (any schema version) into `dest` as it is; it is migrated, with the usual
    backup first, when `dest` is next opened for writing."""
    if dest.exists() and dest.resolve() == source.resolve():
        raise UserError("备份文件不能是数据库文件本身，请另选一个文件名。")
    with _reading(source) as conn:
        _copy(conn, dest)


def _in_memory(path: Path, timeout: float) -> sqlite3.Connection:
    """A copy of the file in memory, to migrate and read when the file itself must not be written."""
    with _reading(path, timeout) as source:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        source.backup(conn)
    return conn


def _copy(conn: sqlite3.Connection, dest: Path) -> None:
    """Copy what `conn` reads into one self-contained file at `dest`, through SQLite's backup API."""
    tmp = dest.with_name(dest.name + ".tmp")
    wal = dest.with_name(dest.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:  # SQLite would replay it onto the new copy
        raise UserError(
            f"文件“{dest.name}”旁边有它未合并的日志文件“{wal.name}”，它可能正被使用，没有覆盖它。"
            "请另选一个文件名。"
        )
    try:
        tmp.unlink(missing_ok=True)
        target = sqlite3.connect(tmp)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            target.close()
        os.replace(tmp, dest)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error) and _user_error(exc, dest, False) is None:
            raise
        reason = os_reason(exc) if isinstance(exc, OSError) else "磁盘已满、只读或没有权限"
        raise UserError(f"无法写入备份文件“{dest}”：{reason}。") from None


# ---------------------------------------------------------------- the database


class Database:
    """One open database file. Thread-safe: calls are serialized on one connection.

    `clock` gives the current time (aware) for every revision; tests may set their own. `counter`
    counts a report's errors and warnings whenever it changes (default: `core.summary.counts`).
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, counter: Counter | None = None) -> None:
        self.path = path
        self.clock: Callable[[], dt.datetime] = _utc_now
        self.counter = counter or _default_counter()
        self._conn = conn
        self._db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
        self._lock = threading.RLock()
        self.closed = False
        self.read_only = False  # opened with read_only=True: every write raises a UserError
        self.recovery_note: str | None = None  # set when opening found commits lost in a damaged -wal

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        create: bool = True,
        read_only: bool = False,
        timeout: float = BUSY_TIMEOUT,
        counter: Counter | None = None,
        keep_log: bool = False,
    ) -> Database:
        """Open (creating or migrating as needed); `UserError` for a foreign, newer or damaged file.

        `read_only` (e.g. to look into a backup) never creates, migrates or writes the file; any write
        then raises a `UserError`. A file of an older version is read through a migrated copy in memory.
        `keep_log`: the app's own opening, holding the one-writer lock, keeps a copy of a log left
        behind (see `_keep_wal`); a damaged log is kept on every opening.
        """
        path = Path(path)
        version = _inspect(path, create and not read_only, timeout)
        if version == 0 and path.exists() and not create:  # e.g. `db check` of a 0-byte file: leave it so
            raise UserError(f"数据库文件“{path.name}”是空的，还没有任何内容；没有改动它。")
        if read_only and version == 0:
            raise UserError(f"数据库“{path.name}”是空的，还没有任何内容，无法以只读方式打开。")
        older = read_only and version < len(MIGRATIONS)
        note = _keep_wal(path, keep_log) if version > 0 else None
        with _explained(path, writing=not read_only):
            if older:
                conn = _in_memory(path, timeout)
            else:
                target = _read_only_uri(path) if read_only else str(path)
                conn = sqlite3.connect(
                    target, uri=read_only, timeout=timeout, isolation_level=None, check_same_thread=False
                )
        db = cls(path, conn, counter)
        db.read_only, db.recovery_note = read_only, note
        try:
            with _explained(path, writing=False):
                if not read_only:
                    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    if mode != "wal":  # e.g. a network drive: still safe, only slower
                        log.info("database %s: journal_mode is %s, not wal", path, mode)
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a damaged schema shows here
            db._migrate(version)
            if not read_only or older:  # just migrated, or counted by other rules: count again
                db._count_uncounted()
            if older:  # the copy in memory is read only too
                conn.execute("PRAGMA query_only = ON")
        except BaseException:
            conn.close()
            raise
        return db

    def _migrate(self, version: int) -> None:
        if version >= len(MIGRATIONS):
            return
        if version > 0 and not self.read_only:  # read only: migrated in memory, the file is left as it is
            self._copy_to(self.path.with_name(f"{self.path.name}.before-v{version + 1}.bak"))
        for number, migrate in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._write():
                if self.schema_version() >= number:
                    continue  # another process got here first
                log.info("database %s: migrating to version %d", self.path, number)
                migrate(self._conn)
                self._conn.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self.closed = True

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ transactions

    @contextlib.contextmanager
    def _read(self) -> Iterator[None]:
        """A consistent snapshot across several queries (a no-op inside a write)."""
        with self._lock:
            if self._conn.in_transaction:
                yield
                return
            with _explained(self.path, writing=False):
                self._conn.execute("BEGIN")
                try:
                    yield
                finally:
                    self._conn.execute("COMMIT")

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One transaction: all of it is committed, or none of it."""
        with self._lock:
            if self._conn.in_transaction:
                raise RuntimeError("nested write transaction")
            with _explained(self.path, writing=True):
                self._conn.execute("BEGIN IMMEDIATE")  # take the write lock now: no deadlock later
                try:
                    yield
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            self._conn.execute("ROLLBACK")
                    raise

    # ------------------------------------------------------------ about the file

    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def data_version(self) -> int:
        """Changes whenever another connection commits (e.g. `db import` while the app is open)."""
        with self._lock:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def change_count(self) -> int:
        """Rows this connection has written since it was opened (the app notices its first change)."""
        with self._lock:
            return int(self._conn.total_changes)

    def settings(self) -> dict[str, object]:
        """The connection's safety settings as SQLite reports them (for `db check` and tests)."""
        with self._lock, _explained(self.path, writing=False):
            sync = self._conn.execute("PRAGMA synchronous").fetchone()[0]
            return {
                "journal_mode": self._conn.execute("PRAGMA journal_mode").fetchone()[0],
                "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(sync, str(sync)),
                "foreign_keys": bool(self._conn.execute("PRAGMA foreign_keys").fetchone()[0]),
                "busy_timeout_ms": self._conn.execute("PRAGMA busy_timeout").fetchone()[0],
            }

    def integrity_check(self) -> list[str]:
        """Problems found in the file, in Chinese (empty when sound); SQLite's own words go to the log."""
        with self._lock:
            return _problems(self._conn, self.path)

    def backup(self, dest: Path | str) -> None:
        """A consistent copy through SQLite's online backup API, even while others use the file."""
        dest = Path(dest)
        if dest.exists() and dest.resolve() == self.path.resolve():
            raise UserError("备份文件不能是数据库文件本身，请另选一个文件名。")
        self._copy_to(dest)

    def _copy_to(self, dest: Path) -> None:
        with self._lock:
            _copy(self._conn, dest)

    # ------------------------------------------------------------ reading

    _SELECT = """
        SELECT r.id, a.name AS agency, r.year, r.format, r.status, r.created_at, r.updated_at,
               r.deleted_at, r.errors, r.warnings, r.counted_by, s.name AS sig_name, s.date AS sig_date
        FROM reports r JOIN agencies a ON a.id = r.agency_id LEFT JOIN signatures s ON s.report_id = r.id
    """

    def _rows(self, where: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The report rows matching `where` (over `r`, the reports table), by agency, newest year first."""
        return list(self._db.query(f"{self._SELECT} WHERE {where} ORDER BY a.name, r.year DESC", params))

    def _load(self, where: str, params: Sequence[Any] = ()) -> list[_Stored]:
        """Reports matching `where` (over `r`, the reports table): one query per table, not per cell."""
        stored: dict[int, _Stored] = {}
        for row in self._rows(where, params):
            flat = _blank_flat(row["format"])
            flat.update(
                agency=row["agency"],
                year=str(row["year"]),
                **{"signature.name": row["sig_name"], "signature.date": row["sig_date"]},
            )
            stored[row["id"]] = _Stored(
                row["id"], row["format"], row["status"], row["created_at"], row["updated_at"],
                row["deleted_at"], flat,
            )  # fmt: skip
        if not stored:
            return []
        subset = f"SELECT r.id FROM reports r WHERE {where}"
        for rid, address, value in self._conn.execute(
            f"SELECT report_id, address, value FROM cells WHERE report_id IN ({subset})", params
        ):
            stored[rid].flat[address] = value
        for rid, key, text in self._conn.execute(
            f"SELECT report_id, key, text FROM texts WHERE report_id IN ({subset})", params
        ):
            stored[rid].flat[f"text.{key}"] = text
        return list(stored.values())

    def _stored(self, report_id: int) -> _Stored:
        found = self._load("r.id = ?", (report_id,))
        if not found:
            raise UserError("找不到这份报告，它可能已被彻底移除。")
        return found[0]

    def _editable(self, report_id: int) -> _Stored:
        stored = self._stored(report_id)
        if stored.deleted_at is not None:
            raise UserError(f"“{stored.agency}”的 {stored.year} 年度报告已删除，请先从回收站恢复再修改。")
        if stored.status == "final":
            raise UserError(
                f"“{stored.agency}”的 {stored.year} 年度报告已定稿，不能修改；如需修改，请先解除定稿。"
            )
        return stored

    def _find(self, agency: str, year: int) -> int | None:
        row = self._conn.execute(
            "SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id "
            "WHERE a.name = ? AND r.year = ? AND r.deleted_at IS NULL",
            (agency, year),
        ).fetchone()
        return None if row is None else int(row[0])

    def agencies(self) -> list[str]:
        """Agency names used before, most recently active first (for the new-report dialog)."""
        with self._read():
            return [
                row[0]
                for row in self._conn.execute(
                    "SELECT a.name FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id "
                    "GROUP BY a.id ORDER BY max(r.updated_at) DESC, a.name"
                )
            ]

    def _summaries(self, where: str) -> list[ReportSummary]:
        """Reports matching `where` with the counts kept with them: no cell is read, no rule is run."""
        out = []
        for row in self._rows(where):
            errors, warnings = row["errors"], row["warnings"]
            if errors is None or warnings is None or row["counted_by"] != self.counter.version:
                # not counted yet, or by other rules (a read-only file): count it now, if it can be read
                readable = self._readable([row["id"]])
                errors, warnings = self._count(readable[0]) if readable else (errors or 0, warnings or 0)
            date, deleted = row["sig_date"], row["deleted_at"]
            out.append(
                ReportSummary(
                    id=row["id"], agency=row["agency"], year=row["year"], status=row["status"],
                    updated_at=_time(row["updated_at"]), errors=errors, warnings=warnings,
                    format=row["format"], created_at=_time(row["created_at"]),
                    deleted_at=_time(deleted) if deleted else None, signed_by=row["sig_name"],
                    signed_on=dt.date.fromisoformat(date) if date else None,
                )
            )  # fmt: skip
        return out

    def list_reports(self) -> list[ReportSummary]:
        """Live reports by agency, then newest year first, with their counts (see `Counter`: counted
        with last year's report of the same agency when there is one)."""
        with self._read():
            return self._summaries("r.deleted_at IS NULL")

    def deleted_reports(self) -> list[ReportSummary]:
        """The recycle bin, most recently deleted first."""
        with self._read():
            found = self._summaries("r.deleted_at IS NOT NULL")
        return sorted(
            found, key=lambda s: s.deleted_at or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True
        )

    # ------------------------------------------------------------ counts kept with each report

    def previous_report(self, report_id: int) -> Report | None:
        """Last year's live report of the same agency, for the checks across years; None when there is
        none or it cannot be read (e.g. in a format this version does not know): then no such checks."""
        with self._read():
            return self._previous(self._stored(report_id))

    def _previous(self, stored: _Stored) -> Report | None:
        found = self._find(stored.agency, stored.year - 1)
        if found is None or found == stored.id:
            return None
        try:
            return self._stored(found).report()
        except UserError as exc:
            log.info("database %s: last year's report %d not read: %s", self.path, found, exc.message)
            return None

    def _count(self, stored: _Stored) -> tuple[int, int]:
        dismissed = frozenset(
            r[0] for r in self._conn.execute("SELECT key FROM dismissals WHERE report_id = ?", (stored.id,))
        )
        return self.counter(stored.report(), self._previous(stored), dismissed)

    def _readable(self, report_ids: Sequence[int]) -> list[_Stored]:
        """These reports, leaving out any that cannot be read (a format this version does not know)."""
        try:
            return self._load(f"r.id IN ({', '.join('?' * len(report_ids))})", report_ids)
        except UserError:  # one report spoils the batch: read them one by one
            if len(report_ids) == 1:
                log.info("database %s: report %d not read", self.path, report_ids[0])
                return []
            return [s for rid in report_ids for s in self._readable([rid])]

    def _recount(self, report_ids: set[int]) -> None:
        """Count again and keep (inside the caller's write). A report that cannot be read keeps its counts."""
        for stored in self._readable(sorted(report_ids)):
            self._conn.execute(
                "UPDATE reports SET errors = ?, warnings = ?, counted_by = ? WHERE id = ?",
                (*self._count(stored), self.counter.version, stored.id),
            )

    def _counted_with(self, report_id: int) -> set[int]:
        """The reports whose counts depend on this one's content: itself and next year's live report."""
        row = self._conn.execute(
            "SELECT a.name, r.year FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE r.id = ?",
            (report_id,),
        ).fetchone()
        following = self._find(row[0], row[1] + 1) if row is not None else None
        return {report_id} if following is None else {report_id, following}

    def _count_uncounted(self) -> None:
        """Count the reports that have no counts yet (every report, once, after the counts migration) or
        were counted by another version of the rules."""
        try:
            with self._lock:
                ids = {
                    r[0]
                    for r in self._conn.execute(
                        "SELECT id FROM reports "
                        "WHERE errors IS NULL OR warnings IS NULL OR counted_by IS NOT ?",
                        (self.counter.version,),
                    )
                }
            if ids:
                with self._write():
                    self._recount(ids)
        except (sqlite3.DatabaseError, UserError) as exc:  # a damaged page: it still opens for db check
            log.info("database %s: could not count its reports on open: %s", self.path, exc)

    def find_report(self, agency: str, year: int) -> int | None:
        with self._read():
            return self._find(agency.strip(), year)

    def load_report(self, report_id: int) -> Report:
        with self._read():
            return self._stored(report_id).report()

    def load_reports(self, report_ids: Sequence[int]) -> dict[int, Report]:
        """Several reports by id in one go (a collection desk's sum, its 定稿 codes)."""
        ids = sorted(set(report_ids))
        with self._read():
            return {s.id: s.report() for s in self._load(f"r.id IN ({', '.join('?' * len(ids))})", ids)}

    def status(self, report_id: int) -> str:
        with self._read():
            return self._stored(report_id).status

    def history(self, report_id: int, limit: int | None = None) -> list[Revision]:
        """The report's revisions, newest first (the latest `limit` of them), each with its changes."""
        with self._read():
            rows = list(
                self._db.query(
                    "SELECT id, at, kind, note FROM revisions WHERE report_id = ? ORDER BY id DESC LIMIT ?",
                    (report_id, -1 if limit is None else limit),
                )
            )
            changes: dict[int, list[Change]] = {}
            for rev_id, fld, old, new in self._conn.execute(
                "SELECT c.revision_id, c.field, c.old, c.new FROM changes c "
                "JOIN revisions v ON v.id = c.revision_id WHERE v.report_id = ? AND v.id >= ? "
                "ORDER BY c.revision_id, c.seq",
                (report_id, rows[-1]["id"] if rows else 0),
            ):
                changes.setdefault(rev_id, []).append(Change(fld, old, new))
        return [
            Revision(r["id"], report_id, _time(r["at"]), r["kind"], r["note"], changes.get(r["id"], []))
            for r in rows
        ]

    def _flat_at(self, stored: _Stored, revision_id: int) -> Flat:
        """The content right after a revision: today's, with every later change undone, newest first."""
        exists = self._conn.execute(
            "SELECT 1 FROM revisions WHERE id = ? AND report_id = ?", (revision_id, stored.id)
        ).fetchone()
        if exists is None:
            raise UserError("找不到这条修改记录，它不属于这份报告。")
        flat = dict(stored.flat)
        for fld, old in self._conn.execute(
            "SELECT c.field, c.old FROM changes c JOIN revisions v ON v.id = c.revision_id "
            "WHERE v.report_id = ? AND v.id > ? ORDER BY v.id DESC, c.seq DESC",
            (stored.id, revision_id),
        ):
            if fld in flat:  # status and deleted are not content
                flat[fld] = old
        return flat

    def report_at(self, report_id: int, revision_id: int) -> Report:
        """The report as it was right after that revision."""
        with self._read():
            stored = self._stored(report_id)
            return _unflatten(stored.format, self._flat_at(stored, revision_id))

    # ------------------------------------------------------------ writing

    def _agency_id(self, name: str) -> int:
        self._conn.execute("INSERT OR IGNORE INTO agencies(name) VALUES (?)", (name,))
        return int(self._conn.execute("SELECT id FROM agencies WHERE name = ?", (name,)).fetchone()[0])

    def _now(self) -> str:
        return self.clock().astimezone(dt.UTC).isoformat(timespec="microseconds")

    def _record(self, report_id: int, kind: str, note: str | None, changes: list[Change]) -> int:
        """Write one revision and apply its changes (inside the caller's transaction)."""
        now = self._now()
        cur = self._conn.execute(
            "INSERT INTO revisions(report_id, at, kind, note) VALUES (?, ?, ?, ?)",
            (report_id, now, kind, note),
        )
        rev_id = int(cur.lastrowid or 0)
        self._conn.executemany(
            "INSERT INTO changes(revision_id, seq, field, old, new) VALUES (?, ?, ?, ?, ?)",
            [(rev_id, i, c.field, c.old, c.new) for i, c in enumerate(changes)],
        )
        self._apply(report_id, changes, now)
        return rev_id

    def _apply(self, report_id: int, changes: list[Change], now: str) -> None:
        """Make the changes' new values current, mark the report as updated at `now`, and count again
        the reports whose counts depend on it (before and after a change of agency, year or deletion)."""
        affected = self._counted_with(report_id)
        self._set(report_id, changes, now)
        if any(c.field != "status" for c in changes):
            self._recount(affected | self._counted_with(report_id))

    def _set(self, report_id: int, changes: list[Change], now: str) -> None:
        cells, texts = [], []
        columns: dict[str, dict[str, object]] = {"reports": {"updated_at": now}, "signatures": {}}
        for c in changes:
            if c.field.startswith("text."):
                texts.append((report_id, c.field.removeprefix("text."), c.new or ""))
            elif c.field.startswith(DISMISSED):
                continue  # kept in its own table by `dismiss` / `undismiss`
            elif c.field == "agency":
                columns["reports"]["agency_id"] = self._agency_id(c.new or "")
            elif c.field in _COLUMNS:
                table, column = _COLUMNS[c.field]
                columns[table][column] = int(c.new) if c.field == "year" and c.new else c.new
            else:
                cells.append((report_id, c.field, c.new))
        self._conn.executemany(
            "INSERT INTO cells(report_id, address, value) VALUES (?, ?, ?) "
            "ON CONFLICT(report_id, address) DO UPDATE SET value = excluded.value",
            cells,
        )
        self._conn.executemany(
            "INSERT INTO texts(report_id, key, text) VALUES (?, ?, ?) "
            "ON CONFLICT(report_id, key) DO UPDATE SET text = excluded.text",
            texts,
        )
        for table, values in columns.items():
            if values:  # one statement per table: agency and year change together (the unique index)
                key = "id" if table == "reports" else "report_id"
                assignments = ", ".join(f"{column} = ?" for column in values)  # names from _COLUMNS only
                self._conn.execute(
                    f"UPDATE {table} SET {assignments} WHERE {key} = ?", (*values.values(), report_id)
                )

    def _clash(self, agency: str, year: int) -> UserError:
        return UserError(f"已经有一份“{agency}”的 {year} 年度报告，不能重复建立。请在报告列表中打开它。")

    def _create(self, report: Report, kind: str, note: str | None = None) -> int:
        agency = _agency_name(report.agency)
        if self._find(agency, report.year) is not None:
            raise self._clash(agency, report.year)
        now = self._now()
        cur = self._conn.execute(
            "INSERT INTO reports(agency_id, year, format, status, created_at, updated_at) "
            "VALUES (?, ?, ?, 'draft', ?, ?)",
            (self._agency_id(agency), report.year, report.format, now, now),
        )
        report_id = int(cur.lastrowid or 0)
        self._conn.execute("INSERT INTO signatures(report_id) VALUES (?)", (report_id,))
        flat = _flatten(report) | {"agency": agency}
        self._record(report_id, kind, note, _diff(_blank_flat(report.format), flat))
        return report_id

    def create_report(self, report: Report, kind: str = "create") -> int:
        """Store a new report; `UserError` if this agency already has a report for that year."""
        with self._write():
            return self._create(report, kind)

    def import_report(self, report: Report, note: str | None = None) -> tuple[int, bool]:
        """A new report, or a new revision ('import') of the live report of the same agency and year.

        Returns (report id, created). Importing the same content again changes nothing. `note` says where
        the content came from (e.g. a published file's name and SHA-256), kept with the revision.
        """
        with self._write():
            existing = self._find(_agency_name(report.agency), report.year)
            if existing is None:
                return self._create(report, "import", note), True
            stored = self._editable(existing)
            if stored.format != report.format:
                raise UserError(
                    f"库中“{stored.agency}”的 {stored.year} 年度报告是 {stored.format} 年格式，"
                    f"导入的文件是 {report.format} 年格式，不能合并。"
                )
            changes = _diff(stored.flat, _flatten(report) | {"agency": stored.agency})
            if changes:
                self._record(existing, "import", note, changes)
            return existing, False

    def _change(
        self, report_id: int, kind: str, note: str | None, new: Flat, stored: _Stored | None = None
    ) -> int | None:
        stored = stored or self._editable(report_id)
        changes = _diff(stored.flat, new)
        return self._record(report_id, kind, note, changes) if changes else None

    def set_values(
        self,
        report_id: int,
        changes: Mapping[str, Decimal | None],
        kind: str = "edit",
        note: str | None = None,
    ) -> int | None:
        """Change cells in one revision (a paste is one); its id, or None if nothing changed."""
        for address, value in changes.items():
            if value is not None and not (isinstance(value, Decimal) and value.is_finite()):
                raise TypeError(f"cell {address}: expected a finite Decimal or None, got {value!r}")
        with self._write():
            cells = get_format(self._stored(report_id).format).cells
            unknown = [a for a in changes if a not in cells]
            if unknown:
                raise ValueError(f"unknown cell addresses: {unknown}")
            return self._change(report_id, kind, note, {a: _decimal_text(v) for a, v in changes.items()})

    def set_text(
        self, report_id: int, key: str, text: str, kind: str = "edit", base: str | None = None
    ) -> int | None:
        """Change a narrative text; its revision id, or None if nothing changed.

        `base`: the stored text the edit started from. When the stored text is no longer that (another
        program, e.g. `db import`, changed it since), `TextConflict` is raised and nothing is written.

        The editor stores every keystroke. Typing on in the same text (the report's latest revision is
        an edit of only this text, less than `TEXT_BURST_SECONDS` old) updates that revision's new value
        and time instead of adding one per keystroke: its old value stays the text before the burst, so
        every earlier state can still be restored. A burst that ends where it began leaves no revision.
        """
        if not isinstance(text, str):
            raise TypeError(f"text {key}: expected str, got {text!r}")
        fld = f"text.{key}"
        with self._write():
            stored = self._editable(report_id)
            if key not in get_format(stored.format).text_keys:
                raise ValueError(f"unknown text key: {key}")
            if base is not None and (stored.flat[fld] or "") != base:
                raise TextConflict(
                    f"“{stored.agency}”的这段文字已被其他程序修改过，没有覆盖它。", stored.flat[fld] or ""
                )
            burst = self._text_burst(report_id, fld, kind)
            if burst is None or stored.flat[fld] == text:
                return self._change(report_id, kind, None, {fld: text}, stored)
            rev_id, old = burst
            now = self._now()
            if text == old:
                self._conn.execute("DELETE FROM changes WHERE revision_id = ?", (rev_id,))
                self._conn.execute("DELETE FROM revisions WHERE id = ?", (rev_id,))
            else:
                self._conn.execute("UPDATE changes SET new = ? WHERE revision_id = ?", (text, rev_id))
                self._conn.execute("UPDATE revisions SET at = ? WHERE id = ?", (now, rev_id))
            self._apply(report_id, [Change(fld, stored.flat[fld], text)], now)
            return None if text == old else rev_id

    def _text_burst(self, report_id: int, fld: str, kind: str) -> tuple[int, str | None] | None:
        """(id, old text) of the report's latest revision if typing in `fld` continues it, else None."""
        if kind not in _TEXT_KINDS:
            return None
        latest = self._conn.execute(
            "SELECT id, at, kind FROM revisions WHERE report_id = ? ORDER BY id DESC LIMIT 1", (report_id,)
        ).fetchone()
        if latest is None or latest[2] != kind:
            return None
        pause = (self.clock() - dt.datetime.fromisoformat(latest[1])).total_seconds()
        if not 0 <= pause < TEXT_BURST_SECONDS:  # a clock set back also starts a new revision
            return None
        changes = self._conn.execute(
            "SELECT field, old FROM changes WHERE revision_id = ?", (latest[0],)
        ).fetchall()
        if len(changes) != 1 or changes[0][0] != fld:
            return None
        return int(latest[0]), changes[0][1]

    def set_signature(
        self, report_id: int, name: str | None, date: dt.date | None, kind: str = "edit"
    ) -> int | None:
        if isinstance(date, dt.datetime) or not (date is None or isinstance(date, dt.date)):
            raise TypeError(f"signature date: expected a date or None, got {date!r}")
        new: Flat = {"signature.name": name, "signature.date": date.isoformat() if date else None}
        with self._write():
            return self._change(report_id, kind, None, new)

    def rename_report(self, report_id: int, agency: str, year: int) -> None:
        """Change agency and/or year; `UserError` if that agency already has a live report for that year.

        A signature that was the old agency name becomes the new one, in the same revision.
        """
        agency = _agency_name(agency)
        if year not in YEARS:
            raise UserError(f"年度应为 {YEARS.start}–{YEARS.stop - 1} 之间的年份，实际为“{year}”。")
        with self._write():
            found = self._find(agency, year)
            if found is not None and found != report_id:
                raise self._clash(agency, year)
            stored = self._editable(report_id)
            new: Flat = {"agency": agency, "year": str(year)}
            if stored.flat["signature.name"] == stored.agency:
                new["signature.name"] = agency
            self._change(report_id, "rename", None, new, stored)

    def set_status(self, report_id: int, status: str, reason: str | None = None) -> None:
        """'final' locks the report against changes; back to 'draft' needs a reason. Both kept in history."""
        if status not in STATUSES:
            raise ValueError(f"unknown status: {status}")
        with self._write():
            stored = self._stored(report_id)
            if stored.deleted_at is not None:
                raise UserError(f"“{stored.agency}”的 {stored.year} 年度报告已删除，请先从回收站恢复。")
            if stored.status == status:
                return
            reason = (reason or "").strip() or None
            if status == "draft" and reason is None:
                raise UserError("解除定稿需要写明原因。")
            self._record(report_id, "status", reason, [Change("status", stored.status, status)])

    def delete_report(self, report_id: int) -> None:
        """Move a report to the recycle bin; nothing is removed (see `undelete_report`)."""
        with self._write():
            stored = self._stored(report_id)
            if stored.deleted_at is None:
                self._record(report_id, "delete", None, [Change("deleted", None, self._now())])

    def undelete_report(self, report_id: int) -> None:
        with self._write():
            stored = self._stored(report_id)
            if stored.deleted_at is None:
                return
            if self._find(stored.agency, stored.year) is not None:
                raise UserError(
                    f"已经有一份“{stored.agency}”的 {stored.year} 年度报告，不能恢复这份已删除的。"
                    "请先把现有的那份改名或删除。"
                )
            self._record(report_id, "undelete", None, [Change("deleted", stored.deleted_at, None)])

    def dismissals(self, report_id: int) -> dict[str, Dismissal]:
        """The warnings dismissed for this report, by finding key."""
        with self._read():
            rows = self._conn.execute(
                "SELECT key, reason, who, at FROM dismissals WHERE report_id = ? ORDER BY at", (report_id,)
            ).fetchall()
        return {key: Dismissal(key, reason, who, _time(at)) for key, reason, who, at in rows}

    def dismiss(self, report_id: int, key: str, reason: str, who: str) -> int:
        """Dismiss a warning for this report, with a reason (required); one revision, noted with who."""
        reason = reason.strip()
        if not reason:
            raise UserError("请写明忽略这条提醒的原因。")
        with self._write():
            self._editable(report_id)
            old = self._conn.execute(
                "SELECT reason FROM dismissals WHERE report_id = ? AND key = ?", (report_id, key)
            ).fetchone()
            rev = self._record(report_id, "dismiss", who, [Change(DISMISSED + key, old and old[0], reason)])
            self._conn.execute(
                "INSERT INTO dismissals(report_id, key, reason, who, at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(report_id, key) DO UPDATE SET reason = excluded.reason, who = excluded.who, "
                "at = excluded.at",
                (report_id, key, reason, who, self._now()),
            )
            self._recount({report_id})
            return rev

    def undismiss(self, report_id: int, key: str) -> None:
        """Show a dismissed warning again (a revision too); nothing happens if it was not dismissed."""
        with self._write():
            self._editable(report_id)
            old = self._conn.execute(
                "SELECT reason FROM dismissals WHERE report_id = ? AND key = ?", (report_id, key)
            ).fetchone()
            if old is None:
                return
            self._record(report_id, "undismiss", None, [Change(DISMISSED + key, old[0], None)])
            self._conn.execute("DELETE FROM dismissals WHERE report_id = ? AND key = ?", (report_id, key))
            self._recount({report_id})

    def restore_revision(self, report_id: int, revision_id: int) -> int:
        """Make the state right after `revision_id` current again, as a new 'restore' revision (undoable).

        Returns the new revision's id, or the latest revision's id when the content is already that state.
        """
        with self._write():
            stored = self._editable(report_id)
            target = self._flat_at(stored, revision_id)
            found = self._find(target["agency"] or "", int(target["year"] or 0))
            if found is not None and found != report_id:
                raise self._clash(target["agency"] or "", int(target["year"] or 0))
            at = self._conn.execute("SELECT at FROM revisions WHERE id = ?", (revision_id,)).fetchone()[0]
            note = f"恢复到 {_time(at):%Y-%m-%d %H:%M:%S} 时的内容"
            rev = self._change(report_id, "restore", note, target)
            if rev is not None:
                return rev
            latest = self._conn.execute("SELECT max(id) FROM revisions WHERE report_id = ?", (report_id,))
            return int(latest.fetchone()[0])


# fields stored as a column: field -> (table, column)
_COLUMNS = {
    "year": ("reports", "year"),
    "status": ("reports", "status"),
    "deleted": ("reports", "deleted_at"),
    "signature.name": ("signatures", "name"),
    "signature.date": ("signatures", "date"),
}


def _default_counter() -> Counter:
    """`core.summary.counts`, imported only here: storage itself knows no rules."""
    from core.summary import counts

    return counts


def _agency_name(name: str) -> str:
    return agency_name(name)
