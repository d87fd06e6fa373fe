"""Each report's error/warning counts are kept with it: storage marks a changed report as not counted and
keeps what it is handed; the library counts again (the report and next year's, which is checked against
it) before it lists; after the counts migration every report is counted once; a list runs no rule for
a report counted already."""

from __future__ import annotations

import ast
import copy
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from core import storage
from core.model.report import Report
from core.ops.library import Library
from core.rules.summary import STATUS_NAMES, counts
from core.rules.table import check
from core.storage import Database
from tests.conftest import ROOT
from tests.helpers import back_to_schema

CARRIED = "requests.2.natural_person"  # this year's 上年结转, checked against last year's row 4
LEFT_OVER = "requests.4.natural_person"


def _listed(db: Database) -> dict[tuple[str, int], tuple[int, int]]:
    """What the report list shows: the library's list, counted again where needed."""
    return {(s.agency, s.year): (s.errors, s.warnings) for s in Library(db).reports()}


def _current(db: Database) -> dict[tuple[str, int], bool]:
    """Which kept counts are current, as storage alone says (no rule runs)."""
    return {(s.agency, s.year): s.counted_by == counts.version for s in db.list_reports()}


def _two_years(seed: Report) -> tuple[Report, Report]:
    last = copy.deepcopy(seed)
    last.year = 2020
    this = copy.deepcopy(seed)
    this.values[CARRIED] = Decimal(5)  # last year left 0 over: YEAR.CARRY_OVER (and the balance breaks)
    return last, this


def test_storage_keeps_the_counts_it_is_handed_and_a_change_makes_them_not_current(
    db: Database, seed: Report
) -> None:
    last, this = _two_years(seed)
    db.create_report(last)
    this_id = db.create_report(this)
    assert _current(db) == {(seed.agency, 2020): False, (seed.agency, 2021): False}
    listed = _listed(db)
    assert listed[(seed.agency, 2021)] == counts(this, last) != counts(this, None)
    assert listed[(seed.agency, 2020)] == counts(last, None)
    assert all(_current(db).values())  # kept: the next list runs no rule
    db.set_values(this_id, {"requests.1.commercial": Decimal(7)})
    assert _current(db) == {(seed.agency, 2020): True, (seed.agency, 2021): False}  # only itself
    assert _listed(db)[(seed.agency, 2021)] == counts(db.load_report(this_id), last)
    db.keep_counts({this_id: (41, 42)}, counts.version)
    assert _listed(db)[(seed.agency, 2021)] == (41, 42)  # storage keeps what it is handed


def test_a_change_to_last_years_report_counts_this_years_again(db: Database, seed: Report) -> None:
    last, this = _two_years(seed)
    this_id = db.create_report(this)
    before = _listed(db)[(seed.agency, 2021)]
    last_id = db.create_report(last)  # now there is a last year to check against
    assert _listed(db)[(seed.agency, 2021)] == counts(this, last) != before
    db.set_values(last_id, {LEFT_OVER: Decimal(5), "requests.3.1.natural_person": Decimal(-4)})
    assert _listed(db)[(seed.agency, 2021)] == counts(this, db.load_report(last_id))
    library = Library(db)
    library.rename(last_id, seed.agency, 2019)  # no longer last year's
    assert _listed(db)[(seed.agency, 2021)] == counts(this, None)
    library.rename(last_id, seed.agency, 2020)
    db.delete_report(last_id)
    assert _listed(db)[(seed.agency, 2021)] == counts(this, None)
    db.undelete_report(last_id)
    assert _listed(db)[(seed.agency, 2021)] == counts(this, db.load_report(last_id))
    assert db.load_report(this_id) == this


def test_a_status_change_keeps_the_counts_current(db: Database, seed: Report) -> None:
    report_id = db.create_report(seed)
    _listed(db)
    db.set_status(report_id, "final")
    assert _current(db) == {(seed.agency, 2021): True}
    assert _listed(db)[(seed.agency, 2021)] == counts(seed, None)


def test_the_counts_migration_backfills_every_report(
    db_path: Path, seed: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_counts = storage.MIGRATIONS.index(storage.COUNTS_MIGRATION)  # the version it upgrades from
    last, this = _two_years(seed)
    with Database.open(db_path) as db:
        for report in (this, last, Report.blank("温县教育局", 2021)):
            db.create_report(report)
    with sqlite3.connect(db_path) as conn:  # the file as the version before the counts left it
        back_to_schema(conn, before_counts)
    with Database.open(db_path) as db:
        assert not any(_current(db).values())
        assert _listed(db) == {
            (seed.agency, 2021): counts(this, last),
            (seed.agency, 2020): counts(last, None),
            ("温县教育局", 2021): counts(Report.blank("温县教育局", 2021), None),
        }
        assert all(_current(db).values())


def test_counts_made_by_other_rules_are_counted_again(db_path: Path, seed: Report) -> None:
    with Database.open(db_path) as db:
        db.create_report(seed)
    with sqlite3.connect(db_path) as conn:  # as an older version with other rules left them
        conn.execute("UPDATE reports SET errors = 99, warnings = 98, counted_by = '0.0.1/1'")
    with Database.open(db_path) as db:
        assert _current(db) == {(seed.agency, 2021): False}
        assert _listed(db)[(seed.agency, 2021)] == counts(seed, None) != (99, 98)
    with Database.open(db_path) as db:  # counted by these rules and kept
        assert _current(db) == {(seed.agency, 2021): True}


def test_a_dismissed_warning_leaves_the_kept_counts(db: Database, seed: Report) -> None:
    seed.values["requests.1.commercial"] = None  # a blank: one BLANK warning more
    report_id = db.create_report(seed)
    errors, warnings = _listed(db)[(seed.agency, 2021)]
    blank = next(f for f in check(seed) if f.rule == "BLANK" and f.cells == ("requests.1.commercial",))
    db.dismiss(report_id, blank.key, "本单位不涉及", "张三")
    assert _listed(db)[(seed.agency, 2021)] == (errors, warnings - 1)
    db.undismiss(report_id, blank.key)
    assert _listed(db)[(seed.agency, 2021)] == (errors, warnings)


def test_storage_knows_no_rules_and_no_status_names() -> None:
    sources = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "core" / "storage").glob("*.py"))]
    source = "\n".join(sources)
    imported = {
        node.module
        for text in sources
        for node in ast.walk(ast.parse(text))  # anywhere: storage runs no rule, not even on demand
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported.isdisjoint({"core.rules.table", "core.rules.summary"})
    assert STATUS_NAMES["draft"] not in source  # (定稿 appears in messages: a word, not a status name)
    assert not hasattr(storage, "STATUS_NAMES")
