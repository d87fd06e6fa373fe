"""Word, Excel and web page exports read back (python-docx/lxml, openpyxl, lxml) and, where LibreOffice is
installed, rendered to PDF and measured. The report has a distinct number in every input cell, so a
cell written to the wrong place cannot pass for the right one."""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import lxml.html
import openpyxl
import pdfplumber
import pytest
from docx.oxml.ns import qn
from docx.shared import Length
from lxml import etree

from core.documents.fingerprint import fingerprint
from core.documents.pdf import layout
from core.documents.write import clipboard, render
from core.documents.write.content import content
from core.documents.write.xlsx import FAILED, PASSED, TOP, render_xlsx
from core.format.definition import Table
from core.model.report import Report
from core.rules.table import resolved_values, shown_value
from tests.conftest import ROOT
from tests.helpers import run_main

MM = 72 / 25.4
TWIPS_PER_MM = 1440 / 25.4
MARKUP = "网址<b>加粗</b>&amp; <script>x</script>"
TYPED = "统计期限为2017年1月1日至2017年12月31日，文号〔2021〕30号。"


def distinct(seed: Report) -> Report:
    """The seed with a different number in every input cell (totals left to be derived), a fee with
    decimals, markup-like text and the characters the Word → CMS route loses."""
    report = copy.deepcopy(seed)
    for n, address in enumerate(report.spec.input_addresses, start=1):
        kind = report.spec.cells[address].kind
        report.values[address] = Decimal(n * 3 + 100) if kind == "count" else Decimal("7730.2815")
    for address in report.spec.derived_addresses:
        report.values[address] = None
    report.texts["other"] = f"{MARKUP}\n{TYPED}\n（一）其他事项。不再赘述。"
    return report


@pytest.fixture
def report(seed: Report) -> Report:
    return distinct(seed)


def expected_cells(report: Report, table: Table) -> dict[tuple[int, int], tuple[str, int, int]]:
    """(row, col) → (text as shown, rowspan, colspan) for every drawn cell of a table."""
    values = resolved_values(report)
    return {
        (p.row, p.col): (
            shown_value(report, values, p.cell.address) if p.cell.address else p.cell.text,
            p.cell.rowspan,
            p.cell.colspan,
        )
        for p in table.placed
    }


# ---------------------------------------------------------------- Word


