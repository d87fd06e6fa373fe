"""The arithmetic rules: each fires on a one-cell change at the right cells, and nowhere else."""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.format import get_format
from core.model.report import Report
from core.rules.table import Finding, check, fmt, key_parts, resolved_values, severity_counts, shown_value

SPEC = get_format()
B = SPEC.table("requests")
B_COLUMNS = [c.key for c in B.columns]


def _rules(findings: list[Finding]) -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for f in findings:
        out.setdefault(f.rule, []).append(f.cells)
    return out


def _bump(report: Report, address: str, by: int = 1) -> None:
    report.values[address] = (report.values[address] or Decimal(0)) + by


def _column(rows: tuple[str, ...], column: str) -> tuple[str, ...]:
    return tuple(f"requests.{r}.{column}" for r in rows)


def test_the_published_seed_is_consistent_and_complete(seed: Report) -> None:
    assert check(seed) == []


def test_balance_message_shows_both_sides_and_the_difference(seed: Report) -> None:
    _bump(seed, "requests.3.7.natural_person", -1)
    balance = [f for f in check(seed) if f.rule == "B.BALANCE"]
    assert [f.message for f in balance] == [
        "自然人列：一（22）+ 二（0）= 22，三（七）总计（21）+ 四（0）= 21，相差 1"
    ]
    assert balance[0].severity == "error"
    assert balance[0].cells == _column(("1", "2", "3.7", "4"), "natural_person")


def test_a_new_request_breaks_its_row_total_and_its_column_balance(seed: Report) -> None:
    _bump(seed, "requests.1.natural_person")
    rules = _rules(check(seed))
    assert set(rules) == {"B.ROW_TOTAL", "B.BALANCE"}
    assert rules["B.BALANCE"] == [_column(("1", "2", "3.7", "4"), "natural_person")]
    assert rules["B.ROW_TOTAL"][0][0] == "requests.1.total"
    assert set(rules["B.ROW_TOTAL"][0]) == {f"requests.1.{c}" for c in B_COLUMNS}


def test_a_result_row_breaks_row_and_result_totals_when_totals_are_given(seed: Report) -> None:
    _bump(seed, "requests.3.3.6.research")
    rules = _rules(check(seed))
    assert set(rules) == {"B.ROW_TOTAL", "B.RESULT_TOTAL"}
    assert rules["B.RESULT_TOTAL"][0][0] == "requests.3.7.research"
    assert "requests.3.3.6.research" in rules["B.RESULT_TOTAL"][0]
    assert len(rules["B.RESULT_TOTAL"][0]) == 22  # （七）总计 and the 21 result rows


def test_with_totals_left_blank_only_the_balance_can_break(seed: Report) -> None:
    for address in SPEC.derived_addresses:
        seed.values[address] = None
    assert check(seed) == []
    _bump(seed, "requests.3.1.commercial", 2)
    findings = check(seed)
    assert _rules(findings) == {
        "B.BALANCE": [_column(("1", "2", "3.7", "4"), "commercial"), _column(("1", "2", "3.7", "4"), "total")]
    }
    assert "相差 2" in findings[0].message


def test_c_total_checks_each_group_separately(seed: Report) -> None:
    seed.values["review_litigation.litigation_direct.pending"] = Decimal(2)
    findings = check(seed)
    assert [(f.rule, f.cells[0]) for f in findings] == [
        ("C.TOTAL", "review_litigation.litigation_direct.total")
    ]
    assert "总计（3）" in findings[0].message and "= 4" in findings[0].message


@pytest.mark.parametrize(
    ("address", "value", "reason"),
    [
        ("requests.1.research", "-1", "不能为负数"),
        ("review_litigation.review.upheld", "2.5", "必须是整数"),
        ("active_disclosure.fees.amount", "1.0000001", "最多保留 6 位小数"),
        ("active_disclosure.fees.amount", "1" * 26, "数额过大"),
        ("active_disclosure.fees.amount", "-3", "不能为负数"),
        ("active_disclosure.penalty.decisions", "1000000001", "超过"),
    ],
)
def test_value_range_names_the_cell_and_the_reason(
    seed: Report, address: str, value: str, reason: str
) -> None:
    seed.values[address] = Decimal(value)
    ranges = [f for f in check(seed) if f.rule == "VALUE.RANGE"]
    assert [f.cells for f in ranges] == [(address,)]
    assert reason in ranges[0].message and SPEC.cells[address].description in ranges[0].message


