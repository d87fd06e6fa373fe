"""The desk in the app with real widgets: a roster of 50 with missing, erroneous, duplicate-named and
unreadable files; the board sorted, filtered and searched; a report opened read-only; a paper code
typed; a name question answered; the lists exported as .xlsx; the 汇总 and year over year. Screenshots
of each go to /tmp/desk/ to be looked at. Also 报告 → 报送… from the main window."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core import desk
from core.documents.exchange import read_report, write_report
from core.documents.fingerprint import fingerprint
from core.rules.table import resolved_values
from core.storage import Database
from tests.helpers import distinct_report
from tests.qt_helpers import import_seed, open_desk, open_window
from ui.desk_window import DeskWindow, send_package

SHOTS = Path("/tmp/desk")
ROSTER = [f"温县第{i:02d}局" for i in range(50)]
WRONG = {5, 15, 25, 35}
TWICE = {7, 17}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """0–44 sent (every 10th+3 spelled with 人民政府, 5/15/25/35 wrong, 7 and 17 twice, 40 a 定稿
    package), 45–49 missing, 0–9 also last year's (01 with few 复议), three unreadable files and one
    agency spelled so that the desk must ask."""
    box = tmp_path / "收件"
    box.mkdir()
    for i in range(45):
        name = ROSTER[i].replace("温县", "温县人民政府") if i % 10 == 3 else ROSTER[i]
        report = distinct_report(name, 2022, base=i * 3 + 1)
        if i in WRONG:
            report.values["requests.3.2.other"] += i  # type: ignore[operator]
        if i == 40:
            desk.write_package(report, box, final=True)
            continue
        write_report(report, box / f"{i:02d}.json")
        if i in TWICE:
            write_report(report, box / f"{i:02d}-再次报送.json")
    for i in range(10):
        last = distinct_report(ROSTER[i], 2021, base=i * 3 + 2)
        if i == 1:
            for key in ("upheld", "corrected", "other", "pending"):
                last.values[f"review_litigation.review.{key}"] = Decimal(0)
        write_report(last, box / f"{i:02d}-2021.json")
    (box / "损坏.docx").write_bytes(b"PK\x03\x04 broken")
    (box / "扫描件.pdf").write_bytes(b"%PDF-1.4 nothing")
    (box / "空.json").write_text("", "utf-8")
    write_report(distinct_report("温县第4局", 2022, base=500), box / "问名.json")
    return box


def _shot(widget: object, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def _column(window: DeskWindow, column: int) -> list[str]:
    return [str(window.proxy.index(r, column).data()) for r in range(window.proxy.rowCount())]


def _open(qtbot: QtBot, inbox: Path, tmp_path: Path) -> DeskWindow:
    window = open_desk(qtbot, inbox, ROSTER, 2022, tmp_path)
    qtbot.waitUntil(lambda: window.model.rowCount() == 51, timeout=60_000)
    return window


def test_board_of_fifty(qtbot: QtBot, inbox: Path, tmp_path: Path) -> None:
    window = _open(qtbot, inbox, tmp_path)
    assert window.model.rowCount() == 51  # the roster, then the one name the desk asks about
    statuses = dict(zip(_column(window, 0), _column(window, 1), strict=True))
    assert [n for n, s in statuses.items() if s == desk.MISSING] == ROSTER[45:]
    assert statuses[ROSTER[3]] == desk.DRAFT and statuses[ROSTER[40]] == desk.FINAL
    errors = dict(zip(_column(window, 0), _column(window, 2), strict=True))
    assert {n for n, e in errors.items() if e not in ("", "0")} == {ROSTER[i] for i in WRONG}
    notes = dict(zip(_column(window, 0), _column(window, 11), strict=True))
    assert all("另有 1 个相同的文件" in notes[ROSTER[i]] for i in TWICE)  # identical: a duplicate
    assert "是否为“温县第04局”" in notes["温县第4局"]
    assert window.unusable_list.count() == 3
    assert "未交 5" in window.summary.text()
    _shot(window, "board")

    window.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # most errors first, as numbers
    assert set(_column(window, 0)[:4]) == {ROSTER[i] for i in WRONG}
    counts = [int(e) for e in _column(window, 2) if e]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert _column(window, 0) == sorted([*ROSTER, "温县第4局"])
    window.status_filter.setCurrentText("有错误")
    assert window.proxy.rowCount() == 4
    window.status_filter.setCurrentText(desk.MISSING)
    assert sorted(_column(window, 0)) == ROSTER[45:]
    window.status_filter.setCurrentText("另有重复文件")
    assert sorted(_column(window, 0)) == [ROSTER[i] for i in sorted(TWICE)]
    window.status_filter.setCurrentText("不在名单中")
    assert _column(window, 0) == ["温县第4局"]
    window.status_filter.setCurrentText("有跨年问题")
    assert _column(window, 0) and set(_column(window, 0)) <= set(
        ROSTER[:10]
    )  # only those with last year's report
    window.status_filter.setCurrentText("全部状态")
    window.search.setText("第1")
    assert sorted(_column(window, 0)) == ROSTER[10:20]
    window.search.setText("")

    paths = {kind: tmp_path / f"{kind}.xlsx" for kind in ("missing", "board", "errors")}
    window.export_missing(paths["missing"])
    window.export_board(paths["board"])
    window.export_errors(paths["errors"])
    sheet = openpyxl.load_workbook(paths["missing"]).worksheets[0]
    assert [sheet.cell(r, 2).value for r in range(3, 8)] == ROSTER[45:]  # after 序号
    board = openpyxl.load_workbook(paths["board"]).worksheets[0]
    assert [board.cell(2, c).value for c in range(1, 13)] == list(desk.BOARD_HEADERS)
    assert board.max_row == 2 + 51
    errors_sheet = openpyxl.load_workbook(paths["errors"]).worksheets[0]
    rows = list(errors_sheet.iter_rows(min_row=3, values_only=True))
    assert {r[0] for r in rows} == {ROSTER[i] for i in WRONG}
    assert any(r[0] == ROSTER[35] and "「其他」" in str(r[2]) and "相差 35" in str(r[3]) for r in rows)


def test_report_opened_read_only_code_typed_and_name_answered(
    qtbot: QtBot, inbox: Path, tmp_path: Path
) -> None:
    window = _open(qtbot, inbox, tmp_path)
    window.select(ROSTER[35])
    viewer = window.open_selected()
    assert viewer is not None and "只读" in viewer.windowTitle()
    assert viewer.page.isReadOnly() and ROSTER[35] in viewer.page.toPlainText()
    assert "相差 35" in viewer.findings.tree.topLevelItem(0).text(0) or any(
        "相差 35" in viewer.findings.tree.topLevelItem(i).text(0)
        for i in range(viewer.findings.tree.topLevelItemCount())
    )
    viewer.resize(1366, 768)
    _shot(viewer, "report")

    window.select(ROSTER[12])
    assert window.confirm_selected("0000-0000-0000") is False
    code = fingerprint(read_report(inbox / "12.json"))
    assert window.confirm_selected(code.lower()) is True
    statuses = dict(zip(_column(window, 0), _column(window, 1), strict=True))
    assert statuses[ROSTER[12]] == desk.FINAL
    assert desk.Memory.load(inbox / desk.MEMORY_FILE).confirmed[f"{ROSTER[12]}|2022"] == code.lower()

    window.select("温县第4局")
    window.answer_selected(yes=True)
    assert window.model.rowCount() == 50  # now the same agency as 温县第04局: two files, one row
    notes = dict(zip(_column(window, 0), _column(window, 11), strict=True))
    assert notes[ROSTER[4]].startswith("内容冲突：")  # two different reports: never "the latest wins"


def test_sum_and_year_over_year(qtbot: QtBot, inbox: Path, tmp_path: Path) -> None:
    window = _open(qtbot, inbox, tmp_path)
    dialog = window.show_sum()
    dialog.resize(1366, 768)
    assert dialog.included.count() == 46  # 45 sent, and the unsure one under its own name
    assert dialog.total is not None
    sent = [read_report(inbox / f"{i:02d}.json") for i in range(45) if i != 40]
    sent += [read_report(inbox / "问名.json"), distinct_report(ROSTER[40], 2022, base=121)]
    cell = "requests.3.1.legal_service"
    assert dialog.total.values[cell] == sum(r.values[cell] for r in sent)  # type: ignore[misc]
    tree = dialog.findings.tree
    shown = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert any("相差" in line for line in shown)  # the four wrong reports' errors carried into the sum
    _shot(dialog, "sum")
    dialog.included.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.total.values[cell] == sum(r.values[cell] for r in sent[1:])  # type: ignore[misc]
    for suffix in (".pdf", ".docx", ".xlsx", ".json"):
        job = dialog.export(suffix, tmp_path / f"汇总{suffix}")  # written in the background
        assert job is not None
        qtbot.waitUntil(lambda job=job: job.finished, timeout=60_000)
        assert (tmp_path / f"汇总{suffix}").stat().st_size > 1000
        assert "已导出汇总" in window.statusBar().currentMessage()
    assert read_report(tmp_path / "汇总.json").values[cell] == dialog.total.values[cell]

    years = window.show_years()
    years.resize(1366, 768)
    assert sorted(years.chart.series) == [2021, 2022]
    years.choice.setCurrentText(ROSTER[1])
    flags = [years.table.item(r, 4).text() for r in range(4)]
    assert [years.table.item(r, 0).text() for r in range(4)] == ["新收申请", "办结", "复议", "诉讼"]
    assert flags == ["", "", "同比突变", ""]
    this = read_report(inbox / "01.json")
    assert years.table.item(2, 1).text() == str(resolved_values(this)["review_litigation.review.total"])
    assert years.table.item(2, 2).text() == "0"
    _shot(years, "years")
    years.export_pdf(tmp_path / "同比.pdf")
    with pdfplumber.open(tmp_path / "同比.pdf") as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        assert f"{ROSTER[1]}2022年度同比情况" in text and "同比突变" in text and "2021年" in text
        assert len([r for r in page.rects if r["height"] > 1]) >= 7  # 2 years × 4 bars, 复议 0 in 2021


def test_send_package_from_the_main_window(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    window = open_window(qtbot, db)
    report_id = import_seed(window)
    window._message.close()
    window.report_list.tree.setCurrentItem(window.report_list.item_for(report_id))
    assert "报送…" in [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    dialog = send_package(window, tmp_path)
    assert dialog is not None
    assert dialog.plan.lines[1] == "状态：草稿" and dialog.plan.name.endswith("（草稿）.zip")
    qtbot.waitUntil(lambda: dialog.done_box is not None, timeout=60_000)
    assert dialog.done_box is not None and "已生成报送包（草稿）" in dialog.done_box.text()
    assert "打开所在文件夹" in [b.text() for b in dialog.done_box.buttons()]  # not a status-bar line only
    (package,) = tmp_path.glob("*.zip")
    assert "草稿" in package.name
    with zipfile.ZipFile(package) as z:
        assert sorted(Path(n).suffix for n in z.namelist()) == [".docx", ".json", ".json", ".pdf"]
    received = desk.receive(package)
    assert received.report == db.load_report(report_id) and received.final_code is None
