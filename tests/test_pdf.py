"""The printed report read back from the PDF: page, fonts, text block, page numbers, tables, signature.

The helpers here (`read_pdf`, `Page`) are shared by the other test_pdf_* modules.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import pdfplumber
import pypdf
import pytest

from core.documents.exchange import read_report
from core.documents.pdf import layout
from core.documents.pdf.render import render_pdf
from core.format.definition import Table, validated
from core.model.report import Report
from core.rules.table import fmt, resolved_values
from tests.conftest import SEED_JSON

H = layout.PAGE_HEIGHT
BLOCK_X0, BLOCK_X1 = layout.BLOCK_LEFT, layout.BLOCK_RIGHT
BLOCK_TOP, BLOCK_BOTTOM = H - layout.BLOCK_TOP, H - layout.BLOCK_BOTTOM  # pdfplumber measures from the top
MM = 72 / 25.4
TOL = 0.05  # pt


@dataclass
class Page:
    number: int
    body: list[dict[str, Any]] = field(default_factory=list)  # characters of the text block
    footer: list[dict[str, Any]] = field(default_factory=list)  # characters below it
    watermark: list[dict[str, Any]] = field(default_factory=list)  # the 草稿 outlines
    tables: list[list[list[str | None]]] = field(default_factory=list)
    rects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def lines(self) -> list[list[dict[str, Any]]]:
        """Body characters grouped by baseline, top to bottom, each line left to right."""
        rows: dict[float, list[dict[str, Any]]] = defaultdict(list)
        for c in self.body:
            rows[round(c["bottom"], 1)].append(c)
        return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]

    @property
    def line_texts(self) -> list[str]:
        return ["".join(c["text"] for c in line) for line in self.lines]

    @property
    def footer_text(self) -> str:
        return "".join(c["text"] for c in sorted(self.footer, key=lambda c: c["x0"]))


def is_watermark(obj: dict[str, Any]) -> bool:
    """A filled outline in the watermark's grey (the watermark is drawn, not set as text)."""
    grey = layout.WATERMARK_GREY
    colour = obj.get("non_stroking_color")
    return obj.get("object_type") == "curve" and obj["fill"] and colour in (grey, (grey,), [grey])


def read_pdf(data: bytes) -> list[Page]:
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for p in pdf.pages:
            page = Page(p.page_number)
            for c in p.chars:
                if c["top"] >= BLOCK_BOTTOM - TOL:
                    page.footer.append(c)
                else:
                    page.body.append(c)
            for table in p.filter(lambda o: not is_watermark(o)).extract_tables():
                page.tables.append(
                    [[None if cell is None else cell.replace("\n", "") for cell in row] for row in table]
                )
            page.rects = list(p.rects)
            page.watermark = [c for c in p.curves if is_watermark(c)]
            pages.append(page)
    return pages


def all_text(pages: list[Page]) -> str:
    """Every body character in reading order, with no whitespace."""
    return "".join(re.sub(r"\s", "", "".join(p.line_texts)) for p in pages)


@pytest.fixture(scope="module")
def seed_report() -> Report:
    return read_report(SEED_JSON)


@pytest.fixture(scope="module")
def seed_pdf(seed_report: Report) -> bytes:
    return render_pdf(seed_report)


@pytest.fixture(scope="module")
def seed_pages(seed_pdf: bytes) -> list[Page]:
    return read_pdf(seed_pdf)


# ---------------------------------------------------------------- page and fonts


def _fonts(resources: Any, seen: set[int]) -> list[Any]:
    """Every font dictionary reachable from a resource dictionary (form XObjects included)."""
    found = []
    if resources is None:
        return found
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        obj = xobject.get_object()
        if id(obj) not in seen and obj.get("/Subtype") == "/Form":
            seen.add(id(obj))
            found += _fonts(obj.get("/Resources"), seen)
    return found


