"""The fingerprint (校验码) of a finished report (定稿), and whether a report may be finished.

The fingerprint is a SHA-256 of exactly what the paper shows (`paper`), read from the content model
every document prints (`core.documents.write.content`, which the PDF sets too): the title, every narrative
line as printed (stripped, blank lines dropped, NFC), every table cell as printed (totals included, money as
12.5), the 署名 and the 成文日期. A character that prints as nothing is printed as 〈U+200B〉
(`core.model.hidden_characters`), so it is in the code as the paper shows it. Two reports with the same
paper have the same code; two whose paper differs anywhere have different codes. The QR code on the
last page carries all 256 bits (52 characters of Crockford base32: no I, L, O, U), printed again under
it in groups of four; the footer of every page carries its first 60 bits as ABCD-EFGH-JKLM, short
enough to read aloud. `check_code` accepts any of them, typed however (case, spaces, dashes, O for 0,
I or L for 1), a code printed before hidden characters were shown, and one printed by version 1 (60
bits over the exchange JSON); its sentence (`CHECKED`) is what every place that checks a code shows.

What a matching code proves: this paper shows the content of this report file or record. What it does
not prove: who made it or that it was approved (anyone with the file can compute the code: it is not a
signature or a seal), nor anything about what the paper does not show. The short code (60 bits) rules
out accidents, not a forger: a second report with the same footer code takes under an hour of an
ordinary computer (`SHORT_CODE_LIMIT`); the 256-bit code resists both.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from core.documents.exchange import to_dict
from core.errors import UserError
from core.format import get_format
from core.model.report import Report, chinese_date
from core.rules.table import check, fmt, resolved_values, shown_value

if TYPE_CHECKING:
    from core.documents.pdf.fonts import FontChoice
    from core.documents.pdf.layout import FontRole
    from core.documents.write.content import Content

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12  # the footer code: 60 bits, a chance match between two reports about 1 in 10^18
FULL_LENGTH = 52  # the QR code: all 256 bits of the digest (52 × 5 = 260: the last 4 bits are padding)
GROUP = 4
FULL_CODE_LINES = 3  # under the QR code, its 13 groups of four on three lines
_DOMAIN = b"nianbao.fingerprint/2\n"  # a new canonical form gets a new domain, so old codes never collide
_DOMAIN_V1 = b"nianbao.fingerprint/1\n"
_READ_AS = {"O": "0", "I": "1", "L": "1"}
QR_PREFIX = "NIANBAO"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _content(report: Report) -> Content:
    """The content every document prints (loaded when a code is first needed, not with the window)."""
    from core.documents.write.content import content

    return content(report)


def paper(report: Report) -> bytes:
    """The bytes the fingerprint is taken from: what the printed report shows, and nothing else."""
    return paper_of(_content(report))


def paper_of(doc: Content) -> bytes:
    """The canonical bytes of a document's content, walked as the PDF walks it: the title, every
    narrative line as printed, every value cell as printed, the 署名 and the 成文日期."""
    from core.documents.pdf.layout import BLANK_DATE
    from core.documents.write.content import Grid, Paragraph

    texts: dict[str, list[str]] = {key: [] for key in get_format(doc.format).text_keys}
    cells: dict[str, str] = {}
    for block in doc.blocks:
        if isinstance(block, Paragraph) and block.text_key is not None:
            texts[block.text_key].append(_nfc(block.text))
        elif isinstance(block, Grid):
            cells.update((c.address, c.text) for c in block.cells if c.address is not None)
    date = doc.signature_date if doc.signature_date != BLANK_DATE else ""
    return _canonical(doc.format, _nfc(doc.title), texts, cells, [_nfc(doc.signature_name), date])


def _canonical(
    format_id: str, title: str, texts: dict[str, list[str]], cells: dict[str, str], signature: list[str]
) -> bytes:
    shown = {"format": format_id, "title": title, "text": texts, "cells": cells, "signature": signature}
    return json.dumps(shown, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _paper_as_stored(report: Report) -> bytes:
    """What the paper was taken to be before hidden characters were shown (the stored text, not the
    printed one): kept so codes printed then still verify. Equal to `paper` for every report without
    hidden characters."""
    values = resolved_values(report)
    signer = (report.signature.name or report.agency).strip()
    date = report.signature.date
    return _canonical(
        report.format,
        _nfc(report.title),
        {k: _lines(v) for k, v in report.texts.items()},
        {a: shown_value(report, values, a) for a in report.spec.cells},
        [_nfc(signer), chinese_date(date) if date else ""],
    )


def _lines(text: str) -> list[str]:
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return [_nfc(line) for line in lines if line]


def _canonical_v1(report: Report) -> bytes:
    """Version 1's bytes (the exchange JSON, numbers by value): kept so codes already printed verify."""
    data: dict[str, Any] = to_dict(report)
    for address, value in report.values.items():
        table, rest = address.split(".", 1)
        row, column = rest.rsplit(".", 1)
        data[table][row][column] = None if value is None else fmt(value)
    data["text"] = {k: v.replace("\r\n", "\n").replace("\r", "\n") for k, v in data["text"].items()}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _base32(digest: bytes, length: int) -> str:
    """The top `length` × 5 bits of the digest (all of it, zero-padded, for the full code)."""
    bits = len(digest) * 8
    number = int.from_bytes(digest, "big")
    number = number >> (bits - 5 * length) if 5 * length <= bits else number << (5 * length - bits)
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(length)))


