"""Text from users and files is shown as text, never as Qt rich text.

Qt renders any label, message box or tooltip whose text merely looks like HTML (`Qt::mightBeRichText`)
as rich text: an imported agency `<a href='file:///…'>` would become a live link, `<img src=//host/x>`
would fetch a file (on Windows over SMB), `<img width=20000>` would cost gigabytes, and markup could fake
the agency's name. No view of this app means rich text, so one application-wide guard makes every label
plain text when it is first polished (message boxes' texts are labels too) and shows every tooltip
(widgets' and item views') escaped. Views need not remember it, and a new view cannot forget it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QToolTip, QWidget


def as_plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally (Qt has no plain-text tooltip: escape it inside <p>)."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


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
