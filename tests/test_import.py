"""Importing published reports: every fixture cell for cell, never a silent error, and the command line.

The fixtures (tests/fixtures/published/README.md) are the seed as Word/PDF/web page, a hardened variant
(blanks, —, full-width digits) and eight real published texts. Beyond them, reports with DISTINCT
numbers are written out as text the way web pages and PDFs print them and read back.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.cli import commands as cli
from core.documents.exchange import to_dict
from core.documents.read import read_file, read_pasted
from core.documents.read.mapper import Imported, _templates
from core.errors import UserError
from core.format import get_format
from core.model.report import Report
from core.ops.library import Library
from core.storage import Database
from tests.conftest import FIXTURES

PUBLISHED = FIXTURES / "published"
SEEDS = ["seed.docx", "seed.pdf", "seed.html", "seed-hard.docx", "seed-hard.pdf"]
REAL = sorted(p.name for p in PUBLISHED.glob("real-*.txt"))
SPEC = get_format()
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _expected(name: str) -> dict[str, object]:
    return dict(json.loads((PUBLISHED / (name.rsplit(".", 1)[0] + ".expect.json")).read_text("utf-8")))


def _cells(data: dict[str, object]) -> dict[str, object]:
    out = {}
    for address in SPEC.cells:
        table, *row, col = address.split(".")
        value = data[table][".".join(row)][col]  # type: ignore[index]
        out[address] = None if value is None else Decimal(str(value))
    return out


def _wrong(imported: Imported, expected: dict[str, object]) -> tuple[list[str], list[str]]:
    """(cells that differ, cells that differ and are not flagged: the silent errors)."""
    got, want = _cells(to_dict(imported.report)), _cells(expected)
    wrong = [a for a in SPEC.cells if got[a] != want[a]]
    flagged = set(imported.doubtful) | set(imported.unread)
    return wrong, [a for a in wrong if a not in flagged]


@pytest.mark.parametrize("name", SEEDS)
def test_office_documents_import_cell_for_cell_with_nothing_flagged(name: str) -> None:
    imported = read_file(PUBLISHED / name)
    expected = _expected(name)
    assert _wrong(imported, expected) == ([], [])
    assert imported.doubtful == [] and imported.unread == []
    got = to_dict(imported.report)
    for key in ("agency", "year", "signature"):
        assert got[key] == expected[key]
    for key, text in expected["text"].items():  # type: ignore[attr-defined]
        if name.endswith(".pdf"):  # the PDF itself lacks one comma of the original (…信息公开，做好…)
            assert got["text"][key].replace("，", "") == text.replace("，", "")
        else:
            assert got["text"][key] == text


@pytest.mark.parametrize("name", REAL)
def test_real_texts_import_with_no_silent_error(name: str) -> None:
    imported = read_file(PUBLISHED / name)
    expected = _expected(name)
    wrong, silent = _wrong(imported, expected)
    assert silent == []
    assert len(wrong) <= 3  # ≥ 98.5 % exact
    assert len(imported.doubtful) + len(imported.unread) <= 20  # ≤ 10 % flagged
    assert imported.report.year == expected["year"]


def test_fused_digits_are_split_by_the_tables_arithmetic_and_published_errors_kept() -> None:
    # 013 prints 「一、本年新收…160 02 0 018」: only 16,0,0,2,0,0,18 makes the row add up. Its 三（七）
    # total (18,0,0,0,0,0,18) disagrees with its column (2 in 社会公益组织): kept as published.
    imported = read_file(PUBLISHED / "real-013.txt")
    values = imported.report.values
    assert [values[f"requests.1.{c.key}"] for c in SPEC.table("requests").columns] == [16, 0, 0, 2, 0, 0, 18]
    assert values["requests.3.7.social_welfare"] == 0 and values["requests.3.7.total"] == 18
    # 「行政规范性文件5066」: three cells, no arithmetic to decide between 5,0,66 and 50,6,6
    assert imported.unread == [
        f"active_disclosure.normative_documents.{c}" for c in ("issued", "repealed", "in_force")
    ]
    assert any("5066" in note for note in imported.notes)


def test_older_template_other_processing_row_goes_to_its_last_item_with_a_note() -> None:
    imported = read_file(PUBLISHED / "real-008.txt")
    assert imported.report.values["requests.3.6.3.total"] == 0
    assert any("（六）其他处理" in note and "旧版" in note for note in imported.notes)
    # found: the typo 「2.其他法律行政止公开」, the wrapped 「5.要求行政机关确认或重 新出具 / 已获取信息」
    assert "requests.3.3.2.total" not in imported.unread and "requests.3.5.5.total" not in imported.unread


def test_layout_text_paragraph_line_ending_in_a_number_stays_in_the_narrative() -> None:
    # pdftotext -layout wraps prose at the margin: a line may end in 「… 12」 and go on with 「件。」
    text = (PUBLISHED / "real-008.txt").read_text("utf-8")
    wrapped = "府网站平台主动公开政府信息\n1136 条，全年主动公开政府文件 12\n件。"
    text = text.replace("府网站平台主动公开政府信息 1136 条。", wrapped)
    imported = read_pasted(None, text)
    overview = imported.report.texts["overview"]
    assert "主动公开政府信息1136 条，全年主动公开政府文件 12件。" in overview
    assert "\n件。" not in overview
    assert _wrong(imported, _expected("real-008.txt")) == ([], [])


def test_a_pdf_sub_heading_in_half_width_brackets_is_not_run_into_the_paragraph_before(
    tmp_path: Path,
) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    from core.documents.read.pdf import read_pdf

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "wrapped.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("STSong-Light", 12)
    printed = [
        "（一）主动公开情况。本年主动公开",
        "政府信息 12 条。",
        "(二)依申请公开情况。本年收到申请",
        "17 件。",
    ]
    for row, text in enumerate(printed):  # none indented: the page wrapped them at the margin
        canvas.drawString(72, 800 - 20 * row, text)
    canvas.save()
    assert [line.cells for line in read_pdf(path)] == [
        ["（一）主动公开情况。本年主动公开政府信息 12 条。"],
        ["(二)依申请公开情况。本年收到申请17 件。"],
    ]


# ---------------------------------------------------------------- reports with distinct numbers


def _distinct(offset: int = 101) -> dict[str, int]:
    """A value per cell, all different, with every total the sum of its parts."""
    values: dict[str, int] = {}
    n = offset
    for address in SPEC.cells:
        values[address] = n
        n += 7
    for total, parts in SPEC.derivations:
        values[total] = sum(values[p] for p in parts)
    return values


def _printed(values: dict[str, object], sep: str, show: dict[str, str] | None = None) -> str:
    """The report as a web page's text: title, headings, each table row as label + cells."""
    show = show or {}
    lines = ["测试县人民政府办公室2023年政府信息公开工作年度报告"]
    for section in SPEC.sections:
        lines.append(section.full_heading)
        if section.text_key:
            lines.append(f"这是第{section.number}部分的正文。")
        if section.table_key:
            for template in _templates(SPEC.table(section.table_key)):
                cells = [show.get(a, str(values[a])) for a in template.addresses]
                lines.append(sep.join([*template.path, *cells]))
    lines += ["测试县人民政府办公室", "2024年1月15日"]
    return "\n".join(lines)


