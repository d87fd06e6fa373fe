"""The four traps of a desk that gives a wrong figure that looks right (issue 19), each driven through the
desk session with a real folder and real files, no Qt: the desk's own 汇总 read back as a department, a
wrong-year file, a roster whose first column is 序号, a cancelled read that looks finished. And what
goes with them: conflicts, duplicates, the 汇总 package sent up the chain, the blanks a 汇总 counted as 0."""

from __future__ import annotations

import csv
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core import desk
from core.desk import marks
from core.desk.package import write_sum_package
from core.desk.sums import write_sum
from core.documents.exchange import read_report, write_report
from core.errors import UserError
from core.model.report import Report
from core.ops.policy import may_show_code
from tests.helpers import distinct_report, run_main

YEAR = 2025
AGENCIES = ("温县财政局", "温县教育局", "温县公安局")


def _write(folder: Path, report: Report, name: str | None = None) -> Path:
    path = folder / (name or f"{report.agency}-{report.year}.json")
    write_report(report, path)
    return path


def _inbox(folder: Path) -> list[Report]:
    reports = [distinct_report(a, YEAR, base=1 + 300 * i) for i, a in enumerate(AGENCIES)]
    for r in reports:
        _write(folder, r)
    return reports


def _session(folder: Path) -> desk.DeskSession:
    session = desk.DeskSession.of_folder(folder)
    session.memory.set_roster(desk.Roster.of(AGENCIES))
    session.read()
    return session


def _total(session: desk.DeskSession) -> dict[str, Decimal | None]:
    board = session.board(YEAR)
    return session.sum(board, "温县").total.values


# ---------------------------------------------------------------- 1. the desk's own 汇总


@pytest.mark.parametrize("suffix", [".json", ".pdf", ".docx", ".html"])
def test_a_sum_exported_into_the_inbox_is_never_counted(tmp_path: Path, suffix: str) -> None:
    _inbox(tmp_path)
    session = _session(tmp_path)
    board = session.board(YEAR)
    first = session.sum(board, "温县")
    path = tmp_path / f"本级汇总{suffix}"
    write_sum(first, path)

    again = _session(tmp_path)
    board = again.board(YEAR)
    assert [r.agency for r in board.rows] == list(AGENCIES)  # no row 「温县」 or 「本级汇总」
    assert [u.file for u in board.sums] == [path]
    assert "汇总" in board.sums[0].reason
    assert again.sum(board, "温县").total.values == first.total.values  # not twice the truth


def test_a_sum_copied_without_its_properties_is_known_by_its_list(tmp_path: Path) -> None:
    _inbox(tmp_path)
    session = _session(tmp_path)
    result = session.sum(session.board(YEAR), "温县")
    page = tmp_path / "汇总.html"
    write_sum(result, page)
    text = page.read_text("utf-8")
    assert marks.SUM_MARK in text
    page.write_text(text.replace(marks.SUM_MARK, ""), "utf-8")  # a copy that lost its keywords
    board = _session(tmp_path).board(YEAR)
    assert [u.file for u in board.sums] == [page]


def test_every_form_of_a_sum_carries_the_mark(tmp_path: Path) -> None:
    _inbox(tmp_path)
    session = _session(tmp_path)
    result = session.sum(session.board(YEAR), "温县")
    out = tmp_path / "out"
    out.mkdir()
    for suffix in (".json", ".pdf", ".docx", ".xlsx", ".html"):
        write_sum(result, out / f"s{suffix}")
    data = json.loads((out / "s.json").read_text("utf-8"))
    assert data["summary"]["kind"] == "汇总"
    assert [i["agency"] for i in data["summary"]["included"]] == list(AGENCIES)
    assert read_report(out / "s.json").values == result.total.values  # still a valid exchange file
    for suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(out / f"s{suffix}") as book:
            assert marks.SUM_MARK in book.read("docProps/core.xml").decode("utf-8")
    assert marks.marked_file(out / "s.pdf")
    from pypdf import PdfReader

    meta = PdfReader(out / "s.pdf").metadata
    assert meta is not None and marks.SUM_MARK in str(meta.get("/Keywords"))
    with pytest.raises(UserError, match="汇总"):
        desk.receive(out / "s.xlsx")


