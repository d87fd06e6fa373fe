"""Settings file, window geometry, background jobs, and the status bar's save messages."""

from __future__ import annotations

import threading
from decimal import Decimal

from PySide6.QtGui import QFont, QTextDocument
from pytestqt.qtbot import QtBot

from core.model.report import Report
from core.rules.table import check
from core.storage import Database
from tests.qt_helpers import import_seed, open_window
from ui.findings_panel import FindingsPanel, summary
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.text_editor import SubheadingHighlighter
from ui.worker import run_in_background


def test_settings_are_kept_as_json_and_a_damaged_file_falls_back_to_defaults() -> None:
    settings = Settings.load()
    assert settings == Settings()
    settings.last_folder = "D:/年报"
    settings.text_point_size = 14
    settings.save()
    assert Settings.load() == settings
    Settings.path().write_text("{ 坏了", encoding="utf-8")
    assert Settings.load() == Settings()
    Settings.path().write_text('{"text_point_size": 500, "last_folder": "E:/"}', encoding="utf-8")
    assert Settings.load() == Settings(last_folder="E:/")  # the bad entry alone is dropped


def test_window_size_and_position_are_remembered(qtbot: QtBot, db: Database) -> None:
    first = MainWindow(db, Settings())
    qtbot.addWidget(first)
    first.show()
    first.setGeometry(30, 40, 700, 500)  # within the offscreen screen (800×600), which Qt clamps to
    first.close()
    second = MainWindow(db, Settings())
    qtbot.addWidget(second)
    assert second.geometry().getRect() == (30, 40, 700, 500)


def test_a_background_job_delivers_its_result_or_its_error_on_the_gui_thread(qtbot: QtBot) -> None:
    seen: list[object] = []
    with qtbot.waitSignal(run_in_background(lambda: threading.get_ident(), seen.append).done):
        pass
    assert seen[0] != threading.get_ident()

    def fail() -> None:
        raise ValueError("坏")

    errors: list[tuple[BaseException, int]] = []
    job = run_in_background(fail, seen.append, lambda exc: errors.append((exc, threading.get_ident())))
    qtbot.waitUntil(lambda: job.finished)
    assert isinstance(errors[0][0], ValueError) and errors[0][1] == threading.get_ident()
    assert len(seen) == 1


def test_status_bar_says_when_it_saved_and_why_saving_failed(qtbot: QtBot, db: Database) -> None:
    window = open_window(qtbot, db)
    window.open_report(import_seed(window))
    document = window.document
    assert document is not None
    document.set_values({"requests.1.natural_person": Decimal(21)})
    assert window.saved_label.text().startswith("已保存 ") and len(window.saved_label.text()) == 12
    document.saveFailed.emit("磁盘已满。")
    assert window.saved_label.text() == "未能保存：磁盘已满。"


def test_the_edit_menu_undoes_and_redoes_a_cell_edit(qtbot: QtBot, db: Database) -> None:
    window = open_window(qtbot, db)
    report_id = import_seed(window)
    window.open_report(report_id)
    assert window.document is not None and not window.undo_action.isEnabled()
    window.document.set_values({"requests.1.natural_person": Decimal(21)})
    window.undo_action.trigger()
    assert db.load_report(report_id).values["requests.1.natural_person"] == Decimal(22)
    window.redo_action.trigger()
    assert db.load_report(report_id).values["requests.1.natural_person"] == Decimal(21)


def test_findings_panel_gathers_blank_cells_under_one_line_and_says_when_all_is_well(
    qtbot: QtBot,
) -> None:
    report = Report.blank("温县人民政府办公室", 2021)
    report.values["requests.1.natural_person"] = Decimal(-1)
    findings = check(report)
    panel = FindingsPanel()
    qtbot.addWidget(panel)
    panel.set_findings(findings)
    blanks = [f for f in findings if f.rule == "BLANK"]
    others = [f for f in findings if f.rule != "BLANK"]
    tree = panel.tree
    assert tree.topLevelItemCount() == len(others) + 1
    assert tree.topLevelItem(0).text(0).startswith("错误：")
    group = tree.topLevelItem(len(others))
    assert group.childCount() == len(blanks) and f"{len(blanks)} 个格子未填写" in group.text(0)
    assert panel.header.text() == f"检查结果：{summary(findings)}"
    panel.set_findings([])
    assert tree.topLevelItemCount() == 1 and tree.topLevelItem(0).text(0).startswith("没有发现问题")


def test_a_line_starting_with_a_sub_heading_number_is_shown_as_a_sub_heading(qapp: object) -> None:
    text = QTextDocument()
    highlighter = SubheadingHighlighter(text)
    text.setPlainText("总体情况正文。\n（一）主动公开情况\n一是加大主动公开力度。\n（十二）其他")
    highlighter.rehighlight()
    bold = [
        any(r.format.fontWeight() == QFont.Weight.Bold for r in text.findBlockByNumber(n).layout().formats())
        for n in range(text.blockCount())
    ]
    assert bold == [False, True, False, True]
