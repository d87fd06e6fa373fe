"""Hostile ledgers and rosters found by benchmarks/fuzz_hostile.py (families register and roster), each
run through the real command or reader: a value Excel shows that the import did not take, a row lost
without a word, or an internal error where a clerk should read what is wrong. Also the workbook writer
the fuzz run builds its hostile .xlsx files with (cells as the sheet's XML holds them)."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from core.desk.roster_file import read_roster
from core.errors import UserError
from core.register.ledger import preview, read_rows
from core.register.ops import Register
from core.storage import Database
from tests.test_register_ledger import _cli

AGENCY = "温县自然资源局"
HEADERS = ["编号", "收到日期", "申请方式", "申请人类型", "申请内容", "答复日期", "办理结果", "信息处理费"]
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


@dataclass(frozen=True)
class Number:
    """A number cell as the sheet's XML writes its value (<v>46086</v>, or a hostile <v>NaN</v>)."""

    xml: str


@dataclass(frozen=True)
class Formula:
    formula: str
    cached: str | None  # the value Excel saves beside it; None: saved by a program that did not
    text: bool = False  # t="str": a text result


def _column(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_xml(rows: Sequence[Sequence[object]], merged: Sequence[str] = ()) -> str:
    """A worksheet of `rows` from row 1: text as inline strings, `Number` and `Formula` cells as given."""
    out = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>']
    for r, row in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, value in enumerate(row):
            at = f'r="{_column(c)}{r}"'
            if isinstance(value, Number):
                out.append(f"<c {at}><v>{value.xml}</v></c>")
            elif isinstance(value, Formula):
                kind = ' t="str"' if value.text else ""
                cached = "" if value.cached is None else f"<v>{escape(value.cached)}</v>"
                out.append(f"<c {at}{kind}><f>{escape(value.formula)}</f>{cached}</c>")
            elif value not in (None, ""):
                out.append(
                    f'<c {at} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'
                )
        out.append("</row>")
    out.append("</sheetData>")
    if merged:
        out.append("<mergeCells>" + "".join(f'<mergeCell ref="{m}"/>' for m in merged) + "</mergeCells>")
    return "".join(out) + "</worksheet>"


def workbook(sheets: Sequence[tuple[str, str, bool]], date1904: bool = False) -> bytes:
    """An .xlsx laid out as Excel saves one, of (tab name, sheet XML, hidden) in tab order; Excel
    opens on the first tab that is not hidden. `date1904`: dates count from 1904 (Excel for Mac)."""
    numbered = list(enumerate(sheets, start=1))
    shown = next(i for i, (_, _, hidden) in numbered if not hidden) - 1
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
        '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
        f'"/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_TYPE}.worksheet+xml"/>'
            for i, _ in numbered
        )
        + "</Types>",
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" '
        f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_RELS}">'
        + ('<workbookPr date1904="1"/>' if date1904 else "")
        + "<bookViews>"
        f'<workbookView activeTab="{shown}"/></bookViews><sheets>'
        + "".join(
            f'<sheet name="{name}" sheetId="{i}"{' state="hidden"' if hidden else ""} r:id="rId{i}"/>'
            for i, (name, _, hidden) in numbered
        )
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{_PACKAGE}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i, _ in numbered
        )
        + "</Relationships>",
    }
    parts |= {f"xl/worksheets/sheet{i}.xml": xml for i, (_, xml, _) in numbered}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)
    return out.getvalue()


def _ledger_xlsx(path: Path, rows: Sequence[Sequence[object]], merged: Sequence[str] = ()) -> Path:
    path.write_bytes(
        workbook([("台账", sheet_xml([["2026年依申请公开登记台账"], HEADERS, *rows], merged), False)])
    )
    return path


def _stored(db_path: Path) -> dict[str, dict[str, str | None]]:
    with Database.open(db_path, read_only=True) as db:
        return {r.number: r.to_flat() for r in Register(db, AGENCY).requests()}


