"""Issue 23: every published-file reader is bounded by what a report can be. A bomb, a span of 10⁹, a
reference loop, 2,000 pages, malformed XML, a foreign zip entry or a bad encoding is refused with a
Chinese reason within seconds; a good report still reads, UTF-16 included; an export's texts are strings.
"""

from __future__ import annotations

import io
import os
import re
import stat
import threading
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from core.documents.input_files import regular_file
from core.documents.read import read_file, read_lines
from core.documents.read.limits import MAX_COLSPAN, MAX_ROWSPAN, span, within_time
from core.documents.write import render
from core.errors import UserError
from core.model.report import Report
from core.storage import Database
from tests.helpers import loaded_in_fresh_process
from tests.hostile_inputs import PUBLISHED, REFUSED

CHINESE = re.compile("[\u4e00-\u9fff]")
SECONDS = 8.0  # each refusal, on a loaded 2-core machine; the time budget itself is 10 s


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize(("name", "build"), REFUSED, ids=[name for name, _ in REFUSED])
def test_a_hostile_file_is_refused_quickly_with_a_chinese_reason(
    hostile: Path, name: str, build: object
) -> None:
    path = build(hostile)  # type: ignore[operator]
    started = time.perf_counter()
    with pytest.raises(UserError) as caught:
        read_file(path)
    assert time.perf_counter() - started < SECONDS, name
    message = caught.value.message
    assert CHINESE.search(message) and "Traceback" not in message and "Exception" not in message


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("docx-bomb-image.docx", "解压后太大"),
        ("stream-bomb.pdf", "解压后太大"),
        ("reference-loop.pdf", "互相引用"),
        ("pages-2000.pdf", "超过 60 页"),
        ("encrypted-entries.docx", "加密"),
        ("deflate64-entries.docx", "压缩方式"),
        ("strict-ooxml.docx", "Strict Open XML"),
        ("missing-body.docx", "没有正文"),
        ("utf8-one-bad-byte.txt", "编码"),
        ("bom-then-bad-byte.txt", "编码"),
        ("web-table-60MB.html", "太大"),
        ("web-table-9MB.html", "格子太多"),
    ],
)
def test_the_reason_says_what_is_wrong(hostile: Path, name: str, reason: str) -> None:
    build = dict(REFUSED)[name]
    with pytest.raises(UserError, match=reason):
        read_file(build(hostile))


def _seed_html() -> str:
    return (PUBLISHED / "seed.html").read_text(encoding="utf-8")


def test_the_good_reports_still_read_cell_for_cell() -> None:
    for name in ("seed.docx", "seed.pdf", "seed.html"):
        imported = read_file(PUBLISHED / name)
        assert not imported.unread and not imported.doubtful, name


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8-sig"])
@pytest.mark.parametrize("suffix", [".html", ".txt"])
def test_utf16_and_bom_files_are_read(tmp_path: Path, codec: str, suffix: str) -> None:
    """A web page or text saved as 'Unicode' by Notepad or Word: read, not 「没有找到…表格」."""
    good = read_file(PUBLISHED / "seed.html")
    text = _seed_html() if suffix == ".html" else (PUBLISHED / "real-001.txt").read_text(encoding="utf-8")
    path = tmp_path / f"page{suffix}"
    data = text.encode(codec)
    path.write_bytes(data if codec != "utf-16-be" else b"\xfe\xff" + data)
    imported = read_file(path)
    if suffix == ".html":
        assert imported.report.values == good.report.values
    else:
        assert imported.report.values == read_file(PUBLISHED / "real-001.txt").report.values


def test_a_gbk_text_file_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes((PUBLISHED / "real-001.txt").read_text(encoding="utf-8").encode("gb18030"))
    assert read_file(path).report.values == read_file(PUBLISHED / "real-001.txt").report.values


def test_spans_are_read_as_a_browser_reads_them_and_clamped() -> None:
    assert [span(v, 100) for v in ("abc", None, "", "0", "-3", "2", " 3px", "1000000000", "9" * 50)] == [
        1, 1, 1, 1, 1, 2, 3, 100, 100,
    ]  # fmt: skip
    from core.documents.read.html import read_html

    rows = read_html(
        '<table><tr><td rowspan="abc">甲</td><td rowspan="1000000000" colspan="1000000000">乙</td></tr>'
        "<tr><td>丁</td></tr></table>"
    )
    assert rows[0].cells == ["甲", "乙"]
    assert rows[1].cells == ["丁", *[""] * MAX_COLSPAN]  # 乙 carried down, clamped to the bound
    assert MAX_ROWSPAN >= 30 and MAX_COLSPAN >= 10  # a report's own tables still fit


def test_a_report_page_with_a_200000_digit_cell_is_read_at_once_never_as_that_number(tmp_path: Path) -> None:
    page = _seed_html()
    first = re.compile(r">(\d+)<").search(page, page.index("<table"))
    assert first is not None
    path = tmp_path / "digits.html"
    path.write_text(page[: first.start(1)] + "9" * 200_000 + page[first.end(1) :], encoding="utf-8")
    started = time.perf_counter()
    imported = read_file(path)
    assert time.perf_counter() - started < SECONDS
    values = [v for v in imported.report.values.values() if v is not None]
    assert values and all(len(str(v)) < 30 for v in values)  # never taken as a number


