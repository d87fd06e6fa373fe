"""The fingerprint (校验码) of a finished report (定稿), and whether a report may be finished.

The code is 12 characters of Crockford base32 (no I, L, O, U) taken from a SHA-256 of the report's
canonical content, printed as ABCD-EFGH-JKLM in the footer of every page of the 定稿 PDF and as a QR
code on its last page. Anyone holding the paper copy can check it against a report file or record:
`verify` accepts the code however it was typed (case, spaces, dashes, O for 0, I or L for 1).
The canonical content is the exchange JSON (`core.exchange.to_dict`) with numbers by value (12.50 is
12.5), newlines as \\n and keys sorted, so the same report gives the same code wherever it is stored.
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
from core.report import Report
from core.rules import check, fmt

if TYPE_CHECKING:
    from core.pdf import FontChoice
    from core.pdf.layout import FontRole

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12  # 60 bits: a chance match between two different reports is about 1 in 10^18
GROUP = 4
_DOMAIN = b"nianbao.fingerprint/1\n"  # a new canonical form gets a new domain, so old codes never collide
_READ_AS = {"O": "0", "I": "1", "L": "1"}


def canonical(report: Report) -> bytes:
    """The bytes the fingerprint is taken from."""
    data: dict[str, Any] = to_dict(report)
    for address, value in report.values.items():
        table, rest = address.split(".", 1)
        row, column = rest.rsplit(".", 1)
        data[table][row][column] = None if value is None else fmt(value)
    data["text"] = {k: v.replace("\r\n", "\n").replace("\r", "\n") for k, v in data["text"].items()}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def fingerprint(report: Report) -> str:
    """The report's code, grouped for reading aloud: e.g. 7K3M-Q9TX-2D4H."""
    number = int.from_bytes(hashlib.sha256(_DOMAIN + canonical(report)).digest()[:8], "big")
    number >>= 64 - 5 * LENGTH
    digits = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(LENGTH)))
    return "-".join(digits[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalize_code(code: str) -> str | None:
    """The 12 code characters of what someone typed, or None when it cannot be a code."""
    text = unicodedata.normalize("NFKC", code).upper()
    text = "".join(_READ_AS.get(ch, ch) for ch in text if not ch.isspace() and ch not in "-_—－")
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text


def parse_code(code: str) -> str:
    """Like `normalize_code`, but an impossible code is explained to the user."""
    normal = normalize_code(code)
    if normal is None:
        raise UserError(
            f"校验码“{code}”的格式不对：校验码由 {LENGTH} 位字母和数字组成，形如 ABCD-EFGH-JKLM。"
        )
    return normal


def verify(report: Report, code: str) -> bool:
    """Whether a printed code belongs to this report's content."""
    normal = normalize_code(code)
    expected = fingerprint(report).replace("-", "")
    return normal is not None and hmac.compare_digest(normal, expected)


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
