"""Text from users and files is shown as text, never as Qt rich text.

Qt renders any label, message box or tooltip whose text merely looks like HTML (`Qt::mightBeRichText`)
as rich text: an imported agency `<a href='file:///…'>` would become a live link, `<img src=//host/x>`
would fetch a file (on Windows over SMB), `<img width=20000>` would cost gigabytes, and markup could fake
the agency's name. No view of this app means rich text, so one application-wide guard makes every label
plain text when it is first polished (message boxes' texts are labels too) and shows every tooltip
(widgets' and item views') as plain text, wrapped into short lines by hand (a plain tooltip is one long
line otherwise). Views need not remember it, and a new view cannot forget it.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QToolTip, QWidget

TOOLTIP_COLUMNS = 60  # a tooltip line holds this many Latin characters (30 Chinese ones)


def _columns(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def as_plain_tooltip(text: str, columns: int = TOOLTIP_COLUMNS) -> str:
    """`text` broken into lines of at most `columns` (a Chinese character counts two), shown as it is.

    The guard makes Qt's tooltip label plain text, so nothing is escaped: markup shows literally.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, width = "", 0
        for char in paragraph:
            if width + _columns(char) > columns and line:
                lines.append(line)
                line, width = "", 0
            line += char
            width += _columns(char)
        lines.append(line)
    return "\n".join(lines)


class PlainTextGuard(QObject):
    """Event filter on the QApplication (see the module docstring)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, QLabel):
            watched.setTextFormat(Qt.TextFormat.PlainText)
        elif kind == QEvent.Type.ToolTip and isinstance(watched, QWidget) and isinstance(event, QHelpEvent):
            text = _tooltip(watched, event)
            if text:
                QToolTip.showText(event.globalPos(), as_plain_tooltip(text), watched)
                return True
        return False


def _tooltip(widget: QWidget, event: QHelpEvent) -> str:
    view = widget.parent()
    if isinstance(view, QAbstractItemView) and widget is view.viewport():
        index = view.indexAt(event.pos())
        tip = index.data(Qt.ItemDataRole.ToolTipRole) if index.isValid() else None
        return tip if isinstance(tip, str) else ""
    return widget.toolTip()


def install_plain_text_guard(app: QApplication) -> None:
    """Once per application (kept alive with it)."""
    if getattr(app, "_nianbao_plain_text", None) is None:
        guard = PlainTextGuard(app)
        app.installEventFilter(guard)
        app._nianbao_plain_text = guard  # type: ignore[attr-defined]
