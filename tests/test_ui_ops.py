"""The window shows what the operations decide: a narrative finding selects its sentence, 定稿 lists
the open hints with 「仍然定稿」/「返回修改」, and no output shows a 校验码 the policy refuses."""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.errors import UserError
from core.storage import Database
from tests.conftest import SEED_JSON
from tests.qt_helpers import answer_boxes, import_seed, open_seed_report, open_window
from ui.main_window import MainWindow

STATED = "共受理政府信息公开申请23件"
WRONG = "共受理政府信息公开申请20件"  # table 三 says 23


def _with_wrong_number(window: MainWindow) -> None:
    """The user writes 20 where table 三 says 23, in the overview's editor."""
    assert window.editor is not None and window.document is not None
    edit = window.editor.editors["overview"].edit
    edit.setPlainText(edit.toPlainText().replace(STATED, WRONG))
    assert WRONG in window.document.report.texts["overview"]


def test_clicking_a_narrative_finding_selects_its_sentence_not_the_table(qtbot: QtBot, db: Database) -> None:
    window = open_seed_report(qtbot, db)
    _with_wrong_number(window)
    editor = window.editor
    assert editor is not None and window.document is not None
    finding = next(f for f in window.document.findings if f.rule == "TEXT.NUMBER")
    assert finding.cells[0].startswith("requests.")  # it names table 三's cell as well
    item = editor.findings.item_for(finding)
    assert item is not None
    editor.findings._clicked(item)

    overview = next(i for i, s in enumerate(editor.sections) if s.text_key == "overview")
    assert editor.page_index == overview
    selected = editor.editors["overview"].edit.textCursor().selectedText()
    assert WRONG in selected and selected.startswith("2021年")


def test_finalize_lists_the_open_hints_and_goes_back_or_goes_on(qtbot: QtBot, db: Database) -> None:
    window = open_seed_report(qtbot, db)
    _with_wrong_number(window)
    assert window.editor is not None and window.document is not None
    page = window.editor.sign_page
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        window.editor.show_page(window.editor.nav.count() - 1)

    seen: list[str] = []
    answer_boxes("返回修改", seen, once=True)
    assert not page.finalize()
    assert len(seen) == 1 and "受理政府信息公开申请20件" in seen[0] and "没有处理" in seen[0]
    assert db.status(window.document.report_id) == "draft"

    seen.clear()
    answer_boxes("仍", seen)  # 「仍然定稿」, then 「仍要定稿」 if this machine lacks 仿宋
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        assert page.finalize()
    assert "申请20件" in seen[0] and db.status(window.document.report_id) == "final"
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)


def test_no_output_shows_a_code_the_policy_refuses(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    from ui.desk_window import send_package
    from ui.sign_print import pdf_bytes

    window = open_window(qtbot, db)
    report_id = import_seed(window)
    window._message.close()
    db.set_values(report_id, {"requests.1.natural_person": Decimal(99)})  # table 三 no longer adds up
    db.set_status(report_id, "final")  # e.g. an older version, or another program: storage knows no rules
    window.open_report(report_id)
    assert window.document is not None and window.document.read_only

    with pytest.raises(UserError, match="不能带校验码"):
        window.export_actions.current()  # what Word, Excel, the web page and 报送 take their code from
    with pytest.raises(UserError, match="不能带校验码"):
        send_package(window, tmp_path)
    with pytest.raises(UserError, match="不能带校验码"):
        pdf_bytes(window.document.report, final=True)  # the preview, the PDF and the print
    assert window.editor is not None
    page = window.editor.sign_page
    assert "校验码：" not in page.status_label.text() and "没有校验码" in page.status_label.text()
    assert page.export_pdf(tmp_path / "定稿.pdf") is None and not (tmp_path / "定稿.pdf").exists()
    assert page._message is not None and "不能带校验码" in page._message.text()
    page._message.close()
    page.print_pdf()
    assert "不能带校验码" in page._message.text()
    assert list(tmp_path.glob("*.zip")) == [] and SEED_JSON.exists()


def test_last_years_report_imported_anywhere_checks_the_open_report_at_once(
    qtbot: QtBot, db: Database, db_path: Path
) -> None:
    from core.documents.exchange import read_report
    from core.ops.library import Library

    seed = read_report(SEED_JSON)
    this_year = replace(copy.deepcopy(seed), year=2022)
    this_year.values["requests.2.natural_person"] = Decimal(7)  # last year left another number over
    this_year.values["requests.2.total"] = None  # computed from its parts
    window = open_window(qtbot, db)
    window.open_report(Library(db).import_report(this_year).report_id)
    document = window.document
    assert document is not None and not [f for f in document.findings if f.rule == "YEAR.CARRY_OVER"]

    with qtbot.waitSignal(document.findingsChanged):
        window.store_import(seed)  # 「导入报告文件」 of last year's report, in this window
    carried = [f.cells[0] for f in document.findings if f.rule == "YEAR.CARRY_OVER"]
    assert "requests.2.natural_person" in carried
    mended = copy.deepcopy(seed)
    mended.values["requests.4.natural_person"] = Decimal(7)  # last year's 四 mended elsewhere…
    mended.values["requests.4.total"] = None
    other = Database.open(db_path)
    try:
        Library(other).import_report(mended)  # …by `main.py db import` while the window is open
    finally:
        other.close()
    with qtbot.waitSignal(document.findingsChanged):
        window.watch.check_external()
    assert not [f for f in document.findings if f.rule == "YEAR.CARRY_OVER"]
