"""The open report in the window: a thin Qt adapter over `core.ops.session.ReportSession`.

The session owns the report, its findings, saving and every change (edits as change records, dismissals,
restore, rename, 定稿 under the one policy); this object adds what Qt needs: the `QUndoStack` whose
commands apply the session's change records on redo and undo, the signals the views listen to, a timer
that retries a save the database refused, and the question when a text edit meets a text another
program changed meanwhile. Typing pauses shorter than `TEXT_MERGE_SECONDS` stay in one undo step.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.format.definition import ReportFormat
from core.model.report import Report, Signature, Values
from core.model.vocabulary import RevisionKind
from core.ops.policy import Readiness
from core.ops.session import READ_ONLY_MESSAGE as READ_ONLY_MESSAGE
from core.ops.session import ReportSession, SaveResult, TextChange, ValuesChange
from core.rules.table import Finding
from ui.crash import confirmed

if TYPE_CHECKING:
    from core.ops.handles import Database, Dismissal, Revision

TEXT_MERGE_SECONDS = 2.0  # typing pauses shorter than this stay in one undo step


class ReportDocument(QObject):
    """An open report with its undo stack and signals (see the module docstring)."""

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
        self.session = ReportSession(db, report_id)
        self.undo_stack = QUndoStack(self)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(self.RETRY_MS)
        self._retry.timeout.connect(self.flush)

    # ---------------------------------------------------------------- what the views read

    @property
    def db(self) -> Database:
        return self.session.db

    @property
    def report_id(self) -> int:
        return self.session.report_id

    @property
    def report(self) -> Report:
        return self.session.report

    @property
    def previous(self) -> Report | None:
        return self.session.previous

    @property
    def read_only(self) -> bool:
        return self.session.read_only

    @property
    def dismissals(self) -> dict[str, Dismissal]:
        return self.session.dismissals

    @property
    def findings(self) -> list[Finding]:
        return self.session.findings

    @property
    def dismissed_findings(self) -> list[Finding]:
        return self.session.dismissed_findings

    @property
    def resolved(self) -> dict[str, Decimal]:
        return self.session.resolved

    @property
    def copied_spans(self) -> dict[str, list[tuple[int, int]]]:
        return self.session.copied_spans

    @property
    def repeat_line(self) -> str | None:
        return self.session.repeat_line

    @property
    def draft_spans(self) -> dict[str, list[tuple[int, int]]]:
        return self.session.draft_spans

    @property
    def save_error(self) -> str | None:
        return self.session.save_error

    @property
    def last_saved(self) -> dt.datetime | None:
        return self.session.last_saved

    @property
    def spec(self) -> ReportFormat:
        return self.session.spec

    def findings_for(self, address: str) -> list[Finding]:
        return self.session.findings_for(address)

    @property
    def error_count(self) -> int:
        return self.session.counts[0]

    @property
    def warning_count(self) -> int:
        return self.session.counts[1]

    @property
    def previewing(self) -> bool:
        return self.session.previewing

    @property
    def unsaved(self) -> bool:
        """True while some change is held in memory because the database refused it."""
        return self.session.unsaved

    # ---------------------------------------------------------------- editing

    def set_values(
        self, changes: dict[str, Decimal | None], label: str = "修改数字", kind: str = RevisionKind.EDIT
    ) -> None:
        """Store `changes` as one undo step, saved at once (values must already be valid); `kind` is
        the revision kind recorded in the history (edit, paste)."""
        typed = RevisionKind.of(kind)
        if typed is None:
            raise ValueError(f"unknown revision kind: {kind}")
        self.push_values(self.session.values_change(changes, typed), label)

    def push_values(self, change: ValuesChange | None, label: str) -> None:
        """A change record of the session's (e.g. the register's count) as one undo step."""
        if change is None:
            self.end_preview()
            return
        self.undo_stack.push(_ValuesCommand(self, change.before, change.after, label, change.kind))

    def push_text(self, change: TextChange | None) -> None:
        """A text change made elsewhere than its editor (the register's sentence) as one undo step; the
        editor is told, so it shows it."""
        if change is not None:
            self.undo_stack.push(_TextCommand(self, change.key, change.before, change.after, first=False))

    def preview_value(self, address: str, value: Decimal | None) -> None:
        """Recompute totals and findings as if `address` held `value`; nothing is stored."""
        if self.session.preview_value(address, value):
            self.findingsChanged.emit()
        else:
            self.end_preview()

    def end_preview(self) -> None:
        """Back to the stored values' findings (the cell editor closed without storing)."""
        if self.session.end_preview():
            self.findingsChanged.emit()

    def set_text(self, key: str, text: str) -> None:
        """Store a narrative text; consecutive typing in one editor merges into one undo step."""
        change = self.session.text_change(key, text)
        if change is not None:
            self.undo_stack.push(_TextCommand(self, key, change.before, change.after))

    def set_signature(self, name: str | None, date: dt.date | None) -> None:
        """Store the signature (署名, 成文日期) as one undo step."""
        change = self.session.signature_change(name, date)
        if change is not None:
            self.undo_stack.push(_SignatureCommand(self, change.before, change.after))

    def resolved_with(self, changes: Values) -> dict[str, Decimal]:
        """What every cell would resolve to after `changes` (given totals they feed computed again)."""
        return self.session.resolved_with(changes)

    def draft_from_tables(self) -> int:
        """「根据表格生成」: the standard number sentences written into the narrative, one undo step.
        Returns how many texts changed (0: every drafted block is already there)."""
        texts = self.session.drafted_texts()
        if not texts:
            return 0
        self.undo_stack.beginMacro("根据表格生成")
        for key, text in texts.items():
            self.undo_stack.push(_TextCommand(self, key, self.report.texts[key], text, first=False))
        self.undo_stack.endMacro()
        return len(texts)

    # ---------------------------------------------------------------- status and history

    def finalize_readiness(self) -> Readiness:
        """What 定稿 needs now (the one policy in `core.ops.policy`): the sign page shows it and asks."""
        self.flush()  # an edit still held is saved first (or named as what blocks)
        return self.session.finalize_readiness()

    def finalize(self) -> Readiness:
        """定稿 if the policy allows (the user has been asked about open hints and fonts); views follow."""
        readiness = self.session.finalize()
        if readiness.allowed:
            self._reloaded()
        return readiness

    def unfinalize(self, reason: str) -> None:
        """解除定稿, with the reason kept in the history; the report can be edited again."""
        self.session.unfinalize(reason)
        self._reloaded()

    def history(self, limit: int | None = None) -> list[Revision]:
        """The report's stored revisions, newest first."""
        return self.session.history(limit)

    def restore_revision(self, revision_id: int) -> None:
        """Make the content right after `revision_id` current (itself a new revision); views follow.
        Refused (`UserError`) while an edit is still unsaved: the restore would overwrite it."""
        self.session.restore_revision(revision_id)
        self._reloaded()

    def rename(self, agency: str, year: int) -> None:
        """Another 机关名称 or 年度 for the open report; refused (`UserError`) while an edit is unsaved."""
        self.session.rename(agency, year)
        self._reloaded()

    def reload(self, keep_pending: bool = True) -> None:
        """Re-read the report from the database (another program changed it, or a status change)."""
        self.session.reload(keep_pending)
        self._reloaded()

    def _reloaded(self) -> None:
        """The session re-read everything: the undo steps refer to the state before; views reset."""
        self.undo_stack.clear()
        if not self.unsaved:
            self._retry.stop()
        self.reloaded.emit()
        self.valuesChanged.emit(list(self.report.values))
        for key in self.report.texts:
            self.textChanged.emit(key)
        self.signatureChanged.emit()
        self.findingsChanged.emit()

    def library_changed(self, reloaded: bool) -> None:
        """The database changed under the open report: it was imported over (`reloaded`: the library
        has re-read the session; views reset), or another report did — last year's may have (findings)."""
        if reloaded:
            self._reloaded()
        else:
            self.session.previous_changed()  # cheap: one report read, the rules run once
            self.findingsChanged.emit()

    # ---------------------------------------------------------------- applying and saving

    def _apply_values(self, values: Values, kind: RevisionKind) -> None:
        followed = self.session.apply_values(values, kind)
        for key in followed:
            self.textChanged.emit(key)
        self.flush()
        self.valuesChanged.emit(list(values))
        self.findingsChanged.emit()

    def _apply_text(self, key: str, text: str, notify: bool) -> None:
        self.session.apply_text(key, text)
        self.flush()
        if notify:
            self.textChanged.emit(key)
        self.findingsChanged.emit()

    def _apply_signature(self, signature: Signature) -> None:
        self.session.apply_signature(signature)
        self.flush()
        self.signatureChanged.emit()

    def flush(self) -> bool:
        """Write everything not yet saved; when the database refuses keep it, say so and retry later.
        A text another program changed meanwhile is not written over without asking."""
        result = self.session.flush()
        while result.conflict is not None:
            conflict = result.conflict
            keep_mine = confirmed(None, conflict.question)
            result = self.session.resolve_conflict(conflict, keep_mine)
            if not keep_mine:
                self.undo_stack.clear()  # its steps start from the text that was replaced
                self.textChanged.emit(conflict.key)
        return self._saved_or_failed(result)

    def _saved_or_failed(self, result: SaveResult) -> bool:
        if result.error is not None:
            self._retry.start()
            self.saveFailed.emit(f"{result.error}（修改仍保留在窗口中，稍后会自动重试保存）")
            return False
        if result.wrote:
            self._retry.stop()
            self.saved.emit(self.session.last_saved)
        return True

    def discard_unsaved(self) -> None:
        """Forget the changes the database refused (the user chose so, on closing): no more retries."""
        self._retry.stop()
        self.session.discard_unsaved()

    # ---------------------------------------------------------------- dismissals

    def dismiss(self, finding: Finding, reason: str) -> None:
        """「忽略此提醒」: the warning is kept with the report, with the reason, in its history."""
        self.session.dismiss(finding, reason)
        self._dismissals_changed()

    def undismiss(self, finding: Finding) -> None:
        """Show a dismissed warning again."""
        self.session.undismiss(finding)
        self._dismissals_changed()

    def _dismissals_changed(self) -> None:
        self.saved.emit(dt.datetime.now())
        self.findingsChanged.emit()


class _ValuesCommand(QUndoCommand):
    def __init__(
        self, doc: ReportDocument, before: Values, after: Values, label: str, kind: RevisionKind
    ) -> None:
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
