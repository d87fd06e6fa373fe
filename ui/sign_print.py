"""「签署与打印」: the signature (署名, 成文日期), a preview of the real PDF, export, print, 定稿.

The preview is the very PDF `core.documents.pdf.render_pdf` writes, rendered off the GUI thread and shown with
QtPdf; 「导出PDF」 writes the same bytes and 「打印」 draws the same pages as vector shapes, in the
background, with a progress dialog that can cancel (`ui.printing`). 「定稿」 shows what the one policy
(`core.ops.policy`, through the report session) says: what blocks (an unsaved edit, errors, blanks, no
署名; the date may stay empty, to be written by hand), the open hints to go on with or go back to, and
the question when 仿宋 is missing. A final report is read-only and its PDF carries the
fingerprint code, which 「核对校验码」 checks against a code typed from a printed copy. Characters no font
on this machine can draw are named above the preview, and 定稿, export and print ask before going on.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.documents.fingerprint import check_code, fingerprint
from core.documents.pdf.coverage import describe_characters, unprintable_characters
from core.documents.pdf.fonts import NO_FANGSONG, ROLES, FontChoice, resolve_fonts
from core.documents.pdf.layout import FontRole
from core.documents.pdf.render import render_pdf
from core.errors import UserError
from core.model.names import safe_file_name
from core.model.report import MAX_AGENCY, Report
from core.ops.policy import Readiness, may_show_code, shown_code
from core.paths import write_atomically
from ui.crash import show_message
from ui.date_edit import DateEdit
from ui.dialogs import UnfinalizeDialog
from ui.document import ReportDocument
from ui.export_actions import PDF, ExportFolders, documents_folder, show_written
from ui.help import CODE, FINAL, help_button
from ui.printing import ask_printer, start_printing
from ui.screen_fit import ScrollingColumn
from ui.worker import Job, run_in_background

UNPRINTABLE = "以下字符在本机字体中没有，打印出来会是空白："
PREVIEW_DELAY_MS = 600  # re-render this long after the last change, not on every keystroke


def pdf_bytes(report: Report, final: bool) -> bytes:
    """The PDF of the report; a final one carries its fingerprint code (`shown_code`: the policy's)."""
    return render_pdf(report, final=final, fingerprint=shown_code(report, final))


class SignPrintPage(QWidget):
    """The last page of an open report; emits `status_changed` after 定稿 / 解除定稿."""

    status_changed = Signal()
    preview_ready = Signal()  # a new PDF is shown (tests wait for it)

    def __init__(
        self, document: ReportDocument, parent: QWidget | None = None, folders: ExportFolders | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.folders = folders  # where the PDF was exported last (the main window's settings)
        self.pdf_data = b""
        self._generation = 0
        self._message: QMessageBox | None = None
        self.print_progress: QProgressDialog | None = None

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("一般为机关名称")
        self.name_edit.setMaxLength(MAX_AGENCY)  # the model refuses a longer 署名
        self.date_edit = DateEdit(lambda: document.report.year + 1)  # signed the year after
        self.today_button = QPushButton("今天")
        date_row = QHBoxLayout()
        date_row.addWidget(self.date_edit, 1)
        date_row.addWidget(self.today_button)
        signature = QGroupBox("署名与成文日期")
        form = QFormLayout(signature)
        form.addRow("署名：", self.name_edit)
        form.addRow("成文日期：", date_row)
        self.name_edit.editingFinished.connect(self._store_signature)
        self.date_edit.dateChanged.connect(self._store_signature)
        self.today_button.clicked.connect(lambda: self.date_edit.set_value(dt.date.today()))

        self.export_button = QPushButton("导出PDF…")
        self.print_button = QPushButton("打印…")
        self.finalize_button = QPushButton("定稿")
        self.unfinalize_button = QPushButton("解除定稿…")
        self.export_button.clicked.connect(lambda: self.export_pdf())
        self.print_button.clicked.connect(self.print_pdf)
        self.finalize_button.clicked.connect(self.finalize)
        self.unfinalize_button.clicked.connect(self.unfinalize)
        # explicit line breaks, not word wrap: a wrapped label in this column is given too little height
        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions = QGroupBox("定稿、导出与打印")
        action_layout = QVBoxLayout(actions)
        action_layout.addWidget(self.status_label)
        grid = QGridLayout()  # the buttons before the list of fonts: in view without scrolling at 125 %
        grid.addWidget(self.finalize_button, 0, 0)
        grid.addWidget(self.unfinalize_button, 0, 1)
        grid.addWidget(self.export_button, 1, 0)
        grid.addWidget(self.print_button, 1, 1)
        action_layout.addLayout(grid)
        action_layout.addWidget(help_button("什么是定稿？", FINAL))
        self.fonts_label = QLabel()  # which faces print the report
        self.fonts_warning = QLabel()  # a missing 仿宋, said plainly in red
        self.fonts_warning.setStyleSheet("color: #b00020;")
        for label in (self.fonts_label, self.fonts_warning):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            action_layout.addWidget(label)

        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("输入打印件上的校验码")
        self.code_result = QLabel()
        self.code_result.setWordWrap(True)
        self.code_edit.textChanged.connect(self._check_code)
        verify_box = QGroupBox("核对校验码")
        verify_layout = QVBoxLayout(verify_box)
        verify_layout.addWidget(self.code_edit)
        verify_layout.addWidget(self.code_result)
        verify_layout.addWidget(help_button("校验码能证明什么？", CODE))

        left = QVBoxLayout()
        left.addWidget(signature)
        left.addWidget(actions)
        left.addWidget(verify_box)
        left.addStretch(1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)

        self.pdf = QPdfDocument(self)
        self._buffer = QBuffer(self)
        self.view = QPdfView()
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # an indeterminate "working" bar
        self.busy.setFormat("")
        self.busy_label = QLabel("正在生成打印预览…")
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy_label)
        busy_row.addWidget(self.busy, 1)
        self.busy_widget = QWidget()
        self.busy_widget.setLayout(busy_row)
        self.unprintable_label = QLabel()
        self.unprintable_label.setWordWrap(True)
        self.unprintable_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unprintable_label.setStyleSheet("background: #fde7e9; color: #8a0016; padding: 4px;")
        self.unprintable_label.setVisible(False)
        right = QVBoxLayout()
        right.addWidget(self.unprintable_label)
        right.addWidget(self.busy_widget)
        right.addWidget(self.view, 1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(ScrollingColumn(left_widget))  # the column scrolls: it never makes the window taller
        layout.addLayout(right, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.render_preview)
        self._stale = True
        for signal in (document.valuesChanged, document.textChanged, document.signatureChanged):
            signal.connect(self._changed)
        document.reloaded.connect(self._changed)
        document.signatureChanged.connect(self._show_signature)
        self._show_signature()
        self._show_status()

    # ------------------------------------------------------------------ signature

    @Slot()
    def _show_signature(self) -> None:
        signature = self.document.report.signature
        for widget in (self.name_edit, self.date_edit):
            widget.blockSignals(True)
        self.name_edit.setText(signature.name or "")
        self.date_edit.set_value(signature.date)
        for widget in (self.name_edit, self.date_edit):
            widget.blockSignals(False)

    @Slot()
    def _store_signature(self) -> None:
        if self.document.read_only:
            return
        name = self.name_edit.text().strip() or None
        self.document.set_signature(name, self.date_edit.value())

    # ------------------------------------------------------------------ preview

    @Slot()
    def _changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.render_preview()

    @Slot()
    def render_preview(self) -> None:
        """Render the PDF in the background; the newest request wins."""
        self._timer.stop()
        self._stale = False
        self._generation += 1
        generation = self._generation
        report = copy.deepcopy(self.document.report)
        final = self.document.read_only
        self._show_unprintable()
        self._show_fonts()
        self.busy_widget.setVisible(True)
        run_in_background(
            lambda: pdf_bytes(report, final),
            lambda data: self._show_pdf(generation, data),
            lambda exc: self._render_failed(generation, exc),
            owner=self,
        )

    def _show_pdf(self, generation: int, data: bytes) -> None:
        if generation != self._generation:
            return  # an older render finishing late
        self.busy_widget.setVisible(False)
        self.pdf_data = data
        self.pdf.close()
        self._buffer.close()
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._buffer)
        self.preview_ready.emit()

    def _render_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.busy_widget.setVisible(False)
        raise exc  # to the crash hook: a UserError becomes a plain message

    # ------------------------------------------------------------------ characters the fonts lack

    def _show_unprintable(self) -> str:
        """Name (above the preview) the characters that would print blank; the same words are returned,
        or "" when everything prints."""
        text = unprintable_text(self.document.report)
        self.unprintable_label.setText(text)
        self.unprintable_label.setVisible(bool(text))
        return text

    def _unprintable_accepted(self, action: str) -> bool:
        """True when every character prints, or the user goes on knowing which ones will not."""
        missing = self._show_unprintable()
        if not missing:
            return True
        advice = "建议把这些字改成常用字，或在装有相应字体的电脑上打印。仍要继续吗？"
        return self._ask(action, f"{missing}\n\n{advice}", f"仍要{action}")

    def _ask(self, title: str, text: str, go_on: str) -> bool:
        """A warning with 「go_on」 and 「取消」 (the default); True when the user goes on."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText(go_on)
        box.button(QMessageBox.StandardButton.Cancel).setText("取消")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------------ fonts

    def _show_fonts(self) -> dict[FontRole, FontChoice]:
        """List the face of each role under the status (one per line, the column is narrow)."""
        fonts = resolve_fonts()
        self.fonts_label.setText("\n".join(["打印所用字体：", *(fonts[role].label for role in ROLES)]))
        self.fonts_warning.setText("\n".join(NO_FANGSONG.split("，")))
        self.fonts_warning.setVisible(fonts["fangsong"].bundled)
        return fonts

    # ------------------------------------------------------------------ export and print

    def export_pdf(self, path: Path | None = None) -> Path | None:
        """Write the same PDF as the preview (rendered now, so it is surely current)."""
        report = self.document.report
        if path is None:
            folder = self.folders.folder(PDF) if self.folders else documents_folder()
            name, _ = QFileDialog.getSaveFileName(
                self, "导出PDF", str(folder / safe_file_name(report.title, PDF)), "PDF 文件 (*.pdf)"
            )
            if not name:
                return None
            path = Path(name)
        if self._code_refused() or not self._unprintable_accepted("导出PDF"):
            return None
        write_atomically(path, pdf_bytes(report, self.document.read_only))
        if self.folders:
            self.folders.remember(PDF, path)
        self._message = show_written(self, "已导出PDF。", path)
        return path

    def _code_refused(self) -> bool:
        """True (with the reason shown) when the report is final but the policy refuses its 校验码."""
        try:
            shown_code(self.document.report, self.document.read_only)
        except UserError as exc:
            self._message = show_message(self, exc.message)
            return True
        return False

    @Slot()
    def print_pdf(self) -> None:
        if self._code_refused():
            return
        if self.pdf.pageCount() == 0:
            self._message = show_message(self, "打印预览还没有生成好，请稍候再试。")
            return
        if not self._unprintable_accepted("打印"):
            return
        printer = ask_printer(self, self.document.report.title)
        if printer is not None:
            self.start_printing(printer)

    def start_printing(self, printer: QPrinter) -> Job:
        """Print the preview's PDF as vector pages in the background (`ui.printing.start_printing`);
        the window stays usable meanwhile."""

        def finished(completed: bool) -> None:
            if not completed:
                self._message = show_message(self, "已取消打印。", QMessageBox.Icon.Information)

        job, self.print_progress = start_printing(
            self, self.pdf_data, printer, finished, self.pdf.pageCount()
        )
        return job

    # ------------------------------------------------------------------ 定稿

    def _show_status(self) -> None:
        final = self.document.read_only
        report = self.document.report
        if final and not may_show_code(report):  # e.g. marked final by an older version
            self.status_label.setText("已定稿，但内容不符合定稿的条件，\n没有校验码。请「解除定稿」后改正。")
        elif final:
            self.status_label.setText(
                f"已定稿，不能再修改。\n校验码：{fingerprint(report)}\n"
                "打印件上印有同一校验码，\n可在下方「核对校验码」核对。"
            )
        else:
            self.status_label.setText(
                "草稿。改正所有错误、填好署名后，\n可以「定稿」。成文日期可以不填，\n打印后手写。"
            )
        self.finalize_button.setEnabled(not final)
        self.unfinalize_button.setEnabled(final)
        self.name_edit.setReadOnly(final)
        self.date_edit.setReadOnly(final)
        self.today_button.setEnabled(not final)

    @Slot()
    def finalize(self) -> bool:
        """定稿 as the one policy (`core.ops.policy`) decides: what blocks is shown; open hints are listed
        with 「仍然定稿」/「返回修改」; without 仿宋 the user is asked. False when it was not made."""
        self._store_signature()  # a name typed but not yet confirmed with Enter
        readiness = self.document.finalize_readiness()
        self._show_fonts()
        if not readiness.allowed:
            self._message = show_message(
                self, "还不能定稿，原因如下：\n\n" + "\n".join(f"· {p}" for p in readiness.blocking)
            )
            return False
        if readiness.needs_confirming and not confirm_open_items(self, readiness, "定稿"):
            return False
        if readiness.fonts_question and not self._ask("定稿", readiness.fonts_question, "仍要定稿"):
            return False
        if not self.document.finalize().allowed:  # changed meanwhile (e.g. by another program)
            return self.finalize()
        self._status_changed()
        return True

    @Slot()
    def unfinalize(self) -> bool:
        dialog = UnfinalizeDialog(self.document.report.title, self)
        if dialog.exec() != UnfinalizeDialog.DialogCode.Accepted:
            return False
        self.document.unfinalize(dialog.reason)
        self._status_changed()
        return True

    def _status_changed(self) -> None:
        self._show_status()
        self._check_code()
        self.render_preview()
        self.status_changed.emit()

    @Slot()
    def _check_code(self) -> None:
        code = self.code_edit.text().strip()
        if not code:
            self.code_result.setText("")
        else:  # core's sentence: it says what a short code cannot rule out
            result = check_code(self.document.report, code)
            self.code_result.setStyleSheet("color: #1b6e20;" if result.matches else "color: #b00020;")
            self.code_result.setText(result.message)


def confirm_open_items(parent: QWidget, readiness: Readiness, action: str) -> bool:
    """The open hints and blanks of `readiness`, with 「仍然{action}」 and 「返回修改」 (the default);
    True when the user goes on (at 定稿 and at 报送)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        action,
        f"这份报告还有以下提醒没有处理：\n\n{readiness.open_items()}\n\n可以返回修改，或确认无误后继续。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.button(QMessageBox.StandardButton.Yes).setText(f"仍然{action}")
    box.button(QMessageBox.StandardButton.Cancel).setText("返回修改")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes


def unprintable_text(report: Report) -> str:
    """Which characters no font here can draw, by code (the screen cannot show them either) and where
    they are; "" when everything prints."""
    missing = "".join(unprintable_characters(report))
    if not missing:
        return ""
    places = {"机关名称": report.agency, "署名": report.signature.name or ""}
    places |= {s.full_heading: report.texts[s.text_key] for s in report.spec.sections if s.text_key}
    where = "、".join(f"「{name}」" for name, text in places.items() if any(ch in text for ch in missing))
    return f"{UNPRINTABLE}{describe_characters(missing)}（在{where}中）"
