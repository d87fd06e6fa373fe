"""Start-up data safety (issue 9, items 4, 7, 8): only real damage is called damage; a newer or a foreign
file is refused untouched with its own error type; every SQLite failure is explained in Chinese; commands
that only read never turn an empty file into a database."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from core.errors import UserError
from core.model.report import Report
from core.storage import Database, DatabaseDamaged, DatabaseTooNew, NotOurDatabase, _user_error
from tests.conftest import SEED_JSON
from tests.helpers import run_main

ENGLISH = re.compile(r"\b(?!SQLite\b|WAL\b|FULL\b)[A-Za-z]{4,}\b")


def _seeded(path: Path, seed: Report) -> Path:
    with Database.open(path) as db:
        db.create_report(seed)
    return path


def _set_header_int(path: Path, offset: int, value: int) -> bytes:
    data = bytearray(path.read_bytes())
    data[offset : offset + 4] = value.to_bytes(4, "big", signed=True)
    path.write_bytes(bytes(data))
    return bytes(data)


def _files(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def test_a_newer_database_is_its_own_error_and_says_to_use_the_newer_app(db_path: Path, seed: Report) -> None:
    before = _set_header_int(_seeded(db_path, seed), 60, 7)
    with pytest.raises(DatabaseTooNew, match="请使用新版本的年报助手"):
        Database.open(db_path)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("kind", ["text", "folder", "other-sqlite"])
def test_a_foreign_file_is_not_our_database_not_damage(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.sqlite3"
    if kind == "text":
        path.write_text("会议纪要", encoding="utf-8")
    elif kind == "folder":
        path.mkdir()
    else:
        sqlite_utils.Database(path)["contacts"].insert({"name": "张三"})
    with pytest.raises(NotOurDatabase) as refused:
        Database.open(path)
    assert not isinstance(refused.value, DatabaseDamaged)


@pytest.mark.parametrize("version", [-1, 0])
def test_our_file_with_tables_but_no_positive_version_is_damaged_not_a_crash(
    db_path: Path, seed: Report, version: int
) -> None:
    before = _set_header_int(_seeded(db_path, seed), 60, version)
    files = _files(db_path.parent)
    with pytest.raises(DatabaseDamaged, match="已损坏"):
        Database.open(db_path)
    assert db_path.read_bytes() == before and _files(db_path.parent) == files


def _flip_a_text_value(path: Path) -> None:
    """Invalid UTF-8 inside a stored agency name, as one bit flipped on a disk makes it."""
    data = path.read_bytes()
    name = "温县人民政府办公室".encode()
    at = data.index(name)
    path.write_bytes(data[:at] + b"\xff\xfe" + data[at + 2 :])


def test_a_bit_flipped_text_is_damage_in_chinese_not_an_internal_error(db_path: Path, seed: Report) -> None:
    _flip_a_text_value(_seeded(db_path, seed))
    with Database.open(db_path) as db, pytest.raises(DatabaseDamaged, match="已损坏"):
        db.list_reports()
    result = run_main("db", "list", "--db", db_path)
    assert result.returncode == 2 and "已损坏" in result.stderr
    assert "Traceback" not in result.stderr and "UTF-8" not in result.stderr


@pytest.mark.parametrize("code", range(1, 29))
@pytest.mark.parametrize("writing", [False, True])
def test_every_sqlite_result_code_gets_a_chinese_reason(code: int, writing: bool) -> None:
    exc = sqlite3.OperationalError("database disk image is malformed")
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    error = _user_error(exc, Path("年报.sqlite3"), writing)
    assert isinstance(error, UserError)
    assert "年报.sqlite3" in error.message and not ENGLISH.search(error.message), error.message


def test_db_check_of_a_damaged_database_speaks_chinese_only(db_path: Path, seed: Report) -> None:
    _seeded(db_path, seed)
    data = bytearray(db_path.read_bytes())
    data[4096 * 3 + 8 : 4096 * 3 + 200] = b"\xff" * 192
    db_path.write_bytes(bytes(data))
    result = run_main("db", "check", "--db", db_path)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    shown = (result.stdout + result.stderr).replace(str(db_path), "")
    assert not ENGLISH.search(shown), shown


def test_db_check_names_records_pointing_nowhere_in_chinese(db_path: Path, seed: Report) -> None:
    _seeded(db_path, seed)
    with sqlite3.connect(db_path) as conn:  # foreign keys off: as a damaged page can leave it
        conn.execute("INSERT INTO cells (report_id, address, value) VALUES (99, 'requests.1.total', '5')")
        conn.execute(
            "INSERT INTO revisions (report_id, at, kind) VALUES (99, '2022-01-01T00:00:00+00:00', 'edit')"
        )
    result = run_main("db", "check", "--db", db_path)
    assert result.returncode == 1
    assert "表格数字中有记录指向不存在的报告表（1 处" in result.stdout
    assert "修改历史中有记录指向不存在的报告表（1 处" in result.stdout
    assert not ENGLISH.search(result.stdout.replace(str(db_path), "")), result.stdout


@pytest.mark.parametrize("command", [["check"], ["list"], ["export", "--agency", "x", "--year", "2021"]])
def test_read_only_commands_leave_a_zero_byte_file_as_it_is(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "空.sqlite3"
    path.write_bytes(b"")
    result = run_main("db", *command, "--db", path)
    assert result.returncode == 2 and "是空的" in result.stderr
    assert path.read_bytes() == b"" and _files(tmp_path) == ["空.sqlite3"]


def test_an_import_still_makes_a_database_of_a_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "新.sqlite3"
    path.write_bytes(b"")
    assert run_main("db", "import", SEED_JSON, "--db", path).returncode == 0
    with Database.open(path) as db:
        assert len(db.list_reports()) == 1