def test_a_csv_quote_that_never_closes_is_refused_where_it_opens(tmp_path: Path, db_path: Path) -> None:
    """A quote left open in a small file ran to the end as one cell: the ledger's row took every row
    after it as its 申请内容 and the roster lost its last names, without a word."""
    rows = "".join(f"ZR-{n},2026-01-0{n},自然人,申请{n}\n" for n in range(3, 8))
    ledger = tmp_path / "台账.csv"
    ledger.write_text(f'编号,收到日期,申请人类型,申请内容\nZR-1,2026-01-05,自然人,"关于某事\n{rows}', "gbk")
    why = '台账文件“台账.csv”不是有效的 CSV 文件：第 2 行某格开头的英文引号（"）没有配对'
    refused = _cli("register", "import", ledger, "--agency", AGENCY, "--db", db_path)
    assert refused.returncode == 2 and why in refused.stderr, refused.stderr
    roster = tmp_path / "名单.csv"
    roster.write_text('序号,单位名称\n1,温县财政局\n2,"温县教育局\n3,温县民政局\n', "utf-8")
    with pytest.raises(UserError) as refused:
        read_roster(roster)
    assert refused.value.message.startswith(
        "名单文件“名单.csv”不是有效的 CSV 文件：第 3 行某格开头的英文引号"
    )
    roster.write_bytes('序号,单位名称\r1,温县财政局\r2,"温县教育局\r3,温县民政局\r'.encode())  # Excel for Mac
    with pytest.raises(UserError, match="第 3 行某格开头的英文引号"):
        read_roster(roster)
    fine = tmp_path / "引号.csv"  # quotes Excel reads: paired, doubled, or inside a cell
    fine.write_text('序号,单位名称\n1,"温县""甲""局"\n2,温县"乙局\n3,"温县丙局"丁\n', "utf-8")
    assert read_roster(fine) == ['温县"甲"局', '温县"乙局', "温县丙局丁"]


def test_a_number_cell_that_is_no_number_names_its_row(tmp_path: Path, db_path: Path) -> None:
    """<v>NaN</v> or <v>1e309</v> in a number cell was an internal error (exit 3): no row was imported."""
    ledger = _ledger_xlsx(
        tmp_path / "台账.xlsx",
        [
            ["ZR-1", Number("46086"), "网络", "自然人", "甲", "", "", Number("12.5")],
            ["ZR-2", Number("NaN"), "网络", "自然人", "乙"],
            ["ZR-3", Number("46087"), "网络", "自然人", "丙", "", "", Number("1e309")],
        ],
    )
    imported = _cli("register", "import", ledger, "--agency", AGENCY, "--db", db_path, "--json")
    assert imported.returncode == 1, imported.stderr
    assert json.loads(imported.stdout)["rejected"] == [
        {
            "row": 4,
            "column": "收到日期",
            "value": "NaN",
            "why": json.loads(imported.stdout)["rejected"][0]["why"],
        },
        {"row": 5, "column": "信息处理费", "value": "1e309", "why": "“1e309”不是金额。"},
    ]
    assert "不是日期" in json.loads(imported.stdout)["rejected"][0]["why"]
    assert _stored(db_path)["ZR-1"]["received"] == "2026-03-05" and _stored(db_path)["ZR-1"]["fee"] == "12.5"


