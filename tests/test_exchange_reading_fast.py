"""Reading the exchange file on its fast path (issue 22): a file with no surrogate escape is not walked
value by value, and a format's table layout is worked out once. The refusals are the same as the full
walk's: every way a lone surrogate can be spelled is still refused naming its field, and what only
looks like one (a pair, an escaped backslash) is read as the text it is."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.documents.exchange import dumps, loads
from core.errors import UserError
from tests.conftest import SEED_JSON
from tests.helpers import distinct_report

SEED_TEXT = SEED_JSON.read_text(encoding="utf-8")


def _seed_with(old: str, new: str) -> str:
    assert old in SEED_TEXT
    return SEED_TEXT.replace(old, new, 1)


@pytest.mark.parametrize("escape", ["\\uD800", "\\uDbFf", "\\udC00", "\\uDFFF"])
def test_a_lone_surrogate_in_capitals_is_refused_naming_the_field(escape: str) -> None:
    with pytest.raises(UserError) as caught:
        loads(_seed_with('"agency": "', f'"agency": "{escape}'))
    assert caught.value.message == "字段 agency 中有无效的字符（单独的代理码位），文件可能已损坏。"


def test_a_lone_surrogate_in_the_text_itself_is_refused() -> None:
    with pytest.raises(UserError) as caught:
        loads(_seed_with('"overview": "', '"overview": "\ud800'))
    assert caught.value.message == "字段 text.overview 中有无效的字符（单独的代理码位），文件可能已损坏。"


def test_a_surrogate_pair_and_an_escaped_backslash_are_read_as_text() -> None:
    text = _seed_with('"agency": "', '"agency": "\\ud83d\\ude00\\\\ud800\\u00e9')
    report = loads(text)
    assert report.agency.startswith("😀\\ud800é")


def test_many_reports_read_back_as_written() -> None:
    """Distinct numbers in every cell of several reports of the one format: the layout kept for the
    format puts each value at its own address."""
    for base in (1, 401, 9001):
        report = distinct_report("温县财政局", 2022, base=base)
        assert loads(dumps(report)) == report


def test_an_unknown_cell_is_still_refused_naming_it() -> None:
    with pytest.raises(UserError) as caught:
        loads(_seed_with('"natural_person": 22', '"natural_person": 22, "robot": 1'))
    assert caught.value.message == "文件中有不认识的字段 requests.1.robot。"


@pytest.mark.parametrize(
    ("number", "refused"),
    [
        ("5.000000000000000000000000", True),  # 25 digits, though it equals 5
        ("1E+21", True),
        ("1E-21", True),
        ("12345678901234567890", False),
        ("1E+20", False),
        ("1E-20", False),
        ("0.00000000000000000000000", False),  # zero has no magnitude to refuse
        ('"7.25"', False),  # text that is a number: read as the number
    ],
)
def test_a_cell_number_is_range_checked_as_before(number: str, refused: bool) -> None:
    text = _seed_with('"natural_person": 22', f'"natural_person": {number}')
    if refused:
        with pytest.raises(UserError) as caught:
            loads(text)
        assert caught.value.message == "字段 requests.1.natural_person 的值超出了合理范围。"
    else:
        value = loads(text).values["requests.1.natural_person"]
        assert value == Decimal(number.strip('"'))
