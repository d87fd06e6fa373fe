"""Each report's error/warning counts are kept with it: counted on save (its own and next year's, which
is checked against it), backfilled by the migration, and read by the list without running a rule."""

from __future__ import annotations

import ast
import sqlite3
from decimal import Decimal
from pathlib import Path

from core import storage
from core.report import Report
from core.rules import check
from core.storage import Database
from core.summary import STATUS_NAMES, counts
from tests.conftest import ROOT
from tests.helpers import as_schema

CARRIED = "requests.2.natural_person"  # this year's 上年结转, checked against last year's row 4
LEFT_OVER = "requests.4.natural_person"


class Counting:
    """`core.summary.counts`, with a tally of the reports it was asked to count."""

    version = counts.version

    def __init__(self) -> None:
        self.asked: list[tuple[str, int]] = []

    def __call__(self, report: Report, previous: Report | None, dismissed: frozenset[str]) -> tuple[int, int]:
        self.asked.append((report.agency, report.year))
        return counts(report, previous, dismissed)


def _listed(db: Database) -> dict[tuple[str, int], tuple[int, int]]:
    return {(s.agency, s.year): (s.errors, s.warnings) for s in db.list_reports()}


def _two_years(seed: Report) -> tuple[Report, Report]:
    last = seed.model_copy(deep=True)
    last.year = 2020
    this = seed.model_copy(deep=True)
    this.values[CARRIED] = Decimal(5)  # last year left 0 over: YEAR.CARRY_OVER (and the balance breaks)
    return last, this


def test_the_list_reads_kept_counts_and_runs_no_rule(db_path: Path, seed: Report) -> None:
    counter = Counting()
    with Database.open(db_path, counter=counter) as db:
        last, this = _two_years(seed)
        db.create_report(last)
        this_id = db.create_report(this)
        counter.asked.clear()
        listed = _listed(db)
        assert counter.asked == []
        assert listed[(seed.agency, 2021)] == counts(this, last) != counts(this, None)
        assert listed[(seed.agency, 2020)] == counts(last, None)
        db.set_values(this_id, {"requests.1.commercial": Decimal(7)})
        assert counter.asked == [(seed.agency, 2021)]  # no later year: only itself
        assert _listed(db)[(seed.agency, 2021)] == counts(db.load_report(this_id), last)


def test_a_change_to_last_years_report_counts_this_years_again(db: Database, seed: Report) -> None:
    last, this = _two_years(seed)
    this_id = db.create_report(this)
    before = _listed(db)[(seed.agency, 2021)]
    last_id = db.create_report(last)  # now there is a last year to check against
    assert _listed(db)[(seed.agency, 2021)] == counts(this, last) != before
    db.set_values(last_id, {LEFT_OVER: Decimal(5), "requests.3.1.natural_person": Decimal(-4)})
    assert _listed(db)[(seed.agency, 2021)] == counts(this, db.load_report(last_id))
    db.rename_report(last_id, seed.agency, 2019)  # no longer last year's
    assert _listed(db)[(seed.agency, 2021)] == counts(this, None)
    db.rename_report(last_id, seed.agency, 2020)
    db.delete_report(last_id)
    assert _listed(db)[(seed.agency, 2021)] == counts(this, None)
    db.undelete_report(last_id)
    assert _listed(db)[(seed.agency, 2021)] == counts(this, db.load_report(last_id))
    assert db.load_report(this_id) == this


def test_a_status_change_keeps_the_counts_without_counting(db_path: Path, seed: Report) -> None:
    counter = Counting()
    with Database.open(db_path, counter=counter) as db:
        report_id = db.create_report(seed)
        counter.asked.clear()
        db.set_status(report_id, "final")
        assert counter.asked == [] and _listed(db)[(seed.agency, 2021)] == counts(seed, None)


def test_the_counts_migration_backfills_every_report(db_path: Path, seed: Report) -> None:
    before_counts = storage.MIGRATIONS.index(storage.COUNTS_MIGRATION)  # the version it upgrades from
    last, this = _two_years(seed)
    with Database.open(db_path) as db:
        for report in (this, last, Report.blank("温县教育局", 2021)):
            db.create_report(report)
    as_schema(db_path, before_counts)  # the file as the version before the counts left it
    counter = Counting()
    with Database.open(db_path, counter=counter) as db:
        assert sorted(counter.asked) == [(seed.agency, 2020), (seed.agency, 2021), ("温县教育局", 2021)]
        counter.asked.clear()
        assert _listed(db) == {
            (seed.agency, 2021): counts(this, last),
            (seed.agency, 2020): counts(last, None),
            ("温县教育局", 2021): counts(Report.blank("温县教育局", 2021), None),
        }
        assert counter.asked == []


def test_counts_made_by_other_rules_are_counted_again_on_open(db_path: Path, seed: Report) -> None:
    with Database.open(db_path) as db:
        db.create_report(seed)
    with sqlite3.connect(db_path) as conn:  # as an older version with other rules left them
        conn.execute("UPDATE reports SET errors = 99, warnings = 98, counted_by = '0.0.1/1'")
    counter = Counting()
    with Database.open(db_path, counter=counter) as db:
        assert counter.asked == [(seed.agency, 2021)]
        assert _listed(db)[(seed.agency, 2021)] == counts(seed, None) != (99, 98)
    with Database.open(db_path, counter=counter) as db:  # counted by these rules: nothing to do
        assert counter.asked == [(seed.agency, 2021)]


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
        for node in ast.parse(text).body  # module level: the default counter is imported on use
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported.isdisjoint({"core.rules", "core.summary"})
    assert STATUS_NAMES["draft"] not in source  # (定稿 appears in messages: a word, not a status name)
    assert not hasattr(storage, "STATUS_NAMES")