def test_tab_separated_copy_with_distinct_numbers_blanks_dashes_and_full_width_digits() -> None:
    values: dict[str, object] = dict(_distinct())
    show = {
        "requests.2.commercial": "",  # a blank cell: null, and the cells after it stay in place
        "requests.3.3.4.research": "—",
        "requests.4.other": "/",
        "requests.1.natural_person": str(values["requests.1.natural_person"]).translate(_FULL_WIDTH),
        "review_litigation.review.corrected": " 0 ",
    }
    for address in ("requests.2.commercial", "requests.3.3.4.research", "requests.4.other"):
        values[address] = None
    values["review_litigation.review.corrected"] = 0
    imported = read_pasted(None, _printed(values, "\t", show))
    got = imported.report.values
    assert {a: got[a] for a in SPEC.cells} == {
        a: None if v is None else Decimal(str(v)) for a, v in values.items()
    }
    assert imported.doubtful == [] and imported.unread == []
    assert imported.report.agency == "测试县人民政府办公室" and imported.report.year == 2023
    assert (
        imported.report.signature.date is not None
        and imported.report.signature.date.isoformat() == "2024-01-15"
    )
    assert imported.report.texts["other"] == "这是第六部分的正文。"


def test_rows_printed_as_single_spaced_text_lines_as_an_unruled_pdf_gives_them() -> None:
    values = _distinct(3)
    menu = "往年年报：某某县2019年政府信息公开工作年度报告\n"  # a page's links come before its title
    imported = read_pasted(None, menu + _printed(dict(values), " "))
    assert (imported.report.agency, imported.report.year) == ("测试县人民政府办公室", 2023)
    assert {a: imported.report.values[a] for a in SPEC.cells} == {a: Decimal(v) for a, v in values.items()}
    assert imported.doubtful == [] and imported.unread == []


