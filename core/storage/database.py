"""The open database: every report and every change ever made to it, in one SQLite file.

Every write is one transaction and records one revision (when, what kind, an optional note) with its
changes (field, old, new), so any earlier state of a report can be rebuilt and restored, and nothing
is ever lost: a restore, a rename, a status change and a delete are revisions too. Only typing on in
one narrative text continues its latest revision (see `Database.set_text`), so that a keystroke does
not cost a copy of the whole text. (Over 600 lines: one class, the open file, whose methods share its
connection and transactions; the file checks, schema and records are in their own modules.)

Rows are written through sqlite-utils where it reads best (a dismissal; the register's rows),
inside this class's own transactions (`OwnTransactions`). SQL stays where sqlite-utils has no word for
it or costs time on a keystroke or in `db import` of thousands of files: the PRAGMAs and transactions,
the report loads and history (joins, one query per table for all of a report's cells), the writes of
every edit (`_record`, `_set`: a revision, its changes and the cells, measured in
benchmarks/bench_storage.py) and of a new report and its agency (`_new`, `_agency_id`: sqlite-utils
asks for the schema on every call; benchmarks/bench_db_import.py). Reads are SQL into dicts (`_dicts`),
so that opening a database and listing its reports load no sqlite-utils (it loads at its first write).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from core.errors import TextConflict, UserError
from core.format import get_format
from core.model.report import YEARS, Report, agency_name
from core.model.vocabulary import ReportStatus, RevisionKind
from core.storage import schema
from core.storage.files import (
    BUSY_TIMEOUT,
    OwnTransactions,
    _copy,
    _explained,
    _in_memory,
    _inspect,
    _keep_wal,
    _problems,
    _read_only_uri,
)
from core.storage.records import (
    DISMISSED,
    Change,
    Dismissal,
    Flat,
    PackedValue,
    ReportSummary,
    Revision,
    _blank,
    _blank_flat,
    _ChangeRow,
    _decimal_text,
    _diff,
    _flatten,
    _pack,
    _Stored,
    _time,
    _unflatten,
    _unpack,
    _utc_now,
)

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

STATUSES = tuple(ReportStatus)
TEXT_BURST_SECONDS = 60.0  # typing in one text with shorter pauses continues the same revision


# ---------------------------------------------------------------- the database


class RevisionMark(NamedTuple):
    """A report's latest revision as `latest_revisions` gives it."""

    id: int
    at: str


