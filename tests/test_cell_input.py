"""Parsing what users type or paste into table cells: accepted notations, refusals, TSV blocks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.format import get_format
from core.model.cell_input import CellInputError, join_block, parse_cell, parse_number, split_block

SPEC = get_format()
COUNT = "requests.1.natural_person"
FEE = "active_disclosure.fees.amount"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23", Decimal(23)),
        ("２３", Decimal(23)),
        (" 2 3\u3000", Decimal(23)),
        ("1,234", Decimal(1234)),
        ("１，２３４", Decimal(1234)),
        ("1,234,567", Decimal(1234567)),
        ("\u00a0７\t", Decimal(7)),
        ("007", Decimal(7)),
        ("5.0", Decimal(5)),
        ("-0", Decimal(0)),
        ("1000000000", Decimal(10**9)),
    ],
)
def test_counts_accept_full_width_digits_separators_and_stray_spaces(text: str, expected: Decimal) -> None:
    value = parse_cell(SPEC, COUNT, text)
    assert value == expected
    assert str(value) == str(expected)  # stored as a whole number, no "5.0"


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_empty_text_means_blank_not_zero(text: str) -> None:
    assert parse_cell(SPEC, COUNT, text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5", "12.5"),
        ("12.5000", "12.5"),
        ("７７３０．２８", "7730.28"),
        (".5", "0.5"),
        ("0.0001", "0.0001"),
        ("24,252.311082", "24252.311082"),  # to the 分, as published reports give it
        ("0.000001", "0.000001"),
        ("7.1234560", "7.123456"),
    ],
)
def test_fees_keep_up_to_six_decimals_as_typed(text: str, expected: str) -> None:
    assert str(parse_cell(SPEC, FEE, text)) == expected


@pytest.mark.parametrize(
    ("address", "text", "reason"),
    [
        (COUNT, "abc", "不是数字"),
        (COUNT, "12a", "不是数字"),
        (COUNT, "1e5", "不是数字"),
        (COUNT, "-", "不是数字"),
        (COUNT, "-3", "不能为负数"),
        (COUNT, "－３", "不能为负数"),
        (COUNT, "2.5", "件数必须是整数"),
        (COUNT, "1000000001", "超过了 1,000,000,000 件"),
        (COUNT, "12,34", "千位分隔符位置不对"),
        (FEE, "1.2345678", "最多保留 6 位小数"),
        (FEE, "1" * 26, "数额过大"),  # once an InvalidOperation crash on every keystroke
        (FEE, "9" * 40 + ".5", "数额过大"),
        (FEE, "0." + "1" * 40, "最多保留 6 位小数"),
        (COUNT, "1" * 30, "超过了"),
        (FEE, "-1", "不能为负数"),
        (FEE, "2000000000", "数额过大"),
    ],
)
def test_invalid_text_is_refused_with_a_reason_naming_the_cell(address: str, text: str, reason: str) -> None:
    with pytest.raises(CellInputError) as caught:
        parse_cell(SPEC, address, text)
    assert reason in caught.value.reason
    assert reason in caught.value.message
    assert SPEC.cells[address].description in caught.value.message
    assert caught.value.message.endswith("未保存。")


def test_parse_number_leaves_range_checks_to_the_rules() -> None:
    assert parse_number("－１２．５") == Decimal("-12.5")


def test_a_block_copied_from_excel_splits_into_rows_and_cells() -> None:
    assert split_block("1\t2\t3\r\n4\t\t6\r\n") == [["1", "2", "3"], ["4", "", "6"]]
    assert split_block("7") == [["7"]]
    assert split_block("7\n") == [["7"]]
    assert split_block("a\t\n\tb") == [["a", ""], ["", "b"]]
    assert split_block('"1,234"\t"x""y"\n') == [["1,234", 'x"y']]
    assert split_block("") == []


def test_a_block_round_trips_through_tsv() -> None:
    rows = [["22", "0", ""], ["1", "", "23"]]
    assert split_block(join_block(rows)) == rows


# numbers of any length (a 26-digit fee once crashed the range rule), near-numbers, and anything at all
_TYPED = (
    st.from_regex(r"[-+]?[0-9]{0,40}(\.[0-9]{0,40})?", fullmatch=True)
    | st.text(alphabet="0123456789０１２３４５６７８９.．,，-－+ \u3000eE", max_size=40)
    | st.text(max_size=40)
)


@settings(max_examples=400)
@given(address=st.sampled_from([COUNT, FEE, "active_disclosure.normative_documents.in_force"]), text=_TYPED)
def test_any_typed_text_gives_a_value_or_a_chinese_refusal(address: str, text: str) -> None:
    try:
        value = parse_cell(SPEC, address, text)
    except CellInputError as exc:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.reason)
        assert exc.message.endswith("未保存。")
        return
    assert value is None or (value.is_finite() and value >= 0)
