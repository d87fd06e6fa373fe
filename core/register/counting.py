"""Table 三 (and 四) of year Y counted from the register (docs/register.md «Counting»).

Per applicant column: 一 = received in Y; 二 = received before Y and still open on 1 January Y; each result
row = answered in Y with that result; 四 = received by 31 December Y and still open then. The totals are
the format's own derivations, so 一 + 二 = （七） + 四 holds by construction. A request that cannot be
counted (answered without a result, answered before it was received) is a problem, named by its 编号.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple, Protocol

from core.format import get_format
from core.register.model import (
    CARRIED,
    CASES,
    FORWARD,
    NEW,
    PENDING,
    REQUESTS,
    Case,
    applicants,
    case_kinds,
    case_results,
    results,
)


class Countable(Protocol):
    """What counting reads of a request (a `Request` is one; so is a `Counted` row)."""

    @property
    def number(self) -> str: ...
    @property
    def received(self) -> dt.date: ...
    @property
    def applicant(self) -> str: ...
    @property
    def answered(self) -> dt.date | None: ...
    @property
    def result(self) -> str | None: ...


class Counted(NamedTuple):
    """The fields of a stored request that counting reads: cheaper to make than a whole `Request`."""

    number: str
    received: dt.date
    applicant: str
    answered: dt.date | None
    result: str | None

    @classmethod
    def of(cls, row: tuple[str, ...]) -> Counted:
        number, received, applicant, answered, result = row
        return cls(
            number,
            dt.date.fromisoformat(received),
            applicant,
            dt.date.fromisoformat(answered) if answered else None,
            result,
        )


@dataclass(frozen=True)
class Problem:
    """A request or case that cannot be counted until it is mended."""

    number: str
    why: str

    def as_json(self) -> dict[str, str]:
        return {"number": self.number, "why": self.why}


@dataclass(frozen=True)
class Count:
    """Every cell of table 三 and 四 (totals included) by exchange address; what kept it from adding up."""

    year: int
    values: dict[str, int]
    problems: tuple[Problem, ...]

    @property
    def usable(self) -> bool:
        return not self.problems

    def table(self, key: str) -> dict[str, dict[str, int]]:
        """{row: {column: n}} of one table, as `register table --json` prints it."""
        out: dict[str, dict[str, int]] = {}
        for address, value in self.values.items():
            table, rest = address.split(".", 1)
            if table == key:
                row, column = rest.rsplit(".", 1)
                out.setdefault(row, {})[column] = value
        return out


def _request_problem(request: Countable, year: int) -> str | None:
    if request.applicant not in applicants():
        return f"申请人类型“{request.applicant}”不是表格中的一类"
    if request.answered is None:
        return None
    if request.answered < request.received:
        return "答复日期早于收到日期"
    if request.answered.year == year and request.result not in results():
        return "已答复但没有办理结果"
    return None


def _case_problem(case: Case) -> str | None:
    if case.decided is None:
        return None
    if case.decided < case.filed:
        return "审结日期早于立案日期"
    if case.result not in case_results():
        return "已审结但没有结果"
    return None


def count_year(requests: Iterable[Countable], cases: Iterable[Case], year: int) -> Count:
    """Table 三 and 四 of `year` from the register."""
    spec = get_format()
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cells = {a: 0 for a, info in spec.cells.items() if a.split(".")[0] in (REQUESTS, CASES)}
    problems: list[Problem] = []
    for r in requests:
        why = _request_problem(r, year)
        if why:
            if r.received <= last and (r.answered is None or r.answered >= first):
                problems.append(Problem(r.number, why))  # only the ones this year's table would use
            continue
        column = r.applicant
        if r.received.year == year:
            cells[f"{REQUESTS}.{NEW}.{column}"] += 1
        elif r.received < first and (r.answered is None or r.answered >= first):
            cells[f"{REQUESTS}.{CARRIED}.{column}"] += 1
        if r.answered is not None and r.answered.year == year:
            cells[f"{REQUESTS}.{r.result}.{column}"] += 1
        if r.received <= last and (r.answered is None or r.answered > last):
            cells[f"{REQUESTS}.{FORWARD}.{column}"] += 1
    for case in cases:
        why = _case_problem(case)
        if why:
            problems.append(Problem(case.request_number or f"{case_kinds()[case.kind]}（{case.filed}）", why))
            continue
        if case.decided is not None and case.decided.year == year:
            cells[f"{CASES}.{case.kind}.{case.result}"] += 1
        elif case.filed <= last and (case.decided is None or case.decided > last):
            cells[f"{CASES}.{case.kind}.{PENDING}"] += 1
    for total, parts in spec.derivations:
        if total in cells:
            cells[total] = sum(cells[p] for p in parts)
    return Count(year, cells, tuple(problems))


@dataclass(frozen=True)
class Difference:
    address: str
    description: str
    typed: Decimal | None
    counted: int


def compare(typed: dict[str, Decimal | None], count: Count) -> list[Difference]:
    """The cells of a typed table 三/四 that differ from the register's count (blank counts as 0)."""
    spec = get_format()
    out = []
    for address, counted in count.values.items():
        value = typed.get(address)
        if spec.cells[address].derived and value is None:
            continue  # a blank total is computed from its parts
        if (value or Decimal(0)) != counted:
            out.append(Difference(address, spec.cells[address].description, value, counted))
    return out
