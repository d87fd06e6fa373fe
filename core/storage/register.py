"""The register's persistence: requests, cases, their history, the office's 放假安排, counted cells.

Storage only (docs/register.md): no counting or deadline rule lives here. A request or a case is kept as
field -> text (`Request.to_flat`); every write is one transaction recording one revision of the agency's
register with its changes (item, field, old, new), so any change can be undone by a later revision and
none is ever lost. A deleted request keeps its row (deleted_at set), as a deleted report does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.errors import UserError
from core.register.calendar import Arrangement
from core.register.model import STORED_FIELDS, Case, Request
from core.storage.database import Database, insert_rows
from core.storage.records import Flat, _time

REQUEST, CASE = "request", "case"  # what a change is about
DELETED = "deleted"  # a change's field when an item is deleted ("1") or brought back (None)

_REQUEST_FIELDS = STORED_FIELDS
_CASE_FIELDS = ("kind", "filed", "decided", "result", "request_number")
_TABLES = {REQUEST: ("register_requests", _REQUEST_FIELDS), CASE: ("register_cases", _CASE_FIELDS)}


@dataclass(frozen=True)
class ItemChange:
    item: str  # REQUEST or CASE
    item_id: int
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class RegisterRevision:
    id: int
    at: dt.datetime  # aware, local time
    kind: str
    note: str | None
    changes: list[ItemChange]


@dataclass(frozen=True)
class CountedCell:
    counted: str
    override_reason: str | None


_CHANGES_A_CHUNK = 4096  # changes turned into rows at a time: memory stays flat in the ledger's length


def _gone() -> UserError:
    return UserError("台账中没有这一项（可能已被删除）。")


def _case_flat(case: Case) -> Flat:
    return {
        "kind": case.kind,
        "filed": case.filed.isoformat(),
        "decided": case.decided.isoformat() if case.decided else None,
        "result": case.result,
        "request_number": case.request_number or None,
    }


def _case(row: Mapping[str, object]) -> Case:
    decided = row["decided"]
    return Case(
        kind=str(row["kind"]),
        filed=dt.date.fromisoformat(str(row["filed"])),
        decided=dt.date.fromisoformat(str(decided)) if decided else None,
        result=str(row["result"]) if row["result"] else None,
        request_number=str(row["request_number"] or ""),
        id=int(str(row["id"])),
    )


class RegisterStore:
    """One database's registers (one per agency). Every write is one revision; returns its id."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------ reading

    def agencies(self) -> list[str]:
        """The agencies that keep a register, by name."""
        with self.db._read():
            rows = self.db._conn.execute(
                "SELECT DISTINCT a.name FROM agencies a JOIN register_requests r ON r.agency_id = a.id "
                "WHERE r.deleted_at IS NULL ORDER BY a.name"
            )
            return [str(name) for (name,) in rows]

    def _agency(self, agency: str) -> int | None:
        row = self.db._conn.execute("SELECT id FROM agencies WHERE name = ?", (agency,)).fetchone()
        return int(row[0]) if row else None

    def requests(self, agency: str) -> list[Request]:
        """The agency's live requests in order received."""
        columns = ", ".join(f"r.{f}" for f in _REQUEST_FIELDS)
        with self.db._read():
            rows = self.db._conn.execute(
                f"SELECT r.id, {columns} FROM register_requests r JOIN agencies a ON a.id = r.agency_id "
                "WHERE a.name = ? AND r.deleted_at IS NULL ORDER BY received, number",
                (agency,),
            ).fetchall()
        return [Request.from_row(row[1:], row[0]) for row in rows]

    def counted_fields(self, agency: str, first: dt.date, last: dt.date) -> list[tuple[str, ...]]:
        """(number, received, applicant, answered, result) of the live requests a year's table can use:
        received by `last` and not answered before `first` (ISO dates compare as text)."""
        with self.db._read():
            return self.db._conn.execute(
                "SELECT r.number, r.received, r.applicant, r.answered, r.result FROM register_requests r "
                "JOIN agencies a ON a.id = r.agency_id WHERE a.name = ? AND r.deleted_at IS NULL "
                "AND r.received <= ? AND (r.answered IS NULL OR r.answered >= ?)",
                (agency, last.isoformat(), first.isoformat()),
            ).fetchall()

    def numbers(self, agency: str, prefix: str) -> set[str]:
        """The 编号 in use that start with `prefix` (e.g. 2026-)."""
        with self.db._read():
            rows = self.db._conn.execute(
                "SELECT r.number FROM register_requests r JOIN agencies a ON a.id = r.agency_id "
                "WHERE a.name = ? AND r.deleted_at IS NULL AND substr(r.number, 1, ?) = ?",
                (agency, len(prefix), prefix),
            )
            return {str(n) for (n,) in rows}

    def request(self, request_id: int) -> Request:
        found = self.requests_by_id([request_id], live_only=False)
        if not found:
            raise UserError("台账中没有这件申请（可能已被删除）。")
        return found[0]

    def requests_by_id(self, ids: Iterable[int], live_only: bool = True) -> list[Request]:
        """The requests of those ids (the live ones only, unless `live_only` is False)."""
        wanted = list(ids)
        columns = ", ".join(_REQUEST_FIELDS)
        live = " AND deleted_at IS NULL" if live_only else ""
        marks = ", ".join("?" * len(wanted))
        with self.db._read():
            rows = self.db._conn.execute(
                f"SELECT id, {columns} FROM register_requests WHERE id IN ({marks}){live}",
                wanted,
            ).fetchall()
        return [Request.from_row(row[1:], row[0]) for row in rows]

    def cases(self, agency: str) -> list[Case]:
        with self.db._read():
            rows = self.db._dicts(
                "SELECT c.* FROM register_cases c JOIN agencies a ON a.id = c.agency_id "
                "WHERE a.name = ? AND c.deleted_at IS NULL ORDER BY filed, c.id",
                (agency,),
            )
            return [_case(r) for r in rows]

    def history(self, agency: str, limit: int | None = None) -> list[RegisterRevision]:
        """The register's revisions, newest first, each with its changes."""
        with self.db._read():
            agency_id = self._agency(agency)
            rows = list(
                self.db._conn.execute(
                    "SELECT id, at, kind, note FROM register_revisions WHERE agency_id = ? "
                    "ORDER BY id DESC LIMIT ?",
                    (agency_id, -1 if limit is None else limit),
                )
            )
            changes: dict[int, list[ItemChange]] = {}
            for rev_id, item, item_id, fld, old, new in self.db._conn.execute(
                "SELECT c.revision_id, c.item, c.item_id, c.field, c.old, c.new FROM register_changes c "
                "JOIN register_revisions v ON v.id = c.revision_id WHERE v.agency_id = ? AND v.id >= ? "
                "ORDER BY c.revision_id, c.seq",
                (agency_id, rows[-1][0] if rows else 0),
            ):
                changes.setdefault(rev_id, []).append(ItemChange(item, item_id, fld, old, new))
        return [RegisterRevision(r[0], _time(r[1]), r[2], r[3], changes.get(r[0], [])) for r in rows]

    # ------------------------------------------------------------ writing

    def _revision(self, agency_id: int, kind: str, note: str | None, changes: list[ItemChange]) -> int:
        revision = {"agency_id": agency_id, "at": self.db._now(), "kind": kind, "note": note}
        rev_id = self.db._insert("register_revisions", revision)
        into = "register_changes(revision_id, seq, item, item_id, field, old, new)"
        for start in range(0, len(changes), _CHANGES_A_CHUNK):  # a ledger of 100,000 is a million changes
            chunk = changes[start : start + _CHANGES_A_CHUNK]
            rows = [
                (rev_id, start + i, c.item, c.item_id, c.field, c.old, c.new) for i, c in enumerate(chunk)
            ]
            insert_rows(self.db._conn, into, rows)
        return rev_id

    def _insert(self, agency_id: int, item: str, flat: Flat) -> tuple[int, list[ItemChange]]:
        table, _ = _TABLES[item]
        item_id = self.db._insert(table, {"agency_id": agency_id, **flat})
        return item_id, [ItemChange(item, item_id, k, None, v) for k, v in flat.items() if v is not None]

    def _update(self, item: str, item_id: int, flat: Flat) -> list[ItemChange]:
        table, names = _TABLES[item]
        row = next(self.db._table(table).rows_where("id = ?", [item_id]), None)
        if row is None or row["deleted_at"] is not None:
            raise _gone()
        old = {name: row[name] for name in names}
        changes = [ItemChange(item, item_id, k, old[k], v) for k, v in flat.items() if old[k] != v]
        self._set(item, item_id, {c.field: c.new for c in changes})
        return changes

    def _set(self, item: str, item_id: int, values: Mapping[str, str | None]) -> None:
        from sqlite_utils.db import NotFoundError  # sqlite-utils loads at its first use (Database._db)

        if values:
            table, _ = _TABLES[item]
            columns = {DELETED: "deleted_at"}
            try:
                self.db._table(table).update(item_id, {columns.get(k, k): v for k, v in values.items()})
            except NotFoundError:
                raise _gone() from None

    def _numbers_clash(self, agency_id: int, number: str, request_id: int | None) -> bool:
        row = self.db._conn.execute(
            "SELECT id FROM register_requests WHERE agency_id = ? AND number = ? AND deleted_at IS NULL",
            (agency_id, number),
        ).fetchone()
        return row is not None and row[0] != request_id

    def save_requests(
        self, agency: str, requests: Iterable[Request], kind: str, note: str | None = None
    ) -> tuple[int | None, list[int]]:
        """Add (id None) or change (id set) requests in one revision: (its id or None, their ids)."""
        ids: list[int] = []
        with self.db._write():
            agency_id = self.db._agency_id(agency)
            changes: list[ItemChange] = []
            for request in requests:
                if self._numbers_clash(agency_id, request.number, request.id):
                    raise UserError(f"编号“{request.number}”已被台账中的另一件申请使用，请换一个编号。")
                flat = request.to_flat()
                if request.id is None:
                    new_id, added = self._insert(agency_id, REQUEST, flat)
                    changes += added
                    ids.append(new_id)
                else:
                    changes += self._update(REQUEST, request.id, flat)
                    ids.append(request.id)
            revision = self._revision(agency_id, kind, note, changes) if changes else None
        return revision, ids

    def save_case(
        self, agency: str, case: Case, kind: str, note: str | None = None
    ) -> tuple[int | None, int]:
        with self.db._write():
            agency_id = self.db._agency_id(agency)
            if case.id is None:
                case_id, changes = self._insert(agency_id, CASE, _case_flat(case))
            else:
                changes, case_id = self._update(CASE, case.id, _case_flat(case)), case.id
            return (self._revision(agency_id, kind, note, changes) if changes else None), case_id

    def delete(self, agency: str, item: str, item_id: int, kind: str, note: str | None = None) -> int:
        """Move a request or case to the deleted ones (kept, and brought back by undoing)."""
        with self.db._write():
            agency_id = self.db._agency_id(agency)
            self._set(item, item_id, {DELETED: self.db._now()})
            return self._revision(agency_id, kind, note, [ItemChange(item, item_id, DELETED, None, "1")])

    def undo(self, agency: str, revision_id: int, kind: str, note: str | None = None) -> int | None:
        """A new revision that puts back what `revision_id` changed (nothing is erased from history)."""
        with self.db._write():
            agency_id = self.db._agency_id(agency)
            rows = self.db._conn.execute(
                "SELECT item, item_id, field, old, new FROM register_changes WHERE revision_id = ? "
                "ORDER BY seq DESC",
                (revision_id,),
            ).fetchall()
            # an item the revision added (its first field came from nothing) is deleted again, whole
            added = {(i, n) for i, n, f, old, _ in rows if old is None and f in ("received", "filed")}
            changes = [ItemChange(i, n, DELETED, None, "1") for i, n in sorted(added)]
            for item, item_id, fld, old, new in rows:
                if (item, item_id) not in added:
                    changes.append(ItemChange(item, item_id, fld, new, old))
            for c in changes:
                value = (self.db._now() if c.new else None) if c.field == DELETED else c.new
                self._set(c.item, c.item_id, {c.field: value})
            return self._revision(agency_id, kind, note, changes) if changes else None

    # ------------------------------------------------------------ the office's 放假安排

    def arrangements(self) -> dict[int, Arrangement]:
        with self.db._read():
            years = [int(y) for (y,) in self.db._conn.execute("SELECT year FROM calendar_years")]
            days = self.db._conn.execute("SELECT day, year, working FROM calendar_days").fetchall()
        off: dict[int, set[dt.date]] = {y: set() for y in years}
        work: dict[int, set[dt.date]] = {y: set() for y in years}
        for day, year, working in days:
            (work if working else off)[year].add(dt.date.fromisoformat(day))
        return {y: Arrangement(y, frozenset(off[y]), frozenset(work[y])) for y in years}

    def set_arrangement(self, arrangement: Arrangement) -> None:
        """Keep (or replace) the office's 放假安排 of a year."""
        year = arrangement.year
        days = [(d, 0) for d in arrangement.days_off] + [(d, 1) for d in arrangement.working_weekends]
        with self.db._write():
            # the days go first: the year's row is replaced whole, and they point at it
            self.db._table("calendar_days").delete_where("year = ?", [year])
            self.db._table("calendar_years").insert(
                {"year": year, "entered_at": self.db._now()}, replace=True
            )
            self.db._table("calendar_days").insert_all(
                {"day": d.isoformat(), "year": year, "working": w} for d, w in days
            )

    # ------------------------------------------------------------ cells counted into a report

    def counted_cells(self, report_id: int) -> dict[str, CountedCell]:
        with self.db._read():
            rows = list(self.db._table("counted_cells").rows_where("report_id = ?", [report_id]))
        return {r["address"]: CountedCell(r["counted"], r["override_reason"]) for r in rows}

    def mark_counted(self, report_id: int, counted: Mapping[str, str]) -> None:
        """The cells 「由台账生成」 wrote, with their counts (a new count clears an override)."""
        rows = (
            {"report_id": report_id, "address": a, "counted": v, "override_reason": None}
            for a, v in counted.items()
        )
        with self.db._write():
            # replaced whole (not sqlite-utils `upsert`, which skips a row with a NOT NULL column)
            self.db._table("counted_cells").insert_all(rows, replace=True)

    def set_override(self, report_id: int, address: str, reason: str) -> None:
        """A clerk kept a value other than the count: why."""
        with self.db._write():
            self.db._conn.execute(
                "UPDATE counted_cells SET override_reason = ? WHERE report_id = ? AND address = ?",
                (reason, report_id, address),
            )
