"""The main window against a real database file: list, new/rename/delete/restore, import/export,
narrative editing with undo, findings that lead to their cell, and close/reopen keeping everything."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from core.documents.exchange import read_report, to_dict
from core.model.report import Report
from core.rules.table import resolved_values
from core.storage import Database
from tests.conftest import SEED_JSON
from tests.qt_helpers import (
    answer_next_box,
    commit_text,
    import_seed,
    on_next_modal,
    open_seed_report,
    open_window,
)
from ui.dialogs import DeletedReportsDialog, NewReportDialog, RenameDialog
from ui.main_window import MainWindow
from ui.settings import Settings

AGENCY = "温县人民政府办公室"


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> MainWindow:
    return open_window(qtbot, db)


def list_lines(window: MainWindow) -> list[tuple[str, ...]]:
    tree = window.report_list.tree
    lines = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            child = top.child(j)
            lines.append((top.text(0), *(child.text(c) for c in range(tree.columnCount()))))
    return lines


def test_the_list_shows_the_seed_after_import_grouped_by_agency_with_status_and_counts(
    window: MainWindow, db: Database, seed: Report
) -> None:
    assert window.report_list.empty.isVisible() and list_lines(window) == []
    import_seed(window)
    summary = db.list_reports()[0]
    when = f"{summary.updated_at:%Y-%m-%d %H:%M}"
    assert list_lines(window) == [
        (AGENCY, "2021年度", "草稿", str(summary.errors), str(summary.warnings), when)
    ]
    assert summary.errors == 0
    assert not window.report_list.empty.isVisible()
    assert "已导入" in window._message.text() and seed.title in window._message.text()


def changed_seed(tmp_path: Path) -> Path:
    """The seed file with one cell (三、一 自然人) and the 总体情况 text changed."""
    changed = tmp_path / "改过的.json"
    text = SEED_JSON.read_text(encoding="utf-8").replace('"natural_person": 22', '"natural_person": 30', 1)
    data = json.loads(text)
    data["text"]["overview"] += "补充一句。"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return changed


def test_importing_over_an_existing_report_asks_first_saying_what_differs_then_replaces(
    window: MainWindow, db: Database, tmp_path: Path
) -> None:
    report_id = import_seed(window)
    asked = answer_next_box(QMessageBox.StandardButton.Yes)
    assert window.import_file(changed_seed(tmp_path)) == report_id
    assert asked and "1 个单元格、1 段文字不同" in asked[0] and "修改历史" in asked[0]
    assert "原来已经有了" in window._message.text()
    assert len(db.list_reports()) == 1
    assert db.load_report(report_id).values["requests.1.natural_person"] == Decimal(30)
    assert [r.kind for r in db.history(report_id)][:2] == ["import", "import"]


def test_the_import_question_counts_the_cells_typed_not_the_totals_computed_from_them(
    window: MainWindow, db: Database, seed: Report
) -> None:
    typed = copy.deepcopy(seed)  # as written in the app: totals computed, one number different
    for address in seed.spec.derived_addresses:
        typed.values[address] = None
    typed.values["requests.1.natural_person"] = Decimal(30)
    db.create_report(typed)
    given = [a for a in seed.spec.derived_addresses if seed.values[a] is not None]
    assert len(given) > 10  # the published file gives its totals
    asked = answer_next_box(QMessageBox.StandardButton.Cancel)
    assert window.import_file(SEED_JSON) is None
    assert asked and "有 1 个单元格、0 段文字不同" in asked[0]


def test_declining_to_replace_an_existing_report_imports_nothing(
    window: MainWindow, db: Database, tmp_path: Path
) -> None:
    report_id = import_seed(window)
    window._message.close()

    answer_next_box(QMessageBox.StandardButton.Cancel)
    assert window.import_file(changed_seed(tmp_path)) is None
    assert db.load_report(report_id).values["requests.1.natural_person"] == Decimal(22)
    assert [r.kind for r in db.history(report_id)] == ["import"]


def test_importing_the_same_content_again_does_not_ask(window: MainWindow, db: Database) -> None:
    report_id = import_seed(window)
    window._message.close()
    assert window.import_file(SEED_JSON) == report_id  # a question would block here
    assert [r.kind for r in db.history(report_id)] == ["import"]
    window._message.close()


def test_an_unusable_file_is_explained_and_nothing_is_imported(
    window: MainWindow, db: Database, tmp_path: Path
) -> None:
    bad = tmp_path / "坏.json"
    bad.write_text("{ 不是 JSON", encoding="utf-8")
    assert window.import_file(bad) is None
    assert "JSON" in window._message.text()
    assert db.list_reports() == []


def test_export_then_import_into_another_database_gives_the_same_report(
    window: MainWindow, tmp_path: Path, qtbot: QtBot, seed: Report
) -> None:
    report_id = import_seed(window)
    out = window.export_report(report_id, tmp_path / "导出.json")
    assert out is not None and to_dict(read_report(out)) == to_dict(seed)
    said = window._message  # not only the status bar: the message the other exports end with
    assert (
        said is not None and said.isVisible() and "已导出报告文件" in said.text() and str(out) in said.text()
    )
    assert [b.text() for b in said.buttons()].count("打开所在文件夹") == 1
    said.done(0)
    with Database.open(tmp_path / "另一台电脑.sqlite3") as other:
        other_window = open_window(qtbot, other)
        other_id = other_window.import_file(out)
        assert other_id is not None and to_dict(other.load_report(other_id)) == to_dict(seed)
        other_window.close()


def test_new_report_from_last_year_prefills_row_two_and_copies_the_text(
    window: MainWindow, db: Database, seed: Report
) -> None:
    import_seed(window)

    def accept(dialog: QWidget) -> None:
        assert isinstance(dialog, NewReportDialog)
        assert (dialog.agency, dialog.year, dialog.from_previous) == (AGENCY, 2022, True)
        dialog.buttons.accepted.emit()

    on_next_modal(accept)
    new_id = window.new_report()
    assert new_id is not None and window.document is not None and window.document.report_id == new_id
    report = db.load_report(new_id)
    before, now = resolved_values(seed), resolved_values(report)
    for column in report.spec.table("requests").columns:
        assert now[f"requests.2.{column.key}"] == before[f"requests.4.{column.key}"]
    assert report.values["requests.2.total"] is None  # computed, not a typed-in total
    assert report.values["requests.1.natural_person"] is None
    assert report.texts == seed.texts
    assert window.editor is not None and window.editor.editors["overview"].text() == seed.texts["overview"]
    # the in-force rule reads last year's report from the database: 36 documents then, blank (0) now
    in_force = [f for f in window.document.findings if f.rule == "YEAR.IN_FORCE"]
    assert [f.cells[0] for f in in_force] == ["active_disclosure.normative_documents.in_force"]
    assert "36" in in_force[0].message
    assert any(line[1] == "2022年度" for line in list_lines(window))


def test_a_new_report_without_basis_starts_blank_with_the_five_sub_headings(
    window: MainWindow, db: Database
) -> None:
    report_id = window.create_report(AGENCY, 2021, from_previous=False)
    report = db.load_report(report_id)
    assert all(v is None for v in report.values.values())
    overview = report.spec.sections[0]
    assert report.texts[overview.text_key or ""].splitlines() == list(overview.starter_subheadings)
    assert window.editor is not None and window.editor.editors["overview"].text().startswith("（一）")


def test_typed_chinese_text_is_saved_at_once_and_survives_closing_and_reopening(
    qtbot: QtBot, db_path: Path
) -> None:
    db = Database.open(db_path)
    window = open_window(qtbot, db, Settings.load())
    report_id = window.create_report(AGENCY, 2021, from_previous=False)
    assert window.editor is not None
    problems = next(i for i, s in enumerate(window.editor.sections) if s.text_key == "problems")
    window.editor.show_page(problems)
    edit = window.editor.editors["problems"].edit
    edit.setFocus()
    commit_text(edit, "一是公开内容不够全面。")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    commit_text(edit, "二是解读形式较为单一。")
    expected = "一是公开内容不够全面。\n二是解读形式较为单一。"
    assert db.load_report(report_id).texts["problems"] == expected
    assert window.saved_label.text().startswith("已保存 ")
    assert window.editor.editors["problems"].count_label.text() == f"共 {len(expected) - 1} 字"
    window.close()
    db.close()

    db = Database.open(db_path)
    try:
        again = open_window(qtbot, db, Settings.load())
        assert again.editor is not None and again.document is not None
        assert again.document.report_id == report_id
        assert again.editor.page_index == problems  # the same page as when it was closed
        assert again.editor.editors["problems"].text() == expected
        again.close()
    finally:
        db.close()


def test_ctrl_z_in_the_editor_undoes_the_typing_and_ctrl_y_redoes_it(
    window: MainWindow, db: Database
) -> None:
    report_id = window.create_report(AGENCY, 2021, from_previous=False)
    assert window.editor is not None
    editor = window.editor.editors["other"]
    window.editor.show_page(next(i for i, s in enumerate(window.editor.sections) if s.text_key == "other"))
    editor.edit.setFocus()
    commit_text(editor.edit, "无其他需要报告的事项。")
    assert db.load_report(report_id).texts["other"] == "无其他需要报告的事项。"
    QTest.keyClick(editor.edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.text() == "" and db.load_report(report_id).texts["other"] == ""
    QTest.keyClick(editor.edit, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert editor.text() == "无其他需要报告的事项。"
    assert db.load_report(report_id).texts["other"] == "无其他需要报告的事项。"


def test_rename_changes_the_list_and_the_open_reports_title(window: MainWindow, db: Database) -> None:
    report_id = import_seed(window)
    window.open_report(report_id)

    def rename(dialog: QWidget) -> None:
        assert isinstance(dialog, RenameDialog)
        dialog.agency_box.setCurrentText("温县人民政府")
        dialog.buttons.accepted.emit()

    on_next_modal(rename)
    window.rename_report(report_id)
    assert list_lines(window)[0][:2] == ("温县人民政府", "2021年度")
    assert window.editor is not None and window.editor.title.text().startswith("温县人民政府2021年")
    assert window.windowTitle().startswith("温县人民政府2021年")
    assert db.load_report(report_id).agency == "温县人民政府"


def test_a_deleted_report_leaves_the_list_and_comes_back_from_deleted_reports(
    window: MainWindow, db: Database
) -> None:
    report_id = import_seed(window)
    window.open_report(report_id)
    asked = answer_next_box(QMessageBox.StandardButton.Yes)
    window.delete_report(report_id)
    assert asked and "已删除的报告" in asked[0]
    assert list_lines(window) == [] and window.document is None
    assert window.stack.currentWidget() is window.report_list

    def restore(dialog: QWidget) -> None:
        assert isinstance(dialog, DeletedReportsDialog) and dialog.list.count() == 1
        dialog.restore_button.click()
        dialog.reject()

    on_next_modal(restore)
    window.show_deleted()
    assert [line[1] for line in list_lines(window)] == ["2021年度"]
    assert db.load_report(report_id).values == read_report(SEED_JSON).values


def test_a_deleted_report_whose_name_is_taken_again_stays_deleted_and_the_reason_is_shown(
    window: MainWindow, db: Database, seed: Report
) -> None:
    report_id = import_seed(window)
    window._message.close()
    db.delete_report(report_id)
    db.create_report(Report.blank(seed.agency, seed.year))  # a new one under the same name meanwhile
    window.refresh_list()
    seen: list[str] = []

    def restore(dialog: QWidget) -> None:
        assert isinstance(dialog, DeletedReportsDialog)
        dialog.restore_button.click()
        assert dialog.list.count() == 1 and dialog._message is not None
        seen.append(dialog._message.text())
        dialog._message.close()
        dialog.reject()

    on_next_modal(restore)
    window.show_deleted()
    assert seen and "不能恢复" in seen[0]
    assert [r.id for r in db.deleted_reports()] == [report_id]


def test_cancelling_the_delete_question_keeps_the_report(window: MainWindow) -> None:
    import_seed(window)

    def cancel(box: QWidget) -> None:
        assert isinstance(box, QDialog)
        box.reject()

    on_next_modal(cancel)
    window.delete_report(window.report_list.current_id() or 0)
    assert len(list_lines(window)) == 1


def test_status_bar_counts_findings_and_clicking_one_selects_its_cell(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.open_report(import_seed(window))
    document, editor = window.document, window.editor
    assert document is not None and editor is not None
    assert window.findings_label.text() == "0 处错误 · 0 处提示"
    document.set_values({"requests.1.natural_person": Decimal(21)})
    errors = sum(1 for f in document.findings if f.severity == "error")
    assert errors > 0
    assert window.findings_label.text() == f"{errors} 处错误 · {len(document.findings) - errors} 处提示"
    balance = next(f for f in document.findings if f.rule == "B.BALANCE")
    item = editor.findings.item_for(balance)
    assert item is not None
    tree = editor.findings.tree
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
    section = next(i for i, s in enumerate(editor.sections) if s.table_key == "requests")
    assert editor.page_index == section
    view = editor.tables["requests"]
    assert view.table_model.address_at(view.currentIndex()) == balance.cells[0]


def test_a_number_still_being_typed_in_a_cell_is_stored_when_the_window_closes(
    window: MainWindow, db: Database
) -> None:
    report_id = import_seed(window)
    window.open_report(report_id)
    assert window.editor is not None
    window.editor.show_page(
        next(i for i, s in enumerate(window.editor.sections) if s.table_key == "requests")
    )
    view = window.editor.tables["requests"]
    view.select_cell("requests.1.natural_person")
    QTest.keyClick(view, "3")
    assert view.delegate.editor is not None
    QTest.keyClick(view.delegate.editor, "0")
    window.close()
    assert db.load_report(report_id).values["requests.1.natural_person"] == Decimal(30)


def test_a_report_renamed_by_another_program_shows_its_new_name_in_the_window(
    qtbot: QtBot, db: Database
) -> None:
    window = open_seed_report(qtbot, db)
    assert window.document is not None and window.editor is not None
    with Database.open(db.path) as other:  # e.g. `main.py db` on the same file
        other.rename_report(window.document.report_id, "温县政务服务中心", 2021)
    document = window.document
    qtbot.waitUntil(lambda: document.report.agency == "温县政务服务中心", timeout=10_000)  # re-read
    title = "温县政务服务中心2021年政府信息公开工作年度报告"
    qtbot.waitUntil(lambda: window.editor is not None and window.editor.title.text() == title, timeout=10_000)
    assert window.windowTitle().startswith(title)
