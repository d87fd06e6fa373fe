"""`main.py db …` as a script runs it: a real process, a real database file, exit codes, Chinese output."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from core.documents.exchange import read_report, write_report
from core.storage import MIGRATIONS, Database
from tests.conftest import ROOT, SEED_JSON
from tests.helpers import run_main

AGENCY = "温县人民政府办公室"


def _main(*args: str | Path, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    if home is not None:
        env["XDG_DATA_HOME"] = str(home)  # where platformdirs puts the default database on Linux
    return run_main(*args, env=env)


def _edited_seed(tmp_path: Path) -> Path:
    report = read_report(SEED_JSON)
    report.values["requests.1.natural_person"] = Decimal(30)
    path = tmp_path / "edited.json"
    write_report(report, path)
    return path


def test_import_stores_a_new_report_and_reimport_makes_a_revision_not_a_copy(
    tmp_path: Path, db_path: Path
) -> None:
    first = _main("db", "import", SEED_JSON, "--db", db_path)
    assert (first.returncode, first.stderr) == (0, "")
    assert "已导入" in first.stdout and "新建" in first.stdout

    again = _main("db", "import", SEED_JSON, "--db", db_path)
    assert again.returncode == 0 and "没有改动" in again.stdout

    edited = _main("db", "import", _edited_seed(tmp_path), "--db", db_path)
    assert edited.returncode == 0 and "新的修改" in edited.stdout
    with Database.open(db_path) as db:
        [summary] = db.list_reports()
        assert [r.kind for r in db.history(summary.id)] == ["import", "import"]
        assert db.load_report(summary.id).values["requests.1.natural_person"] == 30


def test_an_unusable_report_file_is_refused_with_exit_2_and_no_database_is_made(
    tmp_path: Path, db_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "nianbao.report/1", "format": "2021", "agency": "x", "year": "二〇二一"}')
    result = _main("db", "import", bad, "--db", db_path)
    assert result.returncode == 2
    assert "year" in result.stderr and "年份" in result.stderr and "Traceback" not in result.stderr
    assert not db_path.exists()


def test_export_gives_the_imported_file_back_to_stdout_and_to_a_file(tmp_path: Path, db_path: Path) -> None:
    assert _main("db", "import", SEED_JSON, "--db", db_path).returncode == 0
    seed_text = SEED_JSON.read_text(encoding="utf-8")

    to_stdout = _main("db", "export", "--agency", AGENCY, "--year", "2021", "--db", db_path)
    assert (to_stdout.returncode, to_stdout.stdout) == (0, seed_text)

    out = tmp_path / "导出.json"
    to_file = _main("db", "export", "--agency", AGENCY, "--year", "2021", "-o", out, "--db", db_path)
    assert to_file.returncode == 0 and "已导出" in to_file.stdout
    assert out.read_text(encoding="utf-8") == seed_text


def test_exporting_a_report_that_is_not_there_exits_2_in_chinese(db_path: Path) -> None:
    assert _main("db", "import", SEED_JSON, "--db", db_path).returncode == 0
    result = _main("db", "export", "--agency", AGENCY, "--year", "2020", "--db", db_path)
    assert result.returncode == 2
    assert f"没有“{AGENCY}”的 2020 年度报告" in result.stderr and result.stdout == ""


def test_list_shows_agency_year_status_counts_and_last_change(db_path: Path) -> None:
    broken = read_report(SEED_JSON)
    broken.values["requests.1.natural_person"] = Decimal(21)
    broken.values["requests.1.commercial"] = None
    with Database.open(db_path) as db:
        db.create_report(broken)
        final = db.create_report(replace(read_report(SEED_JSON), year=2020))
        db.set_status(final, "final")
    result = _main("db", "list", "--db", db_path)
    assert result.returncode == 0
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [line[:3] for line in lines] == [[AGENCY, "2021", "草稿"], [AGENCY, "2020", "定稿"]]
    assert lines[0][3] != "错误 0" and lines[0][4] != "提示 0"
    assert lines[1][3:5] == ["错误 0", "提示 0"]
    assert all(len(line[5]) == len("2026-01-01 12:00") for line in lines)


def test_list_of_an_empty_database_says_so(db_path: Path) -> None:
    Database.open(db_path).close()
    result = _main("db", "list", "--db", db_path)
    assert (result.returncode, result.stdout.strip()) == (0, "数据库中还没有报告。")


def test_db_may_be_given_before_the_command_or_after_it(tmp_path: Path, db_path: Path) -> None:
    assert _main("--db", db_path, "db", "import", SEED_JSON).returncode == 0
    for args in (
        ("--db", db_path, "db", "list"),
        ("db", "list", "--db", db_path),
        ("db", "--db", db_path, "list"),
    ):
        result = _main(*args)
        assert result.returncode == 0 and result.stdout.startswith(AGENCY), args
    # the later one wins, and an empty database elsewhere stays empty
    other = tmp_path / "other.sqlite3"
    Database.open(other).close()
    assert _main("--db", db_path, "db", "list", "--db", other).stdout.strip() == "数据库中还没有报告。"


def test_without_db_the_default_database_in_the_user_data_folder_is_used(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _main("db", "import", SEED_JSON, home=home).returncode == 0
    assert _main("db", "list", home=home).stdout.startswith(AGENCY)
    [database] = home.rglob("nianbao.sqlite3")
    with Database.open(database) as db:
        assert db.find_report(AGENCY, 2021) is not None


def test_commands_that_only_read_do_not_create_a_database(db_path: Path) -> None:
    for command in (["list"], ["check"], ["backup", "-o", str(db_path.with_name("b.sqlite3"))]):
        result = _main("db", *command, "--db", db_path)
        assert result.returncode == 2 and "找不到数据库文件" in result.stderr, command
    assert not db_path.exists()


def test_check_reports_a_sound_database_with_its_schema_version(db_path: Path) -> None:
    assert _main("db", "import", SEED_JSON, "--db", db_path).returncode == 0
    result = _main("db", "check", "--db", db_path)
    assert result.returncode == 0
    assert f"结构版本：{len(MIGRATIONS)}" in result.stdout
    assert "完整性检查：通过" in result.stdout and "WAL" in result.stdout


def test_check_of_a_damaged_database_exits_1(db_path: Path) -> None:
    assert _main("db", "import", SEED_JSON, "--db", db_path).returncode == 0
    data = bytearray(db_path.read_bytes())
    data[4096 * 3 + 8 : 4096 * 3 + 200] = b"\xff" * 192  # wreck one page of the tables
    db_path.write_bytes(bytes(data))
    result = _main("db", "check", "--db", db_path)
    assert result.returncode == 1 and "发现" in result.stdout and "问题" in result.stdout


def test_check_of_a_file_that_is_not_a_database_exits_2_and_leaves_it_alone(tmp_path: Path) -> None:
    not_db = tmp_path / "报告.json"
    not_db.write_bytes(SEED_JSON.read_bytes())
    result = _main("db", "check", "--db", not_db)
    assert result.returncode == 2 and "不是年报助手的数据库" in result.stderr
    assert not_db.read_bytes() == SEED_JSON.read_bytes()


def test_backup_writes_a_sound_copy_even_while_the_database_is_open(tmp_path: Path, db_path: Path) -> None:
    assert _main("db", "import", SEED_JSON, "--db", db_path).returncode == 0
    copy = tmp_path / "备份" / "年报-备份.sqlite3"
    copy.parent.mkdir()
    with Database.open(db_path) as app:  # the desktop app has it open
        report_id = app.find_report(AGENCY, 2021)
        assert report_id is not None
        app.set_text(report_id, "other", "备份前的修改")
        result = _main("db", "backup", "-o", copy, "--db", db_path)
    assert result.returncode == 0 and "已备份" in result.stdout
    with Database.open(copy) as db:
        assert db.integrity_check() == []
        assert db.load_report(report_id).texts["other"] == "备份前的修改"


def test_a_usage_mistake_is_explained_in_chinese_with_exit_2(db_path: Path) -> None:
    result = _main("db", "export", "--agency", AGENCY, "--db", db_path)
    assert result.returncode == 2 and "命令行参数有误" in result.stderr


@pytest.mark.parametrize("command", [("db", "list"), ("db", "export", "--agency", AGENCY, "--year", "2021")])
def test_output_into_a_pipe_closed_early_ends_quietly(seeded_db_path: Path, command: tuple[str, ...]) -> None:
    """`main.py db list | head -1`: the reader stops reading; no 「程序内部出错」, no traceback."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    with subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *command, "--db", str(seeded_db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # as `head` does once it has its line
        errors = process.stderr.read().decode("utf-8")
        assert process.wait(timeout=60) == 0
    assert errors == ""


