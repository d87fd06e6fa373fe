"""Start-up in the app (issue 9, item 4): a restore is offered only for real damage; a newer database
says to use the newer app and is left untouched; a foreign file offers to open or create another."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from core.ops.backups import list_backups, make_backup
from core.storage import Database
from tests.qt_helpers import answer_boxes
from ui.safety import open_database


def _with_backup(path: Path) -> None:
    with Database.open(path) as db:
        make_backup(db, "auto")


def test_a_newer_database_is_never_offered_a_restore(qtbot: QtBot, seeded_db_path: Path) -> None:
    _with_backup(seeded_db_path)
    data = bytearray(seeded_db_path.read_bytes())
    data[60:64] = (9).to_bytes(4, "big")
    seeded_db_path.write_bytes(bytes(data))
    seen: list[str] = []
    answer_boxes("是", seen, once=True)
    assert open_database(seeded_db_path) is None
    assert len(seen) == 1 and "请使用新版本的年报助手" in seen[0] and "备份" not in seen[0]
    assert seeded_db_path.read_bytes() == bytes(data)
    assert [b.kind for b in list_backups(seeded_db_path)] == ["auto"]  # no before-restore copy: untouched


@pytest.mark.parametrize("kind", ["text", "other-sqlite"])
def test_a_foreign_file_offers_another_database_and_is_left_alone(
    qtbot: QtBot, seeded_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    _with_backup(seeded_db_path)
    foreign = seeded_db_path  # another program's file where ours was: its backups must not be offered
    foreign.unlink()
    if kind == "text":
        foreign.write_text("会议纪要", encoding="utf-8")
    else:
        sqlite_utils.Database(foreign)["contacts"].insert({"name": "张三"})
    content = foreign.read_bytes()
    new = tmp_path / "新的.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(new), ""))
    seen: list[str] = []
    answer_boxes("新建数据库", seen, once=True)
    db = open_database(foreign)
    assert db is not None
    with db:
        assert db.path == new and db.list_reports() == []
    assert "不是年报助手的数据库" in seen[0] and "备份" not in seen[0]
    assert foreign.read_bytes() == content


def test_quitting_at_a_foreign_file_changes_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    foreign = tmp_path / "别人的.sqlite3"
    foreign.write_text("会议纪要", encoding="utf-8")
    seen: list[str] = []
    answer_boxes("退出", seen, once=True)
    assert open_database(foreign) is None
    assert foreign.read_text(encoding="utf-8") == "会议纪要"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["别人的.sqlite3"]
