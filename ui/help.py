"""帮助 → 使用说明 (F1): the offline guide inside the app, and context help where a clerk stops.

The guide is a page of Chinese HTML with screenshots in `resources/guide/` (bundled with the app; the
pictures are made by `tests/guide_screenshots.py`). It opens in one window per main window, beside
the work, at a chapter when asked from a place (e.g. 「什么是定稿？」 on the sign page).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtWidgets import QDialog, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from core.paths import resource_path
from ui.screen_fit import fit_to_screen

GUIDE = "index.html"
TITLE = "年报助手 使用说明"

# chapters of the guide a place in the app can open (the anchors of index.html)
FINAL, CODE = "final", "code"


class HelpWindow(QDialog):
    """The guide, non-modal: the clerk reads it beside the report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)  # the guide is offline: nothing leaves the app
        folder = resource_path("guide")
        self.browser.setSearchPaths([str(folder)])
        self.browser.setSource(QUrl.fromLocalFile(str(folder / GUIDE)))
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        char = self.fontMetrics().horizontalAdvance("中")
        fit_to_screen(self, QSize(char * 54, char * 60))  # pictures 480 px wide, no sideways scrolling

    def show_chapter(self, anchor: str = "") -> None:
        """Show the guide (at a chapter) and bring it to the front."""
        if anchor:
            self.browser.scrollToAnchor(anchor)
        else:
            self.browser.verticalScrollBar().setValue(0)
        self.show()
        self.raise_()
        self.activateWindow()


def show_help(place: QWidget, anchor: str = "") -> HelpWindow:
    """The guide of `place`'s window (made once, then reused), at `anchor`."""
    window = place.window()
    guide = window.findChild(HelpWindow)
    if guide is None:
        guide = HelpWindow(window)
    guide.show_chapter(anchor)
    return guide


def help_button(text: str, anchor: str) -> QPushButton:
    """A small flat 「…？」 button that opens the guide at `anchor` (context help where a clerk stops)."""
    button = QPushButton(text)
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.WhatsThisCursor)
    button.setStyleSheet("QPushButton { color: #1c5fc4; text-align: left; padding: 0 2px; }")
    button.setToolTip("打开使用说明中的这一节")
    button.clicked.connect(lambda: show_help(button, anchor))
    return button
