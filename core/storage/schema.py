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
