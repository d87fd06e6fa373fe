"""The table forms A, B and C driven as a user would, on a real temporary database holding the seed report.

Models are checked without a window; views get real key events (ASCII through qtbot, full-width digits
as QKeyEvents carrying the text or as an input-method commit), real clipboard text and real undo. What is
stored is read back through a second connection to the same SQLite file.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from core.model.report import Report
from core.storage import Database
from tests.conftest import ROOT
from tests.qt_helpers import commit_text
from ui.document import ReportDocument
from ui.fonts import ensure_chinese_font
from ui.table_model import ADDRESS_ROLE, COLOURS, KIND_ROLE, ReportTableModel
from ui.table_view import ReportTableView

B1_NATURAL = "requests.1.natural_person"
B1_TOTAL = "requests.1.total"


@pytest.fixture(autouse=True)
def _chinese_font(qapp: QApplication) -> None:
    """The bundled font when the machine has no Chinese one (CI), so screenshots show real text."""
    ensure_chinese_font()


@pytest.fixture
def report_id(seeded_db_path: Path, db: Database) -> int:
    """The seed report's id in this test's database."""
    [summary] = db.list_reports()
    return summary.id


@pytest.fixture
def document(db: Database, report_id: int, qtbot: QtBot) -> ReportDocument:
    return ReportDocument(db, report_id)


def stored(db_path: Path, report_id: int) -> Report:
    """The report as another process would read it from the file."""
    with Database.open(db_path) as other:
        return other.load_report(report_id)


def make_view(qtbot: QtBot, document: ReportDocument, table_key: str) -> ReportTableView:
    view = ReportTableView(document, table_key)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.resize(view.sizeHint())
    view.setFocus()
    return view


def key_target(view: ReportTableView) -> QWidget:
    return view.delegate.editor or view


def type_text(qtbot: QtBot, view: ReportTableView, text: str) -> None:
    """Keystrokes as the keyboard sends them; non-ASCII as a QKeyEvent carrying the text."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClick(key_target(view), ch)
        else:
            QApplication.sendEvent(
                key_target(view), QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch)
            )


