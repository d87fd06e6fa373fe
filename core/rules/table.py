"""The arithmetic rules (勾稽关系): small pure functions over a report, each returning findings.

Findings are data (`core.rules.findings`, re-exported here) — rule id, severity, cell addresses, a Chinese
message with the numbers. The UI, the CLI and the PDF only present them. In every rule a blank cell
counts as 0 and a blank total is derived from its parts; blanks are reported separately by `BLANK`.
The sums to check come from the format definition, so no rule here names a row or a column.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from core.format.definition import ReportFormat, SumCheck, Term
from core.model.report import Report
from core.rules.findings import (
    Finding,
    FindingKey,
    TextPlace,
    fmt,
    key_parts,
    make_finding,
    resolved_values,
    severity_counts,
    shown_value,
    without_dismissed,
)
from core.rules.text import text_findings

__all__ = [  # the findings machinery, re-exported: callers know it as the rules' vocabulary
    "BLANK",
    "Finding",
    "FindingKey",
    "TextPlace",
    "check",
    "fmt",
    "key_parts",
    "make_finding",
    "resolved_values",
    "severity_counts",
    "shown_value",
    "value_problem",
    "without_dismissed",
]

_ZERO = Decimal(0)
BLANK = "BLANK"  # the rule of a cell never filled in: 定稿 and 报送 list these apart from other hints
_SHOW_ALL_TERMS = 7  # longer sums (the 21 result rows) list only their non-zero terms


# ---------------------------------------------------------------- the rules


def sum_checks(report: Report, values: dict[str, Decimal]) -> list[Finding]:
    """B.BALANCE, B.ROW_TOTAL, B.RESULT_TOTAL, C.TOTAL: each declared sum must hold."""
    findings = []
    for check in report.spec.checks:
        if check.derives and report.values[check.left[0].address] is None:
            continue  # a derived total agrees with its parts by construction
        left = sum((values[t.address] for t in check.left), _ZERO)
        right = sum((values[t.address] for t in check.right), _ZERO)
        if left != right:
            findings.append(
                make_finding(
                    report.spec,
                    check.rule,
                    (t.address for t in (*check.left, *check.right)),
                    _sum_message(check, values, left, right),
                )
            )
    return findings


def _sum_message(check: SumCheck, values: dict[str, Decimal], left: Decimal, right: Decimal) -> str:
    def side(terms: tuple[Term, ...], total: Decimal) -> str:
        if len(terms) == 1:
            return f"{terms[0].name}（{fmt(values[terms[0].address])}）"
        shown = terms if len(terms) <= _SHOW_ALL_TERMS else [t for t in terms if values[t.address]]
        if not shown:
            return "各项均为 0"
        expr = "+ ".join(f"{t.name}（{fmt(values[t.address])}）" for t in shown)
        rest = "（其余各项为 0）" if len(shown) < len(terms) else ""
        return f"{expr}= {fmt(total)}{rest}"

    difference = fmt(abs(left - right))
    return f"{check.context}：{side(check.left, left)}，{side(check.right, right)}，相差 {difference}"


def value_range(report: Report, values: dict[str, Decimal]) -> list[Finding]:
    """VALUE.RANGE: counts are whole and ≥ 0; money is ≥ 0 with at most the format's decimals."""
    spec = report.spec
    findings = []
    for address, value in report.values.items():
        if value is None:
            continue
        problem = value_problem(spec, address, value)
        if problem:
            findings.append(
                make_finding(spec, "VALUE.RANGE", (address,), f"{spec.cells[address].description}：{problem}")
            )
    return findings


def value_problem(spec: ReportFormat, address: str, value: Decimal) -> str | None:
    """Why a value cannot stand in a cell, in Chinese, or None when it can (shared with cell entry)."""
    kind = spec.cells[address].kind
    shown = fmt(value)
    if value < 0:
        return f"填写的是 {shown}，不能为负数"
    if kind == "count":
        if value != value.to_integral_value():
            return f"填写的是 {shown}，件数必须是整数"
        if value > spec.count_limit:
            return f"填写的是 {shown}，超过了 {spec.count_limit:,} 件，请核对"
    else:
        if _decimal_places(value) > spec.money_decimals:
            return f"填写的是 {shown}，金额最多保留 {spec.money_decimals} 位小数（单位：{spec.money_unit}）"
        if value > spec.count_limit:
            return f"填写的是 {shown}{spec.money_unit}，数额过大，请核对"
    return None


def _decimal_places(value: Decimal) -> int:
    """Digits after the point, trailing zeros not counted. Read off the digits, not by `quantize`:
    that raises `InvalidOperation` for a number longer than the 28-digit context (a 26-digit fee)."""
    _sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - trailing)


def blanks(report: Report, values: dict[str, Decimal]) -> list[Finding]:
    """BLANK: one warning per input cell never filled in (a derived total is never blank)."""
    cells = report.spec.cells
    return [
        make_finding(report.spec, BLANK, (a,), f"{cells[a].description}未填写（没有的请填 0）")
        for a in report.spec.input_addresses
        if report.values[a] is None
    ]


RULES: tuple[Callable[[Report, dict[str, Decimal]], list[Finding]], ...] = (value_range, sum_checks, blanks)


def year_checks(report: Report, values: dict[str, Decimal], previous: Report) -> list[Finding]:
    """YEAR.CARRY_OVER and YEAR.IN_FORCE: this year against last year's report (soft)."""
    before = resolved_values(previous)
    findings = []
    for check in report.spec.year_checks:
        expected = before[check.previous] + sum((values[a] for a in check.plus), _ZERO)
        expected -= sum((values[a] for a in check.minus), _ZERO)
        actual = values[check.cell]
        if actual != expected:
            parts = f"{check.basis}（{fmt(before[check.previous])}）"
            parts += "".join(f"+ {report.spec.cells[a].column.name}（{fmt(values[a])}）" for a in check.plus)
            parts += "".join(f"- {report.spec.cells[a].column.name}（{fmt(values[a])}）" for a in check.minus)
            findings.append(
                make_finding(
                    report.spec,
                    check.rule,
                    (check.cell, *check.plus, *check.minus),
                    f"{check.context}：本年为 {fmt(actual)}，按{parts}应为 {fmt(expected)}，相差 "
                    f"{fmt(abs(actual - expected))}（如因机构调整等原因确有不同，可不修改）",
                )
            )
    return findings


def check(report: Report, previous: Report | None = None) -> list[Finding]:
    """All findings for a report, errors before warnings, each group in the format's cell order."""
    values = resolved_values(report)
    findings = [f for rule in RULES for f in rule(report, values)]
    if previous is not None:
        findings += year_checks(report, values, previous)
    findings += text_findings(report, values, previous)
    return sorted(findings, key=lambda f: f.severity != "error")
