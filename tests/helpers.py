"""Helpers the tests share that are not fixtures: `main.py` run as a script runs it, a stored value
read back from a database file, a 仿宋 "installed" in a Windows font folder, the modules a fresh
process loads. Qt-free, so the
command-line tests need no GUI modules."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.format import get_format
from core.model.report import Report, Signature
from core.paths import resource_path
from core.rules.table import resolved_values
from core.storage import Database
from tests.conftest import ROOT


def run_python(
    *args: object, env: Mapping[str, str] | None = None, cwd: Path = ROOT, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python ARGS` in a fresh process (env None: this process's environment), output as text."""
    return subprocess.run(
        [sys.executable, *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def run_main(
    *args: object, env: Mapping[str, str] | None = None, cwd: Path = ROOT, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python main.py ARGS` in a fresh process (env None: this process's environment), output as text."""
    return run_python(ROOT / "main.py", *args, env=env, cwd=cwd, timeout=timeout)


_LOADED = """
import json, sys
unwanted = sys.argv[1].split()
{body}
print(json.dumps({{"result": result, "loaded": sorted(m for m in unwanted if m in sys.modules)}}))
"""


def loaded_in_fresh_process(
    body: str, unwanted: Sequence[str], env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Run `body` (Python that sets `result`) in a fresh interpreter: {"result", "loaded"}, the latter
    the `unwanted` modules it imported. What a command or window loads is most of its start-up time."""
    done = run_python("-c", _LOADED.format(body=body), " ".join(unwanted), env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    outcome: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return outcome


def natural_persons(path: Path) -> Decimal | None:
    """Table B row 一, 自然人, of the first report in the database file at `path` (22 in the seed)."""
    with Database.open(path, read_only=True) as db:
        return db.load_report(db.list_reports()[0].id).values["requests.1.natural_person"]


def install_fangsong(windir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 仿宋 for this test: %WINDIR% is `windir`, whose Fonts folder holds simfang.ttf (the bundled
    font's bytes under the Windows name; no Windows font is ever part of the repository)."""
    from core.documents.pdf.fonts import BUNDLED  # ReportLab only for the tests that print

    folder = windir / "Fonts"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(resource_path(*BUNDLED), folder / "simfang.ttf")
    monkeypatch.setenv("WINDIR", str(windir))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    return folder / "simfang.ttf"


def distinct_report(agency: str, year: int, base: int = 1) -> Report:
    """A report with no arithmetic error whose input cells hold distinct numbers (base, base+1, …), row
    一 of table B set so that each column balances; the totals left blank (derived)."""
    spec = get_format("2021")
    values: dict[str, Decimal | None] = {a: Decimal(base + i) for i, a in enumerate(spec.input_addresses)}
    report = Report(
        agency=agency,
        year=year,
        values=values,
        texts={
            "overview": f"{year}年，{agency}认真落实政务公开工作。",
            "problems": "公开不够及时。",
            "other": "无。",
        },
        signature=Signature(name=agency, date=dt.date(year + 1, 1, 20)),
    )
    for chk in spec.checks:
        first = chk.left[0].address
        if chk.rule == "B.BALANCE" and not spec.cells[first].derived:
            resolved = resolved_values(report)
            right = sum(resolved[t.address] for t in chk.right)
            report.values[first] = right - sum(resolved[t.address] for t in chk.left[1:])
    return report


class WriteLock:
    """Another connection holding the database's write lock (`BEGIN IMMEDIATE`) until released: the
    app's saves are refused once its busy timeout runs out, as when another program is busy writing."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.release()
        self.conn.close()


def back_to_schema(conn: sqlite3.Connection, version: int) -> None:
    """Make an open database file look as schema `version` left it: every table, index and column that
    later migrations added is dropped (whatever they are), and user_version is set back."""
    from core.storage.schema import MIGRATIONS

    older = sqlite3.connect(":memory:")
    try:
        for migrate in MIGRATIONS[:version]:
            migrate(older)
        for kind in ("index", "table"):
            query = "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%'"
            kept = {r[0] for r in older.execute(query, (kind,))}
            for (name,) in conn.execute(query, (kind,)).fetchall():
                if name not in kept:
                    conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")
        for (table,) in older.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            columns = {r[1] for r in older.execute(f"PRAGMA table_info({table})")}
            for (column,) in conn.execute(f"SELECT name FROM pragma_table_info('{table}')").fetchall():
                if column not in columns:
                    conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute(f"PRAGMA user_version = {version}")
    finally:
        older.close()
