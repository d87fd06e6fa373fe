"""The narrative editors of sections 一, 五 and 六: plain text in paragraphs, saved as it is typed.

Every change goes through `ReportDocument.set_text`, which stores it at once and makes it one undo step
(consecutive typing merges). The editor's own undo is switched off so that Ctrl+Z / Ctrl+Y use the
report's undo stack, the same one the tables use. A line that starts with a sub-heading number such
as （一） is shown as a sub-heading, as the exchange format and the PDF read it. 查找 selects and
highlights what it found (`show_found`). Sentences repeated from last year's report are marked while
TEXT.COPIED stands, and a block 「根据表格生成」 wrote is shown as a block while it is untouched (it then
follows the tables).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QKeyCombination, Qt, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QSyntaxHighlighter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextEdit, QVBoxLayout, QWidget

from core.errors import UserError
from core.format.definition import Section
from core.rules.narrative import subheading_length
from ui.document import ReportDocument

FOUND_COLOUR = QColor("#ffe14d")  # what 查找 found (the tables mark a found label alike)
_REDO_KEYS = (QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Y),)


def count_characters(text: str) -> int:
    """字数 as offices count it: every character except spaces and line breaks."""
    return sum(1 for ch in text if not ch.isspace())


Mark = tuple[int, int, QTextCharFormat]  # start, end (positions in the plain text), how it is shown


def _background(colour: str) -> QTextCharFormat:
    mark = QTextCharFormat()
    mark.setBackground(QColor(colour))
    return mark


COPIED_FORMAT = _background("#ffe0b2")  # orange: repeats last year's report (TEXT.COPIED)
DRAFT_FORMAT = _background("#e3f0fb")  # light blue: written from the tables, untouched


class SubheadingHighlighter(QSyntaxHighlighter):
    """Bold, dark blue sub-heading lines, so the structure the PDF will follow is visible; and the
    marked spans (`marks`) with their background."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.heading_format = QTextCharFormat()
        self.heading_format.setFontWeight(QFont.Weight.Bold)
        self.heading_format.setForeground(QColor("#1f3f7a"))
        self.marks: list[Mark] = []

    def set_marks(self, marks: list[Mark]) -> None:
        if [(a, b) for a, b, _ in marks] != [(a, b) for a, b, _ in self.marks]:
            self.marks = marks
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        # the same grammar as the printed page: a heading run on into a sentence ends at its 。
        heading = subheading_length(text)
        self.setFormat(0, heading, self.heading_format)
        block = self.currentBlock().position()
        for start, end, mark in self.marks:
            lo, hi = max(start, block), min(end, block + len(text))
            if lo < hi:
                shown = QTextCharFormat(mark)
                if lo - block < heading:
                    shown.merge(self.heading_format)
                self.setFormat(lo - block, hi - lo, shown)


class _PlainEdit(QTextEdit):
    """A plain-text QTextEdit whose undo/redo keys act on the report's undo stack instead of its own.

    QTextEdit rather than QPlainTextEdit: only it honours paragraph spacing, which long Chinese
    paragraphs need to stay readable. Rich text is refused, so the content stays plain.
    """

    def __init__(self, document: ReportDocument) -> None:
        super().__init__()
        self._report = document
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)

    def _undo_key(self, event: QKeyEvent) -> str | None:
        if event.matches(QKeySequence.StandardKey.Undo):
            return "undo"
        if event.matches(QKeySequence.StandardKey.Redo) or event.keyCombination() in _REDO_KEYS:
            return "redo"
        return None

    def event(self, event: QEvent) -> bool:
        # claim the keys before window shortcuts do, so they reach keyPressEvent below
        if event.type() == QEvent.Type.ShortcutOverride and self._undo_key(event):  # type: ignore[arg-type]
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self._undo_key(event)
        if action == "undo":
            self._report.undo_stack.undo()
        elif action == "redo":
            self._report.undo_stack.redo()
        else:
            super().keyPressEvent(event)


