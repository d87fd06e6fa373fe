"""The desk window as a county office uses it to chase the missing (催报): the roster with 序号 and
contacts, the 未交 list exported, copied and printed with 联系人/电话 and why each is there, the board
printed with its counts, a 汇总 saved into the inbox set aside, a cancelled read shown as partial."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pdfplumber
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from core import desk
from core.documents.exchange import write_report
from tests.helpers import distinct_report
from tests.qt_helpers import ensure_chinese_font
from ui.desk_window import DeskWindow

YEAR = 2025
ROSTER = [
    ["序号", "单位名称", "联系人", "电话"],
    ["1", "温县财政局", "张三", "0391-1111111"],
    ["2", "温县教育局", "李四", "0391-2222222"],
    ["3", "温县公安局", "王五", "0391-3333333"],
]


def _window(qtbot: QtBot, tmp_path: Path) -> DeskWindow:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    write_report(distinct_report("温县财政局", YEAR, base=1), inbox / "财政.json")
    wrong = distinct_report("温县教育局", YEAR - 1, base=400)  # 2025's figures sent as 2024
    wrong.texts["overview"] = f"{YEAR}年，温县教育局认真落实政务公开工作。截至{YEAR}年底……"
    write_report(wrong, inbox / "教育.json")
    (inbox / "温县公安局年报.docx").write_bytes(b"PK\x03\x04 broken")
    roster = tmp_path / "名单.csv"
    with roster.open("w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows(ROSTER)
    ensure_chinese_font()
    window = DeskWindow()
    qtbot.addWidget(window)
    window.show()
    job = window.set_roster(roster)
    qtbot.waitUntil(lambda: job.finished, timeout=30_000)
    window.year_box.setValue(YEAR)
    window.open_folder(inbox)
    qtbot.waitUntil(
        lambda: len(window.board.rows) == 3 and window.board.rows[0].received is not None, timeout=30_000
    )
    return window


def test_the_missing_list_carries_contacts_and_reasons(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path)
    assert "未交 2" in window.summary.text() and "已交（草稿） 1" in window.summary.text()
    notes = {window.model.item(i, 0).text(): window.model.item(i, 11).text() for i in range(3)}
    assert notes["温县公安局"].startswith("联系人 王五，电话 0391-3333333")  # shown on the board itself
    path = tmp_path / "未交.xlsx"
    window.export_missing(path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == ["序号", "单位", "联系人", "电话", "情况说明"]
    assert rows[1][:4] == ["1", "温县教育局", "李四", "0391-2222222"]
    assert "年度为 2024，正文写的是 2025 年" in str(rows[1][4])
    assert rows[2][:4] == ["2", "温县公安局", "王五", "0391-3333333"]
    assert "温县公安局年报.docx" in str(rows[2][4]) and "不能使用" in str(rows[2][4])
    window.copy_missing()
    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied[0] == "序号\t单位\t联系人\t电话\t情况说明"
    assert copied[1].startswith("1\t温县教育局\t李四\t0391-2222222\t")


def test_the_board_and_the_missing_list_print(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path)
    for name, action in (("board", window.print_board), ("missing", window.print_missing)):
        printed = tmp_path / f"{name}.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        assert action(printer) is not None
        qtbot.waitUntil(lambda p=printed: p.exists() and p.stat().st_size > 0, timeout=60_000)
        qtbot.waitUntil(lambda: "打印机" in window.statusBar().currentMessage(), timeout=60_000)
        with pdfplumber.open(printed) as paper:
            assert len(paper.pages) == 1  # the printer draws outlines: the words are checked below
    title, headers, rows = window._chase()
    made = desk.table_pdf(title, "未交 2", headers, rows)
    (tmp_path / "made.pdf").write_bytes(made)
    with pdfplumber.open(tmp_path / "made.pdf") as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages).replace(" ", "")
    assert "2025年度未交名单" in text and "温县公安局" in text and "0391-3333333" in text


def test_a_sum_saved_into_the_inbox_is_listed_apart(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path)
    dialog = window.show_sum()
    assert dialog.summed is not None
    job = dialog.export(".docx", tmp_path / "收件" / "本级汇总.docx")
    assert job is not None
    qtbot.waitUntil(lambda: job.finished, timeout=60_000)
    with zipfile.ZipFile(tmp_path / "收件" / "本级汇总.docx") as book:
        assert "nianbao-sum/1" in book.read("docProps/core.xml").decode("utf-8")
    window.reload()
    qtbot.waitUntil(lambda: len(window.board.sums) == 1, timeout=60_000)
    assert [r.agency for r in window.board.rows] == ["温县财政局", "温县教育局", "温县公安局"]
    items = [window.unusable_list.item(i).text() for i in range(window.unusable_list.count())]
    assert any(t.startswith("本级汇总.docx：这是本软件导出的汇总") for t in items)
    assert "未计入的汇总文件 1 个" in window.summary.text()


def test_a_partial_board_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path)
    assert window.partial.isHidden()
    window.session.accept(window.session.received[:1], [], 3)  # what a cancelled read leaves
    window.rebuild()
    assert not window.partial.isHidden()
    assert "只读了 1 / 3 个文件" in window.partial.text()
    assert desk.BoardFilter.CONFLICT in [
        window.status_filter.itemText(i) for i in range(window.status_filter.count())
    ]


def test_a_conflict_is_not_ticked_in_the_sum(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path)
    write_report(distinct_report("温县财政局", YEAR, base=700), tmp_path / "收件" / "财政-另一份.json")
    window.reload()
    qtbot.waitUntil(lambda: window.board.count(desk.BoardFilter.CONFLICT) == 1, timeout=30_000)
    dialog = window.show_sum()
    item = dialog.included.item(0)
    assert item.text() == "温县财政局" and item.checkState() == Qt.CheckState.Unchecked
    assert dialog.summed is None  # nothing ticked: nothing summed, the conflict waits for the office


def test_a_big_board_is_built_off_the_gui_thread_and_a_stale_one_dropped(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from ui.desk_window import BACKGROUND_BOARD

    inbox = tmp_path / "收件"
    inbox.mkdir()
    for i in range(BACKGROUND_BOARD + 10):
        write_report(distinct_report(f"测试县第{i:03d}局", YEAR, base=1 + i), inbox / f"{i:03d}.json")
    for i in range(5):
        write_report(
            distinct_report(f"测试县第{i:03d}局", YEAR - 1, base=9 + i), inbox / f"{i:03d}-上年.json"
        )
    ensure_chinese_font()
    window = DeskWindow()
    qtbot.addWidget(window)
    window.year_box.setValue(YEAR)
    window.open_folder(inbox)
    qtbot.waitUntil(lambda: len(window.board.rows) == BACKGROUND_BOARD + 10, timeout=60_000)
    years = window.show_years()  # last year's board is built off the GUI thread too
    assert years.loading is not None and sorted(years.by_year) == [YEAR]
    qtbot.waitUntil(lambda: years.loading is not None and years.loading.finished, timeout=60_000)
    assert sorted(years.chart.series) == [YEAR - 1, YEAR] and len(years.by_year[YEAR - 1]) == 5
    first = window.rebuild()
    assert first is not None and window.summary.text().startswith("正在核对收到的")
    window.year_box.blockSignals(True)
    window.year_box.setValue(YEAR - 1)
    window.year_box.blockSignals(False)
    second = window.rebuild(select="测试县第000局")
    assert second is not None
    qtbot.waitUntil(lambda: first.finished and second.finished, timeout=60_000)
    assert window.board.year == YEAR - 1  # the board asked for last, whatever finished first
    assert window.model.rowCount() == 5  # no roster: the five agencies with a report of that year


def test_year_over_year_against_last_years_folder(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot, tmp_path)
    last = tmp_path / "2024"
    last.mkdir()
    for i, agency in enumerate(("温县财政局", "温县水利局")):
        write_report(distinct_report(agency, YEAR - 1, base=10 + 100 * i), last / f"{agency}.json")
    years = window.show_years()
    job = years.read_last_year(last)
    qtbot.waitUntil(lambda: job.finished, timeout=60_000)
    assert years.source.currentText() == "其他文件夹…"
    assert years.note.text().startswith("2025 年 1 份报告，2024 年 2 份，两年都有的 1 个单位")
    years.like.setChecked(True)
    assert "只比较两年都有报告的 1 个单位" in years.note.text()
    assert years.table.item(0, 2).text() != ""  # last year's figure from the other folder
