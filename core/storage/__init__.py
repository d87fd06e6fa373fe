"""The app's own storage: every report and every change ever made to it, in one SQLite file.

All SQL of the project lives in this package; the rest of the code passes `Report` models in and out.
- `files`: what a file is before it is opened, SQLite's failures in Chinese, forensics, copies;
- `schema`: the tables and their ordered migrations;
- `records`: what storage takes and returns, and a report flattened to field -> text;
- `database`: the open file — reports, their history, dismissals.

The file is protected: WAL with `synchronous=FULL` (a power cut loses nothing committed), a busy
timeout for a second writer, `user_version` with ordered migrations and a backup copy before any
migration, and a refusal — without writing a byte — to touch a file that is not ours or is newer.
Expected failures (locked, read-only, disk full, damaged) become a `UserError` in plain Chinese.
"""

from core.storage import schema
from core.storage.database import STATUSES, TEXT_BURST_SECONDS, Database, RevisionMark
from core.storage.files import (
    BUSY_TIMEOUT,
    DatabaseDamaged,
    DatabaseTooNew,
    NotOurDatabase,
    _user_error,
    check_file,
    copy_file,
    wal_lost_commits,
)
from core.storage.records import (
    DISMISSED,
    Change,
    Dismissal,
    Flat,
    ReportSummary,
    Revision,
    report_changes,
)
from core.storage.schema import APPLICATION_ID, COUNTS_MIGRATION, MIGRATIONS

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT",
    "COUNTS_MIGRATION",
    "DISMISSED",
    "MIGRATIONS",
    "STATUSES",
    "TEXT_BURST_SECONDS",
    "Change",
    "Database",
    "DatabaseDamaged",
    "DatabaseTooNew",
    "Dismissal",
    "Flat",
    "NotOurDatabase",
    "ReportSummary",
    "Revision",
    "RevisionMark",
    "_user_error",
    "check_file",
    "copy_file",
    "report_changes",
    "schema",
    "wal_lost_commits",
]
