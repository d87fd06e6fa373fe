"""The collection desk without a display: roster files, name matching, receiving files (JSON, 报送
packages, published files, bad files), the board, the sum, year over year, the errors to send back, and
the `desk` and `sum` commands in fresh processes. Reports hold distinct numbers (tests.helpers)."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core import desk
from core.documents.exchange import read_report, write_report
from core.documents.fingerprint import fingerprint
from core.documents.write import export
from core.errors import UserError
from core.model.report import Report
from core.rules.table import check, resolved_values
from core.storage import Database
from tests.helpers import distinct_report, run_main


def _write(folder: Path, report: Report, name: str | None = None) -> Path:
    path = folder / (name or f"{report.agency}-{report.year}.json")
    write_report(report, path)
    return path


# ---------------------------------------------------------------- roster


def test_roster_from_csv_with_header_in_utf8_and_gbk(tmp_path: Path) -> None:
    for encoding in ("utf-8-sig", "gb18030"):
        path = tmp_path / f"名单-{encoding}.csv"
        with path.open("w", encoding=encoding, newline="") as f:
            w = csv.writer(f)
            rows = [["单位名称", "联系人"], ["温县财政局", "张三"], [" 温县教育局 ", ""], [], ["温县财政局"]]
            w.writerows(rows)
        assert desk.read_roster(path) == ["温县财政局", "温县教育局"]


def test_roster_from_xlsx_read_without_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["序号"], ["温县财政局"], ["温县人民政府办公室"], [2021]):
        sheet.append(row)
    sheet["B2"] = "不是名称"
    book.save(path)
    assert desk.read_roster(path) == ["温县财政局", "温县人民政府办公室", "2021"]


def test_roster_that_cannot_be_used_is_explained(tmp_path: Path) -> None:
    bad = tmp_path / "名单.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(UserError, match="不是有效的 Excel"):
        desk.read_roster(bad)
    with pytest.raises(UserError, match=r"\.csv 或 \.xlsx"):
        desk.read_roster(tmp_path / "名单.doc")


# ---------------------------------------------------------------- matching


def test_spellings_match_the_roster_and_unsure_ones_are_asked() -> None:
    matcher = desk.Matcher(["温县财政局", "温县教育局", "温县人民政府"])
    sure = matcher.match("温县人民政府财政局")
    assert (sure.agency, sure.sure) == ("温县财政局", True)
    assert matcher.match("温县 财政局").agency == "温县财政局"
    assert matcher.match("温县人民政府").agency == "温县人民政府"  # the government itself keeps its name
    unsure = matcher.match("温县教育体育局")
    assert (unsure.agency, unsure.sure) == ("温县教育局", False)
    assert matcher.match("孟州市公安局").agency is None
    matcher.remember("温县教育体育局", "温县教育局")
    assert matcher.match("温县教育体育局") == desk.Match("温县教育体育局", "温县教育局", True, 100.0)
    with pytest.raises(UserError, match="名单中没有"):
        matcher.remember("x", "温县水利局")


# ---------------------------------------------------------------- the board


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Five roster agencies: one final package, one draft under another spelling with last year's report
    beside it, one with an error sent twice, one published text file, one missing; plus bad files."""
    box = tmp_path / "收件"
    box.mkdir()
    final = distinct_report("温县财政局", 2021, base=3)
    desk.write_package(final, box, final=True)
    _write(box, distinct_report("温县人民政府教育局", 2021, base=40))
    _write(box, distinct_report("温县教育局", 2020, base=7))
    wrong = distinct_report("温县水利局", 2021, base=11)
    wrong.values["requests.3.1.commercial"] = Decimal(999)
    old = _write(box, wrong, "水利局-旧.json")
    os.utime(old, (1_600_000_000, 1_600_000_000))
    wrong.values["requests.3.1.commercial"] += 1
    _write(box, wrong, "水利局-新.json")
    export(distinct_report("温县人民政府办公室", 2021, base=21), box / "办公室.html")
    (box / "坏.json").write_text("{", "utf-8")
    (box / "照片.jpg").write_bytes(b"\xff\xd8")
    (box / "坏.zip").write_bytes(b"PK nothing")
    return box


ROSTER = ["温县财政局", "温县教育局", "温县水利局", "温县人民政府办公室", "温县审计局"]