def press(qtbot: QtBot, view: ReportTableView, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(key_target(view), key, modifier)


def select_block(view: ReportTableView, first: str, last: str) -> None:
    model = view.table_model
    top_left, bottom_right = model.index_of(first), model.index_of(last)
    view.setCurrentIndex(top_left)
    view.selectionModel().select(
        QItemSelection(top_left, bottom_right), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )


def shots_dir(tmp_path: Path) -> list[Path]:
    """Screenshots go to tmp_path; NIANBAO_SHOTS (a folder) keeps a copy to look at."""
    folders = [tmp_path]
    if os.environ.get("NIANBAO_SHOTS"):
        folders.append(Path(os.environ["NIANBAO_SHOTS"]))
        folders[-1].mkdir(parents=True, exist_ok=True)
    return folders


# ---------------------------------------------------------------- models, without a window


def test_table_b_model_is_the_official_layout_with_headers_as_merged_cells(document: ReportDocument) -> None:
    model = ReportTableModel(document, "requests")
    table = document.spec.table("requests")
    assert (model.rowCount(), model.columnCount()) == (3 + 25, 10)
    spans = set(model.spans())
    assert (0, 0, 3, 3) in spans  # the corner note over the label area of the three header rows
    assert model.index(0, 0).data() == table.corner_note
    assert (0, 3, 1, 7) in spans and model.index(0, 3).data() == "申请人情况"
    assert (1, 4, 1, 5) in spans and model.index(1, 4).data() == "法人或其他组织"
    results = next(p for p in table.placed if p.cell.text == "三、本年度办理结果")
    assert (results.row, results.col, results.cell.rowspan) == (5, 0, 22)
    withheld = next(p for p in table.placed if p.cell.text == "（三）不予公开")
    assert (withheld.row, withheld.col, withheld.cell.rowspan, withheld.cell.colspan) == (7, 1, 8, 1)
    assert model.index(3, 0).data() == "一、本年新收政府信息公开申请数量"
    assert model.index(3, 3).data(ADDRESS_ROLE) == B1_NATURAL
    assert model.index(3, 3).data() == "22"


def test_only_input_cells_are_editable_and_totals_look_different(document: ReportDocument) -> None:
    model = ReportTableModel(document, "requests")
    natural, total = model.index_of(B1_NATURAL), model.index_of(B1_TOTAL)
    result_total = model.index_of("requests.3.7.natural_person")
    assert model.flags(natural) & Qt.ItemFlag.ItemIsEditable
    for index in (total, result_total, model.index(0, 0), model.index(3, 0)):
        assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert total.data(KIND_ROLE) == "total" and result_total.data(KIND_ROLE) == "total"
    assert total.data(Qt.ItemDataRole.BackgroundRole) == COLOURS["total"]
    assert natural.data(Qt.ItemDataRole.BackgroundRole) == COLOURS["input"]
    assert COLOURS["total"] != COLOURS["input"]
    assert total.data(Qt.ItemDataRole.FontRole).bold()
    assert "自动计算" in total.data(Qt.ItemDataRole.ToolTipRole)
    assert natural.data(Qt.ItemDataRole.ToolTipRole) == document.spec.cells[B1_NATURAL].description


def test_tables_a_and_c_have_their_official_shape(document: ReportDocument) -> None:
    a = ReportTableModel(document, "active_disclosure")
    assert a.columnCount() == 4
    assert [a.index(r, 0).data() for r in (0, 4, 7, 11)] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    fee = a.index_of("active_disclosure.fees.amount")
    assert (fee.column(), (fee.row(), 1, 1, 3) in a.spans()) == (1, True)
    c = ReportTableModel(document, "review_litigation")
    assert (c.rowCount(), c.columnCount()) == (4, 15)
    assert {(0, 0, 2, 5), (0, 5, 1, 10)} <= set(c.spans())
    totals = [i for i in range(15) if c.index(3, i).data(KIND_ROLE) == "total"]
    assert totals == [4, 9, 14]
    assert c.index(3, 9).data() == "3"


def test_a_final_report_has_no_editable_cell(db: Database, report_id: int, qtbot: QtBot) -> None:
    db.set_status(report_id, "final")
    model = ReportTableModel(ReportDocument(db, report_id), "requests")
    editable = [
        (r, c)
        for r in range(model.rowCount())
        for c in range(model.columnCount())
        if model.flags(model.index(r, c)) & Qt.ItemFlag.ItemIsEditable
    ]
    assert editable == []


def test_model_refuses_invalid_text_and_stores_nothing(
    document: ReportDocument, db_path: Path, report_id: int, qtbot: QtBot
) -> None:
    model = ReportTableModel(document, "requests")
    with qtbot.waitSignal(model.inputRefused) as refused:
        assert not model.setData(model.index_of(B1_NATURAL), "-3")
    assert "不能为负数" in refused.args[0] and "自然人" in refused.args[0]
    assert stored(db_path, report_id).values[B1_NATURAL] == Decimal(22)
    assert document.undo_stack.count() == 0


# ---------------------------------------------------------------- live checks while typing


def test_typing_digits_into_table_b_updates_totals_and_findings_before_enter(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "requests")
    model = view.table_model
    view.select_cell(B1_NATURAL)
    type_text(qtbot, view, "30")
    editor = view.delegate.editor
    assert editor is not None and editor.text() == "30"  # typed over the 22, not appended
    assert model.index_of(B1_TOTAL).data() == "31"  # 30 + 1 社会公益组织, before Enter
    assert model.index_of(B1_NATURAL).data(Qt.ItemDataRole.BackgroundRole) == COLOURS["error"]
    balance = [f for f in document.findings_for(B1_NATURAL) if f.rule == "B.BALANCE"]
    assert len(balance) == 1 and "相差 8" in balance[0].message
    assert balance[0].message in model.index_of(B1_NATURAL).data(Qt.ItemDataRole.ToolTipRole)
    assert stored(db_path, report_id).values[B1_NATURAL] == Decimal(22)  # a preview stores nothing
    press(qtbot, view, Qt.Key.Key_Return)
    assert view.delegate.editor is None
    assert view.currentIndex() == model.index_of("requests.2.natural_person")  # Enter moves down
    after = stored(db_path, report_id)
    assert after.values[B1_NATURAL] == Decimal(30)
    assert after.values[B1_TOTAL] is None  # the imported 23 is computed again: 31
    assert model.index_of(B1_TOTAL).data() == "31"


def test_full_width_digits_typed_or_committed_by_an_input_method_are_stored(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "requests")
    view.select_cell(B1_NATURAL)
    type_text(qtbot, view, "２５")
    assert view.table_model.index_of(B1_TOTAL).data() == "26"
    press(qtbot, view, Qt.Key.Key_Tab)
    assert view.currentIndex() == view.table_model.index_of("requests.1.commercial")  # Tab moves right
    commit_text(view, "３")
    assert view.delegate.editor is not None and view.delegate.editor.text() == "３"
    assert view.table_model.index_of(B1_TOTAL).data() == "29"
    press(qtbot, view, Qt.Key.Key_Return)
    values = stored(db_path, report_id).values
    assert (values[B1_NATURAL], values["requests.1.commercial"]) == (Decimal(25), Decimal(3))


def test_breaking_the_balance_marks_that_column_and_fixing_it_clears_it(
    qtbot: QtBot, document: ReportDocument
) -> None:
    view = make_view(qtbot, document, "requests")
    model = view.table_model
    view.select_cell("requests.4.commercial")
    type_text(qtbot, view, "2")
    press(qtbot, view, Qt.Key.Key_Return)
    balance = [f for f in document.findings if f.rule == "B.BALANCE"]
    # the 商业企业 column, and the 总计 column that follows it
    assert [{a.rsplit(".", 1)[1] for a in f.cells} for f in balance] == [{"commercial"}, {"total"}]
    assert "商业企业" in balance[0].message and "相差 2" in balance[0].message
    for row in ("1", "2", "3.7", "4"):
        colour = model.index_of(f"requests.{row}.commercial").data(Qt.ItemDataRole.BackgroundRole)
        assert colour == COLOURS["error"]
    assert model.index_of(B1_NATURAL).data(Qt.ItemDataRole.BackgroundRole) == COLOURS["input"]
    assert (document.error_count, document.warning_count) == (2, 0)
    view.select_cell("requests.4.commercial")
    type_text(qtbot, view, "0")
    press(qtbot, view, Qt.Key.Key_Return)
    assert [f for f in document.findings if f.rule == "B.BALANCE"] == []
    assert model.index_of("requests.4.commercial").data(Qt.ItemDataRole.BackgroundRole) == COLOURS["input"]


def test_escape_drops_the_preview_and_stores_nothing(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "requests")
    view.select_cell(B1_NATURAL)
    type_text(qtbot, view, "99")
    assert document.error_count > 0
    press(qtbot, view, Qt.Key.Key_Escape)
    assert view.delegate.editor is None
    assert document.findings == [] and view.table_model.index_of(B1_TOTAL).data() == "23"
    assert stored(db_path, report_id).values[B1_NATURAL] == Decimal(22)
    assert document.undo_stack.count() == 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [("abc", "不是数字"), ("-3", "不能为负数"), ("2.5", "件数必须是整数"), ("1000000001", "超过了")],
)
def test_invalid_input_is_refused_at_the_cell_and_the_database_is_unchanged(
    qtbot: QtBot,
    document: ReportDocument,
    db: Database,
    db_path: Path,
    report_id: int,
    text: str,
    reason: str,
) -> None:
    view = make_view(qtbot, document, "requests")
    revisions = len(db.history(report_id))
    view.select_cell(B1_NATURAL)
    type_text(qtbot, view, text)
    editor = view.delegate.editor
    assert editor is not None and editor.problem is not None and reason in editor.problem
    assert reason in editor.toolTip()
    press(qtbot, view, Qt.Key.Key_Return)
    assert view.delegate.editor is editor  # still open: the user can correct it
    assert reason in view.last_message and "自然人" in view.last_message and "未保存" in view.last_message
    assert view.currentIndex() == view.table_model.index_of(B1_NATURAL)
    press(qtbot, view, Qt.Key.Key_Escape)
    assert stored(db_path, report_id).values[B1_NATURAL] == Decimal(22)
    assert len(db.history(report_id)) == revisions
    assert document.undo_stack.count() == 0


