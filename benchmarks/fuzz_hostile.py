"""An outside fuzz run (issues 9 and 23): hostile report files and databases against `check`, `pdf` and
`db import` (and `db list`/`db check` for databases), hostile published files against `import`, FIFOs and
devices against every command that reads a path, formula and link injections against `export -o .xlsx`,
commands asked to write over their own input, and a desk folder of every hostile published file beside
ten good reports — each a fresh `main.py` process, as an attacker would run them.

Families: wrong types, huge numbers, lone surrogates, sizes, encodings, markup, duplicate keys, damaged
and foreign databases, a full disk (a file-size limit on the process: every write past it fails), bombs
(zip, PDF streams, pages, spans, cells), malformed (XML, zip entries, PDF objects, encodings), fifos,
injections, overwrite, desk.
Counted per run: a traceback (exit 3 or a Python traceback), a hang (over 5 s more than the command's
usual time), over the memory bound (the process's peak resident memory over 500 MB), English in the
output, no Chinese reason on a refusal, silent loss (an import that exits 0 but stores something other
than the file says, a refused command that changed the database file, an input file changed, a good
report missing from the desk), a formula or a link in an exported workbook that came from a text.
Prints the counts, a one-line summary and the failures.

    uv run python benchmarks/fuzz_hostile.py [--jobs 2] [--family NAME]
"""

from __future__ import annotations

import argparse
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
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.documents.exchange import read_report, to_dict, write_report  # noqa: E402
from core.storage import Database  # noqa: E402
from tests.hostile_inputs import PUBLISHED, REFUSED  # noqa: E402

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


COMMANDS = ("check", "pdf", "db-import", "db-import-into", "db-list", "db-check", "import", "raw")


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
    elif case.command == "raw":
        args = list(case.args)
    else:
        args = ["db", case.command.removeprefix("db-"), "--db", str(case.file)]
    started = time.perf_counter()
    code, out, memory_mb = _measured([sys.executable, str(ROOT / "main.py"), *args], env, case.fsize_limit)
    outcome = Outcome(case, time.perf_counter() - started, code, out, memory_mb=memory_mb)
    _judge(outcome, work, db)
    return outcome


def _measured(command: list[str], env: dict[str, str], fsize_limit: int | None) -> tuple[int, str, int]:
    """(exit status or -1 past the timeout, stdout + stderr, peak resident MB) of one process."""
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=output, preexec_fn=_limit(fsize_limit)
        )
        deadline = time.monotonic() + TIMEOUT
        while True:
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
        return code, output.read().decode("utf-8", "replace"), usage.ru_maxrss // 1024


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


def build_cases(folder: Path) -> list[Case]:
    cases: list[Case] = published_cases(folder)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--family", help="only this family (e.g. bombs, fifos, injections, desk)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fuzz-hostile-"))
    cases = [c for c in build_cases(folder) if args.family in (None, c.family)]
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
    desk = [o for o in outcomes if o.case.family == "desk"]
    over, lost = counts["hang"] + counts["over-memory"], counts["silent-loss"] + counts["refused-but-changed"]
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