def test_a_title_that_opens_with_the_year_names_the_agency_after_it() -> None:
    text = (PUBLISHED / "real-001.txt").read_text("utf-8")
    title = "政府信息公开工作年度报告"
    text = text.replace(f"平潭综合实验区2021年度{title}", f"2021年度温县教育局{title}")
    imported = read_pasted(None, f"首页 > 政务公开\n{text}")
    assert (imported.report.agency, imported.report.year) == ("温县教育局", 2021)


def test_a_year_in_chinese_numerals_in_the_title() -> None:
    text = _printed(dict(_distinct()), "\t").replace("2023年政府信息公开", "二〇二三年政府信息公开", 1)
    assert read_pasted(None, text).report.year == 2023


def test_a_cell_holding_two_numbers_is_unread_not_read_as_one() -> None:
    values: dict[str, object] = dict(_distinct())
    text = _printed(values, "\t", {"requests.3.3.2.commercial": "7 3"})  # two rows run into one cell
    imported = read_pasted(None, text)
    assert imported.report.values["requests.3.3.2.commercial"] is None
    assert imported.unread == ["requests.3.3.2.commercial"]
    assert any("7 3" in note for note in imported.notes)


def test_layout_text_whose_blank_cell_vanished_is_unread_not_shifted() -> None:
    values: dict[str, object] = dict(_distinct())
    text = _printed(values, "    ", {"requests.3.2.research": ""})  # spaces: the blank leaves no trace
    imported = read_pasted(None, "\n".join("  " + line for line in text.split("\n")))
    row = [f"requests.3.2.{c.key}" for c in SPEC.table("requests").columns]
    assert set(row) <= set(imported.unread)
    assert all(imported.report.values[a] is None for a in row)
    others = [a for a in SPEC.cells if a not in row]
    assert all(imported.report.values[a] == values[a] for a in others)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=len(SPEC.cells), max_size=len(SPEC.cells)))
def test_digits_run_together_are_never_split_silently_wrong(draws: list[int]) -> None:
    values = dict(zip(SPEC.cells, draws, strict=True))
    for total, parts in SPEC.derivations:
        values[total] = sum(values[p] for p in parts)
    # B 三（七） and 四 balance the columns, as a consistent report does
    for column in SPEC.table("requests").columns:
        values[f"requests.1.{column.key}"] = (
            values[f"requests.3.7.{column.key}"] + values[f"requests.4.{column.key}"]
        )
        values[f"requests.1.{column.key}"] -= values[f"requests.2.{column.key}"]
    if any(v < 0 for v in values.values()):
        return
    web = _printed(dict(values), "").replace("\n", "")  # web text: no separators at all
    imported = read_pasted(None, web)
    flagged = set(imported.doubtful) | set(imported.unread)
    silent = [a for a in SPEC.cells if imported.report.values[a] != values[a] and a not in flagged]
    assert silent == []