def test_a_fee_with_more_than_six_decimals_is_refused(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "active_disclosure")
    view.select_cell("active_disclosure.fees.amount")
    type_text(qtbot, view, "12.3456789")
    press(qtbot, view, Qt.Key.Key_Return)
    assert "6 位小数" in view.last_message
    press(qtbot, view, Qt.Key.Key_Escape)
    type_text(qtbot, view, "12.5")
    press(qtbot, view, Qt.Key.Key_Return)
    assert stored(db_path, report_id).values["active_disclosure.fees.amount"] == Decimal("12.5")
    assert view.table_model.index_of("active_disclosure.fees.amount").data() == "12.5"


# ---------------------------------------------------------------- spreadsheet entry


def test_delete_clears_to_blank_not_zero_in_one_undo_step(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "requests")
    select_block(view, "requests.3.1.natural_person", "requests.3.2.social_welfare")
    press(qtbot, view, Qt.Key.Key_Delete)
    values = stored(db_path, report_id).values
    assert values["requests.3.1.natural_person"] is None and values["requests.3.1.social_welfare"] is None
    assert view.table_model.index_of("requests.3.1.natural_person").data() == ""
    assert view.table_model.index_of("requests.3.1.total").data() == "0"  # computed from blanks
    assert any(f.rule == "BLANK" for f in document.findings_for("requests.3.1.natural_person"))
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert stored(db_path, report_id).values["requests.3.1.natural_person"] == Decimal(5)