def test_board_of_a_folder(folder: Path) -> None:
    board = desk.open_desk(folder, 2021, ROSTER)
    rows = {r.agency: r for r in board.rows}
    assert list(rows) == ROSTER  # nothing off the roster: every spelling matched
    assert rows["温县财政局"].status == desk.FINAL
    assert rows["温县财政局"].fingerprint == fingerprint(distinct_report("温县财政局", 2021, base=3))
    assert rows["温县财政局"].file is not None and rows["温县财政局"].file.suffix == ".zip"
    education = rows["温县教育局"]
    assert education.status == desk.DRAFT
    assert education.received is not None and education.received.report.agency == "温县人民政府教育局"
    # last year's report in the folder gives the cross-year checks (its row 四 differs from row 二)
    assert education.cross_year >= 1 and {f.rule for f in education.findings} >= {"YEAR.CARRY_OVER"}
    water = rows["温县水利局"]
    assert water.errors >= 1 and water.file is not None and water.file.name == "水利局-新.json"
    assert [p.name for p in water.others] == ["水利局-旧.json"]
    office = rows["温县人民政府办公室"]
    assert office.status == desk.DRAFT and office.received is not None
    assert office.received.report.signature.name == "温县人民政府办公室"  # as read from the web page
    sent = distinct_report("温县人民政府办公室", 2021, base=21)
    assert resolved_values(office.received.report) == resolved_values(sent)
    assert not office.received.doubtful and office.errors == 0
    assert rows["温县审计局"].status == desk.MISSING and board.missing == ["温县审计局"]
    reasons = {u.file.name: u.reason for u in board.unusable}
    assert set(reasons) == {"坏.json", "照片.jpg", "坏.zip"}
    assert "JSON" in reasons["坏.json"] and "不是报告文件" in reasons["照片.jpg"]
    assert "压缩包" in reasons["坏.zip"]


def test_agency_not_on_roster_gets_its_own_row_with_a_suggestion(tmp_path: Path) -> None:
    _write(tmp_path, distinct_report("温县教育体育局", 2021, base=5))
    board = desk.open_desk(tmp_path, 2021, ["温县教育局"])
    assert [(r.agency, r.status, r.on_roster, r.suggestion) for r in board.rows] == [
        ("温县教育局", desk.MISSING, True, None),
        ("温县教育体育局", desk.DRAFT, False, "温县教育局"),
    ]
    memory = desk.Memory(answers={"温县教育体育局": "温县教育局"})
    memory.save(tmp_path / desk.MEMORY_FILE)
    again = desk.open_desk(tmp_path, 2021, ["温县教育局"])  # the remembered answer, the memory not a report
    assert [(r.agency, r.status) for r in again.rows] == [("温县教育局", desk.DRAFT)] and not again.unusable


def test_without_a_roster_no_row_is_said_to_be_off_it(tmp_path: Path) -> None:
    """A desk with no roster yet said 「不在名单中」 beside every report received (seen driving 600)."""
    _write(tmp_path, distinct_report("温县财政局", 2021, base=5))
    _write(tmp_path, distinct_report("温县审计局", 2021, base=41))
    unlisted = desk.open_desk(tmp_path, 2021, [])
    notes = {r.agency: desk.board_cells(r)[11] for r in unlisted.rows}
    assert unlisted.count(desk.BoardFilter.NOT_ON_ROSTER) == 0  # the filter agrees with the rows
    assert desk.received_names(unlisted) == ["温县审计局", "温县财政局"]  # 「从收到的报告加入」 offers all
    assert notes == {"温县财政局": "", "温县审计局": ""}
    listed = desk.open_desk(tmp_path, 2021, ["温县财政局"])
    assert {r.agency: desk.board_cells(r)[11] for r in listed.rows} == {
        "温县财政局": "",
        "温县审计局": "不在名单中",
    }


def test_typed_paper_code_confirms_the_file(tmp_path: Path) -> None:
    report = distinct_report("温县财政局", 2021, base=9)
    _write(tmp_path, report)
    board = desk.open_desk(tmp_path, 2021, ["温县财政局"])
    row = board.rows[0]
    memory = desk.Memory()
    assert not desk.confirm_code(memory, row, 2021, "0000-0000-0000") and row.status == desk.DRAFT
    code = fingerprint(report).lower().replace("-", " ")
    assert desk.confirm_code(memory, row, 2021, code) and row.status == desk.FINAL
    memory.save(tmp_path / desk.MEMORY_FILE)
    assert desk.open_desk(tmp_path, 2021, ["温县财政局"]).rows[0].status == desk.FINAL
    with pytest.raises(UserError, match="格式不对"):
        desk.confirm_code(memory, row, 2021, "12")


