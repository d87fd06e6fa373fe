"""The open report: its content, findings and unsaved edits, and every change made to it — free of Qt.

An edit is first made into a change record (`values_change`, `text_change`, `signature_change`: what
it was and what it becomes, None when nothing changes), then applied (`apply_values`, `apply_text`,
`apply_signature`) — by the window's undo stack on redo and undo, or by any caller at once. Applying
writes to the database immediately; when the database refuses (disk full, file held by another program)
the edit stays in memory as pending and `flush` tries again: nothing typed is lost. A text edit made on
a text another program changed since is not written over it: `flush` returns the conflict as a question
(`SaveResult.conflict`), answered with `resolve_conflict`.

After every change the findings are recomputed against last year's report of the same agency. Dismissing
a warning, restoring a revision, renaming, 定稿 (under the one policy, `core.ops.policy`) and 解除定稿 go
through here too; `reload` re-reads everything from the database (`keep_pending=False` when an import
has just replaced the content, so a refused edit is not written over the import).
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from core.errors import TextConflict, UserError
from core.format.definition import ReportFormat
from core.model.report import Report, Signature, Values
from core.model.vocabulary import ReportStatus, RevisionKind
from core.ops.policy import Readiness, finalize_readiness, submission_readiness
from core.rules.summary import recounting_followers
from core.rules.table import Finding, check, resolved_values, severity_counts, without_dismissed
from core.rules.text import (
    COPIED,
    copied_sentences,
    draft_spans,
    follow_drafts,
    insert_drafts,
    repeat_line,
)

if TYPE_CHECKING:
    from core.documents.pdf.fonts import FontChoice
    from core.documents.pdf.layout import FontRole
    from core.storage import Database, Dismissal, Revision

READ_ONLY_MESSAGE = "本报告已定稿，不能修改；如需修改，请先在「签署与打印」页点击「解除定稿」。"


@dataclass(frozen=True)
class ValuesChange:
    """Cells before and after one edit (given totals the edit frees included); `kind` for the history."""

    before: Values
    after: Values
    kind: RevisionKind = RevisionKind.EDIT


@dataclass(frozen=True)
class TextChange:
    """A narrative text before and after one edit."""

    key: str
    before: str
    after: str


@dataclass(frozen=True)
class SignatureChange:
    """The signature (署名, 成文日期) before and after one edit."""

    before: Signature
    after: Signature


@dataclass(frozen=True)
class TextConflictQuestion:
    """A text the user edited was changed meanwhile by another program: keep theirs or the user's?"""

    key: str
    heading: str
    stored: str  # the other program's text

    @property
    def question(self) -> str:
        return (
            f"「{self.heading}」刚被其他程序（例如导入）修改过，而您是在修改前的内容上输入的。\n\n"
            "是：保留您的内容（其他程序的修改仍可在历史记录中找回）\n否：改用新的内容（放弃您刚才的输入）"
        )


@dataclass(frozen=True)
class SaveResult:
    """What `flush` did: `wrote` something; `error` (Chinese) when the database refused and the edits
    stay pending; `conflict` when a text needs the user's answer first."""

    wrote: bool = False
    error: str | None = None
    conflict: TextConflictQuestion | None = None


