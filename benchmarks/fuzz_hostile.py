"""An outside fuzz run (issues 9 and 23): hostile report files and databases against `check`, `pdf` and
`db import` (and `db list`/`db check` for databases), hostile published files against `import`, FIFOs and
devices against every command that reads a path, formula and link injections against `export -o .xlsx`,
commands asked to write over their own input, and a desk folder of every hostile published file beside
ten good reports — each a fresh `main.py` process, as an attacker would run them. Family `register`:
hostile ledgers (.csv and .xlsx: encodings, quotes, NUL, huge cells, 100,000 rows, 10,000 columns, dates
and fees out of range, NaN and 1e309 number cells, formulas, merged cells, a hidden sheet, 编号 twice,
bombs, a FIFO, a folder, a symlink loop) and hostile --agency names through `register import`, then
`table`, `due`, `fill` and the register's export over what came in; family `roster`: hostile roster
files through `desk FOLDER --roster`.

Families: wrong types, huge numbers, lone surrogates, sizes, encodings, markup, duplicate keys, damaged
and foreign databases, a full disk (a file-size limit on the process: every write past it fails), bombs
(zip, PDF streams, pages, spans, cells), malformed (XML, zip entries, PDF objects, encodings), fifos,
injections, overwrite, desk.
Counted per run: a traceback (exit 3 or a Python traceback), a hang (over 5 s more than the command's
usual time), over the memory bound (the process's peak resident memory over 500 MB), English in the
output, no Chinese reason on a refusal, silent loss (an import that exits 0 but stores something other
than the file says, a refused command that changed the database file, an input file changed, a good
report missing from the desk), a formula or a link in an exported workbook that came from a text; for a
ledger, a row stored with a value other than the file's, a row neither stored nor named as refused, a
good row or a good file refused; for a roster, a name the board does not show (or a good roster
refused). Memory is the process's own peak (VmHWM): ru_maxrss also counts the fuzzing process it was
forked from.
Prints the counts, a one-line summary and the failures.

    uv run python benchmarks/fuzz_hostile.py [--jobs 2] [--family NAME]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.documents.exchange import read_report, to_dict, write_report  # noqa: E402
from core.model.report import MAX_AGENCY  # noqa: E402
from core.storage import Database  # noqa: E402
from tests.hostile_inputs import PUBLISHED, REFUSED  # noqa: E402
from tests.test_register_hostile import Formula, Number, sheet_xml, workbook  # noqa: E402

SEED = ROOT / "tests" / "fixtures" / "wenxian-2021.json"
HANG_SECONDS = 5.0
MEMORY_MB = 500  # "a few hundred MB": the bound on any one process
TIMEOUT = 60.0
# What may appear in ASCII in a Chinese message: format names, field names, file names we made.
ALLOWED = {"JSON", "UTF", "SQLite", "WAL", "FULL", "schema", "nianbao", "report", "format", "agency", "year"}
ALLOWED |= {"text", "signature", "name", "date", "true", "false", "null", "KB", "NaN", "Infinity"}
ALLOWED |= {"Excel", "Word", "Strict", "Open", "Unicode", "docx", "html", "xlsx"}  # products, formats
ALLOWED |= {"error", "warning", "damaged"}  # `check` prints `SEVERITY RULE CELL…: message` (the contract)
FIELD = re.compile(r"[A-Za-z_]+(?:\.[A-Za-z0-9_]+)+")
WORD = re.compile(r"[A-Za-z]{4,}")


COMMANDS = ("check", "pdf", "db-import", "db-import-into", "db-list", "db-check", "import", "raw", "roster")


@dataclass
class Case:
    family: str
    name: str
    command: str  # one of COMMANDS
    file: Path
    expect_import: dict[str, Any] | None = None  # what a successful import must store
    fsize_limit: int | None = None
    db_bytes: bytes | None = None
    args: tuple[str, ...] = ()  # the command line of a "raw" case
    kept: dict[Path, bytes] = field(default_factory=dict)  # files the command must leave as they are
    workbook: Path | None = None  # an exported .xlsx to search for formulas and links
    agencies: tuple[str, ...] = ()  # good reports the desk must show
    files: int = 1  # files the command reads: each one past the first may take a second more
    ledger: Ledger | None = None  # a `register` chain's ledger: what each row must become (None: refused)
    agency: str = "温县自然资源局"  # the `register` chain's --agency
    years: tuple[int, ...] = ()  # more years for `register table` than 2026
    roster: tuple[str, ...] | None = None  # the names a roster case's board must show (None: refused)


@dataclass
class Outcome:
    case: Case
    seconds: float
    code: int
    out: str
    problems: list[str] = field(default_factory=list)
    memory_mb: int = 0


# ---------------------------------------------------------------- hostile report files


def _seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))
    return data


def _set(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    node = doc
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    return doc


FIELDS = [
    *("year", "agency", "schema", "format", "text.overview", "signature.date", "signature.name"),
    *("requests.1.natural_person", "active_disclosure.fees.amount", "requests", "requests.1", "text"),
]
MARKS = ["<a href='file:///C:/x.exe'>温县</a>", "<img src='//host/share/x.png'>"]
MARKS += ["<img width=20000 height=20000 src=x>", "<b style='color:red'>国务院办公厅</b>"]
KEYS = {part for address in read_report(SEED).values for part in address.split(".")}  # field names
JUNK: list[Any] = [None, True, 1.5, "x", [], {}, [2021], "2021", -1, 10**30, "二〇二一"]


def report_files(folder: Path) -> Iterator[tuple[str, str, bytes]]:
    """(family, name, bytes) of every hostile report file."""
    dump = lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8")  # noqa: E731
    for path in FIELDS:
        for i, junk in enumerate(JUNK):
            yield "types", f"{path}={i}", dump(_set(_seed(), path, junk))
    raw = SEED.read_text(encoding="utf-8")
    numbers = ["1E+999999", "1E+9999999", "-1e-999999", "9" * 100_000, "1e9999999999999999999999"]
    for number in [*numbers, "0." + "0" * 4000 + "1"]:
        for where in ('"year": 2021', '"natural_person": 22', '"amount": "0"'):
            key = where.split(":")[0]
            yield "huge", f"{key}={number[:12]}", raw.replace(where, f"{key}: {number}", 1).encode()
        as_text = raw.replace('"natural_person": 22', f'"natural_person": "{number}"', 1)
        yield "huge", f"string-cell={number[:12]}", as_text.encode()
    for where in ('"agency": "', '"overview": "', '"name": "', '"year": '):
        for s in ("\\ud800", "\\udfff", "\\ud83d"):
            new = where + s if where.endswith('"') else f'"year": "{s}", "x":'
            yield "surrogates", f"{where[:10]}{s}", raw.replace(where, new, 1).encode()
    yield "surrogates", "key", raw.replace('"agency":', '"\\udc00": 1, "agency":', 1).encode()
    for n in (100, 101, 1000, 10_000):
        yield "sizes", f"agency-{n}", dump(_set(_seed(), "agency", "某" * n))
    yield "sizes", "signature-1000", dump(_set(_seed(), "signature.name", "某" * 1000))
    yield "sizes", "text-100k", dump(_set(_seed(), "text.other", "很长的文字。" * 17_000))
    yield "sizes", "file-6MB", dump(_set(_seed(), "text.other", "x" * 6_000_000))
    yield "sizes", "nesting", b"[" * 100_000 + b"]" * 100_000
    yield "sizes", "empty", b""
    text = raw
    yield "encodings", "utf-16", text.encode("utf-16")
    yield "encodings", "utf-16-be", text.encode("utf-16-be")
    yield "encodings", "gbk", text.encode("gbk", errors="replace")
    yield "encodings", "utf-8-bom", b"\xef\xbb\xbf" + text.encode()
    yield "encodings", "nul-bytes", text.encode().replace(b"\n", b"\x00", 3)
    yield "encodings", "latin-1-junk", bytes(range(256)) * 40
    yield "encodings", "crlf", text.replace("\n", "\r\n").encode()
    for i, mark in enumerate(MARKS):
        yield "markup", f"agency-{i}", dump(_set(_seed(), "agency", mark))
        yield "markup", f"text-{i}", dump(_set(_seed(), "text.overview", mark))
    yield "duplicates", "year", raw.replace('"year": 2021', '"year": 2021, "year": 2031', 1).encode()
    twice = '"natural_person": 22, "natural_person": 99'
    yield "duplicates", "cell", raw.replace('"natural_person": 22', twice, 1).encode()


# ---------------------------------------------------------------- hostile databases


def _good_db(path: Path) -> Path:
    with Database.open(path) as db:
        db.create_report(read_report(SEED))
    return path


def database_files(folder: Path) -> Iterator[tuple[str, Callable[[Path], None]]]:
    """(name, make) of every damaged or foreign database; make(path) writes it."""

    def flipped(seed: int) -> Callable[[Path], None]:
        def make(path: Path) -> None:
            _good_db(path)
            data = bytearray(path.read_bytes())
            rng = random.Random(seed)
            for _ in range(rng.choice([1, 4, 32])):
                at = rng.randrange(len(data))
                data[at] ^= 1 << rng.randrange(8)
            path.write_bytes(bytes(data))

        return make

    def header(offset: int, value: int) -> Callable[[Path], None]:
        def make(path: Path) -> None:
            _good_db(path)
            data = bytearray(path.read_bytes())
            data[offset : offset + 4] = value.to_bytes(4, "big", signed=True)
            path.write_bytes(bytes(data))

        return make

    def truncated(path: Path) -> None:
        _good_db(path)
        path.write_bytes(path.read_bytes()[:3000])

    def foreign(path: Path) -> None:
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE contacts(name)")
        conn.commit()
        conn.close()

    def text_file(path: Path) -> None:
        path.write_text("会议纪要", encoding="utf-8")

    def folder_db(path: Path) -> None:
        path.mkdir()

    def zero(path: Path) -> None:
        path.write_bytes(b"")

    def damaged_wal(path: Path) -> None:
        live = path.with_name("live-" + path.name)
        with Database.open(live) as db:
            db._conn.execute("PRAGMA wal_autocheckpoint = 0")
            rid = db.create_report(read_report(SEED))
            from decimal import Decimal

            for n in range(5):
                db.set_values(rid, {"requests.1.natural_person": Decimal(100 + n)})
            shutil.copyfile(live, path)
            wal = bytearray(live.with_name(live.name + "-wal").read_bytes())
        wal[len(wal) // 2] ^= 0xFF
        path.with_name(path.name + "-wal").write_bytes(bytes(wal))

    for seed in range(12):
        yield f"bitflip-{seed}", flipped(seed)
    yield "version-minus-1", header(60, -1)
    yield "version-0", header(60, 0)
    yield "version-99", header(60, 99)
    yield "application-id", header(68, 0x12345678)
    yield "page-size-0", header(16, 0)
    yield "truncated", truncated
    yield "foreign-sqlite", foreign
    yield "text-file", text_file
    yield "folder", folder_db
    yield "zero-bytes", zero
    yield "damaged-wal", damaged_wal


# ---------------------------------------------------------------- running


def _limit(size: int | None) -> Callable[[], None] | None:
    if size is None:
        return None

    def apply() -> None:  # a full disk: every write past `size` bytes fails (EFBIG), no signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def run_case(case: Case, work: Path) -> Outcome:
    home = work / "home"
    env = dict(os.environ, PYTHONIOENCODING="utf-8", XDG_DATA_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    db = work / "db.sqlite3"
    args: list[str]
    if case.command == "check":
        args = ["check", str(case.file)]
    elif case.command == "pdf":
        args = ["pdf", str(case.file), "-o", str(work / "out.pdf")]
    elif case.command == "db-import":
        args = ["db", "import", str(case.file), "--db", str(db)]
    elif case.command == "db-import-into":
        args = ["db", "import", str(SEED), "--db", str(case.file)]
    elif case.command == "import":
        args = ["import", str(case.file), "-o", str(work / "out.json")]
    elif case.command == "register":
        return run_register(case, work, env)
    elif case.command in ("raw", "roster"):
        args = list(case.args)
    else:
        args = ["db", case.command.removeprefix("db-"), "--db", str(case.file)]
    started = time.perf_counter()
    code, out, memory_mb = _measured([sys.executable, str(ROOT / "main.py"), *args], env, case.fsize_limit)
    outcome = Outcome(case, time.perf_counter() - started, code, out, memory_mb=memory_mb)
    _judge(outcome, work, db)
    if case.command == "roster":
        _judge_roster(outcome)
    return outcome


def _measured(command: list[str], env: dict[str, str], fsize_limit: int | None) -> tuple[int, str, int]:
    """(exit status or -1 past the timeout, stdout + stderr, peak resident MB) of one process."""
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=output, preexec_fn=_limit(fsize_limit)
        )
        deadline = time.monotonic() + TIMEOUT
        peak = 0  # the process's own peak (VmHWM): ru_maxrss also counts the parent it was forked from
        while True:
            peak = max(peak, _peak_kb(process.pid))
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                process.kill()
                _, _, usage = os.wait4(process.pid, 0)
                code = -1
                break
            time.sleep(0.02)
        process.returncode = code  # reaped here, by wait4, for its resource usage
        output.seek(0)
        return code, output.read().decode("utf-8", "replace"), (peak or usage.ru_maxrss) // 1024


def _peak_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+)", status, re.M)
    return int(found[1]) if found else 0


def _english(text: str) -> list[str]:
    for mark in MARKS:  # an agency the file gave, quoted back: the user's words, not ours
        text = text.replace(mark, "")
    text = re.sub(r"/[\w./\-]+", "", text)  # file paths (ours, in a temporary folder)
    text = re.sub(r"“[^”]*”", "", text)  # quoted file names and values are the user's, not ours
    text = FIELD.sub("", text)
    words = WORD.findall(text)
    return [w for w in words if w not in ALLOWED and w not in KEYS and not w.isupper()]  # RULE ids


def _judge(o: Outcome, work: Path, db: Path) -> None:
    if o.code == 3 or "Traceback" in o.out:
        o.problems.append("traceback")
    if english := _english(o.out):
        o.problems.append("english:" + ",".join(english[:5]))
    if o.code == 2 and not re.search("[\u4e00-\u9fff]", o.out):
        o.problems.append("no-chinese-reason")
    if o.case.command == "db-import" and o.code == 0 and o.case.expect_import is not None:
        with Database.open(db, read_only=True) as stored:
            got = [to_dict(stored.load_report(s.id)) for s in stored.list_reports()]
        if got != [o.case.expect_import]:
            o.problems.append("silent-loss")
    if o.memory_mb > MEMORY_MB:
        o.problems.append(f"over-memory:{o.memory_mb}MB")
    if any(path.read_bytes() != data for path, data in o.case.kept.items()):
        o.problems.append("silent-loss:input-changed")
    if o.case.workbook is not None and o.code == 0 and (found := _live_texts(o.case.workbook)):
        o.problems.append("formula:" + ",".join(found))
    shown = [a for a in o.case.agencies if not re.search(rf"^{re.escape(a)}\t已", o.out, re.M)]
    if shown:
        o.problems.append(f"silent-loss:desk-missing-{len(shown)}")
    unchanged = (
        o.case.db_bytes is None or not o.case.file.is_file() or o.case.file.read_bytes() == o.case.db_bytes
    )
    if o.code == 2 and not unchanged:  # refused, yet the file changed
        o.problems.append("refused-but-changed")


def _live_texts(workbook: Path) -> list[str]:
    """Formulas that are not our SUM/IF checks, and any hyperlink, in an exported workbook."""
    import zipfile

    with zipfile.ZipFile(workbook) as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    found = [
        f for sheet in sheets for f in re.findall(r"<f>(.*?)</f>", sheet) if not f.startswith(("SUM(", "IF("))
    ]
    return found + ["hyperlink" for sheet in sheets if "<hyperlink" in sheet]


INJECTIONS = [
    '=HYPERLINK("http://evil.example/x","点这里")',
    "=cmd|' /C calc'!A0",
    "{=1+1}",
    "http://evil.example/a",
]
INJECTIONS += ["@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3"]


def published_cases(folder: Path) -> list[Case]:
    """Issue 23: bombs and malformed published files, FIFOs and devices, injections, overwrites, a desk."""
    cases: list[Case] = []
    hostile = folder / "published"
    hostile.mkdir()
    for name, build in REFUSED:
        family = (
            "malformed"
            if any(k in name for k in ("xml", "ooxml", "body", "entries", "entry", "bom", "bad", "media"))
            else "bombs"
        )
        cases.append(Case(family, name, "import", build(hostile)))
    for name in ("seed.docx", "seed.pdf", "seed.html", "seed-hard.docx", "seed-hard.pdf"):
        cases.append(Case("good", name, "import", PUBLISHED / name))
    seed = folder / "seed.json"
    shutil.copyfile(SEED, seed)
    fifo = folder / "fifo.json"
    os.mkfifo(fifo)
    fifo_page = folder / "fifo.html"
    os.mkfifo(fifo_page)
    device = folder / "zero.txt"
    device.symlink_to("/dev/zero")
    db = str(folder / "fifo-db.sqlite3")
    for name, args in [
        ("check", ("check", str(fifo))),
        ("check-previous", ("check", str(seed), "--previous", str(fifo))),
        ("verify", ("verify", str(fifo), "ABCD-EFGH-JKLM")),
        ("import", ("import", str(fifo_page), "-o", str(folder / "o.json"))),
        ("import-device", ("import", str(device), "-o", str(folder / "o.json"))),
        ("db-import", ("db", "import", str(fifo), "--db", db)),
        ("--db", ("--db", str(fifo), "db", "list")),
        ("db-restore", ("db", "restore", str(fifo), "--db", db)),
        ("desk-roster", ("desk", str(hostile), "--roster", str(fifo), "--year", "2021")),
        (
            "sum",
            ("sum", str(seed), str(fifo), "--agency", "汇总", "--year", "2021", "-o", str(folder / "s.json")),
        ),
    ]:
        cases.append(Case("fifos", name, "raw", fifo, args=args))
    for i, agency in enumerate(INJECTIONS):
        report = folder / f"injection-{i}.json"
        write_report(replace(read_report(SEED), agency=agency), report)
        workbook = folder / f"injection-{i}.xlsx"
        cases.append(
            Case(
                "injections",
                agency,
                "raw",
                report,
                args=("export", str(report), "-o", str(workbook)),
                workbook=workbook,
            )
        )
    page = folder / "page.html"
    shutil.copyfile(PUBLISHED / "seed.html", page)
    other = folder / "other.json"
    shutil.copyfile(SEED, other)
    kept = {seed: seed.read_bytes(), other: other.read_bytes(), page: page.read_bytes()}
    for name, args in [
        ("pdf", ("pdf", str(seed), "-o", str(seed))),
        ("sum", ("sum", str(seed), str(other), "--agency", "汇总", "--year", "2021", "-o", str(seed))),
        ("import", ("import", str(page), "-o", str(page))),
        ("export", ("export", str(other), "-o", str(other))),
    ]:
        cases.append(Case("overwrite", name, "raw", seed, args=args, kept=kept))
    agencies = tuple(f"好单位{i:02d}" for i in range(10))
    for agency in agencies:
        write_report(replace(read_report(SEED), agency=agency), hostile / f"{agency}.json")
    cases.append(
        Case(
            "desk",
            "hostile-folder",
            "raw",
            hostile,
            args=("desk", str(hostile), "--year", "2021"),
            agencies=agencies,
            files=len(REFUSED) + len(agencies),
        )
    )
    return cases


def build_cases(folder: Path, family: str | None = None) -> list[Case]:
    if family in ("register", "roster"):  # theirs only: the rest takes minutes to build
        return register_cases(folder) if family == "register" else roster_cases(folder)
    cases: list[Case] = [*published_cases(folder), *register_cases(folder), *roster_cases(folder)]
    for family, name, data in report_files(folder):
        path = folder / "files" / f"{hashlib.sha1(name.encode()).hexdigest()[:10]}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        try:
            expect: dict[str, Any] | None = to_dict(read_report(path))
        except Exception:  # refused (or a crash, which the run itself counts)
            expect = None
        for command in ("check", "pdf", "db-import"):
            cases.append(Case(family, name, command, path, expect_import=expect))
    for command in ("pdf", "db-import"):  # the full disk: writes fail past 64 KB
        cases.append(Case("full-disk", "64KB", command, SEED, fsize_limit=64 * 1024))
    for name, make in database_files(folder):
        for command in ("db-import-into", "db-list", "db-check"):
            path = folder / "dbs" / f"{name}-{command}" / "年报.sqlite3"
            path.parent.mkdir(parents=True)
            make(path)
            snapshot = path.read_bytes() if path.is_file() else None
            cases.append(Case("databases", name, command, path, db_bytes=snapshot))
    return cases


# ---------------------------------------------------------------- the register's ledger, the desk's roster

AGENCY = "温县自然资源局"
LEDGER_HEADERS = [
    "编号",
    "收到日期",
    "申请方式",
    "申请人类型",
    "申请人",
    "申请内容",
    "答复日期",
    "办理结果",
    "信息处理费",
]
LEDGER_FIELDS = [
    "number",
    "received",
    "channel",
    "applicant",
    "applicant_name",
    "subject",
    "answered",
    "result",
    "fee",
]
REFUSE = None  # a row whose value can only be refused: imported, it is silent loss
ANY = "any"  # a row that may be imported (as the file says) or refused, but named either way


Expect = dict[str, tuple[str, ...]] | str | None


@dataclass
class Ledger:
    """A hostile ledger: rows of cells under LEDGER_HEADERS and, per row, what the import must do."""

    rows: list[list[object]]
    expect: list[Expect]  # per row: {field: accepted stored texts}, REFUSE or ANY
    headers: list[str] = field(default_factory=lambda: list(LEDGER_HEADERS))
    above: list[list[object]] = field(
        default_factory=lambda: [["温县自然资源局2026年政府信息公开申请登记台账"]]
    )
    merged: list[str] = field(default_factory=list)
    hidden_first: list[list[object]] | None = None  # a hidden sheet before the ledger
    date1904: bool = False  # saved in Excel for Mac's 1904 date system


def _good(i: int, year: int = 2026) -> tuple[list[object], dict[str, tuple[str, ...]]]:
    """A good row with distinct values: its cells and what the register must store."""
    received = dt.date(year, 1 + i % 12, 1 + i % 28)
    answered = received + dt.timedelta(days=3) if i % 3 else None
    cells: list[object] = [
        f"HX-{i:05d}",
        received.isoformat(),
        ("当面", "网络", "邮寄")[i % 3],
        ("自然人", "商业企业", "科研机构")[i % 3],
        f"申请人{i}",
        f"第{i}号申请的内容",
        answered.isoformat() if answered else "",
        "予以公开" if answered else "",
        f"{i % 50}.{i % 10}0",
    ]
    expect = {
        "number": (f"HX-{i:05d}",),
        "received": (received.isoformat(),),
        "channel": (("当面", "网络", "邮寄")[i % 3],),
        "applicant": (("natural_person", "commercial", "research")[i % 3],),
        "subject": (f"第{i}号申请的内容",),
        "answered": (answered.isoformat() if answered else "",),
        "result": ("3.1" if answered else "",),
        "fee": (str(Decimal(f"{i % 50}.{i % 10}0")),),
    }
    return cells, expect


def _ledger(hostile: list[tuple[int, object, Expect]], good: int = 5) -> Ledger:
    """`good` good rows, then one row per hostile cell (column, value, expectation)."""
    rows, expect = [], []
    for i in range(good):
        cells, e = _good(i)
        rows.append(cells)
        expect.append(e)
    for n, (column, value, what) in enumerate(hostile):
        cells, e = _good(1000 + n)
        cells[column] = value
        rows.append(cells)
        if what == ANY:
            what = {"refusable": ("",), LEDGER_FIELDS[column]: (str(value),)}
        expect.append(e if what == "good" else {**e, **what} if isinstance(what, dict) else what)
    return Ledger(rows, expect)


def _csv_bytes(ledger: Ledger, encoding: str = "utf-8") -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(ledger.above)
    writer.writerow(ledger.headers)
    writer.writerows([[str(c) for c in row] for row in ledger.rows])
    return out.getvalue().encode(encoding)


def _xlsx_bytes(ledger: Ledger) -> bytes:
    """The ledger as a workbook (a hidden sheet first when the case has one), cells as the case says."""
    sheets = [("台账", sheet_xml([*ledger.above, ledger.headers, *ledger.rows], ledger.merged), False)]
    if ledger.hidden_first is not None:
        sheets.insert(0, ("旧表", sheet_xml([ledger.headers, *ledger.hidden_first]), True))
    return workbook(sheets, ledger.date1904)


def _ledger_files() -> Iterator[tuple[str, str, Ledger | None, bytes | Callable[[Path], None]]]:
    """(name, suffix, what the rows must become (None: the file must be refused), bytes or a maker)."""
    plain = _ledger([])
    text = _csv_bytes(plain)
    yield "utf-8", ".csv", plain, text
    yield "utf-16", ".csv", plain, _csv_bytes(plain, "utf-16")
    yield "utf-16-le-no-bom", ".csv", None, _csv_bytes(plain, "utf-16-le")  # no mark: no way to tell
    yield "bom-gbk", ".csv", plain, b"\xef\xbb\xbf" + _csv_bytes(plain, "gbk")
    yield "gbk", ".csv", plain, _csv_bytes(plain, "gbk")
    yield "lone-byte-utf8", ".csv", None, text.replace("第3号".encode(), b"\xff\xfe", 1)  # refused, named
    yield "lone-byte-gbk", ".csv", None, _csv_bytes(plain, "gbk").replace("第3号".encode("gbk"), b"\x81", 1)
    yield "empty", ".csv", None, b""
    yield "empty-lines-30MB", ".csv", None, text + b"\r\n" * (15 * 1024 * 1024)
    yield "header-only", ".csv", _ledger([], good=0), _csv_bytes(_ledger([], good=0))
    yield "first-row-empty", ".csv", plain, _csv_bytes(replace(plain, above=[[]]))
    brackets = replace(plain, above=[["(" * 130_000, "（" * 1000]])  # a title line past any header's length
    yield "title-of-brackets", ".csv", brackets, _csv_bytes(brackets)
    nul = _ledger([(5, "第\x00号申请", {"subject": ("第号申请", "第\x00号申请")})])
    yield "nul", ".csv", nul, _csv_bytes(nul)
    quotes = _ledger([(5, '他说"公开",还有,逗号\n和换行', "good")])
    quotes.expect[-1] = {**quotes.expect[-1], "subject": ('他说"公开",还有,逗号\n和换行',)}  # type: ignore[dict-item]
    yield "quotes", ".csv", quotes, _csv_bytes(quotes)
    unclosed = _ledger([(5, "关于某事", "good")], good=8)
    broken = _csv_bytes(unclosed).replace("关于某事".encode(), '"关于某事'.encode())
    yield "quote-never-closes-small", ".csv", None, broken
    stray = _ledger([(5, '关于"某事', {"subject": ('关于"某事',)})])
    yield "stray-quote", ".csv", stray, _csv_bytes(stray)
    long_cell = _ledger([(5, "长" * 100_000, {"subject": ("长" * 100_000,)})])
    yield "cell-100k", ".csv", long_cell, _csv_bytes(long_cell)
    huge_cell = _ledger([(5, "长" * 200_000, {"subject": ("长" * 200_000,)})])
    yield "cell-200k", ".csv", None, _csv_bytes(huge_cell)  # past the csv limit: refused, said why
    many = Ledger(*map(list, zip(*(_good(i) for i in range(100_000)), strict=True)))
    yield "rows-100000", ".csv", many, _csv_bytes(many)
    wide = _ledger([])
    wide.headers += [f"备注{i}" for i in range(10_000)]
    wide.rows = [[*row, *("x" * 10_000)] for row in wide.rows]
    yield "columns-10000", ".csv", None, _csv_bytes(wide)  # past 256 columns: no ledger
    wide_long = Ledger(
        [r for r, _ in (_good(i) for i in range(1500))], [e for _, e in (_good(i) for i in range(1500))]
    )
    wide_long.headers += [f"备注{i}" for i in range(10_000)]
    wide_long.rows = [[*row, *("x" * 10_000)] for row in wide_long.rows]
    yield "columns-10000-rows-1500", ".csv", None, _csv_bytes(wide_long)
    dates = [
        (1, "0000-01-01", REFUSE),
        (1, "9999-12-31", ANY),
        (1, "2026-02-30", REFUSE),
        (1, "0001-01-01", ANY),
        (6, "9999-12-31", {"answered": ("9999-12-31",), "refusable": ("",)}),
        (1, "99999-01-01", REFUSE),
        (1, "2026年13月1日", REFUSE),
    ]
    yield "dates", ".csv", _ledger(dates), _csv_bytes(_ledger(dates))
    fees = [
        (8, "1e309", {"fee": ("1E+309",), "refusable": ("",)}),
        (8, "-0", {"fee": ("0", "-0", "0.00")}),
        (8, "１２３", {"fee": ("123",)}),
        (8, "1e999999999", {"fee": ("1E+999999999",), "refusable": ("",)}),
        (8, "NaN", REFUSE),
        (8, "-Infinity", REFUSE),
        (8, "-1", REFUSE),
        (8, "12.345.6", REFUSE),
        (8, "0.000000000000000000001", {"fee": ("1E-21",), "refusable": ("",)}),
    ]
    yield "fees", ".csv", _ledger(fees), _csv_bytes(_ledger(fees))
    twice = _ledger([(0, "HX-00001", ANY)])
    yield "number-twice", ".csv", twice, _csv_bytes(twice)
    twice_x = _ledger([(0, "HX-00001", ANY)])
    yield "number-twice", ".xlsx", twice_x, _xlsx_bytes(twice_x)
    numbers = [
        (1, Number("1000000000"), REFUSE),
        (1, Number("-5"), REFUSE),
        (1, Number("NaN"), REFUSE),
        (1, Number("INF"), REFUSE),
        (1, Number("1e309"), REFUSE),
        (1, Number("2958465"), {"received": ("9999-12-31",), "refusable": ("",)}),
        (1, Number("0.5"), REFUSE),
        (1, Number("46086.75"), {"received": ("2026-03-05",)}),
        (8, Number("NaN"), REFUSE),
        (8, Number("1e309"), REFUSE),
        (8, Number("-0"), {"fee": ("0", "-0")}),
        (0, Number("1e20"), {"number": ("100000000000000000000", "1E+20"), "refusable": ("",)}),
        (0, Number("NaN"), {"number": ("NaN", "nan"), "refusable": ("",)}),
    ]
    yield "number-cells", ".xlsx", _ledger(numbers), _xlsx_bytes(_ledger(numbers))
    formulas = [
        (1, Formula("DATE(2026,3,5)", "46086"), {"received": ("2026-03-05",)}),
        (
            5,
            Formula('HYPERLINK("http://evil.example","点这里")', "点这里", text=True),
            {"subject": ("点这里",)},
        ),
        (6, Formula("B3+5", None), REFUSE),  # no value saved beside it: Excel shows a date, we see none
        (5, "=cmd|' /C calc'!A0", {"subject": ("=cmd|' /C calc'!A0",)}),
    ]
    yield "formulas", ".xlsx", _ledger(formulas), _xlsx_bytes(_ledger(formulas))
    merged = _ledger([], good=6)
    for i in (3, 4):  # rows shown merged with the row above: the same answer date and result
        merged.rows[i][1] = merged.rows[2][1]  # received the same day, so the answer is not before it
        merged.rows[i][6:8] = ["", ""]
        merged.expect[i] = {
            **merged.expect[i],  # type: ignore[dict-item]
            "received": (merged.rows[2][1],),
            "answered": (merged.rows[2][6],),
            "result": ("3.1",),
        }
    merged.merged = ["G5:G7", "H5:H7"]  # rows 5–7 of the sheet: the title, the header, then the rows
    yield "merged-cells", ".xlsx", merged, _xlsx_bytes(merged)
    spans = _ledger([], good=2000)  # 50,000 merged ranges each down every row: 100 million cells
    yield (
        "merged-everywhere",
        ".xlsx",
        None,
        _xlsx_bytes(replace(spans, merged=[f"G3:G{3000 + n}" for n in range(50_000)])),
    )
    hidden = _ledger([])
    hidden.hidden_first = [
        [f"HX-{i:05d}", "2025-01-01", "当面", "自然人", "旧", "旧表的内容", "", "", ""] for i in range(5)
    ]
    yield "hidden-first-sheet", ".xlsx", hidden, _xlsx_bytes(hidden)
    blank_first = replace(plain, above=[[]])
    yield "first-row-empty", ".xlsx", blank_first, _xlsx_bytes(blank_first)
    yield "xlsx-good", ".xlsx", plain, _xlsx_bytes(plain)
    yield "xlsx-named-csv", ".csv", plain, _xlsx_bytes(plain)
    yield "xls-renamed", ".xlsx", None, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(8192)
    mac = _ledger([(1, Number("44624"), {"received": ("2026-03-05",)})])
    mac.date1904 = True
    for row in mac.rows[:-1]:  # the good rows' dates as Excel for Mac saves date cells
        row[1] = Number(str((dt.date.fromisoformat(str(row[1])) - dt.date(1904, 1, 1)).days))
    yield "date-1904", ".xlsx", mac, _xlsx_bytes(mac)
    unseen = [
        (3, "自然人\u200b", {"applicant": ("natural_person",)}),
        (0, "HX-01001\ufeff", {"number": ("HX-01001",)}),
        (1, "2026-05-03\u2060", {"received": ("2026-05-03",)}),
    ]
    yield "invisible-characters", ".csv", _ledger(unseen), _csv_bytes(_ledger(unseen))
    wide_x = _ledger([])
    wide_x.headers += [f"备注{i}" for i in range(10_000)]
    wide_x.rows = [[*row, *("x" * 10_000)] for row in wide_x.rows]
    yield "columns-10000", ".xlsx", None, _xlsx_bytes(wide_x)
    many_x = Ledger(*map(list, zip(*(_good(i) for i in range(100_000)), strict=True)))
    yield "rows-100000", ".xlsx", many_x, _xlsx_bytes(many_x)

    def bomb(path: Path) -> None:
        import zipfile

        with (
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book,
            book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part,
        ):
            part.write(b"<worksheet><sheetData>")
            for _ in range(1024):
                part.write(b" " * (1024 * 1024))
            part.write(b"</sheetData></worksheet>")

    def cells_bomb(path: Path, width: int = 1000) -> None:  # under the unpacked bound: millions of cells
        import zipfile

        with (
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book,
            book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part,
        ):
            part.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            row = b"<row>" + b"<c><v>1</v></c>" * width + b"</row>"
            for _ in range(120 * 1024 * 1024 // len(row)):
                part.write(row)
            part.write(b"</sheetData></worksheet>")

    yield "zip-bomb", ".xlsx", None, bomb
    yield "cells-bomb", ".xlsx", None, cells_bomb
    yield "cells-bomb-narrow", ".xlsx", None, lambda path: cells_bomb(path, 200)
    yield "not-a-zip", ".xlsx", None, b"PK\x03\x04" + bytes(range(256)) * 10
    yield "docx-renamed", ".xlsx", None, (PUBLISHED / "seed.docx").read_bytes()
    yield "csv-named-xlsx", ".xlsx", None, text

    def fifo(path: Path) -> None:
        os.mkfifo(path)

    def folder(path: Path) -> None:
        path.mkdir()

    def loop(path: Path) -> None:
        other = path.with_name("loop-" + path.name)
        path.symlink_to(other.name)
        other.symlink_to(path.name)

    yield "fifo", ".csv", None, fifo
    yield "directory", ".csv", None, folder
    yield "symlink-loop", ".csv", None, loop
    yield "dev-zero", ".csv", None, lambda path: path.symlink_to("/dev/zero")


AGENCIES = [
    ("plain", AGENCY),
    ("control-chars", "温县\x07自然\x1b[31m资源局\r\n"),
    ("1000-chars", "某" * 1000),
    ("tab", "温县\t自然资源局"),
]


def register_cases(folder: Path) -> list[Case]:
    """Hostile ledgers through `register import`, then `table`, `due`, `fill` and the register's export
    over what came in; hostile --agency names over a good ledger."""
    cases = []
    where = folder / "ledgers"
    where.mkdir()
    for name, suffix, ledger, made in _ledger_files():
        path = where / f"{name}{suffix}"
        if callable(made):
            made(path)
        else:
            path.write_bytes(made)
        kept = {path: path.read_bytes()} if path.is_file() and not path.is_symlink() else {}
        cases.append(Case("register", f"{name}{suffix}", "register", path, ledger=ledger, kept=kept))
    good = where / "good-for-agencies.csv"
    good.write_bytes(_csv_bytes(_ledger([])))
    for name, agency in AGENCIES[1:]:
        usable = len(agency.strip()) <= MAX_AGENCY  # a longer name is refused, saying how long
        ledger = _ledger([]) if usable else None
        cases.append(Case("register", f"agency-{name}", "register", good, ledger=ledger, agency=agency))
    return cases


def _register_steps(case: Case, work: Path) -> list[tuple[str, list[str]]]:
    db = str(work / "db.sqlite3")
    at = ["--agency", case.agency, "--db", db]
    years = sorted({2026, *case.years})
    export = (
        "import datetime as dt; from core.storage import Database; from core.register.ops import Register;"
        "from core.register.export import register_xlsx;"
        f"db = Database.open({db!r}, read_only=True); r = Register(db, {case.agency!r});"
        "book = register_xlsx(r.agency, r.requests(), r.calendar(), dt.date(2026, 6, 30));"
        f"open({str(work / 'register.xlsx')!r}, 'wb').write(book)"
    )
    return [
        ("import", ["register", "import", str(case.file), *at, "--json"]),
        *((f"table-{y}", ["register", "table", *at, "--year", str(y), "--json"]) for y in years),
        ("due", ["register", "due", *at, "--on", "2026-06-30", "--json"]),
        ("due-9999", ["register", "due", *at, "--on", "9999-12-30", "--json"]),
        ("fill", ["register", "fill", *at, "--year", "2026"]),
        ("export", ["-c", export]),
    ]


def run_register(case: Case, work: Path, env: dict[str, str]) -> Outcome:
    """The chain of commands over one ledger; each is judged, the problems are the chain's."""
    outcome = Outcome(case, 0.0, 0, "")
    for step, args in _register_steps(case, work):
        command = (
            [sys.executable, *args] if args[0] == "-c" else [sys.executable, str(ROOT / "main.py"), *args]
        )
        started = time.perf_counter()
        code, out, memory = _measured(command, env, None)
        seconds = time.perf_counter() - started
        outcome.seconds += seconds
        outcome.memory_mb = max(outcome.memory_mb, memory)
        outcome.out += f"[{step} → {code}] {out}"
        shown = out
        if step == "import" and code in (0, 1):
            try:
                shown = "\n".join(r["why"] for r in json.loads(out)["rejected"])
            except (ValueError, KeyError, TypeError):
                outcome.problems.append(f"{step}:json")
        elif step.startswith(("table", "due")) and code in (0, 1):
            shown = ""  # JSON of the contract: keys and values are the exchange format's
        if code == 3 or "Traceback" in out:
            outcome.problems.append(f"traceback:{step}")
        if english := _english(shown.replace(case.agency, "")):
            outcome.problems.append(f"english:{step}:" + ",".join(english[:5]))
        if code == 2 and not re.search("[\u4e00-\u9fff]", out):
            outcome.problems.append(f"no-chinese-reason:{step}")
        if code == -1 or seconds > HANG_SECONDS + (30 if "100000" in case.name else 3):
            outcome.problems.append(f"hang:{step}:{seconds:.0f}s")
        if step == "import":
            outcome.code = code
            if code not in (0, 1):
                if case.ledger is not None:
                    outcome.problems.append("refused-good-file:import")
                break  # a whole file refused (with its reason, checked above): nothing half-imported
            _judge_ledger(
                outcome, work / "db.sqlite3", json.loads(out) if "import:json" not in outcome.problems else {}
            )
        if step == "export" and code == 0 and (found := _live_texts(work / "register.xlsx")):
            outcome.problems.append("formula:" + ",".join(found))
    if outcome.memory_mb > MEMORY_MB:
        outcome.problems.append(f"over-memory:{outcome.memory_mb}MB")
    if any(path.read_bytes() != data for path, data in case.kept.items()):
        outcome.problems.append("silent-loss:input-changed")
    return outcome


