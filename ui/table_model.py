"""One table of the report (A, B or C) as a Qt item model whose grid is the official layout, headers included.

The official tables have multi-row merged headers and a three-column merged label area that QHeaderView
cannot draw, so the model's rows and columns are the format's layout grid (`Table.placed`): header,
corner and label cells are ordinary cells, spans come from `spans()` for `QTableView.setSpan`, and Qt's
own headers stay hidden. Only input value cells are editable; totals show the computed value from
`document.resolved`. Cells are coloured by their findings (error red, warning amber) with the messages as
tooltip. On each change or live preview only the cells whose text, colour or tooltip changed are
reported with `dataChanged`, so a keystroke repaints a handful of cells, not the table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from core.format.definition import PlacedCell
from core.model.cell_input import CellInputError, parse_cell
from core.rules.table import fmt, shown_value
from ui.document import ReportDocument
from ui.text_editor import FOUND_COLOUR

CellKind = Literal["corner", "header", "label", "input", "total"]

ADDRESS_ROLE = Qt.ItemDataRole.UserRole + 1  # the cell address of a value cell, else None
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # a CellKind

# Colours: input cells white like paper, computed totals a cool blue-grey, headers grey; findings on top.
COLOURS: dict[str, QColor] = {
    "corner": QColor("#e4e8ee"),
    "header": QColor("#e4e8ee"),
    "label": QColor("#f4f6f8"),
    "input": QColor("#ffffff"),
    "total": QColor("#dde9f7"),
    "error": QColor("#f7c6c3"),
    "warning": QColor("#fde6b3"),
    "found": FOUND_COLOUR,  # the label 查找 found
}
TEXT_COLOURS: dict[str, QColor] = {
    "total": QColor("#123c78"),
    "error": QColor("#8f0000"),
}

_Index = QModelIndex | QPersistentModelIndex

_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_FONT = Qt.ItemDataRole.FontRole
_ALIGN = {
    "input": Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    "total": Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    "label": Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    "header": Qt.AlignmentFlag.AlignCenter,
    "corner": Qt.AlignmentFlag.AlignCenter,
}
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _SELECTABLE | Qt.ItemFlag.ItemIsEditable
_FLAGS = {
    "input": _SELECTABLE,  # of a final (read-only) report
    "total": _SELECTABLE,
    "label": Qt.ItemFlag.ItemIsEnabled,
    "header": Qt.ItemFlag.ItemIsEnabled,
    "corner": Qt.ItemFlag.ItemIsEnabled,
}
# display text, worst severity, finding messages, whether a value is stored (tooltips of given totals)
_State = tuple[str, str | None, tuple[str, ...], bool]


class ReportTableModel(QAbstractTableModel):
    """Table `table_key` of the document's report, laid out as the official form."""

    inputRefused = Signal(str)  # Chinese message naming the cell and the reason; nothing was stored

    def __init__(self, document: ReportDocument, table_key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.table = document.spec.table(table_key)
        self._top = {(placed.row, placed.col): placed for placed in self.table.placed}
        self._owner = self.table.owners
        self._positions = {a: (p.row, p.col) for a, p in self.table.value_positions.items()}
        self._shown: dict[str, _State] = {a: self._state(a) for a in self._positions}
        bold = QFont()
        bold.setBold(True)
        self._bold = bold
        self._kinds = {key: self.kind_of(p) for key, p in self._top.items()}
        self._static = {key: self._static_roles(p) for key, p in self._top.items()}
        self.found: tuple[int, int] | None = None  # the label or header cell 查找 found
        self.refreshes = 0  # how often the cells were compared (a test checks one per committed edit)
        # findingsChanged follows every change of values (and every preview), so it alone refreshes
        document.findingsChanged.connect(self._refresh)
        document.reloaded.connect(self._reset)

    # ---------------------------------------------------------------- structure

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.table.lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.table.grid_columns

    def spans(self) -> list[tuple[int, int, int, int]]:
        """(row, column, rowspan, colspan) of every merged cell, for `QTableView.setSpan`."""
        return [
            (p.row, p.col, p.cell.rowspan, p.cell.colspan)
            for p in self.table.placed
            if p.cell.rowspan > 1 or p.cell.colspan > 1
        ]

    def frozen_rows(self) -> int:
        """Header rows that stay in place while the table scrolls (those the printed table repeats)."""
        return self.table.header_lines

    def frozen_columns(self) -> int:
        """Row-label columns that stay in place: left of every value cell, unless a cell straddles them."""
        first = min(p.col for p in self.table.value_positions.values())
        straddles = any(p.col < first < p.col + p.cell.colspan for p in self.table.placed)
        return 0 if straddles else first

    def cell_at(self, row: int, column: int) -> PlacedCell | None:
        """The layout cell covering grid position (row, column), or None outside the table."""
        return self._owner.get((row, column))

    def kind_of(self, placed: PlacedCell) -> CellKind:
        cell = placed.cell
        if cell.address is None:
            return cell.role  # type: ignore[return-value]  # corner/header/label
        return "total" if self.document.spec.cells[cell.address].derived else "input"

    def index_of(self, address: str) -> QModelIndex:
        row, col = self._positions[address]
        return self.index(row, col)

    def address_at(self, index: _Index) -> str | None:
        placed = self._owner.get((index.row(), index.column())) if index.isValid() else None
        return placed.cell.address if placed else None

    def set_found(self, position: tuple[int, int] | None) -> None:
        """Mark the cell at (row, column) as what 查找 found (None: no mark)."""
        previous, self.found = self.found, position
        for row, col in (p for p in (previous, position) if p is not None):
            self.dataChanged.emit(self.index(row, col), self.index(row, col))

    def is_input(self, index: _Index) -> bool:
        address = self.address_at(index)
        return address is not None and not self.document.spec.cells[address].derived

    def input_indexes(self) -> list[QModelIndex]:
        """Input cells in reading order (the Tab order)."""
        return [
            self.index(p.row, p.col)
            for p in sorted(self.table.placed, key=lambda p: (p.row, p.col))
            if p.cell.address and not self.document.spec.cells[p.cell.address].derived
        ]

    # ---------------------------------------------------------------- data

    def flags(self, index: _Index) -> Qt.ItemFlag:
        kind = self._kinds.get((index.row(), index.column()))
        if kind is None:
            return _NO_FLAGS
        if kind == "input" and not self.document.read_only:
            return _EDITABLE
        return _FLAGS[kind]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called ~8 times per cell per paint: static roles come from a table built once, dynamic
        # ones from the state `_refresh` keeps current (no rule lookups while painting).
        static = self._static.get((index.row(), index.column()))
        if static is None:
            return None
        if role == _BACKGROUND and self.found == (index.row(), index.column()):
            return COLOURS["found"]
        if role in static:
            return static[role]
        address = static[ADDRESS_ROLE]
        if address is None:
            return None
        display, severity, messages, _stored = self._shown[address]
        if role == _DISPLAY:
            return display
        if role == _BACKGROUND:
            return COLOURS[severity or static[KIND_ROLE]]
        if role == _FOREGROUND:
            return TEXT_COLOURS.get("error" if severity == "error" else static[KIND_ROLE])
        if role == _EDIT:
            value = self.document.report.values[address]
            return "" if value is None else fmt(value)
        if role == _TOOLTIP:
            return "\n".join(messages) if messages else self._tooltip(address, static[KIND_ROLE])
        return None

    def _static_roles(self, placed: PlacedCell) -> dict[int, Any]:
        kind = self.kind_of(placed)
        roles: dict[int, Any] = {ADDRESS_ROLE: placed.cell.address, KIND_ROLE: kind}
        roles[_ALIGNMENT] = _ALIGN[kind]
        roles[_FONT] = self._bold if kind in ("header", "total") else None
        if placed.cell.address is None:
            roles.update({_DISPLAY: placed.cell.text, _EDIT: None, _BACKGROUND: COLOURS[kind]})
            roles.update({_FOREGROUND: None, _TOOLTIP: None})
        return roles

    def _display(self, address: str) -> str:
        return shown_value(self.document.report, self.document.resolved, address)

    def _severity(self, address: str | None) -> str | None:
        if address is None:
            return None
        findings = self.document.findings_for(address)
        if any(f.severity == "error" for f in findings):
            return "error"
        return "warning" if findings else None

    def _tooltip(self, address: str, kind: CellKind) -> str:
        """For a cell without findings: what it is (and, for a total, that it is computed)."""
        info = self.document.spec.cells[address]
        if kind == "input":
            return info.description
        if self.document.report.values[address] is not None:
            return f"{info.description}：导入时给定的合计数（修改任一分项后自动计算；按 Delete 改为自动计算）"
        return f"{info.description}：由各分项自动计算，不能直接填写"

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Store typed text (or a Decimal/None); refused text emits `inputRefused` and stores nothing."""
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        address = self.address_at(index)
        assert address is not None
        if isinstance(value, str):
            try:
                parsed: Decimal | None = parse_cell(self.document.spec, address, value)
            except CellInputError as exc:
                self.inputRefused.emit(exc.message)
                return False
        else:
            parsed = value
        self.document.set_values({address: parsed})
        return True

    # ---------------------------------------------------------------- change tracking

    def _state(self, address: str) -> _State:
        findings = self.document.findings_for(address)
        stored = self.document.report.values[address] is not None
        return (self._display(address), self._severity(address), tuple(f.message for f in findings), stored)

    def _refresh(self) -> None:
        """Report only the cells whose text, colour or tooltip changed since last time."""
        self.refreshes += 1
        for address, (row, col) in self._positions.items():
            state = self._state(address)
            if state != self._shown[address]:
                self._shown[address] = state
                index = self.index(row, col)
                self.dataChanged.emit(index, index)

    def _reset(self) -> None:
        self.beginResetModel()
        self._shown = {a: self._state(a) for a in self._positions}
        self.endResetModel()
