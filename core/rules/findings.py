"""Findings as data, and the arithmetic every rule shares: what a finding is (rule, severity, cells, a
Chinese message, what it is about, the sentence it quotes), its key for a dismissal, counting and
dismissing them, and the values the rules compute with (blanks as 0, blank totals derived).

Both the table rules (`core.rules.table`) and the narrative rules (`core.rules.text`) build on this module,
so neither imports the other's findings machinery (no import circle).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from core.format.definition import ReportFormat, Severity
from core.model.report import Report
from core.model.report import fmt as fmt  # the rules quote numbers as the report shows them

_ZERO = Decimal(0)
_KEY_SEPARATOR = "|"  # between a finding's rule and what it is about, in `Finding.key`


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
        return FindingKey(self.rule, self.topic, () if self.topic else self.cells).text

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


@dataclass(frozen=True)
class FindingKey:
    """What a dismissal is kept under: the rule, and what the finding is about — its topic (e.g.
    本年新收…=17) or, without one, its cells. `text` is the stored form, `rule|topic` or `rule|a,b`."""

    rule: str
    topic: str = ""
    cells: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return f"{self.rule}{_KEY_SEPARATOR}{self.topic or ','.join(self.cells)}"

    @classmethod
    def parse(cls, key: str, spec: ReportFormat) -> FindingKey:
        """The key a stored text names. The part after the rule is cells when each of its
        comma-separated parts is a cell or a text of `spec` (a topic such as 上年=2021 never is)."""
        rule, _, what = key.partition(_KEY_SEPARATOR)
        parts = tuple(what.split(","))
        texts = {f"text.{k}" for k in spec.text_keys}
        if what and all(p in spec.cells or p in texts for p in parts):
            return cls(rule, "", parts)
        return cls(rule, what, ())


def key_parts(key: str, spec: ReportFormat) -> tuple[str, str, tuple[str, ...]]:
    """The inverse of `Finding.key`: (rule, topic, cells) — `FindingKey.parse` as a tuple."""
    parsed = FindingKey.parse(key, spec)
    return parsed.rule, parsed.topic, parsed.cells


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
