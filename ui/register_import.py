"""导入台账…: the preview of an office's ledger — how each column was understood, and what each distinct
text of the 申请方式 / 申请人类型 / 办理结果 columns was read as — with the clerk free to change either.

The reading is core's (`core.register.ledger.Preview`); the dialog only shows it and forwards choices.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.register.ledger import VOCABULARY_FIELDS, Preview
from core.register.model import FIELD_NAMES, Channel, applicants, results
from ui.dialogs import _ok_cancel

NOT_IMPORTED = "（不导入）"
EXAMPLES = 3


def _choices(field_name: str) -> list[tuple[str, str]]:
    if field_name == "channel":
        return [(c.value, c.value) for c in Channel]
    if field_name == "applicant":
        return list(applicants().items())
    return [(key, f"{key} {label}") for key, label in results().items()]


class LedgerImportDialog(QDialog):
    """Columns and values as understood; 导入 takes the clerk's choices into the preview."""

    def __init__(self, found: Preview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.found = found
        self.setWindowTitle(f"导入台账 — {found.name}")
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"表头在第 {found.header_row} 行，以下共 {len(found.rows)} 行。请核对每一列的含义：")
        )
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.columns = QTableWidget(len(found.headers), 3)
        self.columns.setHorizontalHeaderLabels(["台账中的列", "理解为", "前几行的内容"])
        self.columns.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.column_boxes: list[QComboBox] = []
        for index, header in enumerate(found.headers):
            self.columns.setItem(index, 0, QTableWidgetItem(header))
            box = QComboBox()
            box.addItem(NOT_IMPORTED, None)
            for key, name in FIELD_NAMES.items():
                box.addItem(name, key)
            box.setCurrentIndex(max(0, box.findData(found.columns.get(index))))
            box.currentIndexChanged.connect(lambda _i, at=index: self._column_changed(at))
            self.columns.setCellWidget(index, 1, box)
            self.column_boxes.append(box)
            self.columns.setItem(index, 2, QTableWidgetItem("；".join(found.samples(index, EXAMPLES))))
        self.columns.resizeColumnToContents(0)
        self.tabs.addTab(self.columns, "各列的含义")
        self.value_tables: dict[str, QTableWidget] = {}
        self._value_tabs()
        layout.addWidget(_ok_cancel(self, "导入"))
        self.resize(760, 520)

    def _column_changed(self, index: int) -> None:
        self.found.set_column(index, self.column_boxes[index].currentData())
        for at, box in enumerate(self.column_boxes):  # a field has one column: the others follow
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(self.found.columns.get(at))))
            box.blockSignals(False)
            self.columns.setItem(at, 2, QTableWidgetItem("；".join(self.found.samples(at, EXAMPLES))))
        self._value_tabs()

    def _value_tabs(self) -> None:
        while self.tabs.count() > 1:
            self.tabs.removeTab(1)
        self.value_tables.clear()
        for name in VOCABULARY_FIELDS:
            mapped = self.found.values.get(name, {})
            if not mapped:
                continue
            table = QTableWidget(len(mapped), 2)
            table.setHorizontalHeaderLabels(["台账中写的", f"对应的{FIELD_NAMES[name]}"])
            table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            for row, (text, key) in enumerate(mapped.items()):
                table.setItem(row, 0, QTableWidgetItem(text))
                box = QComboBox()
                box.addItem("（无法确定，不导入该行）", None)
                for value, label in _choices(name):
                    box.addItem(label, value)
                box.setCurrentIndex(max(0, box.findData(key)))
                box.currentIndexChanged.connect(
                    lambda _i, n=name, t=text, b=box: self.found.values[n].__setitem__(t, b.currentData())
                )
                table.setCellWidget(row, 1, box)
            unknown = sum(1 for key in mapped.values() if key is None)
            title = FIELD_NAMES[name] + (f"（{unknown} 项待指定）" if unknown else "")
            self.tabs.addTab(table, title)
            self.value_tables[name] = table
