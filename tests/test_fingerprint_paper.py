"""The 校验码 redesign (issue 9, item 2): the code covers exactly what the paper shows; the QR code carries
all 256 bits and the footer code is derived from them; codes printed by version 1 still verify."""

from __future__ import annotations

import copy
import datetime as dt
import json
import unicodedata
from collections.abc import Callable
from decimal import Decimal

import pytest

from core.documents.exchange import read_report
from core.documents.fingerprint import (
    FULL_LENGTH,
    fingerprint,
    full_fingerprint,
    matching_code,
    normalize_code,
    qr_payload,
    verify,
)
from core.model.report import Report
from tests.conftest import FIXTURES, ROOT

Change = Callable[[Report], None]


def _changed(seed: Report, change: Change) -> Report:
    other = copy.deepcopy(seed)
    change(other)
    return other


def _pad_lines(r: Report) -> None:
    r.texts["overview"] = "\n\n".join(f"  {line}\u3000 " for line in r.texts["overview"].split("\n")) + "\n\n"


def _decompose(r: Report) -> None:
    r.texts["other"] = unicodedata.normalize("NFD", r.texts["other"] + "Café")
    r.signature.name = unicodedata.normalize("NFD", "温县人民政府办公室é")


def _compose(r: Report) -> None:
    r.texts["other"] = unicodedata.normalize("NFC", r.texts["other"] + "Café")
    r.signature.name = "温县人民政府办公室é"


def _blank_a_total(r: Report) -> None:
    """A total left blank prints the sum of its parts: the seed's own total, so the same paper."""
    total, parts = r.spec.derivations[0]
    assert r.values[total] == sum(r.values[p] or 0 for p in parts)
    r.values[total] = None


@pytest.mark.parametrize(
    "change",
    [
        _pad_lines,
        lambda r: r.texts.__setitem__("other", r.texts["other"] + " \t"),
        lambda r: r.values.__setitem__("requests.1.natural_person", Decimal("22.000")),
        lambda r: setattr(r.signature, "name", None),  # the agency is printed in its place
        _blank_a_total,
    ],
    ids=["blank-lines", "trailing-space", "number-spelling", "signer-is-agency", "total"],
)
def test_two_reports_with_the_same_paper_have_the_same_code(seed: Report, change: Change) -> None:
    seed.signature.name = seed.agency
    other = _changed(seed, change)
    assert fingerprint(other) == fingerprint(seed)
    assert full_fingerprint(other) == full_fingerprint(seed)


def test_composed_and_decomposed_text_print_alike_and_get_one_code(seed: Report) -> None:
    assert fingerprint(_changed(seed, _decompose)) == fingerprint(_changed(seed, _compose))


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.values.__setitem__("requests.1.natural_person", Decimal(122)),  # the probe's 22 → 122
        lambda r: r.texts.__setitem__("overview", r.texts["overview"].replace("\n", "", 1)),
        lambda r: r.texts.__setitem__("other", r.texts["other"] + "。"),
        lambda r: setattr(r.signature, "date", dt.date(2022, 1, 21)),
        lambda r: setattr(r, "agency", "温县人民政府"),
    ],
    ids=["cell", "paragraphs", "text", "date", "title"],
)
def test_two_reports_whose_paper_differs_have_different_codes(seed: Report, change: Change) -> None:
    other = _changed(seed, change)
    assert fingerprint(other) != fingerprint(seed)
    assert not verify(other, fingerprint(seed)) and not verify(other, full_fingerprint(seed))


def test_the_qr_code_carries_all_256_bits_and_the_footer_code_is_its_start(seed: Report) -> None:
    full = full_fingerprint(seed)
    assert len(full) == FULL_LENGTH and 5 * FULL_LENGTH >= 256
    assert fingerprint(seed).replace("-", "") == full[:12]
    assert qr_payload(seed) == f"NIANBAO:2:{seed.year}:{full}"


def test_verify_accepts_the_footer_code_the_full_code_and_the_scanned_qr_text(seed: Report) -> None:
    full = full_fingerprint(seed)
    grouped = "-".join(full[i : i + 4] for i in range(0, len(full), 4)).lower()
    assert matching_code(seed, fingerprint(seed)) == "short"
    for typed in (full, grouped, qr_payload(seed)):
        assert matching_code(seed, typed) == "full", typed
    wrong = full[:-1] + ("0" if full[-1] != "0" else "1")
    assert not verify(seed, wrong)
    assert normalize_code(full[:-1]) is None  # 51 characters are no code


def test_codes_printed_by_version_1_still_verify() -> None:
    stored = json.loads((FIXTURES / "fingerprint-v1.json").read_text(encoding="utf-8"))["codes"]
    base = read_report(FIXTURES / stored[0]["report"])
    spaced = copy.deepcopy(base)
    spaced.texts["other"] += " "
    assert matching_code(base, stored[0]["code"]) == "v1"
    assert matching_code(spaced, stored[1]["code"]) == "v1"
    assert not verify(base, stored[1]["code"])  # version 1 told these apart; it still does


def test_the_docs_say_what_the_code_proves_and_what_it_does_not() -> None:
    for doc in (ROOT / "README.md", ROOT / "docs" / "exchange-format.md"):
        text = doc.read_text(encoding="utf-8")
        assert "校验码能证明" in text and "校验码不能证明" in text, doc
