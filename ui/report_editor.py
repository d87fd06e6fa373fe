"""The editor of one open report: section navigation, the section pages and the findings panel.

Sections and their headings come from the report's format, never spelled here; the last page is
「签署与打印」. The editor only shows the document (`ui.document.ReportDocument`) and passes on its
tables' messages; the main window owns the menus and the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.format.definition import Section
from core.model.vocabulary import ReportStatus
from core.rules.table import Finding
from ui.document import ReportDocument
from ui.export_actions import ExportFolders
from ui.findings_panel import ERROR_COLOUR, FindingsPanel
from ui.screen_fit import ElidedLabel
from ui.settings import Settings
from ui.sign_print import SignPrintPage
from ui.table_view import ReportTableView
from ui.text_editor import NarrativeEditor

SIGN_PAGE_NAME = "签署与打印"


def _scaled(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


class ReportEditor(QWidget):
    """One open report: section navigation, the section pages, and the findings panel."""

    message = Signal(str)  # for the status bar (a table refusing a value, a paste result…)

    def __init__(self, document: ReportDocument, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.sections: tuple[Section, ...] = document.report.spec.sections

        self.back_button = QPushButton("← 报告列表")
        self.title = ElidedLabel()  # a long agency name is cut with 「…」, whole in the tooltip
        self.title.setFont(_scaled(self, 1.35, bold=True))
        self.status = QLabel()
        self.history_button = QPushButton("修改历史…")
        self.history_button.setToolTip("查看这份报告的每一次修改，并可恢复到以前的内容")
        self.banner = QLabel("本报告已定稿，内容不能修改。如需修改，请在「签署与打印」页点击「解除定稿」。")
        self.banner.setStyleSheet("background: #fff4d6; color: #5c4400; padding: 4px;")
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addSpacing(self.fontMetrics().horizontalAdvance("中"))
        top.addWidget(self.title, 1)
        top.addWidget(self.status)
        top.addWidget(self.history_button)

        self.nav = QListWidget()
        self.nav.addItems([s.full_heading for s in self.sections] + [SIGN_PAGE_NAME])
        self.nav.setWordWrap(True)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setStyleSheet("QListWidget::item { padding: 5px 3px; }")
        self.nav.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 12)
        self.pages = QStackedWidget()
        self.editors: dict[str, NarrativeEditor] = {}
        self.tables: dict[str, ReportTableView] = {}
        for section in self.sections:
            self.pages.addWidget(self._section_page(section, settings))
        self.sign_page = SignPrintPage(document, folders=ExportFolders(settings))
        self.pages.addWidget(self._page(SIGN_PAGE_NAME, self.sign_page))
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)

        self.findings = FindingsPanel()
        self.findings.set_document(document)
        self.findings.activated.connect(self.show_finding)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.pages)
        right.addWidget(self.findings)
        right.setStretchFactor(0, 4)
        right.setStretchFactor(1, 1)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(self.nav)
        body.addWidget(right)
        body.setStretchFactor(1, 1)
        body.setSizes([self.fontMetrics().horizontalAdvance("中") * 17, 10_000])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(body, 1)

        document.findingsChanged.connect(self._findings_changed)
        self.sign_page.status_changed.connect(self.refresh_status)
        self.refresh_status()
        self._findings_changed()
        self.nav.setCurrentRow(0)

    def _page(self, heading: str, content: QWidget, fit: bool = False) -> QWidget:
        """A section page: its heading above the content. A table (`fit`) keeps its own size, top left."""
        page = QWidget()
        label = QLabel(heading)
        label.setFont(_scaled(self, 1.2, bold=True))
        layout = QVBoxLayout(page)
        layout.addWidget(label)
        if fit:
            layout.addWidget(content, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            layout.addStretch(1)
        else:
            layout.addWidget(content, 1)
        return page

    def _section_page(self, section: Section, settings: Settings) -> QWidget:
        if section.text_key:
            editor = NarrativeEditor(self.document, section, settings.text_point_size)
            self.editors[section.text_key] = editor
            return self._page(section.full_heading, editor)
        assert section.table_key is not None
        view = ReportTableView(self.document, section.table_key)
        view.message.connect(self.message)
        self.tables[section.table_key] = view
        return self._page(section.full_heading, view, fit=True)

    @property
    def page_index(self) -> int:
        return self.nav.currentRow()

    def show_page(self, index: int) -> None:
        self.nav.setCurrentRow(max(0, min(index, self.nav.count() - 1)))

    def section_index(self, address: str) -> int | None:
        """The page that shows a cell address (or a narrative, for findings about text)."""
        spec = self.document.report.spec
        if address in spec.cells:
            number = spec.cells[address].table.section
            return next(i for i, s in enumerate(self.sections) if s.number == number)
        key = address.removeprefix("text.")
        return next((i for i, s in enumerate(self.sections) if s.text_key == key), None)

    @Slot(object)
    def show_finding(self, finding: Finding) -> None:
        """Go to what the finding is about: the sentence it quotes, selected in its section, or its
        first cell (a TEXT.NUMBER finding names the table cell too, but the words are what to read)."""
        place = finding.place
        if place is not None and place.key in self.editors:
            self.show_cell(f"text.{place.key}")
            self.editors[place.key].show_found(place.start, place.end - place.start)
        elif finding.cells:
            self.show_cell(finding.cells[0])

    def show_cell(self, address: str) -> None:
        """Switch to the cell's section and select the cell in its table."""
        index = self.section_index(address)
        if index is None:
            return
        self.show_page(index)
        table_key = self.sections[index].table_key
        if table_key:
            self.tables[table_key].select_cell(address)
        elif self.sections[index].text_key:
            self.editors[self.sections[index].text_key].edit.setFocus()  # type: ignore[index]

    @Slot()
    def refresh_status(self) -> None:
        """Title, 草稿/定稿 and read-only state, after opening, renaming or (un)finalizing."""
        report = self.document.report
        read_only = self.document.read_only
        self.title.setText(report.title)
        self.status.setText((ReportStatus.FINAL if read_only else ReportStatus.DRAFT).chinese)
        colours = "background: #1b6e20; color: white;" if read_only else "background: #e3e3e3; color: #333;"
        self.status.setStyleSheet(f"{colours} padding: 2px 10px; border-radius: 3px;")
        self.banner.setVisible(read_only)
        for editor in self.editors.values():
            editor.set_read_only(read_only)

    @Slot()
    def _findings_changed(self) -> None:
        findings = self.document.findings
        self.findings.set_findings(findings)
        for i, section in enumerate(self.sections):
            errors = sum(
                1
                for f in findings
                if f.severity == "error" and any(self.section_index(a) == i for a in f.cells[:1])
            )
            item = self.nav.item(i)
            item.setText(section.full_heading + (f"（{errors} 处错误）" if errors else ""))
            item.setForeground(ERROR_COLOUR if errors else self.nav.palette().text().color())
