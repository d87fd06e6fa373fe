"""Pasting a block copied from Excel or WPS into a table of the report: which cells get which values.

A paste is all or nothing: `plan_paste` either returns every change to store (one undo step) or a
Chinese refusal saying why nothing was stored (text that is not a number, a number that would land
outside the table or on a header/label, a pasted total that disagrees with its parts). Positions are
the format's layout grid (`Table.placed`), the same grid the table form shows. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from core.format.definition import PlacedCell, ReportFormat, Table
from core.model.cell_input import CellInputError, parse_cell
from core.model.report import Values, fmt

Position = tuple[int, int]  # (row, column) in the table's layout grid
REFUSED = "粘贴未完成，没有保存任何数字："


@dataclass(frozen=True)
class PastePlan:
    """The values to store, or `refusal` (then `changes` is empty and nothing may be stored)."""

    changes: Values = field(default_factory=dict)
    refusal: str | None = None


def plan_paste(
    spec: ReportFormat,
    table: Table,
    block: Sequence[Sequence[str]],
    selected: Sequence[Position],
    current: Position,
    resolved_with: Callable[[Values], Mapping[str, Decimal]],
) -> PastePlan:
    """What pasting `block` (rows of cell texts) stores, from the selection's top left (or `current`).

    One value pasted onto a selection of several cells fills every selected input cell, as spreadsheets
    do. `resolved_with(changes)` gives every cell's value after `changes`, to check pasted totals.
    """
    owners = table.owners
    selected = sorted(selected)
    start = selected[0] if selected else current
    if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
        targets = [(pos, block[0][0]) for pos in selected if _is_input(spec, owners.get(pos))]
    else:
        top = min(r for r, _ in selected or [start])
        left = min(c for _, c in selected or [start])
        targets = [((top + r, left + c), text) for r, row in enumerate(block) for c, text in enumerate(row)]
    changes: Values = {}
    given_totals: dict[str, Decimal] = {}
    invalid: list[str] = []
    misplaced = 0
    for position, text in targets:
        owner = owners.get(position)
        address = owner.cell.address if owner else None
        if address is None or address in changes or address in given_totals or _position(owner) != position:
            misplaced += bool(text.strip())  # a blank landing on a label is harmless
            continue
        try:
            value = parse_cell(spec, address, text)
        except CellInputError as exc:
            invalid.append(exc.message)
            continue
        if spec.cells[address].derived:
            if value is not None:
                given_totals[address] = value
        else:
            changes[address] = value
    if invalid:
        more = f"等 {len(invalid)} 处" if len(invalid) > 3 else ""
        return PastePlan(refusal=REFUSED + "；".join(invalid[:3]) + more)
    if misplaced:
        start_address = owners[start].cell.address if start in owners else None
        where = spec.cells[start_address].description if start_address else ""
        return PastePlan(
            refusal=f"{REFUSED}从{where}开始粘贴 {len(block)} 行 × {max(map(len, block))} 列，"
            f"有 {misplaced} 个数会落在表格之外或不能填写的格子上。请选好起始格后重新粘贴。"
        )
    resolved = resolved_with(dict(changes))
    wrong = [
        f"{spec.cells[a].description}粘贴的是 {fmt(v)}，各分项之和为 {fmt(resolved[a])}"
        for a, v in given_totals.items()
        if v != resolved[a]
    ]
    if wrong:
        return PastePlan(
            refusal=f"{REFUSED}粘贴的合计与各分项之和不符：{'；'.join(wrong[:3])}。"
            "合计由软件自动计算，可以只粘贴各分项。"
        )
    return PastePlan(changes=changes)


def _position(owner: PlacedCell | None) -> Position | None:
    return (owner.row, owner.col) if owner else None


def _is_input(spec: ReportFormat, owner: PlacedCell | None) -> bool:
    address = owner.cell.address if owner else None
    return address is not None and not spec.cells[address].derived