def docx_grid(tbl: Any) -> dict[tuple[int, int], tuple[str, int, int]]:
    """A w:tbl read back as positions with rowspan and colspan (from w:gridSpan and w:vMerge)."""
    cells: dict[tuple[int, int], list[Any]] = {}
    above: dict[int, tuple[int, int]] = {}  # grid column → the cell that a vMerge continues
    for r, tr in enumerate(tbl.iter(qn("w:tr"))):
        col = 0
        for tc in tr.iter(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span_el = pr.find(qn("w:gridSpan"))
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            merge = pr.find(qn("w:vMerge"))
            if merge is not None and merge.get(qn("w:val")) != "restart":
                cells[above[col]][1] += 1
            else:
                text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
                cells[(r, col)] = [text, 1, span]
                above[col] = (r, col)
            col += span
    return {k: (v[0], v[1], v[2]) for k, v in cells.items()}


def test_docx_tables_carry_every_cell_and_merge_of_the_layout_grid(report: Report) -> None:
    document = docx.Document(io.BytesIO(render(report, ".docx")))
    tables = document.element.body.findall(qn("w:tbl"))
    assert len(tables) == len(report.spec.tables)
    for tbl, table in zip(tables, report.spec.tables, strict=True):
        assert docx_grid(tbl) == expected_cells(report, table)
        # WPS reads the grid columns, Word the cell widths: both given, and they agree; fixed layout.
        cols = [int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid"))]
        assert len(cols) == table.grid_columns
        assert sum(cols) == pytest.approx(156 * TWIPS_PER_MM, abs=2)
        assert tbl.find(f"{qn('w:tblPr')}/{qn('w:tblLayout')}").get(qn("w:type")) == "fixed"
        for tr in tbl.iter(qn("w:tr")):
            col = 0
            for tc in tr.iter(qn("w:tc")):
                pr = tc.find(qn("w:tcPr"))
                span = pr.find(qn("w:gridSpan"))
                n = int(span.get(qn("w:val"))) if span is not None else 1
                assert int(pr.find(qn("w:tcW")).get(qn("w:w"))) == sum(cols[col : col + n])
                col += n
        rows = list(tbl.iter(qn("w:tr")))
        repeating = [r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for r in rows]
        assert repeating == [i < table.header_lines for i in range(len(rows))]


def test_docx_text_title_headings_paragraphs_and_signature_in_order(report: Report) -> None:
    document = docx.Document(io.BytesIO(render(report, ".docx")))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == report.agency + "\n" + report.title[len(report.agency) :]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.full_heading for s in report.spec.sections]
    for key, body in report.texts.items():
        for line in body.split("\n"):
            assert line.strip() in texts, (key, line[:20])
    assert MARKUP in texts and TYPED in texts  # literal, not markup; 年、月、〔〕 as typed
    assert "（一）其他事项。不再赘述。" in texts
    sub = next(p for p in document.paragraphs if p.text.startswith("（一）其他事项"))
    assert [r.element.rPr.rFonts.get(qn("w:eastAsia")) for r in sub.runs] == ["楷体_GB2312", "仿宋_GB2312"]
    assert texts[-2:] == [report.signature.name, layout.BLANK_DATE]
    assert [p.text for p in document.paragraphs].count("") >= layout.SEAL_LINES


def test_docx_chinese_fonts_are_set_on_every_run_and_style_and_the_theme_is_not_japanese(
    report: Report,
) -> None:
    document = docx.Document(io.BytesIO(render(report, ".docx")))
    parts = [document.element, *(s.footer._element for s in document.sections)]
    parts += [document.sections[0].even_page_footer._element]
    runs = [r for part in parts for r in part.iter(qn("w:r"))]
    assert len(runs) > 300
    for r in runs:
        if r.find(qn("w:t")) is None and r.find(qn("w:instrText")) is None:
            continue  # a tab, a break or a field mark: no text to set
        fonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:eastAsia")), r.xml[:200]
    styles = document.styles.element
    used = {p.style.style_id for p in document.paragraphs} | {"表格文字", "页码"}
    for style in styles.iter(qn("w:style")):
        if style.get(qn("w:styleId")) in used:
            fonts = style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            assert fonts.get(qn("w:eastAsia")) and fonts.get(qn("w:eastAsiaTheme")) is None
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsiaTheme")) is None
    table = next(r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable"))
    declared = {
        f.get(qn("w:name")): (
            f.find(qn("w:altName")).get(qn("w:val")),
            f.find(qn("w:charset")).get(qn("w:val")),
        )
        for f in etree.fromstring(table.blob).iter(qn("w:font"))
        if f.find(qn("w:altName")) is not None
    }
    assert declared["仿宋_GB2312"] == ("仿宋", "86") and declared["方正小标宋简体"] == ("黑体", "86")
    lang = document.settings.element.find(qn("w:themeFontLang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    fonts = {
        style.style_id: style.element.rPr.rFonts.get(qn("w:eastAsia"))
        for style in document.styles
        if style.style_id in ("Normal", "Heading1", "Heading2", "报告标题", "表格文字", "页码")
    }
    assert fonts == {
        "Normal": "仿宋_GB2312",
        "Heading1": "黑体",
        "Heading2": "楷体_GB2312",
        "报告标题": "方正小标宋简体",
        "表格文字": "宋体",
        "页码": "宋体",
    }


def test_docx_page_is_gbt9704_with_a_22_by_28_grid(report: Report) -> None:
    document = docx.Document(io.BytesIO(render(report, ".docx")))
    s = document.sections[0]
    assert (s.page_width.mm, s.page_height.mm) == (pytest.approx(210, abs=0.1), pytest.approx(297, abs=0.1))
    assert s.top_margin.mm == pytest.approx(37, abs=0.05)
    assert s.left_margin.mm == pytest.approx(28, abs=0.05)
    assert Length(s.page_width - s.left_margin - s.right_margin).mm == pytest.approx(156, abs=0.05)
    assert Length(s.page_height - s.top_margin - s.bottom_margin).mm == pytest.approx(225, abs=0.05)
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    pitch = int(grid.get(qn("w:linePitch"))) / 20
    assert 225 * MM / pitch == pytest.approx(22, abs=0.05)
    normal = document.styles["Normal"]
    assert normal.paragraph_format.line_spacing.pt == pitch  # exactly one grid line a line
    tracking = int(normal.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert 28 * (16 + tracking) <= 156 * MM < 29 * (16 + tracking)  # 28 characters a line
    sizes = {
        st.style_id: st.font.size.pt
        for st in document.styles
        if st.style_id in ("Normal", "Heading1", "报告标题")
    }
    assert sizes == {"Normal": 16, "Heading1": 16, "报告标题": 22}


def _footer_text(footer: Any) -> str:
    return "".join(t.text for t in footer._element.iter(qn("w:t"), qn("w:instrText")))


def test_docx_footers_carry_a_page_field_odd_right_even_left_and_a_final_its_code(report: Report) -> None:
    draft = docx.Document(io.BytesIO(render(report, ".docx")))
    assert draft.settings.odd_and_even_pages_header_footer
    s = draft.sections[0]
    assert _footer_text(s.footer) == _footer_text(s.even_page_footer) == "—  PAGE 1 —"
    for footer, jc in ((s.footer, "right"), (s.even_page_footer, "left")):
        (p,) = footer.paragraphs
        assert p.paragraph_format.alignment is not None
        assert p._p.pPr.find(qn("w:jc")).get(qn("w:val")) == jc
        assert [f.get(qn("w:fldCharType")) for f in p._p.iter(qn("w:fldChar"))] == [
            "begin",
            "separate",
            "end",
        ]
    assert draft.core_properties.subject.endswith("（草稿）")
    code = fingerprint(report)
    final = docx.Document(io.BytesIO(render(report, ".docx", fingerprint=code)))
    for footer in (final.sections[0].footer, final.sections[0].even_page_footer):
        assert f"校验码 {code}" in _footer_text(footer)
    assert final.core_properties.subject.endswith("（定稿）")


# ---------------------------------------------------------------- Excel


@pytest.fixture
def books(report: Report) -> tuple[Any, Any]:
    data = render(report, ".xlsx")
    return openpyxl.load_workbook(io.BytesIO(data)), openpyxl.load_workbook(io.BytesIO(data), data_only=True)


def test_xlsx_every_cell_in_place_totals_live_with_cached_values(
    report: Report, books: tuple[Any, Any]
) -> None:
    formulas, cached = books
    values = resolved_values(report)
    assert len(formulas.worksheets) == len(report.spec.tables)
    for ws, ws_cached, table in zip(formulas.worksheets, cached.worksheets, report.spec.tables, strict=True):
        section = next(s for s in report.spec.sections if s.table_key == table.key)
        assert ws.title == section.full_heading[:31]
        merged = {(m.min_row, m.min_col): (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
                  for m in ws.merged_cells.ranges}  # fmt: skip
        for (row, col), (text, rowspan, colspan) in expected_cells(report, table).items():
            r, c = TOP + row + 1, col + 1
            assert merged.get((r, c), (1, 1)) == (rowspan, colspan)
            if not any(p.row == row and p.col == col and p.cell.address for p in table.placed):
                assert ws.cell(r, c).value == text, (table.key, row, col)  # labels as the format spells them
        for address in (a for a in report.spec.cells if a.startswith(table.key + ".")):
            p = table.value_positions[address]
            r, c = TOP + p.row + 1, p.col + 1
            cell = ws.cell(r, c)
            if report.spec.cells[address].derived:
                assert str(cell.value).startswith("=SUM("), address
                assert Decimal(str(ws_cached.cell(r, c).value)) == values[address]
                assert cell.protection.locked
            else:
                assert Decimal(str(cell.value)) == report.values[address]
                assert not cell.protection.locked


def test_xlsx_a_given_total_that_disagrees_stays_as_given_and_its_check_says_so(report: Report) -> None:
    report.values["requests.1.total"] = Decimal(5)  # the parts add up to far more
    data = render(report, ".xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["三、收到和处理政府信息公开申请情况"]
    b = report.spec.table("requests")
    p = b.value_positions["requests.1.total"]
    assert ws.cell(TOP + p.row + 1, p.col + 1).value == 5
    assert ws.cell(TOP + p.row + 1, b.grid_columns + 1).value == FAILED
    other = b.value_positions["requests.2.total"]
    assert ws.cell(TOP + other.row + 1, b.grid_columns + 1).value == PASSED


def test_xlsx_balance_checks_cache_their_result_and_turn_red(report: Report) -> None:
    b = report.spec.table("requests")
    col = b.columns[0].key  # make the 自然人 column balance: all of 一 + 二 were made public
    for row in b.rows:
        if row.key.startswith("3.") or row.key == "4":
            report.values[f"requests.{row.key}.{col}"] = Decimal(0) if row.key != "3.7" else None
    report.values[f"requests.3.1.{col}"] = (
        report.values[f"requests.1.{col}"] + report.values[f"requests.2.{col}"]
    )
    book = openpyxl.load_workbook(io.BytesIO(render(report, ".xlsx")), data_only=True)
    ws = book["三、收到和处理政府信息公开申请情况"]
    row = TOP + len(b.lines) + 1
    values = resolved_values(report)
    for column in b.columns:
        p = b.value_positions[f"requests.1.{column.key}"]
        holds = values[f"requests.1.{column.key}"] + values[f"requests.2.{column.key}"] == (
            values[f"requests.3.7.{column.key}"] + values[f"requests.4.{column.key}"]
        )
        assert ws.cell(row, p.col + 1).value == (PASSED if holds else FAILED), column.key
    assert {ws.cell(row, b.value_positions[f"requests.1.{c.key}"].col + 1).value for c in b.columns} == {
        PASSED,
        FAILED,
    }
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any(f'"{FAILED}"' in r.formula[0] and r.dxf.font.color.rgb.endswith("C00000") for r in rules)


@pytest.mark.parametrize("places", [2, 4])
def test_xlsx_checks_round_to_the_formats_money_decimals(report: Report, places: int) -> None:
    spec = replace(report.spec, money_decimals=places)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(content(report), spec, author="测试")))
    checks = [
        str(cell.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if str(cell.value).startswith("=IF(AND(")
    ]
    rounds = [r for f in checks for r in re.findall(r"ROUND\(SUM\([^)]*\)-SUM\([^)]*\),(\d+)\)", f)]
    assert len(checks) > 10 and len(rounds) >= len(checks)
    assert set(rounds) == {str(places)}


def ruled_cells(data: bytes, sheet: int) -> set[str]:
    """Cells whose own format draws all four borders, read from the file's XML (openpyxl keeps only a
    merged range's outer edges)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = etree.fromstring(z.read("xl/styles.xml"))
        cells = etree.fromstring(z.read(f"xl/worksheets/sheet{sheet}.xml"))
    borders = styles.findall("m:borders/m:border", ns)
    full = [
        all(
            border.find(f"m:{side}", ns).get("style") == "thin" for side in ("left", "right", "top", "bottom")
        )
        for border in borders
    ]
    xfs = styles.findall("m:cellXfs/m:xf", ns)
    return {
        c.get("r") for c in cells.iterfind(".//m:c", ns) if full[int(xfs[int(c.get("s", 0))].get("borderId"))]
    }


def test_xlsx_merged_ranges_are_ruled_on_every_cell_and_the_sheet_is_set_up(report: Report) -> None:
    data = render(report, ".xlsx")
    formulas = openpyxl.load_workbook(io.BytesIO(data))
    for ws in formulas.worksheets:
        assert ws.protection.sheet and not ws.protection.password
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0  # 1 is the default
        assert ws.freeze_panes is not None
        ruled = ruled_cells(data, formulas.worksheets.index(ws) + 1)
        for m in ws.merged_cells.ranges:
            if m.min_row <= TOP:
                continue  # the title lines above the table are not ruled
            assert {c for c in _cells(m.coord)} <= ruled, m.coord
        inputs = {str(c) for dv in ws.data_validations.dataValidation for c in dv.sqref.ranges}
        unlocked = {
            c.coordinate for row in ws.iter_rows() for c in row if c.has_style and not c.protection.locked
        }
        assert unlocked and {u for u in unlocked} <= {c for r in inputs for c in _cells(r)}
    b = formulas["三、收到和处理政府信息公开申请情况"]
    assert b.print_title_rows == f"${TOP + 1}:${TOP + 3}"
    assert b.freeze_panes == f"D{TOP + 4}"


def _cells(ref: str) -> Iterator[str]:
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    c0, r0, c1, r1 = range_boundaries(ref)
    for r in range(r0, r1 + 1):
        for c in range(c0, c1 + 1):
            yield f"{get_column_letter(c)}{r}"


# ---------------------------------------------------------------- web page and clipboard


def html_grid(table: Any) -> dict[tuple[int, int], tuple[str, int, int]]:
    taken: set[tuple[int, int]] = set()
    out = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for cell in tr:
            while (r, c) in taken:
                c += 1
            rowspan, colspan = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            out[(r, c)] = (cell.text_content(), rowspan, colspan)
            taken |= {(r + i, c + j) for i in range(rowspan) for j in range(colspan)}
            c += colspan
    return out


def test_html_is_a_clean_utf8_page_with_every_cell_in_place(report: Report) -> None:
    data = render(report, ".html")
    assert b'<meta charset="utf-8">' in data
    page = lxml.html.fromstring(data.decode("utf-8"))
    assert page.findtext(".//title") == report.title
    assert page.find(".//h1").text_content() == report.title
    assert [h.text_content() for h in page.iter("h2")] == [s.full_heading for s in report.spec.sections]
    paragraphs = [p.text_content() for p in page.iter("p")]
    assert MARKUP in paragraphs and TYPED in paragraphs  # literal text; 年、月、〔〕 as typed
    assert "（一）其他事项。不再赘述。" in paragraphs
    assert report.signature.date is None
    assert paragraphs[-1] == report.signature.name  # no date set: no 「年 月 日」 line (issue 18 item 12)
    assert not any(p.endswith("日") and "年" in p and p.strip("\u3000年月日") == "" for p in paragraphs)
    assert not page.xpath("//script|//*[@class]|//style|//link")
    tables = page.findall(".//table")
    for table_el, table in zip(tables, report.spec.tables, strict=True):
        assert html_grid(table_el) == expected_cells(report, table)


def test_a_set_date_is_the_web_page_and_the_clipboard_text_last_line(report: Report) -> None:
    report.signature.date = dt.date(2022, 1, 20)
    paragraphs = [p.text_content() for p in lxml.html.fromstring(render(report, ".html")).iter("p")]
    assert paragraphs[-2:] == [report.signature.name, "2022年1月20日"]
    assert clipboard(report)[1].splitlines()[-1] == "2022年1月20日"
    report.signature.date = None
    assert clipboard(report)[1].splitlines()[-1] == report.signature.name  # no blank date to fill in


def test_clipboard_gives_the_fragment_and_plain_text(report: Report) -> None:
    html, text = clipboard(report)
    assert "<html" not in html and "<table" in html and TYPED in html
    assert (
        lxml.html.fragment_fromstring(html, create_parent="div").find(".//h1").text_content() == report.title
    )
    lines = text.splitlines()
    assert lines[0] == report.title and MARKUP in lines and TYPED in lines
    b = report.spec.table("requests")
    values = resolved_values(report)
    row = next(line for line in lines if line.startswith("一、本年新收"))
    assert row.split("\t")[3:] == [shown_value(report, values, f"requests.1.{c.key}") for c in b.columns]


# ---------------------------------------------------------------- command line


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".html"])
def test_cli_export_writes_each_kind(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"报告{suffix}"
    result = run_main("export", ROOT / "tests" / "fixtures" / "wenxian-2021.json", "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000 and str(out) in result.stdout


def test_cli_export_refuses_an_unknown_suffix_and_a_bad_file(tmp_path: Path) -> None:
    result = run_main("export", ROOT / "tests" / "fixtures" / "wenxian-2021.json", "-o", tmp_path / "x.txt")
    assert result.returncode == 2 and "扩展名" in result.stderr and "Traceback" not in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    result = run_main("export", bad, "-o", tmp_path / "x.docx")
    assert result.returncode == 2 and "JSON" in result.stderr and not (tmp_path / "x.docx").exists()


# ---------------------------------------------------------------- rendered by LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Callable[[bytes, str], bytes]:
    """Render a file to PDF with LibreOffice: one profile for the module (its first start is the slow
    part), the bundled font as the only Chinese face."""
    assert SOFFICE is not None
    folder = tmp_path_factory.mktemp("office")
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{ROOT / 'resources' / 'fonts'}</dir><cachedir>{folder / 'fc'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    profile = (folder / "profile").as_uri()
    count = itertools.count()

    def render_pdf(data: bytes, suffix: str) -> bytes:
        source = folder / f"report{next(count)}{suffix}"
        source.write_bytes(data)
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
             str(folder), str(source)],
            env=env, capture_output=True, timeout=180, check=True,
        )  # fmt: skip
        return source.with_suffix(".pdf").read_bytes()

    return render_pdf


def _lines(page: Any) -> list[list[dict[str, Any]]]:
    rows: dict[float, list[dict[str, Any]]] = {}
    for c in page.chars:
        rows.setdefault(round(c["bottom"]), []).append(c)
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]


@needs_soffice
def test_docx_rendered_by_libreoffice_keeps_the_block_page_numbers_and_every_number(
    report: Report, office: Callable[[bytes, str], bytes]
) -> None:
    pdf = pdfplumber.open(io.BytesIO(office(render(report, ".docx"), ".docx")))
    block_bottom = layout.PAGE_HEIGHT - layout.BLOCK_BOTTOM
    rows: list[list[str]] = []
    text = ""
    for page in pdf.pages:
        assert (page.width, page.height) == (pytest.approx(595.3, abs=0.5), pytest.approx(841.9, abs=0.5))
        body = [c for c in page.chars if c["top"] < block_bottom]
        footer = [c for c in page.chars if c["top"] >= block_bottom]
        for c in body:
            # LibreOffice lets closing punctuation hang past the margin whatever w:overflowPunct says.
            hang = 16.5 if c["text"] in "，。、；：？！）」』”" else 1
            assert c["x0"] >= 28 * MM - 1 and c["x1"] <= 184 * MM + hang, c["text"]
            assert c["top"] >= 37 * MM - 1
        number = "".join(c["text"] for c in sorted(footer, key=lambda c: c["x0"]))
        assert number.replace(" ", "") == f"—{page.page_number}—"
        middle = (footer[0]["top"] + footer[0]["bottom"]) / 2
        assert middle - block_bottom == pytest.approx(7 * MM, abs=1.5)
        if page.page_number % 2:
            assert max(c["x1"] for c in footer) == pytest.approx(184 * MM - 14, abs=1.5)
        else:
            assert min(c["x0"] for c in footer) == pytest.approx(28 * MM + 14, abs=1.5)
        text += re.sub(r"\s", "", "".join(c["text"] for c in body))
        for table in page.extract_tables():
            rows += [[(c or "").replace("\n", "") for c in row if c] for row in table]
    assert text.startswith(re.sub(r"\s", "", report.title))
    positions = [text.find(s.full_heading) for s in report.spec.sections]
    assert -1 not in positions and positions == sorted(positions)
    assert TYPED in text and re.sub(r"\s", "", MARKUP) in text
    values = resolved_values(report)
    for table in report.spec.tables:
        for line in table.lines:
            numbers = [shown_value(report, values, c.address) for c in line if c.address]
            if numbers:  # the line's numbers, in order, end one row of a drawn table
                assert any(row[-len(numbers) :] == numbers for row in rows), (table.key, numbers)


@needs_soffice
def test_docx_body_rendered_by_libreoffice_sets_22_lines_of_28_characters(
    office: Callable[[bytes, str], bytes],
) -> None:
    report = Report.blank("某县人民政府办公室", 2021)
    report.texts["overview"] = "政务公开" * 600
    pdf = pdfplumber.open(io.BytesIO(office(render(report, ".docx"), ".docx")))
    page = pdf.pages[1]  # wholly narrative
    lines = [line for line in _lines(page) if line[0]["top"] < layout.PAGE_HEIGHT - layout.BLOCK_BOTTOM]
    assert len(lines) == 22
    assert [len(line) for line in lines] == [28] * 22
    assert {round(c["size"]) for line in lines for c in line} == {16}
    pitches = {round(b[0]["bottom"] - a[0]["bottom"], 1) for a, b in itertools.pairwise(lines)}
    assert max(pitches) - min(pitches) < 0.2 and min(pitches) == pytest.approx(225 * MM / 22, abs=0.1)


@needs_soffice
def test_xlsx_rendered_by_libreoffice_shows_every_number(
    report: Report, office: Callable[[bytes, str], bytes]
) -> None:
    pdf = pdfplumber.open(io.BytesIO(office(render(report, ".xlsx"), ".xlsx")))
    words = [w["text"] for page in pdf.pages for w in page.extract_words()]
    values = resolved_values(report)
    for address in report.spec.cells:
        assert shown_value(report, values, address) in words, address
    assert FAILED in words


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".html"])
def test_control_characters_and_lone_surrogates_are_shown_not_fatal(report: Report, suffix: str) -> None:
    """Characters no document file can hold print as 〈U+…〉 (core.model.hidden_characters), as in the PDF."""
    report.texts["problems"] = "第一段\x01有\x0b控制字符\ud800。"
    report.agency = "某县\x07人民政府"
    data = render(report, suffix)
    shown = "第一段〈U+0001〉有〈U+000B〉控制字符〈U+D800〉。"
    if suffix == ".docx":
        texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
        assert shown in texts
    elif suffix == ".html":
        assert shown in data.decode("utf-8")
    else:
        assert openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].cell(
            1, 1
        ).value == report.title.replace("\x07", "〈U+0007〉")


@pytest.mark.parametrize("agency", ["某某某局", "温县人民政府办公室", "孟州市人力资源和社会保障局"])
def test_the_pdf_and_the_word_file_break_the_title_alike(report: Report, agency: str) -> None:
    from core.documents.pdf.render import render_pdf

    named = replace(report, agency=agency)
    title = named.title
    with pdfplumber.open(io.BytesIO(render_pdf(named))) as pdf:
        first = pdf.pages[0].extract_text().splitlines()
    word = next(p.text for p in docx.Document(io.BytesIO(render(named, ".docx"))).paragraphs if p.text)
    printed = [line.replace(" ", "") for line in first[:2]]
    in_pdf = printed[:1] if printed[0] == title else printed
    assert "".join(in_pdf) == title
    assert word.split("\n") == in_pdf  # one line in both, or broken after the agency in both
