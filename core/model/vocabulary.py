"""The words the stored history is made of, each declared once with its Chinese name.

- `ReportStatus`: 草稿 / 定稿 (stored as draft / final).
- `CellState`: how sure the reader of a published file is of a cell (没有把握, 没有读到, 已核对).
- `RevisionKind`: what a revision did (create, import, edit, …) and how the history names it.
- `ChangeField`: what one change of a revision touched — a cell address, `text.<key>`, `signature.name`,
  `dismissed.<finding key>`, … — parsed once from the stored field string, named in Chinese with the
  format's help (a cell as the forms name it, a text by its heading, a warning by its rule's name).
- `BackupKind`: why a backup file was made (自动备份, 手动备份, 恢复前的副本), kept in its file name.
- `RegisterChangeKind`: what a revision of the request register did (登记, 答复, 导入台账, …).
- `CalendarKind`: how a year's working days are known for a deadline (the CLI's `calendar` values).

The finding key a dismissal is kept under is `core.rules.findings.FindingKey` (the rules' own word).

Every value is a `str` subclass equal to the string kept in the database, so the storage reads and
writes them unchanged; nothing else spells these strings or their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from core.format.definition import ReportFormat


class _Named(StrEnum):
    """A stored word with its Chinese name (`chinese`)."""

    chinese: str

    def __new__(cls, value: str, chinese: str) -> _Named:
        member = str.__new__(cls, value)
        member._value_ = value
        member.chinese = chinese
        return member

    @classmethod
    def of(cls, stored: str) -> Self | None:
        """The word `stored` names; None for a word this version does not know."""
        return next((word for word in cls if word.value == stored), None)


class ReportStatus(_Named):
    DRAFT = "draft", "草稿"
    FINAL = "final", "定稿"


class BackupKind(_Named):
    AUTO = "auto", "自动备份"
    MANUAL = "manual", "手动备份"
    BEFORE_RESTORE = "before-restore", "恢复前的副本"


class RevisionKind(_Named):
    CREATE = "create", "新建"
    IMPORT = "import", "导入"
    EDIT = "edit", "修改"
    PASTE = "paste", "粘贴"
    RESTORE = "restore", "恢复"
    RENAME = "rename", "改名"
    STATUS = "status", "定稿或解除定稿"
    DELETE = "delete", "删除"
    UNDELETE = "undelete", "从已删除中恢复"
    DISMISS = "dismiss", "忽略提醒"
    UNDISMISS = "undismiss", "恢复提醒"
    REGISTER = "register", "由台账生成"  # table 三 and 四 counted from the request register


class RegisterChangeKind(_Named):
    REGISTER = "register", "登记"
    EDIT = "edit", "修改"
    ANSWER = "answer", "答复"
    REOPEN = "reopen", "重新办理"
    DELETE = "delete", "删除"
    IMPORT = "import", "导入台账"
    UNDO = "undo", "撤销"
    CASE = "case", "复议诉讼案件"


class CalendarKind(_Named):
    OFFICIAL = "official", "按国务院放假安排"
    OFFICE = "office", "按本机关录入的放假安排"
    WEEKENDS_ONLY = "weekends-only", "尚无该年放假安排，仅扣除周末"


class CellState(_Named):
    """How sure the reader of a published file is of a cell (a cell not named is read and sure)."""

    DOUBTFUL = "doubtful", "没有把握，请核对原文"
    UNREAD = "unread", "没有读到这一格"
    FIXED = "fixed", "已核对"


class FieldKind(Enum):
    """What a change touched; the value is the Chinese name of a field of a fixed kind."""

    _value_: str

    CELL = "单元格"
    TEXT = "文字"
    DISMISSED = "忽略的提醒"
    AGENCY = "机关名称"
    YEAR = "报告年度"
    STATUS = "状态"
    DELETED = "删除"
    SIGNATURE_NAME = "署名"
    SIGNATURE_DATE = "成文日期"
    OTHER = "其他"


TEXT_PREFIX = "text."
DISMISSED_PREFIX = "dismissed."
_FIXED = {
    "agency": FieldKind.AGENCY,
    "year": FieldKind.YEAR,
    "status": FieldKind.STATUS,
    "deleted": FieldKind.DELETED,
    "signature.name": FieldKind.SIGNATURE_NAME,
    "signature.date": FieldKind.SIGNATURE_DATE,
}


@dataclass(frozen=True)
class ChangeField:
    """One stored field: its kind and what it names (a cell address, a text key, a finding key)."""

    kind: FieldKind
    key: str = ""

    @classmethod
    def parse(cls, field: str) -> ChangeField:
        """The field a stored change names (anything unknown is a cell address or OTHER, by the format)."""
        if field in _FIXED:
            return cls(_FIXED[field])
        if field.startswith(TEXT_PREFIX):
            return cls(FieldKind.TEXT, field.removeprefix(TEXT_PREFIX))
        if field.startswith(DISMISSED_PREFIX):
            return cls(FieldKind.DISMISSED, field.removeprefix(DISMISSED_PREFIX))
        return cls(FieldKind.CELL, field)

    @classmethod
    def text(cls, key: str) -> ChangeField:
        return cls(FieldKind.TEXT, key)

    @classmethod
    def dismissed(cls, finding_key: str) -> ChangeField:
        return cls(FieldKind.DISMISSED, finding_key)

    @property
    def stored(self) -> str:
        """The string the database keeps."""
        if self.kind is FieldKind.TEXT:
            return TEXT_PREFIX + self.key
        if self.kind is FieldKind.DISMISSED:
            return DISMISSED_PREFIX + self.key
        if self.kind is FieldKind.CELL:
            return self.key
        return next(field for field, kind in _FIXED.items() if kind is self.kind)

    def name(self, spec: ReportFormat) -> str:
        """The field as the forms name it: a cell by its section, row and column; a text by its
        heading; a dismissed warning by its rule's Chinese name and what it is about."""
        from core.rules.findings import FindingKey  # the finding key is the rules' word

        if self.kind is FieldKind.CELL:
            cell = spec.cells.get(self.key)
            return cell.description if cell is not None else self.key
        if self.kind is FieldKind.TEXT:
            section = next((s for s in spec.sections if s.text_key == self.key), None)
            return f"「{section.full_heading}」的文字" if section is not None else self.key
        if self.kind is FieldKind.DISMISSED:
            key = FindingKey.parse(self.key, spec)
            topic = key.topic.replace("=", "为 ")  # 本年新收…=20: the number the text stated
            about = topic or "、".join(ChangeField.parse(c).name(spec) for c in key.cells)
            rule = spec.rule_name(key.rule)
            return f"提醒「{rule}：{about}」" if about else f"提醒「{rule}」"
        return str(self.kind.value)
