"""The 2021 format definition against the official structure (format-2021.md §2–§5)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import replace

import pydantic
import pytest

from core.format import get_format
from core.format.definition import Column, GridCell, KeyFigure, ReportFormat, Rule, Table, validated
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


def with_table(spec: ReportFormat, index: int, **changes: object) -> ReportFormat:
    """`spec` with one of its tables changed."""
    tables = list(spec.tables)
    tables[index] = replace(tables[index], **changes)  # type: ignore[arg-type]
    return replace(spec, tables=tuple(tables))


def test_the_declared_format_passes_its_checks() -> None:
    assert validated(replace(SPEC)) == SPEC


def test_a_broken_layout_is_refused_at_load() -> None:
    lines = SPEC.tables[2].lines
    broken = with_table(SPEC, 2, lines=(*lines[:-1], lines[-1][:-1]))  # one value cell missing
    with pytest.raises(ValueError, match="grid holes"):
        validated(broken)


def test_a_check_naming_an_unknown_cell_is_refused_at_load() -> None:
    first = SPEC.checks[0]
    term = replace(first.left[0], address="requests.9.natural_person")
    check = replace(first, left=(term, *first.left[1:]))
    with pytest.raises(ValueError, match="unknown cell"):
        validated(replace(SPEC, checks=(check, *SPEC.checks[1:])))


@pytest.mark.parametrize("kind", ["checks", "year_checks"])
def test_a_check_naming_an_unknown_rule_is_refused_at_load(kind: str) -> None:
    checks = getattr(SPEC, kind)
    wrong = replace(checks[0], rule="B.BALANSE")
    with pytest.raises(ValueError, match=r"unknown rule B\.BALANSE"):
        validated(replace(SPEC, **{kind: (wrong, *checks[1:])}))


def test_a_rule_declared_twice_is_refused_at_load() -> None:
    twice = replace(SPEC, rules=(*SPEC.rules, Rule(id="BLANK", severity="error")))
    with pytest.raises(ValueError, match="declared twice"):
        validated(twice)


def test_a_word_outside_its_vocabulary_is_refused_at_load() -> None:
    """role, kind and severity are Literals: pydantic checks every nested object, however deep."""
    lines = SPEC.tables[1].lines
    odd_cell = replace(lines[3][0], role="caption")  # type: ignore[arg-type]
    odd_line = (odd_cell, *lines[3][1:])
    with pytest.raises(pydantic.ValidationError, match=r"tables\.1\.lines\.3\.0\.role"):
        validated(with_table(SPEC, 1, lines=(*lines[:3], odd_line, *lines[4:])))
    money = replace(SPEC.tables[0].columns[0], kind="yuan")  # type: ignore[arg-type]
    with pytest.raises(pydantic.ValidationError, match=r"tables\.0\.columns\.0\.kind"):
        validated(with_table(SPEC, 0, columns=(money, *SPEC.tables[0].columns[1:])))
    grave = Rule(id="X.NEW", severity="fatal")  # type: ignore[arg-type]
    with pytest.raises(pydantic.ValidationError, match=r"rules\.\d+\.severity"):
        validated(replace(SPEC, rules=(*SPEC.rules, grave)))


@pytest.mark.parametrize(
    ("where", "changed"),
    [
        ("count_limit", lambda spec: replace(spec, count_limit="999999")),
        ("money_decimals", lambda spec: replace(spec, money_decimals=2.0)),
        ("tables.0.grid_columns", lambda spec: with_table(spec, 0, grid_columns="4")),
        ("tables.0.columns", lambda spec: with_table(spec, 0, columns=list(spec.tables[0].columns))),
        ("tables.0.columns.0", lambda spec: with_table(spec, 0, columns=({"key": "x", "name": "y"},))),
        ("tables.0.columns.0.name", lambda spec: with_table(spec, 0, columns=(Column(key="x", name=1),))),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_at_load(where: str, changed: object) -> None:
    """Strict: no "999999" for a number, no list for a tuple (a list would make a format unhashable)."""
    assert callable(changed)
    with pytest.raises(pydantic.ValidationError, match=re.escape(where) + r"\n"):
        validated(changed(SPEC))


def test_every_rule_of_the_exchange_spec_is_declared_with_its_severity() -> None:
    table = re.findall(
        r"^\| `([A-Z_.]+)` \| (error|warning) \|", EXCHANGE_MD.read_text(encoding="utf-8"), re.M
    )
    assert len(table) >= 8
    assert dict(table) == SPEC.severities


def test_grid_cells_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
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
    wrong = KeyFigure(name="复议", cells=("review_litigation.nothing.total",))
    with pytest.raises(ValueError, match="key figure 复议 names unknown cell"):
        validated(replace(SPEC, key_figures=(*SPEC.key_figures, wrong)))
    assert [f.name for f in SPEC.key_figures] == ["新收申请", "办结", "复议", "诉讼"]
