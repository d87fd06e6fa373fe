"""The fingerprint (校验码) of a report and the 定稿 precondition."""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.documents.exchange import read_report, write_report
from core.documents.fingerprint import (
    ALPHABET,
    finalize_problems,
    fingerprint,
    normalize_code,
    parse_code,
    verify,
)
from core.errors import UserError
from core.model.report import Report


def test_the_code_is_twelve_unambiguous_characters_in_three_groups(seed: Report) -> None:
    code = fingerprint(seed)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}", code)
    assert not set("ILOU") & set(ALPHABET)
    assert fingerprint(seed) == code  # deterministic


def test_the_code_survives_saving_and_loading_and_ignores_how_numbers_and_newlines_are_written(
    seed: Report, tmp_path: Path
) -> None:
    path = tmp_path / "r.json"
    write_report(seed, path)
    assert fingerprint(read_report(path)) == fingerprint(seed)
    same = copy.deepcopy(seed)
    same.values["active_disclosure.fees.amount"] = Decimal("0.00")
    same.values["requests.1.natural_person"] = Decimal("22.0")
    same.texts["overview"] = seed.texts["overview"].replace("\n", "\r\n")
    assert fingerprint(same) == fingerprint(seed)


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.values.__setitem__("requests.3.5.2.natural_person", Decimal(3)),
        lambda r: r.values.__setitem__("requests.3.5.2.natural_person", None),
        lambda r: r.values.__setitem__("active_disclosure.fees.amount", Decimal("0.0001")),
        lambda r: r.texts.__setitem__("overview", r.texts["overview"].replace("4065", "4066")),
        lambda r: r.texts.__setitem__("other", r.texts["other"] + "\n补充一行"),
        lambda r: setattr(r, "agency", r.agency + "（盖章）"),
        lambda r: setattr(r, "year", 2022),
        lambda r: setattr(r.signature, "date", dt.date(2022, 1, 20)),
        lambda r: setattr(r.signature, "name", "温县人民政府"),
    ],
    ids=["value", "blank", "money", "text", "line", "agency", "year", "date", "signer"],
)
def test_any_change_to_the_content_changes_the_code(seed: Report, change: object) -> None:
    changed = copy.deepcopy(seed)
    change(changed)  # type: ignore[operator]
    assert fingerprint(changed) != fingerprint(seed)
    assert not verify(changed, fingerprint(seed))


_FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ-"}


def test_verify_accepts_the_code_however_it_was_typed(seed: Report) -> None:
    code = fingerprint(seed)
    plain = code.replace("-", "")
    typed = [
        code,
        code.lower(),
        plain,
        " ".join(code.split("-")),
        f"  {code}\n",
        code.translate(_FULL_WIDTH),  # typed with a Chinese input method
        plain.replace("0", "O").replace("1", "I"),
        plain.replace("1", "l"),
    ]
    for text in typed:
        assert verify(seed, text), text
        assert parse_code(text) == plain


def test_verify_rejects_other_codes_and_things_that_are_not_codes(seed: Report) -> None:
    plain = fingerprint(seed).replace("-", "")
    other = plain[:-1] + ALPHABET[(ALPHABET.index(plain[-1]) + 1) % 32]
    for text in (other, plain[:-1], plain + "0", "", "ABCD-EFGH-JKL!", "UUUU-UUUU-UUUU"):
        assert not verify(seed, text), text
    assert normalize_code("UUUU-UUUU-UUUU") is None
    with pytest.raises(UserError, match="格式不对"):
        parse_code("ABC")


def test_a_complete_report_without_errors_may_be_finalized(seed: Report) -> None:
    assert finalize_problems(seed) == []


def test_blank_cells_and_errors_prevent_finalizing_with_reasons(seed: Report) -> None:
    seed.values["requests.3.1.natural_person"] = None
    seed.values["review_litigation.review.upheld"] = None
    problems = finalize_problems(seed)
    # The blank counts as 0, which breaks two of B's sums; then one line for the blanks.
    assert len(problems) == 3
    assert all(p.startswith("错误：") and "相差 5" in p for p in problems[:2])
    assert "2 个单元格未填写" in problems[2] and "予以公开" in problems[2]
    blank = Report.blank("某县人民政府办公室", 2021)
    assert finalize_problems(blank) == [
        f"还有 {len(blank.spec.input_addresses)} 个单元格未填写（没有的请填 0），"
        f"第一个是{blank.spec.cells[blank.spec.input_addresses[0]].description}"
    ]


def test_a_final_copy_needs_the_signature_name_but_not_the_date(seed: Report) -> None:
    assert seed.signature.date is None  # left for handwriting: no reason
    for name in (None, "", " \u3000"):
        seed.signature.name = name
        assert finalize_problems(seed) == ["还没有填写署名（落款的机关名称）"]


def test_characters_that_would_print_as_blanks_prevent_finalizing(seed: Report) -> None:
    seed.texts["overview"] += "（经办人：𠀀某😀）"
    problems = finalize_problems(seed)
    assert problems == ["有 2 个字符本机没有字体能够打印，打印件上会缺字：😀（U+1F600）、𠀀（U+20000）"]
