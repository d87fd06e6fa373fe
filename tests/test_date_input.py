"""The 成文日期 as typed: the ways office staff write a date, and plain refusals for the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import UserError
from core.model.date_input import parse_date
from core.model.report import chinese_date


@pytest.mark.parametrize(
    "text",
    [
        "2022-01-20",
        "2022-1-20",
        "2022/1/20",
        "2022.01.20",
        "2022年1月20日",
        "2022年01月20日",
        "2022年1月20",
        "20220120",
        " ２０２２年１月２０日　",  # full-width, from a Chinese input method
        "2022 年 1 月 20 日",
    ],
)
def test_the_ways_a_date_is_written(text: str) -> None:
    assert parse_date(text) == dt.date(2022, 1, 20)


def test_empty_is_not_filled_in() -> None:
    assert parse_date("") is None
    assert parse_date(" \u3000") is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2022120", "不是日期"),  # what the old field made of typing 20220120
        ("未填写2022120", "不是日期"),
        ("明天", "不是日期"),
        ("2022-02-30", "没有 2022年2月30日 这一天"),
        ("20221320", "没有 2022年13月20日 这一天"),
    ],
)
def test_refusals_say_why_in_chinese(text: str, words: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_date(text)
    assert words in caught.value.message


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_every_date_reads_back_in_each_written_form(date: dt.date) -> None:
    for text in (
        chinese_date(date),
        date.isoformat(),
        f"{date:%Y%m%d}",
        f"{date.year}/{date.month}/{date.day}",
    ):
        assert parse_date(text) == date


@given(st.text(max_size=30))
def test_any_text_gives_a_date_none_or_a_user_error(text: str) -> None:
    try:
        result = parse_date(text)
    except UserError as exc:
        assert exc.message
    else:
        assert result is None or isinstance(result, dt.date)
