"""File safety and forensics: what a file is before it is opened (ours, foreign, newer, damaged), a
damaged `-wal`'s evidence kept, SQLite's failures in plain Chinese, raw read-only access to a file of any
version we know, and self-contained copies through SQLite's backup API."""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import logging
import os
import re
import shutil
import sqlite3
import struct
import sys
from collections import Counter as Counter_
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from core.documents.input_files import regular_file
from core.errors import UserError, os_reason
from core.paths import backup_path
from core.storage import schema
from core.storage.schema import APPLICATION_ID

log = logging.getLogger(__name__)

BUSY_TIMEOUT = 5.0  # seconds to wait for another writer before telling the user
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
    "register_requests": "登记台账",
    "register_cases": "复议诉讼案件",
    "register_revisions": "台账修改历史",
    "register_changes": "台账修改内容",
    "calendar_years": "放假安排",
    "calendar_days": "放假安排日期",
    "counted_cells": "由台账生成的格子",
}
_SQLITE_MAGIC = b"SQLite format 3\x00"


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


# ---------------------------------------------------------------- opening


def _read_only_uri(path: Path) -> str:
    """The URI that reads a file without writing anything. On a read-only medium (a folder nobody may
    write in) SQLite cannot make the shared-memory file a WAL database is read through; nobody can
    change the file there either, so it is read as immutable."""
    resolved = path.resolve()
    if os.access(resolved.parent, os.W_OK):
        return resolved.as_uri() + "?mode=ro"
    wal = resolved.with_name(resolved.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:  # read as immutable, its last commits would be skipped
        raise UserError(
            f"数据库“{path.name}”旁边有未合并的日志文件“{wal.name}”，而所在文件夹是只读的，无法读到最新内容。"
            "请把数据库连同这个日志文件复制到可以写入的文件夹，再试一次。"
        )
    return resolved.as_uri() + "?mode=ro&immutable=1"


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
    if path.exists():
        regular_file(path, what="数据库文件")  # a FIFO would hang the opening, a device read forever
    elif not create:
        raise UserError(f"找不到数据库文件“{path}”。")
    elif not path.parent.is_dir():
        raise UserError(f"文件夹“{path.parent}”不存在，无法在其中建立数据库。")
    else:
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
    if version > len(schema.MIGRATIONS):
        raise DatabaseTooNew(
            f"数据库“{path.name}”是由更新版本的年报助手建立的（结构版本 {version}，本程序只认识到 "
            f"{len(schema.MIGRATIONS)}）。请使用新版本的年报助手；本程序没有改动它。"
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


class OwnTransactions(sqlite3.Connection):
    """The database's connection: leaving `with conn:` neither commits nor rolls back.

    sqlite-utils wraps its writes (`insert`, `upsert`, `update`, `create`…) in `with conn:`, whose exit
    would COMMIT the `BEGIN IMMEDIATE` of a `Database` write halfway through it, so that a failure after
    it could no longer undo it. The database's own transaction (`Database._write`) is the only one: it
    commits or rolls back the whole write.
    """

    def __enter__(self) -> OwnTransactions:
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        return False


def _in_memory(path: Path, timeout: float) -> sqlite3.Connection:
    """A copy of the file in memory, to migrate and read when the file itself must not be written."""
    with _reading(path, timeout) as source:
        conn = sqlite3.connect(
            ":memory:", isolation_level=None, check_same_thread=False, factory=OwnTransactions
        )
        source.backup(conn)
    return conn


def temporary_copy_path(dest: Path, pid: int | None = None) -> Path:
    """Where a copy to `dest` is written before it takes that name: `dest.<process id>.tmp`, so that
    one left behind by a process that was killed is known as stale."""
    return dest.with_name(f"{dest.name}.{os.getpid() if pid is None else pid}.tmp")


def remove_stale_copies(dest: Path) -> list[Path]:
    """Remove what killed copies to `dest` left behind (of our naming: `dest.<pid>.tmp` of a process
    that has ended, or the older `dest.tmp`, with SQLite's journal of it); a copy still being written
    stays."""
    ours = re.compile(re.escape(dest.name) + r"(?:\.(\d+))?\.tmp(?:-journal|-wal|-shm)?")
    removed = []
    for path in dest.parent.glob(glob.escape(dest.name) + "*.tmp*"):
        found = ours.fullmatch(path.name)
        if found is None or (found[1] is not None and _running(int(found[1]))):
            continue
        try:
            path.unlink()
        except OSError:
            continue  # in use (Windows), or not ours to remove
        removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return False  # a file another running process writes cannot be removed there: unlink says so
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _copy(conn: sqlite3.Connection, dest: Path) -> None:
    """Copy what `conn` reads into one self-contained file at `dest`, through SQLite's backup API."""
    remove_stale_copies(dest)
    tmp = temporary_copy_path(dest)
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
    except BaseException as exc:  # an interrupted copy (Ctrl+C too) leaves no temporary file
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if not isinstance(exc, OSError | sqlite3.Error):
            raise
        if isinstance(exc, sqlite3.Error) and _user_error(exc, dest, False) is None:
            raise
        reason = os_reason(exc) if isinstance(exc, OSError) else "磁盘已满、只读或没有权限"
        raise UserError(f"无法写入备份文件“{dest}”：{reason}。") from None