def test_every_page_is_a4_and_every_font_is_an_embedded_truetype_subset(seed_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(seed_pdf))
    fonts = []
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(595.28, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(841.89, abs=0.01)
        fonts += _fonts(page.get("/Resources"), set())
    assert fonts
    for font in fonts:
        assert font["/Subtype"] == "/TrueType", font
        assert re.fullmatch(r"/[A-Z]{6}\+.+", str(font["/BaseFont"])), font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
    assert b"Helvetica" not in seed_pdf  # not even an unused reference to a standard font


def test_every_character_lies_inside_the_text_block(seed_pages: list[Page]) -> None:
    for page in seed_pages:
        for c in page.body:
            assert c["x0"] >= BLOCK_X0 - TOL and c["x1"] <= BLOCK_X1 + TOL, (page.number, c["text"], c["x1"])
            assert c["top"] >= BLOCK_TOP - TOL and c["bottom"] <= BLOCK_BOTTOM + TOL, (page.number, c["text"])
        # Below the block there is the page number and nothing else.
        assert page.footer_text == f"— {page.number} —"


def test_page_numbers_are_14pt_7mm_below_the_block_right_on_odd_pages_left_on_even(
    seed_pages: list[Page],
) -> None:
    assert len(seed_pages) >= 2
    for page in seed_pages:
        chars = sorted(page.footer, key=lambda c: c["x0"])
        assert {round(c["size"], 2) for c in chars} == {14.0}
        middle = (chars[0]["top"] + chars[0]["bottom"]) / 2  # the 一字线's em box
        assert middle - BLOCK_BOTTOM == pytest.approx(7 * MM, abs=0.1)
        if page.number % 2:
            assert chars[-1]["x1"] == pytest.approx(BLOCK_X1 - 14, abs=0.1)
        else:
            assert chars[0]["x0"] == pytest.approx(BLOCK_X0 + 14, abs=0.1)


def test_body_is_16pt_on_a_grid_of_22_lines_of_28_characters() -> None:
    report = Report.blank("某县人民政府办公室", 2021)
    report.texts["overview"] = "政务公开" * 600  # one long paragraph of full-width characters
    pages = read_pdf(render_pdf(report))
    page = pages[1]  # wholly narrative
    lines = page.lines
    assert len(lines) == 22
    assert {round(c["size"], 2) for c in page.body} == {16.0}
    assert [len(line) for line in lines] == [28] * 22
    pitches = {round(b[0]["top"] - a[0]["top"], 2) for a, b in itertools.pairwise(lines)}
    assert pitches == {round(layout.BLOCK_HEIGHT / 22, 2)}
    for line in lines:  # justified to both edges of the block
        assert line[0]["x0"] == pytest.approx(BLOCK_X0, abs=TOL)
        assert line[-1]["x1"] == pytest.approx(BLOCK_X1, abs=TOL)


# ---------------------------------------------------------------- content


def test_title_headings_and_every_narrative_character_print_in_order(
    seed_report: Report, seed_pages: list[Page]
) -> None:
    first = seed_pages[0].line_texts
    assert first[0] + first[1] == seed_report.title  # 2号 title, broken after the agency name
    assert {round(c["size"], 2) for c in seed_pages[0].lines[0]} == {22.0}
    text = all_text(seed_pages)
    headings = [s.full_heading for s in seed_report.spec.sections]
    positions = [text.find(h) for h in headings]
    assert -1 not in positions and positions == sorted(positions)
    for key, body in seed_report.texts.items():
        for paragraph in body.split("\n"):
            assert re.sub(r"\s", "", paragraph) in text, (key, paragraph[:20])


def _row(cells: list[str | None]) -> list[str]:
    return [c for c in cells if c is not None]


def _expected_rows(report: Report, table: Table) -> tuple[list[list[str]], list[tuple[str, list[str]]]]:
    """Header lines as printed, and per value line (its own label, its values in order)."""
    values = resolved_values(report)
    by_line: dict[int, list[Any]] = defaultdict(list)
    for p in table.placed:
        by_line[p.row].append(p.cell)
    headers, rows = [], []
    for line in sorted(by_line):
        cells = by_line[line]
        if all(c.role in ("header", "corner") for c in cells):
            headers.append([c.text for c in cells])
            continue
        labels = [c.text for c in cells if c.role == "label"]
        shown = []
        for c in cells:
            if c.address:
                v = report.values[c.address]
                derived = report.spec.cells[c.address].derived
                shown.append(
                    fmt(values[c.address]) if v is None and derived else ("" if v is None else fmt(v))
                )
        rows.append((labels[-1] if labels else "", shown))
    return headers, rows


def check_tables(report: Report, pages: list[Page]) -> None:
    """Every header line, label and number of tables A, B, C, in its row, in the format's order."""
    printed = [_row(r) for p in pages for t in p.tables for r in t]
    cursor = 0
    for table in report.spec.tables:
        headers, rows = _expected_rows(report, table)
        for header in headers:
            assert header in printed[cursor:], (table.key, header)
        for label, shown in rows:
            matches = [
                i
                for i in range(cursor, len(printed))
                if printed[i][len(printed[i]) - len(shown) :] == shown
                and (not label or label in printed[i][: len(printed[i]) - len(shown)][-1:])
            ]
            assert matches, (table.key, label, shown)
            cursor = matches[0] + 1


def test_tables_print_every_label_and_number_in_its_row_and_order(
    seed_report: Report, seed_pages: list[Page]
) -> None:
    check_tables(seed_report, seed_pages)
    # Spot checks against the published report, so the helper itself cannot be fooled.
    printed = [_row(r) for p in seed_pages for t in p.tables for r in t]
    assert ["行政规范性文件", "2", "0", "36"] in printed
    assert ["一、本年新收政府信息公开申请数量", "22", "0", "0", "1", "0", "0", "23"] in printed
    assert printed[-1][5:10] == ["2", "0", "0", "1", "3"]
    corner = seed_report.spec.table("requests").corner_note
    assert printed.count([corner, "申请人情况"]) >= 1


def test_blank_input_cells_print_empty_and_blank_totals_print_their_sum(seed_report: Report) -> None:
    report = copy.deepcopy(seed_report)
    report.values["requests.1.natural_person"] = None
    report.values["requests.1.total"] = None
    report.values["active_disclosure.fees.amount"] = Decimal("7730.28")
    pages = read_pdf(render_pdf(report))
    printed = [_row(r) for p in pages for t in p.tables for r in t]
    assert ["一、本年新收政府信息公开申请数量", "", "0", "0", "1", "0", "0", "1"] in printed
    assert ["行政事业性收费", "7730.28"] in printed
    check_tables(report, pages)


def _column_shares(data: bytes) -> list[list[float]]:
    """Per printed table part, the width of each grid column as a share of the table's width."""
    shares = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for table in page.find_tables():
                x0, top, x1, bottom = table.bbox
                rules = sorted(
                    {
                        round(e["x0"], 2)
                        for e in page.edges
                        if e["orientation"] == "v" and top - 1 <= e["top"] and e["bottom"] <= bottom + 1
                    }
                )
                shares.append([(b - a) / (x1 - x0) for a, b in itertools.pairwise(rules)])
    return shares


def test_tables_print_with_the_column_widths_of_their_format_and_evenly_without(
    seed_report: Report, seed_pdf: bytes
) -> None:
    printed = _column_shares(seed_pdf)
    spec = seed_report.spec
    assert spec.table("review_litigation").print_column_widths is None  # C: even columns
    for table in spec.tables:
        n = table.grid_columns
        expected = table.print_column_widths or (1 / n,) * n
        assert any(shares == pytest.approx(expected, abs=1e-3) for shares in printed), table.key
    assert spec.table("active_disclosure").print_column_widths == pytest.approx((0.28, 0.24, 0.24, 0.24))


@pytest.mark.parametrize(
    "widths", [(0.5, 0.5), (0.3, 0.3, 0.2, 0.1), (0.5, 0.5, 0.0, 0.0)], ids=["short", "sum", "zero"]
)
def test_print_column_widths_that_do_not_fit_the_grid_are_refused_at_load(
    seed_report: Report, widths: tuple[float, ...]
) -> None:
    spec = seed_report.spec
    tables = (replace(spec.tables[0], print_column_widths=widths), *spec.tables[1:])
    with pytest.raises(ValueError, match="print column widths"):
        validated(replace(spec, tables=tables))


def test_a_broken_table_repeats_its_header_rows_on_the_next_page(
    seed_report: Report, seed_pages: list[Page]
) -> None:
    corner = seed_report.spec.table("requests").corner_note
    b_pages = [p.number for p in seed_pages for t in p.tables if _row(t[0])[:1] == [corner]]
    assert len(b_pages) == 2  # the seed's table B breaks once
    for page in seed_pages:
        for t in page.tables:
            if _row(t[0])[:1] == [corner]:
                assert _row(t[1]) == ["自然人", "法人或其他组织", "总计"]
                assert _row(t[2]) == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


@pytest.mark.parametrize("extra_lines", [0, 2, 5, 8, 11, 14, 17, 20])
def test_no_heading_or_table_header_is_left_at_the_foot_of_a_page(
    seed_report: Report, extra_lines: int
) -> None:
    """Shift everything down line by line: a heading always has text below it on its page, a table
    part never ends with a header line, and the signature never stands on a page of its own."""
    report = copy.deepcopy(seed_report)
    report.texts["overview"] += "\n" + "补充说明" * 7 * extra_lines  # 28 characters a line
    pages = read_pdf(render_pdf(report))
    headers = {
        text
        for t in report.spec.tables
        for p in t.placed
        if p.cell.role in ("header", "corner")
        for text in [p.cell.text]
    }
    headings = {s.full_heading for s in report.spec.sections}
    headings |= {line for line in report.texts["overview"].split("\n") if line.startswith("（")}
    for page in pages:
        texts = page.line_texts
        last = re.sub(r"\s", "", texts[-1])
        assert last not in headings, (page.number, last)
        for t in page.tables:
            assert not set(_row(t[-1])) <= headers, (page.number, t[-1])
    last_page = pages[-1].line_texts
    assert len(last_page) > 3  # the signature (name, date) comes with at least a line of text
    check_tables(report, pages)


# ---------------------------------------------------------------- signature


def test_signature_date_ends_four_characters_in_and_the_name_is_centred_above_it(seed_report: Report) -> None:
    report = copy.deepcopy(seed_report)
    report.signature.date = dt.date(2022, 1, 20)
    page = read_pdf(render_pdf(report))[-1]
    lines, texts = page.lines, page.line_texts
    assert texts[-1] == "2022年1月20日"  # no leading zeros
    assert texts[-2] == report.signature.name
    date, name = lines[-1], lines[-2]
    assert date[-1]["x1"] == pytest.approx(BLOCK_X1 - 4 * 16, abs=0.1)
    assert (name[0]["x0"] + name[-1]["x1"]) / 2 == pytest.approx(
        (date[0]["x0"] + date[-1]["x1"]) / 2, abs=0.1
    )
    pitch = layout.BLOCK_HEIGHT / 22
    assert date[0]["top"] - name[0]["top"] == pytest.approx(pitch, abs=0.1)
    # Room for the seal: two empty lines between the last line of text and the name.
    assert name[0]["top"] - lines[-3][0]["top"] == pytest.approx(3 * pitch, abs=0.1)


def test_without_a_date_the_date_line_is_left_for_handwriting(
    seed_report: Report, seed_pages: list[Page]
) -> None:
    assert seed_report.signature.date is None
    last = seed_pages[-1].line_texts
    assert re.sub(r"\s", "", last[-1]) == "年月日"
    assert last[-2] == seed_report.signature.name
    date = seed_pages[-1].lines[-1]
    assert date[-1]["x1"] == pytest.approx(BLOCK_X1 - 4 * 16, abs=0.1)
    assert date[0]["x0"] < date[-1]["x1"] - 9 * 16  # blanks before 年 and between the parts


def test_a_long_signature_name_wraps_into_balanced_lines_clear_of_the_qr_code(seed_report: Report) -> None:
    report = copy.deepcopy(seed_report)
    report.signature.name = "某某省某某市某某县人民政府办公室（某某县政务服务和大数据管理局）"
    report.signature.date = dt.date(2022, 1, 20)
    page = read_pdf(render_pdf(report, final=True))[-1]
    lines = [line for line in page.lines if line[0]["size"] > 10]  # not the QR code's small caption
    texts = ["".join(c["text"] for c in line) for line in lines]
    assert texts[-1] == "2022年1月20日"
    assert texts[-3] + texts[-2] == report.signature.name
    assert abs(len(texts[-3]) - len(texts[-2])) <= 1
    qr_right = max(r["x1"] for r in page.rects)
    for line in lines[-3:]:
        assert line[0]["x0"] > qr_right and line[-1]["x1"] <= BLOCK_X1 + TOL
