"""查找 in a report: every place a text occurs, in the order a reader meets it.

The narratives are searched as typed; the tables by their printed labels and headers (what a user sees
and would look for, e.g. 行政许可 or 法律服务机构). Sections come in the format's order, a narrative by
position and a table in reading order (row by row). Case is ignored (Latin and full-width letters). No
Qt here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.model.report import Report


@dataclass(frozen=True, order=True)
class Match:
    """One occurrence: in section `section` (index into the format's sections), at `place`.

    `place` is (character offset, 0) in a narrative, (row, column) of the layout grid in a table;
    `length` is the number of characters matched (in a narrative).
    """

    section: int
    place: tuple[int, int]
    length: int = 0


def find_all(report: Report, term: str) -> list[Match]:
    """Every occurrence of `term` in the report's narratives and table labels, in reading order."""
    needle = term.strip()
    if not needle:
        return []
    # matched in the text as typed: offsets in a case-folded copy drift after İ or ß (longer folded)
    pattern = re.compile(re.escape(needle), re.IGNORECASE)
    matches: list[Match] = []
    for index, section in enumerate(report.spec.sections):
        if section.text_key is not None:
            for found in pattern.finditer(report.texts.get(section.text_key, "")):
                matches.append(Match(index, (found.start(), 0), found.end() - found.start()))
        if section.table_key is not None:
            for placed in report.spec.table(section.table_key).placed:  # in reading order already
                if placed.cell.address is None and pattern.search(placed.cell.text):
                    matches.append(Match(index, (placed.row, placed.col)))
    return matches


def next_match(matches: list[Match], after: Match | None, section: int) -> tuple[Match | None, bool]:
    """The match after `after` (or the first from section `section` on), and whether the search wrapped
    round to the beginning of the report."""
    if not matches:
        return None, False
    later = [m for m in matches if (m > after if after is not None else m.section >= section)]
    return (later[0], False) if later else (matches[0], True)