def _documents(values: dict[str, int], tmp_path: Path) -> tuple[Path, Path]:
    """The report as Word (cells merged with gridSpan/vMerge) and as a web page (rowspan/colspan)."""
    import docx

    title = "测试县人民政府2022年政府信息公开工作年度报告"
    document = docx.Document()
    document.add_paragraph(title)
    html = ["<html><head><meta charset='utf-8'></head><body>", f"<p>{title}</p>"]
    for section in SPEC.sections:
        document.add_paragraph(section.full_heading)
        html.append(f"<h2>{section.full_heading}</h2>")
        if not section.table_key:
            continue
        table = SPEC.table(section.table_key)
        grid = document.add_table(rows=len(table.lines), cols=table.grid_columns)
        rows: list[list[str]] = [[] for _ in table.lines]
        for placed in table.placed:
            cell = placed.cell
            text = str(values[cell.address]) if cell.address else cell.text
            target = grid.cell(placed.row, placed.col)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(grid.cell(placed.row + cell.rowspan - 1, placed.col + cell.colspan - 1))
            target.text = text
            rows[placed.row].append(f"<td rowspan='{cell.rowspan}' colspan='{cell.colspan}'>{text}</td>")
        html.append("<table>" + "".join(f"<tr>{''.join(r)}</tr>" for r in rows) + "</table>")
    word, page = tmp_path / "distinct.docx", tmp_path / "distinct.html"
    document.save(str(word))
    page.write_text("".join(html) + "</body></html>", "utf-8")
    return word, page


def test_word_and_web_tables_with_merged_cells_and_distinct_numbers(tmp_path: Path) -> None:
    values = _distinct(11)
    for path in _documents(values, tmp_path):
        imported = read_file(path)
        assert {a: imported.report.values[a] for a in SPEC.cells} == {
            a: Decimal(v) for a, v in values.items()
        }
        assert imported.doubtful == [] and imported.unread == [], path.name
        assert (imported.report.agency, imported.report.year) == ("测试县人民政府", 2022)


def test_a_web_page_laid_out_in_an_outer_table_reads_its_inner_tables(tmp_path: Path) -> None:
    values = _distinct(13)
    _, page = _documents(values, tmp_path)
    body = page.read_text("utf-8").split("<body>", 1)[1].rsplit("</body>", 1)[0]
    nav = "<td>首页 | 政务公开 | 2022-01-11</td>"
    page.write_text(f"<html><body><table><tr>{nav}<td>{body}</td></tr></table></body></html>", "utf-8")
    imported = read_file(page)
    assert (imported.doubtful, imported.unread) == ([], [])
    assert {a: imported.report.values[a] for a in SPEC.cells} == {a: Decimal(v) for a, v in values.items()}


def test_a_fused_row_that_adds_up_under_no_cut_is_cut_by_its_columns_and_flagged() -> None:
    # Published: 三（一） 12+0+0+2+0+0 printed with total 15, and the columns carried the 15 on.
    values: dict[str, object] = dict.fromkeys(SPEC.cells, 0)
    for row, (person, welfare, total) in {"1": (12, 2, 15), "3.1": (12, 2, 15), "3.7": (12, 2, 15)}.items():
        values.update({f"requests.{row}.natural_person": person, f"requests.{row}.social_welfare": welfare})
        values[f"requests.{row}.total"] = total
    lines = _printed(values, "\t").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("三、本年度办理结果\t（一）"))
    lines[at] = "（一）予以公开120020015"  # 1,20,… or 12,0,… or 120,…: the row adds up under none
    imported = read_pasted(None, "\n".join(lines))
    row = [f"requests.3.1.{c.key}" for c in SPEC.table("requests").columns]
    assert [imported.report.values[a] for a in row] == [12, 0, 0, 2, 0, 0, 15]  # as printed, not corrected
    assert imported.doubtful == row and imported.unread == []
    assert any("120020015" in note for note in imported.notes)


def test_gbk_web_page_with_rowspan_and_colspan(tmp_path: Path) -> None:
    html = (PUBLISHED / "seed.html").read_text("utf-8").replace("charset=utf-8", "charset=gbk")
    path = tmp_path / "年报.htm"
    path.write_bytes(
        html.replace('encoding="UTF-8"', 'encoding="GBK"').encode("gbk", errors="xmlcharrefreplace")
    )
    imported = read_file(path)
    assert _wrong(imported, _expected("seed.html")) == ([], [])


