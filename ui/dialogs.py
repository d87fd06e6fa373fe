"""The small dialogs: new report, rename, delete, deleted reports, 解除定稿 reason, an unsaved edit on
closing, and replacing a report by an imported file.

Each dialog only collects and validates input; the caller does the storage work. Years default to the
year being reported: the previous calendar year, or the current one from November on (reports are
written in the January after the year, and some offices start in November or December).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.errors import UserError
from core.format import get_format
from core.model.report import MAX_AGENCY
from ui.crash import close_button_box, show_message

FIRST_YEAR = 2008  # the first year of 政府信息公开条例 reports
NOVEMBER = 11


def default_report_year(today: dt.date) -> int:
    """The year a report started today is most likely about."""
    return today.year if today.month >= NOVEMBER else today.year - 1


def _ok_cancel(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _agency_box(agencies: Sequence[str], current: str) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItems(list(agencies))
    box.setCurrentText(current)
    line = box.lineEdit()
    assert line is not None  # an editable combo box has one
    line.setPlaceholderText("例如：温县人民政府办公室")
    line.setMaxLength(MAX_AGENCY)  # the model refuses longer names
    fit_agency_names(box)
    return box


def fit_agency_names(box: QComboBox) -> None:
    """Room for a usual name (~25 characters), not the longest one listed: a 100-character name would
    make the dialog wider than the screen (the line edit scrolls, the list shows it elided)."""
    box.setMinimumContentsLength(26)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    view = box.view()
    if view is not None:
        view.setTextElideMode(Qt.TextElideMode.ElideMiddle)


def _year_box(year: int, today: dt.date) -> QSpinBox:
    box = QSpinBox()
    box.setRange(FIRST_YEAR, today.year + 1)
    box.setValue(year)
    box.setSuffix(" 年度")
    return box


class _ReportNameDialog(QDialog):
    """Agency and year, checked before the dialog closes: a name is needed and must not be taken."""

    def __init__(
        self,
        title: str,
        ok_text: str,
        agencies: Sequence[str],
        agency: str,
        year: int,
        today: dt.date,
        is_taken: Callable[[str, int], bool],
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._is_taken = is_taken
        self.agency_box = _agency_box(agencies, agency)
        self.year_box = _year_box(year, today)
        self.form = QFormLayout()
        self.form.addRow("机关名称：", self.agency_box)
        self.form.addRow("报告年度：", self.year_box)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        self.buttons = _ok_cancel(self, ok_text)
        self.agency_box.setFocus()
        line = self.agency_box.lineEdit()
        assert line is not None  # an editable combo box has one
        line.selectAll()  # a name filled in for the user is replaced by typing, not appended to
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    @property
    def agency(self) -> str:
        return "".join(self.agency_box.currentText().split())  # no stray spaces inside a title

    @property
    def year(self) -> int:
        return self.year_box.value()

    def accept(self) -> None:
        if not self.agency:
            self.problem.setText("请填写机关名称。")
        elif self._is_taken(self.agency, self.year):
            self.problem.setText(f"{self.agency}的{self.year}年度报告已经存在，请在报告列表中打开它。")
        else:
            super().accept()


class NewReportDialog(_ReportNameDialog):
    """「新建报告」: agency (remembered names), year, and 「以上年度报告为基础」 when last year's exists."""

    def __init__(
        self,
        agencies: Sequence[str],
        is_taken: Callable[[str, int], bool],
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        today = today or dt.date.today()
        agency = agencies[0] if len(agencies) == 1 else ""
        super().__init__(
            "新建报告", "新建", agencies, agency, default_report_year(today), today, is_taken, parent
        )
        self.from_previous_box = QCheckBox("以上年度报告为基础")
        self.from_previous_box.setToolTip(_carry_over_hint())
        self.form.addRow("", self.from_previous_box)
        self.agency_box.currentTextChanged.connect(self._update_previous)
        self.year_box.valueChanged.connect(self._update_previous)
        self._update_previous()
        self.resize(self.sizeHint().width() + self.fontMetrics().horizontalAdvance("中") * 8, 0)

    @Slot()
    def _update_previous(self) -> None:
        exists = bool(self.agency) and self._is_taken(self.agency, self.year - 1)
        self.from_previous_box.setEnabled(exists)
        self.from_previous_box.setChecked(exists)
        self.from_previous_box.setText(
            f"以{self.year - 1}年度报告为基础" if exists else "以上年度报告为基础（没有找到上年度报告）"
        )

    @property
    def from_previous(self) -> bool:
        return self.from_previous_box.isEnabled() and self.from_previous_box.isChecked()


def _carry_over_hint() -> str:
    """What 「以上年度报告为基础」 carries over, in the format's own row names."""
    spec = get_format()
    carried = next(c for c in spec.year_checks if not c.plus and not c.minus)
    row = spec.cells[carried.cell].row.title
    return f"「{row}」取自{carried.basis}的数字，并复制上年的文字作为初稿。"


class RenameDialog(_ReportNameDialog):
    """Change a report's agency name or year."""

    def __init__(
        self,
        agencies: Sequence[str],
        agency: str,
        year: int,
        is_taken: Callable[[str, int], bool],
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        original = (agency, year)
        super().__init__(
            "重命名报告",
            "确定",
            agencies,
            agency,
            year,
            today or dt.date.today(),
            lambda a, y: (a, y) != original and is_taken(a, y),
            parent,
        )


def _question(title: str, text: str, yes_text: str, parent: QWidget | None) -> QMessageBox:
    """A question whose safe answer, 「取消」, is the default; the caller acts on Yes (`yes_text`)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.button(QMessageBox.StandardButton.Yes).setText(yes_text)
    box.button(QMessageBox.StandardButton.Cancel).setText("取消")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box


def confirm_delete(title: str, parent: QWidget | None = None) -> QMessageBox:
    """The question before deleting; the caller runs it (exec) and deletes on 「删除」."""
    text = f"确定要删除「{title}」吗？\n\n删除后可以在「报告」菜单的「已删除的报告」中恢复。"
    return _question("删除报告", text, "删除", parent)


class UnsavedDialog(QMessageBox):
    """An edit the database refused is still only in memory: try again, keep it in a file, or drop it."""

    def __init__(self, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(
            QMessageBox.Icon.Warning,
            "修改未能保存",
            f"刚才的修改未能保存到数据库：\n{reason}\n\n"
            "可以「重试」保存；或者把报告连同这些修改「导出为报告文件」，以后再导入；"
            "也可以放弃这些修改。",
            QMessageBox.StandardButton.NoButton,
            parent,
        )
        self.retry_button = self.addButton("重试", QMessageBox.ButtonRole.AcceptRole)
        self.export_button = self.addButton("导出为报告文件…", QMessageBox.ButtonRole.ActionRole)
        self.discard_button = self.addButton(
            "仍然关闭（放弃未保存的修改）", QMessageBox.ButtonRole.DestructiveRole
        )
        self.cancel_button = self.addButton("返回报告", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.retry_button)
        self.setEscapeButton(self.cancel_button)


def confirm_replace(
    title: str, cells: int, texts: int, signature: bool, parent: QWidget | None = None
) -> QMessageBox:
    """The question before an imported file replaces an existing report; 「导入并替换」 is Yes."""
    parts = [f"{cells} 个单元格", f"{texts} 段文字"] + (["署名或成文日期"] if signature else [])
    text = (
        f"「{title}」已经有了。文件中的内容与现有的报告有 {'、'.join(parts)}不同。\n\n"
        "导入后，现有的内容将被文件中的内容替换；替换前的内容保留在「修改历史」中，可以随时恢复。\n\n"
        "要导入并替换吗？"
    )
    return _question("导入报告文件", text, "导入并替换", parent)


class ReportRef(Protocol):
    """Which report: what the dialogs need of `core.storage.ReportSummary` (read-only, as its fields are)."""

    @property
    def id(self) -> int: ...
    @property
    def agency(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def format(self) -> str: ...


class DeletedReportsDialog(QDialog):
    """「已删除的报告」: pick one and 「恢复」 it through `restore(report_id)`, which the caller gives.

    `restore` raises `UserError` when the report cannot come back (e.g. a live one has its name); the
    report then stays in this list and the reason is shown.
    """

    def __init__(
        self,
        reports: Sequence[ReportRef],
        restore: Callable[[int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._do_restore = restore
        self._message: QMessageBox | None = None
        self.setWindowTitle("已删除的报告")
        self.list = QListWidget()
        for report in reports:
            item = QListWidgetItem(get_format(report.format).title(report.agency, report.year))
            item.setData(Qt.ItemDataRole.UserRole, report.id)
            self.list.addItem(item)
        if reports:
            self.list.setCurrentRow(0)
        self.restore_button = QPushButton("恢复")
        self.restore_button.setEnabled(bool(reports))
        self.restore_button.clicked.connect(self._restore)
        self.list.itemDoubleClicked.connect(self._restore)
        buttons = close_button_box(self, self.restore_button)
        layout = QVBoxLayout(self)
        hint = "没有已删除的报告。" if not reports else "选择一份报告，点击「恢复」，它会回到报告列表中。"
        layout.addWidget(QLabel(hint))
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("中") * 36, self.fontMetrics().height() * 20)

    @Slot()
    def _restore(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        try:
            self._do_restore(int(item.data(Qt.ItemDataRole.UserRole)))
        except UserError as exc:
            self._message = show_message(self, exc.message)
            return
        self.list.takeItem(self.list.row(item))
        self.restore_button.setEnabled(self.list.count() > 0)


class UnfinalizeDialog(QDialog):
    """「解除定稿」 asks why: the reason is kept in the report's history."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("解除定稿")
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setPlaceholderText("例如：发现第三部分数字有误，需要更正")
        self.reason_edit.setMaximumHeight(self.fontMetrics().height() * 5)
        self.buttons = _ok_cancel(self, "解除定稿")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.reason_edit.textChanged.connect(lambda: self.ok_button.setEnabled(bool(self.reason)))
        layout = QVBoxLayout(self)
        label = QLabel(
            f"「{title}」已定稿。解除定稿后可以再修改，原因会记录在修改历史中。\n请填写解除定稿的原因："
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().horizontalAdvance("中") * 32, 0)

    @property
    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()