def _report_of(tmp_path: Path, agency: str, year: int) -> Path:
    report = read_report(SEED_JSON)
    report.agency, report.year = agency, year
    path = tmp_path / f"{agency}-{year}.json"
    write_report(report, path)
    return path


def test_import_of_many_files_goes_on_past_bad_ones_naming_each_with_its_reason(
    tmp_path: Path, db_path: Path
) -> None:
    first, second = _report_of(tmp_path, "甲局", 2021), _report_of(tmp_path, "乙局", 2021)
    not_json = tmp_path / "坏.json"
    not_json.write_text("{不是 JSON", encoding="utf-8")
    with Database.open(db_path) as db:  # a 定稿 in the database cannot be replaced by an import
        db.set_status(db.create_report(read_report(_report_of(tmp_path, "丙局", 2020))), "final")
    final = _report_of(tmp_path, "丙局", 2020)

    result = _main("db", "import", first, not_json, tmp_path / "无.json", final, second, "--db", db_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stdout.count("已导入") == 2 and "共 5 个文件：2 个已处理，3 个不能导入。" in result.stdout
    refused = result.stderr.splitlines()
    assert len(refused) == 3
    assert refused[0].startswith(f"未导入“{not_json}”：") and "JSON" in refused[0]
    assert refused[1].startswith(f"未导入“{tmp_path / '无.json'}”：找不到文件")
    assert refused[2].startswith(f"未导入“{final}”：") and "已定稿" in refused[2]
    with Database.open(db_path) as db:
        assert sorted((s.agency, s.year) for s in db.list_reports()) == [
            ("丙局", 2020), ("乙局", 2021), ("甲局", 2021)
        ]  # fmt: skip


def test_import_of_many_good_files_exits_0(tmp_path: Path, db_path: Path) -> None:
    files = [_report_of(tmp_path, "甲局", year) for year in (2019, 2020, 2021)]
    result = _main("db", "import", *files, "--db", db_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.count("新建") == 3 and "共 3 个文件：3 个已处理，0 个不能导入。" in result.stdout


# ---------------------------------------------------------------- read-only commands on a read-only medium


READING = (
    ("list",),
    ("check",),
    ("export", "--agency", AGENCY, "--year", "2021"),
    ("backup", "-o", "{out}/备份.sqlite3"),
)


def _reading_commands_work(folder: Path, out: Path) -> None:
    for command in READING:
        args = [a.format(out=out) for a in command]
        result = _main("db", *args, "--db", folder / "年报.sqlite3")
        assert result.returncode == 0, (command, result.stderr)
    assert "完整性检查：通过" in _main("db", "check", "--db", folder / "年报.sqlite3").stdout


def test_commands_that_only_read_take_no_lock_and_leave_the_file_as_it_was(tmp_path: Path) -> None:
    """They open the file read-only: no lock file, no copy, the file's bytes unchanged (SQLite's own
    -shm of a reader may appear where the folder can be written; on a read-only medium it cannot)."""
    folder, out = tmp_path / "只读", tmp_path / "out"
    folder.mkdir(), out.mkdir()
    assert _main("db", "import", SEED_JSON, "--db", folder / "年报.sqlite3").returncode == 0
    (folder / "年报.sqlite3.lock").unlink()
    before = (folder / "年报.sqlite3").read_bytes()
    _reading_commands_work(folder, out)
    assert (folder / "年报.sqlite3").read_bytes() == before
    assert {p.name for p in folder.iterdir()} <= {"年报.sqlite3", "年报.sqlite3-shm", "年报.sqlite3-wal"}


def test_commands_that_only_read_work_on_a_read_only_mount(tmp_path: Path) -> None:
    """A real read-only medium: a read-only bind mount of the folder (needs root and mount(8))."""
    source, medium, out = tmp_path / "source", tmp_path / "medium", tmp_path / "out"
    for folder in (source, medium, out):
        folder.mkdir()
    assert _main("db", "import", SEED_JSON, "--db", source / "年报.sqlite3").returncode == 0
    (source / "年报.sqlite3.lock").unlink()
    mounted = subprocess.run(
        ["mount", "--bind", "-o", "ro", source, medium], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip("cannot make a read-only bind mount here (not root, or no mount)")
    try:
        assert subprocess.run(["touch", medium / "x"], capture_output=True).returncode != 0  # truly read-only
        _reading_commands_work(medium, out)
        refused = _main("db", "import", SEED_JSON, "--db", medium / "年报.sqlite3")
        assert refused.returncode == 2 and "只读" in refused.stderr
    finally:
        subprocess.run(["umount", medium], check=True)
    # A log not yet merged into the file cannot be read there without SQLite writing: refused, not
    # skipped (reading the file as immutable would silently miss its last commits).
    with Database.open(source / "年报.sqlite3") as app:
        app.set_text(app.list_reports()[0].id, "other", "最后的修改")
        subprocess.run(["mount", "--bind", "-o", "ro", source, medium], check=True)
        try:
            pending = _main(
                "db", "export", "--agency", AGENCY, "--year", "2021", "--db", medium / "年报.sqlite3"
            )
        finally:
            subprocess.run(["umount", medium], check=True)
    assert pending.returncode == 2 and "未合并的日志文件" in pending.stderr, pending.stderr
