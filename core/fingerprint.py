"""The fingerprint (校验码) of a finished report (定稿), and whether a report may be finished.

The fingerprint is a SHA-256 of exactly what the paper shows (`paper`): the title, every narrative line
as printed (stripped, blank lines dropped, NFC), every table cell as printed (totals included, money as
12.5), the 署名 and the 成文日期. Two reports with the same paper have the same code; two whose paper
differs anywhere have different codes. The QR code on the last page carries all 256 bits (52 characters
of Crockford base32: no I, L, O, U); the footer of every page carries its first 60 bits as
ABCD-EFGH-JKLM, short enough to read aloud. `verify` accepts either, typed however (case, spaces,
dashes, O for 0, I or L for 1), and also a code printed by version 1 (60 bits over the exchange JSON).

What a matching code proves: this paper shows the content of this report file or record. What it does
not prove: who made it or that it was approved (anyone with the file can compute the code: it is not a
signature or a seal), nor anything about what the paper does not show. The short code (60 bits) resists
chance, not a determined forger with a computer; the 256-bit code from the QR code resists both.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.errors import UserError
from core.exchange import to_dict
from core.report import Report, chinese_date
from core.rules import check, fmt, resolved_values, shown_value

if TYPE_CHECKING:
    from core.pdf import FontChoice
    from core.pdf.layout import FontRole

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12  # the footer code: 60 bits, a chance match between two reports about 1 in 10^18
FULL_LENGTH = 52  # the QR code: all 256 bits of the digest (52 × 5 = 260, the top 4 bits are 0)
GROUP = 4
_DOMAIN = b"nianbao.fingerprint/2\n"  # a new canonical form gets a new domain, so old codes never collide
_DOMAIN_V1 = b"nianbao.fingerprint/1\n"
_READ_AS = {"O": "0", "I": "1", "L": "1"}
QR_PREFIX = "NIANBAO"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def paper(report: Report) -> bytes:
    """The bytes the fingerprint is taken from: what the printed report shows, and nothing else."""
    values = resolved_values(report)
    signer = (report.signature.name or report.agency).strip()
    date = report.signature.date
    shown: dict[str, Any] = {
        "format": report.format,  # the row labels and table shapes printed around the numbers
        "title": _nfc(report.title),
        "text": {k: _lines(v) for k, v in report.texts.items()},
        "cells": {a: shown_value(report, values, a) for a in report.spec.cells},
        "signature": [_nfc(signer), chinese_date(date) if date else ""],
    }
    return json.dumps(shown, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _lines(text: str) -> list[str]:
    """A narrative as the PDF prints it: one paragraph per non-blank line, without its indentation."""
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
    return hashlib.sha256(_DOMAIN + paper(report)).digest()


def fingerprint(report: Report) -> str:
    """The footer code, grouped for reading aloud: e.g. 7K3M-Q9TX-2D4H (the full code's first 12)."""
    return _grouped(_base32(_digest(report), LENGTH))


def full_fingerprint(report: Report) -> str:
    """All 256 bits, as 52 characters (the QR code carries them)."""
    return _base32(_digest(report), FULL_LENGTH)


def qr_payload(report: Report) -> str:
    """The text of the QR code on a 定稿's last page: NIANBAO:2:<year>:<52-character code>."""
    return f"{QR_PREFIX}:2:{report.year}:{full_fingerprint(report)}"


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
            f"二维码中的完整校验码为 {FULL_LENGTH} 位。"
        )
    return normal


def matching_code(report: Report, code: str) -> str | None:
    """Which of the report's codes a typed code is: "full" (QR, 256 bits), "short" (footer, 60 bits),
    "v1" (printed by version 1, 60 bits over the file's content), or None when it is none of them."""
    normal = normalize_code(code)
    if normal is None:
        return None
    if len(normal) == FULL_LENGTH:
        return "full" if hmac.compare_digest(normal, full_fingerprint(report)) else None
    if hmac.compare_digest(normal, fingerprint(report).replace("-", "")):
        return "short"
    return "v1" if hmac.compare_digest(normal, _fingerprint_v1(report)) else None


VERIFIED = {  # what a match proves, for the message that reports it
    "full": "（完整校验码：打印件所示内容与这份报告一致。）",
    "short": "（页脚校验码可排除偶然不符；要防范有意伪造，请扫描末页二维码核对完整校验码。）",
    "v1": "（这是旧版软件打印的校验码，仍然有效；要防范有意伪造，请用新版重新定稿打印。）",
}


def verify(report: Report, code: str) -> bool:
    """Whether a printed code (footer, QR or version 1) belongs to this report's content."""
    return matching_code(report, code) is not None


def finalize_problems(report: Report, fonts: Mapping[FontRole, FontChoice] | None = None) -> list[str]:
    """Why the report cannot be finished (定稿) yet, in Chinese; empty when it can. The official copy
    must be complete and print every character (`fonts`: those it will be printed with, if not the
    ones found on this computer). The date may stay empty: it is then written by hand."""
    from core.pdf import describe_characters, unprintable_characters  # the PDF imports this module

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