def _grouped(digits: str) -> str:
    return "-".join(digits[i : i + GROUP] for i in range(0, len(digits), GROUP))


def _digest(report: Report) -> bytes:
    return _digest_of(_content(report))


def _digest_of(doc: Content) -> bytes:
    return hashlib.sha256(_DOMAIN + paper_of(doc)).digest()


@dataclass(frozen=True)
class Codes:
    """The codes a 定稿 carries, all from one digest of what it prints."""

    footer: str  # ABCD-EFGH-JKLM, on every page
    full: str  # the 52 characters, in the QR code and printed under it
    qr: str  # the QR code's text

    def full_lines(self, lines: int = FULL_CODE_LINES) -> list[str]:
        """The full code as printed under the QR code: groups of four, on a few lines (5, 4, 4)."""
        groups = _grouped(self.full).split("-")
        sizes = [len(groups) // lines + (i < len(groups) % lines) for i in range(lines)]
        starts = [sum(sizes[:i]) for i in range(lines)]
        return [" ".join(groups[start : start + size]) for start, size in zip(starts, sizes, strict=True)]


def codes_of(doc: Content) -> Codes:
    """The codes of a document's content (`core.documents.write.content.content`)."""
    digest = _digest_of(doc)
    full = _base32(digest, FULL_LENGTH)
    return Codes(_grouped(full[:LENGTH]), full, f"{QR_PREFIX}:2:{doc.year}:{full}")


def fingerprint(report: Report) -> str:
    """The footer code, grouped for reading aloud: e.g. 7K3M-Q9TX-2D4H (the full code's first 12)."""
    return _grouped(_base32(_digest(report), LENGTH))


def full_fingerprint(report: Report) -> str:
    """All 256 bits, as 52 characters (the QR code carries them)."""
    return _base32(_digest(report), FULL_LENGTH)


def qr_payload(report: Report) -> str:
    """The text of the QR code on a 定稿's last page: NIANBAO:2:<year>:<52-character code>."""
    return codes_of(_content(report)).qr


def _fingerprint_v1(report: Report) -> str:
    return _base32(hashlib.sha256(_DOMAIN_V1 + _canonical_v1(report)).digest()[:8], LENGTH)


def normalize_code(code: str) -> str | None:
    """The 12 or 52 code characters of what someone typed or scanned (a whole QR text is fine too),
    or None when it cannot be a code."""
    text = unicodedata.normalize("NFKC", code).upper()
    if text.strip().startswith(QR_PREFIX + ":"):
        text = text.rsplit(":", 1)[1]
    text = "".join(_READ_AS.get(ch, ch) for ch in text if not ch.isspace() and ch not in "-_—－")
    if len(text) not in (LENGTH, FULL_LENGTH) or any(ch not in ALPHABET for ch in text):
        return None
    return text


def parse_code(code: str) -> str:
    """Like `normalize_code`, but an impossible code is explained to the user."""
    normal = normalize_code(code)
    if normal is None:
        raise UserError(
            f"校验码“{code}”的格式不对：页脚的校验码由 {LENGTH} 位字母和数字组成，形如 ABCD-EFGH-JKLM；"
            f"末页二维码及其下方印的完整校验码为 {FULL_LENGTH} 位。"
        )
    return normal


CodeKind = Literal["full", "short", "earlier", "v1"]


def matching_code(report: Report, code: str) -> CodeKind | None:
    """Which of the report's codes a typed code is: "full" (QR, 256 bits), "short" (footer, 60 bits),
    "earlier" (printed before hidden characters were shown, by a report that holds some), "v1"
    (printed by version 1, 60 bits over the file's content), or None when it is none of them."""
    normal = normalize_code(code)
    if normal is None:
        return None
    digests = [("now", _digest(report))]
    stored = hashlib.sha256(_DOMAIN + _paper_as_stored(report)).digest()
    if stored != digests[0][1]:
        digests.append(("earlier", stored))
    full = len(normal) == FULL_LENGTH
    for when, digest in digests:
        if hmac.compare_digest(normal, _base32(digest, len(normal))):
            if when == "earlier":
                return "earlier"
            return "full" if full else "short"
    if len(normal) == LENGTH and hmac.compare_digest(normal, _fingerprint_v1(report)):
        return "v1"
    return None


def printed_code(code: str) -> str:
    """A typed code as the paper prints it (grouped in fours), for saying which code was checked."""
    normal = normalize_code(code)
    return _grouped(normal) if normal else code.strip()


# What a short code can and cannot rule out: shown wherever one is checked (verify, the sign page, the
# desk). Measured: a report differing only in invisible characters with the same 12-character footer
# code as another was made in 52 minutes on a 2-core computer (2.2·10⁹ hashes); the hashing alone
# takes about 8 minutes there (benchmarks/bench_forge.py).
SHORT_CODE_LIMIT = (
    "页脚的 12 位校验码只能排除偶然的不符，不能排除有意伪造（用普通电脑一小时以内就能造出页脚校验码相同"
    "而内容不同的报告）；要排除伪造，请核对末页二维码或其下方印的 52 位完整校验码。"
)

PROVES: dict[CodeKind, str] = {  # what a match proves, and for a short code what it does not
    "full": "完整校验码相符：打印件所示内容与这份报告相同。",
    "short": SHORT_CODE_LIMIT,
    "earlier": "这是本软件早先版本打印的校验码，仍然有效；这份报告中有打印时看不见的字符，新版打印件把它们"
    "显示为〈U+…〉。" + SHORT_CODE_LIMIT + "请用新版重新定稿打印。",
    "v1": "这是旧版软件打印的校验码，仍然有效。" + SHORT_CODE_LIMIT + "请用新版重新定稿打印。",
}

CHECKED: dict[CodeKind | None, str] = {  # the sentence that answers 「核对校验码」, by what matched
    "full": "一致：" + PROVES["full"],
    "short": "页脚校验码一致。" + PROVES["short"],
    "earlier": "校验码一致。" + PROVES["earlier"],
    "v1": "校验码一致。" + PROVES["v1"],
    None: "不一致：打印件与这份报告的内容不同，或校验码输入有误。",
}


@dataclass(frozen=True)
class CodeCheck:
    """The answer to 「核对校验码」, for every place a code is typed (the sign page, the desk, `verify`):
    whether it matches, and the sentence to show (`message`), which says what a match proves and, for
    a short code, what it does not (`proves`, for a message that says "一致" in its own words)."""

    kind: CodeKind | None
    message: str

    @property
    def matches(self) -> bool:
        return self.kind is not None

    @property
    def proves(self) -> str:
        return PROVES[self.kind] if self.kind is not None else ""


def check_code(report: Report, code: str) -> CodeCheck:
    """Check a code typed from a printed copy (footer, full, a scanned QR text, or an old version's)."""
    kind = matching_code(report, code)
    return CodeCheck(kind, CHECKED[kind])


def verify(report: Report, code: str) -> bool:
    """Whether a printed code (footer, QR or version 1) belongs to this report's content."""
    return matching_code(report, code) is not None


def finalize_problems(report: Report, fonts: Mapping[FontRole, FontChoice] | None = None) -> list[str]:
    """Why the report cannot be finished (定稿) yet, in Chinese; empty when it can. The official copy
    must be complete and print every character (`fonts`: those it will be printed with, if not the
    ones found on this computer). The date may stay empty: it is then written by hand."""
    from core.documents.pdf.coverage import describe_characters, unprintable_characters  # loads the fonts

    findings = check(report)
    problems = [f"错误：{f.message}" for f in findings if f.severity == "error"]
    blanks = [f for f in findings if f.rule == "BLANK"]
    if blanks:
        first = report.spec.cells[blanks[0].cells[0]].description
        problems.append(f"还有 {len(blanks)} 个单元格未填写（没有的请填 0），第一个是{first}")
    if not (report.signature.name or "").strip():
        problems.append("还没有填写署名（落款的机关名称）")
    missing = unprintable_characters(report, fonts)
    if missing:
        problems.append(
            f"有 {len(missing)} 个字符本机没有字体能够打印，打印件上会缺字：{describe_characters(missing)}"
        )
    return problems
