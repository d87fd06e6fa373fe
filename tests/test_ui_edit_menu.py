"""The 编辑 menu of the main window: 复制/粘贴 on the focused table or text, 查找 (Ctrl+F) and 查找下一个
(F3) through the report's narratives and table labels."""

from __future__ import annotations

from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from core.storage import Database
from tests.qt_helpers import on_next_modal, open_seed_report
from ui.main_window import MainWindow
from ui.table_model import COLOURS


def edit_menu(window: MainWindow) -> dict[str, QAction]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("编辑"))
    return {a.text(): a for a in menu.actions() if a.text()}  # type: ignore[union-attr]


def answer(text: str) -> None:
    """Type `text` into the next 查找 question and press OK."""

    def act(widget: QWidget) -> None:
        assert isinstance(widget, QInputDialog)
        widget.setTextValue(text)
        widget.accept()

    on_next_modal(act)


def test_the_edit_menu_has_copy_paste_find_and_find_next(qtbot: QtBot, db: Database) -> None:
    window = open_seed_report(qtbot, db)
    actions = edit_menu(window)
    assert list(actions) == ["撤销", "重做", "复制", "粘贴", "查找…", "查找下一个"]
    assert actions["查找…"].shortcut() == QKeySequence("Ctrl+F")
    assert actions["复制"].shortcut() == QKeySequence("Ctrl+C")
    assert actions["查找下一个"].shortcut() == QKeySequence(QKeySequence.StandardKey.FindNext)


def test_copy_and_paste_from_the_menu_act_on_the_focused_table(qtbot: QtBot, db: Database) -> None:
    window = open_seed_report(qtbot, db)
    assert window.editor is not None and window.document is not None
    table = window.editor.tables["requests"]
    window.editor.show_cell("requests.1.natural_person")
    qtbot.waitUntil(lambda: window.focusWidget() is table)
    table.setFocus()
    actions = edit_menu(window)
    actions["复制"].trigger()
    assert QGuiApplication.clipboard().text() == "22\n"
    table.select_cell("requests.2.commercial")
    actions["粘贴"].trigger()
    assert window.document.report.values["requests.2.commercial"] == 22


def test_find_jumps_to_a_narrative_and_highlights_then_find_next_goes_on_to_a_table_label(
    qtbot: QtBot, db: Database
) -> None:
    window = open_seed_report(qtbot, db)
    editor, document = window.editor, window.document
    assert editor is not None and document is not None
    sections = editor.sections
    text_index = max(i for i, s in enumerate(sections) if s.text_key)  # 六、其他需要报告的事项
    key = sections[text_index].text_key
    assert key is not None
    narrative = editor.editors[key]
    narrative.edit.setPlainText("本年度收取信息处理费。法律服务机构咨询较多。")  # as typed
    assert document.report.texts[key].endswith("法律服务机构咨询较多。")
    editor.show_page(text_index)
    answer("法律服务机构")
    edit_menu(window)["查找…"].trigger()
    assert editor.page_index == text_index
    assert narrative.edit.textCursor().selectedText() == "法律服务机构"
    assert narrative.edit.textCursor().selectionStart() == 11
    assert len(narrative.edit.extraSelections()) == 1  # highlighted
    assert "找到" in window.statusBar().currentMessage()

    edit_menu(window)["查找下一个"].trigger()  # past the last section: wraps round to table B's header
    requests = next(i for i, s in enumerate(sections) if s.table_key == "requests")
    assert editor.page_index == requests
    table = editor.tables["requests"]
    found = table.table_model.found
    assert found is not None
    index = table.table_model.index(*found)
    assert index.data() == "法律服务机构"
    assert index.data(8) == COLOURS["found"]  # Qt.BackgroundRole: marked
    assert narrative.edit.extraSelections() == []  # the earlier highlight is gone
    assert "从头" in window.statusBar().currentMessage()


def test_a_text_that_is_nowhere_in_the_report_is_said_so(qtbot: QtBot, db: Database) -> None:
    window = open_seed_report(qtbot, db)
    answer("不存在的字样")
    edit_menu(window)["查找…"].trigger()
    assert window.statusBar().currentMessage() == "报告中没有找到「不存在的字样」。"
