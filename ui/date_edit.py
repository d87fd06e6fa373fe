"""The 成文日期 field: typed the ways people write dates, or picked from a Chinese calendar.

QDateEdit cannot take what people type (its sections turn 20220120 into 「未填写2022120」 and Enter
brings the old date back), and its calendar opens in January 2000 with the system's month names. This
field is a line edit read by `core.model.date_input.parse_date` (2022-01-20, 2022年1月20日, 20220120), shown
as documents print it (2022年1月20日), with a calendar button whose calendar is always Chinese and
opens in January of the year after the report's (when reports are signed). Its value is a
`datetime.date`, or None for "not filled in" (a QDate would need a placeholder date for that, and
the placeholder would then be a date nobody could enter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QLocale, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from core.errors import UserError
from core.model.date_input import EXAMPLE, parse_date
from core.model.report import chinese_date

CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)


class DateEdit(QWidget):
    """A date typed or picked; `dateChanged` when a new one is committed (Enter, leaving, the calendar)."""

    dateChanged = Signal(object)  # the new value: a datetime.date, or None when emptied

    def __init__(self, signing_year: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signing_year = signing_year
        self._date: dt.date | None = None

        self.edit = QLineEdit()
        self.edit.setPlaceholderText(f"未填写（例如 {EXAMPLE}）")
        self.edit.editingFinished.connect(self._commit_text)
        self.calendar = QCalendarWidget()
        self.calendar.setLocale(CHINESE)  # 一月…十二月 and 周一… whatever the system language
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self.menu = QMenu(self)
        holder = QWidgetAction(self.menu)
        holder.setDefaultWidget(self.calendar)
        self.menu.addAction(holder)
        self.menu.aboutToShow.connect(self._turn_calendar)
        self.button = QToolButton()
        self.button.setText("日历")
        self.button.setToolTip("从日历中选择日期")
        self.button.setMenu(self.menu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        # a wrapped label in a narrow form column is given one line's height: reserve two
        self.problem.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 2)
        self.problem.setVisible(False)
        self.edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("2022年12月31日") * 5 // 4)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.problem)

    # ---------------------------------------------------------------- the value

    def value(self) -> dt.date | None:
        """The committed date; None while not filled in."""
        return self._date

    def set_value(self, date: dt.date | None) -> None:
        """Show `date` (None: empty); `dateChanged` when it differs from the committed one."""
        self._set(date)

    def setReadOnly(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.button.setEnabled(not read_only)

    # ---------------------------------------------------------------- typing and picking

    def _set(self, date: dt.date | None) -> None:
        """Show `date` as documents print it; emit `dateChanged` when it is a new one."""
        self._show_problem("")
        self.edit.setText(chinese_date(date) if date else "")
        if date != self._date:
            self._date = date
            self.dateChanged.emit(date)

    @Slot()
    def _commit_text(self) -> None:
        try:
            date = parse_date(self.edit.text())
        except UserError as exc:  # the typed text stays, to be corrected; the stored date is kept
            self._show_problem(exc.message)
            return
        self._set(date)

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self.edit.setStyleSheet("border: 1px solid #b00020;" if text else "")

    @Slot()
    def _turn_calendar(self) -> None:
        """Open at the date shown, or at January of the year reports are signed in."""
        if self._date is not None:
            self.calendar.setSelectedDate(QDate(self._date))
        else:
            self.calendar.setCurrentPage(self._signing_year(), 1)

    @Slot(QDate)
    def _picked(self, qdate: QDate) -> None:
        self.menu.close()
        self._set(dt.date(qdate.year(), qdate.month(), qdate.day()))
