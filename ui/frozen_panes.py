"""Frozen panes, as in Excel: a table's header rows and row-label columns stay in place while it scrolls.

Qt's QTableView has no frozen panes and the form's headers are ordinary (merged) cells, so three
read-only copies of the view are laid over the main view's viewport: the header rows (scrolling only
sideways with the table), the label columns (scrolling only up and down) and their corner (fixed).
They share the model, spans, column widths and row heights. The frozen area holds only headers and
labels (rows above the first value cell, columns left of the leftmost one), never an input cell, so the
copies need no editing or selection; mouse wheels over them scroll the table.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QFrame, QTableView

from ui.table_model import ReportTableModel

_OFF = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
_PER_PIXEL = QAbstractItemView.ScrollMode.ScrollPerPixel


class FrozenPanes(QObject):
    """The frozen header rows (`rows`) and label columns (`columns`) over `view`."""

    def __init__(self, view: QTableView, model: ReportTableModel, rows: int, columns: int) -> None:
        super().__init__(view)
        self.view = view
        self.model = model
        self.rows = rows
        self.columns = columns
        self.top = self._pane()  # header rows: follows the table sideways
        self.left = self._pane()  # label columns: follows the table up and down
        self.corner = self._pane()  # both: never moves
        hbar, vbar = view.horizontalScrollBar(), view.verticalScrollBar()
        hbar.valueChanged.connect(self.top.horizontalScrollBar().setValue)
        vbar.valueChanged.connect(self.left.verticalScrollBar().setValue)
        self.sync()

    def _pane(self) -> QTableView:
        pane = QTableView(self.view)
        pane.setModel(self.model)
        pane.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        pane.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        pane.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        pane.setFrameShape(QFrame.Shape.NoFrame)
        pane.setHorizontalScrollBarPolicy(_OFF)
        pane.setVerticalScrollBarPolicy(_OFF)
        pane.setHorizontalScrollMode(_PER_PIXEL)
        pane.setVerticalScrollMode(_PER_PIXEL)
        pane.horizontalHeader().hide()
        pane.verticalHeader().hide()
        pane.setWordWrap(True)
        pane.setTextElideMode(Qt.TextElideMode.ElideNone)
        pane.setStyleSheet(self.view.styleSheet())
        pane.viewport().installEventFilter(self)
        return pane

    def panes(self) -> tuple[QTableView, QTableView, QTableView]:
        return self.top, self.left, self.corner

    def height(self) -> int:
        """The frozen header rows' height (0 when there are none)."""
        return sum(self.view.rowHeight(r) for r in range(self.rows))

    def width(self) -> int:
        """The frozen label columns' width (0 when there are none)."""
        return sum(self.view.columnWidth(c) for c in range(self.columns))

    def sync(self) -> None:
        """Copy spans, fonts, sizes and scroll positions from the view, and place the panes over it."""
        view = self.view
        for pane in self.panes():
            pane.setFont(view.font())
            pane.clearSpans()
            for row in range(self.model.rowCount()):
                pane.setRowHeight(row, view.rowHeight(row))
            for col in range(self.model.columnCount()):
                pane.setColumnWidth(col, view.columnWidth(col))
        for row, col, rowspan, colspan in self.model.spans():
            for pane in self.panes():
                pane.setSpan(row, col, rowspan, colspan)
        self.place()

    def place(self) -> None:
        """Lay the panes over the viewport's top and left edges (after a resize or a scroll bar change)."""
        viewport = self.view.viewport().geometry()
        x, y = viewport.x(), viewport.y()
        height, width = min(self.height(), viewport.height()), min(self.width(), viewport.width())
        self.top.setGeometry(x, y, viewport.width(), height)
        self.left.setGeometry(x, y, width, viewport.height())
        self.corner.setGeometry(x, y, width, height)
        self.top.setVisible(height > 0)
        self.left.setVisible(width > 0)
        self.corner.setVisible(height > 0 and width > 0)
        self.top.horizontalScrollBar().setValue(self.view.horizontalScrollBar().value())
        self.left.verticalScrollBar().setValue(self.view.verticalScrollBar().value())
        for pane in self.panes():
            pane.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
            QApplication.sendEvent(self.view.viewport(), event)  # the wheel scrolls the table
            return True
        return super().eventFilter(watched, event)