def test_dates_outside_the_register_years_are_named_not_a_crash_later(tmp_path: Path, db_path: Path) -> None:
    """A 收到日期 of 9999-12-31 or 0001-01-01 was imported; `register due` then died (exit 3: the
    calendar ran past year 9999) and a year-1 request counted 2,000 years of working days."""
    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        "编号,收到日期,申请人类型,申请内容\nZR-1,2026-03-05,自然人,甲\nZR-2,9999-12-31,自然人,乙\n"
        "ZR-3,0001-01-01,自然人,丙\n",
        "utf-8",
    )
    at = ("--agency", AGENCY, "--db", db_path)
    imported = _cli("register", "import", ledger, *at)
    assert imported.returncode == 1, imported.stderr
    assert (
        "第 3 行「收到日期」“9999-12-31”：9999年12月31日 不在 1990–2200 年之间，请检查日期。"
        in imported.stderr
    )
    assert "第 4 行「收到日期」“0001-01-01”：1年1月1日 不在 1990–2200 年之间，请检查日期。" in imported.stderr
    assert list(_stored(db_path)) == ["ZR-1"]
    due = _cli("register", "due", *at, "--on", "9999-12-30")
    assert due.returncode == 2 and "9999年12月30日 不在 1990–2200 年之间" in due.stderr, due.stderr
    table = _cli("register", "table", *at, "--year", "10000", "--json")
    assert table.returncode == 2 and "年份 10000 不在 1990–2200 年之间" in table.stderr, table.stderr


def test_a_number_twice_in_one_ledger_names_the_later_row(tmp_path: Path, db_path: Path) -> None:
    """Two rows with one 编号 and different content: the later one overwrote the earlier without a word."""
    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        "编号,收到日期,申请人类型,申请内容\nZR-1,2026-03-05,自然人,甲\nZR-1,2026-03-06,商业企业,乙\n"
        "ZR-2,2026-03-07,自然人,丙\nZR-2,2026-03-07,自然人,丙\n",
        "utf-8",
    )
    imported = _cli("register", "import", ledger, "--agency", AGENCY, "--db", db_path)
    assert imported.returncode == 1, imported.stderr
    assert "第 3 行「编号」“ZR-1”：编号与第 2 行相同，内容却不同" in imported.stderr
    assert "第 5 行" not in imported.stderr  # the same row twice: nothing lost, nothing to say
    stored = _stored(db_path)
    assert (stored["ZR-1"]["received"], stored["ZR-1"]["subject"]) == ("2026-03-05", "甲")
    assert list(stored) == ["ZR-1", "ZR-2"]


def test_cells_merged_down_give_each_row_their_value(tmp_path: Path, db_path: Path) -> None:
    """One 答复日期 and 办理结果 merged over three rows: Excel shows them on each; the two rows below came
    in as still 办理中."""
    ledger = _ledger_xlsx(
        tmp_path / "台账.xlsx",
        [
            ["ZR-1", "2026-03-02", "网络", "自然人", "甲", "2026-03-20", "予以公开"],
            ["ZR-2", "2026-03-03", "网络", "自然人", "乙"],
            ["ZR-3", "2026-03-04", "网络", "自然人", "丙"],
            ["ZR-4", "2026-03-05", "网络", "自然人", "丁"],
        ],
        merged=["F3:F5", "G3:G5", "A1:H1"],
    )
    assert _cli("register", "import", ledger, "--agency", AGENCY, "--db", db_path).returncode == 0
    stored = _stored(db_path)
    assert [stored[n]["answered"] for n in ("ZR-1", "ZR-2", "ZR-3", "ZR-4")] == ["2026-03-20"] * 3 + [None]
    assert [stored[n]["result"] for n in ("ZR-1", "ZR-2", "ZR-3", "ZR-4")] == ["3.1"] * 3 + [None]


def test_a_formula_saved_without_its_value_names_its_row(tmp_path: Path, db_path: Path) -> None:
    """A formula cell with no value saved (a program, not Excel, wrote the file): Excel shows a date,
    the import read an empty cell and took the request as 办理中."""
    ledger = _ledger_xlsx(
        tmp_path / "台账.xlsx",
        [
            [
                "ZR-1",
                Formula("DATE(2026,3,5)", "46086"),
                "网络",
                "自然人",
                Formula('"甲"&"乙"', "甲乙", True),
            ],
            ["ZR-2", "2026-03-06", "网络", "自然人", "丙", Formula("B4+10", None), "予以公开"],
        ],
    )
    imported = _cli("register", "import", ledger, "--agency", AGENCY, "--db", db_path)
    assert imported.returncode == 1, imported.stderr
    assert (
        "第 4 行「答复日期」“”：这一格是公式，文件中没有保存它的结果。请用 Excel 打开台账、保存后再导入。"
        in imported.stderr
    )
    assert _stored(db_path) == {"ZR-1": _stored(db_path)["ZR-1"]}
    assert (_stored(db_path)["ZR-1"]["received"], _stored(db_path)["ZR-1"]["subject"]) == (
        "2026-03-05",
        "甲乙",
    )