def _judge_ledger(o: Outcome, db: Path, printed: dict[str, Any]) -> None:
    """Every row of the file imported as it says, or named as refused; nothing else."""
    ledger = o.case.ledger
    if ledger is None:
        o.problems.append("silent-loss:unusable-file-imported")
        return
    named = {r["row"] for r in printed.get("rejected", [])}
    first = len(ledger.above) + 2
    with Database.open(db, read_only=True) as opened:
        from core.register.ops import Register

        stored = {r.number: r.to_flat() for r in Register(opened, o.case.agency).requests()}
    for offset, expect in enumerate(ledger.expect):
        number = first + offset
        if number in named:
            if isinstance(expect, dict) and "refusable" not in expect:
                o.problems.append(f"refused-good-row:{number}")
            continue
        if expect is REFUSE:
            o.problems.append(f"silent-loss:imported-not-refused:{number}")
            continue
        got = stored.get(expect["number"][0])
        if got is None:
            o.problems.append(f"silent-loss:row-missing:{number}")
            continue
        wrong = [f for f, ok in expect.items() if f != "refusable" and (got.get(f) or "") not in ok]
        if wrong:
            o.problems.append(f"silent-loss:row-{number}:{wrong[0]}={str(got.get(wrong[0]))[:20]!r}")
    if len(stored) > sum(1 for e in ledger.expect if e is not REFUSE):
        o.problems.append("silent-loss:more-stored-than-rows")


