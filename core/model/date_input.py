"""A date as a user types it (the 成文日期), turned into a date or refused with a Chinese reason.

Office staff write dates the way documents print them (2022年1月20日), the ISO way (2022-01-20, also with
`/` or `.`), or as eight digits (20220120), often on a Chinese input method that gives full-width digits
and spaces. Empty text means "not filled in" (the date may be written by hand on the printed copy).
No Qt here: the date field and its tests use this function as it is.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from core.errors import UserError

EXAMPLE = "2022年1月20日"
_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(text: str) -> dt.date | None:
    """The date `text` names; None for empty text; `UserError` (in Chinese) for anything else."""
    plain = unicodedata.normalize("NFKC", text).strip()  # full-width ２０２２ and ideographic spaces
    if not plain:
        return None
    match = _SEPARATED.fullmatch(plain) or _DIGITS.fullmatch(plain)
    if match is None:
        raise UserError(f"「{text.strip()}」不是日期。请按“{EXAMPLE}”“2022-01-20”或“20220120”的样子填写。")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise UserError(f"没有 {year}年{month}月{day}日 这一天，请检查成文日期。") from None