def test_package_holds_json_pdf_and_word_and_a_tampered_code_is_a_draft(tmp_path: Path) -> None:
    report = distinct_report("温县/财政:局", 2021, base=2)
    path = desk.write_package(report, tmp_path, final=False)
    assert path.name == "温县_财政_局2021年度报告（草稿）.zip"
    with zipfile.ZipFile(path) as z:
        suffixes = sorted(Path(n).suffix for n in z.namelist())
        assert suffixes == [".docx", ".json", ".json", ".pdf"]
        assert json.loads(z.read(desk.MANIFEST))["status"] == "draft"
    assert desk.receive(path).final_code is None
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as z:
        z.writestr("r.json", _dumped(report))
        manifest = {"schema": desk.PACKAGE_SCHEMA, "status": "final", "fingerprint": "0000-0000-0000"}
        z.writestr(desk.MANIFEST, json.dumps(manifest))
    received = desk.receive(forged)
    assert received.final_code is None and "不符" in received.notes[0]


def _dumped(report: Report) -> str:
    from core.documents.exchange import dumps

    return dumps(report)


# ---------------------------------------------------------------- sum, year over year, send back


def test_sum_cell_by_cell() -> None:
    a = distinct_report("甲局", 2021, base=1)
    b = distinct_report("乙局", 2021, base=100)
    c = distinct_report("丙局", 2021, base=1000)
    blank_everywhere = "review_litigation.review.upheld"
    blank_once = "active_disclosure.licensing.decisions"
    for r in (a, b, c):
        r.values[blank_everywhere] = None
    b.values[blank_once] = None
    total = desk.add_up([a, b, c], "温县", 2021)
    assert total.agency == "温县" and all(t == "" for t in total.texts.values())
    assert total.values[blank_everywhere] is None
    assert total.values[blank_once] == a.values[blank_once] + c.values[blank_once]  # type: ignore[operator]
    address = "requests.3.2.research"
    assert total.values[address] == sum(r.values[address] for r in (a, b, c))  # type: ignore[misc]
    assert resolved_values(total)["requests.1.total"] == sum(
        resolved_values(r)["requests.1.total"] for r in (a, b, c)
    )
    assert not [f for f in check(total) if f.severity == "error"]  # balanced parts give a balanced sum
    with pytest.raises(UserError, match="2020 年度"):
        desk.add_up([a, distinct_report("丁局", 2020)], "温县", 2021)


def test_year_over_year_flags_a_jump() -> None:
    this = distinct_report("温县财政局", 2021, base=1)
    last = copy.deepcopy(this)
    last.year = 2020
    last.values["review_litigation.review.upheld"] = Decimal(0)
    for key in ("corrected", "other", "pending"):
        last.values[f"review_litigation.review.{key}"] = Decimal(0)
    last.values["review_litigation.review.upheld"] = Decimal(1)
    changes = {c.name: c for c in desk.year_over_year(this, last)}
    assert [c.name for c in changes.values()] == ["新收申请", "办结", "复议", "诉讼"]
    review = resolved_values(this)["review_litigation.review.total"]
    assert changes["复议"].this == review and changes["复议"].last == 1 and changes["复议"].jump
    assert not changes["新收申请"].jump and changes["新收申请"].text == "0（0%）"
    assert desk.is_jump(Decimal(10), Decimal(1)) and not desk.is_jump(Decimal(9), Decimal(1))
    assert desk.is_jump(Decimal(1), Decimal(10)) and not desk.is_jump(Decimal(2), Decimal(10))
    assert [c.last for c in desk.year_over_year(this, None)] == [None] * 4


def test_errors_to_send_back_name_agency_table_cell_and_difference(tmp_path: Path) -> None:
    wrong = distinct_report("温县水利局", 2021, base=11)
    wrong.values["requests.3.1.commercial"] += 5  # type: ignore[operator]
    _write(tmp_path, wrong)
    lines = desk.send_back(desk.open_desk(tmp_path, 2021, ["温县水利局"]))
    assert lines and {line.agency for line in lines} == {"温县水利局"}
    assert all(line.table.startswith("三、") for line in lines)
    assert any("「商业企业」" in line.cell for line in lines)
    assert all("相差 5" in line.message for line in lines)


