"""Year over year (同比): the format's key figures compared with last year, and the 同比突变 flag."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from core.format import get_format
from core.model.report import Report
from core.rules.table import fmt, resolved_values

if TYPE_CHECKING:
    pass


def _key_figures() -> list[tuple[str, tuple[str, ...]]]:
    """The figures compared year over year (同比), as the format declares them: (name, cells)."""
    return [(f.name, f.cells) for f in get_format().key_figures]


def key_figure_names() -> list[str]:
    return [name for name, _cells in _key_figures()]


_PALETTE = ("#3867d6", "#20bf6b", "#f7b731", "#eb3b5a")


def key_figure_colours() -> list[tuple[str, str]]:
    """(name, colour) of each key figure, as both charts (the app's and the PDF's) draw it."""
    return [(name, _PALETTE[i % len(_PALETTE)]) for i, name in enumerate(key_figure_names())]


JUMP_FACTOR = 5
JUMP_MINIMUM = 10


# ---------------------------------------------------------------- year over year


@dataclass(frozen=True)
class Change:
    name: str
    this: Decimal
    last: Decimal | None
    jump: bool  # 同比突变: more than five-fold or below a fifth, with at least 10 cases

    @property
    def text(self) -> str:
        if self.last is None:
            return "上年无报告"
        delta = self.this - self.last
        percent = (self.this / self.last * 100 - 100).quantize(Decimal("0.1")) if self.last else None
        ratio = f"（{fmt(percent)}%）" if percent is not None else ""
        sign = "+" if delta > 0 else ""
        return f"{sign}{fmt(delta)}{ratio}"


def key_figures(report: Report) -> dict[str, Decimal]:
    values = resolved_values(report)
    return {name: sum((values[a] for a in cells), Decimal(0)) for name, cells in _key_figures()}


def is_jump(this: Decimal, last: Decimal) -> bool:
    if max(this, last) < JUMP_MINIMUM:
        return False
    return this > last * JUMP_FACTOR or this * JUMP_FACTOR < last


def year_over_year(report: Report, previous: Report | None) -> list[Change]:
    now = key_figures(report)
    before = key_figures(previous) if previous is not None else {}
    return [
        Change(name, now[name], before.get(name), name in before and is_jump(now[name], before[name]))
        for name, _cells in _key_figures()
    ]


# ---------------------------------------------------------------- this year against last year, wherever it is


@dataclass(frozen=True)
class YearsCompared:
    """The 汇总 of a year beside last year's (from this desk, another folder or a database): how many
    reports each year holds, how many agencies are in both, and whether only those are compared."""

    year: int
    this_count: int
    last_count: int
    both: int
    like_for_like: bool
    changes: list[Change]

    @property
    def note(self) -> str:
        scope = f"只比较两年都有报告的 {self.both} 个单位" if self.like_for_like else "比较各年全部报告"
        return (
            f"{self.year} 年 {self.this_count} 份报告，{self.year - 1} 年 {self.last_count} 份，"
            f"两年都有的 {self.both} 个单位；{scope}。"
        )


def compare_years(
    this: Mapping[str, Report], last: Mapping[str, Report], year: int, like_for_like: bool
) -> YearsCompared:
    """The key figures of `this` year's reports added up beside `last` year's (agency → report; names
    compared after `normalize_name`, so another desk's spellings match). Like for like: only the
    agencies present in both years."""
    from core.desk.names import normalize_name
    from core.desk.sums import add_up

    both = {normalize_name(a) for a in this} & {normalize_name(a) for a in last}

    def chosen(reports: Mapping[str, Report]) -> list[Report]:
        return [r for a, r in reports.items() if not like_for_like or normalize_name(a) in both]

    now, before = chosen(this), chosen(last)
    total_now = add_up(now, "汇总", year) if now else None
    total_before = add_up(before, "汇总", year - 1) if before else None
    changes = year_over_year(total_now, total_before) if total_now is not None else []
    return YearsCompared(year, len(this), len(last), len(both), like_for_like, changes)
