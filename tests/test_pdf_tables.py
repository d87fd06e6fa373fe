"""Tables B and C as printed with large counts and where they break: a number stays whole in its cell,
and a result group of table B (（四）1–3 …) is not split across pages when it fits on the next one."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pdfplumber
import pytest

from core.documents.exchange import read_report
from core.documents.pdf import layout
from core.documents.pdf.render import render_pdf
from core.model.report import Report
from core.rules.table import resolved_values, shown_value
from tests.conftest import SEED_JSON
from tests.test_pdf import read_pdf


def with_counts(digits: int) -> Report:
    """The seed with a distinct `digits`-digit count in every input cell of tables B and C, and
    their totals left to be computed (so those are wider still)."""
    report = read_report(SEED_JSON)
    spec = report.spec
    n = 0
    for address, info in spec.cells.items():
        if info.table.key not in ("requests", "review_litigation"):
            continue
        if info.derived:
            report.values[address] = None
        else:
            n += 1
            report.values[address] = Decimal(10 ** (digits - 1) + n * 7919 % (9 * 10 ** (digits - 1)))
    return report


def words(data: bytes) -> list[list[dict[str, Any]]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_words(x_tolerance=1, y_tolerance=1) for page in pdf.pages]


@pytest.mark.parametrize("digits", [5, 6])
def test_a_count_never_breaks_inside_its_cell(digits: int) -> None:
    report = with_counts(digits)
    data = render_pdf(report)
    printed = [w for page in words(data) for w in page]
    values = resolved_values(report)
    shown = {
        address: shown_value(report, values, address)
        for address, info in report.spec.cells.items()
        if info.table.key in ("requests", "review_litigation")
    }
    assert max(len(text) for text in shown.values()) > digits  # some totals are wider still
    texts = [w["text"] for w in printed]
    for address, text in shown.items():
        assert text in texts, (address, text)  # whole, on one line: 123456, never 123 over 456
    numbers = [w for w in printed if re.fullmatch(r"\d{5,}", w["text"])]
    assert numbers and all(w["bottom"] - w["top"] <= layout.TABLE_SIZE + 0.5 for w in numbers)
    smaller = [w for w in numbers if w["bottom"] - w["top"] < layout.TABLE_SIZE - 0.5]
    assert smaller if digits == 6 else True  # B's columns take five digits at 5号, not six


def test_a_number_shrunk_to_fit_stays_inside_its_cell_rules() -> None:
    data = render_pdf(with_counts(6))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for table in page.find_tables():
                for row in table.rows:
                    for cell in row.cells:
                        if cell is None:
                            continue
                        x0, top, x1, bottom = cell
                        inside = [
                            c
                            for c in page.chars
                            if x0 - 1 < (c["x0"] + c["x1"]) / 2 < x1 + 1 and top < c["top"] < bottom
                        ]
                        digits = [c for c in inside if c["text"].isdigit()]
                        assert all(x0 <= c["x0"] and c["x1"] <= x1 for c in digits), cell


@pytest.mark.parametrize("extra_lines", [0, 3, 6, 9, 12, 15, 18])
def test_a_result_group_of_table_b_is_not_split_across_pages(extra_lines: int) -> None:
    """Shift table B down line by line: a group under one label ((四)无法提供 and its 1–3) is on one
    page; only 三、本年度办理结果, taller than a page, is broken (and its label printed again)."""
    report = read_report(SEED_JSON)
    report.texts["overview"] += "\n" + "补充说明" * 7 * extra_lines  # 28 characters a line
    table = report.spec.table("requests")
    groups = [p.cell.text for p in table.placed if p.cell.role == "label" and p.cell.rowspan > 1]
    assert "（四）无法提供" in groups and len(groups) == 5
    pages = read_pdf(render_pdf(report))
    on_pages = {
        label: {page.number for page in pages for t in page.tables for row in t if label in row}
        for label in groups
    }
    split = [label for label, numbers in on_pages.items() if len(numbers) > 1]
    assert all(on_pages.values())
    assert split == [groups[0]] and groups[0].startswith("三、"), on_pages