def test_a_hidden_sheet_before_the_ledger_is_not_read(tmp_path: Path, db_path: Path) -> None:
    """The first sheet file was read even when hidden (an old copy of the ledger, a list of values): its
    rows were imported in place of the sheet Excel opens on. The roster read the hidden sheet too."""
    old = sheet_xml([HEADERS, ["ZR-1", "2025-01-02", "当面", "自然人", "旧表"]])
    new = sheet_xml([HEADERS, ["ZR-1", "2026-03-02", "网络", "自然人", "新表"]])
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(workbook([("旧表", old, True), ("台账", new, False)]))
    assert _cli("register", "import", ledger, "--agency", AGENCY, "--db", db_path).returncode == 0
    assert (_stored(db_path)["ZR-1"]["received"], _stored(db_path)["ZR-1"]["subject"]) == (
        "2026-03-02",
        "新表",
    )
    roster = tmp_path / "名单.xlsx"
    roster.write_bytes(
        workbook(
            [
                ("旧", sheet_xml([["单位名称"], ["旧名单里的单位"]]), True),
                ("名单", sheet_xml([["单位名称"], ["温县财政局"], ["温县教育局"]]), False),
            ]
        )
    )
    assert read_roster(roster) == ["温县财政局", "温县教育局"]


def test_a_roster_with_a_title_line_above_its_header_reads_the_names(tmp_path: Path) -> None:
    """「2021年应报单位名单」above 序号/单位名称: the header was not looked for below the first row, so
    the title, 序号 and 1, 2, 3 became the roster's agencies."""
    roster = tmp_path / "名单.csv"
    roster.write_text(
        "2021年应报单位名单,,\n序号,单位名称,联系人\n1,温县财政局,张\n2,温县教育局,李\n", "utf-8"
    )
    assert read_roster(roster) == ["温县财政局", "温县教育局"]
    book = tmp_path / "名单.xlsx"
    book.write_bytes(
        workbook(
            [
                (
                    "名单",
                    sheet_xml([["2021年应报单位名单"], [], ["序号", "单位名称"], ["1", "温县民政局"]]),
                    False,
                )
            ]
        )
    )
    assert read_roster(book) == ["温县民政局"]


def test_a_roster_name_too_long_for_the_desk_is_refused_not_dropped(tmp_path: Path) -> None:
    """A name of 1,000 characters was left off the desk's roster without a word."""
    roster = tmp_path / "名单.csv"
    roster.write_text(f"单位名称\n温县财政局\n{'某' * 1000}\n", "utf-8")
    with pytest.raises(UserError) as refused:
        read_roster(roster)
    assert refused.value.message == (
        f"名单文件“名单.csv”中的单位名称“{'某' * 20}…”太长（1000 个字），最多 100 个字。请改正后再读入。"
    )


def test_a_ledger_wider_than_any_ledger_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """10,000 columns of 备注 took gigabytes and a quarter of a minute to be read (and were imported); a
    cell that only has a style, far to the right, does not widen a row."""
    wide = tmp_path / "宽.csv"
    wide.write_text(",".join(HEADERS + ["备注"] * 300) + "\nZR-1,2026-03-02,网络,自然人,甲\n", "utf-8")
    with pytest.raises(UserError) as refused:
        preview(wide)
    assert refused.value.message == "台账文件“宽.csv”第 1 行有 308 列，超过 256 列，不像是登记台账。"
    styled = sheet_xml([HEADERS, ["ZR-1", "2026-03-02", "网络", "自然人", "甲"]]).replace(
        "</row></sheetData>", '<c r="XFD2" s="1"/></row></sheetData>'
    )
    book = tmp_path / "台账.xlsx"
    book.write_bytes(workbook([("台账", styled, False)]))
    assert [len(cells) for _, cells in preview(book).rows] == [5]
    far = tmp_path / "远.xlsx"
    far.write_bytes(
        workbook([("台账", styled.replace('<c r="XFD2" s="1"/>', '<c r="KA2"><v>1</v></c>'), False)])
    )
    with pytest.raises(UserError, match=r"台账文件“远\.xlsx”第 2 行有 287 列，超过 256 列"):
        preview(far)


