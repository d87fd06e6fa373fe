"""The collection desk at county scale: the figures issue 12 names.

    uv run python -m benchmarks.bench_desk [RUNS]

1. A database of 200 agencies × 10 years (distinct numbers): the board for a year (`database_board`)
   and the 汇总 of that year (`add_up` over `load_reports`), median of RUNS (default 7); ≤ 100 ms each.
   A quarter of the reports are 定稿 (the board reads those for their 校验码).
2. Receiving 200 exchange files from a folder and making the board (`open_desk`); ≤ 5 s.
3. `main.py desk` on a folder of 500 files against one `main.py check`, fresh processes (median of 3);
   the ratio should be ≤ 10.
4. A folder of 500 files, a published PDF among them, read through the desk session as the window does:
   progress after every file, the PDF's own time against the median file, the board of the 500, and
   取消 asked after 250 files: how long until the reading stops and what the partial board says.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from core import desk
from core.documents.exchange import write_report
from core.storage import Database
from tests.helpers import distinct_report

ROOT = Path(__file__).resolve().parents[1]
AGENCIES, YEARS = 200, range(2012, 2022)


def _median(runs: int, job: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _process(*args: str | Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True, check=False)
    return time.perf_counter() - start


def main(runs: int) -> None:
    roster = [f"测试县第{a:03d}局" for a in range(AGENCIES)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Database.open(folder / "desk.db") as db:
            for a, name in enumerate(roster):
                for year in YEARS:
                    report_id = db.create_report(distinct_report(name, year, base=a + year % 7))
                    if a % 4 == 0:  # a quarter are 定稿: their 校验码 is computed for the board
                        db.set_status(report_id, "final")
            db.list_reports()  # every count kept before timing
            board = _median(runs, lambda: desk.database_board(db, 2021, roster))
            ids = [s.id for s in db.list_reports() if s.year == 2021]
            total = _median(runs, lambda: desk.add_up(list(db.load_reports(ids).values()), "测试县", 2021))
        print(f"board of a year, 2,000 reports in the database: {board * 1000:.1f} ms")
        print(f"汇总 of a year (200 reports):                   {total * 1000:.1f} ms")

        inbox = folder / "inbox"
        inbox.mkdir()
        for a, name in enumerate(roster):
            write_report(distinct_report(name, 2021, base=a), inbox / f"{a:03d}.json")
        receive = _median(max(1, runs // 3), lambda: desk.open_desk(inbox, 2021, roster))
        print(f"receiving 200 JSON files and the board:         {receive:.2f} s")

        big = folder / "big"
        big.mkdir()
        for a in range(500):
            write_report(
                distinct_report(f"测试县第{a:03d}局", 2021 - a // 250, base=a), big / f"{a:03d}.json"
            )
        one = big / "000.json"
        check = statistics.median(_process("check", one) for _ in range(3))
        whole = statistics.median(_process("desk", big, "--year", "2021", "--json") for _ in range(3))
        print(f"main.py check (one file):                       {check:.2f} s")
        print(f"main.py desk (500 files):                       {whole:.2f} s")
        print(f"ratio {whole / check:.1f}")
        _folder_of_500(big)


def _folder_of_500(big: Path) -> None:
    """Reading 500 files with progress and a cancel, a PDF among them (section 4 of the docstring)."""
    pdf = ROOT / "tests" / "fixtures" / "published" / "seed-hard.pdf"
    (big / "250-published.pdf").write_bytes(pdf.read_bytes())
    session = desk.DeskSession.of_folder(big)
    times: list[float] = []
    last = [time.perf_counter()]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        times.append(now - last[0])
        last[0] = now

    start = time.perf_counter()
    session.read(progress)
    whole = time.perf_counter() - start
    files = session.files()
    slowest = max(range(len(times)), key=times.__getitem__)
    print(f"reading 501 files (one PDF), progress after each: {whole:.2f} s, {len(times)} progress calls")
    print(
        f"  median file {statistics.median(times) * 1000:.1f} ms; slowest {files[slowest].name} "
        f"{times[slowest] * 1000:.0f} ms"
    )
    board_time = _median(3, lambda: session.board(2021))
    print(f"board of the 501 files read:                    {board_time * 1000:.0f} ms")

    asked: list[float] = []

    def cancelled() -> bool:
        if len(asked) == 0 and len(times) >= 250:
            asked.append(time.perf_counter())
        return bool(asked)

    times.clear()
    session.read(progress, cancelled)
    stopped = time.perf_counter() - asked[0]
    board = session.board(2021)
    print(f"取消 after 250 files: stopped {stopped * 1000:.1f} ms later; board says: {board.partial_note}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