# ---------------------------------------------------------------- 2. wrong year, conflicts, duplicates


def _wrong_year(agency: str, base: int) -> Report:
    """A department's 2025 figures sent with `year: 2024` (its text speaks of 2025)."""
    report = distinct_report(agency, YEAR - 1, base=base)
    report.texts["overview"] = f"{YEAR}年，{agency}认真落实政务公开工作。截至{YEAR}年12月31日，主动公开信息。"
    return report


def test_a_wrong_year_file_shows_on_the_row_and_does_not_replace_last_year(tmp_path: Path) -> None:
    finance, education = AGENCIES[0], AGENCIES[1]
    last = distinct_report(finance, YEAR - 1, base=10)
    _write(tmp_path, last, "财政局-2024.json")
    _write(tmp_path, distinct_report(finance, YEAR, base=11), "财政局-2025.json")
    wrong = _write(tmp_path, _wrong_year(finance, 700), "财政局-新.json")  # arrives last
    _write(tmp_path, _wrong_year(education, 900), "教育局.json")
    session = _session(tmp_path)
    board = session.board(YEAR)
    rows = {r.agency: r for r in board.rows}
    assert rows[education].status == desk.MISSING
    assert any("年度为 2024，正文写的是 2025 年" in n for n in rows[education].notes)
    assert any(wrong.name in n and "正文写的是 2025 年" in n for n in rows[finance].notes)
    # last year's report is the real one: no 同比突变 against the wrong-year figures
    assert rows[finance].cross_year == sum(
        f.rule.startswith("YEAR.")
        for f in desk.BoardRow.checked(finance, rows[finance].received, last).findings  # type: ignore[arg-type]
    )
    last_board = {r.agency: r for r in session.board(YEAR - 1).rows}
    assert last_board[finance].received is not None
    assert last_board[finance].received.report == last  # not "the latest wins"
    assert any("正文写的是 2025 年" in n for n in last_board[finance].notes)


def test_two_different_files_of_one_agency_are_a_conflict_not_the_latest(tmp_path: Path) -> None:
    finance = AGENCIES[0]
    _inbox(tmp_path)
    other = distinct_report(finance, YEAR, base=50)
    _write(tmp_path, other, "财政局-另一份.json")
    copy = distinct_report(AGENCIES[1], YEAR, base=301)
    _write(tmp_path, copy, "教育局-重复.json")
    session = _session(tmp_path)
    board = session.board(YEAR)
    rows = {r.agency: r for r in board.rows}
    assert [p.name for p in rows[finance].conflict] == ["财政局-另一份.json"] or rows[finance].conflict
    assert rows[finance].notes[0].startswith("内容冲突")
    assert "处不同" in rows[finance].notes[0]
    assert board.count(desk.BoardFilter.CONFLICT) == 1
    assert not rows[AGENCIES[1]].conflict  # identical copies are duplicates
    assert any("相同的文件" in n for n in rows[AGENCIES[1]].notes)
    result = session.sum(board, "温县")
    assert [i.agency for i in result.contents.reports] == list(AGENCIES[1:])  # left out until resolved


# ---------------------------------------------------------------- 3. the roster as offices keep it


