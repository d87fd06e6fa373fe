"""The open report: the one object every view of it talks to (tables, narrative editors, findings, status).

Every edit is a command on the document's `QUndoStack` whose redo/undo writes to the database at once
(`Database.set_values` / `set_text` / `set_signature`) and emits `saved`. If the database refuses (disk
full, file made read-only) the edit stays in memory, `saveFailed` says why in Chinese, and the write is
retried with the next change and by a timer — nothing typed is dropped. After every change, and for
every live preview while a cell is being typed in, the findings are recomputed with `core.rules.check`
against last year's report of the same agency (for the YEAR.* rules).

Every change to the open report goes through here, also 定稿/解除定稿 and restoring a revision
(`finalize`, `unfinalize`, `restore_revision`); views read its history through `history`.

Totals are computed (read-only in the forms). A report imported from a published file may carry its
totals as given numbers; once the user changes one of their parts, those given totals are cleared in the
same undo step, so that they are computed again and follow the new value.
"""

from __future__ import annotations

import datetime as dt
import getpass
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.errors import TextConflict, UserError
from core.report import Report, Signature
from core.report_format import ReportFormat
from core.rules import Finding, check, resolved_values, severity_counts, without_dismissed
from core.text_rules import copied_sentences, draft_spans, follow_drafts, insert_drafts
from ui.crash import confirmed

if TYPE_CHECKING:
    from core.storage import Database, Dismissal, Revision

Values = dict[str, Decimal | None]

READ_ONLY_MESSAGE = "本报告已定稿，不能修改；如需修改，请先在「签署与打印」页点击「解除定稿」。"
TEXT_MERGE_SECONDS = 2.0  # typing pauses shorter than this stay in one undo step


