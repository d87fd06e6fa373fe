"""The sum (汇总) cell by cell, and the errors to send back to each agency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from core.errors import UserError
from core.report import Report, Signature
from core.rules import resolved_values

if TYPE_CHECKING:
    from core.desk.board import Board

    pass


# ---------------------------------------------------------------- what to send back


@dataclass(frozen=True)
class SendBack:
    """One error for an agency to mend: 哪个单位、哪张表、哪一格、差多少 (the message says by how much)."""

    agency: str
    table: str
    cell: str
    message: str


def send_back(board: Board) -> list[SendBack]:
    out = []
    for row in board.rows:
        if row.received is None:
            continue
        spec = row.received.report.spec
        for f in row.findings:
            if f.severity != "error":
                continue
            info = spec.cells.get(f.cells[0]) if f.cells else None
            table = next(
                (s.full_heading for s in spec.sections if info and s.table_key == info.table.key), ""
            )
            out.append(SendBack(row.agency, table, info.description if info else "", f.message))
    return out


# ---------------------------------------------------------------- the sum (汇总)


def add_up(reports: Sequence[Report], agency: str, year: int) -> Report:
    """The reports of one year added cell by cell: a blank counts as 0, a cell blank in every report
    stays blank, a total left blank counts as its parts. The narrative is empty."""
    if not reports:
        raise UserError("没有可以汇总的报告。")
    formats = {r.format for r in reports}
    if len(formats) > 1:
        raise UserError("这些报告的格式不同，不能汇总。")
    for r in reports:
        if r.year != year:
            raise UserError(f"“{r.agency}”的报告是 {r.year} 年度的，不是 {year} 年度，不能一起汇总。")
    spec = reports[0].spec
    derived = set(spec.derived_addresses)
    resolved: dict[int, dict[str, Decimal]] = {}  # only reports that give some total need resolving

    def part(i: int, address: str) -> Decimal:
        if i not in resolved:
            resolved[i] = resolved_values(reports[i])
        return resolved[i][address]

    values: dict[str, Decimal | None] = {}
    for address in spec.cells:
        given = [r.values[address] for r in reports]
        if all(v is None for v in given):
            values[address] = None  # a total blank everywhere is derived again from the summed parts
        elif address in derived:
            values[address] = sum(
                (v if v is not None else part(i, address) for i, v in enumerate(given)),
                Decimal(0),
            )
        else:
            values[address] = sum((v for v in given if v is not None), Decimal(0))
    return Report(
        format=spec.id,
        agency=agency,
        year=year,
        texts={k: "" for k in spec.text_keys},
        values=values,
        signature=Signature(name=agency),
    )
