"""Starting a report from last year's: carry-over cells, copied narrative, everything else blank."""

from __future__ import annotations

from decimal import Decimal

from core.model.report import Report
from core.ops.carry import new_from_previous
from core.rules.table import check, resolved_values


def test_row_two_is_last_years_row_four_and_other_cells_are_blank(seed: Report) -> None:
    new = new_from_previous(seed, 2022)
    before = resolved_values(seed)
    carried = {a for a in new.spec.input_addresses if a.startswith("requests.2.")}
    assert len(carried) == 6 and all(new.values[a] == before[a.replace(".2.", ".4.", 1)] for a in carried)
    assert all(v is None for a, v in new.values.items() if a not in carried)
    assert (new.agency, new.year, new.title) == (
        seed.agency,
        2022,
        f"{seed.agency}2022年政府信息公开工作年度报告",
    )


def test_row_two_total_is_computed_from_the_carried_parts(seed: Report) -> None:
    seed.values["requests.4.total"] = None
    seed.values["requests.4.natural_person"] = Decimal(5)
    new = new_from_previous(seed, 2022)
    assert new.values["requests.2.total"] is None  # a total stays computed, not typed in
    assert resolved_values(new)["requests.2.total"] == resolved_values(seed)["requests.4.total"]
    assert new.values["requests.2.natural_person"] == Decimal(5)


def test_narrative_is_copied_and_an_empty_one_keeps_the_starter_headings(seed: Report) -> None:
    seed.texts["overview"] = ""
    new = new_from_previous(seed, 2022)
    assert new.texts["problems"] == seed.texts["problems"] and new.texts["other"] == seed.texts["other"]
    assert new.texts["overview"] == Report.blank(seed.agency, 2022).texts["overview"]
    assert new.signature.name == seed.agency and new.signature.date is None


def test_carried_report_passes_the_carry_over_rule_but_not_a_changed_one(seed: Report) -> None:
    new = new_from_previous(seed, 2022)
    assert not [f for f in check(new, seed) if f.rule == "YEAR.CARRY_OVER"]
    new.values["requests.2.natural_person"] = Decimal(99)
    assert [f for f in check(new, seed) if f.rule == "YEAR.CARRY_OVER"]
