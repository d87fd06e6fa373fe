"""The 汇总 dialog over a real database of many drafts, with real widgets: the figures show at once,
the drafts' 校验码 arrive from the background (said in plain Chinese meanwhile), an export asked for
before them waits and then lists every code of the content summed (also after a draft changed while
they were worked out), a tick re-sums without working out a code again, and 停止 or closing the dialog
really stops the background job."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pdfplumber
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from core.desk.included import HEADERS, SHEET_NAME
from core.documents.fingerprint import fingerprint
from core.documents.pdf.render import render_pdf
from core.storage import Database
from tests.helpers import distinct_report
from tests.test_desk_stored_sum import database_desk
from ui.desk_dialogs import CODE_COLUMN, SumDialog

YEAR = 2022
DRAFTS = 160  # enough that the codes take a while (≈ 1 ms each), in several chunks
CELL = "requests.1.natural_person"


def _fill(db: Database) -> list[int]:
    """DRAFTS drafts and 4 定稿 of YEAR, distinct numbers; their ids in creation order."""
    ids = []
    with db.batch():
        for n in range(DRAFTS + 4):
            ids.append(db.create_report(distinct_report(f"温县第{n:03d}局", YEAR, base=1 + 13 * n)))
    for report_id in ids[:4]:
        db.set_status(report_id, "final")
    return ids


def _listed_codes(path: Path) -> dict[str, str]:
    """单位 → 校验码 of the list an exported workbook has after the sum."""
    sheet = openpyxl.load_workbook(path)[SHEET_NAME]
    rows = [[str(c.value) for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0] == list(HEADERS)
    return {row[1]: row[3] for row in rows[1:]}


def test_figures_first_codes_after_and_a_waiting_export_lists_every_code(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    ids = _fill(db)
    window = database_desk(qtbot, db, YEAR)
    dialog = window.show_sum()
    assert isinstance(dialog, SumDialog)
    # the figures at once, the codes still being worked out, said so
    assert dialog.total is not None and dialog.total.values[CELL] is not None
    assert dialog.codes_pending() and dialog.summed is None
    assert dialog.codes_note.text().startswith("正在计算各报告的校验码")
    assert dialog.list_heading.text() == f"附：本汇总包括的报告（共 {DRAFTS + 4} 份）"
    model = dialog.list_model
    assert model.index(4, CODE_COLUMN).data() == "计算中…"  # a draft
    assert model.index(0, CODE_COLUMN).data() == fingerprint(db.load_report(ids[0]))  # a 定稿's is kept

    # asked for before the codes: nothing is written or printed until they are all known
    path = tmp_path / "汇总.xlsx"
    assert dialog.export(".xlsx", path) is None and not path.exists()
    printed = tmp_path / "打印.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a "printer" whose paper can be read back
    printer.setOutputFileName(str(printed))
    assert dialog.print_sum(printer) is None and dialog.print_progress is None
    assert "待完成后：导出“汇总.xlsx”、打印。" in dialog.codes_note.text()
    # a draft changes while its code is being worked out: the list has the code of what was summed
    db.set_values(ids[5], {CELL: Decimal(987654)})
    qtbot.waitUntil(lambda: path.exists(), timeout=60_000)
    qtbot.waitUntil(lambda: dialog.print_progress is not None and not dialog.print_progress.isVisible())
    assert dialog.summed is not None and not dialog.codes_pending() and not dialog.codes_note.isVisible()
    reports = {r.agency: r for r in db.load_reports(ids).values()}
    assert _listed_codes(path) == {a: fingerprint(r) for a, r in reports.items()}
    made = render_pdf(dialog.total, appendix=dialog.summed.contents.appendix())
    with pdfplumber.open(printed) as paper, pdfplumber.open(io.BytesIO(made)) as pdf:
        assert len(paper.pages) == len(pdf.pages)  # the sum and its whole list, page by page
        text = re.sub(r"\s", "", "".join(page.extract_text() for page in pdf.pages[-3:]))
    assert fingerprint(reports["温县第163局"]) in text
    assert dialog.total.values[CELL] == sum(r.values[CELL] for r in reports.values())  # type: ignore[misc]
    assert {a: c for a, c in dialog.summed.mark.included} == {a: fingerprint(r) for a, r in reports.items()}

    # a tick re-sums at once and works out no code again
    worked_out = dialog.codes_job
    dialog.included.item(7).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.summed is not None and dialog.codes_job is worked_out
    assert len(dialog.summed.contents.reports) == DRAFTS + 3
    again = tmp_path / "汇总二.xlsx"
    export = dialog.export(".xlsx", again)
    assert export is not None
    qtbot.waitUntil(lambda: export.finished, timeout=60_000)
    unticked = dialog.included.item(7).text()
    assert _listed_codes(again) == {a: fingerprint(r) for a, r in reports.items() if a != unticked}


def test_stop_and_close_really_stop_the_codes(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    _fill(db)
    window = database_desk(qtbot, db, YEAR)
    dialog = window.show_sum()
    assert dialog.codes_button.text() == "停止"
    dialog.codes_button.click()  # 停止 before the job even started (it starts once the figures are painted)
    qtbot.wait(100)
    assert dialog.codes_job is None and window.session.draft_codes(db) == {}
    assert dialog.codes_note.text().startswith("已停止计算各报告的校验码")
    dialog.codes_button.click()  # 继续计算
    job = dialog.codes_job
    assert job is not None and dialog.codes_button.text() == "停止"
    waiting = tmp_path / "汇总.xlsx"
    assert dialog.export(".xlsx", waiting) is None  # waits for the codes
    dialog.codes_button.click()  # 停止, while it works: the export waiting is not done
    assert job.cancel_event.is_set()
    assert "已停止计算校验码，未进行：导出“汇总.xlsx”" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: job.finished, timeout=30_000)
    kept = dict(window.session.draft_codes(db))
    assert len(kept) < DRAFTS  # stopped part way, what was worked out kept
    assert dialog.codes_pending() and dialog.codes_note.text().startswith("已停止计算各报告的校验码")
    assert dialog.codes_button.text() == "继续计算"
    qtbot.wait(200)
    assert window.session.draft_codes(db) == kept and dialog.codes_job is job  # nothing more worked out
    assert not waiting.exists()

    dialog.codes_button.click()  # 继续计算: only the rest
    going_on = dialog.codes_job
    assert going_on is not job and going_on is not None
    assert dialog.codes_total == DRAFTS - len(kept)
    dialog.close()  # closing stops it too
    assert going_on.cancel_event.is_set()
    qtbot.waitUntil(lambda: going_on.finished, timeout=30_000)
    assert len(window.session.draft_codes(db)) < DRAFTS

    reopened = window.show_sum()  # the codes kept so far are not worked out again
    qtbot.waitUntil(lambda: reopened.codes_job is not None)
    assert reopened.codes_total == DRAFTS - len(window.session.draft_codes(db))
    qtbot.waitUntil(lambda: reopened.summed is not None, timeout=60_000)


def test_closing_the_desk_closes_its_sum_and_stops_the_codes(qtbot: QtBot, db: Database) -> None:
    _fill(db)
    window = database_desk(qtbot, db, YEAR)
    dialog = window.show_sum()
    qtbot.waitUntil(lambda: dialog.codes_job is not None)
    job = dialog.codes_job
    assert job is not None
    window.close()
    assert not dialog.isVisible() and job.cancel_event.is_set()
    qtbot.waitUntil(lambda: job.finished, timeout=30_000)


def test_an_export_waiting_for_codes_is_dropped_when_nothing_is_chosen(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    """It was left queued and written later, unasked, of another 汇总, once a later tick's codes came."""
    _fill(db)
    window = database_desk(qtbot, db, YEAR)
    dialog = window.show_sum()
    waiting = tmp_path / "汇总.xlsx"
    assert dialog.export(".xlsx", waiting) is None  # waits for the codes
    dialog.included.blockSignals(True)  # every report unticked, one refresh (as a user's last untick)
    for row in range(dialog.included.count()):
        dialog.included.item(row).setCheckState(Qt.CheckState.Unchecked)
    dialog.included.blockSignals(False)
    dialog.refresh()
    assert dialog.waiting == []
    assert "没有勾选任何报告，未进行：导出“汇总.xlsx”" in window.statusBar().currentMessage()
    dialog.included.item(10).setCheckState(Qt.CheckState.Checked)  # a draft: its code worked out
    qtbot.waitUntil(lambda: dialog.summed is not None, timeout=60_000)
    qtbot.wait(200)
    assert not waiting.exists()
