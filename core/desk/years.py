"""Year over year (同比): the format's key figures compared with last year, and the 同比突变 flag."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from core.formats import get_format
from core.report import Report
from core.rules import fmt, resolved_values

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
