"""Windows and dialogs that fit the office screen (1366×768 at 100/125 %, 1920×1080 at 150 %).

A window never asks for more than the screen's available area: tall content scrolls inside
(`ScrollingColumn`), dialogs take the size they would like but at most a share of the available area
(`fit_to_screen`), a window restored from last time is moved back onto the screen (`keep_on_screen`),
and long names are elided, whole in a tooltip (`ElidedLabel`, `elided`). One application-wide guard
(`install_screen_fit`) fits every dialog and window when it is first shown, so a new dialog cannot forget.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

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


class ElidedLabel(QLabel):
    """A one-line label that shows as much of its text as fits, then 「…」, with the whole text as its
    tooltip: a long agency name never widens the window."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        return self.full_text

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("中") * 4, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self.full_text) + 8, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self.full_text, Qt.TextElideMode.ElideRight, max(self.width(), 1)
        )
        super().setText(shown)


def elided(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with 「…」 (for a window title, which the system draws)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ScreenFitGuard(QObject):
    """Event filter on the QApplication: every dialog and main window, when it is shown, is no larger
    than the available area of its screen and stands wholly on it (a size written for a large monitor,
    e.g. 1300 × 720 pixels, would otherwise put its buttons below the task bar at 125 %)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, (QDialog, QMainWindow))
            and watched.isWindow()
            and not watched.property(FITTED)
        ):
            watched.setProperty(FITTED, True)  # once: afterwards the user's own size counts
            area = available(watched).size()
            if watched.width() > area.width() or watched.height() > area.height():
                fit_to_screen(watched, watched.size())
            else:
                keep_on_screen(watched)
        return False


FITTED = "nianbao_fitted"  # set on a window that places itself (the main window restores its geometry)


def install_screen_fit(app: QApplication) -> None:
    """Once per application (kept alive with it)."""
    if getattr(app, "_nianbao_screen_fit", None) is None:
        guard = ScreenFitGuard(app)
        app.installEventFilter(guard)
        app._nianbao_screen_fit = guard  # type: ignore[attr-defined]
