"""The statutory deadlines of a request (docs/register.md «Deadlines») and the plain-Chinese summary.

答复期限: the 20th working day after the start (收到日期, or the 补正收到日期 after a 补正); 20 more when
extended; plus the working days a consultation took (while it runs: those up to the day looked at, so
the clock stands still). While a 补正 is awaited there is no 答复期限.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from core.model.vocabulary import CalendarKind
from core.register.calendar import WorkCalendar
from core.register.model import Request

ANSWER_DAYS = 20  # 条例第三十三条第一款
EXTENSION_DAYS = 20  # 第三十三条第二款
CORRECTION_NOTICE_DAYS = 7  # 第三十条
SOON = 5  # 即将到期: within this many working days


@dataclass(frozen=True)
class Deadline:
    """A request's deadlines as seen on day `on`. `due` None: waiting for the 补正 (等待补正)."""

    due: dt.date | None
    correction_due: dt.date
    calendar: CalendarKind
    working_days_left: int | None  # negative: working days overdue; None while waiting for a 补正
    overdue: bool

    @property
    def waiting_for_correction(self) -> bool:
        return self.due is None

    @property
    def due_soon(self) -> bool:
        return not self.overdue and self.working_days_left is not None and self.working_days_left <= SOON


def deadline(request: Request, calendar: WorkCalendar, on: dt.date) -> Deadline:
    """The request's 答复期限 and 补正告知期限, and where it stands on day `on`."""
    correction_due = calendar.add_working_days(request.received, CORRECTION_NOTICE_DAYS)
    if request.correction_asked is not None and request.correction_received is None:
        kind = calendar.kind_of((request.received, correction_due))
        return Deadline(None, correction_due, kind, None, False)
    start = request.correction_received or request.received
    days = ANSWER_DAYS + (EXTENSION_DAYS if request.extended else 0)
    if request.consult_sent is not None:  # the consultation's time does not count; while it runs, so far
        until = request.consult_received or request.answered or on
        days += calendar.working_days_between(request.consult_sent, until)
    due = calendar.add_working_days(start, days)
    kind = calendar.kind_of((start, due))
    if request.answered is not None:
        return Deadline(due, correction_due, kind, 0, request.answered > due)
    if on > due:
        return Deadline(due, correction_due, kind, -calendar.working_days_between(due, on), True)
    return Deadline(due, correction_due, kind, calendar.working_days_between(on, due), False)


@dataclass(frozen=True)
class DueSummary:
    """What falls due soon and what is overdue among the open requests, on a day."""

    soon: int
    overdue: int
    most_overdue_days: int
    weekends_only: bool  # some deadline leans on a year without an official or entered 放假安排

    @property
    def sentence(self) -> str:
        """「3 件申请将在 5 个工作日内到期；1 件已逾期 2 个工作日」, or that nothing is pressing."""
        parts = []
        if self.soon:
            parts.append(f"{self.soon} 件申请将在 {SOON} 个工作日内到期")
        if self.overdue:
            days = self.most_overdue_days
            one = self.overdue == 1
            parts.append(
                f"{self.overdue} 件已逾期 {days} 个工作日"
                if one
                else f"{self.overdue} 件已逾期（最长 {days} 个工作日）"
            )
        text = "；".join(parts) or f"没有申请将在 {SOON} 个工作日内到期，也没有逾期的申请"
        if self.weekends_only:
            text += "；部分期限所在年度尚无放假安排，仅扣除周末"
        return text + "。"


def due_summary(requests: Iterable[Request], calendar: WorkCalendar, on: dt.date) -> DueSummary:
    return summarize(deadline(r, calendar, on) for r in requests if r.open)


def summarize(open_deadlines: Iterable[Deadline]) -> DueSummary:
    """What the deadlines of the open requests (on one day) add up to."""
    soon = overdue = worst = 0
    weekends_only = False
    for d in open_deadlines:
        weekends_only |= d.calendar is CalendarKind.WEEKENDS_ONLY
        if d.overdue:
            overdue += 1
            worst = max(worst, -(d.working_days_left or 0))
        elif d.due_soon:
            soon += 1
    return DueSummary(soon, overdue, worst, weekends_only)