# ---------------------------------------------------------------- the commands


def test_desk_command_json(folder: Path) -> None:
    roster = folder / "名单.csv"  # in the folder itself: not a file received
    roster.write_text("单位\n" + "\n".join(ROSTER) + "\n", "utf-8")
    result = run_main("desk", folder, "--roster", roster, "--year", "2021", "--json")
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"agencies", "missing", "unusable", "sums_set_aside", "partial", "roster", "notes"}
    assert out["missing"] == ["温县审计局"]
    agencies = {a["agency"]: a for a in out["agencies"]}
    assert set(agencies) == set(ROSTER) - {"温县审计局"}
    for a in agencies.values():
        assert {"agency", "file", "errors", "warnings", "fingerprint"} <= set(a)
    assert agencies["温县水利局"]["errors"] >= 1 and agencies["温县财政局"]["status"] == "已定稿"
    assert {Path(u["file"]).name for u in out["unusable"]} == {"坏.json", "照片.jpg", "坏.zip"}
    text = run_main("desk", folder, "--roster", roster, "--year", "2021")
    assert "温县审计局\t未交" in text.stdout and "不能使用" in text.stdout


def test_desk_command_clean_folder_exits_0_and_missing_folder_2(tmp_path: Path) -> None:
    _write(tmp_path, distinct_report("温县财政局", 2021, base=4))
    assert run_main("desk", tmp_path, "--year", "2021").returncode == 0
    missing = run_main("desk", tmp_path / "无", "--year", "2021")
    assert missing.returncode == 2 and "找不到文件夹" in missing.stderr and "Traceback" not in missing.stderr


def test_sum_command(tmp_path: Path) -> None:
    a = _write(tmp_path, distinct_report("甲局", 2021, base=1))
    b = _write(tmp_path, distinct_report("乙局", 2021, base=50))
    out = tmp_path / "汇总.json"
    result = run_main("sum", a, b, "--agency", "温县", "--year", "2021", "-o", out)
    assert result.returncode == 0, result.stderr
    total = read_report(out)
    assert (total.agency, total.year, total.texts["overview"]) == ("温县", 2021, "")
    cell = "active_disclosure.normative_documents.in_force"
    assert total.values[cell] == read_report(a).values[cell] + read_report(b).values[cell]  # type: ignore[operator]
    c = _write(tmp_path, distinct_report("丙局", 2020, base=3))
    other_year = run_main("sum", a, c, "--agency", "温县", "--year", "2021", "-o", tmp_path / "x.json")
    assert other_year.returncode == 2 and c.name in other_year.stderr and "2020" in other_year.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("[]", "utf-8")
    unusable = run_main("sum", a, bad, "--agency", "温县", "--year", "2021", "-o", tmp_path / "y.json")
    assert unusable.returncode == 2 and "bad.json" in unusable.stderr
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "y.json").exists()


def test_arrival_time_is_the_files(tmp_path: Path) -> None:
    path = _write(tmp_path, distinct_report("温县财政局", 2021, base=4))
    os.utime(path, (1_700_000_000, 1_700_000_000))
    assert desk.receive(path).arrived == dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)
    row = desk.open_desk(tmp_path, 2021, ["温县财政局"]).rows[0]
    assert row.as_json()["arrived"] == "2023-11-14T22:13:20+00:00"
    assert desk.board_cells(row)[9] == dt.datetime.fromtimestamp(1_700_000_000).strftime("%Y-%m-%d %H:%M")


