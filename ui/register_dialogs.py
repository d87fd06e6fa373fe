"""The register's two smaller dialogs: 放假安排… (a year's days off and 调休 working days, for a year the
calendar package does not know) and 复议诉讼案件… (the case register that table 四 is counted from).

Both only read what the clerk typed and forward it to `core.register.ops.Register`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import UserError
from core.model.vocabulary import CalendarKind
from core.register.calendar import Arrangement, WorkCalendar, read_days
from core.register.model import Case, case_kinds, case_results
from core.register.ops import Register
from core.register.values import read_date
from ui.crash import show_message
from ui.dialogs import _ok_cancel


class ArrangementDialog(QDialog):
    """放假安排: typed from the State Council's notice; kept in the database."""

    def __init__(self, register: Register, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.setWindowTitle("录入放假安排")
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "本软件已知道国务院公布的放假安排的年度不需要录入。其他年度在录入之前，答复期限只扣除周末。\n"
                "日期可写作 10月1日至7日、10.1、2027-10-9，用顿号、逗号或换行分开。"
            )
        )
        form = QFormLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2200)
        self.year.setValue(year)
        self.days_off = QPlainTextEdit()
        self.days_off.setPlaceholderText("例如：1月1日、2月6日至12日、10月1日至7日")
        self.working = QPlainTextEdit()
        self.working.setPlaceholderText("例如：2月14日、9月26日、10月9日（调休上班的周末）")
        self.known = QLabel()
        form.addRow("年度", self.year)
        form.addRow("放假日期", self.days_off)
        form.addRow("调休上班日期", self.working)
        form.addRow("", self.known)
        layout.addLayout(form)
        layout.addWidget(_ok_cancel(self, "保存"))
        self.year.valueChanged.connect(self._show_year)
        self._show_year()

    def _show_year(self) -> None:
        year = self.year.value()
        kind = self.register.calendar().kind(year)
        self.known.setText(f"{year} 年：{kind.chinese}")
        entered = self.register.store.arrangements().get(year)
        self.days_off.setPlainText(
            "、".join(f"{d.month}月{d.day}日" for d in sorted(entered.days_off)) if entered else ""
        )
        self.working.setPlainText(
            "、".join(f"{d.month}月{d.day}日" for d in sorted(entered.working_weekends)) if entered else ""
        )

    def accept(self) -> None:
        year = self.year.value()
        try:
            if WorkCalendar().kind(year) is CalendarKind.OFFICIAL:
                raise UserError(f"{year} 年的放假安排本软件已经知道，不需要录入。")
            arrangement = Arrangement(
                year,
                read_days(self.days_off.toPlainText(), year),
                read_days(self.working.toPlainText(), year),
            )
            self.register.enter_arrangement(arrangement)
        except UserError as exc:
            show_message(self, exc.message)
            return
        super().accept()


class CasesDialog(QDialog):
    """The case register: 行政复议 and 行政诉讼 about 政府信息公开, for table 四."""

    def __init__(
        self, register: Register, today: Callable[[], dt.date], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.register = register
        self.today = today
        self.case_id: int | None = None
        self.setWindowTitle("复议诉讼案件")
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["类别", "立案日期", "审结日期", "结果", "涉及的申请"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.kind = QComboBox()
        for key, label in case_kinds().items():
            self.kind.addItem(label, key)
        self.filed = QLineEdit()
        self.decided = QLineEdit()
        for edit in (self.filed, self.decided):
            edit.setPlaceholderText("如 20260305、2026-3-5 或 3.5")
        self.case_result = QComboBox()
        self.case_result.addItem("（尚未审结）", None)
        for key, label in case_results().items():
            self.case_result.addItem(label, key)
        self.request_number = QLineEdit()
        for label, widget in (
            ("类别", self.kind),
            ("立案日期", self.filed),
            ("审结日期", self.decided),
            ("结果", self.case_result),
            ("涉及的申请编号", self.request_number),
        ):
            form.addRow(label, widget)
        layout.addLayout(form)
        row = QHBoxLayout()
        for text, slot in (("新增", self._new), ("保存", self._save), ("删除", self._delete)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        layout.addLayout(row)
        self.cases: list[Case] = []
        self._reload()
        self.resize(720, 480)

    def _reload(self) -> None:
        self.cases = self.register.cases()
        kinds, results = case_kinds(), case_results()
        self.table.setRowCount(len(self.cases))
        for row, case in enumerate(self.cases):
            cells = (
                kinds[case.kind],
                case.filed.isoformat(),
                case.decided.isoformat() if case.decided else "",
                results.get(case.result or "", "尚未审结"),
                case.request_number,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def _show(self, row: int) -> None:
        case = self.cases[row] if 0 <= row < len(self.cases) else None
        self.case_id = case.id if case else None
        self.kind.setCurrentIndex(max(0, self.kind.findData(case.kind)) if case else 0)
        self.filed.setText(case.filed.isoformat() if case else "")
        self.decided.setText(case.decided.isoformat() if case and case.decided else "")
        self.case_result.setCurrentIndex(max(0, self.case_result.findData(case.result)) if case else 0)
        self.request_number.setText(case.request_number if case else "")

    def _new(self) -> None:
        self.table.clearSelection()
        self._show(-1)
        self.filed.setFocus()

    def _save(self) -> None:
        year = self.today().year
        try:
            filed = read_date(self.filed.text(), year)
            decided = read_date(self.decided.text(), year)
            if filed is None:
                raise UserError("请填写立案日期。")
            if (decided is None) != (self.case_result.currentData() is None):
                raise UserError("已审结的案件要同时填写审结日期和结果；尚未审结的两项都不填。")
            case = Case(
                self.kind.currentData(),
                filed,
                decided,
                self.case_result.currentData(),
                self.request_number.text().strip(),
                self.case_id,
            )
            self.register.record_case(case)
        except UserError as exc:
            show_message(self, exc.message)
            return
        self._reload()

    def _delete(self) -> None:
        if self.case_id is not None:
            self.register.delete_case(self.case_id)
            self._reload()
            self._new()
