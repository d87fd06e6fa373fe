"""TEXT.* rules over every narrative fixture, and the time of a full check with narrative.

    uv run python -m benchmarks.bench_text_rules

Prints, over tests/fixtures/narrative: the contradictions the fixtures expect and how many were caught,
the false alarms (a TEXT.* warning on a report that agrees, or a rule firing where the fixture says it
must not), how many narrative numbers were compared; then the median and 99th percentile of a full
`core.rules.table.check` (tables + narrative) on the seed, alone and with last year's report (TEXT.COPIED).
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

from benchmarks.bench_rules import measure
from core.documents.exchange import read_report
from core.model.report import Report
from core.rules.table import check, resolved_values
from core.rules.text import number_claims

ROOT = Path(__file__).resolve().parents[1]
NARRATIVE = ROOT / "tests" / "fixtures" / "narrative"
SEED = ROOT / "tests" / "fixtures" / "wenxian-2021.json"
BUDGET_MS = 5.0


def fixtures() -> tuple[int, int, int, int]:
    """(expected, caught, false alarms, numbers compared) over every fixture."""
    expected = caught = false = compared = 0
    for path in sorted(NARRATIVE.glob("*.expect.json")):
        name = path.name.removesuffix(".expect.json")
        expect = json.loads(path.read_text(encoding="utf-8"))
        report = read_report(NARRATIVE / f"{name}.json")
        prev_path = NARRATIVE / f"{name}.prev.json"
        previous = read_report(prev_path) if prev_path.exists() else None
        text = [f for f in check(report, previous) if f.rule.startswith("TEXT.")]
        compared += len(number_claims(report, resolved_values(report)))
        wanted = expect.get("warnings", {})
        for rule, fragments in wanted.items():
            expected += 1
            fired = [f for f in text if f.rule == rule]
            hit = fired and all(any(any(x in c for c in f.cells) for f in fired) for x in fragments)
            caught += bool(hit)
            print(f"  {name:11s} {rule:12s} {'caught' if hit else 'MISSED'}")
        unwanted = [f for f in text if f.rule not in wanted]
        if expect.get("no_copied_warning"):
            unwanted = [f for f in text if f.rule == "TEXT.COPIED"]
        for f in unwanted:
            print(f"  {name:11s} FALSE ALARM {f.rule}: {f.message}")
        false += len(unwanted)
    return expected, caught, false, compared


def timing(report: Report, previous: Report | None, typing: bool, runs: int = 2000) -> tuple[float, float]:
    """Median and p99 in ms; `typing`: the overview changes before every check, as while typing (no
    cached sentences of this year's text)."""
    overview = report.texts["overview"]

    def type_more(i: int) -> None:
        report.texts["overview"] = overview + "字" * (i % 50 + 1)

    median, p99 = measure(report, previous, runs, type_more if typing else None)
    return median / 1000, p99 / 1000


def main() -> None:
    expected, caught, false, compared = fixtures()
    print(
        f"contradictions caught: {caught}/{expected}   false alarms: {false}   numbers compared: {compared}"
    )
    seed = read_report(SEED)
    previous = replace(copy.deepcopy(seed), year=seed.year - 1)
    for name, prev, typing in (
        ("seed", None, False),
        ("seed, typing", None, True),
        ("seed + last year", previous, False),
        ("seed + last year, typing", previous, True),
    ):
        median, p99 = timing(copy.deepcopy(seed), prev, typing)
        verdict = "ok" if median <= BUDGET_MS else "OVER BUDGET"
        print(
            f"full check, {name:25s} median {median:.2f} ms ({verdict}, budget {BUDGET_MS})  p99 {p99:.2f} ms"
        )


if __name__ == "__main__":
    main()
