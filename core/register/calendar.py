"""The working-day calendar of the answer deadlines: the State Council's 放假安排.

For the years the `chinese-calendar` package knows, its official days off and 调休 working weekends; for a
later year, the arrangement the office entered in the app (kept in the database); until then Monday to
Friday only — and every deadline that leans on such a year says so (`kind`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

import chinese_calendar


class CalendarKind(Enum):
    """How a year's working days are known (the CLI's `calendar` values; the Chinese for people)."""

    OFFICIAL = "official"
    OFFICE = "office"
    WEEKENDS_ONLY = "weekends-only"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    CalendarKind.OFFICIAL: "按国务院放假安排",
    CalendarKind.OFFICE: "按本机关录入的放假安排",
    CalendarKind.WEEKENDS_ONLY: "尚无该年放假安排，仅扣除周末",
}
_WORSE = [CalendarKind.OFFICIAL, CalendarKind.OFFICE, CalendarKind.WEEKENDS_ONLY]
_OFFICIAL_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


@dataclass(frozen=True)
class Arrangement:
    """A year's 放假安排 as the office enters it: the days off and the 调休 working weekend days."""

    year: int
    days_off: frozenset[dt.date]
    working_weekends: frozenset[dt.date] = frozenset()


@dataclass
class WorkCalendar:
    """Working days: official years from the package, office-entered years, else weekends only."""

    arrangements: Mapping[int, Arrangement] = field(default_factory=dict)

    def kind(self, year: int) -> CalendarKind:
        if year in _OFFICIAL_YEARS:
            return CalendarKind.OFFICIAL
        return CalendarKind.OFFICE if year in self.arrangements else CalendarKind.WEEKENDS_ONLY

    def kind_of(self, days: Iterable[dt.date]) -> CalendarKind:
        """The least certain kind among the years of `days`."""
        kinds = {self.kind(d.year) for d in days}
        return max(kinds, key=_WORSE.index, default=CalendarKind.OFFICIAL)

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.kind(day.year)
        if kind is CalendarKind.OFFICIAL:
            return bool(chinese_calendar.is_workday(day))
        if kind is CalendarKind.OFFICE:
            arrangement = self.arrangements[day.year]
            if day in arrangement.working_weekends:
                return True
            if day in arrangement.days_off:
                return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (`start` itself is not counted)."""
        day = start
        while count > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_between(self, after: dt.date, through: dt.date) -> int:
        """Working days from the day after `after` through `through` (0 when `through` <= `after`)."""
        count, day = 0, after
        while day < through:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count
