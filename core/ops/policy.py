"""The one 定稿 policy, and the only way an output gets a 校验码.

A report may be finished (定稿) when it has no error, no blank cell, a 署名, and every character prints
(`core.documents.fingerprint.finalize_problems` lists what blocks). Open warnings — hints the user has not
dismissed — do not block; they are listed for the user to go on (「仍然定稿」) or go back (「返回修改」),
at 定稿 and at 报送. `Readiness` is that answer as data: the UI only shows it and asks.

Every output that prints a 校验码 (PDF, print, Word, the 报送 package) asks `shown_code`, which refuses
(`UserError`) a code for a report the policy refuses, whatever its stored status says.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.documents.fingerprint import finalize_problems, fingerprint
from core.errors import UserError
from core.model.report import Report
from core.rules.table import BLANK, Finding, check, without_dismissed

if TYPE_CHECKING:
    from core.documents.pdf.fonts import FontChoice
    from core.documents.pdf.layout import FontRole

UNSAVED = (
    "刚才的修改还没有保存到数据库（{}）。定稿的必须是已保存的内容，请等保存成功（状态栏显示“已保存”）后再试"
)
SHOWN_OPEN = 8  # open hints named one by one in the question; the rest are counted


@dataclass(frozen=True)
class Readiness:
    """What stands between the report and 定稿 (or 报送): `blocking` reasons refuse it; open `hints` and
    `blanks` are listed for the user to confirm; `fonts_question` is asked when the paper would not
    print in the official faces (None when it will)."""

    blocking: tuple[str, ...]
    hints: tuple[Finding, ...] = ()
    blanks: tuple[Finding, ...] = ()
    fonts_question: str | None = None

    @property
    def allowed(self) -> bool:
        return not self.blocking

    @property
    def needs_confirming(self) -> bool:
        return bool(self.hints or self.blanks)

    def open_items(self) -> str:
        """The hints and blanks in words, one per line (the question 「仍然定稿」/「返回修改」 shows)."""
        lines = [f"· {f.message}" for f in self.hints[:SHOWN_OPEN]]
        if len(self.hints) > SHOWN_OPEN:
            lines.append(f"· ……还有 {len(self.hints) - SHOWN_OPEN} 条提醒")
        if self.blanks:
            first = self.blanks[0].message.removesuffix("（没有的请填 0）")
            lines.append(f"· 还有 {len(self.blanks)} 个单元格未填写，第一个是{first}")
        return "\n".join(lines)


def _open(findings: list[Finding]) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(open hints other than blanks, blanks) among the findings that stand."""
    hints = tuple(f for f in findings if f.severity == "warning" and f.rule != BLANK)
    return hints, tuple(f for f in findings if f.rule == BLANK)


def _fonts_question(fonts: Mapping[FontRole, FontChoice] | None) -> str | None:
    from core.documents.pdf.fonts import NO_FANGSONG, resolve_fonts

    chosen = fonts if fonts is not None else resolve_fonts()
    return f"{NO_FANGSONG}，仍要定稿吗？" if chosen["fangsong"].bundled else None


def finalize_readiness(
    report: Report,
    previous: Report | None,
    dismissed: Container[str],
    *,
    unsaved: str | None = None,
    fonts: Mapping[FontRole, FontChoice] | None = None,
) -> Readiness:
    """May `report` be finished? `previous`: last year's report (the hints across years); `dismissed`:
    the keys of the warnings dismissed for it; `unsaved`: why an edit is not yet stored, if one is."""
    blocking = [UNSAVED.format(unsaved)] if unsaved is not None else []
    blocking += finalize_problems(report, fonts)
    standing, _ = without_dismissed(check(report, previous), dismissed)
    hints, blanks = _open(standing)
    question = _fonts_question(fonts) if not blocking else None
    return Readiness(tuple(blocking), hints, blanks, question)


def submission_readiness(
    report: Report, final: bool, previous: Report | None, dismissed: Container[str]
) -> Readiness:
    """May `report` be sent (报送)? A 定稿 must pass the policy; a draft may go, with its errors, open
    hints and blanks listed for the user to confirm."""
    blocking = tuple(finalize_problems(report)) if final else ()
    standing, _ = without_dismissed(check(report, previous), dismissed)
    hints, blanks = _open(standing)
    errors = tuple(f for f in standing if f.severity == "error")
    return Readiness(blocking, (*errors, *hints), blanks)


def may_show_code(report: Report, fonts: Mapping[FontRole, FontChoice] | None = None) -> bool:
    """Whether an output may print a 校验码 for `report`: only when the policy lets it be finished."""
    return not finalize_problems(report, fonts)


def shown_code(report: Report, final: bool, fonts: Mapping[FontRole, FontChoice] | None = None) -> str | None:
    """The 校验码 an output prints: None for a draft; for a 定稿 its code, or a `UserError` when the
    policy refuses the report (e.g. a file marked final whose numbers do not add up)."""
    if not final:
        return None
    problems = finalize_problems(report, fonts)
    if problems:
        raise UserError(
            f"「{report.title}」标为定稿，但它还不符合定稿的条件，不能带校验码输出："
            + "；".join(problems[:3])
            + "。请先解除定稿并改正。"
        )
    return fingerprint(report)
