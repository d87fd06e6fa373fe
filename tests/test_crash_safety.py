"""Power cut and full disk, for real: a writer killed with SIGKILL mid-save, a write past the file-size limit.

Every revision the writer reported as committed must be there afterwards, in a file that passes the
integrity check; a write that cannot be completed must leave the database as it was.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from core.documents.exchange import read_report
from core.storage import Database
from tests.conftest import ROOT, SEED_JSON

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and RLIMIT_FSIZE are POSIX")

AGENCY = "温县人民政府办公室"

# Edits in a loop, printing each revision id only after its commit returned.
WRITER = r"""
import sys
from decimal import Decimal
from core.documents.exchange import read_report
from core.storage import Database

path, seed, round_ = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = Database.open(path)
report_id, _ = db.import_report(read_report(seed))
cells = list(db.load_report(report_id).values)[:60]
n = 0
while True:
    n += 1
    if n % 5 == 0:
        rev = db.set_text(report_id, "other", f"第 {round_}-{n} 次修改。" * 400)
    else:
        block = {a: Decimal(round_ * 100000 + n + i) for i, a in enumerate(cells)}
        rev = db.set_values(report_id, block, kind="paste")
    print(rev, n, flush=True)
"""

# Opens the database, then may write no file past `limit` bytes (as on a full disk).
FULL_DISK = r"""
import resource, signal, sys
from decimal import Decimal
from core.errors import UserError
from core.storage import Database

db = Database.open(sys.argv[1])
report_id = db.find_report("温县人民政府办公室", 2021)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
try:
    db.set_text(report_id, "overview", "很长的概述。" * 100_000)
    print("written")
except UserError as exc:
    print(exc.message)
print(db.set_values(report_id, {"requests.1.natural_person": Decimal(99)}) is not None)
"""


def _child(script: str, *args: object) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def test_a_writer_killed_mid_save_leaves_a_sound_file_with_every_reported_revision(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    committed: dict[int, tuple[int, int]] = {}  # revision id -> (round, n)
    for round_, kill_after in enumerate((2, 37, 150), start=1):
        writer = _child(WRITER, path, SEED_JSON, round_)
        assert writer.stdout is not None
        reported = 0
        for line in writer.stdout:
            rev, n = line.split()
            committed[int(rev)] = (round_, int(n))
            reported += 1
            if reported == kill_after:
                writer.send_signal(signal.SIGKILL)  # somewhere in the next save, or between saves
                break
        out, err = writer.communicate(timeout=60)
        for line in out.splitlines():  # printed before it died: committed too
            rev, n = line.split()
            committed[int(rev)] = (round_, int(n))
        assert writer.returncode == -signal.SIGKILL, err
        assert reported == kill_after, err

    with Database.open(path) as db:
        assert db.integrity_check() == []
        report_id = db.find_report(AGENCY, 2021)
        assert report_id is not None
        history = {r.id: r for r in db.history(report_id)}
        assert set(committed) <= set(history)
        cells = list(db.load_report(report_id).values)[:60]
        for rev, (round_, n) in sorted(committed.items())[-12:]:  # each later state rebuilt exactly
            state = db.report_at(report_id, rev)
            if n % 5 == 0:
                assert state.texts["other"] == f"第 {round_}-{n} 次修改。" * 400
            else:
                assert [state.values[a] for a in cells] == [round_ * 100000 + n + i for i in range(60)]


def test_a_full_disk_refuses_the_write_in_chinese_and_keeps_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.sqlite3"
    with Database.open(path) as db:
        report_id, _ = db.import_report(read_report(SEED_JSON))
        before = db.load_report(report_id)
    result = _child(FULL_DISK, path)
    out, err = result.communicate(timeout=60)
    assert result.returncode == 0, err
    refusal, small_edit = out.splitlines()
    assert "本次修改没有保存" in refusal and "磁盘" in refusal
    assert small_edit == "True"  # the database stays usable for what still fits
    with Database.open(path) as db:
        assert db.integrity_check() == []
        after = db.load_report(report_id)
        assert after.texts == before.texts
        assert after.values["requests.1.natural_person"] == Decimal(99)
        assert [r.kind for r in db.history(report_id)] == ["edit", "import"]