class NarrativeEditor(QWidget):
    """One narrative section: the text, a character count, and a hint about sub-headings."""

    def __init__(
        self, document: ReportDocument, section: Section, point_size: int = 12, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        assert section.text_key is not None
        self.document = document
        self.key = section.text_key
        self.edit = _PlainEdit(document)
        font = self.edit.font()
        font.setPointSize(point_size)
        self.edit.setFont(font)
        self.edit.setTabChangesFocus(True)
        self.edit.document().setDocumentMargin(self.edit.fontMetrics().horizontalAdvance("中"))
        self._paragraph = QTextBlockFormat()
        self._paragraph.setBottomMargin(self.edit.fontMetrics().height() * 0.6)
        self._paragraph.setLineHeight(130, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        self.highlighter = SubheadingHighlighter(self.edit.document())
        self.count_label = QLabel()
        hint = QLabel("每段一行；以（一）（二）……开头的一行是小标题。输入的内容随时自动保存。")
        hint.setStyleSheet("color: #666;")
        footer = QHBoxLayout()
        footer.addWidget(hint, 1)
        footer.addWidget(self.count_label)
        self.draft_button: QPushButton | None = None
        if any(b.text_key == self.key for b in document.spec.draft_blocks):
            self.draft_button = QPushButton("根据表格生成")
            self.draft_button.setToolTip(
                "把表格中的数字写成标准的句子，放到相应的小标题下（浅蓝色）；未改动时随表格更新，可自行修改"
            )
            self.draft_button.clicked.connect(self.draft_from_tables)
            footer.addWidget(self.draft_button)
        self.hint = hint
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addLayout(footer)

        self._show(document.report.texts[self.key])
        self.edit.textChanged.connect(self._typed)
        document.textChanged.connect(self._refresh)
        document.findingsChanged.connect(self._show_marks)
        self.set_read_only(document.read_only)
        self._show_marks()

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        if self.draft_button is not None:
            self.draft_button.setEnabled(not read_only)

    @Slot()
    def draft_from_tables(self) -> None:
        try:
            written = self.document.draft_from_tables()
        except UserError as exc:
            self.hint.setText(exc.message)
            return
        self.hint.setText(
            "已根据表格写入标准句子（浅蓝色部分），可以修改。" if written else "根据表格的句子已在文中。"
        )

    @Slot()
    def _show_marks(self) -> None:
        """Mark the sentences repeated from last year and the untouched drafted blocks."""
        marks = [(a, b, COPIED_FORMAT) for a, b in self.document.copied_spans.get(self.key, [])]
        marks += [(a, b, DRAFT_FORMAT) for a, b in self.document.draft_spans.get(self.key, [])]
        self.highlighter.set_marks(marks)

    def show_found(self, start: int, length: int) -> None:
        """查找: select and highlight `length` characters from `start`, scrolled into view."""
        cursor = QTextCursor(self.edit.document())
        cursor.setPosition(start)
        cursor.setPosition(start + length, QTextCursor.MoveMode.KeepAnchor)
        self.edit.setTextCursor(cursor)
        found = QTextEdit.ExtraSelection()
        found.cursor = cursor
        found.format.setBackground(FOUND_COLOUR)
        self.edit.setExtraSelections([found])
        self.edit.ensureCursorVisible()
        self.edit.setFocus()

    def clear_found(self) -> None:
        self.edit.setExtraSelections([])

    def _show(self, text: str) -> None:
        """Replace the shown text (after undo/redo or reload), keeping the cursor where it was."""
        position = self.edit.textCursor().position()
        self.edit.blockSignals(True)
        try:
            self.edit.setPlainText(text)
            cursor = QTextCursor(self.edit.document())
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.mergeBlockFormat(self._paragraph)  # new paragraphs typed later inherit it
        finally:
            self.edit.blockSignals(False)
        cursor = self.edit.textCursor()
        cursor.setPosition(min(position, len(text)), QTextCursor.MoveMode.MoveAnchor)
        self.edit.setTextCursor(cursor)
        self._count()

    def _count(self) -> None:
        self.count_label.setText(f"共 {count_characters(self.edit.toPlainText())} 字")

    @Slot()
    def _typed(self) -> None:
        self._count()
        text = self.edit.toPlainText()
        if text != self.document.report.texts[self.key]:
            self.document.set_text(self.key, text)

    @Slot(str)
    def _refresh(self, key: str) -> None:
        if key == self.key and self.document.report.texts[key] != self.edit.toPlainText():
            self._show(self.document.report.texts[key])
