"""The report list: every report in the database, grouped by agency, newest year first.

Each line shows the year, 草稿/定稿, and the error and warning counts the storage keeps with it.
Double-click (or 「打开」) opens a report; the buttons emit requests the main window carries out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from typing import Protocol

from PySide6.QtCore import Qt, Signal, SignalInstance, Slot
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.model.vocabulary import ReportStatus
from core.rules.summary import STATUS_NAMES
from ui.dialogs import ReportRef
from ui.findings_panel import ERROR_COLOUR, WARNING_COLOUR, tree_children

ID_ROLE = Qt.ItemDataRole.UserRole


class Summary(ReportRef, Protocol):
    """What the list needs of `core.storage.ReportSummary`: which report, and its state."""

    @property
    def status(self) -> str: ...
    @property
    def errors(self) -> int: ...
    @property
    def warnings(self) -> int: ...
    @property
    def updated_at(self) -> datetime: ...


class ReportList(QWidget):
    """The home page of the app: the reports, and the actions on them."""

    open_requested = Signal(int)
    new_requested = Signal()
    rename_requested = Signal(int)
    delete_requested = Signal(int)
    import_requested = Signal()
    export_requested = Signal(int)
    deleted_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("政府信息公开工作年度报告")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        title.setFont(font)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(["机关 / 年度", "状态", "错误", "提示", "最后修改"])
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        char = self.fontMetrics().horizontalAdvance("中")
        for column, chars in ((1, 5), (2, 5), (3, 5), (4, 11)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, char * chars)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(self._update_buttons)
        self.empty = QLabel(
            "还没有报告。点击「新建报告」开始填写，或点击「导入」打开别处导出的报告文件（.json）。"
        )
        self.empty.setWordWrap(True)

        self.new_button = QPushButton("新建报告…")
        self.open_button = QPushButton("打开")
        self.rename_button = QPushButton("重命名…")
        self.delete_button = QPushButton("删除…")
        self.import_button = QPushButton("导入…")
        self.export_button = QPushButton("导出…")
        self.deleted_button = QPushButton("已删除的报告…")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(lambda: self._emit_for_current(self.open_requested))
        self.rename_button.clicked.connect(lambda: self._emit_for_current(self.rename_requested))
        self.delete_button.clicked.connect(lambda: self._emit_for_current(self.delete_requested))
        self.export_button.clicked.connect(lambda: self._emit_for_current(self.export_requested))
        self.import_button.clicked.connect(self.import_requested)
        self.deleted_button.clicked.connect(self.deleted_requested)
        self.new_button.setDefault(True)

        buttons = QHBoxLayout()
        for button in (self.new_button, self.open_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.import_button, self.export_button, self.deleted_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        self.set_reports([])

    def set_reports(self, reports: Sequence[Summary]) -> None:
        """Show these reports, keeping the selection on the same report when it is still there."""
        selected = self.current_id()
        self.tree.clear()
        ordered = sorted(reports, key=lambda r: (r.agency, -r.year))
        for agency, group in groupby(ordered, key=lambda r: r.agency):
            top = QTreeWidgetItem([agency])
            self.tree.addTopLevelItem(top)
            for report in group:
                item = QTreeWidgetItem(
                    [
                        f"{report.year}年度",
                        STATUS_NAMES.get(report.status, report.status),
                        str(report.errors),
                        str(report.warnings),
                        f"{report.updated_at:%Y-%m-%d %H:%M}",
                    ]
                )
                item.setData(0, ID_ROLE, report.id)
                item.setToolTip(0, f"{agency}{report.year}年度报告（双击打开）")
                if report.errors:
                    item.setForeground(2, QBrush(ERROR_COLOUR))
                if report.warnings:
                    item.setForeground(3, QBrush(WARNING_COLOUR))
                if report.status == ReportStatus.FINAL:
                    item.setForeground(1, QBrush(QColor("#1b6e20")))
                top.addChild(item)
                if report.id == selected:
                    self.tree.setCurrentItem(item)
            top.setExpanded(True)
        if self.tree.currentItem() is None and ordered:
            self.select(ordered[0].id)
        self.empty.setVisible(not reports)
        self._update_buttons()

    def current_id(self) -> int | None:
        item = self.tree.currentItem()
        value = item.data(0, ID_ROLE) if item is not None else None
        return int(value) if value is not None else None

    def item_for(self, report_id: int) -> QTreeWidgetItem | None:
        for top in tree_children(self.tree.invisibleRootItem()):
            for item in tree_children(top):
                if item.data(0, ID_ROLE) == report_id:
                    return item
        return None

    def select(self, report_id: int) -> None:
        item = self.item_for(report_id)
        if item is not None:
            self.tree.setCurrentItem(item)

    def _emit_for_current(self, signal: SignalInstance) -> None:
        report_id = self.current_id()
        if report_id is not None:
            signal.emit(report_id)

    @Slot()
    def _update_buttons(self) -> None:
        chosen = self.current_id() is not None
        for button in (self.open_button, self.rename_button, self.delete_button, self.export_button):
            button.setEnabled(chosen)

    @Slot(QTreeWidgetItem, int)
    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        report_id = item.data(0, ID_ROLE)
        if report_id is not None:
            self.open_requested.emit(int(report_id))
