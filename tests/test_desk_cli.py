"""`main.py desk` and `main.py sum` as scripts and IT staff use them (the contract in
docs/exchange-format.md): the database's board, `--sum`, names that cannot forge lines, a damaged memory
file, hostile files that print no English, `sum` refusing one agency twice; and the desk's Excel lists,
whose texts are never formulas or links."""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import pytest

from core import desk
from core.documents.exchange import read_report, write_report
from core.errors import UserError
from core.storage import Database
from tests.helpers import distinct_report, run_main

YEAR = 2025


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The user's data folder (where the log goes) inside the test's folder."""
    return {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path / "home")}


def _inbox(folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for i, agency in enumerate(("温县财政局", "温县教育局")):
        paths.append(folder / f"{agency}.json")
        write_report(distinct_report(agency, YEAR, base=1 + 300 * i), paths[-1])
    return paths


def test_desk_sum_writes_the_sum_of_the_board_marked_as_a_sum(tmp_path: Path, env: dict[str, str]) -> None:
    inbox = tmp_path / "收件"
    files = _inbox(inbox)
    out = tmp_path / "汇总.json"
    result = run_main("desk", inbox, "--year", YEAR, "--sum", out, env=env)
    assert result.returncode == 0, result.stderr
    expected = desk.add_up([read_report(p) for p in files], "本级汇总", YEAR)
    assert read_report(out).values == expected.values
    assert json.loads(out.read_text("utf-8"))["summary"]["kind"] == "汇总"
    assert "已汇总 2 份报告" in result.stdout
    moved = inbox / "汇总.json"
    out.replace(moved)  # the 汇总 saved into the inbox: the next run must not count it
    again = run_main("desk", inbox, "--year", YEAR, "--json", env=env)
    board = json.loads(again.stdout)
    assert [a["agency"] for a in board["agencies"]] == ["温县教育局", "温县财政局"]
    assert board["sums_set_aside"][0]["file"] == str(moved)


def test_desk_of_the_database(tmp_path: Path, env: dict[str, str]) -> None:
    db_path = tmp_path / "db.sqlite3"
    with Database.open(db_path, create=True) as db:
        for i, agency in enumerate(("温县财政局", "温县教育局")):
            db.import_report(distinct_report(agency, YEAR, base=1 + 300 * i))
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,单位名称,电话\n1,温县财政局,111\n2,温县教育局,222\n3,温县公安局,333\n", "utf-8")
    out = tmp_path / "s.json"
    result = run_main(
        "desk", "--db", db_path, "--year", YEAR, "--roster", roster, "--json", "--sum", out, env=env
    )
    assert result.returncode == 1, result.stderr  # 温县公安局 is missing
    board = json.loads(result.stdout)
    assert board["missing"] == ["温县公安局"]
    assert board["roster"][2] == {"agency": "温县公安局", "columns": {"电话": "333"}}
    summed = json.loads(out.read_text("utf-8"))["summary"]
    assert [i["agency"] for i in summed["included"]] == ["温县财政局", "温县教育局"]
    assert summed["missing"] == ["温县公安局"]
    said = run_main("desk", "--db", db_path, "--year", YEAR, "--roster", roster, env=env)
    assert said.stdout.splitlines()[-1] == (  # the window's top line, word for word
        f"{YEAR} 年度：应报 3 个单位，未交 1，已交（草稿） 2，已定稿 0，内容冲突 0，有错误 0，"
        "不能使用的文件 0 个，未计入的汇总文件 0 个。"
    )


def test_newlines_and_tabs_in_names_cannot_forge_lines(tmp_path: Path, env: dict[str, str]) -> None:
    inbox = tmp_path / "收件"
    _inbox(inbox)
    forged = distinct_report("温县水利局\n温县公安局\t已定稿", YEAR, base=900)
    write_report(forged, inbox / "x\n温县审计局\t已定稿.json")
    result = run_main("desk", inbox, "--year", YEAR, env=env)
    lines = result.stdout.splitlines()
    assert not any(line.startswith(("温县公安局", "温县审计局")) for line in lines)
    assert any(line.startswith("温县水利局□温县公安局□已定稿\t") for line in lines)


def test_a_damaged_memory_file_does_not_stop_the_desk(tmp_path: Path, env: dict[str, str]) -> None:
    inbox = tmp_path / "收件"
    _inbox(inbox)
    (inbox / desk.MEMORY_FILE).write_text("[" * 1_000_000, "utf-8")
    result = run_main("desk", inbox, "--year", YEAR, env=env)
    assert result.returncode == 0, result.stderr
    assert "记录文件“.nianbao-desk.json”已损坏，已另存为" in result.stdout
    assert not (inbox / desk.MEMORY_FILE).exists()
    (inbox / desk.MEMORY_FILE).write_text('{"answers": {}, "confirmed": {"温县财政局|2025": 7}}', "utf-8")
    again = run_main("desk", inbox, "--year", YEAR, env=env)
    assert again.returncode == 0, again.stderr
    assert "已损坏" in again.stdout


def test_hostile_files_print_no_english(tmp_path: Path, env: dict[str, str]) -> None:
    inbox = tmp_path / "收件"
    _inbox(inbox)
    (inbox / "坏.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (inbox / "坏.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /MediaBox [0 0 a b] >> endobj\n%%EOF")
    with zipfile.ZipFile(inbox / "炸弹.zip", "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("报告.json", b" " * (6 * 1024 * 1024))
    result = run_main("desk", inbox, "--year", YEAR, env=env)
    assert result.returncode == 1
    assert result.stderr == ""
    text = re.sub(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", "", result.stdout.replace(str(inbox), ""))
    words = set(re.findall(r"[A-Za-z]{3,}", text)) - {"json", "docx", "pdf", "zip", "Word", "PDF"}
    assert not words, result.stdout
    assert "不能使用“" in result.stdout and "太大" in result.stdout


def test_sum_refuses_one_agency_twice_unless_told(tmp_path: Path, env: dict[str, str]) -> None:
    one = tmp_path / "a.json"
    two = tmp_path / "b.json"
    write_report(distinct_report("温县财政局", YEAR, base=1), one)
    write_report(distinct_report("温县人民政府财政局", YEAR, base=50), two)
    out = tmp_path / "s.json"
    refused = run_main("sum", one, two, "--agency", "温县", "--year", YEAR, "-o", out, env=env)
    assert refused.returncode == 2
    assert "都是“温县人民政府财政局”的报告" in refused.stderr and str(one) in refused.stderr
    assert not out.exists()
    allowed = run_main(
        "sum", one, two, "--agency", "温县", "--year", YEAR, "-o", out, "--allow-same-agency", env=env
    )
    assert allowed.returncode == 0, allowed.stderr
    assert out.exists()


def test_the_desk_excel_lists_write_names_as_text(tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://x","点我")', "=cmd|' /C calc'!A0", "{=1+1}", "http://example.com/x", "+1"]
    data = desk.table_xlsx("未交名单", ("单位", "错误"), [(name, i) for i, name in enumerate(hostile)])
    path = tmp_path / "list.xlsx"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        names = book.namelist()
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet
    assert "hyperlink" not in sheet.lower()
    assert not any("rels" in n and "sheet1" in n for n in names)  # no links kept for the sheet
    for name in ("=cmd|' /C calc'!A0", "{=1+1}", "http://example.com/x"):
        assert name.replace("'", "&apos;") in strings or name in strings
    assert '<c r="B7"' in sheet and 't="s"' not in re.search(r'<c r="B7"[^>]*>', sheet).group()  # type: ignore[union-attr]


def test_a_bomb_inside_a_package_is_refused_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "报送.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("报告.docx", b"\0" * (60 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    with pytest.raises(UserError, match="太大"):
        desk.receive(path)