def test_delete_on_an_imported_total_makes_it_computed_again(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "requests")
    view.setCurrentIndex(view.table_model.index_of(B1_TOTAL))
    press(qtbot, view, Qt.Key.Key_Backspace)
    assert stored(db_path, report_id).values[B1_TOTAL] is None
    assert view.table_model.index_of(B1_TOTAL).data() == "23"  # now computed from its parts
    assert "自动计算" in view.table_model.index_of(B1_TOTAL).data(Qt.ItemDataRole.ToolTipRole)


def test_f2_edits_the_content_and_arrows_then_move_the_text_cursor(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "requests")
    view.select_cell(B1_NATURAL)
    press(qtbot, view, Qt.Key.Key_F2)
    editor = view.delegate.editor
    assert editor is not None and editor.text() == "22"
    press(qtbot, view, Qt.Key.Key_Left)
    type_text(qtbot, view, "５")
    assert view.delegate.editor is editor and editor.text() == "2５2"
    press(qtbot, view, Qt.Key.Key_Return)
    assert stored(db_path, report_id).values[B1_NATURAL] == Decimal(252)


def test_one_value_pasted_onto_a_selection_fills_every_selected_cell(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "requests")
    select_block(view, "requests.3.3.1.natural_person", "requests.3.3.8.natural_person")
    assert view.paste_text("0\r\n")
    select_block(view, "requests.3.3.1.commercial", "requests.3.3.2.research")
    assert view.paste_text("４")
    values = stored(db_path, report_id).values
    assert [values[f"requests.3.3.{n}.{c}"] for n in (1, 2) for c in ("commercial", "research")] == [4] * 4
    assert document.undo_stack.count() == 2


