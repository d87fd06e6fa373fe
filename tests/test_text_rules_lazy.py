"""A fresh `check` compiles only the narrative phrases its report's texts can match (issue 22: compiling
all of them was 15–25 ms of a fresh `main.py check`), and finds what it found before."""

from __future__ import annotations

from tests.conftest import SEED_JSON
from tests.helpers import loaded_in_fresh_process

_BODY = f"""
from core.documents.exchange import read_report
from core.rules import text
from core.rules.table import check

report = read_report({str(SEED_JSON)!r})
findings = check(report)
phrases = text._compiled(report.spec)
held = [c for c in phrases if any(c.anchor in t for t in report.texts.values())]
compiled = [c for c in phrases if "pattern" in vars(c)]
result = [len(phrases), len(held), len(compiled), sorted(f.rule for f in findings)]
"""


def test_a_fresh_check_compiles_only_the_phrases_its_texts_hold() -> None:
    from core.documents.exchange import read_report
    from core.rules.table import check

    phrases, held, compiled, rules = loaded_in_fresh_process(_BODY, [])["result"]
    assert 0 < compiled == held < phrases
    assert rules == sorted(f.rule for f in check(read_report(SEED_JSON)))
