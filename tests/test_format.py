"""The 2021 format definition against the official structure (format-2021.md §2–§5)."""

from __future__ import annotations

import re

import pytest

from core.format import get_format
from core.format.definition import GridCell, Table
from tests.conftest import ROOT

FORMAT_MD = ROOT / "docs" / "format-2021.md"
EXCHANGE_MD = ROOT / "docs" / "exchange-format.md"

SPEC = get_format("2021")


def test_official_shape_10_175_15_cells() -> None:
    sizes = {t.key: len([a for a in SPEC.cells if a.startswith(t.key + ".")]) for t in SPEC.tables}
    assert sizes == {"active_disclosure": 10, "requests": 175, "review_litigation": 15}
    assert len(SPEC.table("requests").rows) == 25


def test_six_sections_in_official_order() -> None:
    assert [s.full_heading for s in SPEC.sections] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]


def test_a_table_is_named_by_the_part_that_holds_it() -> None:
    assert [s.part for s in SPEC.sections][:3] == ["第一部分", "第二部分", "第三部分"]
    for section in SPEC.sections:
        if section.table_key:
            table = SPEC.table(section.table_key)
            assert table.part == section.part
            assert all(
                SPEC.cells[a].description.startswith(section.part + "「") for a in table.value_positions
            )


def test_row_keys_follow_the_exchange_spec() -> None:
    keys = [r.key for r in SPEC.table("requests").rows]
    expected = ["1", "2", "3.1", "3.2"]
    expected += [f"3.3.{n}" for n in range(1, 9)] + [f"3.4.{n}" for n in range(1, 4)]
    expected += [f"3.5.{n}" for n in range(1, 6)] + [f"3.6.{n}" for n in range(1, 4)] + ["3.7", "4"]
    assert keys == expected


def test_totals_are_b_total_column_b_row_37_and_c_totals() -> None:
    derived = set(SPEC.derived_addresses)
    expected = {f"requests.{r.key}.total" for r in SPEC.table("requests").rows}
    expected |= {f"requests.3.7.{c.key}" for c in SPEC.table("requests").columns}
    expected |= {
        f"review_litigation.{g}.total" for g in ("review", "litigation_direct", "litigation_after_review")
    }
    assert derived == expected


def _texts(table: Table) -> list[str]:
    return [p.cell.text for p in table.placed if p.cell.text]


def test_every_label_is_the_official_wording() -> None:
    """Labels are character-for-character those of the format reference (published reports vary)."""
    official = FORMAT_MD.read_text(encoding="utf-8")
    missing = [text for t in SPEC.tables for text in _texts(t) if text not in official]
    assert missing == []


def test_b_label_area_merges_like_the_official_table() -> None:
    placed = {p.cell.text: p for p in SPEC.table("requests").placed if p.cell.role in {"label", "corner"}}
    assert (placed["三、本年度办理结果"].cell.rowspan, placed["三、本年度办理结果"].col) == (22, 0)
    assert placed["（三）不予公开"].cell.rowspan == 8
    assert placed["（六）其他处理"].cell.rowspan == 3
    assert placed["（一）予以公开"].cell.colspan == 2
    assert placed["一、本年新收政府信息公开申请数量"].cell.colspan == 3
    corner = placed["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"].cell
    assert (corner.rowspan, corner.colspan, corner.role) == (3, 3, "corner")


def test_a_layout_with_one_number_column_spans_all_three() -> None:
    positions = SPEC.table("active_disclosure").value_positions
    assert positions["active_disclosure.licensing.decisions"].cell.colspan == 3
    assert positions["active_disclosure.regulations.issued"].cell.colspan == 1


def test_a_broken_layout_is_refused_at_load() -> None:
    data = SPEC.model_dump()
    lines = data["tables"][2]["lines"]
    data["tables"][2]["lines"] = (*lines[:-1], lines[-1][:-1])  # one value cell missing
    with pytest.raises(ValueError, match="grid holes"):
        type(SPEC).model_validate(data)


def test_a_check_naming_an_unknown_cell_is_refused_at_load() -> None:
    data = SPEC.model_dump()
    data["checks"][0]["left"][0]["address"] = "requests.9.natural_person"
    with pytest.raises(ValueError, match="unknown cell"):
        type(SPEC).model_validate(data)


@pytest.mark.parametrize("kind", ["checks", "year_checks"])
def test_a_check_naming_an_unknown_rule_is_refused_at_load(kind: str) -> None:
    data = SPEC.model_dump()
    data[kind][0]["rule"] = "B.BALANSE"
    with pytest.raises(ValueError, match=r"unknown rule B\.BALANSE"):
        type(SPEC).model_validate(data)


def test_a_rule_declared_twice_is_refused_at_load() -> None:
    data = SPEC.model_dump()
    data["rules"] = [*data["rules"], {"id": "BLANK", "severity": "error"}]
    with pytest.raises(ValueError, match="declared twice"):
        type(SPEC).model_validate(data)


def test_every_rule_of_the_exchange_spec_is_declared_with_its_severity() -> None:
    table = re.findall(
        r"^\| `([A-Z_.]+)` \| (error|warning) \|", EXCHANGE_MD.read_text(encoding="utf-8"), re.M
    )
    assert len(table) >= 8
    assert dict(table) == SPEC.severities


def test_grid_cells_are_frozen() -> None:
    with pytest.raises(ValueError):
        GridCell(role="label", text="x").text = "y"  # type: ignore[misc]


def test_each_cell_knows_the_totals_computed_from_it() -> None:
    assert SPEC.dependent_totals["requests.3.1.natural_person"] == (
        "requests.3.1.total",
        "requests.3.7.natural_person",
        "requests.3.7.total",
    )
    assert SPEC.dependent_totals["requests.1.total"] == ()
    assert SPEC.dependent_totals["active_disclosure.fees.amount"] == ()


def test_a_key_figure_naming_an_unknown_cell_is_refused_at_load() -> None:
    data = SPEC.model_dump()
    wrong = {"name": "复议", "cells": ["review_litigation.nothing.total"]}
    data["key_figures"] = [*data["key_figures"], wrong]
    with pytest.raises(ValueError, match="key figure 复议 names unknown cell"):
        type(SPEC).model_validate(data)
    assert [f.name for f in SPEC.key_figures] == ["新收申请", "办结", "复议", "诉讼"]
