"""User text in the PDF: Chinese line breaking rules, literal printing, very long and empty sections."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.documents.pdf import layout
from core.documents.pdf.coverage import unprintable_characters
from core.documents.pdf.fonts import BUNDLED, ROLES, FontChoice
from core.documents.pdf.layout import FontRole
from core.documents.pdf.render import render_pdf
from core.documents.pdf.text import CLOSING, OPENING, break_lines
from core.model.report import Report
from core.paths import resource_path
from tests.test_pdf import BLOCK_BOTTOM, BLOCK_TOP, BLOCK_X0, BLOCK_X1, TOL, all_text, read_pdf

# ---------------------------------------------------------------- line breaking, by itself

_WORDS = st.text(alphabet="政府信息公开工作年度报告县", min_size=1, max_size=5)
_BEFORE = st.sampled_from(["", "", "“", "（", "《", "「"])
_AFTER = st.sampled_from(
    ["", "", "，", "。", "、", "；", "：", "？", "！", "）", "”", "》", "。”", "）。", "……"]
)
_LATIN = st.sampled_from(["", "", "2021", "4065", "12.5", "www.gov.cn", "GB/T"])
_SEGMENT = st.tuples(_BEFORE, _WORDS, _LATIN, _AFTER).map("".join)


def _bundled() -> dict[FontRole, FontChoice]:
    return {role: FontChoice(role, resource_path(*BUNDLED), 0, bundled=True) for role in ROLES}


def _advance(text: str) -> list[float]:
    return [8.0 if ch.isascii() else 16.0 for ch in text]


@settings(max_examples=300, deadline=None)
@given(st.lists(_SEGMENT, min_size=1, max_size=40).map("".join), st.integers(6, 28), st.booleans())
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(
    text: str, chars: int, indent: bool
) -> None:
    width = chars * 16.0
    lines = break_lines(text, _advance(text), width, 32.0 if indent else 0.0, 0.0, 16.0)
    assert "".join(text[line.start : line.end] for line in lines) == text  # nothing lost or doubled
    for line in lines:
        piece = text[line.start : line.end]
        assert sum(_advance(piece)) <= width - line.indent + 1e-6, piece
    for before, after in itertools.pairwise(lines):
        assert text[after.start] not in CLOSING, text[before.start : after.end]
        assert text[before.end - 1] not in OPENING, text[before.start : after.end]


def test_a_closing_mark_that_would_start_a_line_takes_the_last_character_with_it() -> None:
    text = "一二三四五六七八九十。”后文"
    lines = break_lines(text, _advance(text), 10 * 16.0, 0.0, 0.0, 16.0)
    assert [text[x.start : x.end] for x in lines] == ["一二三四五六七八九", "十。”后文"]


def test_a_word_longer_than_the_line_is_broken_and_kept_whole() -> None:
    text = "前" + "A" * 100 + "后"
    lines = break_lines(text, _advance(text), 10 * 16.0, 0.0, 0.0, 16.0)
    assert "".join(text[x.start : x.end] for x in lines) == text
    assert all(sum(_advance(text[x.start : x.end])) <= 160 for x in lines)


def test_numbers_are_not_split_across_lines() -> None:
    text = "共公开发布各类信息4065条"
    lines = break_lines(text, _advance(text), 10 * 16.0, 0.0, 0.0, 16.0)
    pieces = [text[x.start : x.end] for x in lines]
    assert any("4065" in p for p in pieces)


# ---------------------------------------------------------------- in the printed PDF

_TRICKY = (
    '<b>加粗</b> & &amp; &lt; <br/> <font name="Helvetica">字体</font> <para>段落 '
    "“双引号”'单引号'\"直引号\" \\反斜杠 (括号) 百分号% ％ 制表\t符 "
    "<![CDATA[x]]> <!-- 注释 --> &#x4E2D; ©®™ 〇 —— …… ·"
)


def _report(**texts: str) -> Report:
    report = Report.blank("某县人民政府办公室", 2021)
    report.texts.update(texts)
    return report


def test_markup_characters_and_odd_text_print_literally_and_stay_in_the_block() -> None:
    url = "https://www.example.gov.cn/" + "a1b2c3" * 60  # far longer than a line, no break opportunity
    report = _report(overview=_TRICKY + "\n" + url, problems="", other="（一）情况。正文紧接标题之后。")
    pages = read_pdf(render_pdf(report))
    text = all_text(pages)
    assert re.sub(r"\s", "", _TRICKY) in text
    assert "\x00" not in text  # a tab prints as a space, not as a missing glyph
    assert url in text
    assert "五、存在的主要问题及改进情况六、其他需要报告的事项（一）情况。正文紧接标题之后。" in text
    for page in pages:
        for c in page.body:
            assert c["x0"] >= BLOCK_X0 - TOL and c["x1"] <= BLOCK_X1 + TOL, c["text"]
            assert c["top"] >= BLOCK_TOP - TOL and c["bottom"] <= BLOCK_BOTTOM + TOL, c["text"]
        for line in page.line_texts:
            assert line[0] not in CLOSING, line
            assert line[-1] not in OPENING, line


def test_a_20000_character_section_prints_every_character_in_order() -> None:
    sentences = "".join(f"第{i}句，这是一句用来检查是否丢字的话（编号{i}）。" for i in range(800))
    sentences = sentences[:20000]
    report = _report(problems=sentences, overview="", other="")
    pages = read_pdf(render_pdf(report))
    assert len(pages) > 25
    text = all_text(pages)
    assert re.sub(r"\s", "", sentences) in text
    # And the empty sections keep their headings.
    assert "一、总体情况二、主动公开政府信息情况" in text
    assert "六、其他需要报告的事项" in text


def test_sub_headings_are_kaiti_and_paragraph_lines_are_indented_two_characters() -> None:
    # The bundled collection's second face (the Mono one) stands in for 楷体, so roles can be told apart.
    fonts = _bundled()
    fonts["kaiti"] = FontChoice("kaiti", resource_path(*BUNDLED), 1, bundled=True)
    report = _report(overview="（一）主动公开情况\n正文第一段。\n（二）依申请公开情况。本段与标题同行。")
    lines = read_pdf(render_pdf(report, fonts=fonts))[0].lines

    def kaiti(line: list[dict[str, Any]]) -> list[bool]:
        return ["MicroHeiMono" in c["fontname"] for c in line]

    by_text = {"".join(c["text"] for c in line): line for line in lines}
    heading, body = by_text["（一）主动公开情况"], by_text["正文第一段。"]
    assert all(kaiti(heading)) and not any(kaiti(body))
    assert body[0]["x0"] == pytest.approx(heading[0]["x0"])
    assert body[0]["x0"] == pytest.approx(BLOCK_X0 + 2 * layout.BODY_PITCH)  # two characters in
    run_in = by_text["（二）依申请公开情况。本段与标题同行。"]
    assert kaiti(run_in) == [True] * 11 + [False] * 8  # only the words up to the first 。 are the heading


def test_characters_no_font_can_draw_are_named_wherever_they_are_printed() -> None:
    report = _report(overview="正常文字，㐀字，和emoji😀。", problems="（一）𪚥的问题。", other="\x07")
    report.agency = "𠀀家村村民委员会"  # in the title
    report.signature.name = "𡈼家村村民委员会"
    assert unprintable_characters(report, fonts=_bundled()) == "㐀😀𠀀𡈼𪚥"
    report.signature.name = ""  # the signature falls back to the agency
    assert unprintable_characters(report, fonts=_bundled()) == "㐀😀𠀀𪚥"
    assert unprintable_characters(_report(overview=_TRICKY), fonts=_bundled()) == ""
    render_pdf(report, fonts=_bundled())  # still prints, with empty boxes
