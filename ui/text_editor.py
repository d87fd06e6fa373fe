"""The narrative editors of sections 一, 五 and 六: plain text in paragraphs, saved as it is typed.

Every change goes through `ReportDocument.set_text`, which stores it at once and makes it one undo step
(consecutive typing merges). The editor's own undo is switched off so that Ctrl+Z / Ctrl+Y use the
report's undo stack, the same one the tables use. A line that starts with a sub-heading number such
as （一） is shown as a sub-heading, as the exchange format and the PDF read it.
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
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTextEdit, QVBoxLayout, QWidget

from core.narrative import subheading_length
from core.report_format import Section
from ui.document import ReportDocument

_REDO_KEYS = (QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Y),)


def count_characters(text: str) -> int:
    """字数 as offices count it: every character except spaces and line breaks."""
    return sum(1 for ch in text if not ch.isspace())


class SubheadingHighlighter(QSyntaxHighlighter):
    """Bold, dark blue sub-heading lines, so the structure the PDF will follow is visible."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.heading_format = QTextCharFormat()
        self.heading_format.setFontWeight(QFont.Weight.Bold)
        self.heading_format.setForeground(QColor("#1f3f7a"))

    def highlightBlock(self, text: str) -> None:
        # the same grammar as the printed page: a heading run on into a sentence ends at its 。
        self.setFormat(0, subheading_length(text), self.heading_format)


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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addLayout(footer)

        self._show(document.report.texts[self.key])
        self.edit.textChanged.connect(self._typed)
        document.textChanged.connect(self._refresh)
        self.set_read_only(document.read_only)

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

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