def roster_cases(folder: Path) -> list[Case]:
    """Hostile roster files through `desk FOLDER --roster FILE`: every name shown, or the file refused."""
    where = folder / "rosters"
    reports = folder / "roster-reports"
    where.mkdir()
    reports.mkdir()
    write_report(read_report(SEED), reports / "seed.json")
    names = [f"温县第{i}局" for i in range(8)]

    def csv_of(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
        return "".join(
            ",".join(f'"{c}"' if "," in c or '"' in c else c for c in r) + "\r\n" for r in rows
        ).encode(encoding)

    table = [["序号", "单位名称", "联系人"], *([str(i + 1), n, f"联系人{i}"] for i, n in enumerate(names))]
    files: list[tuple[str, tuple[str, ...] | None, bytes | Callable[[Path], None]]] = [
        ("good.csv", tuple(names), csv_of(table)),
        ("utf-16.csv", tuple(names), csv_of(table, "utf-16")),
        ("bom-gbk.csv", tuple(names), b"\xef\xbb\xbf" + csv_of(table, "gbk")),
        ("lone-byte.csv", None, csv_of(table).replace("第3".encode(), b"\xff", 1)),
        ("nul.csv", tuple(names), csv_of(table).replace("联系人1".encode(), b"\x00\x00", 1)),
        ("quote-never-closes.csv", None, csv_of(table).replace("温县第4局".encode(), '"温县第4局'.encode())),
        (
            "control-chars.csv",
            ("温县局", "温县[31m局", *names),  # control characters print as nothing: dropped
            csv_of([*table, ["9", "温县\x07局", ""], ["10", "温县\x1b[31m局", ""]]),
        ),
        ("name-1000.csv", None, csv_of([*table, ["9", "某" * 1000, ""]])),  # refused, saying how long
        ("rows-100000.csv", None, csv_of([*table, *([str(i), f"单位{i}", ""] for i in range(100_000))])),
        ("columns-10000.csv", tuple(names), csv_of([r + ["x"] * 10_000 for r in table])),
        ("empty-first-row.csv", tuple(names), b"\r\n" + csv_of(table)),
        ("twice.csv", tuple(names), csv_of([*table, ["9", names[0], "另一个联系人"]])),
        ("empty.csv", None, b""),
        ("empty-lines-5MB.csv", tuple(names), csv_of(table) + b"\n" * (5 * 1024 * 1024 - 1024)),
        ("not-a-zip.xlsx", None, b"PK\x03\x04" + bytes(range(256)) * 4),
        ("xlsx-good.xlsx", tuple(names), _xlsx_bytes(Ledger(table[1:], [], headers=table[0], above=[]))),
        (
            "hidden-first-sheet.xlsx",
            tuple(names),
            _xlsx_bytes(
                Ledger(table[1:], [], headers=table[0], above=[], hidden_first=[["1", "旧名单里的单位", ""]])
            ),
        ),
        (
            "merged-title.xlsx",
            tuple(names),
            _xlsx_bytes(
                Ledger(table[1:], [], headers=table[0], above=[["2021年应报单位名单"]], merged=["A1:C1"])
            ),
        ),
        ("fifo.csv", None, lambda p: os.mkfifo(p)),
        ("directory.csv", None, lambda p: p.mkdir()),
        (
            "symlink-loop.csv",
            None,
            lambda p: (p.symlink_to("loop-" + p.name), p.with_name("loop-" + p.name).symlink_to(p.name)),
        ),
    ]
    cases = []
    for name, expected, made in files:
        path = where / name
        if callable(made):
            made(path)
        else:
            path.write_bytes(made)
        args = ("desk", str(reports), "--roster", str(path), "--year", "2021", "--json")
        cases.append(Case("roster", name, "roster", path, args=args, roster=expected))
    return cases


def _judge_roster(o: Outcome) -> None:
    if o.code == 2 or o.case.roster is None:
        if o.code != 2:
            o.problems.append("silent-loss:unusable-roster-used")
        elif o.case.roster is not None:
            o.problems.append("refused-good-file")
        return
    try:
        board = json.loads(o.out)
    except ValueError:
        o.problems.append("roster:json")
        return
    o.problems = [p for p in o.problems if not p.startswith("english")]  # the board's JSON: the contract
    shown = set(board["missing"]) | {a["agency"] for a in board["agencies"] if a["on_roster"]}
    lost = [n for n in o.case.roster if unicodedata.normalize("NFKC", n).strip() not in shown]
    if lost:
        o.problems.append(f"silent-loss:roster-missing-{len(lost)}:{lost[0][:12]!r}")
    if len(shown) > len(o.case.roster):
        o.problems.append(f"silent-loss:roster-extra:{sorted(shown - set(o.case.roster))[:2]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--family", help="only this family (e.g. bombs, fifos, injections, desk)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fuzz-hostile-"))
    cases = [c for c in build_cases(folder, args.family) if args.family in (None, c.family)]
    print(f"{len(cases)} runs in fresh processes ({args.jobs} at a time)…", flush=True)

    def one(item: tuple[int, Case]) -> Outcome:
        work = folder / "work" / str(item[0])
        work.mkdir(parents=True)
        return run_case(item[1], work)

    with ThreadPoolExecutor(args.jobs) as pool:
        outcomes = list(pool.map(one, enumerate(cases)))
    # A hang: over 5 s more than the command's usual time (process start-up on a loaded machine is not
    # the input's fault), or no answer at all within the timeout.
    usual = {
        c: statistics.median([o.seconds for o in outcomes if o.case.command == c] or [0.0]) for c in COMMANDS
    }
    for o in outcomes:
        if o.case.command == "register":
            continue  # each command of the chain judged on its own (run_register)
        if o.code == -1 or o.seconds > usual[o.case.command] + HANG_SECONDS + (o.case.files - 1):
            o.problems.append("hang")
    counts: Counter[str] = Counter()
    for o in outcomes:
        for p in o.problems:
            counts[p.split(":")[0]] += 1
    families = Counter(o.case.family for o in outcomes)
    print("runs per family:", dict(families))
    print("exit codes:", dict(Counter(o.code for o in outcomes)))
    print("usual (median) seconds per command:", {c: round(t, 1) for c, t in usual.items()})
    slowest = sorted(outcomes, key=lambda o: -o.seconds)[:5]
    print("slowest:", [f"{o.case.family}/{o.case.name} {o.case.command} {o.seconds:.1f}s" for o in slowest])
    for kind in ("traceback", "hang", "over-memory", "english", "no-chinese-reason", "silent-loss"):
        print(f"{kind}: {counts[kind]}")
    print(f"refused-but-changed: {counts['refused-but-changed']}\nformula: {counts['formula']}")
    print(f"refused-good-file: {counts['refused-good-file']}")
    desk = [o for o in outcomes if o.case.family == "desk"]
    over = counts["hang"] + counts["over-memory"]
    lost = counts["silent-loss"] + counts["refused-but-changed"] + counts["refused-good-file"]
    peak, slowest = max(o.memory_mb for o in outcomes), max(o.seconds for o in outcomes)
    print(
        f"SUMMARY: {len(outcomes)} inputs tried, {over} over the time/memory bound (peak {peak} MB, "
        f"slowest {slowest:.1f} s), {counts['traceback']} internal errors, {counts['english']} English, "
        f"{counts['formula']} formulas, {lost} lost"
        + (f"; desk folder of hostile files + 10 good reports: {desk[0].seconds:.1f} s" if desk else "")
    )
    for o in outcomes:
        if o.problems:
            first = o.out.strip().splitlines()[-1][:160] if o.out.strip() else ""
            print(
                f"  {o.case.family}/{o.case.name} {o.case.command}: {o.problems} {o.seconds:.1f}s | {first}"
            )
    shutil.rmtree(folder, ignore_errors=True)
    return 1 if counts else 0


if __name__ == "__main__":
    sys.exit(main())
