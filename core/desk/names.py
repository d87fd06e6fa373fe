"""Matching an agency's spellings to the roster: normalised equality, remembered answers, and the
close names to ask about (never guessed)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from core.errors import UserError

if TYPE_CHECKING:
    pass


_ASK_SCORE = 80  # rapidfuzz ratio (0–100) from which a name not equal to a roster name is asked about
_LOOK_SCORE = 40  # below it a roster name is not even looked at as an abbreviation


# ---------------------------------------------------------------- matching names to the roster


_NOISE = re.compile(r"[\s·•・.。,，、:：;；'\"“”‘’()（）\[\]【】《》<>-]")
_INSIDE = ("人民政府",)  # 温县人民政府财政局 is 温县财政局; 温县人民政府 itself stays


def normalize_name(name: str) -> str:
    """A name as compared: full width folded, spaces and punctuation gone, 人民政府 inside a name dropped."""
    text = _NOISE.sub("", unicodedata.normalize("NFKC", name))
    for word in _INSIDE:
        head, sep, tail = text.partition(word)
        if sep and head and tail:
            text = head + tail
    return text


def _shared(a: str, b: str) -> int:
    """How many characters `a` and `b` share at their start."""
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _abbreviates(a: str, b: str) -> bool:
    """Whether one name is the other shortened: after what they share at both ends (温县…局), the shorter
    rest is the longer's characters in order (发改委 of 发展和改革委员会, 教育 of 教育体育). 温县水利局 and
    温县教育局 share 60 % of their characters but are two agencies: not asked about."""
    start = _shared(a, b)
    end = _shared(a[start:][::-1], b[start:][::-1])
    short, long = sorted((a[start : len(a) - end], b[start : len(b) - end]), key=len)
    letters = iter(long)
    return all(c in letters for c in short)


@dataclass(frozen=True)
class Match:
    """Which roster name a spelling is: `sure` when equal after normalising or remembered; else
    `agency` is the closest candidate to ask about (None: nothing on the roster is like it)."""

    name: str
    agency: str | None
    sure: bool
    score: float = 0.0


class Matcher:
    """Matches spellings to a roster, remembering the answers the user gave (spelling → roster name)."""

    def __init__(self, roster: Sequence[str], answers: Mapping[str, str] | None = None) -> None:
        self.roster = list(roster)
        self.answers = dict(answers or {})
        self._normal = {normalize_name(n): n for n in self.roster}

    def match(self, name: str) -> Match:
        remembered = self.answers.get(name.strip())
        if remembered is not None and remembered in self.roster:
            return Match(name, remembered, True, 100.0)
        exact = self._normal.get(normalize_name(name))
        if exact is not None:
            return Match(name, exact, True, 100.0)
        normal = normalize_name(name)
        close = process.extract(
            normal, list(self._normal), scorer=fuzz.ratio, score_cutoff=_LOOK_SCORE, limit=10
        )
        for candidate, score, _ in close:
            if score >= _ASK_SCORE or _abbreviates(normal, candidate):
                return Match(name, self._normal[candidate], False, float(score))
        return Match(name, None, False, float(close[0][1]) if close else 0.0)

    def remember(self, name: str, agency: str) -> None:
        """The user's answer: `name` is the roster's `agency` from now on."""
        if agency not in self.roster:
            raise UserError(f"名单中没有“{agency}”。")
        self.answers[name.strip()] = agency


def one_line(text: object) -> str:
    """Text from a file (a file or agency name) as one line of the desk's text output: a newline, tab
    or other control or direction character cannot forge a line or hide what follows (shown as □)."""
    return "".join("□" if unicodedata.category(ch)[0] == "C" else ch for ch in str(text))