def test_a_final_report_refuses_typing_paste_and_delete(
    qtbot: QtBot, db: Database, db_path: Path, report_id: int
) -> None:
    document = ReportDocument(db, report_id)
    view = make_view(qtbot, document, "requests")
    db.set_status(report_id, "final")
    document.reload()
    view.select_cell(B1_NATURAL)
    type_text(qtbot, view, "5")
    assert view.delegate.editor is None
    assert not view.paste_text("1")
    press(qtbot, view, Qt.Key.Key_Delete)
    assert "已定稿" in view.last_message
    assert stored(db_path, report_id).values[B1_NATURAL] == Decimal(22)
    assert view.rowSpan(0, 0) == 3 and view.columnSpan(0, 0) == 3  # the layout survives the reload


def test_arrows_move_between_input_cells_skipping_totals_and_labels(
    qtbot: QtBot, document: ReportDocument
) -> None:
    view = make_view(qtbot, document, "requests")
    model = view.table_model
    view.select_cell("requests.1.other")
    press(qtbot, view, Qt.Key.Key_Right)
    assert view.currentIndex() == model.index_of("requests.1.other")  # the total column is not a stop
    view.select_cell("requests.3.6.3.natural_person")
    press(qtbot, view, Qt.Key.Key_Down)
    assert view.currentIndex() == model.index_of("requests.4.natural_person")  # over （七）总计
    press(qtbot, view, Qt.Key.Key_Up)
    assert view.currentIndex() == model.index_of("requests.3.6.3.natural_person")
    view.select_cell(B1_NATURAL)
    press(qtbot, view, Qt.Key.Key_Left)
    assert view.currentIndex() == model.index_of(B1_NATURAL)  # labels are not stops either
    press(qtbot, view, Qt.Key.Key_Return)
    assert view.currentIndex() == model.index_of("requests.2.natural_person")


def test_typing_then_arrow_stores_and_moves_like_a_spreadsheet(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "review_litigation")
    view.select_cell("review_litigation.review.upheld")
    type_text(qtbot, view, "4")
    press(qtbot, view, Qt.Key.Key_Right)
    assert view.currentIndex() == view.table_model.index_of("review_litigation.review.corrected")
    assert stored(db_path, report_id).values["review_litigation.review.upheld"] == Decimal(4)
    assert view.table_model.index_of("review_litigation.review.total").data() == "4"