def user_name() -> str:
    """Who dismissed a warning: the Windows / system user name, as far as it can be told."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "本机用户"


def differs(old: Decimal | None, new: Decimal | None) -> bool:
    if old is None or new is None:
        return old is not new
    return old != new


class ReportSession:
    """One open report of a database (see the module docstring)."""

    def __init__(self, db: Database, report_id: int) -> None:
        self.db = db
        self.report_id = report_id
        self.save_error: str | None = None
        self.last_saved: dt.datetime | None = None
        self.previewing = False
        self._pending_values: Values = {}
        self._pending_kind = RevisionKind.EDIT
        self._pending_texts: dict[str, str] = {}
        self._pending_signature: Signature | None = None
        self._load()

    # ---------------------------------------------------------------- reading

    def _load(self) -> None:
        self.report: Report = self.db.load_report(self.report_id)
        self.previous: Report | None = self.db.previous_report(self.report_id)  # None: no year checks
        self.read_only: bool = self.db.status(self.report_id) == ReportStatus.FINAL
        self.dismissals: dict[str, Dismissal] = self.db.dismissals(self.report_id)
        self._stored_texts = dict(self.report.texts)  # what each text edit starts from (see `flush`)
        self.recompute()

    @property
    def spec(self) -> ReportFormat:
        return self.report.spec

    @property
    def status(self) -> ReportStatus:
        return ReportStatus.FINAL if self.read_only else ReportStatus.DRAFT

    def findings_for(self, address: str) -> list[Finding]:
        return self._by_cell.get(address, [])

    @property
    def counts(self) -> tuple[int, int]:
        """(errors, open warnings) of the report as it stands."""
        return severity_counts(self.findings)

    def recompute(self, report: Report | None = None) -> None:
        """Findings, resolved values and text marks of `report` (default: the report as it stands)."""
        report = report or self.report
        self.findings: list[Finding]
        self.findings, self.dismissed_findings = without_dismissed(
            check(report, self.previous), self.dismissals
        )
        self._text_marks(report)
        # shown whether or not TEXT.COPIED fires: offices are scored on the share below half too
        self.repeat_line = repeat_line(report, self.previous) if self.previous is not None else None
        self.resolved: dict[str, Decimal] = resolved_values(report)
        by_cell: dict[str, list[Finding]] = {}
        for finding in self.findings:
            for address in finding.cells:
                by_cell.setdefault(address, []).append(finding)
        self._by_cell = by_cell

    def _text_marks(self, report: Report) -> None:
        """Where the editors mark text: sentences repeated from last year (while TEXT.COPIED stands)
        and the untouched drafted blocks, as {text key: [(start, end)]}."""
        self.copied_spans: dict[str, list[tuple[int, int]]] = {}
        if self.previous is not None and any(f.rule == COPIED for f in self.findings):
            for sentence in copied_sentences(report, self.previous):
                self.copied_spans.setdefault(sentence.key, []).append((sentence.start, sentence.end))
        self.draft_spans = draft_spans(self.report)  # the stored text: a cell preview does not move it

    # ---------------------------------------------------------------- change records

    def _editable(self) -> None:
        if self.read_only:
            raise UserError(READ_ONLY_MESSAGE)

    def with_totals_freed(self, values: Values, changed: Iterable[str]) -> Values:
        """The given totals that depend on `changed` cells, set blank so they are computed again."""
        freed: Values = {}
        for address in changed:
            for total in self.spec.dependent_totals.get(address, ()):
                if total not in values and self.report.values[total] is not None:
                    freed[total] = None
        return freed

    def values_change(self, changes: Values, kind: RevisionKind = RevisionKind.EDIT) -> ValuesChange | None:
        """The change record of setting `changes` (values already valid); None when nothing differs."""
        self._editable()
        after: Values = {a: v for a, v in changes.items() if differs(self.report.values[a], v)}
        after.update(self.with_totals_freed(after, list(after)))
        if not after:
            return None
        return ValuesChange({a: self.report.values[a] for a in after}, after, kind)

    def text_change(self, key: str, text: str) -> TextChange | None:
        """The change record of a narrative text edit; None when the text is the same."""
        self._editable()
        return None if text == self.report.texts[key] else TextChange(key, self.report.texts[key], text)

    def signature_change(self, name: str | None, date: dt.date | None) -> SignatureChange | None:
        """The change record of a signature edit; None when it is the same."""
        self._editable()
        new = Signature(name=name, date=date)
        return None if new == self.report.signature else SignatureChange(self.report.signature, new)

    def drafted_texts(self) -> dict[str, str]:
        """「根据表格生成」: the texts with the standard number sentences written in (only those changing);
        when the agency keeps a register for the year, with its 「其中书面申请 N 件、网上申请 M 件」 and
        most frequent 事项类别 after the 依申请公开 paragraph."""
        self._editable()
        from core.register.sentence import register_sentence, with_sentence  # only when drafting

        texts = insert_drafts(self.report)
        sentence = register_sentence(self.db, self.report.agency, self.report.year)
        if sentence is not None:
            drafted = replace(self.report, texts={**self.report.texts, **texts})
            placed = with_sentence(drafted, sentence)
            if placed is not None:
                texts[placed[0]] = placed[1]
        return texts

    def resolved_with(self, changes: Values) -> dict[str, Decimal]:
        """What every cell would resolve to after `changes` (given totals they feed computed again)."""
        values = dict(self.report.values)
        values.update(changes)
        values.update(self.with_totals_freed(changes, list(changes)))
        return resolved_values(replace(self.report, values=values))

    def preview_value(self, address: str, value: Decimal | None) -> bool:
        """Recompute as if `address` held `value` (nothing stored); False when that is the stored value."""
        if not differs(self.report.values[address], value):
            return False
        values = dict(self.report.values)
        values[address] = value
        values.update(self.with_totals_freed({address: value}, [address]))
        self.previewing = True
        self.recompute(replace(self.report, values=values))
        return True

    def end_preview(self) -> bool:
        """Back to the stored values' findings; True when a preview was shown."""
        if not self.previewing:
            return False
        self.previewing = False
        self.recompute()
        return True

    # ---------------------------------------------------------------- applying

    def apply_values(self, values: Values, kind: RevisionKind = RevisionKind.EDIT) -> list[str]:
        """Make `values` current and store them; the text keys whose untouched drafted blocks followed."""
        before = replace(self.report, values=dict(self.report.values))
        self.report.values.update(values)
        followed = follow_drafts(before, self.report)
        for key, text in followed.items():
            self.report.texts[key] = text
            self._pending_texts[key] = text
        self._pending_values.update(values)
        self._pending_kind = kind
        self.previewing = False
        self.recompute()
        return list(followed)

    def apply_text(self, key: str, text: str) -> None:
        self.report.texts[key] = text
        self._pending_texts[key] = text
        self.recompute()

    def apply_signature(self, signature: Signature) -> None:
        self.report.signature = signature
        self._pending_signature = signature

    # ---------------------------------------------------------------- saving

    @property
    def unsaved(self) -> bool:
        """True while some change is held in memory because the database refused it."""
        return bool(self._pending_values or self._pending_texts or self._pending_signature)

    def flush(self) -> SaveResult:
        """Write everything pending. A refusal (`UserError`) keeps it pending, with `error` saying why."""
        if not self.unsaved:
            return SaveResult()
        try:
            if self._pending_values:
                self.db.set_values(self.report_id, dict(self._pending_values), kind=self._pending_kind)
                self._pending_values.clear()
            while self._pending_texts:
                key, text = next(iter(self._pending_texts.items()))
                try:
                    self.db.set_text(self.report_id, key, text, base=self._stored_texts[key])
                except TextConflict as conflict:
                    heading = next(s.full_heading for s in self.spec.sections if s.text_key == key)
                    return SaveResult(conflict=TextConflictQuestion(key, heading, conflict.stored))
                self._stored_texts[key] = text
                del self._pending_texts[key]
            if self._pending_signature is not None:
                signature = self._pending_signature
                self.db.set_signature(self.report_id, signature.name, signature.date)
                self._pending_signature = None
        except UserError as exc:
            self.save_error = exc.message
            return SaveResult(error=exc.message)
        self.save_error = None
        self.last_saved = dt.datetime.now()
        return SaveResult(wrote=True)

    def resolve_conflict(self, conflict: TextConflictQuestion, keep_mine: bool) -> SaveResult:
        """Answer a text conflict: store the user's text over the other program's, or take theirs (the
        user's stays findable nowhere but the undo stack, which the caller clears); then save on."""
        key = conflict.key
        if keep_mine:
            self._stored_texts[key] = conflict.stored  # the user's text is written over the newer one
        else:
            self.report.texts[key] = self._stored_texts[key] = conflict.stored
            del self._pending_texts[key]
            self.recompute()
        return self.flush()

    def discard_unsaved(self) -> None:
        """Forget the changes the database refused (the user chose so, or an import replaced them)."""
        self._pending_values.clear()
        self._pending_texts.clear()
        self._pending_signature = None
        self.save_error = None

    def _saved_first(self, action: str) -> None:
        result = self.flush()
        if result.error is not None or result.conflict is not None:
            raise UserError(
                f"刚才的修改还没有保存（{self.save_error or '文字与其他程序的修改冲突'}），现在不能{action}。"
                "请等保存成功后再试。"
            )

    def reload(self, keep_pending: bool = True) -> None:
        """Re-read the report from the database (after an import, a status change, another program).

        `keep_pending`: an edit the database still refuses stays what the user sees (and is retried);
        False after an import replaced the content, so the import — not a stale edit — is what stands."""
        if keep_pending:
            self.flush()
        else:
            self.discard_unsaved()
        self.previewing = False
        self._load()
        self.report.values.update(self._pending_values)
        self.report.texts.update(self._pending_texts)
        if self._pending_signature is not None:
            self.report.signature = self._pending_signature
        self.recompute()

    # ---------------------------------------------------------------- dismissals, history, status

    def dismiss(self, finding: Finding, reason: str) -> None:
        """「忽略此提醒」: the warning is kept with the report, with the reason, in its history."""
        self._editable()
        if not finding.dismissable:
            raise UserError("错误不能忽略，请修改数字。")
        self.db.dismiss(self.report_id, finding.key, reason, user_name())
        self._dismissals_changed()

    def undismiss(self, finding: Finding) -> None:
        """Show a dismissed warning again."""
        self._editable()
        self.db.undismiss(self.report_id, finding.key)
        self._dismissals_changed()

    def _dismissals_changed(self) -> None:
        self.dismissals = self.db.dismissals(self.report_id)
        self.recompute()

    def history(self, limit: int | None = None) -> list[Revision]:
        """The report's stored revisions, newest first."""
        return self.db.history(self.report_id, limit=limit)

    def restore_revision(self, revision_id: int) -> None:
        """Make the content right after `revision_id` current (itself a new revision); refused
        (`UserError`) while an edit is unsaved, which the restore would overwrite."""
        self._saved_first("恢复")
        with recounting_followers(self.db, self.report_id):
            self.db.restore_revision(self.report_id, revision_id)
        self.reload()

    def rename(self, agency: str, year: int) -> None:
        """Another 机关名称 or 年度 (a revision of its own); refused while an edit is unsaved, which
        would otherwise be stored under the old name."""
        self._saved_first("改名")
        with recounting_followers(self.db, self.report_id):
            self.db.rename_report(self.report_id, agency, year)
        self.reload()

    def finalize_readiness(self, fonts: dict[FontRole, FontChoice] | None = None) -> Readiness:
        """What 定稿 would need (the one policy): what blocks, the open hints, the fonts question."""
        unsaved = None
        if self.unsaved:
            result = self.flush()
            unsaved = None if not self.unsaved else (result.error or "文字与其他程序的修改冲突")
        return finalize_readiness(self.report, self.previous, self.dismissals, unsaved=unsaved, fonts=fonts)

    def finalize(self, fonts: dict[FontRole, FontChoice] | None = None) -> Readiness:
        """定稿, when the policy allows it (the caller has asked the user about `hints` and the fonts);
        otherwise nothing changes. Returns the readiness it was decided on."""
        readiness = self.finalize_readiness(fonts)
        if readiness.allowed:
            self.db.set_status(self.report_id, ReportStatus.FINAL)
            self.reload()
        return readiness

    def submission_readiness(self) -> Readiness:
        """What 报送 would send (the 报送 dialog lists it with 「仍然报送」/「返回修改」): a 定稿 must pass
        the policy; a draft's errors, open hints and blanks are listed."""
        return submission_readiness(self.report, self.read_only, self.previous, self.dismissals)

    def unfinalize(self, reason: str) -> None:
        """解除定稿, with the reason kept in the history; the report can be edited again."""
        self.db.set_status(self.report_id, ReportStatus.DRAFT, reason)
        self.reload()

    def previous_changed(self) -> None:
        """Last year's report of this agency changed (e.g. imported): the year checks run again."""
        self.previous = self.db.previous_report(self.report_id)
        self.recompute()
