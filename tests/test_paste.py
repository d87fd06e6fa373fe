"""The paste planner without Qt: a block from Excel or WPS becomes cell values, or is refused whole."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from core.model.cell_input import split_block
from core.model.paste import PastePlan, plan_paste
from core.model.report import Report
from core.rules.table import resolved_values


def position(report: Report, address: str) -> tuple[int, int]:
    placed = report.spec.cells[address].table.value_positions[address]
    return (placed.row, placed.col)


def plan(report: Report, text: str, start: str, selected: tuple[str, ...] = ()) -> PastePlan:
    """Paste `text` with the cursor on `start` (and `selected` cells selected)."""

    def resolved_with(changes: dict[str, Decimal | None]) -> dict[str, Decimal]:
        values = dict(report.values) | changes
        for address in changes:  # totals fed by a pasted part are computed again, as the document does
            values.update(
                {t: None for t in report.spec.dependent_totals.get(address, ()) if t not in changes}
            )
        return resolved_values(replace(report, values=values))

    table = report.spec.cells[start].table
    return plan_paste(
        report.spec,
        table,
        split_block(text),
        [position(report, a) for a in selected],
        position(report, start),
        resolved_with,
    )


def test_a_3x7_block_from_wps_fills_cells_row_by_row(seed: Report) -> None:
    block = "1\t０\t2\t 0 \t3\t4\t10\r\n5\t1,000\t6\t7\t8\t9\t1035\r\n\t11\t12\t13\t14\t15\t65\r\n"
    result = plan(seed, block, "requests.3.3.1.natural_person")
    assert result.refusal is None
    columns = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other")
    assert [result.changes[f"requests.3.3.1.{c}"] for c in columns] == [
        Decimal(n) for n in (1, 0, 2, 0, 3, 4)
    ]
    assert [result.changes[f"requests.3.3.2.{c}"] for c in columns] == [
        Decimal(n) for n in (5, 1000, 6, 7, 8, 9)
    ]
    assert result.changes["requests.3.3.3.natural_person"] is None  # an empty pasted cell is blank, not 0
    assert result.changes["requests.3.3.3.other"] == Decimal(15)
    assert not any(a.endswith(".total") for a in result.changes)  # agreeing totals are computed, not stored


def test_one_value_onto_a_selection_fills_only_its_input_cells(seed: Report) -> None:
    selected = ("requests.1.natural_person", "requests.1.commercial", "requests.1.total")
    result = plan(seed, "7", "requests.1.natural_person", selected)
    assert result.changes == {"requests.1.natural_person": Decimal(7), "requests.1.commercial": Decimal(7)}


def test_a_block_pastes_from_the_selections_top_left(seed: Report) -> None:
    selected = ("requests.2.commercial", "requests.1.commercial")
    result = plan(seed, "3\t4\n", "requests.2.commercial", selected)
    assert result.changes == {"requests.1.commercial": Decimal(3), "requests.1.research": Decimal(4)}


@pytest.mark.parametrize(
    ("block", "start", "reason"),
    [
        ("1\t2\n3\tx\n", "requests.1.natural_person", "不是数字"),
        ("1\n2\n3\n", "active_disclosure.normative_documents.issued", "不能填写的格子"),  # a header
        ("1\n2\n", "requests.4.natural_person", "表格之外"),
        ("1\t2\t3\n", "requests.1.other", "表格之外"),
        ("1\t0\t0\t0\t0\t0\t5\n", "requests.3.1.natural_person", "各分项之和为 1"),  # a wrong total
        ("1\t2\n-3\t4.5\n", "requests.1.natural_person", "不能为负数"),
    ],
)
def test_a_paste_with_any_problem_is_refused_whole(seed: Report, block: str, start: str, reason: str) -> None:
    result = plan(seed, block, start)
    assert result.refusal is not None and reason in result.refusal, result.refusal
    assert result.refusal.startswith("粘贴未完成，没有保存任何数字：")
    assert result.changes == {}


def test_the_refusal_names_where_the_paste_started(seed: Report) -> None:
    result = plan(seed, "1\n2\n", "requests.4.natural_person")
    assert result.refusal is not None
    assert seed.spec.cells["requests.4.natural_person"].description in result.refusal
    assert "2 行 × 1 列" in result.refusal and "有 1 个数" in result.refusal


def test_a_pasted_total_that_agrees_with_its_parts_is_accepted(seed: Report) -> None:
    result = plan(seed, "4\t0\t0\t1\t0\t0\t5\n", "requests.3.1.natural_person")
    assert result.refusal is None
    assert result.changes["requests.3.1.natural_person"] == Decimal(4)
    assert "requests.3.1.total" not in result.changes