def test_board_from_the_database_uses_kept_status_and_counts(db: Database) -> None:
    final = distinct_report("温县人民政府财政局", 2021, base=6)
    fid = db.create_report(final)
    db.set_status(fid, "final")
    wrong = distinct_report("温县水利局", 2021, base=13)
    wrong.values["requests.3.1.commercial"] += 2  # type: ignore[operator]
    db.create_report(wrong)
    db.create_report(distinct_report("温县水利局", 2020, base=8))
    db.create_report(distinct_report("孟州市公安局", 2021, base=30))
    board = desk.database_board(db, 2021, ["温县财政局", "温县水利局", "温县审计局"])
    rows = {r.agency: r for r in board.rows}
    assert list(rows) == ["温县财政局", "温县水利局", "温县审计局", "孟州市公安局"]
    assert rows["温县财政局"].status == desk.FINAL and rows["温县财政局"].fingerprint == fingerprint(final)
    expected = check(wrong, distinct_report("温县水利局", 2020, base=8))
    assert (rows["温县水利局"].errors, rows["温县水利局"].warnings) == (
        sum(f.severity == "error" for f in expected),
        sum(f.severity == "warning" for f in expected),
    )
    assert rows["温县审计局"].status == desk.MISSING and not rows["孟州市公安局"].on_roster
    assert (
        rows["温县水利局"].received is None and rows["温县水利局"].fingerprint is None
    )  # a draft is not read
    standing = desk.standing_reports(board, db)  # the 定稿 as read for its code, the drafts read now
    assert sorted(standing) == ["孟州市公安局", "温县水利局", "温县财政局"]
    total = desk.add_up(list(standing.values()), "温县", 2021)
    cell = "requests.3.1.commercial"
    assert total.values[cell] == sum(r.values[cell] for r in (final, wrong, distinct_report("x", 2021, 30)))  # type: ignore[misc]


def test_sum_of_a_given_total_and_a_derived_one() -> None:
    a = distinct_report("甲局", 2021, base=1)
    b = distinct_report("乙局", 2021, base=70)
    given = "requests.3.1.total"
    a.values[given] = resolved_values(a)[given] + 3  # a wrong total as printed is carried into the sum
    total = desk.add_up([a, b], "温县", 2021)
    assert total.values[given] == a.values[given] + resolved_values(b)[given]  # type: ignore[operator]
    assert total.values["requests.3.2.total"] is None  # blank in both: derived again
    assert {f.rule for f in check(total) if f.severity == "error"} >= {"B.ROW_TOTAL"}


def test_a_damaged_file_a_reader_trips_over_is_listed_and_the_rest_go_on(tmp_path: Path) -> None:
    (tmp_path / "扫描件.pdf").write_bytes(b"%PDF-1.4 nothing")
    _write(tmp_path, distinct_report("温县财政局", 2021, base=4))
    board = desk.open_desk(tmp_path, 2021, ["温县财政局"])
    assert board.rows[0].status == desk.DRAFT
    assert [(u.file.name, u.reason) for u in board.unusable] == [
        ("扫描件.pdf", "文件“扫描件.pdf”不是有效的 PDF 文件，可能已损坏或加密。")
    ]


# ---------------------------------------------------------------- the roster as the desk keeps it


def test_roster_numbers_stay_through_edits_and_a_new_file() -> None:
    roster = desk.Roster.of(["温县财政局", "温县教育局", " 温县人民政府财政局 ", "温县水利局"])
    assert [(e.id, e.name) for e in roster.entries] == [
        (1, "温县财政局"),
        (2, "温县教育局"),
        (3, "温县水利局"),
    ]
    roster.remove(2)
    added = roster.add("温县审计局")
    assert added.id == 4  # a removed number is never given again
    roster.rename(3, "温县水利局（河长办）")
    roster.move(4, -5)
    assert roster.names == ["温县审计局", "温县财政局", "温县水利局（河长办）"]
    with pytest.raises(UserError, match="已有“温县财政局”"):
        roster.add("温县人民政府财政局")
    with pytest.raises(UserError, match="已有“温县审计局”"):
        roster.rename(1, "温县 审计局")
    with pytest.raises(UserError, match="不能为空"):
        roster.add("  ")
    with pytest.raises(UserError, match="太长"):
        roster.add("局" * 101)
    assert roster.names == [
        "温县审计局",
        "温县财政局",
        "温县水利局（河长办）",
    ]  # refused edits change nothing
    fresh = roster.replaced_by(["温县人民政府财政局", "温县公安局", "温县审计局"])
    assert [(e.id, e.name) for e in fresh.entries] == [
        (1, "温县人民政府财政局"),
        (5, "温县公安局"),
        (4, "温县审计局"),
    ]