class Database:
    """One open database file. Thread-safe: calls are serialized on one connection.

    `clock` gives the current time (aware) for every revision; tests may set their own. Each report's
    error and warning counts are kept as they are handed in (`keep_counts`): storage runs no rule. A
    change to a report's content marks its counts as not current (`ReportSummary.counted_by` None).
    """

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.clock: Callable[[], dt.datetime] = _utc_now
        self._conn = conn
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
        older = read_only and version < len(schema.MIGRATIONS)
        note = _keep_wal(path, keep_log) if version > 0 else None
        with _explained(path, writing=not read_only):
            if older:
                conn = _in_memory(path, timeout)
            else:
                target = _read_only_uri(path) if read_only else str(path)
                conn = sqlite3.connect(
                    target,
                    uri=read_only,
                    timeout=timeout,
                    isolation_level=None,
                    check_same_thread=False,
                    factory=OwnTransactions,  # sqlite-utils must not commit our transactions
                )
        db = cls(path, conn)
        db.read_only, db.recovery_note = read_only, note
        try:
            with _explained(path, writing=False):
                if not read_only:
                    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    if mode != "wal":  # e.g. a network drive: still safe, only slower
                        log.info("database %s: journal_mode is %s, not wal", path, mode)
                conn.execute("PRAGMA synchronous = FULL")
                # a savepoint's journal (one per file of a `db import` batch) in memory, not a temp file
                # written page by page: 80% of that batch's writes; only the WAL serves recovery
                conn.execute("PRAGMA temp_store = MEMORY")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a damaged schema shows here
            db._migrate(version)
            if not read_only or older:  # just migrated: keep what the desk reads without reading reports
                db._keep_uncomputed()
            if older:  # the copy in memory is read only too
                conn.execute("PRAGMA query_only = ON")
        except BaseException:
            conn.close()
            raise
        return db

    def _migrate(self, version: int) -> None:
        if version >= len(schema.MIGRATIONS):
            return
        if version > 0 and not self.read_only:  # read only: migrated in memory, the file is left as it is
            self._copy_to(self.path.with_name(f"{self.path.name}.before-v{version + 1}.bak"))
        for number, migrate in enumerate(schema.MIGRATIONS[version:], start=version + 1):
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
    def batch(self) -> Iterator[None]:
        """Many writes in one transaction, synced to disk once (e.g. `db import` of many files): each
        write inside is a savepoint, undone alone when it fails; at the end all are committed, or
        none when the batch itself fails (or the process dies before)."""
        with self._lock, self._write():
            self._in_batch = True
            try:
                yield
            finally:
                self._in_batch = False

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One transaction: all of it is committed, or none of it."""
        with self._lock:
            if self._conn.in_transaction and getattr(self, "_in_batch", False):
                with _explained(self.path, writing=True):
                    self._conn.execute("SAVEPOINT one_write")
                    try:
                        yield
                    except BaseException:
                        with contextlib.suppress(sqlite3.Error):
                            self._conn.execute("ROLLBACK TO one_write")
                        raise
                    finally:
                        with contextlib.suppress(sqlite3.Error):
                            self._conn.execute("RELEASE one_write")
                return
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
               r.deleted_at, r.errors, r.warnings, r.counted_by, s.name AS sig_name, s.date AS sig_date,
               r.final_code
        FROM reports r JOIN agencies a ON a.id = r.agency_id LEFT JOIN signatures s ON s.report_id = r.id
    """

    def _rows(self, where: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The report rows matching `where` (over `r`, the reports table), by agency, newest year first."""
        return self._dicts(f"{self._SELECT} WHERE {where} ORDER BY a.name, r.year DESC", params)

    def _dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The rows of a query as dicts by column name (what sqlite-utils' `query` gives, without loading
        sqlite-utils: opening the database and listing its reports need none of it, and importing it was
        a tenth of the app's start to its painted list)."""
        cursor = self._conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    @functools.cached_property
    def _db(self) -> sqlite_utils.Database:
        """sqlite-utils over this connection, for the writes it reads best in (loaded at first use)."""
        import sqlite_utils

        return sqlite_utils.Database(self._conn, recursive_triggers=False, execute_plugins=False)

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
        if stored.status == ReportStatus.FINAL:
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

    def _summaries(self, where: str, params: Sequence[Any] = ()) -> list[ReportSummary]:
        """Reports matching `where` with the counts kept with them: no cell is read, no rule is run."""
        out = []
        for row in self._rows(where, params):
            date, deleted = row["sig_date"], row["deleted_at"]
            out.append(
                ReportSummary(
                    id=row["id"], agency=row["agency"], year=row["year"], status=row["status"],
                    updated_at=_time(row["updated_at"]), errors=row["errors"] or 0,
                    warnings=row["warnings"] or 0, format=row["format"], created_at=_time(row["created_at"]),
                    deleted_at=_time(deleted) if deleted else None, signed_by=row["sig_name"],
                    signed_on=dt.date.fromisoformat(date) if date else None, counted_by=row["counted_by"],
                    final_code=row["final_code"] if row["status"] == ReportStatus.FINAL else None,
                )
            )  # fmt: skip
        return out

    def list_reports(self) -> list[ReportSummary]:
        """Live reports by agency, then newest year first, with the counts kept with them (current when
        `counted_by` is the counter's version: see `keep_counts`)."""
        with self._read():
            return self._summaries("r.deleted_at IS NULL")

    def year_reports(self, year: int) -> list[ReportSummary]:
        """The live reports of one year, as `list_reports` gives them (with a 定稿's kept 校验码)."""
        with self._read():
            return self._summaries("r.deleted_at IS NULL AND r.year = ?", (year,))

    def packed_values(self, report_ids: Sequence[int]) -> dict[int, tuple[str, list[PackedValue]]]:
        """Each report's format and cell values in the format's cell order, as kept in one row per
        report: a sum over a year's 2,000 reports reads no cell rows and makes no `Report`."""
        ids = sorted(set(report_ids))
        marks = ", ".join("?" * len(ids))
        out: dict[int, tuple[str, list[PackedValue]]] = {}
        with self._read():
            unkept = []
            for rid, format_id, packed in self._conn.execute(
                f"SELECT id, format, packed FROM reports WHERE id IN ({marks})", ids
            ):
                if packed is None:  # e.g. a read-only file whose values could not be kept
                    unkept.append(rid)
                else:
                    out[rid] = (format_id, _unpack(packed))
            for stored in self._load(f"r.id IN ({', '.join('?' * len(unkept))})", unkept) if unkept else ():
                out[stored.id] = (stored.format, _unpack(_pack(stored.format, stored.flat)))
        return out

    def latest_revisions(self, report_ids: Sequence[int]) -> dict[int, RevisionMark]:
        """Each report's latest revision (its id and time): the pair changes with every write to the
        report — typing that goes on in one text rewrites its revision in place, keeping the id but not
        the time, and a revision typed back away may give its id to the next — so what was worked out of
        a report together with it is of the content it names while the two are equal."""
        ids = sorted(set(report_ids))
        marks = ", ".join("?" * len(ids))
        with self._read():
            found = self._conn.execute(  # SQLite takes the bare column `at` from the row of MAX(id)
                f"SELECT report_id, MAX(id), at FROM revisions WHERE report_id IN ({marks})"
                " GROUP BY report_id",
                ids,
            )
            return {report_id: RevisionMark(rev_id, at) for report_id, rev_id, at in found.fetchall()}

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

    def _readable(self, report_ids: Sequence[int]) -> list[_Stored]:
        """These reports, leaving out any that cannot be read (a format this version does not know)."""
        try:
            return self._load(f"r.id IN ({', '.join('?' * len(report_ids))})", report_ids)
        except UserError:  # one report spoils the batch: read them one by one
            if len(report_ids) == 1:
                log.info("database %s: report %d not read", self.path, report_ids[0])
                return []
            return [s for rid in report_ids for s in self._readable([rid])]

    def keep_counts(self, counted: Mapping[int, tuple[int, int]], version: str) -> None:
        """Keep each report's (errors, warnings) as counted by the caller's rules of `version`."""
        with self._write():
            self._conn.executemany(
                "UPDATE reports SET errors = ?, warnings = ?, counted_by = ? WHERE id = ?",
                [(errors, warnings, version, rid) for rid, (errors, warnings) in counted.items()],
            )

    def forget_counts(self, report_ids: Iterable[int]) -> None:
        """Mark these reports' kept counts as not current (e.g. their last year's report was renamed)."""
        with self._write():
            self._conn.executemany(
                "UPDATE reports SET counted_by = NULL WHERE id = ?", [(rid,) for rid in report_ids]
            )

    def _keep_uncomputed(self) -> None:
        """Keep the packed values of the reports that have none (every report, once, after the
        migration to version 4) and the 校验码 of each 定稿 that has none."""
        try:
            with self._lock:
                ids = [
                    r[0]
                    for r in self._conn.execute(
                        "SELECT id FROM reports WHERE packed IS NULL "
                        "OR (status = 'final' AND final_code IS NULL)"
                    )
                ]
            if ids:
                with self._write():
                    for stored in self._readable(ids):
                        code = _final_code(stored) if stored.status == ReportStatus.FINAL else None
                        self._conn.execute(
                            "UPDATE reports SET packed = ?, final_code = ? WHERE id = ?",
                            (_pack(stored.format, stored.flat), code, stored.id),
                        )
        except (sqlite3.DatabaseError, UserError) as exc:  # a damaged page: it still opens for db check
            log.info("database %s: could not keep packed values on open: %s", self.path, exc)

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
            rows = self._dicts(
                "SELECT id, at, kind, note FROM revisions WHERE report_id = ? ORDER BY id DESC LIMIT ?",
                (report_id, -1 if limit is None else limit),
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

    def _table(self, name: str) -> sqlite_utils.db.Table:
        """A table, for sqlite-utils to insert, look up or delete rows in (inside our transactions: see
        `OwnTransactions`)."""
        from sqlite_utils.db import Table

        return Table(self._db, name)

    def _insert(self, table: str, row: Mapping[str, object]) -> int:
        """Insert a row given as a dict of plain values into a rowid table; its id. Plain SQL: sqlite-utils'
        `insert` asks for the table's columns on every call, most of a ledger's import of 20,000 rows."""
        sql = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
        return int(self._conn.execute(sql, tuple(row.values())).lastrowid or 0)

    def _agency_id(self, name: str) -> int:
        """The agency's id, added when new. Hand-written, not sqlite-utils' `lookup`: that asks for the
        table's names and indexes on every call, a third of storing a new report in `db import`."""
        found = self._conn.execute("SELECT id FROM agencies WHERE name = ?", (name,)).fetchone()
        if found is not None:
            return int(found[0])
        return int(self._conn.execute("INSERT INTO agencies(name) VALUES (?)", (name,)).lastrowid or 0)

    def _now(self) -> str:
        return self.clock().astimezone(dt.UTC).isoformat(timespec="microseconds")

    def _record(self, report_id: int, kind: str, note: str | None, changes: list[Change]) -> int:
        """Write one revision and apply its changes (inside the caller's transaction)."""
        now = self._now()
        rev_id = self._revision(report_id, now, kind, note, [(c.field, c.old, c.new) for c in changes])
        self._apply(report_id, changes, now)
        return rev_id

    def _revision(
        self, report_id: int, now: str, kind: str, note: str | None, changes: Sequence[_ChangeRow]
    ) -> int:
        """Write one revision with its changes, (field, old, new) in order; its id."""
        # hand-written: every keystroke and paste comes here, and sqlite-utils adds a schema query per
        # insert and doubles the cost of the 60 changes of a paste (benchmarks/bench_storage.py)
        cur = self._conn.execute(
            "INSERT INTO revisions(report_id, at, kind, note) VALUES (?, ?, ?, ?)",
            (report_id, now, kind, note),
        )
        rev_id = int(cur.lastrowid or 0)
        insert_rows(
            self._conn, "changes(revision_id, seq, field, old, new)",
            [(rev_id, i, field, old, new) for i, (field, old, new) in enumerate(changes)],
        )  # fmt: skip
        return rev_id

    def _apply(self, report_id: int, changes: list[Change], now: str) -> None:
        """Make the changes' new values current and mark the report as updated at `now`; a change of
        content (not of status) leaves its kept counts not current, to be counted again by the caller."""
        self._set(report_id, changes, now)
        if any(c.field != "status" for c in changes):
            self._conn.execute("UPDATE reports SET counted_by = NULL WHERE id = ?", (report_id,))

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
        self._keep_content(cells, texts)
        for table, values in columns.items():
            if values:  # one statement per table: agency and year change together (the unique index)
                key = "id" if table == "reports" else "report_id"
                assignments = ", ".join(f"{column} = ?" for column in values)  # names from _COLUMNS only
                self._conn.execute(
                    f"UPDATE {table} SET {assignments} WHERE {key} = ?", (*values.values(), report_id)
                )
        if cells:
            self._keep_packed(report_id)
        if "status" in columns["reports"]:
            self._keep_code(report_id)

    def _keep_content(
        self, cells: list[tuple[int, str, str | None]], texts: list[tuple[int, str, str]]
    ) -> None:
        """Write cells and texts, (report id, address or key, value), over what they held."""
        insert_rows(
            self._conn, "cells(report_id, address, value)", cells,
            "ON CONFLICT(report_id, address) DO UPDATE SET value = excluded.value",
        )  # fmt: skip
        insert_rows(
            self._conn, "texts(report_id, key, text)", texts,
            "ON CONFLICT(report_id, key) DO UPDATE SET text = excluded.text",
        )  # fmt: skip

    def _keep_packed(self, report_id: int) -> None:
        """The report's packed values, kept anew after its cells changed (inside the caller's write)."""
        format_id = self._conn.execute("SELECT format FROM reports WHERE id = ?", (report_id,)).fetchone()[0]
        cells = self._conn.execute("SELECT address, value FROM cells WHERE report_id = ?", (report_id,))
        self._conn.execute(
            "UPDATE reports SET packed = ? WHERE id = ?",
            (_pack(format_id, dict(cells.fetchall())), report_id),
        )

    def _keep_code(self, report_id: int) -> None:
        """A 定稿's 校验码, kept when it is made 定稿 (it cannot change while final); none for a draft."""
        stored = self._stored(report_id)
        code = _final_code(stored) if stored.status == ReportStatus.FINAL else None
        self._conn.execute("UPDATE reports SET final_code = ? WHERE id = ?", (code, report_id))

    def _clash(self, agency: str, year: int) -> UserError:
        return UserError(f"已经有一份“{agency}”的 {year} 年度报告，不能重复建立。请在报告列表中打开它。")

    def _create(self, report: Report, kind: str, note: str | None = None) -> int:
        agency = _agency_name(report.agency)
        if self._find(agency, report.year) is not None:
            raise self._clash(agency, report.year)
        return self._new(report, agency, kind, note)

    def _new(self, report: Report, agency: str, kind: str, note: str | None) -> int:
        """Store a report as new, with its first revision (its agency and year are free: the caller
        looked)."""
        now = self._now()
        flat = _flatten(report) | {"agency": agency}
        # Each row written once with its values, and the packed values made from those in hand, not
        # written blank, then updated and read back as an edit is; by hand, as `_revision`: `db import`
        # creates thousands (benchmarks/bench_db_import.py).
        report_id = int(
            self._conn.execute(
                "INSERT INTO reports(agency_id, year, format, created_at, updated_at, packed) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (self._agency_id(agency), report.year, report.format, now, now, _pack(report.format, flat)),
            ).lastrowid
            or 0
        )
        self._conn.execute(
            "INSERT INTO signatures(report_id, name, date) VALUES (?, ?, ?)",
            (report_id, flat["signature.name"], flat["signature.date"]),
        )
        blank = _blank(report.format)
        changes = [(f, old, new) for f, new in flat.items() if (old := blank.get(f)) != new]
        self._revision(report_id, now, kind, note, changes)
        cells = [(report_id, a, flat[a]) for a, value in report.values.items() if value is not None]
        texts = [(report_id, key, text) for key, text in report.texts.items() if text]
        insert_rows(self._conn, "cells(report_id, address, value)", cells)  # new rows: no conflict to seek
        insert_rows(self._conn, "texts(report_id, key, text)", texts)
        return report_id

    def create_report(self, report: Report, kind: str = RevisionKind.CREATE) -> int:
        """Store a new report; `UserError` if this agency already has a report for that year."""
        with self._write():
            return self._create(report, kind)

    def import_report(self, report: Report, note: str | None = None) -> tuple[int, bool]:
        """A new report, or a new revision ('import') of the live report of the same agency and year.

        Returns (report id, created). Importing the same content again changes nothing. `note` says where
        the content came from (e.g. a published file's name and SHA-256), kept with the revision.
        """
        with self._write():
            agency = _agency_name(report.agency)
            existing = self._find(agency, report.year)
            if existing is None:
                return self._new(report, agency, RevisionKind.IMPORT, note), True
            stored = self._editable(existing)
            if stored.format != report.format:
                raise UserError(
                    f"库中“{stored.agency}”的 {stored.year} 年度报告是 {stored.format} 年格式，"
                    f"导入的文件是 {report.format} 年格式，不能合并。"
                )
            changes = _diff(stored.flat, _flatten(report) | {"agency": stored.agency})
            if changes:
                self._record(existing, RevisionKind.IMPORT, note, changes)
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
        kind: str = RevisionKind.EDIT,
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
        self, report_id: int, key: str, text: str, kind: str = RevisionKind.EDIT, base: str | None = None
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
        if kind != RevisionKind.EDIT:  # only typing continues a burst
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
        self, report_id: int, name: str | None, date: dt.date | None, kind: str = RevisionKind.EDIT
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
            self._change(report_id, RevisionKind.RENAME, None, new, stored)

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
            if status == ReportStatus.DRAFT and reason is None:
                raise UserError("解除定稿需要写明原因。")
            self._record(report_id, RevisionKind.STATUS, reason, [Change("status", stored.status, status)])

    def delete_report(self, report_id: int) -> None:
        """Move a report to the recycle bin; nothing is removed (see `undelete_report`)."""
        with self._write():
            stored = self._stored(report_id)
            if stored.deleted_at is None:
                self._record(report_id, RevisionKind.DELETE, None, [Change("deleted", None, self._now())])

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
            self._record(report_id, RevisionKind.UNDELETE, None, [Change("deleted", stored.deleted_at, None)])

    def dismissals(self, report_id: int) -> dict[str, Dismissal]:
        """The warnings dismissed for this report, by finding key."""
        with self._read():
            rows = self._dicts("SELECT * FROM dismissals WHERE report_id = ? ORDER BY at", [report_id])
        return {r["key"]: Dismissal(r["key"], r["reason"], r["who"], _time(r["at"])) for r in rows}

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
            rev = self._record(
                report_id, RevisionKind.DISMISS, who, [Change(DISMISSED + key, old and old[0], reason)]
            )
            dismissal = {"report_id": report_id, "key": key, "reason": reason, "who": who, "at": self._now()}
            # a whole row replaced, not `upsert`: sqlite-utils upserts by INSERT OR IGNORE of the key alone,
            # which a NOT NULL column makes a silent no-op, and the UPDATE after it then finds no row
            self._table("dismissals").insert(dismissal, replace=True)
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
            self._record(report_id, RevisionKind.UNDISMISS, None, [Change(DISMISSED + key, old[0], None)])
            self._table("dismissals").delete((report_id, key))

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
            rev = self._change(report_id, RevisionKind.RESTORE, note, target)
            if rev is not None:
                return rev
            latest = self._conn.execute("SELECT max(id) FROM revisions WHERE report_id = ?", (report_id,))
            return int(latest.fetchone()[0])


_ROWS_A_STATEMENT = 64  # the most rows a statement: 32 and 128 measured the same


def insert_rows(
    conn: sqlite3.Connection, into: str, rows: Sequence[tuple[object, ...]], then: str = ""
) -> None:
    """`INSERT INTO into VALUES … then` of every row, in statements of 64 rows, then 32, 16, … 1 for what
    is left (so at most seven statements a table to prepare and cache). A new report is ~350 rows,
    and one statement a row took a quarter more time (benchmarks/bench_db_import.py)."""
    width = len(rows[0]) if rows else 0
    params = list(itertools.chain.from_iterable(rows))
    done, size = 0, _ROWS_A_STATEMENT
    while done < len(rows):
        if count := (len(rows) - done) // size:
            step = size * width
            batches = [params[i : i + step] for i in range(done * width, (done + count * size) * width, step)]
            conn.executemany(_insert_sql(into, width, size, then), batches)
            done += count * size
        size //= 2


@functools.cache
def _insert_sql(into: str, width: int, rows: int, then: str) -> str:
    """The statement of `insert_rows` for `rows` rows of `width` values."""
    row = f"({', '.join('?' * width)})"
    return f"INSERT INTO {into} VALUES {', '.join([row] * rows)} {then}"


# fields stored as a column: field -> (table, column)
_COLUMNS = {
    "year": ("reports", "year"),
    "status": ("reports", "status"),
    "deleted": ("reports", "deleted_at"),
    "signature.name": ("signatures", "name"),
    "signature.date": ("signatures", "date"),
}


def _final_code(stored: _Stored) -> str | None:
    """The 校验码 a 定稿 prints (core.documents.fingerprint: a digest of the content, no rule); None when the
    report cannot be read."""
    from core.documents.fingerprint import fingerprint  # only when a report is made 定稿

    try:
        return fingerprint(stored.report())
    except UserError:
        return None


def _agency_name(name: str) -> str:
    return agency_name(name)
