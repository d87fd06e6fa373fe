"""A new report is stored in one pass (issue 22, `db import` of 10,000 files): each row written once with
its values, the packed values made from the values in hand, the first revision's changes straight from
the report. What is stored, kept and recorded is what an edit of a blank report would have written:
read back from the file with plain SQL, not through the code under test."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import UserError
from core.format import get_format
from core.model.report import Report, Signature
from core.model.vocabulary import RevisionKind
from core.storage import Database
from tests.helpers import distinct_report

MONEY = next(a for a, c in get_format("2021").cells.items() if c.kind == "money" and not c.derived)


def _unusual(agency: str, year: int, base: int) -> Report:
    """Distinct numbers, a money value with trailing zeros, an exponent, a blank cell, an empty text
    and a signature without a date."""
    made = distinct_report(agency.strip(), year, base=base)
    inputs = made.spec.input_addresses
    values = made.values | {inputs[3]: None, MONEY: Decimal("7730.2800"), inputs[5]: Decimal("1.5E+3")}
    return Report(
        agency=agency,
        year=year,
        values=values,
        texts=made.texts | {"problems": ""},
        signature=Signature(name=f"{agency.strip()}办公室", date=None),
    )


def _rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _expected_changes(report: Report, agency: str) -> list[tuple[str, str | None, str | None]]:
    """Every field of the report that is not blank, old value blank, in the order of history."""
    out: list[tuple[str, str | None, str | None]] = [
        ("agency", None, agency),
        ("year", None, str(report.year)),
    ]
    out += [(f"text.{k}", "", t) for k, t in report.texts.items() if t]
    out += [(a, None, str(v)) for a, v in report.values.items() if v is not None]
    sig = report.signature
    out += [("signature.name", None, sig.name)] if sig.name is not None else []
    out += [("signature.date", None, sig.date.isoformat())] if sig.date is not None else []
    return out


@pytest.mark.parametrize("how", ["create", "import in a batch"])
def test_a_new_report_is_stored_as_an_edit_of_a_blank_one_would_have_stored_it(
    db_path: Path, how: str
) -> None:
    first, second = _unusual("  甲局 ", 2021, 11), _unusual("甲局", 2022, 401)
    with Database.open(db_path) as db:
        db.clock = lambda: dt.datetime(2022, 3, 1, 8, 30, tzinfo=dt.UTC)
        if how == "create":
            ids = [db.create_report(first), db.create_report(second)]
        else:
            with db.batch():
                ids = [db.import_report(r, note=f"文件{n}")[0] for n, r in enumerate((first, second))]
        for report_id, report in zip(ids, (first, second), strict=True):
            stored = db.load_report(report_id)
            assert (stored.agency, stored.year, stored.values, stored.texts) == (
                "甲局",
                report.year,
                report.values,
                report.texts,
            )
            assert stored.signature == report.signature
            (revision,) = db.history(report_id)
            assert revision.kind == (RevisionKind.CREATE if how == "create" else RevisionKind.IMPORT)
            assert db.report_at(report_id, revision.id) == db.load_report(report_id)
    now = "2022-03-01T08:30:00.000000+00:00"
    assert _rows(db_path, "SELECT count(*), min(name), max(name) FROM agencies") == [(1, "甲局", "甲局")]
    for report_id, report in zip(ids, (first, second), strict=True):
        changes = _rows(
            db_path,
            "SELECT c.field, c.old, c.new FROM changes c JOIN revisions v ON v.id = c.revision_id "
            "WHERE v.report_id = ? ORDER BY c.seq",
            report_id,
        )
        assert changes == _expected_changes(report, "甲局")
        cells = dict(_rows(db_path, "SELECT address, value FROM cells WHERE report_id = ?", report_id))
        assert cells == {a: str(v) for a, v in report.values.items() if v is not None}
        assert cells[MONEY] == "7730.2800" and None not in cells.values()
        texts = dict(_rows(db_path, "SELECT key, text FROM texts WHERE report_id = ?", report_id))
        assert texts == {k: t for k, t in report.texts.items() if t}
        assert _rows(db_path, "SELECT name, date FROM signatures WHERE report_id = ?", report_id) == [
            ("甲局办公室", None)
        ]
        expected_packed = ",".join("null" if v is None else str(v) for v in report.values.values())
        row = _rows(
            db_path,
            "SELECT r.year, r.status, r.created_at, r.updated_at, r.counted_by, r.packed, v.at "
            "FROM reports r JOIN revisions v ON v.report_id = r.id WHERE r.id = ?",
            report_id,
        )
        assert row == [(report.year, "draft", now, now, None, f"[{expected_packed}]", now)]


def test_a_cell_holding_text_that_is_no_number_is_packed_as_text_not_read_as_blank(db_path: Path) -> None:
    """The packed row's fast path (one match over all values) must not take "null", a comma or an empty
    text for numbers: such a cell (only a damaged file holds one) still refuses the sum."""
    with Database.open(db_path) as db:
        report_id = db.create_report(distinct_report("乙局", 2021, base=7))
    spec = get_format("2021")
    first, other = spec.input_addresses[0], spec.input_addresses[1]
    for junk in ("null", "1,2", ""):
        conn = sqlite3.connect(db_path)
        with conn:
            conn.execute(
                "UPDATE cells SET value = ? WHERE report_id = ? AND address = ?", (junk, report_id, first)
            )
        conn.close()
        with Database.open(db_path) as db:
            db.set_values(report_id, {other: Decimal(len(junk) + 900)})  # packs anew from the cells
            with pytest.raises(UserError, match="不是数字"):
                db.packed_values([report_id])


def test_a_clash_found_in_a_batch_stores_nothing_of_that_report(db_path: Path) -> None:
    with Database.open(db_path) as db:
        db.create_report(distinct_report("丙局", 2021, base=3))
        with db.batch():
            with pytest.raises(UserError, match="不能重复建立"):
                db.create_report(distinct_report("丙局", 2021, base=90))
            db.create_report(distinct_report("丁局", 2021, base=60))
    assert _rows(db_path, "SELECT count(*) FROM reports") == [(2,)]
    assert _rows(db_path, "SELECT count(*) FROM revisions") == [(2,)]
    assert _rows(db_path, "SELECT count(DISTINCT report_id) FROM cells") == [(2,)]
