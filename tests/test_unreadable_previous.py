"""A last year's report this version cannot read (a format it does not know) never blocks next year's:
no checks across years for it, its own counts stay unset, and the other reports are counted as usual."""

from __future__ import annotations

import copy
import sqlite3
from decimal import Decimal
from pathlib import Path

from pytestqt.qtbot import QtBot

from core.model.report import Report
from core.ops.library import Library
from core.rules.summary import counts
from core.storage import Database
from ui.document import ReportDocument

CARRIED = "requests.2.natural_person"  # this year's 上年结转, checked against last year's row 4


def _unreadable_last_year(path: Path, seed: Report) -> tuple[int, int]:
    """(last year's id, this year's id); last year's stored in a format "2099"."""
    last = copy.deepcopy(seed)
    last.year = 2020
    this = copy.deepcopy(seed)
    this.values[CARRIED] = Decimal(5)  # differs from last year's row 4: a year check would find it
    with Database.open(path) as db:
        ids = db.create_report(last), db.create_report(this)
    conn = sqlite3.connect(path)
    try:
        unknown = "UPDATE reports SET format = '2099', errors = NULL, warnings = NULL WHERE id = ?"
        conn.execute(unknown, ids[:1])
        conn.execute("UPDATE reports SET counted_by = NULL")  # as after the counts migration: count all
        conn.commit()
    finally:
        conn.close()
    return ids


def _kept_counts(path: Path) -> dict[int, tuple[int | None, int | None]]:
    conn = sqlite3.connect(path)
    try:
        return {rid: (e, w) for rid, e, w in conn.execute("SELECT id, errors, warnings FROM reports")}
    finally:
        conn.close()


def test_next_years_report_is_counted_and_edited_without_last_years(db_path: Path, seed: Report) -> None:
    last_id, this_id = _unreadable_last_year(db_path, seed)
    with Database.open(db_path) as db:  # the library's recount skips the unreadable one, not all
        library = Library(db)
        listed = {s.id: s for s in library.reports()}
        this = db.load_report(this_id)
        kept = _kept_counts(db_path)
        assert kept[last_id] == (None, None) and kept[this_id] == counts(this, None, frozenset())
        db.set_values(this_id, {"requests.1.natural_person": Decimal(23)})
        this = db.load_report(this_id)
        assert this.values["requests.1.natural_person"] == 23
        listed = {s.id: s for s in library.reports()}
        assert _kept_counts(db_path)[this_id] == counts(this, None, frozenset())
        assert set(listed) == {last_id, this_id}
        assert (listed[this_id].errors, listed[this_id].warnings) == counts(this, None, frozenset())
        assert db.previous_report(this_id) is None


def test_a_readable_last_years_report_is_the_previous(db: Database, seed: Report) -> None:
    last = copy.deepcopy(seed)
    last.year = 2020
    last_id, this_id = db.create_report(last), db.create_report(seed)
    assert db.previous_report(this_id) == db.load_report(last_id) and db.previous_report(last_id) is None


def test_the_document_of_next_years_report_opens_without_year_checks(
    qtbot: QtBot, db_path: Path, seed: Report
) -> None:
    _, this_id = _unreadable_last_year(db_path, seed)
    with Database.open(db_path) as db:
        document = ReportDocument(db, this_id)
        assert document.previous is None and not any(f.rule.startswith("YEAR.") for f in document.findings)
        document.deleteLater()