def test_a_sheet_of_millions_of_tiny_cells_is_refused_at_once(tmp_path: Path) -> None:
    """A workbook of a few hundred KB whose sheet holds 4 million cells of 1, under the unpacked bound:
    the whole tree was built (3.4 GB, 45 s for 8 million) before the header was found missing."""
    row = "<row>" + "<c><v>1</v></c>" * 200 + "</row>"
    xml = f'<worksheet xmlns="{_MAIN}"><sheetData>{row * 20_500}</sheetData></worksheet>'
    bomb = tmp_path / "台账.xlsx"
    bomb.write_bytes(workbook([("台账", xml, False)]))
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(UserError) as refused:
        preview(bomb)
    assert refused.value.message == "台账文件“台账.xlsx”的单元格超过 2,000,000 个，不像是登记台账。"


def test_without_numbers_two_requests_of_one_day_and_subject_name_the_later(
    tmp_path: Path, db_path: Path
) -> None:
    """A ledger without 编号: two people asking the same thing the same day are keyed alike, and the
    later row overwrote the earlier without a word (one request stored for two)."""
    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        "收到日期,申请人类型,申请人,申请内容\n2026-03-05,自然人,张三,征收补偿\n2026-03-05,商业企业,某公司,征收补偿\n"
        "2026-03-06,自然人,李四,规划\n2026-03-06,自然人,李四,规划\n",
        "utf-8",
    )
    imported = _cli("register", "import", ledger, "--agency", AGENCY, "--db", db_path)
    assert imported.returncode == 1, imported.stderr
    assert (
        "第 3 行「申请内容」“征收补偿”：收到日期和申请内容与第 2 行相同，内容却不同"
        "（台账没有编号时据此区分申请，请加上编号）" in imported.stderr
    )
    assert "第 5 行" not in imported.stderr
    stored = _stored(db_path)
    assert [(r["applicant_name"], r["subject"]) for r in stored.values()] == [
        ("张三", "征收补偿"),
        ("李四", "规划"),
    ]


def test_a_workbook_of_the_1904_date_system_reads_its_dates_as_excel_shows_them(
    tmp_path: Path, db_path: Path
) -> None:
    """A ledger saved by Excel for Mac in its 1904 date system: every date cell came in 4 years and a day
    early (2026-03-05 stored as 2022-03-04), without a word; its numbers stay as they are."""
    rows = [["2026年依申请公开登记台账"], HEADERS, [Number("7"), Number("44624"), "网络", "自然人", "甲"]]
    rows[2] += [Number("44639"), "予以公开", Number("46086")]
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(workbook([("台账", sheet_xml(rows), False)], date1904=True))
    assert _cli("register", "import", ledger, "--agency", AGENCY, "--db", db_path).returncode == 0
    stored = _stored(db_path)["7"]
    assert (stored["received"], stored["answered"], stored["fee"]) == ("2026-03-05", "2026-03-20", "46086")


def test_a_long_cell_above_the_header_is_no_header_and_no_hang(tmp_path: Path) -> None:
    """A cell of 100,000 opening brackets in the rows searched for the header: stripping （…） from it
    took minutes (the pattern is quadratic in an unclosed bracket)."""
    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        "(" * 100_000 + "\n" + ",".join(HEADERS) + "\nZR-1,2026-03-02,网络,自然人,甲\n", "utf-8"
    )
    started = time.perf_counter()
    found = preview(ledger)
    assert (found.header_row, [n for n, _ in found.rows]) == (2, [3])
    assert time.perf_counter() - started < 5  # minutes before


