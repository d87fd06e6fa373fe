"""Issue 23 on the command line: a FIFO or a device given as input is refused at once (never a hang), no
command writes over its own input, and a hostile published file ends in a Chinese reason with exit 2 —
no English line from a library, no 「程序内部出错」."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED_JSON
from tests.helpers import run_main
from tests.hostile_inputs import REFUSED

ENGLISH = re.compile(r"[A-Za-z]{5,}")


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), PYTHONIOENCODING="utf-8")


def _refused(tmp_path: Path, *args: str | Path) -> str:
    result = run_main(*args, env=_env(tmp_path), timeout=30)  # a FIFO hung here for ever
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "程序内部出错" not in result.stderr
    return result.stderr


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "管道.json"
    os.mkfifo(path)
    return path


def test_a_fifo_is_refused_as_input_by_every_command(tmp_path: Path, fifo: Path) -> None:
    seed = tmp_path / "seed.json"
    shutil.copyfile(SEED_JSON, seed)
    page = tmp_path / "管道.html"
    os.mkfifo(page)
    roster = tmp_path / "名单.csv"
    os.mkfifo(roster)
    db = tmp_path / "db.sqlite3"
    commands: list[tuple[str | Path, ...]] = [
        ("check", fifo),
        ("check", seed, "--previous", fifo),
        ("verify", fifo, "ABCD-EFGH-JKLM"),
        ("import", page, "-o", tmp_path / "out.json"),
        ("db", "import", fifo, "--db", db),
        ("--db", fifo, "db", "list"),
        ("db", "restore", fifo, "--db", db),
        ("desk", tmp_path, "--roster", roster, "--year", "2021"),
        ("sum", seed, fifo, "--agency", "汇总", "--year", "2021", "-o", tmp_path / "sum.json"),
    ]
    for args in commands:
        assert "不是普通文件" in _refused(tmp_path, *args), args


def test_a_character_device_is_refused_not_read_for_ever(tmp_path: Path) -> None:
    for name, command in (("zero.json", "check"), ("zero.txt", "import")):
        device = tmp_path / name
        device.symlink_to("/dev/zero")
        args = (command, device) if command == "check" else (command, device, "-o", tmp_path / "o.json")
        assert "不是普通文件" in _refused(tmp_path, *args)


def test_no_command_writes_over_its_own_input(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    shutil.copyfile(SEED_JSON, report)
    other = tmp_path / "b.json"
    shutil.copyfile(SEED_JSON, other)
    link = tmp_path / "link.json"
    os.link(report, link)
    page = tmp_path / "page.html"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "published" / "seed.html", page)
    before = {p: p.read_bytes() for p in (report, other, page)}
    for args in (
        ("pdf", report, "-o", report),
        ("export", report, "-o", link),
        ("sum", report, other, "--agency", "汇总", "--year", "2021", "-o", report),
        ("import", page, "-o", page),
    ):
        assert "覆盖" in _refused(tmp_path, *args), args
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.parametrize(
    "name", ["bad-mediabox.pdf", "strict-ooxml.docx", "bom-then-bad-byte.txt", "reference-loop.pdf"]
)
def test_import_of_a_hostile_file_says_why_in_chinese_only(tmp_path: Path, name: str) -> None:
    path = dict(REFUSED)[name](tmp_path)
    stderr = _refused(tmp_path, "import", path, "-o", tmp_path / "out.json")
    english = ENGLISH.findall(re.sub("“[^”]*”", "", stderr))  # not the file's name, quoted
    assert not english, stderr  # pdfminer's "Invalid MediaBox…" went to the console
    assert not (tmp_path / "out.json").exists()
