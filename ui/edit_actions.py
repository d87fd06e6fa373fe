"""The 编辑 menu's 复制、粘贴、查找…、查找下一个, acting on whatever has the keyboard focus.

复制/粘贴 go to the focused table (a block of cells, as Ctrl+C/Ctrl+V there) or text field (its own
copy/paste). 查找 (Ctrl+F) asks for a text and jumps to its next occurrence in the open report's
narratives and table labels (`core.model.find`), switching pages and highlighting it; 查找下一个 (F3) goes on
from there and wraps round at the end, saying so in the status bar. `add_edit_actions` puts them in a
menu; the window calls it once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMainWindow, QMenu, QTextEdit, QWidget

from core.format.definition import Section
from core.model.find import Match, find_all, next_match
from ui.document import ReportDocument
from ui.table_view import ReportTableView
from ui.text_editor import NarrativeEditor

_COPY, _PASTE = QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Paste
_FIND, _FIND_NEXT = QKeySequence.StandardKey.Find, QKeySequence.StandardKey.FindNext


class _Editor(Protocol):
    """What the finder needs of the open report's editor (sections, pages, editors and tables)."""

    document: ReportDocument
    sections: tuple[Section, ...]
    editors: dict[str, NarrativeEditor]
    tables: dict[str, ReportTableView]

    @property
    def page_index(self) -> int: ...

    def show_page(self, index: int) -> None: ...


class ReportFinder:
    """查找 and 查找下一个 over the report open in `window` (its `editor` attribute, None when closed)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.term = ""
        self.last: Match | None = None

    def _editor(self) -> _Editor | None:
        return getattr(self.window, "editor", None)

    def ask(self) -> bool:
        """查找…: ask for the text (the last one offered), then find it."""
        if self._editor() is None:
            self._say("请先打开一份报告，再查找。")
            return False
        term, ok = QInputDialog.getText(
            self.window, "查找", "查找内容：", QLineEdit.EchoMode.Normal, self.term
        )
        if not ok or not term.strip():
            return False
        self.term, self.last = term.strip(), None
        return self.find_next()

    def find_next(self) -> bool:
        """查找下一个: the next occurrence after the last one (from the current page for a new text)."""
        editor = self._editor()
        if editor is None or not self.term:
            return self.ask() if editor is not None else False
        match, wrapped = next_match(find_all(editor.document.report, self.term), self.last, editor.page_index)
        self._clear(editor)
        if match is None:
            self.last = None
            self._say(f"报告中没有找到「{self.term}」。")
            return False
        self.last = match
        editor.show_page(match.section)
        section = editor.sections[match.section]
        if section.text_key is not None:
            editor.editors[section.text_key].show_found(match.place[0], match.length)
        elif section.table_key is not None:
            editor.tables[section.table_key].show_found(*match.place)
        self._say(
            f"已从头开始查找「{self.term}」。" if wrapped else f"找到「{self.term}」（按 F3 查找下一个）。"
        )
        return True

    def _clear(self, editor: _Editor) -> None:
        for narrative in editor.editors.values():
            narrative.clear_found()
        for table in editor.tables.values():
            table.table_model.set_found(None)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10_000)


def _focused(window: QMainWindow) -> QWidget | None:
    """The window's focused table or text field (a cell being typed in is a QLineEdit: its own text)."""
    widget: QWidget | None = window.focusWidget()
    while widget is not None and not isinstance(widget, ReportTableView | QLineEdit | QTextEdit):
        widget = widget.parentWidget()
    return widget


def clipboard_action(window: QMainWindow, copy: bool) -> None:
    """复制 (`copy`) or 粘贴 on the focused table (a block of cells) or text field (its own text)."""
    widget = _focused(window)
    if isinstance(widget, ReportTableView):
        widget.copy_selection() if copy else widget.paste_clipboard()
    elif isinstance(widget, QLineEdit | QTextEdit):
        widget.copy() if copy else widget.paste()


def add_edit_actions(window: QMainWindow, menu: QMenu) -> ReportFinder:
    """Add 复制、粘贴、查找…、查找下一个 to the 编辑 menu of `window`; the finder they use."""
    finder = ReportFinder(window)
    groups: tuple[tuple[tuple[str, Callable[[], object], QKeySequence.StandardKey], ...], ...] = (
        (
            ("复制", lambda: clipboard_action(window, True), _COPY),
            ("粘贴", lambda: clipboard_action(window, False), _PASTE),
        ),
        (("查找…", finder.ask, _FIND), ("查找下一个", finder.find_next, _FIND_NEXT)),
    )
    for group in groups:
        menu.addSeparator()
        for text, slot, keys in group:
            action = QAction(text, window)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            menu.addAction(action)
    return finder
