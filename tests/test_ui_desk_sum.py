"""The 汇总 dialog with real widgets: four reports received (one a 定稿 package, one with an error),
one agency unticked; every export but the JSON lists exactly the ticked reports with the status and
校验码 the board shows, the JSON is the plain exchange file of the sum. The dialog shows the same
list under the sum. A screenshot goes to /tmp/sumlist/ to be looked at."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import lxml.html
import openpyxl
import pdfplumber
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from core import desk
from core.desk.included import HEADERS, SHEET_NAME
from core.documents.exchange import dumps, write_report
from tests.helpers import distinct_report
from ui.desk_window import DeskWindow
from ui.fonts import ensure_chinese_font

SHOTS = Path("/tmp/sumlist")
ROSTER = ["温县财政局", "温县教育局", "温县民政局", "温县卫生健康委员会", "温县统计局"]
LEFT_OUT = ROSTER[2]


def test_sum_exports_list_the_ticked_reports(qtbot: QtBot, tmp_path: Path) -> None:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for i, name in enumerate(ROSTER[:4]):
        report = distinct_report(name, 2022, base=1 + i * 250)
        if i == 0:
            desk.write_package(report, inbox, final=True)
            continue
        if i == 1:
            report.values["requests.3.2.other"] += 5  # type: ignore[operator]
        write_report(report, inbox / f"{i}.json")
    roster = tmp_path / "名单.csv"
    roster.write_text("单位名称\n" + "\n".join(ROSTER) + "\n", "utf-8")

    ensure_chinese_font()
    window = DeskWindow()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    job = window.set_roster(roster)
    qtbot.waitUntil(lambda: job.finished, timeout=30_000)
    window.year_box.setValue(2022)
    window.open_folder(inbox)
    qtbot.waitUntil(lambda: sum(r.received is not None for r in window.board.rows) == 4, timeout=30_000)
    board = {r.agency: r for r in window.board.rows}
    assert board[ROSTER[0]].status == desk.FINAL and board[ROSTER[1]].errors > 0

    dialog = window.show_sum()
    dialog.resize(1366, 768)
    items = [dialog.included.item(i) for i in range(dialog.included.count())]
    assert [i.text() for i in items] == ROSTER[:4]
    next(i for i in items if i.text() == LEFT_OUT).setCheckState(Qt.CheckState.Unchecked)
    ticked = [ROSTER[0], ROSTER[1], ROSTER[3]]
    expected = [list(HEADERS)] + [
        [str(n), a, board[a].status, board[a].fingerprint, str(board[a].errors)]
        for n, a in enumerate(ticked, start=1)
    ]
    assert all(board[a].fingerprint for a in ticked)
    heading = "附：本汇总包括的报告（共 3 份）"
    model = dialog.list_model  # the list beside the sum, as the files have it after the sum
    shown = [[model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]] + [
        [model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())
    ]
    assert dialog.list_heading.text() == heading and shown == expected
    assert not dialog.codes_pending() and not dialog.codes_note.isVisible()  # a folder's codes are read
    assert LEFT_OUT not in dialog.page.toPlainText()
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "sum_dialog.png"))

    paths = {s: tmp_path / f"汇总{s}" for s in (".pdf", ".docx", ".xlsx", ".html", ".json")}
    jobs = [dialog.export(suffix, path) for suffix, path in paths.items()]
    qtbot.waitUntil(lambda: all(job is not None and job.finished for job in jobs), timeout=60_000)
    assert window.dialogs == [dialog]  # no message: every export was written

    printed = tmp_path / "打印.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a "printer" whose paper can be read back
    printer.setOutputFileName(str(printed))
    assert dialog.print_sum(printer) is not None
    qtbot.waitUntil(lambda: "汇总已送往打印机" in window.statusBar().currentMessage(), timeout=60_000)
    with pdfplumber.open(paths[".pdf"]) as made, pdfplumber.open(printed) as paper:
        assert len(paper.pages) == len(made.pages)  # the sum and its list, page by page

    with pdfplumber.open(paths[".pdf"]) as pdf:
        last = pdf.pages[-1]
        assert last.extract_text().splitlines()[0] == heading
        assert [[re.sub(r"\s", "", c or "") for c in row] for row in last.extract_table()] == expected
        assert LEFT_OUT not in "".join(p.extract_text() for p in pdf.pages)
    document = docx.Document(str(paths[".docx"]))
    assert [[c.text for c in row.cells] for row in document.tables[-1].rows] == expected
    sheet = openpyxl.load_workbook(paths[".xlsx"])[SHEET_NAME]
    listed = [[str(c.value) for c in row] for row in sheet.iter_rows(min_row=3)]
    assert listed == expected
    page = lxml.html.fromstring(paths[".html"].read_bytes())
    table = page.findall(".//table")[-1]
    assert [[c.text_content() for c in tr] for tr in table.findall(".//tr")] == expected
    assert dialog.total is not None
    summed = json.loads(paths[".json"].read_text("utf-8"))  # the exchange file with the 汇总's mark
    assert [i["agency"] for i in summed.pop("summary")["included"]] == ticked
    assert summed == json.loads(dumps(dialog.total))

    # The report part is the sum of the ticked reports: a cell of table B, in the PDF's report pages.
    cell = "requests.3.2.other"
    total = dialog.total.values[cell]
    assert total == sum(board[a].received.report.values[cell] for a in ticked)  # type: ignore[union-attr, misc]
    with pdfplumber.open(paths[".pdf"]) as pdf:
        assert str(total) in "".join(p.extract_text() for p in pdf.pages[:-1])
