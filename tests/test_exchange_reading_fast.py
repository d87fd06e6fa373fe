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


_CELL = "字段 requests.1.natural_person 的值超出了合理范围。"
_YEAR = "字段 year（年度）应为四位年份，实际为{}。"


@pytest.mark.parametrize(
    ("where", "number", "expected"),
    [
        ('"natural_person": 22', "123456789012345678901", _CELL),  # 21 digits: past the integer fast path
        ('"natural_person": 22', "-12345678901234567890", Decimal("-12345678901234567890")),  # 20 digits
        ('"natural_person": 22', "-123456789012345678901", _CELL),
        ('"natural_person": 22', "9" * 65, _CELL),  # too long to convert at all
        ('"natural_person": 22', "1." + "0" * 19, Decimal("1." + "0" * 19)),
        ('"natural_person": 22', "1." + "0" * 20, _CELL),
        ('"natural_person": 22', "0E+999", Decimal(0)),
        ('"year": 2021', "1E+25", _YEAR.format("“1E+25”")),  # marked out of range, described as written
        ('"year": 2021', "123456789012345678901", _YEAR.format("“123456789012345678901”")),
        ('"year": 2021', "9" * 70, _YEAR.format("一个超出合理范围的数")),
        ('"year": 2021', "2.021E+3", 2021),
    ],
)
def test_a_number_is_checked_once_where_json_hands_it_over_with_the_same_messages(
    where: str, number: str, expected: object
) -> None:
    """The messages are those of the reader that checked every cell again (f483874), compared by hand."""
    text = _seed_with(where, f"{where.split(':')[0]}: {number}")
    if isinstance(expected, str):
        with pytest.raises(UserError) as caught:
            loads(text)
        assert caught.value.message == expected
    else:
        report = loads(text)
        assert (report.year if "year" in where else report.values["requests.1.natural_person"]) == expected


def test_a_key_given_twice_in_a_row_of_cells_is_named() -> None:
    text = _seed_with('"natural_person": 22', '"natural_person": 22, "natural_person": 23')
    with pytest.raises(UserError) as caught:
        loads(text)
    assert caught.value.message == "文件中同一处的字段“natural_person”出现了两次，无法确定以哪个为准。"