def test_memory_keeps_the_roster_and_a_rename_carries_what_the_desk_learned(tmp_path: Path) -> None:
    old = distinct_report("温县教育体育局", 2021, base=5)
    _write(tmp_path, old)
    memory = desk.Memory(answers={"温县教育体育局": "温县教育局"})
    memory.set_roster(desk.Roster.of(["温县教育局", "温县财政局"]))
    memory.save(tmp_path / desk.MEMORY_FILE)
    row = desk.open_desk(tmp_path, 2021).rows[0]
    assert desk.confirm_code(memory, row, 2021, fingerprint(old))
    memory.save(tmp_path / desk.MEMORY_FILE)

    kept = desk.Memory.load(tmp_path / desk.MEMORY_FILE)
    assert kept.roster is not None and kept.roster.names == ["温县教育局", "温县财政局"]
    board = desk.open_desk(tmp_path, 2021)  # no roster given: the folder's own
    assert [(r.agency, r.status) for r in board.rows] == [
        ("温县教育局", desk.FINAL),
        ("温县财政局", desk.MISSING),
    ]

    edited = desk.Roster.from_json(kept.roster.as_json())
    edited.rename(1, "温县教育和体育局")
    kept.set_roster(edited)
    kept.save(tmp_path / desk.MEMORY_FILE)
    board = desk.open_desk(tmp_path, 2021)
    assert [(r.agency, r.status, r.on_roster) for r in board.rows] == [
        ("温县教育和体育局", desk.FINAL, True),  # the answer and the typed code followed the new name
        ("温县财政局", desk.MISSING, True),
    ]
    assert kept.answers["温县教育局"] == "温县教育和体育局"  # files still spelled the old way find it


def test_a_damaged_memory_file_is_a_fresh_start(tmp_path: Path) -> None:
    path = tmp_path / desk.MEMORY_FILE
    path.write_text('{"answers": {}, "roster": {"agencies": [{"id": "x"}]}}', "utf-8")
    assert desk.Memory.load(path).roster is None
    path.write_text("{", "utf-8")
    fresh = desk.Memory.load(path)
    assert (fresh.answers, fresh.confirmed, fresh.roster) == ({}, {}, None)
    assert fresh.note is not None and "已损坏" in fresh.note


def test_received_names_are_the_unknown_agencies_not_the_doubtful_ones(tmp_path: Path) -> None:
    for name, base in (("温县财政局", 1), ("温县教育体育局", 5), ("孟州市公安局", 9)):
        _write(tmp_path, distinct_report(name, 2021, base=base))
    board = desk.open_desk(tmp_path, 2021, ["温县财政局", "温县教育局"])
    assert desk.received_names(board) == ["孟州市公安局"]
    roster = desk.Roster.of(["温县财政局", "温县教育局"])
    assert roster.take(desk.received_names(board)) == 1 and roster.names[-1] == "孟州市公安局"


def test_two_agencies_of_one_county_are_not_asked_about_but_a_shortening_is() -> None:
    matcher = desk.Matcher(["温县教育局", "温县财政局", "温县发展和改革委员会"])
    asked = {
        n: matcher.match(n).agency
        for n in ("温县水利局", "温县审计局", "温县发改委", "温县财正局", "温县教育体育局")
    }
    assert asked == {
        "温县水利局": None,  # 60 % alike with 温县教育局, yet another agency
        "温县审计局": None,
        "温县发改委": "温县发展和改革委员会",
        "温县财正局": "温县财政局",
        "温县教育体育局": "温县教育局",
    }
    assert not any(matcher.match(n).sure for n in asked)  # asked about, never taken


def test_a_doubtful_read_is_not_kept_in_the_database(db: Database, tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    sure = desk.Received(tmp_path / "a.json", distinct_report("温县财政局", 2022, base=3), now)
    unsure = desk.Received(
        tmp_path / "b.docx", distinct_report("温县水利局", 2022, base=5), now, doubtful=("requests.1.total",)
    )
    kept, refused = desk.keep_in_database(db, [sure, unsure])
    assert kept == 1 and db.find_report("温县水利局", 2022) is None
    assert [(u.file.name, "1 个格没有把握" in u.reason) for u in refused] == [("b.docx", True)]
    assert desk.keep_in_database(db, [sure]) == (1, [])  # the same content again: one report, no new revision
    assert len(db.history(db.find_report("温县财政局", 2022) or 0)) == 1


def test_two_stored_spellings_of_one_agency_are_both_seen_on_the_database_board(db: Database) -> None:
    db.create_report(distinct_report("温县财政局", 2021, base=3))
    db.create_report(distinct_report("温县人民政府财政局", 2021, base=7))
    board = desk.database_board(db, 2021, ["温县财政局"])
    assert [r.agency for r in board.rows] == ["温县财政局"]
    assert any("库中另有“温县" in n and "请核对后删去一份" in n for n in board.rows[0].notes)