def test_a_fifo_or_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    device = tmp_path / "zero.html"
    device.symlink_to("/dev/zero")
    for path in (fifo, device, tmp_path):
        with pytest.raises(UserError, match=r"不是普通文件|文件夹"):
            read_lines(path) if path != tmp_path else regular_file(path)
    with pytest.raises(UserError, match="不是普通文件"):
        read_file(tmp_path / "report.txt")


def test_a_fifo_given_as_the_database_is_refused_not_opened(tmp_path: Path) -> None:
    """`main.py --db FIFO` waited for ever at 「正在打开数据库…」: the window, the commands and the desk
    all open the database through `Database.open`, which now refuses what is not a regular file."""
    fifo = tmp_path / "年报.sqlite3"
    os.mkfifo(fifo)
    refused: list[str] = []

    def opening() -> None:
        for read_only in (False, True):
            try:
                Database.open(fifo, read_only=read_only).close()
            except UserError as exc:
                refused.append(exc.message)

    worker = threading.Thread(target=opening, daemon=True)  # a daemon: a regression hangs only itself
    worker.start()
    worker.join(SECONDS)
    assert len(refused) == 2 and all("不是普通文件" in m for m in refused), refused
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # left as it was


def test_a_reader_past_its_time_is_stopped_and_the_file_refused() -> None:
    stopped = threading.Event()

    def forever() -> None:
        try:
            while True:
                time.sleep(0.01)
        finally:
            stopped.set()

    started = time.perf_counter()
    with pytest.raises(UserError, match=r"超过 0\.5 秒"):
        within_time(forever, "慢.pdf", seconds=0.5)
    assert stopped.wait(2) and time.perf_counter() - started < 3
    assert within_time(lambda: 42, "快.pdf") == 42
    with pytest.raises(UserError, match="原样"):
        within_time(lambda: (_ for _ in ()).throw(UserError("原样")), "x")


INJECTIONS = [
    '=HYPERLINK("http://evil.example/x","点这里")',
    "=cmd|' /C calc'!A0",
    "{=1+1}",
    "http://evil.example/机关",
]


@pytest.mark.parametrize("agency", INJECTIONS)
def test_an_xlsx_export_writes_the_agency_as_text_never_a_formula_or_a_link(
    seed: Report, agency: str
) -> None:
    report = replace(seed, agency=agency)
    with zipfile.ZipFile(io.BytesIO(render(report, ".xlsx"))) as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        strings = book.read("xl/sharedStrings.xml").decode()
        names = book.namelist()
    formulas = [f for sheet in sheets for f in re.findall(r"<f>(.*?)</f>", sheet)]
    assert formulas and all(re.fullmatch(r"(SUM|IF)\(.*", f) for f in formulas)  # only ours
    assert not any("HYPERLINK" in f or "cmd" in f or "1+1" in f for f in formulas)
    assert not any("<hyperlink" in sheet for sheet in sheets)
    assert not any("_rels/sheet" in n for n in names)  # a link would need a sheet relationship
    escaped = agency.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&apos;")
    assert agency in strings or escaped in strings or agency.replace('"', "&quot;") in strings


def test_the_word_body_is_found_through_the_package_relationships(tmp_path: Path) -> None:
    """The main part is where `_rels/.rels` says (not always word/document.xml); another Office file
    renamed .docx is refused as no Word file, not read as one nor called Strict Open XML."""
    moved = tmp_path / "主文档改名.docx"
    with zipfile.ZipFile(PUBLISHED / "seed.docx") as seed, zipfile.ZipFile(moved, "w") as out:
        for item in seed.infolist():
            data = seed.read(item)
            if item.filename in ("_rels/.rels", "[Content_Types].xml"):
                data = data.replace(b"word/document.xml", b"word/main-body.xml")
            name = "word/main-body.xml" if item.filename == "word/document.xml" else item.filename
            out.writestr(name, data, zipfile.ZIP_DEFLATED)
    assert read_lines(moved) == read_lines(PUBLISHED / "seed.docx") and len(read_lines(moved)) > 50
    workbook = tmp_path / "表格改名.docx"
    with zipfile.ZipFile(workbook, "w") as out:
        out.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument"/></Relationships>',
        )
        out.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>',
        )
    with pytest.raises(UserError, match=r"“表格改名\.docx”不是有效的 Word（\.docx）文件"):
        read_file(workbook)


def test_reading_a_word_file_does_not_load_python_docx() -> None:
    """Issue 20: a .docx imports in a fresh process within 0.5 s; python-docx alone cost 0.18 s."""
    seed = str(PUBLISHED / "seed.docx")
    body = f"from core.documents.read import read_file\nresult = read_file({seed!r}).report.agency"
    outcome = loaded_in_fresh_process(body, ["docx"])
    assert outcome["loaded"] == [] and outcome["result"]
