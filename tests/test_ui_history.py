"""「修改历史」 on the seed report in a real database: the revisions in words, and 「恢复到此版本」."""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTableWidget, QTreeWidget, QWidget
from pytestqt.qtbot import QtBot

from core.rules.table import fmt
from core.storage import Database
from tests.qt_helpers import on_next_modal, open_seed_report
from ui.history import HistoryDialog
from ui.main_window import MainWindow

B1_NATURAL = "requests.1.natural_person"
B1_TOTAL = "requests.1.total"


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> MainWindow:
    """The seed report open in a shown window."""
    return open_seed_report(qtbot, db)


def lines(tree: QTreeWidget) -> list[list[str]]:
    """The revisions as shown: time, kind, note, number of changes."""
    return [
        [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


def details(table: QTableWidget) -> list[list[str]]:
    """The selected revision's changes as shown: what, before, after."""
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def open_history(window: MainWindow, act: Callable[[QWidget], None]) -> None:
    """「报告 → 修改历史…」, with `act` done on the dialog while it is shown."""
    on_next_modal(act)
    window.history_action.trigger()


def test_history_lists_an_edit_in_words_and_restoring_the_revision_before_brings_the_value_back(
    window: MainWindow, db: Database
) -> None:
    document = window.document
    assert document is not None
    document.set_values({B1_NATURAL: Decimal(21)})
    seen: dict[str, list[list[str]]] = {}

    def restore_before(dialog: QWidget) -> None:
        assert isinstance(dialog, HistoryDialog)
        seen["revisions"] = lines(dialog.revisions)
        seen["details"] = details(dialog.details)
        assert not dialog.restore_button.isEnabled()  # the newest is what the report is now
        dialog.revisions.setCurrentItem(dialog.revisions.topLevelItem(1))
        assert dialog.restore_button.isEnabled()
        dialog.restore_button.click()
        seen["after"] = lines(dialog.revisions)
        seen["outcome"] = [[dialog.outcome.text()]]
        dialog.reject()

    open_history(window, restore_before)
    assert [line[1:3] for line in seen["revisions"]] == [["修改数字", ""], ["导入", ""]]
    assert seen["revisions"][0][3] == "2"  # the cell, and the row total the file gave, computed again
    assert seen["details"] == [
        ["第三部分「一、本年新收政府信息公开申请数量」「自然人」", "22", "21"],
        [
            "第三部分「一、本年新收政府信息公开申请数量」「总计」",
            fmt(document.resolved[B1_TOTAL]),
            "自动计算",
        ],
    ]
    assert document.report.values[B1_NATURAL] == Decimal(22)
    assert db.load_report(document.report_id).values[B1_NATURAL] == Decimal(22)
    assert seen["after"][0][1] == "恢复" and seen["after"][0][2].startswith("恢复到 ")
    assert [r.kind for r in db.history(document.report_id)] == ["restore", "edit", "import"]
    assert seen["outcome"][0][0].startswith("已恢复到 ")
    assert window.editor is not None
    model = window.editor.tables["requests"].table_model
    assert model.data(model.index_of(B1_NATURAL)) == "22"  # the open form shows it too


def test_a_text_change_is_named_by_its_section_and_shown_where_it_differs(window: MainWindow) -> None:
    document = window.document
    assert document is not None
    before = document.report.texts["overview"]
    document.set_text("overview", before + "本年度新增一项工作。")
    dialog = HistoryDialog(document, window)
    try:
        [revision] = lines(dialog.revisions)[:1]
        assert revision[1] == "修改文字"
        [[field, old, new]] = details(dialog.details)
        assert field == "「一、总体情况」的文字"
        assert old.startswith("…") and len(old) < 50 and new.endswith("本年度新增一项工作。")
    finally:
        dialog.close()


def test_a_final_report_cannot_be_restored_and_the_storage_says_why(
    window: MainWindow, db: Database, qtbot: QtBot
) -> None:
    document = window.document
    assert document is not None
    document.set_values({B1_NATURAL: Decimal(21)})
    document.set_values({B1_NATURAL: Decimal(22)})
    db.set_status(document.report_id, "final")
    document.reload()
    dialog = HistoryDialog(document, window)
    qtbot.addWidget(dialog)
    assert lines(dialog.revisions)[0][1] == "定稿"
    dialog.revisions.setCurrentItem(dialog.revisions.topLevelItem(1))
    assert not dialog.restore_selected()
    assert dialog._message is not None and "定稿" in dialog._message.text()
    dialog._message.close()
    assert db.load_report(document.report_id).values[B1_NATURAL] == Decimal(22)
    assert db.history(document.report_id)[0].kind == "status"


def test_screenshot_of_the_history_dialog(window: MainWindow, tmp_path: Path) -> None:
    document = window.document
    assert document is not None
    document.set_values({B1_NATURAL: Decimal(21), "requests.4.natural_person": Decimal(3)})
    document.set_text("problems", document.report.texts["problems"].replace("。", "，并持续改进。", 1))
    document.set_signature("温县人民政府办公室", None)
    dialog = HistoryDialog(document, window)
    dialog.show()
    folders = [tmp_path] + ([Path(os.environ["NIANBAO_SHOTS"])] if os.environ.get("NIANBAO_SHOTS") else [])
    for row, name in ((1, "修改历史-数字"), (0, "修改历史-文字")):
        dialog.revisions.setCurrentItem(dialog.revisions.topLevelItem(row))
        QCoreApplication.processEvents()
        image = dialog.grab().toImage()
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            assert image.save(str(folder / f"{name}.png"))
        assert image.width() > 400 and image.height() > 300
    assert dialog.details.rowHeight(0) > dialog.fontMetrics().height() * 2  # a long text wraps, not cut
    dialog.close()