# ---------------------------------------------------------------- refusals and the command line


def test_scanned_pdf_is_refused_with_a_reason(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.pdfgen import canvas

    scan = tmp_path / "page.png"
    Image.new("L", (200, 280), 255).save(scan)
    path = tmp_path / "扫描件.pdf"
    page = canvas.Canvas(str(path))
    page.drawImage(str(scan), 50, 50, 400, 560)  # a photographed page: an image, no text layer
    page.save()
    with pytest.raises(UserError, match="第 1 页没有文字层，是扫描件"):
        read_file(path)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("旧报告.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),  # a .doc renamed .docx
        ("坏.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"),
        ("截断.pdf", (PUBLISHED / "seed.pdf").read_bytes()[:3000]),
    ],
    ids=["doc-renamed-docx", "pdf-without-root", "truncated-pdf"],
)
def test_a_damaged_word_or_pdf_file_is_refused_with_a_reason(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UserError, match="不是有效的"):
        read_file(path)


def test_doc_without_word_asks_for_docx(tmp_path: Path) -> None:
    path = tmp_path / "去年的报告.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    with pytest.raises(UserError, match=r"另存为 \.docx"):
        read_file(path)


def test_cli_import_writes_the_file_and_lists_what_is_unsure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    assert cli.run(["import", str(PUBLISHED / "real-046.txt"), "-o", str(out), "--json"]) == cli.EXIT_FINDINGS
    printed = json.loads(capsys.readouterr().out)
    assert printed["doubtful"] == [] and len(printed["unread"]) == 3 and printed["notes"]
    written = json.loads(out.read_text("utf-8"))
    assert written["requests"]["1"]["total"] == 16 and written["year"] == 2022
    assert cli.run(["check", str(out)]) == cli.EXIT_OK

    assert cli.run(["import", str(PUBLISHED / "seed.docx"), "-o", str(out)]) == cli.EXIT_OK
    assert cli.run(["import", str(tmp_path / "x.xls"), "-o", str(out)]) == cli.EXIT_UNUSABLE
    (tmp_path / "note.txt").write_text("会议纪要", "utf-8")
    assert cli.run(["import", str(tmp_path / "note.txt"), "-o", str(out)]) == cli.EXIT_UNUSABLE
    assert "没有找到" in capsys.readouterr().err