def test_merged_ranges_over_every_row_again_and_again_are_bounded(tmp_path: Path, db_path: Path) -> None:
    """Thousands of merged ranges down a ledger's every row: each filled every row again (millions of
    cells, no ledger); the same range given twice fills once."""
    rows = [["ZR-1", "2026-03-02", "网络", "自然人", "甲", "2026-03-20", "予以公开"]]
    rows += [[f"ZR-{n}", "2026-03-02", "网络", "自然人", f"申请{n}"] for n in range(2, 2001)]
    over = [f"F3:F{2002 + n}" for n in range(1200)]  # each reaching past the last row
    ledger = _ledger_xlsx(tmp_path / "台账.xlsx", rows, merged=over)
    with pytest.raises(UserError) as refused:
        preview(ledger)
    assert refused.value.message == "台账文件“台账.xlsx”的单元格超过 2,000,000 个，不像是登记台账。"
    again = _ledger_xlsx(tmp_path / "再.xlsx", rows, merged=["F3:F2002"] * 1200)
    assert {cells[5].text for _, cells in preview(again).rows} == {"2026-03-20"}


def test_a_workbook_saved_as_strict_open_xml_is_read(tmp_path: Path) -> None:
    """Excel's 「Strict Open XML 电子表格」 names its elements in other namespaces: the ledger and the
    roster saw no cell at all (「找不到台账的表头」 beside a header the clerk can see)."""
    strict = {
        _MAIN: "http://purl.oclc.org/ooxml/spreadsheetml/main",
        _RELS: "http://purl.oclc.org/ooxml/officeDocument/relationships",
    }

    def saved_strict(path: Path, rows: list[list[object]]) -> Path:
        with zipfile.ZipFile(io.BytesIO(workbook([("表", sheet_xml(rows), False)]))) as usual:
            parts = {name: usual.read(name).decode() for name in usual.namelist()}
        with zipfile.ZipFile(path, "w") as book:
            for name, text in parts.items():
                for old, new in strict.items():
                    text = text.replace(old, new)
                book.writestr(name, text)
        return path

    ledger = saved_strict(
        tmp_path / "台账.xlsx", [HEADERS, ["ZR-1", Number("46086"), "网络", "自然人", "甲"]]
    )
    found = preview(ledger)
    assert found.samples(1, 1) == ["2026-03-05"] and found.distinct("subject") == ["甲"]
    roster = saved_strict(tmp_path / "名单.xlsx", [["单位名称"], ["温县财政局"]])
    assert read_roster(roster) == ["温县财政局"]


def test_invisible_characters_in_a_roster_are_not_part_of_its_names(tmp_path: Path) -> None:
    """The roster reads through the same cells as the ledger: a soft hyphen or a zero-width space in a
    name made 「温县财政局」 another agency than the report's (the ledger's list of them missed some)."""
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,单位名称\n1,温县财政\u00ad局\n2,温县\u200b教育局\n3,温县民政局\u2063\n", "utf-8")
    assert read_roster(roster) == ["温县财政局", "温县教育局", "温县民政局"]
    book = tmp_path / "名单.xlsx"
    book.write_bytes(workbook([("名单", sheet_xml([["单位名称"], ["温县审计\u180e局"]]), False)]))
    assert read_roster(book) == ["温县审计局"]


