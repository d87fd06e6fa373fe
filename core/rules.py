"""The arithmetic rules (勾稽关系): small pure functions over a report, each returning findings.

Findings are data — rule id, severity, cell addresses, a Chinese message with the numbers. The UI, the
CLI and the PDF only present them. In every rule a blank cell counts as 0 and a blank total is derived
from its parts; blanks are reported separately by `BLANK`. The sums to check come from the format
definition, so no rule here names a row or a column.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from core.report import Report
from core.report_format import ReportFormat, Severity, SumCheck, Term

_ZERO = Decimal(0)
_KEY_SEPARATOR = "|"  # between a finding's rule and what it is about, in `Finding.key`
_SHOW_ALL_TERMS = 7  # longer sums (the 21 result rows) list only their non-zero terms


@dataclass(frozen=True)
class TextPlace:
    """Where in a narrative a finding is about: text key, start and end (a sentence)."""

    key: str
    start: int
    end: int


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    cells: tuple[str, ...]
    message: str
    topic: str = ""  # what a text finding is about (e.g. 本年新收…=17), so a dismissal keeps to it
    place: TextPlace | None = field(default=None, compare=False)  # the sentence a text finding quotes

    @property
    def key(self) -> str:
        """Names this finding for a dismissal: the same warning about the same thing has the same key
        (its topic when it has one, e.g. TEXT.COPIED whatever texts repeat; else its cells)."""
        return f"{self.rule}{_KEY_SEPARATOR}{self.topic or ','.join(self.cells)}"

    @property
    def dismissable(self) -> bool:
        """A warning may be dismissed (with a reason); an error never: the numbers must be mended."""
        return self.severity == "warning"

    def as_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "cells": list(self.cells),
            "message": self.message,
        }


def key_parts(key: str, spec: ReportFormat) -> tuple[str, str, tuple[str, ...]]:
    """The inverse of `Finding.key`: (rule, topic, cells), the topic empty when the key names cells
    and the cells empty when it names a topic. The part after the rule is cells when each of its
    comma-separated parts is a cell or a text of `spec` (a topic such as 上年=2021 never is)."""
    rule, _, what = key.partition(_KEY_SEPARATOR)
    parts = tuple(what.split(","))
    texts = {f"text.{k}" for k in spec.text_keys}
    if what and all(p in spec.cells or p in texts for p in parts):
        return rule, "", parts
    return rule, what, ()


def severity_counts(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings): what the status bar, the report list and the CLI summary show."""
    errors = warnings = 0
    for finding in findings:
        if finding.severity == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def without_dismissed(
    findings: Iterable[Finding], dismissed: Container[str]
) -> tuple[list[Finding], list[Finding]]:
    """(the findings that stand, the dismissed ones): a dismissed warning is shown greyed and counts
    nowhere; an error can never be dismissed."""
    standing: list[Finding] = []
    gone: list[Finding] = []
    for finding in findings:
        (gone if finding.dismissable and finding.key in dismissed else standing).append(finding)
    return standing, gone


def make_finding(
    spec: ReportFormat,
    rule: str,
    cells: Iterable[str],
    message: str,
    topic: str = "",
    place: TextPlace | None = None,
) -> Finding:
    """A finding of `rule` as grave as the format says (every rule's findings are made here)."""
    return Finding(rule, spec.severity(rule), tuple(cells), message, topic, place)


def fmt(value: Decimal) -> str:
    """A number as the user wrote it: 22, 12.5, -3 (no exponent, no trailing zeros after the point)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def shown_value(report: Report, resolved: Mapping[str, Decimal], address: str) -> str:
    """A cell as the form and the printed page show it: a total always (computed when left blank),
    any other cell empty until it is filled in. Money shows as reports write it: 12.5, 7730.28."""
    if report.spec.cells[address].derived:
        return fmt(resolved[address])
    value = report.values[address]
    return "" if value is None else fmt(value)


def resolved_values(report: Report) -> dict[str, Decimal]:
    """Every cell's value for the arithmetic: blanks as 0, blank totals computed from their parts."""
    values = {a: (v if v is not None else _ZERO) for a, v in report.values.items()}
    for total, parts in report.spec.derivations:
        if report.values[total] is None:
            values[total] = sum((values[p] for p in parts), _ZERO)
    return values


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
        make_finding(report.spec, "BLANK", (a,), f"{cells[a].description}未填写（没有的请填 0）")
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
    from core.text_rules import text_findings  # here: text_rules builds on this module's Finding

    findings += text_findings(report, values, previous)
    return sorted(findings, key=lambda f: f.severity != "error")
