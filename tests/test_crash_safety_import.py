"""`db import` of many files killed with SIGKILL mid-way (issue 22): every file it said it kept is in a
sound database, whole (cells, texts, its first revision and its packed values), and no report is half
there. The fast way a new report is written (multi-row inserts, savepoint journals in memory) changes
nothing of this."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.documents.exchange import write_report
from core.storage import Database
from tests.conftest import ROOT
from tests.helpers import distinct_report

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

FILES = 700  # more than three transactions of IMPORT_BATCH files


def test_a_db_import_killed_mid_way_keeps_every_file_it_said_it_kept(tmp_path: Path) -> None:
    reports = {
        f"测试市第{n:04d}局": distinct_report(f"测试市第{n:04d}局", 2021, base=n * 7) for n in range(FILES)
    }
    files = []
    for n, report in enumerate(reports.values()):
        files.append(tmp_path / f"{n:04d}.json")
        write_report(report, files[-1])
    db_path = tmp_path / "年报.sqlite3"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "db", "import", "--db", str(db_path), *map(str, files)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
    )  # fmt: skip
    assert process.stdout is not None
    said = []
    for line in process.stdout:  # a batch is said only after its commit returned
        said.append(line)
        if len(said) >= 250:  # the first batch is kept and said; the second is being written
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    kept = {agency for agency in reports if any(agency in line for line in said)}
    assert len(kept) == len(said)

    with Database.open(db_path, read_only=True) as looked_at:
        assert looked_at.integrity_check() == []
    with Database.open(db_path) as db:
        stored = {s.agency: s.id for s in db.list_reports()}
        assert set(stored) >= kept
        assert len(stored) < FILES  # killed before the end
        packed = db.packed_values(list(stored.values()))
        for agency, report_id in stored.items():  # none half there: each whole, as its file says
            report = db.load_report(report_id)
            assert report.values == reports[agency].values and report.texts == reports[agency].texts
            assert [r.kind for r in db.history(report_id)] == ["import"]
            assert packed[report_id][1] == [reports[agency].values[a] for a in report.spec.cells]
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM reports WHERE packed IS NULL").fetchone() == (0,)
    conn.close()