def test_invisible_characters_pasted_into_a_ledger_are_not_its_values(tmp_path: Path, db_path: Path) -> None:
    """Zero-width spaces (pasted from a web page) and a BOM inside the file (two files joined): the row
    was refused for “自然人\u200b” that reads 自然人, or stored 编号 “\ufeffZR-3” that a later import of
    the clean ledger took for another request."""
    first = (
        "编号,收到日期,申请人类型,申请内容\nZR-1,2026-03-05,自然人\u200b,甲\nZR-2,2026-03-06\u200b,个人,乙\n"
    )
    ledger = tmp_path / "台账.csv"
    ledger.write_bytes(first.encode("utf-8-sig") + "ZR-3,2026-03-07,自然人,丙\n".encode("utf-8-sig"))
    imported = _cli("register", "import", ledger, "--agency", AGENCY, "--db", db_path)
    assert imported.returncode == 0, imported.stderr
    book = _ledger_xlsx(
        tmp_path / "台账.xlsx", [["ZR-4\u2060", "2026-03-08", "网络", "\ufeff企业", "丁\u200d"]]
    )
    assert _cli("register", "import", book, "--agency", AGENCY, "--db", db_path).returncode == 0
    stored = _stored(db_path)
    assert list(stored) == ["ZR-1", "ZR-2", "ZR-3", "ZR-4"]
    assert [(r["received"], r["applicant"], r["subject"]) for r in stored.values()] == [
        ("2026-03-05", "natural_person", "甲"),
        ("2026-03-06", "natural_person", "乙"),
        ("2026-03-07", "natural_person", "丙"),
        ("2026-03-08", "commercial", "丁"),
    ]


def test_a_workbook_under_another_name_is_read_or_refused_for_what_it_is(tmp_path: Path) -> None:
    """An .xlsx saved as 台账.csv was refused for its 编码 (请另存为 UTF-8 或 GBK); an old .xls renamed
    .xlsx, or a workbook with a password to open (both compound files), was 不是有效的 Excel with no
    word of what to do."""
    rows: list[list[object]] = [HEADERS, ["ZR-1", "2026-03-02", "网络", "自然人", "甲"]]
    named_csv = tmp_path / "台账.csv"
    named_csv.write_bytes(workbook([("台账", sheet_xml(rows), False)]))
    assert preview(named_csv).distinct("subject") == ["甲"]
    roster = tmp_path / "名单.csv"
    roster.write_bytes(workbook([("名单", sheet_xml([["单位名称"], ["温县财政局"]]), False)]))
    assert read_roster(roster) == ["温县财政局"]
    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)
    for name, read in (("台账", preview), ("名单", read_roster)):
        for suffix in (".xlsx", ".csv"):
            path = tmp_path / f"旧{name}{suffix}"
            path.write_bytes(old)
            with pytest.raises(UserError) as refused:
                read(path)
            assert refused.value.message == (
                f"{name}文件“旧{name}{suffix}”是旧版 Excel（.xls）文件，或设有打开密码，本软件不能读取。"
                "请在 Excel 中打开，另存为“Excel 工作簿（*.xlsx）”（不设密码）后再读入。"
            )


def test_a_ledger_of_millions_of_empty_lines_is_refused_as_it_is_read(tmp_path: Path) -> None:
    """30 MB of empty lines (31 million rows) were each kept as a row: 7.5 GB and 37 s before the
    header was found missing. Rows are counted as they are read; an empty one is not kept."""
    blank = tmp_path / "台账.csv"
    blank.write_bytes(",".join(HEADERS).encode() + b"\n" + b"\n" * 1_048_576 + b"ZR-1,2026-03-02")
    with pytest.raises(UserError) as refused:
        preview(blank)
    assert refused.value.message == "台账文件“台账.csv”超过 1,048,576 行，不像是登记台账。"
    few = tmp_path / "空行.csv"
    few.write_text(",".join(HEADERS) + "\n" * 1000 + "ZR-1,2026-03-02,网络,自然人,甲\n", "utf-8")
    assert [n for n, _ in preview(few).rows] == [1001]


