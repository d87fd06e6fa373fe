"""Helpers the tests share that are not fixtures: `main.py` run as a script runs it, a stored value
read back from a database file, a 仿宋 "installed" in a Windows font folder. Qt-free, so the
command-line tests need no GUI modules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pytest

from core.paths import resource_path
from core.storage import Database
from tests.conftest import ROOT


def run_main(
    *args: str | Path, env: Mapping[str, str] | None = None, cwd: Path = ROOT, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python main.py ARGS` in a fresh process (env None: this process's environment), output as text."""
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def natural_persons(path: Path) -> Decimal | None:
    """Table B row 一, 自然人, of the first report in the database file at `path` (22 in the seed)."""
    with Database.open(path, read_only=True) as db:
        return db.load_report(db.list_reports()[0].id).values["requests.1.natural_person"]


def install_fangsong(windir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 仿宋 for this test: %WINDIR% is `windir`, whose Fonts folder holds simfang.ttf (the bundled
    font's bytes under the Windows name; no Windows font is ever part of the repository)."""
    from core.pdf.fonts import BUNDLED  # ReportLab only for the tests that print

    folder = windir / "Fonts"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(resource_path(*BUNDLED), folder / "simfang.ttf")
    monkeypatch.setenv("WINDIR", str(windir))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    return folder / "simfang.ttf"
