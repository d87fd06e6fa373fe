"""Issue 17: storage writes rows through sqlite-utils inside its own transactions.

sqlite-utils wraps each of its writes in `with conn:`, which on a plain connection COMMITs whatever
transaction is open; the database's connection (`OwnTransactions`) leaves that to `Database._write`, so a
write that fails after a sqlite-utils insert still leaves nothing behind — on a real file, reopened.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from core.errors import UserError
from core.model.report import Report
from core.register.calendar import Arrangement
from core.storage import Database, schema
from core.storage.files import OwnTransactions
from core.storage.register import RegisterStore


def test_a_plain_connection_would_commit_halfway(tmp_path: Path) -> None:
    """Why the connection class exists: sqlite-utils ends the caller's transaction on a plain one."""
    conn = sqlite3.connect(tmp_path / "plain.sqlite3", isolation_level=None)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("BEGIN IMMEDIATE")
    sqlite_utils.Database(conn)["t"].insert({"name": "甲"})
    assert not conn.in_transaction  # committed by sqlite-utils, not by us
    conn.close()
    own = sqlite3.connect(tmp_path / "own.sqlite3", isolation_level=None, factory=OwnTransactions)
    own.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
    own.execute("BEGIN IMMEDIATE")
    sqlite_utils.Database(own)["t"].insert({"name": "甲"})
    assert own.in_transaction
    own.execute("ROLLBACK")
    assert own.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    own.close()


def test_a_failed_write_after_sqlite_utils_inserts_leaves_nothing(db_path: Path, seed: Report) -> None:
    with Database.open(db_path) as db:
        report_id = db.create_report(seed)
        before = len(db.history(report_id))
        with pytest.raises(RuntimeError, match="中途失败"), db._write():
            db._record(report_id, "edit", "一次会失败的修改", [])  # the revision row: sqlite-utils
            db._agency_id("新建的机关")  # a new agency row: sqlite-utils `lookup`
            raise RuntimeError("中途失败")
    with Database.open(db_path) as db:  # what is on disk
        assert len(db.history(report_id)) == before
        assert "新建的机关" not in db.agencies()
        assert db.schema_version() and db.settings()["synchronous"] == "FULL"


def test_rows_written_through_sqlite_utils_read_back(db_path: Path, seed: Report) -> None:
    with Database.open(db_path) as db:
        report_id = db.create_report(seed)
        db.dismiss(report_id, "rule.甲", "原因一", "张三")
        db.dismiss(report_id, "rule.甲", "原因二", "李四")  # an upsert: the same key, replaced
        db.dismiss(report_id, "rule.乙", "原因三", "王五")
        db.undismiss(report_id, "rule.乙")
    with Database.open(db_path) as db:
        kept = db.dismissals(report_id)
        assert list(kept) == ["rule.甲"]
        assert (kept["rule.甲"].reason, kept["rule.甲"].who) == ("原因二", "李四")
        assert [r.kind for r in db.history(report_id)][:4] == ["undismiss", "dismiss", "dismiss", "dismiss"]
        assert db.list_reports()[0].agency == seed.agency


def test_the_registers_rows_are_replaced_whole_and_read_back(db_path: Path, seed: Report) -> None:
    day = dt.date
    with Database.open(db_path) as db:
        store = RegisterStore(db)
        store.set_arrangement(Arrangement(2031, frozenset({day(2031, 10, 1), day(2031, 10, 2)})))
        store.set_arrangement(  # entered again: the year's days are the new ones only
            Arrangement(2031, frozenset({day(2031, 10, 3)}), frozenset({day(2031, 9, 28)}))
        )
        report_id = db.create_report(seed)
        store.mark_counted(report_id, {"二.1": "7", "二.2": "11"})
        store.set_override(report_id, "二.1", "台账漏记一件")
        store.mark_counted(report_id, {"二.1": "8"})  # a new count clears the override
        with pytest.raises(UserError, match="台账中没有这一项"):
            store.delete(seed.agency, "request", 4321, "delete")
    with Database.open(db_path) as db:
        store = RegisterStore(db)
        kept = store.arrangements()[2031]
        assert (kept.days_off, kept.working_weekends) == ({day(2031, 10, 3)}, {day(2031, 9, 28)})
        counted = store.counted_cells(report_id)
        assert {a: (c.counted, c.override_reason) for a, c in counted.items()} == {
            "二.1": ("8", None),
            "二.2": ("11", None),
        }
        assert store.history(seed.agency) == []  # the refused delete left no revision


# migration 5 as it was written in SQL before sqlite-utils declared these tables: the schema must not change
_REGISTER_AS_SQL = (
    """CREATE TABLE register_requests (
        id INTEGER PRIMARY KEY,
        agency_id INTEGER NOT NULL REFERENCES agencies(id),
        number TEXT, received TEXT, channel TEXT, applicant TEXT, applicant_name TEXT, subject TEXT,
        topic TEXT, correction_asked TEXT, correction_received TEXT, extended TEXT, consult_sent TEXT,
        consult_received TEXT, answered TEXT, result TEXT, fee TEXT, deleted_at TEXT
    )""",
    """CREATE TABLE register_cases (
        id INTEGER PRIMARY KEY,
        agency_id INTEGER NOT NULL REFERENCES agencies(id),
        kind TEXT NOT NULL, filed TEXT NOT NULL, decided TEXT, result TEXT, request_number TEXT,
        deleted_at TEXT
    )""",
    """CREATE TABLE register_revisions (
        id INTEGER PRIMARY KEY,
        agency_id INTEGER NOT NULL REFERENCES agencies(id),
        at TEXT NOT NULL, kind TEXT NOT NULL, note TEXT
    )""",
)


def _structure(conn: sqlite3.Connection) -> dict[str, object]:
    """Every table's columns, keys, foreign keys, indexes (with their WHERE) and rowid-ness."""
    found: dict[str, object] = {}
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        indexes = conn.execute(f"PRAGMA index_list({name})").fetchall()
        found[name] = (
            conn.execute(f"PRAGMA table_xinfo({name})").fetchall(),
            conn.execute(f"PRAGMA foreign_key_list({name})").fetchall(),
            sorted((i[1:], conn.execute(f"PRAGMA index_xinfo({i[1]})").fetchall()) for i in indexes),
            "WITHOUT ROWID" in sql.upper(),
            "CHECK" in sql.upper(),
        )
    found["partial indexes"] = sorted(
        " ".join(sql.split())
        for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    )
    return found


def test_the_register_migration_declared_by_sqlite_utils_makes_the_same_schema() -> None:
    migrated, reference = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    for migrate in schema.MIGRATIONS:
        migrate(migrated)
    for migrate in schema.MIGRATIONS[:4]:
        migrate(reference)
    for statement in (*_REGISTER_AS_SQL, *schema._REGISTER_SQL):
        reference.execute(statement)
    assert len(schema.MIGRATIONS) == 5
    assert _structure(migrated) == _structure(reference)
    assert "register_requests" in _structure(migrated)
