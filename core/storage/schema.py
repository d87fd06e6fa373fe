"""The database's schema and its ordered migrations (`user_version` N is reached by migration N)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x6E69616E  # "nian" in the file header: this file is a 年报助手 database


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


# Each report's error/warning counts, kept with it for the report list; NULL until counted: the
# operations count such reports when they next list them (`core.rules.summary.current_counts`).
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

# 4: what a collection desk reads of a year's 2,000 reports without reading them: every cell value
# packed in one row (a JSON array in the format's cell order) and a 定稿's 校验码; NULL until kept, and
# `Database.open` keeps both right after migrating (see `_keep_uncomputed`).
KEPT_MIGRATION = _statements(
    "ALTER TABLE reports ADD COLUMN packed TEXT",
    "ALTER TABLE reports ADD COLUMN final_code TEXT",
    "CREATE INDEX reports_year ON reports(year)",
)

MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _statements(*_SCHEMA_1),
    _statements(_DISMISSALS),
    COUNTS_MIGRATION,
    KEPT_MIGRATION,
)
# 3: each report's error/warning counts (COUNTS_MIGRATION)
# 4: packed values and kept 校验码 (KEPT_MIGRATION)


# 5: the request register (docs/register.md), one per agency, of many years: requests, cases, their history,
# 放假安排, counted cells (the columns spelled here: a migration never changes once shipped). Tables that
# sqlite-utils can declare are declared through it; a CHECK, WITHOUT ROWID or a partial index it cannot
# spell, so those stay SQL.
_TEXT = str  # sqlite-utils: a TEXT column
_AGENCY = [("agency_id", "agencies", "id")]
_REGISTER_TABLES: tuple[tuple[str, dict[str, type], tuple[str, ...]], ...] = (
    (
        "register_requests",
        {"id": int, "agency_id": int}
        | dict.fromkeys(
            (
                "number", "received", "channel", "applicant", "applicant_name", "subject", "topic",
                "correction_asked", "correction_received", "extended", "consult_sent", "consult_received",
                "answered", "result", "fee", "deleted_at",
            ),
            _TEXT,
        ),
        ("agency_id",),
    ),
    (
        "register_cases",
        {"id": int, "agency_id": int, "kind": _TEXT, "filed": _TEXT, "decided": _TEXT, "result": _TEXT}
        | {"request_number": _TEXT, "deleted_at": _TEXT},
        ("agency_id", "kind", "filed"),
    ),
    (
        "register_revisions",
        {"id": int, "agency_id": int, "at": _TEXT, "kind": _TEXT, "note": _TEXT},
        ("agency_id", "at", "kind"),
    ),
)  # fmt: skip
_REGISTER_SQL = (
    "CREATE UNIQUE INDEX IF NOT EXISTS register_requests_number ON register_requests(agency_id, number) "
    "WHERE deleted_at IS NULL",
    "CREATE INDEX IF NOT EXISTS register_revisions_agency ON register_revisions(agency_id, id)",
    """CREATE TABLE IF NOT EXISTS register_changes (
        revision_id INTEGER NOT NULL REFERENCES register_revisions(id),
        seq INTEGER NOT NULL,
        item TEXT NOT NULL CHECK (item IN ('request', 'case')),
        item_id INTEGER NOT NULL,
        field TEXT NOT NULL,
        old TEXT,
        new TEXT,
        PRIMARY KEY (revision_id, seq)
    ) WITHOUT ROWID""",
    # the office's 放假安排 of a year the calendar package does not know: a row per year entered,
    # a row per day that differs from Monday-to-Friday (working = 0: 放假; 1: 调休 working weekend)
    "CREATE TABLE IF NOT EXISTS calendar_years (year INTEGER PRIMARY KEY, entered_at TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS calendar_days (
        day TEXT PRIMARY KEY,
        year INTEGER NOT NULL REFERENCES calendar_years(year),
        working INTEGER NOT NULL CHECK (working IN (0, 1))
    ) WITHOUT ROWID""",
    # the report cells written by 「由台账生成」: the count, and the reason when a clerk kept another value
    """CREATE TABLE IF NOT EXISTS counted_cells (
        report_id INTEGER NOT NULL REFERENCES reports(id),
        address TEXT NOT NULL,
        counted TEXT NOT NULL,
        override_reason TEXT,
        PRIMARY KEY (report_id, address)
    ) WITHOUT ROWID""",
)


def _register(conn: sqlite3.Connection) -> None:
    import sqlite_utils  # only when a database is made or migrated: opening one needs none of it

    tables = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    for name, columns, not_null in _REGISTER_TABLES:
        conn.execute(
            tables.create_table_sql(
                name, columns, pk="id", foreign_keys=_AGENCY, not_null=not_null, if_not_exists=True
            )
        )
    _statements(*_REGISTER_SQL)(conn)


MIGRATIONS += (_register,)