def test_pasting_a_3x7_block_from_wps_fills_cells_and_undoes_in_one_step(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "requests")
    rows = ["3.3.1", "3.3.2", "3.3.3"]
    before = stored(db_path, report_id).values
    block = "1\t０\t2\t 0 \t0\t0\t3\r\n0\t1,000\t0\t0\t0\t0\t1000\r\n\t0\t0\t0\t0\t0\t0\r\n"
    QGuiApplication.clipboard().setText(block)
    view.select_cell(f"requests.{rows[0]}.natural_person")
    press(qtbot, view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "已粘贴" in view.last_message
    values = stored(db_path, report_id).values
    assert [values[f"requests.3.3.1.{c}"] for c in ("natural_person", "commercial", "research")] == [
        Decimal(1),
        Decimal(0),
        Decimal(2),
    ]
    assert values["requests.3.3.2.commercial"] == Decimal(1000)
    assert values["requests.3.3.3.natural_person"] is None  # an empty pasted cell is blank, not 0
    assert view.table_model.index_of("requests.3.3.2.total").data() == "1000"
    assert document.undo_stack.count() == 1
    press(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(db_path, report_id).values == before
    assert view.table_model.index_of("requests.3.3.2.total").data() == "0"
    press(qtbot, view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert stored(db_path, report_id).values["requests.3.3.2.commercial"] == Decimal(1000)


def test_a_refused_paste_stores_nothing_and_says_why_at_the_cell(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    """The view's side of a refusal (the reasons themselves are planned and tested in core.model.paste)."""
    view = make_view(qtbot, document, "requests")
    before = stored(db_path, report_id).values
    view.select_cell("requests.3.1.natural_person")
    assert not view.paste_text("1\t0\t0\t0\t0\t0\t5\n")  # a total that is not the sum of its parts
    assert "各分项之和为 1" in view.last_message and "没有保存任何数字" in view.last_message
    assert stored(db_path, report_id).values == before
    assert document.undo_stack.count() == 0


def test_copying_a_block_out_gives_tab_separated_text(qtbot: QtBot, document: ReportDocument) -> None:
    view = make_view(qtbot, document, "requests")
    select_block(view, B1_NATURAL, "requests.2.total")
    press(qtbot, view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "22\t0\t0\t1\t0\t0\t23\n0\t0\t0\t0\t0\t0\t0\n"


# ---------------------------------------------------------------- nothing is lost


def test_closing_and_reopening_restores_exactly_what_was_there(
    qtbot: QtBot, db: Database, db_path: Path, report_id: int, tmp_path: Path
) -> None:
    document = ReportDocument(db, report_id)
    saves: list[object] = []
    document.saved.connect(saves.append)
    view = make_view(qtbot, document, "review_litigation")
    view.select_cell("review_litigation.review.pending")
    type_text(qtbot, view, "７")
    press(qtbot, view, Qt.Key.Key_Return)
    document.set_text("problems", "一是……\n二是……")
    assert len(saves) == 2 and document.last_saved is not None
    expected = copy.deepcopy(document.report)
    view.close()
    db.close()
    with Database.open(db_path) as reopened:
        again = ReportDocument(reopened, report_id)
        assert again.report == expected
        assert again.report.values["review_litigation.review.pending"] == Decimal(7)
        again_view = ReportTableView(again, "review_litigation")
        qtbot.addWidget(again_view)
        assert again_view.table_model.index_of("review_litigation.review.total").data() == "7"


def test_a_crash_right_after_typing_loses_nothing(db_path: Path, report_id: int, db: Database) -> None:
    """Another process types two cells and a sentence, then dies without closing anything."""
    script = f"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from decimal import Decimal
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from core.storage import Database
from ui.document import ReportDocument
from ui.table_view import ReportTableView
def key(target, code, text=""):
    QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, code, Qt.KeyboardModifier(0), text))
app = QApplication([])
view = ReportTableView(ReportDocument(Database.open({str(db_path)!r}), {report_id}), "requests")
view.show()
view.select_cell("requests.1.natural_person")
for ch in "４１":
    key(view.delegate.editor or view, 0, ch)
key(view.delegate.editor, Qt.Key.Key_Tab)
view.document.set_text("problems", "刚写的一句话。")
os._exit(9)
"""
    ran = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert ran.returncode == 9, ran.stderr[-2000:]
    after = stored(db_path, report_id)
    assert after.values[B1_NATURAL] == Decimal(41)
    assert after.texts["problems"] == "刚写的一句话。"


def test_text_typing_merges_into_one_undo_step_and_undo_tells_the_editor(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    original = document.report.texts["other"]
    changed: list[str] = []
    document.textChanged.connect(changed.append)
    for text in ("本", "本年度", "本年度收取信息处理费 0 元。"):
        document.set_text("other", text)
    assert changed == []  # the editor that typed it already shows it
    assert document.undo_stack.count() == 1
    assert stored(db_path, report_id).texts["other"] == "本年度收取信息处理费 0 元。"
    document.undo_stack.undo()
    assert changed == ["other"] and document.report.texts["other"] == original
    assert stored(db_path, report_id).texts["other"] == original


def test_an_edit_the_database_refuses_stays_in_memory_and_is_saved_later(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    with Database.open(db_path) as other:  # another window finalizes the report meanwhile
        other.set_status(report_id, "final")
    failures: list[str] = []
    document.saveFailed.connect(failures.append)
    document.set_values({B1_NATURAL: Decimal(30)})
    assert failures and "已定稿" in failures[0] and document.unsaved
    assert document.report.values[B1_NATURAL] == Decimal(30)  # still shown
    with Database.open(db_path) as other:
        other.set_status(report_id, "draft", reason="补充数字")
    with qtbot.waitSignal(document.saved, timeout=ReportDocument.RETRY_MS + 2000):
        pass  # the retry timer
    assert not document.unsaved
    assert stored(db_path, report_id).values[B1_NATURAL] == Decimal(30)


def test_last_years_report_feeds_the_year_rules(db: Database, report_id: int, seed: Report) -> None:
    last_year = Report.blank(seed.agency, seed.year - 1)
    last_year.values["requests.4.natural_person"] = Decimal(2)
    db.create_report(last_year)
    document = ReportDocument(db, report_id)
    assert document.previous is not None
    carry = [f for f in document.findings if f.rule == "YEAR.CARRY_OVER"]
    assert [f.cells for f in carry] == [("requests.2.natural_person",), ("requests.2.total",)]


# ---------------------------------------------------------------- how it looks


def test_screenshots_of_the_three_tables_show_every_label_unclipped(
    qtbot: QtBot, document: ReportDocument, tmp_path: Path
) -> None:
    for key in ("active_disclosure", "requests", "review_litigation"):
        view = make_view(qtbot, document, key)
        model = view.table_model
        for placed in model.table.placed:
            if placed.cell.address is None:  # labels and headers fit their merged cells
                rect = view.visualRect(model.index(placed.row, placed.col))
                needed = view.fontMetrics().boundingRect(
                    rect.adjusted(3, 0, -3, 0), int(Qt.TextFlag.TextWordWrap), placed.cell.text
                )
                assert needed.height() <= rect.height(), placed.cell.text
        image = view.grab()
        assert image.width() >= view.horizontalHeader().length()
        for folder in shots_dir(tmp_path):
            assert image.save(str(folder / f"table-{key}.png"))


def test_thousands_of_signals_and_empty_model_roles_do_not_abort_the_app(tmp_path: Path) -> None:
    """PySide6 6.12.0 loses a reference to True per emit and to None per empty role: fatal before 3.12."""
    script = (
        "import sys\nassert sys.version_info >= (3, 12)\n"
        "from PySide6.QtCore import QObject, Signal, QAbstractListModel\n"
        "class E(QObject):\n    s = Signal()\n"
        "class M(QAbstractListModel):\n"
        "    def rowCount(self, parent=None): return 1\n"
        "    def data(self, index, role=0): return None\n"
        "e, m = E(), M()\n"
        "for _ in range(20000):\n    e.s.emit(); m.index(0, 0).data()\n"
        "print('ok')\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
    )
    assert (ran.returncode, ran.stdout.strip()) == (0, "ok"), ran.stderr[-2000:]


# ------------------------------------------------------- Tab never traps; one parse, one refresh; menu

FIRST = "requests.1.natural_person"
LAST = "requests.4.other"


_FORMS: list[QWidget] = []  # kept alive until the test ends (qtbot only holds weak references)


@pytest.fixture(autouse=True)
def _forms() -> Iterator[None]:
    yield
    _FORMS.clear()


def in_a_form(qtbot: QtBot, document: ReportDocument) -> tuple[QLineEdit, ReportTableView, QLineEdit]:
    """The table between two fields, as on a page with other widgets before and after it."""
    form = QWidget()
    _FORMS.append(form)
    before, after = QLineEdit(), QLineEdit()
    view = ReportTableView(document, "requests")
    layout = QVBoxLayout(form)
    for widget in (before, view, after):
        layout.addWidget(widget)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    view.setFocus()
    return before, view, after


def test_tab_at_the_last_cell_moves_on_to_the_next_widget(qtbot: QtBot, document: ReportDocument) -> None:
    _, view, after = in_a_form(qtbot, document)
    view.select_cell("requests.4.legal_service")
    press(qtbot, view, Qt.Key.Key_Tab)
    assert view.table_model.address_at(view.currentIndex()) == LAST and view.window().focusWidget() is view
    press(qtbot, view, Qt.Key.Key_Tab)
    assert view.window().focusWidget() is after


def test_shift_tab_at_the_first_cell_moves_back_to_the_widget_before(
    qtbot: QtBot, document: ReportDocument
) -> None:
    before, view, _ = in_a_form(qtbot, document)
    view.select_cell(FIRST)
    press(qtbot, view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.window().focusWidget() is before


def test_ctrl_tab_leaves_the_table_from_any_cell(qtbot: QtBot, document: ReportDocument) -> None:
    before, view, after = in_a_form(qtbot, document)
    view.select_cell("requests.3.2.commercial")
    press(qtbot, view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert view.window().focusWidget() is after
    view.setFocus()
    press(
        qtbot,
        view,
        Qt.Key.Key_Backtab,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert view.window().focusWidget() is before


def test_tab_while_typing_in_the_last_cell_stores_it_and_moves_on(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    _, view, after = in_a_form(qtbot, document)
    view.select_cell(LAST)
    type_text(qtbot, view, "7")
    press(qtbot, view, Qt.Key.Key_Tab)
    assert stored(db_path, report_id).values[LAST] == Decimal(7)
    assert view.window().focusWidget() is after


def test_a_typed_value_is_parsed_once_and_a_committed_edit_refreshes_once(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "requests")
    total = int(view.table_model.index_of("requests.3.1.total").data())
    old = document.report.values["requests.3.1.commercial"] or 0
    view.select_cell("requests.3.1.commercial")
    type_text(qtbot, view, "31")  # two texts: "3" and "31"
    assert view.delegate.parse.calls == 2
    refreshes = view.table_model.refreshes
    press(qtbot, view, Qt.Key.Key_Return)
    assert view.delegate.parse.calls == 2  # committing reuses the parse of "31"
    assert view.table_model.refreshes == refreshes + 1
    assert stored(db_path, report_id).values["requests.3.1.commercial"] == Decimal(31)
    assert view.table_model.index_of("requests.3.1.total").data() == str(total - old + 31)


def test_the_right_click_menu_copies_pastes_clears_and_undoes(
    qtbot: QtBot, document: ReportDocument, db_path: Path, report_id: int
) -> None:
    view = make_view(qtbot, document, "requests")
    view.select_cell(FIRST)
    actions = {a.text(): a for a in view.context_menu().actions()}
    assert list(actions) == ["复制", "粘贴", "清空", "撤销"]
    assert not actions["撤销"].isEnabled()  # nothing to undo yet
    actions["复制"].trigger()
    assert QGuiApplication.clipboard().text() == "22\n"
    view.select_cell("requests.2.natural_person")
    {a.text(): a for a in view.context_menu().actions()}["粘贴"].trigger()
    assert stored(db_path, report_id).values["requests.2.natural_person"] == Decimal(22)
    {a.text(): a for a in view.context_menu().actions()}["清空"].trigger()
    assert stored(db_path, report_id).values["requests.2.natural_person"] is None
    undo = {a.text(): a for a in view.context_menu().actions()}["撤销"]
    assert undo.isEnabled()
    undo.trigger()
    assert stored(db_path, report_id).values["requests.2.natural_person"] == Decimal(22)


def test_the_right_click_menu_of_a_final_report_only_copies(
    db: Database,
    report_id: int,
    qtbot: QtBot,
) -> None:
    db.set_status(report_id, "final")
    view = make_view(qtbot, ReportDocument(db, report_id), "requests")
    view.select_cell(FIRST)
    enabled = {a.text(): a.isEnabled() for a in view.context_menu().actions()}
    assert enabled == {"复制": True, "粘贴": False, "清空": False, "撤销": False}