@pytest.mark.parametrize("fee", ["7730.2825", "24252.311082", "0.000001", "12.5000000"])
def test_a_fee_to_the_fen_is_fine(seed: Report, fee: str) -> None:
    seed.values["active_disclosure.fees.amount"] = Decimal(fee)
    assert check(seed) == []


def test_blank_is_not_zero_but_counts_as_zero_in_sums(seed: Report) -> None:
    seed.values["requests.3.2.legal_service"] = None  # it was 0: the sums still hold
    findings = check(seed)
    assert [(f.rule, f.severity, f.cells) for f in findings] == [
        ("BLANK", "warning", ("requests.3.2.legal_service",))
    ]
    assert "未填写" in findings[0].message


def test_blank_totals_are_derived_not_reported() -> None:
    report = Report.blank("某县人民政府办公室", 2024)
    findings = check(report)
    assert {f.rule for f in findings} == {"BLANK"}
    assert len(findings) == len(SPEC.input_addresses) == 166
    assert resolved_values(report)["requests.3.7.total"] == 0


def test_carry_over_compares_with_last_years_row_four(seed: Report) -> None:
    previous = replace(copy.deepcopy(seed), year=2020, texts={})  # texts: no TEXT.COPIED
    previous.values["requests.4.natural_person"] = Decimal(3)
    previous.values["requests.4.total"] = None  # derived: 3
    previous.values["active_disclosure.normative_documents.in_force"] = Decimal(34)
    findings = check(seed, previous)
    assert [(f.rule, f.severity, f.cells) for f in findings] == [
        ("YEAR.CARRY_OVER", "warning", ("requests.2.natural_person",)),
        ("YEAR.CARRY_OVER", "warning", ("requests.2.total",)),
    ]
    assert "本年为 0" in findings[0].message and "（3）应为 3" in findings[0].message


def test_documents_in_force_follow_last_year(seed: Report) -> None:
    previous = replace(copy.deepcopy(seed), year=2020, texts={})  # texts: no TEXT.COPIED
    previous.values["active_disclosure.normative_documents.in_force"] = Decimal(34)
    assert check(seed, previous) == []  # 34 + 2 issued − 0 repealed = 36
    previous.values["active_disclosure.normative_documents.in_force"] = Decimal(30)
    findings = check(seed, previous)
    assert [(f.rule, f.cells[0]) for f in findings] == [
        ("YEAR.IN_FORCE", "active_disclosure.normative_documents.in_force")
    ]
    assert "应为 32" in findings[0].message and "相差 4" in findings[0].message


def test_errors_come_before_warnings(seed: Report) -> None:
    seed.values["requests.1.other"] = None
    _bump(seed, "requests.4.other")
    assert [f.severity for f in check(seed)] == ["error", "error", "warning"]


@pytest.mark.parametrize(
    ("value", "shown"), [("22", "22"), ("12.50", "12.5"), ("7730.2800", "7730.28"), ("1E+2", "100")]
)
def test_numbers_are_shown_as_written(value: str, shown: str) -> None:
    assert fmt(Decimal(value)) == shown


# ---------------------------------------------------------------- properties over random reports

RESULT_ROWS = [r.key for r in B.rows if r.key.startswith("3.") and r.key != "3.7"]
PARTS = B_COLUMNS[:-1]


@st.composite
def consistent_reports(draw: st.DrawFn) -> Report:
    """Random reports that satisfy every rule; totals are given or left blank at random."""
    report = Report.blank("测试机关", 2024)
    small = st.integers(min_value=0, max_value=40)
    give_totals = draw(st.booleans())
    for column in PARTS:
        results = {r: draw(small) for r in RESULT_ROWS}
        carried_in, carried_out = draw(small), draw(small)
        new = sum(results.values()) + carried_out - carried_in
        if new < 0:
            carried_in, new = carried_in + new, 0
        for row, value in {**results, "1": new, "2": carried_in, "4": carried_out}.items():
            report.values[f"requests.{row}.{column}"] = Decimal(value)
    for address in SPEC.input_addresses:
        if report.values[address] is None:
            report.values[address] = Decimal(draw(small))
    if give_totals:
        resolved = resolved_values(report)
        for address in SPEC.derived_addresses:
            report.values[address] = resolved[address]
    return report