ROSTER_ROWS = [
    ["序号", "单位名称", "联系人", "电话"],
    ["1", "温县财政局", "张三", "0391-1234567"],
    ["2", "温县教育局", "李四", "13800000000"],
    ["3", "温县公安局", "", "0391-7654321"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_roster_with_a_number_column_reads_its_names_and_contacts(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "名单.csv"
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(ROSTER_ROWS)
    read = desk.read_roster_file(path)
    assert read.names == list(AGENCIES)
    assert read.headers == ("联系人", "电话")
    assert read.columns["温县财政局"] == {"联系人": "张三", "电话": "0391-1234567"}
    assert read.columns["温县公安局"] == {"电话": "0391-7654321"}


def test_a_roster_workbook_with_a_number_column(tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in ROSTER_ROWS:
        sheet.append([int(c) if c.isdigit() and len(c) < 3 else c for c in row])
    book.save(path)
    read = desk.read_roster_file(path)
    assert read.names == list(AGENCIES)
    assert read.columns["温县教育局"] == {"联系人": "李四", "电话": "13800000000"}


def test_a_roster_of_numbers_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_text("\n".join(str(i) for i in range(1, 51)) + "\n", "utf-8")
    with pytest.raises(UserError, match="都是数字"):
        desk.read_roster_file(path)


def test_roster_bombs_and_huge_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    huge = tmp_path / "名单.csv"
    with huge.open("wb") as f:
        f.truncate(6 * 1024 * 1024)
    with pytest.raises(UserError, match="太大"):
        desk.read_roster_file(huge)
    bomb = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (30 * 1024 * 1024) + b"</a>")
    assert bomb.stat().st_size < 100_000
    with pytest.raises(UserError, match="解压后太大"):
        desk.read_roster_file(bomb)


def test_the_session_keeps_the_roster_columns_and_the_cli_shows_them(tmp_path: Path) -> None:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    _write(inbox, distinct_report(AGENCIES[0], YEAR, base=1))
    roster = tmp_path / "名单.csv"
    with roster.open("w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows(ROSTER_ROWS)
    result = run_main("desk", inbox, "--roster", roster, "--year", YEAR, "--json")
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert out["missing"] == list(AGENCIES[1:])
    assert out["roster"][1] == {"agency": "温县教育局", "columns": {"联系人": "李四", "电话": "13800000000"}}
    text = run_main("desk", inbox, "--roster", roster, "--year", YEAR)
    assert "温县教育局\t未交\t联系人 李四\t电话 13800000000" in text.stdout


def test_an_eight_thousand_name_roster_is_taken_in_linear_time(tmp_path: Path) -> None:
    names = [f"测试县第{i}局" for i in range(8000)]
    roster = desk.Roster().replaced_by(names)
    assert len(roster.entries) == 8000
    assert desk.Roster.of(names + names).names == names  # the duplicates are found through the index


# ---------------------------------------------------------------- 4. a cancelled read says so


def test_a_cancelled_read_gives_a_board_that_says_it_is_partial(tmp_path: Path) -> None:
    for i in range(10):
        _write(tmp_path, distinct_report(f"温县第{i}局", YEAR, base=1 + i * 300))
    session = desk.DeskSession.of_folder(tmp_path)
    seen: list[int] = []
    session.read(progress=lambda done, total: seen.append(done), cancelled=lambda: len(seen) >= 3)
    board = session.board(YEAR)
    assert board.partial == (3, 10)
    assert board.partial_note is not None and "3 / 10" in board.partial_note
    session.read()
    assert session.board(YEAR).partial is None


# ---------------------------------------------------------------- up the chain: county → city


def test_a_county_sum_package_is_one_row_at_the_city_and_counted_once(tmp_path: Path) -> None:
    county, city = tmp_path / "县", tmp_path / "市"
    county.mkdir()
    city.mkdir()
    reports = _inbox(county)
    session = desk.DeskSession.of_folder(county)
    session.memory.set_roster(desk.Roster.of([*AGENCIES, "温县水利局"]))
    session.read()
    result = session.sum(session.board(YEAR), "温县")
    package = write_sum_package(result, city)
    direct = _write(city, reports[0], "财政局直接报市.json")  # also sent straight to the city
    own = _write(city, distinct_report("焦作市财政局", YEAR, base=2000))
    at_city = desk.DeskSession.of_folder(city)
    at_city.read()
    board = at_city.board(YEAR)
    rows = {r.agency: r for r in board.rows}
    assert set(rows) == {"温县", "温县财政局", "焦作市财政局"}
    assert rows["温县"].file == package
    assert rows["温县"].notes[0] == "温县（汇总，含 3 个单位，未交 1）"
    assert rows["温县"].received is not None and rows["温县"].received.summary is not None
    assert rows["温县"].received.summary.agencies == list(AGENCIES)
    total = at_city.sum(board, "焦作市")
    assert "温县财政局" in total.left_out
    assert "已含在“温县”的汇总中，汇总时不重复计算" in rows["温县财政局"].notes
    expected = desk.add_up([read_report(own), result.total], "焦作市", YEAR).values
    assert total.total.values == expected
    assert direct.exists()


# ---------------------------------------------------------------- what a 汇总 says of its blanks


def test_the_sum_says_how_many_blanks_it_counted_as_zero_and_where(tmp_path: Path) -> None:
    reports = _inbox(tmp_path)
    spec = reports[1].spec
    blank = [a for a in spec.input_addresses][:5]
    for a in blank:
        reports[1].values[a] = None
    _write(tmp_path, reports[1])
    session = _session(tmp_path)
    result = session.sum(session.board(YEAR), "温县")
    assert result.blanks == {"温县教育局": 5}
    assert "按 0 计入的空格共 5 个" in result.blanks_note and "温县教育局 5 个" in result.blanks_note


def test_the_database_sum_lists_its_reports(tmp_path: Path) -> None:
    from core.storage import Database

    with Database.open(tmp_path / "db.sqlite3", create=True) as db:
        for i, agency in enumerate(AGENCIES):
            db.import_report(distinct_report(agency, YEAR, base=1 + 300 * i))
        session = desk.DeskSession.of_database(tmp_path / "db.sqlite3")
        board = session.board(YEAR, db)
        result = session.sum(board, "温县", session.reports(board, db))
    assert [i.agency for i in result.contents.reports] == sorted(AGENCIES)
    assert result.contents.heading.endswith("（共 3 份）")


# ---------------------------------------------------------------- the sending side


def test_the_send_plan_says_what_will_be_sent() -> None:
    report = distinct_report("温县财政局", YEAR, base=1)
    blank = report.spec.input_addresses[:4]
    for address in blank:
        report.values[address] = None
    plan = desk.send_plan(report, final=False)
    assert plan.name == "温县财政局2025年度报告（草稿）.zip"
    assert plan.blanks == 4 and not plan.could_be_final  # blanks: it cannot be 定稿 yet
    assert "还有 4 个单元格未填写（收件方汇总时按 0 计）" in plan.lines
    whole = distinct_report("温县财政局", YEAR, base=1)
    plan = desk.send_plan(whole, final=False)
    assert plan.blanks == 0
    assert plan.could_be_final == may_show_code(whole)  # the one 定稿 policy decides
    assert not desk.send_plan(whole, final=True).could_be_final  # a 定稿 is sent as such


# ------------------------------------------------------ 同比 against last year elsewhere, like for like


def test_year_over_year_against_last_years_folder_like_for_like(tmp_path: Path) -> None:
    now, before = tmp_path / "2025", tmp_path / "2024"
    now.mkdir()
    before.mkdir()
    _inbox(now)
    for i, agency in enumerate(("温县人民政府财政局", "温县教育局", "温县水利局")):  # spelled otherwise
        _write(before, distinct_report(agency, YEAR - 1, base=5 + 100 * i))
    this = _session(now).reports_of_year(YEAR)
    other = desk.DeskSession.of_folder(before)
    other.read()
    last = other.reports_of_year(YEAR - 1)
    assert len(last) == 3
    every = desk.compare_years(this, last, YEAR, like_for_like=False)
    alike = desk.compare_years(this, last, YEAR, like_for_like=True)
    assert (every.this_count, every.last_count, every.both) == (3, 3, 2)
    assert "两年都有的 2 个单位" in alike.note and "只比较" in alike.note
    shared = [r for a, r in this.items() if a != "温县公安局"]
    expected = desk.key_figures(desk.add_up(shared, "汇总", YEAR))
    assert {c.name: c.this for c in alike.changes} == expected
    assert {c.name: c.this for c in every.changes} == desk.key_figures(
        desk.add_up(list(this.values()), "汇总", YEAR)
    )


def test_a_roster_that_is_not_a_regular_file_is_refused_at_once(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "名单.csv"
    os.mkfifo(fifo)  # nobody writes to it: reading would wait forever
    with pytest.raises(UserError, match="不是普通文件"):
        desk.read_roster_file(fifo)
