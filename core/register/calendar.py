"""The working-day calendar of the answer deadlines: the State Council's 放假安排.

For the years the `chinese-calendar` package knows, its official days off and 调休 working weekends; for a
later year, the arrangement the office entered in the app (kept in the database); until then Monday to
Friday only — and every deadline that leans on such a year says so (`kind`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar

from core.errors import UserError
from core.model.vocabulary import CalendarKind

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
    _running_counts: dict[int, list[int]] = field(default_factory=dict, init=False, repr=False)

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

    def _running(self, year: int) -> list[int]:
        """For each day of `year`, the working days from 1 January through it (kept: a list of 10,000
        requests asks for every deadline on each refresh)."""
        found = self._running_counts.get(year)
        if found is None:
            first, count, found = dt.date(year, 1, 1), 0, []
            for offset in range((dt.date(year + 1, 1, 1) - first).days):
                count += self.is_working_day(first + dt.timedelta(days=offset))
                found.append(count)
            self._running_counts[year] = found
        return found

    def _through(self, day: dt.date, since_year: int) -> int:
        """Working days from 1 January `since_year` through `day`."""
        before = sum(self._running(year)[-1] for year in range(since_year, day.year))
        return before + self._running(day.year)[(day - dt.date(day.year, 1, 1)).days]

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (`start` itself is not counted)."""
        if count <= 0:
            return start
        year, wanted = start.year, self._through(start, start.year) + count
        while self._running(year)[-1] < wanted:
            wanted -= self._running(year)[-1]
            year += 1
        return dt.date(year, 1, 1) + dt.timedelta(days=bisect.bisect_left(self._running(year), wanted))

    def working_days_between(self, after: dt.date, through: dt.date) -> int:
        """Working days from the day after `after` through `through` (0 when `through` <= `after`)."""
        if through <= after:
            return 0
        return self._through(through, after.year) - self._through(after, after.year)


_RANGE = re.compile(r"\s*(?:至|到|~|～|—|－－)\s*")
_ITEMS = re.compile(r"[\n,，;；、]+")


def read_days(text: str, year: int) -> frozenset[dt.date]:
    """Days as the office copies them from the State Council's notice: dates (10.1, 2027-10-1, 10月1日)
    and ranges (10月1日至7日, 10.1至10.7), separated by lines, commas or 、; all in `year`."""
    from core.register.values import read_date  # the register's way of reading a typed date

    days: set[dt.date] = set()
    for item in filter(None, (i.strip() for i in _ITEMS.split(text))):
        ends = _RANGE.split(item)
        if len(ends) > 2:
            raise UserError(f"“{item}”不是日期或日期范围。")
        first = read_date(ends[0], year)
        last = first
        if len(ends) == 2:
            words = (
                ends[1] if re.search(r"[月.\-/]", ends[1]) else f"{first.month if first else 1}月{ends[1]}"
            )
            last = read_date(words, year)
        if first is None or last is None or last < first:
            raise UserError(f"“{item}”不是日期或日期范围。")
        if first.year != year or last.year != year:
            raise UserError(f"“{item}”不在 {year} 年。")
        days.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return frozenset(days)
