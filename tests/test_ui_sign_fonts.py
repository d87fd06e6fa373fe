"""Which faces print the report, said on the sign page and by `main.py pdf`; a 定稿 without 仿宋 is
made only when the user says so after a plain question.

This machine has no Windows fonts: with %WINDIR% unset every role falls back to the bundled font, as on
an office PC without the Chinese fonts; `install_fangsong` puts a 仿宋 where Windows keeps it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from core.cli.commands import run
from core.storage import Database
from tests.conftest import SEED_JSON
from tests.helpers import install_fangsong
from tests.qt_helpers import on_next_modal, open_sign_page
from ui.sign_print import SignPrintPage

QUESTION = "本机没有仿宋字体，打印件不符合公文格式，仍要定稿吗？"


@pytest.fixture(autouse=True)
def _no_windows_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WINDIR", "SystemRoot", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)


def shown_lines(page: SignPrintPage) -> list[str]:
    """The font note as the user reads it: the faces, then the warning (in red) when it shows."""
    warning = page.fonts_warning.text().splitlines() if not page.fonts_warning.isHidden() else []
    return [*page.fonts_label.text().splitlines(), *warning]


def answer(button_text: str, seen: list[str]) -> None:
    """On the next dialog: note its text and press the button so labelled."""

    def press(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox)
        seen.append(dialog.text())
        (button,) = [b for b in dialog.buttons() if b.text() == button_text]
        button.click()

    on_next_modal(press)


def test_without_fangsong_the_page_says_so_and_finalizing_asks_first(qtbot: QtBot, db: Database) -> None:
    page = open_sign_page(qtbot, db)
    shown = shown_lines(page)
    assert shown[0] == "打印所用字体："
    assert "仿宋：本机没有，用自带的文泉驿微米黑" in shown and "黑体：本机没有，用自带的文泉驿微米黑" in shown
    assert "本机没有仿宋字体" in shown and "打印件不符合公文格式" in shown
    document = page.document
    seen: list[str] = []
    answer("取消", seen)
    assert not page.finalize()
    assert seen == [QUESTION] and db.status(document.report_id) == "draft"
    answer("仍要定稿", seen)
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        assert page.finalize()
    assert seen == [QUESTION, QUESTION] and db.status(document.report_id) == "final"


def test_with_fangsong_installed_the_page_names_it_and_finalizing_does_not_ask(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fangsong(tmp_path / "Windows", monkeypatch)
    page = open_sign_page(qtbot, db)
    shown = shown_lines(page)
    assert "仿宋：simfang.ttf" in shown and "楷体：本机没有，用自带的文泉驿微米黑" in shown
    assert "本机没有仿宋字体" not in shown
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        assert page.finalize()  # no question: a modal one would never be answered here
    assert db.status(page.document.report_id) == "final"


def test_main_pdf_says_which_faces_print_and_warns_without_fangsong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["pdf", str(SEED_JSON), "-o", str(tmp_path / "a.pdf")]) == 0
    out = capsys.readouterr().out
    assert "打印所用字体：仿宋：本机没有，用自带的文泉驿微米黑；黑体：本机没有" in out
    assert "本机没有仿宋字体，打印件不符合公文格式。" in out
    install_fangsong(tmp_path / "Windows", monkeypatch)
    assert run(["pdf", str(SEED_JSON), "-o", str(tmp_path / "b.pdf")]) == 0
    out = capsys.readouterr().out
    assert "打印所用字体：仿宋：simfang.ttf；黑体：本机没有" in out and "本机没有仿宋字体" not in out
