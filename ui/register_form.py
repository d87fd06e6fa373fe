"""The register window's two views of requests: the list (a table model that makes each shown row's texts
once) and the form for one request, typed as fast as the tables — Enter moves to the next field and, on
the last one, asks to save; dates are typed as 20260305, 2026-3-5 or 3.5 (this year); the combo boxes
answer to the number before each label (1 自然人; 3.3.1 …). What the form reads is core's
(`core.register.values`); it only shows and collects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from core.errors import UserError
from core.model.vocabulary import CalendarKind
from core.register.deadlines import Deadline
from core.register.model import (
    DATE_FIELDS,
    FIELD_NAMES,
    Channel,
    Request,
    applicants,
    result_short_names,
    results,
)
from core.register.values import read_date, read_fee

COLUMNS = ("编号", "收到日期", "申请人类型", "申请内容", "答复期限", "状态", "办理结果")


# ---------------------------------------------------------------- the list


class RequestListModel(QAbstractTableModel):
    """The shown requests with their deadlines, computed once per refresh (scrolling computes nothing)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[Request, Deadline, str]] = []
        self._texts: dict[int, tuple[str, ...]] = {}
        self._applicants = applicants()
        self._short = result_short_names()

    def set_rows(self, rows: list[tuple[Request, Deadline, str]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._texts.clear()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        row = index.row()
        texts = self._texts.get(row)
        if texts is None:  # made once per row shown: a repaint only looks them up
            texts = self._texts[row] = self._row_texts(*self.rows[row])
        return texts[index.column()]

    def _row_texts(self, request: Request, due: Deadline, state: str) -> tuple[str, ...]:
        if due.due is None:
            due_text = "等待补正"
        else:  # a deadline in a year without its 放假安排 says so wherever it is shown
            unsure = due.calendar is CalendarKind.WEEKENDS_ONLY
            due_text = f"{due.due.isoformat()}（仅扣周末）" if unsure else due.due.isoformat()
        left = due.working_days_left
        if request.open and left is not None:
            state = f"逾期 {-left} 个工作日" if left < 0 else f"剩 {left} 个工作日"
        return (
            request.number,
            request.received.isoformat(),
            self._applicants.get(request.applicant, request.applicant),
            request.subject,
            due_text,
            state,
            self._short.get(request.result or "", ""),
        )


# ---------------------------------------------------------------- the form


class RequestForm(QWidget):
    """One request's fields in the spec's order; Enter moves on, Enter on the last field saves."""

    saveRequested = Signal()

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.request_id: int | None = None
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.number = QLineEdit()
        self.number.setPlaceholderText("不填则按收到日期自动编号")
        self.dates = {name: QLineEdit() for name in DATE_FIELDS}
        for edit in self.dates.values():
            edit.setPlaceholderText("如 20260305、2026-3-5 或 3.5")
        self.channel = QComboBox()
        for n, channel in enumerate(Channel, start=1):
            self.channel.addItem(f"{n} {channel.value}", channel)
        self.applicant = QComboBox()
        for n, (key, label) in enumerate(applicants().items(), start=1):
            self.applicant.addItem(f"{n} {label}", key)
        self.applicant_name = QLineEdit()
        self.applicant_name.setPlaceholderText("可不填；只保存在本机")
        self.subject = QLineEdit()
        self.topic = QComboBox()
        self.topic.setEditable(True)
        self.extended = QCheckBox("已延长答复期限")
        self.result = QComboBox()
        self.result.addItem("（办理中）", None)
        for key, label in results().items():
            self.result.addItem(f"{key} {label}", key)
        self.fee = QLineEdit()
        self.fee.setPlaceholderText("元，可不填")
        fields: list[tuple[str, QWidget]] = [
            ("number", self.number),
            ("received", self.dates["received"]),
            ("channel", self.channel),
            ("applicant", self.applicant),
            ("applicant_name", self.applicant_name),
            ("subject", self.subject),
            ("topic", self.topic),
            ("correction_asked", self.dates["correction_asked"]),
            ("correction_received", self.dates["correction_received"]),
            ("extended", self.extended),
            ("consult_sent", self.dates["consult_sent"]),
            ("consult_received", self.dates["consult_received"]),
            ("answered", self.dates["answered"]),
            ("result", self.result),
            ("fee", self.fee),
        ]
        self.order = [widget for _, widget in fields]
        for box in (
            self.channel,
            self.applicant,
            self.topic,
            self.result,
        ):  # long labels must not widen the form
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
        for name, widget in fields:
            layout.addRow(FIELD_NAMES[name], widget)
            widget.installEventFilter(self)
        topic_edit = self.topic.lineEdit()
        if topic_edit is not None:  # it is: the combo box is editable
            topic_edit.installEventFilter(self)
        self.deadline_label = QLabel()
        self.deadline_label.setWordWrap(True)
        layout.addRow("期限", self.deadline_label)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        enter = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.key() in enter:
            if watched is self.topic.lineEdit():  # an editable combo box types into its own line edit
                watched = self.topic
            position = next((i for i, w in enumerate(self.order) if w is watched), None)
            if position is not None:
                if position == len(self.order) - 1:
                    self.saveRequested.emit()
                else:
                    widget = self.order[position + 1]
                    widget.setFocus(Qt.FocusReason.TabFocusReason)
                    if isinstance(widget, QLineEdit):
                        widget.selectAll()
                return True
        return super().eventFilter(watched, event)

    def set_topics(self, topics: list[str]) -> None:
        current = self.topic.currentText()
        self.topic.clear()
        self.topic.addItems(["", *topics])
        self.topic.setCurrentText(current)

    def show_request(self, request: Request | None, due: Deadline | None) -> None:
        """Fill the form from a stored request, or empty it for a new one."""
        self.request_id = request.id if request else None
        self.number.setText(request.number if request else "")
        for name, edit in self.dates.items():
            value = getattr(request, name) if request else None
            edit.setText(value.isoformat() if value else "")
        self.channel.setCurrentIndex(self.channel.findData(request.channel if request else Channel.OTHER))
        self.applicant.setCurrentIndex(max(0, self.applicant.findData(request.applicant)) if request else 0)
        self.applicant_name.setText(request.applicant_name if request else "")
        self.subject.setText(request.subject if request else "")
        self.topic.setCurrentText(request.topic if request else "")
        self.extended.setChecked(bool(request and request.extended))
        self.result.setCurrentIndex(max(0, self.result.findData(request.result)) if request else 0)
        self.fee.setText(str(request.fee) if request and request.fee is not None else "")
        self.deadline_label.setText(describe(due) if due else "")

    def request(self) -> Request:
        """The typed request; `UserError` naming the field that cannot be read."""
        values: dict[str, object] = {}
        year = self.today().year
        for name, edit in self.dates.items():
            try:
                values[name] = read_date(edit.text(), year)
            except UserError as exc:
                edit.setFocus()
                raise UserError(f"{FIELD_NAMES[name]}：{exc.message}") from None
        received = values.pop("received")
        if not isinstance(received, dt.date):
            self.dates["received"].setFocus()
            raise UserError(f"请填写{FIELD_NAMES['received']}。")
        try:
            fee: Decimal | None = read_fee(self.fee.text())
        except UserError as exc:
            raise UserError(f"{FIELD_NAMES['fee']}：{exc.message}") from None
        return Request(
            number=self.number.text().strip(),
            received=received,
            applicant=str(self.applicant.currentData()),
            subject=self.subject.text().strip(),
            channel=self.channel.currentData(),
            applicant_name=self.applicant_name.text().strip(),
            topic=self.topic.currentText().strip(),
            extended=self.extended.isChecked(),
            result=self.result.currentData(),
            fee=fee,
            id=self.request_id,
            **values,  # type: ignore[arg-type]
        )


def describe(due: Deadline) -> str:
    """A request's deadlines in plain Chinese, saying which calendar they were counted on."""
    if due.due is None:
        text = "等待补正（补正材料收到后重新计算答复期限）"
    else:
        text = f"答复期限 {due.due.isoformat()}"
        if due.overdue:
            text += "，已逾期"
    return f"{text}；补正告知期限 {due.correction_due.isoformat()}（{due.calendar.chinese}）"
