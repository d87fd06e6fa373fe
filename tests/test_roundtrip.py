"""What the app writes reads back through the importer to the same report: the web page, the Word file
and the printed PDF of a report with a distinct number in every cell (totals computed), cell for cell,
with nothing flagged — so a report published from the app can be imported next year as it is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from core.documents.pdf.render import write_pdf
from core.documents.read import read_file
from core.documents.write import export
from core.model.report import Report, Signature
from core.rules.table import resolved_values
from tests.test_export import distinct


def _written(report: Report, path: Path) -> Path:
    if path.suffix == ".pdf":
        write_pdf(report, path)
    else:
        export(report, path)
    return path


@pytest.mark.parametrize("suffix", [".html", ".docx", ".pdf"])
def test_a_written_report_imports_to_the_same_cells_with_nothing_flagged(
    seed: Report, tmp_path: Path, suffix: str
) -> None:
    report = distinct(seed)
    report.values["active_disclosure.fees.amount"] = Decimal("24252.311082")  # to the 分
    imported = read_file(_written(report, tmp_path / f"报告{suffix}"))
    assert (imported.doubtful, imported.unread) == ([], [])
    expected = resolved_values(report)  # totals as printed: computed from their parts
    assert {a: imported.report.values[a] for a in expected} == expected
    assert (imported.report.agency, imported.report.year) == (report.agency, report.year)
    assert imported.report.signature == report.signature  # undated: 「年 月 日」 left for the pen
    assert imported.report.texts == report.texts


def test_a_dated_signature_reads_back_as_signature_not_text(seed: Report, tmp_path: Path) -> None:
    report = distinct(seed)
    report.signature = Signature(name="温县人民政府办公室", date=dt.date(2022, 1, 20))
    for suffix in (".html", ".docx", ".pdf"):
        imported = read_file(_written(report, tmp_path / f"报告{suffix}"))
        assert (imported.report.signature, imported.report.texts) == (report.signature, report.texts), suffix