@settings(max_examples=60, deadline=None)
@given(consistent_reports())
def test_consistent_reports_have_no_findings(report: Report) -> None:
    assert check(report) == []


@settings(max_examples=150, deadline=None)
@given(consistent_reports(), st.data())
def test_one_changed_cell_is_caught_only_where_values_changed(report: Report, data: st.DataObject) -> None:
    address = data.draw(st.sampled_from([a for a in SPEC.cells if report.values[a] is not None]))
    before = resolved_values(report)
    _bump(report, address, data.draw(st.integers(min_value=1, max_value=9)))
    after = resolved_values(report)
    changed = {a for a in before if before[a] != after[a]}  # the cell and the derived totals that use it
    findings = check(report)
    group_total = address.rsplit(".", 1)[0] + ".total"
    c_without_total = address.startswith("review_litigation.") and report.values[group_total] is None
    if address.startswith("active_disclosure.") or c_without_total:
        assert findings == []  # table A has no sums; C's rows only break against a given total
        return
    assert findings, f"changing {address} went unnoticed"
    for finding in findings:
        assert finding.severity == "error"
        assert changed & set(finding.cells), (address, finding)


def test_a_given_total_over_all_zero_parts_says_so(seed: Report) -> None:
    for address in SPEC.input_addresses:
        if address.startswith("requests.") and address.endswith(".research"):
            seed.values[address] = Decimal(0)
    seed.values["requests.3.7.research"] = Decimal(2)
    result = next(f for f in check(seed) if f.rule == "B.RESULT_TOTAL")
    assert result.message == "科研机构列：三（七）总计（2），各项均为 0，相差 2"


def test_documents_in_force_message_reads_as_a_sum(seed: Report) -> None:
    previous = replace(copy.deepcopy(seed), year=2020)
    previous.values["active_disclosure.normative_documents.in_force"] = Decimal(30)
    message = check(seed, previous)[0].message
    assert "上年现行有效件数（30）+ 本年制发件数（2）- 本年废止件数（0）应为 32" in message


def test_severity_counts_split_errors_and_warnings(seed: Report) -> None:
    seed.values["requests.1.other"] = None
    seed.values["requests.4.other"] = Decimal(1)
    assert severity_counts(check(seed)) == (2, 1)
    assert severity_counts([]) == (0, 0)


def test_cells_are_shown_as_reports_write_them(seed: Report) -> None:
    seed.values["active_disclosure.fees.amount"] = Decimal("7730.2800")
    seed.values["requests.3.7.total"] = None  # a blank total shows its computed value
    seed.values["requests.2.other"] = None  # a blank input shows nothing, not 0
    resolved = resolved_values(seed)
    assert shown_value(seed, resolved, "active_disclosure.fees.amount") == "7730.28"
    assert shown_value(seed, resolved, "requests.3.7.total") == "23"
    assert shown_value(seed, resolved, "requests.2.other") == ""


def test_a_findings_key_is_read_back_into_its_rule_and_topic_or_cells(seed: Report) -> None:
    previous = replace(seed, year=seed.year - 1)
    report = replace(
        seed,
        values={
            **seed.values,
            "active_disclosure.normative_documents.issued": None,
            "requests.1.natural_person": Decimal(31),
        },
        texts={**seed.texts, "problems": "无"},
    )
    decimal_topic = Finding("TEXT.NUMBER", "warning", ("requests.1.total",), "", "收费=1.5")
    findings = [*check(report, previous), decimal_topic]
    assert {"BLANK", "TEXT.EMPTY", "TEXT.COPIED", "B.ROW_TOTAL"} <= {f.rule for f in findings}
    for finding in findings:
        rule, topic, cells = key_parts(finding.key, report.spec)
        assert (rule, topic, cells) == (finding.rule, finding.topic, () if finding.topic else finding.cells)
