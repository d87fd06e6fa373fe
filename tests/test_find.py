"""查找 without Qt: occurrences in narratives and table labels, in reading order, wrapping at the end."""

from __future__ import annotations

from dataclasses import replace

from core.model.find import Match, find_all, next_match
from core.model.report import Report


def test_narratives_and_table_labels_are_found_in_reading_order(seed: Report) -> None:
    spec = seed.spec
    first_text = next(i for i, s in enumerate(spec.sections) if s.text_key)
    key = spec.sections[first_text].text_key
    assert key is not None
    report = replace(seed, texts={**seed.texts, key: "公开申请甲。又一个公开申请乙。"})
    matches = find_all(report, "公开申请")
    in_text = [m for m in matches if m.section == first_text]
    assert [m.place for m in in_text] == [(0, 0), (9, 0)] and all(m.length == 4 for m in in_text)
    requests = next(i for i, s in enumerate(spec.sections) if s.table_key == "requests")
    labels = [
        p.cell.text
        for p in spec.table("requests").placed
        for m in matches
        if m.section == requests and m.place == (p.row, p.col)
    ]
    assert labels and all("公开申请" in text for text in labels)
    assert "一、本年新收政府信息公开申请数量" in labels
    assert matches == sorted(matches)


def test_value_cells_and_blank_terms_are_not_searched(seed: Report) -> None:
    assert find_all(seed, "  ") == []
    assert seed.values["requests.1.total"] is not None
    shown = str(seed.values["requests.1.total"])  # a number in table B, in no label
    tables = {i for i, s in enumerate(seed.spec.sections) if s.table_key}
    assert [m for m in find_all(seed, shown) if m.section in tables] == []


def test_find_next_goes_on_from_the_last_match_and_wraps_round() -> None:
    matches = [Match(0, (5, 0), 2), Match(2, (1, 3)), Match(4, (0, 0), 2)]
    assert next_match(matches, None, 1) == (matches[1], False)  # from the current page on
    assert next_match(matches, matches[1], 1) == (matches[2], False)
    assert next_match(matches, matches[2], 1) == (matches[0], True)  # wrapped to the beginning
    assert next_match([], None, 0) == (None, False)


def test_a_match_after_letters_whose_case_folding_is_longer_is_placed_in_the_text_as_typed(
    seed: Report,
) -> None:
    index = next(i for i, s in enumerate(seed.spec.sections) if s.text_key)
    key = seed.spec.sections[index].text_key
    assert key is not None
    text = "İzmir与Straße的公开申请，ＡＢＣ公司"  # İ and ß fold to two letters each
    report = replace(seed, texts={**seed.texts, key: text})
    for term in ("公开申请", "STRAẞE", "ａｂｃ公司"):
        [match] = [m for m in find_all(report, term) if m.section == index]
        start, _ = match.place
        assert text[start : start + match.length].casefold() == term.casefold()