def test_main_py_import_in_a_fresh_process(tmp_path: Path) -> None:
    from tests.helpers import run_main

    out = tmp_path / "去年.json"
    done = run_main("import", PUBLISHED / "seed.html", "-o", out, "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert (printed["doubtful"], printed["unread"]) == ([], [])
    # the introduction before 一、 has no field: it is named in full, not dropped without a word
    [note] = printed["notes"]
    assert (
        note.startswith("标题之后、第一部分之前的文字")
        and "本报告依据《中华人民共和国政府信息公开条例》" in note
    )
    assert json.loads(out.read_text("utf-8")) == _expected("seed.html")
    missing = run_main("import", tmp_path / "无此文件.pdf", "-o", out)
    assert missing.returncode == 2 and "找不到文件" in missing.stderr and "Traceback" not in missing.stderr


# ---------------------------------------------------------------- documents as agencies publish them

IMPORTS = FIXTURES / "imports"


def _made(name: str, values: str | None = None) -> tuple[Imported, dict[str, Decimal]]:
    """A document of tests/fixtures/imports read, and the values its tables hold."""
    stem = values or name.rsplit(".", 1)[0]
    written = json.loads((IMPORTS / f"{stem}.values.json").read_text("utf-8"))
    return read_file(IMPORTS / name), {a: Decimal(v) for a, v in written.items()}


def _all_read(imported: Imported, values: dict[str, Decimal]) -> None:
    assert {a: imported.report.values[a] for a in SPEC.cells} == values
    assert (imported.doubtful, imported.unread) == ([], [])


def test_a_portal_page_ends_at_its_right_aligned_signature_not_in_its_furniture() -> None:
    imported, values = _made("cms-page.html")
    _all_read(imported, values)
    report = imported.report
    assert (report.agency, report.year) == ("某市某局", 2024)
    assert report.signature.name == "某市某局" and str(report.signature.date) == "2025-01-20"
    assert report.texts["other"] == "本年度未收取信息处理费。"  # not 560 characters of page furniture
    [dropped] = [n for n in imported.notes if n.startswith("报告落款之后")]
    assert "5 段" in dropped and "附件下载" in dropped


def test_without_a_signature_the_report_ends_where_the_page_furniture_begins() -> None:
    imported, values = _made("cms-page-unsigned.html", "cms-page")
    _all_read(imported, values)
    assert imported.report.texts["other"] == "本年度未收取信息处理费。"
    assert imported.report.signature.name is None


def test_a_fifth_section_worded_differently_is_still_the_fifth_section() -> None:
    imported, _ = _made("cms-page.html")
    assert imported.report.texts["problems"] == (
        "一是公开内容的解读还不够通俗。\n二是基层工作人员业务能力有待提高，下一步将组织专题培训。"
    )


def test_a_numbered_row_label_is_not_taken_for_a_section_heading() -> None:
    # 「四、结转下年度继续办理」 is a row of table 三, never section 四 however 四 is worded
    text = _printed(dict(_distinct()), "\t").replace("四、政府信息公开行政复议、行政诉讼情况", "四、复议诉讼")
    imported = read_pasted(None, text)
    assert imported.unread == [] and imported.report.values["requests.4.total"] is not None


@pytest.mark.parametrize("name", ["cms-page.html", "appendix.docx"])
def test_every_character_of_the_report_is_imported_or_named_in_a_note(name: str) -> None:
    """The report's own text (title to signature, headings and tables aside): each character is in
    an imported text or quoted by a note."""
    imported, _ = _made(name)
    body = json.loads((IMPORTS / name.replace(Path(name).suffix, ".body.json")).read_text("utf-8"))
    source = sum(len("".join(p.split())) for paragraphs in body.values() for p in paragraphs)
    kept = sum(len("".join(t.split())) for t in imported.report.texts.values())
    named = sum(
        len("".join(quote.split()))
        for note in imported.notes
        if "未导入" in note and not note.startswith("报告落款之后")  # what follows the report is no body
        for quote in re.findall(r"「(.*?)」。", note)
    )
    assert source > 100 and kept + named == source


def test_an_empty_cell_between_label_and_numbers_is_no_number() -> None:
    imported, values = _made("empty-label.pdf")
    _all_read(imported, values)
    assert any("（六）其他处理" in note and "旧版" in note for note in imported.notes)
    assert imported.report.signature.name == "某市某局"


def test_the_2019_section_two_table_is_read_by_its_header_never_by_position() -> None:
    imported, values = _made("old-2019.html")
    got = imported.report.values
    assert imported.report.year == 2020
    a = "active_disclosure"
    carried = [f"{a}.{r}.issued" for r in ("regulations", "normative_documents")]
    carried += [f"{a}.{r}.decisions" for r in ("licensing", "penalty", "coercion")]
    assert {c: got[c] for c in carried} == {c: values[c] for c in carried}  # 新制作 = 制发, 处理决定数量
    not_carried = [
        f"{a}.{r}.{c}" for r in ("regulations", "normative_documents") for c in ("repealed", "in_force")
    ]
    assert imported.unread == [*not_carried, f"{a}.fees.amount"]
    assert all(got[c] is None for c in imported.unread)  # 对外公开总数量 61 is never 现行有效
    notes = "\n".join(imported.notes)
    for row in ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"):
        assert f"「{row}」一行是旧版（2019 年）格式的表格" in notes
    assert "「对外公开总数量」61" in notes and "其他对外管理服务事项" in notes
    others = [c for c in SPEC.cells if not c.startswith(a)]
    assert {c: got[c] for c in others} == {c: values[c] for c in others}


def test_a_two_line_title_and_tables_at_the_end_as_appendices() -> None:
    imported, values = _made("appendix.docx")
    _all_read(imported, values)
    report = imported.report
    assert (report.agency, report.year) == ("某市某局", 2024)
    assert report.texts["other"] == "本年度未收取信息处理费。" and report.signature.name == "某市某局"
    assert "附表" not in report.texts["overview"] + report.texts["problems"]
    assert [n for n in imported.notes if "附表" in n] == []


def test_a_run_of_digits_with_one_way_to_cut_it_is_read() -> None:
    imported, values = _made("fused.txt")
    _all_read(imported, values)
    assert all(values[a] == 0 for a in SPEC.cells if a.startswith(("review_litigation", "requests.2.")))


def test_digits_run_together_are_settled_by_continuity_with_last_years_report(seed: Report) -> None:
    from core.documents.read.mapper import map_lines
    from core.documents.read.text import read_text

    values: dict[str, object] = dict(_distinct())
    row = "active_disclosure.normative_documents"
    values.update({f"{row}.issued": 5, f"{row}.repealed": 0, f"{row}.in_force": 66})
    text = _printed(values, "\t").replace("行政规范性文件\t5\t0\t66", "行政规范性文件5066")
    cells = [f"{row}.{c}" for c in ("issued", "repealed", "in_force")]
    alone = map_lines(read_text(text))  # 5,0,66 or 50,6,6: nothing in this year's tables decides
    assert alone.unread == cells
    last_year = copy.deepcopy(seed)
    last_year.values[f"{row}.in_force"] = Decimal(61)  # 61 + 5 − 0 = 66; 61 + 50 − 6 ≠ 6
    settled = map_lines(read_text(text), previous=last_year)
    assert [settled.report.values[a] for a in cells] == [5, 0, 66]
    assert (settled.doubtful, settled.unread) == ([], [])
    pasted = read_pasted(None, text, previous=last_year)  # 粘贴已发布的报告 maps with it too
    assert [pasted.report.values[a] for a in cells] == [5, 0, 66] and pasted.unread == []
    last_year.values[f"{row}.in_force"] = Decimal(40)  # continues neither cut (a reorganisation?)
    assert map_lines(read_text(text), previous=last_year).unread == cells


def test_a_pasted_report_is_mapped_with_last_years_report_from_the_database(
    db: Database, seed: Report
) -> None:
    values: dict[str, object] = dict(_distinct())
    row = "active_disclosure.normative_documents"
    values.update({f"{row}.issued": 7, f"{row}.repealed": 0, f"{row}.in_force": 88})
    text = _printed(values, "\t").replace("行政规范性文件\t7\t0\t88", "行政规范性文件7088")
    cells = [f"{row}.{c}" for c in ("issued", "repealed", "in_force")]
    library = Library(db)
    assert library.read_pasted(None, text).unread == cells  # no last year in the database yet
    last_year = copy.deepcopy(seed)
    last_year.agency, last_year.year = "测试县人民政府办公室", 2022
    last_year.values[f"{row}.in_force"] = Decimal(81)  # 81 + 7 − 0 = 88; 81 + 70 − 8 ≠ 8
    db.create_report(last_year)
    pasted = library.read_pasted(None, text)
    assert [pasted.report.values[a] for a in cells] == [7, 0, 88] and pasted.unread == []


def test_a_sentence_naming_a_site_word_is_not_page_furniture() -> None:
    values: dict[str, object] = dict(_distinct())
    other = "本机关作为门户网站的主办单位，已完成网站改版。"
    text = _printed(values, "\t").replace("这是第六部分的正文。", f"这是第六部分的正文。\n{other}")
    imported = read_pasted(None, text)
    assert imported.report.texts["other"] == f"这是第六部分的正文。\n{other}"
    assert imported.report.signature.name == "测试县人民政府办公室"


def test_a_small_table_inside_a_narrative_keeps_its_words() -> None:
    text = _printed(dict(_distinct()), "\t").replace(
        "这是第一部分的正文。", "这是第一部分的正文。\n公开平台\t更新条数\n门户网站\t1136"
    )
    imported = read_pasted(None, text)
    assert imported.report.texts["overview"] == "这是第一部分的正文。\n公开平台 更新条数\n门户网站 1136"
    assert (imported.doubtful, imported.unread) == ([], [])


def test_cli_import_takes_last_years_report_to_settle_digits(tmp_path: Path, seed: Report) -> None:
    from core.documents.exchange import write_report

    values: dict[str, object] = dict(_distinct())
    row = "active_disclosure.normative_documents"
    values.update({f"{row}.issued": 5, f"{row}.repealed": 0, f"{row}.in_force": 66})
    page = tmp_path / "年报.txt"
    page.write_text(_printed(values, "\t").replace("行政规范性文件\t5\t0\t66", "行政规范性文件5066"), "utf-8")
    seed.values[f"{row}.in_force"] = Decimal(61)
    write_report(seed, tmp_path / "上年.json")
    out = tmp_path / "out.json"
    assert cli.run(["import", str(page), "-o", str(out)]) == cli.EXIT_FINDINGS
    assert cli.run(["import", str(page), "-o", str(out), "--previous", str(tmp_path / "上年.json")]) == 0
    assert json.loads(out.read_text("utf-8"))["active_disclosure"]["normative_documents"]["in_force"] == 66


def test_a_signature_right_aligned_by_a_style_class_and_dated_in_chinese_numerals(tmp_path: Path) -> None:
    page = (IMPORTS / "cms-page.html").read_text("utf-8")
    page = page.replace("<head>", "<head><style>.sign { margin: 0; text-align: right }</style>")
    page = page.replace(
        "<p style='text-align: right;'>某市某局</p>", "<p class='title sign'>某市某局（盖章）</p>"
    )
    page = page.replace(
        "<div align='right'><p>2025年1月20日</p></div>", "<p class='sign'>二〇二五年一月二十日</p>"
    )
    page = page.replace("<div>附件下载", "<div>【字体：大 中 小】</div><div>附件下载")
    path = tmp_path / "page.html"
    path.write_text(page, "utf-8")
    imported = read_file(path)
    signature = imported.report.signature
    assert (signature.name, str(signature.date)) == ("某市某局（盖章）", "2025-01-20")
    assert imported.report.texts["other"] == "本年度未收取信息处理费。"


def test_a_list_of_attachments_naming_a_table_printed_in_the_body_moves_nothing() -> None:
    values = _distinct(17)
    text = _printed(dict(values), "\t") + "\n附件：2.收到和处理政府信息公开申请情况统计表"
    imported = read_pasted(None, text)
    assert (imported.doubtful, imported.unread) == ([], [])
    assert {a: imported.report.values[a] for a in SPEC.cells} == {a: Decimal(v) for a, v in values.items()}


def test_a_provincial_template_with_a_section_added_and_the_rest_renumbered() -> None:
    values = _distinct(19)
    text = _printed(dict(values), "\t")
    text = text.replace("六、其他需要报告的事项", "七、其他需要报告的事项")
    text = text.replace(
        "五、存在的主要问题及改进情况",
        "五、政务公开工作情况\n这是加上的一部分。\n六、存在的主要问题及改进情况",
    )
    imported = read_pasted(None, text)
    assert {a: imported.report.values[a] for a in SPEC.cells} == {a: Decimal(v) for a, v in values.items()}
    assert (imported.doubtful, imported.unread) == ([], [])
    assert imported.report.texts["problems"] == "这是第五部分的正文。"
    assert imported.report.texts["other"] == "这是第六部分的正文。"
    # the added section has no field: its words are named in a note, not lost
    assert any("五、政务公开工作情况" in n for n in imported.notes)
    assert any("这是加上的一部分。" in n for n in imported.notes)


def test_a_file_of_another_kind_is_refused_naming_every_kind_that_is_read(tmp_path: Path) -> None:
    from core.documents.file_kinds import PUBLISHED

    other = tmp_path / "年报.wps"
    other.write_text("2021年政府信息公开工作年度报告", encoding="utf-8")
    with pytest.raises(UserError) as refused:
        read_file(other)
    assert "年报.wps" in refused.value.message
    assert all(suffix in refused.value.message for suffix in PUBLISHED)  # .doc was left out
