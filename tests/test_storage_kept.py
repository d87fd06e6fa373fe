"""What storage keeps so that a collection desk need not read a year's 2,000 reports: each report's
cell values packed in one row (kept on every write) and a 定稿's 校验码 (kept when it is made 定稿);
and the migration that brings a database of the previous schema (version 3) there, with its backup."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from core import desk
from core.documents.fingerprint import fingerprint
from core.storage import MIGRATIONS, Database
from core.storage.schema import KEPT_MIGRATION
from tests.helpers import back_to_schema, distinct_report

YEAR = 2021


BEFORE_KEPT = MIGRATIONS.index(KEPT_MIGRATION)  # the schema version the packed values upgrade from


def _ids(db: Database) -> list[int]:
    return [s.id for s in db.year_reports(YEAR)]


def _summed_both_ways(db: Database) -> None:
    """The sum from the packed values is the sum of the reports read in full, cell for cell."""
    ids = _ids(db)
    stored = desk.add_up_stored(db, ids, "测试市", YEAR)
    assert stored == desk.add_up(list(db.load_reports(ids).values()), "测试市", YEAR)
    assert stored.values["requests.1.natural_person"] is not None


def test_packed_values_and_codes_follow_every_write(db_path: Path) -> None:
    with Database.open(db_path) as db:
        first = db.create_report(distinct_report("甲局", YEAR, base=3))
        second = db.create_report(distinct_report("乙局", YEAR, base=500))
        db.create_report(distinct_report("甲局", YEAR - 1, base=40))  # another year: not summed
        money = next(a for a, c in db.load_report(first).spec.cells.items() if c.kind == "money")
        db.set_values(first, {"requests.1.natural_person": Decimal(7001), money: Decimal("12.50")})
        db.set_values(second, {"requests.1.natural_person": None, money: Decimal("0.25")})
        _summed_both_ways(db)
        total = desk.add_up_stored(db, _ids(db), "测试市", YEAR)
        assert total.values[money] == Decimal("12.75") and str(total.values[money]) == "12.75"
        assert total.values["requests.1.natural_person"] == 7001

        db.set_status(first, "final")
        (kept,) = [s.final_code for s in db.year_reports(YEAR) if s.id == first]
        assert kept == fingerprint(db.load_report(first))
        db.set_status(first, "draft", reason="改一个数")
        assert [s.final_code for s in db.year_reports(YEAR)] == [None, None]


def _today_schema_with(db_path: Path, agencies: int) -> None:
    """A database file as the previous version (schema 3) wrote it, with `agencies` reports of YEAR
    (distinct numbers, a quarter 定稿): eight made through storage, the rest copied from them in SQL
    with every number shifted."""
    with Database.open(db_path) as made, made.batch():
        for a in range(8):
            report_id = made.create_report(distinct_report(f"样本第{a}局", YEAR, base=a * 300))
            if a % 4 == 0:
                made.set_status(report_id, "final")
    conn = sqlite3.connect(db_path, isolation_level=None)
    with conn:
        conn.execute("BEGIN")
        for copy in range(1, agencies // 8):
            for sample in conn.execute("SELECT id, agency_id FROM reports WHERE id <= 8").fetchall():
                name = conn.execute("SELECT name FROM agencies WHERE id = ?", (sample[1],)).fetchone()[0]
                agency = conn.execute("INSERT INTO agencies(name) VALUES (?)", (f"{name}{copy}",)).lastrowid
                new = conn.execute(
                    "INSERT INTO reports(agency_id, year, format, status, created_at, updated_at, errors,"
                    " warnings, counted_by) SELECT ?, year, format, status, created_at, updated_at, errors,"
                    " warnings, counted_by FROM reports WHERE id = ?",
                    (agency, sample[0]),
                ).lastrowid
                conn.execute(
                    "INSERT INTO cells SELECT ?, address, CASE WHEN value GLOB '*[^0-9]*' THEN value "
                    "ELSE CAST(CAST(value AS INTEGER) + ? AS TEXT) END FROM cells WHERE report_id = ?",
                    (new, copy, sample[0]),
                )
                for table in ("texts", "signatures"):
                    columns = "key, text" if table == "texts" else "name, date"
                    conn.execute(
                        f"INSERT INTO {table} SELECT ?, {columns} FROM {table} WHERE report_id = ?",
                        (new, sample[0]),
                    )
        # back to the schema before the packed values: what that migration and later ones added goes
        back_to_schema(conn, BEFORE_KEPT)
    conn.close()


def test_a_database_of_2000_reports_of_the_previous_schema_is_migrated(db_path: Path) -> None:
    _today_schema_with(db_path, 2000)
    with Database.open(db_path) as db:
        assert db.schema_version() == len(MIGRATIONS)
        summaries = db.year_reports(YEAR)
        assert len(summaries) == 2000
        finals = [s.id for s in summaries if s.status == "final"]
        codes = {i: fingerprint(report) for i, report in db.load_reports(finals).items()}  # read in full
        assert len(codes) == 500 and len(set(codes.values())) == 500
        assert {s.id: s.final_code for s in summaries if s.status == "final"} == codes
        board = desk.database_board(db, YEAR)
        assert {r.report_id: r.fingerprint for r in board.rows if r.status == desk.FINAL} == codes
        _summed_both_ways(db)
    backup = db_path.with_name(f"{db_path.name}.before-v{BEFORE_KEPT + 1}.bak")
    with sqlite3.connect(backup) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == BEFORE_KEPT
        assert old.execute("SELECT count(*) FROM reports").fetchone()[0] == 2000