def test_cells_without_references_keep_their_columns_across_empty_ones(tmp_path: Path) -> None:
    """A program that writes no cell references ("A1") keeps each cell's place with an empty <c/>: the
    cells after it stay in their columns (skipping empty cells had moved them one to the left)."""

    def row(values: Sequence[str | None]) -> str:
        cells = (f'<c t="inlineStr"><is><t>{v}</t></is></c>' if v else "<c/>" for v in values)
        return "<row>" + "".join(cells) + "</row>"

    data = row(["ZR-1", "2026-03-02", None, "自然人", "甲"])
    xml = f'<worksheet xmlns="{_MAIN}"><sheetData>{row(HEADERS)}{data}</sheetData></worksheet>'
    book = tmp_path / "台账.xlsx"
    book.write_bytes(workbook([("台账", xml, False)]))
    found = preview(book)
    assert found.distinct("applicant") == ["自然人"] and found.distinct("subject") == ["甲"]
    assert found.distinct("channel") == []


def test_rows_without_references_are_numbered_past_an_empty_one(tmp_path: Path) -> None:
    """A program that writes no `r` on its rows: after an empty row every later row was named one too
    low (a bad date in row 5 said 「第 4 行」), and a merged range filled the wrong rows."""
    rows = [["2026年依申请公开登记台账"], [], HEADERS, ["A-1", "2026-01-05", "网络", "自然人", "甲"]]
    rows.append(["A-2", "2026-02-30", "网络", "自然人", "乙"])
    xml = re.sub(r' r="[A-Z]*\d+"', "", sheet_xml(rows))  # no row or cell references at all
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(workbook([("台账", xml, False)]))
    found = preview(ledger)
    assert [number for number, _ in found.rows] == [4, 5]
    [refused] = read_rows(found)[1]
    assert refused.row == 5


def test_a_fee_with_cents_past_six_digits_is_stored_as_written(tmp_path: Path, db_path: Path) -> None:
    """A number cell became text with six significant digits: a fee of 12345.67 元 was stored as 12345.7."""
    ledger = _ledger_xlsx(
        tmp_path / "台账.xlsx",
        [["ZR-1", Number("46086"), "网络", "自然人", "甲", "", "", Number("12345.67")]],
    )
    with Database.open(db_path) as db:
        assert Register(db, AGENCY).import_ledger(preview(ledger)).imported == 1
    assert _stored(db_path)["ZR-1"]["fee"] == "12345.67"


def test_a_roster_title_above_a_header_whose_name_column_is_unusual(tmp_path: Path) -> None:
    """「2021年应报单位名单」 above 序号 / 部门全称 / 联系人: the title, 序号, 1 and 2 became agencies."""
    roster = tmp_path / "名单.csv"
    roster.write_text("2021年应报单位名单\n序号,部门全称,联系人\n1,甲局,张三\n2,乙局,李四\n", "utf-8")
    assert read_roster(roster) == ["甲局", "乙局"]


def test_a_ledger_csv_in_utf16_with_its_mark_is_read(tmp_path: Path, db_path: Path) -> None:
    """A .csv saved as UTF-16 (with its byte-order mark) was refused: 「编码无法识别」."""
    text = "编号,收到日期,申请人类型,申请内容\nZR-1,2026-03-05,自然人,甲\n"
    for codec in ("utf-16", "utf-16-be"):
        ledger = tmp_path / f"{codec}.csv"
        ledger.write_bytes(("\ufeff" if codec == "utf-16-be" else "").encode(codec) + text.encode(codec))
        imported = _cli("register", "import", ledger, "--agency", AGENCY, "--db", db_path)
        assert imported.returncode == 0, imported.stderr
    assert [(n, r["subject"]) for n, r in _stored(db_path).items()] == [("ZR-1", "甲")]


def test_a_roster_in_gbk_behind_a_utf8_mark_is_read(tmp_path: Path) -> None:
    """An editor put a UTF-8 byte-order mark before GBK text: it was read, and must stay so."""
    roster = tmp_path / "名单.csv"
    roster.write_bytes(b"\xef\xbb\xbf" + "序号,单位名称\n1,温县财政局\n2,温县教育局\n".encode("gbk"))
    assert read_roster(roster) == ["温县财政局", "温县教育局"]
