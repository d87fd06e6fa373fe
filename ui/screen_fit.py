"""Windows and dialogs that fit the office screen (1366×768 at 100/125 %, 1920×1080 at 150 %).

A window never asks for more than the screen's available area: tall content scrolls inside
(`ScrollingColumn`), dialogs take the size they would like but at most a share of the available area
(`fit_to_screen`), and a window restored from last time is moved back onto the screen (`keep_on_screen`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy, QWidget

SCREEN_SHARE = 0.92  # a dialog leaves a margin of the screen around it


def available(widget: QWidget) -> QRect:
    """The available area (without the task bar) of the screen the widget is on, or the primary one."""
    return widget.screen().availableGeometry()


class ScrollingColumn(QScrollArea):
    """A column of controls that scrolls up and down instead of making the window taller than the
    screen; it keeps the width the column would like (no sideways scrolling), also as its text changes."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        content.installEventFilter(self)

    def _width(self) -> int:
        content = self.widget()
        return (content.sizeHint().width() if content else 0) + self.verticalScrollBar().sizeHint().width()

    def sizeHint(self) -> QSize:
        content = self.widget()
        return QSize(self._width(), content.sizeHint().height() if content else 0)

    def minimumSizeHint(self) -> QSize:
        return QSize(self._width(), super().minimumSizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # a longer text in the column: ask for the new width
        return super().eventFilter(watched, event)


def fit_to_screen(widget: QWidget, wanted: QSize, share: float = SCREEN_SHARE) -> None:
    """Resize a (resizable) window to `wanted`, but at most `share` of the available area, centred."""
    area = available(widget)
    width = min(wanted.width(), int(area.width() * share))
    height = min(wanted.height(), int(area.height() * share))
    widget.resize(width, height)
    parent = widget.parentWidget()
    centre = parent.window().frameGeometry().center() if parent is not None else area.center()
    frame = QRect(0, 0, width, height)
    frame.moveCenter(centre)
    widget.move(_inside(frame, area).topLeft())


def _inside(frame: QRect, area: QRect) -> QRect:
    """`frame` moved (not resized) so that as much of it as possible is inside `area`, top left first."""
    moved = QRect(frame)
    moved.moveLeft(max(area.left(), min(frame.left(), area.right() - frame.width() + 1)))
    moved.moveTop(max(area.top(), min(frame.top(), area.bottom() - frame.height() + 1)))
    return moved


def keep_on_screen(widget: QWidget) -> None:
    """A window restored from last time (another screen, another scale): no larger than the available
    area and wholly on it."""
    area = available(widget)
    frame = widget.frameGeometry()
    extra = frame.size() - widget.size()  # the window frame around the client area
    if frame.width() > area.width() or frame.height() > area.height():
        widget.resize(
            min(widget.width(), area.width() - extra.width()),
            min(widget.height(), area.height() - extra.height()),
        )
        frame = widget.frameGeometry()
    if not area.contains(frame):
        widget.move(_inside(frame, area).topLeft())
