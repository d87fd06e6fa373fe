"""The 汇总 lists the reports it includes: three reports with distinct numbers (one 定稿, one with an
error) added up, a fourth agency left out and a fifth missing; the sum exported as PDF, Word, Excel and
web page, each read back (pdfplumber, python-docx, openpyxl, lxml): the list names exactly the reports
added up with their status, 校验码 and errors, on a page or sheet of its own, and the report before
it is the very report exported without the list. The Word file is also laid out by LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable

import docx
import lxml.html
import openpyxl
import pdfplumber
import pytest
from docx.oxml.ns import qn
from lxml import etree

from core import desk
from core.desk import included as desk_sum
from core.desk.marks import SUM_MARK
from core.documents.fingerprint import fingerprint
from core.documents.pdf import layout
from core.documents.pdf.render import render_pdf
from core.documents.write import render
from core.model.report import Report
from core.rules.table import resolved_values
from tests import test_export
from tests.helpers import distinct_report

MM = 72 / 25.4
NAMES = ("温县财政局", "温县人民政府办公室（温县政务服务和大数据管理局）", "温县教育局")
LEFT_OUT = "温县卫生健康委员会"
CELL = "requests.3.2.other"
office = test_export.office  # LibreOffice with the bundled font, one profile for the module


@pytest.fixture(scope="module")
def case() -> tuple[Report, desk_sum.SumContents, list[desk.BoardRow]]:
    """The sum of the three, its list built from board rows (the fifth row has no report)."""
    reports = [distinct_report(n, 2022, base=1 + i * 300) for i, n in enumerate((*NAMES, LEFT_OUT))]
    reports[1].values[CELL] += 7  # type: ignore[operator]  # an error in the second report
    now = dt.datetime(2023, 1, 25, tzinfo=dt.UTC)
    rows = [
        desk.BoardRow.checked(r.agency, desk.Received(None, r, now, fingerprint(r) if i == 0 else None), None)
        for i, r in enumerate(reports)
    ]
    rows.append(desk.BoardRow("温县统计局", desk.MISSING))
    total = desk.add_up(reports[:3], "温县", 2022)
    return total, desk_sum.included([*rows[:3], rows[4]]), rows


def _expected(rows: list[desk.BoardRow]) -> list[list[str]]:
    out = [list(desk_sum.HEADERS)]
    for i, row in enumerate(rows[:3], start=1):
        assert row.received is not None
        out.append([str(i), row.agency, row.status, fingerprint(row.received.report), str(row.errors)])
    return out


def test_the_list_is_what_was_added_up(
    case: tuple[Report, desk_sum.SumContents, list[desk.BoardRow]],
) -> None:
    total, contents, rows = case
    assert [r.agency for r in contents.reports] == list(NAMES)  # the missing row is in no sum
    assert [r.status for r in contents.reports] == [desk.FINAL, desk.DRAFT, desk.DRAFT]
    assert contents.reports[1].errors == rows[1].errors > 0 and contents.reports[0].errors == 0
    assert [r.code for r in contents.reports] == [fingerprint(r.received.report) for r in rows[:3]]  # type: ignore[union-attr]
    assert len({r.code for r in contents.reports}) == 3
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", contents.reports[2].code)
    assert contents.heading == "附：本汇总包括的报告（共 3 份）"
    assert contents.rows() == [tuple(r) for r in _expected(rows)[1:]]
    reports = [r.received.report for r in rows[:3]]  # type: ignore[union-attr]
    assert total.values[CELL] == sum(r.values[CELL] for r in reports)  # type: ignore[misc]


def test_pdf_appendix_page(case: tuple[Report, desk_sum.SumContents, list[desk.BoardRow]]) -> None:
    total, contents, rows = case
    plain = pdfplumber.open(io.BytesIO(render_pdf(total)))
    pdf = pdfplumber.open(io.BytesIO(render_pdf(total, appendix=contents.appendix())))
    assert len(pdf.pages) == len(plain.pages) + 1
    for before, page in zip(plain.pages, pdf.pages, strict=False):  # the report itself is unchanged
        assert page.extract_text() == before.extract_text()
        assert [(c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in page.chars] == [
            (c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in before.chars
        ]
    values = resolved_values(total)
    assert str(values[CELL]) in "".join(p.extract_text() for p in pdf.pages[:-1])

    last = pdf.pages[-1]
    text = last.extract_text()
    assert text.splitlines()[0] == contents.heading
    assert LEFT_OUT not in "".join(p.extract_text() for p in pdf.pages)
    table = [[re.sub(r"\s", "", c or "") for c in row] for row in last.extract_table()]
    assert table == _expected(rows)
    # The page's geometry and faces are the report's: the heading at the block's top left in 黑体,
    # the table inside the block in the tables' 宋体, the page number where every page has it.
    heading = [c for c in last.chars if c["size"] == pytest.approx(layout.BODY_SIZE)]
    assert min(c["x0"] for c in heading) == pytest.approx(28 * MM, abs=0.5)
    assert 37 * MM <= min(c["top"] for c in heading) < 37 * MM + layout.LINE / 2  # on the first line
    faces = {c["fontname"] for c in last.chars}
    assert faces <= {c["fontname"] for p in plain.pages for c in p.chars}
    cells = [c for c in last.chars if c["size"] == pytest.approx(layout.TABLE_SIZE)]
    assert cells and all(c["x0"] >= 28 * MM - 1 and c["x1"] <= 184 * MM + 1 for c in cells)
    rules = [r for r in last.rects + last.lines if r["width"] > 100]
    assert rules and all(abs(r["x1"] - r["x0"] - 156 * MM) < 1 for r in rules if r["width"] > 400)
    assert f"— {len(pdf.pages)} —" in text


def test_word_appendix(case: tuple[Report, desk_sum.SumContents, list[desk.BoardRow]]) -> None:
    total, contents, rows = case
    plain_bytes, data = render(total, ".docx"), render(total, ".docx", appendix=contents.appendix())
    plain, document = docx.Document(io.BytesIO(plain_bytes)), docx.Document(io.BytesIO(data))
    before = list(plain.element.body)[:-1]  # the section properties end the body
    body = list(document.element.body)
    assert [etree.tostring(e) for e in body[: len(before)]] == [etree.tostring(e) for e in before]
    heading, table, end = body[len(before) : len(before) + 3]
    assert body[-1].tag == qn("w:sectPr") and len(body) == len(before) + 4
    assert heading.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None
    assert "".join(t.text for t in heading.iter(qn("w:t"))) == contents.heading
    assert table.tag == qn("w:tbl") and end.tag == qn("w:p")
    cells = [[c.text for c in row.cells] for row in document.tables[-1].rows]
    assert cells == _expected(rows)
    assert len(document.tables) == len(plain.tables) + 1


@test_export.needs_soffice
def test_word_appendix_laid_out_by_libreoffice(
    case: tuple[Report, desk_sum.SumContents, list[desk.BoardRow]], office: Callable[[bytes, str], bytes]
) -> None:
    total, contents, rows = case
    plain_bytes, data = render(total, ".docx"), render(total, ".docx", appendix=contents.appendix())
    pdf = pdfplumber.open(io.BytesIO(office(data, ".docx")))
    plain_pages = len(pdfplumber.open(io.BytesIO(office(plain_bytes, ".docx"))).pages)
    assert len(pdf.pages) == plain_pages + 1  # LibreOffice opens it, the list on a page of its own
    last = pdf.pages[-1]
    assert re.sub(r"\s", "", last.extract_text()).startswith(re.sub(r"\s", "", contents.heading))
    table = [[re.sub(r"\s", "", c or "") for c in row] for row in last.extract_table()]
    assert table == _expected(rows)  # every code on one line, the long name wrapped in its cell
    assert LEFT_OUT not in last.extract_text()


def test_excel_appendix_sheet(case: tuple[Report, desk_sum.SumContents, list[desk.BoardRow]]) -> None:
    total, contents, rows = case
    plain = openpyxl.load_workbook(io.BytesIO(render(total, ".xlsx")))
    book = openpyxl.load_workbook(io.BytesIO(render(total, ".xlsx", appendix=contents.appendix())))
    assert book.sheetnames == [*plain.sheetnames, desk_sum.SHEET_NAME]
    for name in plain.sheetnames:  # the report's sheets are the same, cell for cell
        assert [[c.value for c in row] for row in book[name].iter_rows()] == [
            [c.value for c in row] for row in plain[name].iter_rows()
        ]
        heights = {k: d.height for k, d in plain[name].row_dimensions.items()}
        assert {k: d.height for k, d in book[name].row_dimensions.items()} == heights
    sheet = book[desk_sum.SHEET_NAME]
    assert sheet.cell(1, 1).value == total.title and sheet.cell(2, 1).value == contents.heading
    listed = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    expected = _expected(rows)
    assert listed[0] == expected[0]
    assert listed[1:] == [[int(r[0]), r[1], r[2], r[3], int(r[4])] for r in expected[1:]]  # counts as numbers
    assert sheet.print_title_rows == "$3:$3" and sheet.page_setup.paperSize == 9


def test_web_page_appendix(case: tuple[Report, desk_sum.SumContents, list[desk.BoardRow]]) -> None:
    total, contents, rows = case
    plain = render(total, ".html").decode("utf-8")
    page = render(total, ".html", appendix=contents.appendix()).decode("utf-8")
    mark = f'<meta name="keywords" content="{SUM_MARK}">\n'
    assert mark in page  # the 汇总's mark, so that a desk never counts the page as a department
    page = page.replace(mark, "")
    report_part = plain[: plain.index("</body>")]
    assert page.startswith(report_part)  # the report as it was, the list after its signature
    tree = lxml.html.fromstring(page)
    assert len(tree.findall(".//table")) == len(lxml.html.fromstring(plain).findall(".//table")) + 1
    assert tree.findall(".//h2")[-1].text_content() == contents.heading
    table = tree.findall(".//table")[-1]
    assert [[c.text_content() for c in tr] for tr in table.findall(".//tr")] == _expected(rows)
    assert LEFT_OUT not in page


def test_a_long_list_goes_on_with_its_header_repeated(
    case: tuple[Report, desk_sum.SumContents, list[desk.BoardRow]],
) -> None:
    total = case[0]
    names = [f"温县第{i:02d}局" for i in range(60)]
    contents = desk_sum.SumContents(
        tuple(
            desk_sum.IncludedReport(n, desk.DRAFT, f"ABCD-EFGH-{i:04d}", i % 3) for i, n in enumerate(names)
        )
    )
    plain = len(pdfplumber.open(io.BytesIO(render_pdf(total))).pages)
    pdf = pdfplumber.open(io.BytesIO(render_pdf(total, appendix=contents.appendix())))
    pages = pdf.pages[plain:]
    assert len(pages) == 2
    tables = [[[re.sub(r"\s", "", c or "") for c in row] for row in p.extract_table()] for p in pages]
    assert all(t[0] == list(desk_sum.HEADERS) for t in tables)
    listed = [row for t in tables for row in t[1:]]
    assert listed == [
        [str(i + 1), n, desk.DRAFT, f"ABCD-EFGH-{i:04d}", str(i % 3)] for i, n in enumerate(names)
    ]
    assert pages[0].extract_text().startswith("附：本汇总包括的报告（共 60 份）")
