"""Fees to the 分 (6 decimals of 万元, e.g. 24252.311082) stand everywhere: rules, file, database, print."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from core.documents.exchange import dumps, loads, read_report, write_report
from core.documents.pdf.render import render_pdf
from core.model.report import Report
from core.rules.table import check
from core.storage import Database
from tests.test_pdf import read_pdf

FEE = "active_disclosure.fees.amount"
TO_THE_FEN = Decimal("24252.311082")


def test_a_published_fee_to_the_fen_is_no_error_and_survives_file_and_database(
    seed: Report, db: Database, tmp_path: Path
) -> None:
    seed.values[FEE] = TO_THE_FEN
    assert [f for f in check(seed) if f.rule == "VALUE.RANGE"] == []
    write_report(seed, tmp_path / "r.json")
    assert '"amount": "24252.311082"' in (tmp_path / "r.json").read_text(encoding="utf-8")
    from_file = read_report(tmp_path / "r.json")
    report_id = db.create_report(from_file)
    assert str(db.load_report(report_id).values[FEE]) == "24252.311082"
    assert [s.errors for s in db.list_reports()] == [0]


def test_a_fee_written_as_a_json_number_to_the_fen_is_read_exactly(seed: Report) -> None:
    text = dumps(seed).replace('"amount": "0"', '"amount": 0.000001')
    assert loads(text).values[FEE] == Decimal("0.000001")


def test_the_printed_page_shows_the_fee_as_typed(seed: Report) -> None:
    seed.values[FEE] = TO_THE_FEN
    pages = read_pdf(render_pdf(seed))
    printed = [[c or "" for c in row] for page in pages for t in page.tables for row in t]
    assert ["行政事业性收费", "24252.311082"] in printed
