"""帮助 → 使用说明 (issue 18, item 14): F1 opens the offline guide with its pictures; the sign page's
「什么是定稿？」 and 「校验码能证明什么？」 open it at their chapter."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QTextDocument
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from core.paths import resource_path
from core.storage import Database
from tests.qt_helpers import open_seed_report
from ui.help import HelpWindow


def test_f1_opens_the_guide_and_the_sign_page_opens_it_where_the_clerk_stopped(
    qtbot: QtBot, db: Database
) -> None:
    window = open_seed_report(qtbot, db)
    help_menu = window.menuBar().actions()[-1].menu()
    assert help_menu is not None
    [guide_action] = [a for a in help_menu.actions() if a.text() == "使用说明"]
    assert guide_action.shortcut() == QKeySequence(Qt.Key.Key_F1)
    guide_action.trigger()  # as F1 does (offscreen windows are never active, so shortcuts do not fire)
    guide = window.findChild(HelpWindow)
    assert guide is not None and guide.isVisible()
    text = guide.browser.toPlainText()
    for chapter in (
        "写第一份报告",
        "读入上年已发布的报告",
        "核对",
        "打印与定稿",
        "什么是定稿",
        "报送",
        "汇总台",
    ):
        assert chapter in text
    assert "不能证明" in text and "不是签名" in text  # what the 校验码 does not prove, too
    html = (resource_path("guide") / "index.html").read_text("utf-8")
    pictures = re.findall(r'<img src="([^"]+)"', html)
    assert len(pictures) >= 5
    for name in pictures:  # every picture is there and loads
        assert (resource_path("guide") / name).stat().st_size > 1000
        image = guide.browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        assert image is not None and not image.isNull(), name
    assert guide.browser.verticalScrollBar().value() == 0
    guide.close()

    assert window.editor is not None
    window.editor.show_page(window.editor.nav.count() - 1)
    buttons = {b.text(): b for b in window.editor.sign_page.findChildren(QPushButton)}
    for text, heading in (("什么是定稿？", "什么是定稿"), ("校验码能证明什么？", "校验码能证明什么")):
        buttons[text].click()
        assert window.findChildren(HelpWindow) == [guide] and guide.isVisible()  # one guide, reused
        browser = guide.browser
        assert browser.verticalScrollBar().value() > 0
        top = browser.cursorForPosition(browser.viewport().rect().topLeft())
        top.movePosition(top.MoveOperation.Down, top.MoveMode.KeepAnchor, 3)
        assert heading in top.selectedText(), top.selectedText()
