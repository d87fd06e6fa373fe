"""「忽略此提醒」, the narrative marks and 「根据表格生成」, against a real database file and real widgets.

A dismissal is kept with the report (and survives reopening), is a revision in its history with the
reason and who, greys the warning in the findings panel and takes it out of the counts; an error
cannot be dismissed, nor anything on a 定稿 report. The narrative editor marks the sentences repeated
from last year while TEXT.COPIED stands, and the drafted block while it is untouched.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QTextDocument
from PySide6.QtWidgets import QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from core.errors import UserError
from core.format import get_format
from core.model.report import Report
from core.rules.table import Finding
from core.rules.text import draft_text
from core.storage import DISMISSED, Database
from tests.qt_helpers import commit_text, on_next_modal, open_window
from ui.findings_panel import DISMISS_TEXT, DISMISSED_COLOUR, UNDISMISS_TEXT, FindingsPanel
from ui.history import change_texts, explanation, field_name, kind_name
from ui.main_window import MainWindow
from ui.text_editor import COPIED_FORMAT, DRAFT_FORMAT

SHOTS = Path("/tmp/text")
STATED = "2021年，县政府办公室共受理政府信息公开申请25件"  # the seed's table says 23
NEW = "今年新开设了政策问答栏目，方便群众随时查询办事指南"  # not in last year's report


def _contradicting(seed: Report) -> Report:
    seed.texts["overview"] = seed.texts["overview"].replace(
        "2021年，县政府办公室共受理政府信息公开申请23件", STATED
    )
    assert STATED in seed.texts["overview"]
    seed.texts["overview"] += f"\n{NEW}。"
    return seed


@pytest.fixture
def report_id(db: Database, seed: Report) -> int:
    last_year = replace(copy.deepcopy(seed), year=2020)  # the same text: TEXT.COPIED
    db.create_report(last_year)
    return db.create_report(_contradicting(seed))


@pytest.fixture
def window(qtbot: QtBot, db: Database, report_id: int) -> MainWindow:
    window = open_window(qtbot, db)
    window.resize(1366, 768)
    window.open_report(report_id)
    return window


def _panel(window: MainWindow) -> FindingsPanel:
    assert window.editor is not None
    return window.editor.findings


def _select(panel: FindingsPanel, rule: str, dismissed: bool = False) -> None:
    finding = next(f for f in (panel.dismissed if dismissed else panel.findings) if f.rule == rule)
    item = panel.item_for(finding)
    assert item is not None
    panel.tree.setCurrentItem(item)


def _type_reason(reason: str) -> None:
    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, QDialog) and dialog.windowTitle() == "忽略此提醒"
        line = dialog.findChild(QLineEdit)
        line.setFocus()
        commit_text(line, reason)
        dialog.ok.click()  # type: ignore[attr-defined]

    on_next_modal(act)


def _shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / f"{name}.png"))


def test_storage_keeps_a_dismissal_with_reason_and_who_and_records_it_in_history(
    db: Database, report_id: int
) -> None:
    with pytest.raises(UserError, match="原因"):
        db.dismiss(report_id, "TEXT.NUMBER|x", "  ", "张三")
    rev = db.dismiss(report_id, "TEXT.NUMBER|x", "文字说的是全县的数", "张三")
    [record] = db.dismissals(report_id).values()
    assert (record.key, record.reason, record.who) == ("TEXT.NUMBER|x", "文字说的是全县的数", "张三")
    latest = db.history(report_id)[0]
    assert (latest.id, latest.kind, latest.note) == (rev, "dismiss", "张三")
    assert [(c.field, c.old, c.new) for c in latest.changes] == [
        ("dismissed.TEXT.NUMBER|x", None, "文字说的是全县的数")
    ]
    spec = get_format()
    assert (
        kind_name(latest) == "忽略提醒"
        and field_name(spec, latest.changes[0].field) == "提醒「文字中的数字与表格不符：x」"
        and explanation(latest) == "文字说的是全县的数"  # the reason, not who (the note keeps who)
    )
    assert change_texts(spec, latest.changes[0]) == ("显示提醒", "已忽略：文字说的是全县的数")
    db.undismiss(report_id, "TEXT.NUMBER|x")
    assert db.dismissals(report_id) == {}
    undone = db.history(report_id)[0]
    assert kind_name(undone) == "恢复提醒" and change_texts(spec, undone.changes[0]) == (
        "已忽略：文字说的是全县的数",
        "显示提醒",
    )
    db.set_status(report_id, "final")
    with pytest.raises(UserError, match="定稿"):
        db.dismiss(report_id, "TEXT.NUMBER|x", "原因", "张三")


def test_a_text_warning_is_dismissed_with_a_reason_greyed_kept_and_shown_again(
    qtbot: QtBot, window: MainWindow, db: Database, report_id: int
) -> None:
    panel = _panel(window)
    document = window.document
    assert document is not None
    [number] = [f for f in document.findings if f.rule == "TEXT.NUMBER"]
    assert "25" in number.message and "23" in number.message and number.cells == ("requests.1.total",)
    warnings_before = document.warning_count
    _select(panel, "TEXT.NUMBER")
    assert panel.dismiss_button.isEnabled() and panel.dismiss_button.text() == DISMISS_TEXT
    _shot(window, "1-提醒")

    _type_reason("文字中的25件含转办件，表格按规定口径填写")
    panel.dismiss_button.click()
    qtbot.waitUntil(lambda: bool(panel.dismissed))
    assert panel.dismissed == [number] and number not in document.findings
    assert document.warning_count == warnings_before - 1
    item = panel.item_for(number)
    assert item is not None and item.text(0).startswith("已忽略（原因：文字中的25件含转办件")
    assert number.message in item.text(0)
    assert item.foreground(0).color() == DISMISSED_COLOUR and item.font(0).italic()
    assert "已忽略 1 处" in panel.header.text()
    assert window.findings_label.text().endswith(f"{warnings_before - 1} 处提示")
    _shot(window, "3-已忽略")

    history = db.history(report_id)[0]
    assert history.kind == "dismiss" and history.changes[0].new == "文字中的25件含转办件，表格按规定口径填写"
    window.close_report()
    window.open_report(report_id)  # kept with the report
    assert [f.key for f in _panel(window).dismissed] == [number.key]

    panel = _panel(window)
    _select(panel, "TEXT.NUMBER", dismissed=True)
    assert panel.dismiss_button.text() == UNDISMISS_TEXT
    panel.dismiss_button.click()
    assert panel.dismissed == [] and any(f.rule == "TEXT.NUMBER" for f in panel.findings)
    assert db.dismissals(report_id) == {}


def test_errors_and_final_reports_cannot_be_dismissed(
    window: MainWindow, db: Database, report_id: int
) -> None:
    document = window.document
    assert document is not None
    document.set_values({"requests.3.1.natural_person": Decimal(99)})  # B.BALANCE and friends
    panel = _panel(window)
    _select(panel, "B.BALANCE")
    assert not panel.dismiss_button.isEnabled()
    error = next(f for f in document.findings if f.severity == "error")
    with pytest.raises(UserError):
        document.dismiss(error, "不想改")
    document.undo_stack.undo()
    db.set_status(report_id, "final")
    document.reload()
    _select(panel, "TEXT.NUMBER")
    assert not panel.dismiss_button.isEnabled()


def _backgrounds(document: QTextDocument) -> dict[str, list[str]]:
    """Which colours the highlighter gave to which text, per block."""
    shown: dict[str, list[str]] = {}
    block = document.begin()
    while block.isValid():
        for r in block.layout().formats():
            colour = r.format.background().color().name()
            shown.setdefault(colour, []).append(block.text()[r.start : r.start + r.length])
        block = block.next()
    return shown


def test_the_editor_marks_copied_sentences_and_the_drafted_block_that_follows_the_tables(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = window.editor
    document = window.document
    assert editor is not None and document is not None
    overview = editor.editors["overview"]
    assert any(f.rule == "TEXT.COPIED" for f in document.findings)
    copied = _backgrounds(overview.edit.document())[COPIED_FORMAT.background().color().name()]
    assert any("温县党政门户网站共公开发布各类信息4065条" in part for part in copied)
    assert any(STATED in part for part in copied)  # only its number changed: still a repeat
    assert not any(NEW in part for part in copied)
    editor.show_page(0)
    _shot(window, "2-重复句子标出")

    assert overview.draft_button is not None
    overview.draft_button.click()
    block = draft_text(document.spec.draft_blocks[1], document.report)
    assert block in overview.text() and "共收到政府信息公开申请23件" in block
    drafted = _backgrounds(overview.edit.document())[DRAFT_FORMAT.background().color().name()]
    assert block in "".join(drafted)
    _shot(window, "4-根据表格生成")

    document.set_values({"requests.1.natural_person": Decimal(40)})  # the untouched block follows
    assert "共收到政府信息公开申请41件" in overview.text()
    assert document.report.texts["overview"] == overview.text()
    document.undo_stack.undo()
    assert "共收到政府信息公开申请23件" in overview.text()
    assert QColor(DRAFT_FORMAT.background().color()).name() in _backgrounds(overview.edit.document())
    document.undo_stack.undo()  # 「根据表格生成」 is one undo step
    assert block not in overview.text() and block not in document.report.texts["overview"]


def test_a_dismissal_in_the_history_names_its_cells_as_the_forms_do() -> None:
    spec = get_format()
    issued = "active_disclosure.normative_documents.issued"
    blank = Finding("BLANK", "warning", (issued,), "未填写")
    empty = Finding("TEXT.EMPTY", "warning", ("text.problems",), "没有写内容")
    assert (
        field_name(spec, DISMISSED + blank.key) == f"提醒「未填写的单元格：{spec.cells[issued].description}」"
    )
    heading = next(s.full_heading for s in spec.sections if s.text_key == "problems")
    assert field_name(spec, DISMISSED + empty.key) == f"提醒「存在的主要问题未写：「{heading}」的文字」"