class ReportDocument(QObject):
    """An open report with its findings, undo stack and immediate saving (see the module docstring)."""

    valuesChanged = Signal(list)  # addresses whose stored value changed (edit, undo, redo)
    textChanged = Signal(str)  # text key changed through undo/redo or reload (editors refresh)
    signatureChanged = Signal()  # signature changed through undo/redo or reload
    findingsChanged = Signal()  # findings and resolved values recomputed (also for live previews)
    saved = Signal(object)  # datetime of the last successful save
    saveFailed = Signal(str)  # Chinese message; the edit stays in memory and is retried
    reloaded = Signal()  # everything re-read from the database (views reset)

    RETRY_MS = 5000

    def __init__(self, db: Database, report_id: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.report_id = report_id
        self.undo_stack = QUndoStack(self)
        self.last_saved: dt.datetime | None = None
        self.save_error: str | None = None
        self._pending_values: Values = {}
        self._pending_kind = "edit"
        self._pending_texts: dict[str, str] = {}
        self._pending_signature: Signature | None = None
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(self.RETRY_MS)
        self._retry.timeout.connect(self.flush)
        self._previewing = False
        self._load()

    # ---------------------------------------------------------------- reading

    def _load(self) -> None:
        self.report: Report = self.db.load_report(self.report_id)
        self.previous: Report | None = self.db.previous_report(self.report_id)  # None: no year checks
        self.read_only: bool = self.db.status(self.report_id) == "final"
        self.dismissals: dict[str, Dismissal] = self.db.dismissals(self.report_id)
        self._stored_texts = dict(self.report.texts)  # what each text edit starts from (see _store_text)
        self._recompute(self.report)

    @property
    def spec(self) -> ReportFormat:
        return self.report.spec

    def findings_for(self, address: str) -> list[Finding]:
        return self._by_cell.get(address, [])

    @property
    def error_count(self) -> int:
        return severity_counts(self.findings)[0]

    @property
    def warning_count(self) -> int:
        return severity_counts(self.findings)[1]

    @property
    def previewing(self) -> bool:
        return self._previewing

    def _recompute(self, report: Report) -> None:
        findings = check(report, self.previous)
        self.findings: list[Finding]
        self.findings, self.dismissed_findings = without_dismissed(findings, self.dismissals)
        self._text_marks(report)
        self.resolved: dict[str, Decimal] = resolved_values(report)
        by_cell: dict[str, list[Finding]] = {}
        for finding in self.findings:
            for address in finding.cells:
                by_cell.setdefault(address, []).append(finding)
        self._by_cell = by_cell

    # ---------------------------------------------------------------- editing

    def _with_totals_freed(self, values: Values, changed: Iterable[str]) -> Values:
        """The given totals that depend on `changed` cells, set blank so they are computed again."""
        freed: Values = {}
        for address in changed:
            for total in self.spec.dependent_totals.get(address, ()):
                if total not in values and self.report.values[total] is not None:
                    freed[total] = None
        return freed

    def set_values(
        self, changes: dict[str, Decimal | None], label: str = "修改数字", kind: str = "edit"
    ) -> None:
        """Store `changes` as one undo step, saved at once (values must already be valid).

        `kind` is the revision kind recorded in the history (`edit`, `paste`).
        """
        if self.read_only:
            raise UserError(READ_ONLY_MESSAGE)
        after: Values = {a: v for a, v in changes.items() if _differs(self.report.values[a], v)}
        after.update(self._with_totals_freed(after, list(after)))
        if not after:
            self.end_preview()
            return
        before = {a: self.report.values[a] for a in after}
        self.undo_stack.push(_ValuesCommand(self, before, after, label, kind))

    def preview_value(self, address: str, value: Decimal | None) -> None:
        """Recompute totals and findings as if `address` held `value`; nothing is stored."""
        if not _differs(self.report.values[address], value):
            self.end_preview()
            return
        values = dict(self.report.values)
        values[address] = value
        values.update(self._with_totals_freed({address: value}, [address]))
        self._previewing = True
        self._recompute(self.report.model_copy(update={"values": values}))
        self.findingsChanged.emit()

    def end_preview(self) -> None:
        """Back to the stored values' findings (the cell editor closed without storing)."""
        if self._previewing:
            self._previewing = False
            self._recompute(self.report)
            self.findingsChanged.emit()

    def set_text(self, key: str, text: str) -> None:
        """Store a narrative text; consecutive typing in one editor merges into one undo step."""
        if self.read_only:
            raise UserError(READ_ONLY_MESSAGE)
        if text != self.report.texts[key]:
            self.undo_stack.push(_TextCommand(self, key, self.report.texts[key], text))

    def set_signature(self, name: str | None, date: dt.date | None) -> None:
        """Store the signature (署名, 成文日期) as one undo step."""
        if self.read_only:
            raise UserError(READ_ONLY_MESSAGE)
        new = Signature(name=name, date=date)
        if new != self.report.signature:
            self.undo_stack.push(_SignatureCommand(self, self.report.signature, new))

    def resolved_with(self, changes: Values) -> dict[str, Decimal]:
        """What every cell would resolve to after `changes` (given totals they feed computed again)."""
        values = dict(self.report.values)
        values.update(changes)
        values.update(self._with_totals_freed(changes, list(changes)))
        return resolved_values(self.report.model_copy(update={"values": values}))

    # ---------------------------------------------------------------- status and history

    def finalize(self) -> None:
        """定稿: the stored report becomes read-only (the caller has checked it may); views follow."""
        self.db.set_status(self.report_id, "final")
        self.reload()

    def unfinalize(self, reason: str) -> None:
        """解除定稿, with the reason kept in the history; the report can be edited again."""
        self.db.set_status(self.report_id, "draft", reason)
        self.reload()

    def history(self, limit: int | None = None) -> list[Revision]:
        """The report's stored revisions, newest first."""
        return self.db.history(self.report_id, limit=limit)

    def restore_revision(self, revision_id: int) -> None:
        """Make the content right after `revision_id` current (itself a new revision); views follow.

        Refused (`UserError`) while an edit is still unsaved: the restore would overwrite it.
        """
        if not self.flush():
            raise UserError(
                f"刚才的修改还没有保存（{self.save_error}），现在不能恢复，以免它被覆盖。请等保存成功后再试。"
            )
        self.db.restore_revision(self.report_id, revision_id)
        self.reload()

    def rename(self, agency: str, year: int) -> None:
        """Another 机关名称 or 年度 for the open report (a revision of its own); refused (`UserError`)
        while an edit is still unsaved, which would otherwise be stored under the old name."""
        if not self.flush():
            raise UserError(f"刚才的修改还没有保存（{self.save_error}），现在不能改名。请等保存成功后再试。")
        self.db.rename_report(self.report_id, agency, year)
        self.reload()

    def reload(self) -> None:
        """Re-read the report from the database (after an import elsewhere or a status change)."""
        self.flush()
        self.undo_stack.clear()  # the commands refer to the state before the reload
        self._previewing = False
        self._load()
        # anything the database still refused stays what the user sees (and is retried)
        self.report.values.update(self._pending_values)
        self.report.texts.update(self._pending_texts)
        if self._pending_signature is not None:
            self.report.signature = self._pending_signature
        self._recompute(self.report)
        self.reloaded.emit()
        self.valuesChanged.emit(list(self.report.values))
        for key in self.report.texts:
            self.textChanged.emit(key)
        self.signatureChanged.emit()
        self.findingsChanged.emit()

    # ---------------------------------------------------------------- applying and saving

    def _apply_values(self, values: Values, kind: str) -> None:
        before = self.report.model_copy(update={"values": dict(self.report.values)})
        self.report.values.update(values)
        self._follow_drafts(before)
        self._pending_values.update(values)
        self._pending_kind = kind
        self._previewing = False
        self._recompute(self.report)
        self.flush()
        self.valuesChanged.emit(list(values))
        self.findingsChanged.emit()

    def _apply_text(self, key: str, text: str, notify: bool) -> None:
        self.report.texts[key] = text
        self._pending_texts[key] = text
        self._recompute(self.report)
        self.flush()
        if notify:
            self.textChanged.emit(key)
        self.findingsChanged.emit()

    def _apply_signature(self, signature: Signature) -> None:
        self.report.signature = signature
        self._pending_signature = signature
        self.flush()
        self.signatureChanged.emit()

    def flush(self) -> bool:
        """Write everything not yet saved; on a `UserError` keep it, report it and retry later."""
        if not (self._pending_values or self._pending_texts or self._pending_signature):
            return True
        try:
            if self._pending_values:
                self.db.set_values(self.report_id, dict(self._pending_values), kind=self._pending_kind)
                self._pending_values.clear()
            while self._pending_texts:
                key, text = next(iter(self._pending_texts.items()))
                self._store_text(key, text)
                del self._pending_texts[key]
            if self._pending_signature is not None:
                self.db.set_signature(
                    self.report_id, self._pending_signature.name, self._pending_signature.date
                )
                self._pending_signature = None
        except UserError as exc:
            self.save_error = exc.message
            self._retry.start()
            self.saveFailed.emit(f"{exc.message}（修改仍保留在窗口中，稍后会自动重试保存）")
            return False
        self.save_error = None
        self._retry.stop()
        self.last_saved = dt.datetime.now()
        self.saved.emit(self.last_saved)
        return True

    def _store_text(self, key: str, text: str) -> None:
        """Store a text unless another program changed the stored one since it was read: then ask."""
        try:
            self.db.set_text(self.report_id, key, text, base=self._stored_texts[key])
        except TextConflict as conflict:
            heading = next(s.full_heading for s in self.spec.sections if s.text_key == key)
            keep_mine = confirmed(
                None,
                f"「{heading}」刚被其他程序（例如导入）修改过，而您是在修改前的内容上输入的。\n\n"
                "是：保留您的内容（其他程序的修改仍可在历史记录中找回）\n否：改用新的内容（放弃您刚才的输入）",
            )
            if not keep_mine:
                self.report.texts[key] = self._stored_texts[key] = conflict.stored
                self.undo_stack.clear()  # its steps start from the text that was replaced
                self.textChanged.emit(key)
                return
            self.db.set_text(self.report_id, key, text, base=conflict.stored)
        self._stored_texts[key] = text

    def discard_unsaved(self) -> None:
        """Forget the changes the database refused (the user chose so, on closing): no more retries."""
        self._retry.stop()
        self._pending_values.clear()
        self._pending_texts.clear()
        self._pending_signature = None

    @property
    def unsaved(self) -> bool:
        """True while some change is held in memory because the database refused it."""
        return bool(self._pending_values or self._pending_texts or self._pending_signature)

    # ---------------------------------------------------------------- dismissals and the narrative

    def dismiss(self, finding: Finding, reason: str) -> None:
        """「忽略此提醒」: the warning is kept with the report, with the reason and who, in its history."""
        if self.read_only:
            raise UserError(READ_ONLY_MESSAGE)
        if not finding.dismissable:
            raise UserError("错误不能忽略，请修改数字。")
        self.db.dismiss(self.report_id, finding.key, reason, _user_name())
        self._dismissals_changed()

    def undismiss(self, finding: Finding) -> None:
        """Show a dismissed warning again."""
        if self.read_only:
            raise UserError(READ_ONLY_MESSAGE)
        self.db.undismiss(self.report_id, finding.key)
        self._dismissals_changed()

    def _dismissals_changed(self) -> None:
        self.dismissals = self.db.dismissals(self.report_id)
        self._recompute(self.report)
        self.saved.emit(dt.datetime.now())
        self.findingsChanged.emit()

    def _text_marks(self, report: Report) -> None:
        """Where the editors mark text: sentences repeated from last year (while TEXT.COPIED stands)
        and the untouched drafted blocks, as {text key: [(start, end)]}."""
        self.copied_spans: dict[str, list[tuple[int, int]]] = {}
        if self.previous is not None and any(f.rule == "TEXT.COPIED" for f in self.findings):
            for sentence in copied_sentences(report, self.previous):
                self.copied_spans.setdefault(sentence.key, []).append((sentence.start, sentence.end))
        self.draft_spans = draft_spans(self.report)  # the stored text: a cell preview does not move it

    def draft_from_tables(self) -> int:
        """「根据表格生成」: the standard number sentences written into the narrative, one undo step.
        Returns how many texts changed (0: every drafted block is already there)."""
        if self.read_only:
            raise UserError(READ_ONLY_MESSAGE)
        texts = insert_drafts(self.report)
        if not texts:
            return 0
        self.undo_stack.beginMacro("根据表格生成")
        for key, text in texts.items():
            self.undo_stack.push(_TextCommand(self, key, self.report.texts[key], text, first=False))
        self.undo_stack.endMacro()
        return len(texts)

    def _follow_drafts(self, before: Report) -> None:
        """Untouched drafted blocks follow the tables (their undo is the table change's own undo)."""
        for key, text in follow_drafts(before, self.report).items():
            self.report.texts[key] = text
            self._pending_texts[key] = text
            self.textChanged.emit(key)


def _user_name() -> str:
    """Who dismissed a warning: the Windows / system user name, as far as it can be told."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "本机用户"


def _differs(old: Decimal | None, new: Decimal | None) -> bool:
    if old is None or new is None:
        return old is not new
    return old != new


class _ValuesCommand(QUndoCommand):
    def __init__(self, doc: ReportDocument, before: Values, after: Values, label: str, kind: str) -> None:
        super().__init__(label)
        self._doc, self._before, self._after, self._kind = doc, before, after, kind

    def redo(self) -> None:
        self._doc._apply_values(self._after, self._kind)

    def undo(self) -> None:
        self._doc._apply_values(self._before, self._kind)


class _TextCommand(QUndoCommand):
    ID = 1001

    def __init__(self, doc: ReportDocument, key: str, before: str, after: str, first: bool = True) -> None:
        super().__init__("修改文字")
        self._doc, self.key, self.before, self.after = doc, key, before, after
        self._first = first  # the editor that pushed the command already shows the text
        self._at = time.monotonic()

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _TextCommand) or other.key != self.key:
            return False
        if other._at - self._at > TEXT_MERGE_SECONDS:
            return False
        self.after, self._at = other.after, other._at
        self.setObsolete(self.after == self.before)
        return True

    def redo(self) -> None:
        self._doc._apply_text(self.key, self.after, notify=not self._first)
        self._first = False

    def undo(self) -> None:
        self._doc._apply_text(self.key, self.before, notify=True)


class _SignatureCommand(QUndoCommand):
    def __init__(self, doc: ReportDocument, before: Signature, after: Signature) -> None:
        super().__init__("修改署名和日期")
        self._doc, self._before, self._after = doc, before, after

    def redo(self) -> None:
        self._doc._apply_signature(self._after)

    def undo(self) -> None:
        self._doc._apply_signature(self._before)
