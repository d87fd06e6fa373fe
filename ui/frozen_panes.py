"""Frozen panes, as in Excel: a table's header rows and row-label columns stay in place while it scrolls.

Qt's QTableView has no frozen panes and the form's headers are ordinary (merged) cells, so three thin
widgets are laid over the view's viewport: the header rows (moving only sideways with the table), the
label columns (moving only up and down) and their corner (fixed). They have no scroll position of their
own: each paints the frozen cells at the position the view's own scroll bars give at the moment of
painting, so a label is beside its row's numbers by construction (issue 18: separate views, synced after
the fact, drifted apart on a click). The frozen area holds only headers and labels (rows above the first
value cell, columns left of the leftmost one), never an input cell; a click on a row label makes the
first input cell of that row current, the wheel scrolls the table.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QWidget,
)

from ui.plain_text import as_plain_tooltip
from ui.table_model import ReportTableModel


class FrozenPane(QWidget):
    """One frozen strip over the viewport; `follows_x`/`follows_y`: which scroll bar moves its cells."""

    def __init__(self, panes: FrozenPanes, follows_x: bool, follows_y: bool) -> None:
        super().__init__(panes.view)  # a child of the view, not the viewport: Qt's scrolling must not move it
        self.panes = panes
        self.follows_x = follows_x
        self.follows_y = follows_y
        self.setAutoFillBackground(False)

    def offset(self) -> QPoint:
        """Where the table's content origin is, in this pane's coordinates, at this moment."""
        view = self.panes.view
        x = view.horizontalOffset() if self.follows_x else 0
        y = view.verticalOffset() if self.follows_y else 0
        return QPoint(-x, -y) - (self.pos() - view.viewport().pos())

    def cell_rect(self, row: int, col: int, rowspan: int, colspan: int) -> QRect:
        """A (merged) cell's rectangle in this pane, grid line included."""
        rows, cols = self.panes.view.verticalHeader(), self.panes.view.horizontalHeader()
        x, y = cols.sectionPosition(col), rows.sectionPosition(row)
        width = sum(cols.sectionSize(c) for c in range(col, col + colspan))
        height = sum(rows.sectionSize(r) for r in range(row, row + rowspan))
        return QRect(QPoint(x, y) + self.offset(), QRect(0, 0, width, height).size())

    def paintEvent(self, event: QPaintEvent) -> None:
        panes, view = self.panes, self.panes.view
        painter = QPainter(self)
        painter.fillRect(self.rect(), view.palette().color(QPalette.ColorRole.Base))
        rgba = view.style().styleHint(QStyle.StyleHint.SH_Table_GridLineColor, None, view)
        grid = QPen(QColor.fromRgba(rgba & 0xFFFFFFFF))  # the colour the view draws its own grid in
        for index, rect in panes.frozen_cells(self):
            if not rect.intersects(event.rect()):
                continue
            option = QStyleOptionViewItem()
            option.initFrom(view)
            option.font = view.font()
            option.rect = rect.adjusted(0, 0, -1, -1)  # as QTableView: the grid line is not the cell's
            option.state = QStyle.StateFlag.State_Enabled
            option.displayAlignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            option.features = QStyleOptionViewItem.ViewItemFeature.WrapText
            option.textElideMode = Qt.TextElideMode.ElideNone
            panes.delegate.paint(painter, option, index)
            painter.setPen(grid)
            painter.drawLine(rect.topRight(), rect.bottomRight())
            painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.end()

    def index_at(self, pos: QPoint) -> QModelIndex:
        return next(
            (index for index, rect in self.panes.frozen_cells(self) if rect.contains(pos)), QModelIndex()
        )

    def row_at(self, pos: QPoint) -> int:
        """The grid row under `pos` (a merged label covers several), or -1."""
        rows = self.panes.view.verticalHeader()
        y = pos.y() - self.offset().y()
        return next(
            (r for r in range(rows.count()) if 0 <= y - rows.sectionPosition(r) < rows.sectionSize(r)), -1
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click on a row label goes to that row's first input cell (a header click just focuses)."""
        self.panes.go_to_row(self.row_at(event.position().toPoint()) if self.follows_y else -1)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.mousePressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        QApplication.sendEvent(self.panes.view.viewport(), event)  # the wheel scrolls the table

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.index_at(event.pos()).data(Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str) and tip:
                QToolTip.showText(event.globalPos(), as_plain_tooltip(tip), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class FrozenPanes:
    """The frozen header rows (`rows`) and label columns (`columns`) over `view`."""

    def __init__(self, view: QTableView, model: ReportTableModel, rows: int, columns: int) -> None:
        self.view = view
        self.model = model
        self.rows = rows
        self.columns = columns
        self.delegate = QStyledItemDelegate(view)
        self.top = FrozenPane(self, follows_x=True, follows_y=False)  # header rows
        self.left = FrozenPane(self, follows_x=False, follows_y=True)  # label columns
        self.corner = FrozenPane(self, follows_x=False, follows_y=False)  # both: never moves
        for signal in (model.dataChanged, model.modelReset, model.layoutChanged):
            signal.connect(self.repaint_all)
        self.place()

    def panes(self) -> tuple[FrozenPane, FrozenPane, FrozenPane]:
        return self.top, self.left, self.corner

    def height(self) -> int:
        """The frozen header rows' height (0 when there are none)."""
        return sum(self.view.rowHeight(r) for r in range(self.rows))

    def width(self) -> int:
        """The frozen label columns' width (0 when there are none)."""
        return sum(self.view.columnWidth(c) for c in range(self.columns))

    def frozen_cells(self, pane: FrozenPane) -> list[tuple[QModelIndex, QRect]]:
        """Each frozen (merged) cell once, with its rectangle in `pane`."""
        seen: set[tuple[int, int]] = set()
        cells = []
        for row in range(self.model.rowCount()):
            for col in range(self.model.columnCount()):
                if row >= self.rows and col >= self.columns:
                    continue
                placed = self.model.cell_at(row, col)
                top_left = (placed.row, placed.col) if placed is not None else (row, col)
                if top_left in seen:
                    continue
                seen.add(top_left)
                rowspan, colspan = (placed.cell.rowspan, placed.cell.colspan) if placed else (1, 1)
                rect = pane.cell_rect(*top_left, rowspan, colspan)
                cells.append((self.model.index(*top_left), rect))
        return cells

    def place(self) -> None:
        """Lay the panes over the viewport's top and left edges and repaint them (after a resize, a scroll
        bar change, or new sizes or spans)."""
        viewport = self.view.viewport().geometry()
        x, y = viewport.x(), viewport.y()
        height, width = min(self.height(), viewport.height()), min(self.width(), viewport.width())
        self.top.setGeometry(x + width, y, viewport.width() - width, height)
        self.left.setGeometry(x, y + height, width, viewport.height() - height)
        self.corner.setGeometry(x, y, width, height)
        self.top.setVisible(height > 0)
        self.left.setVisible(width > 0)
        self.corner.setVisible(height > 0 and width > 0)
        self.repaint_all()

    def repaint_all(self) -> None:
        for pane in self.panes():
            pane.raise_()
            pane.update()

    def scrolled(self) -> None:
        """The view scrolled: the panes paint at the new position (they keep none of their own)."""
        self.top.update()
        self.left.update()

    def go_to_row(self, row: int) -> None:
        """Make the first input cell of `row` current (or just focus the table when it has none)."""
        view = self.view
        model = self.model
        inputs = [i for i in model.input_indexes() if i.row() == row]
        if inputs:
            view.setCurrentIndex(inputs[0])
        view.setFocus(Qt.FocusReason.MouseFocusReason)
