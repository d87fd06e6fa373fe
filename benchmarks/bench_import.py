"""How well and how fast published reports import, per kind of input, over every fixture.

    uv run python -m benchmarks.bench_import [--runs 3]

For each kind (office-made Word/PDF/web page, the hardened variant with blanks and —, real web texts):
the share of table cells imported exactly as the fixture's expected file says, the share flagged
(doubtful + unread), the silent errors (a cell wrong and not flagged — must be 0), and the time per
file in a fresh Python process (interpreter start included; and inside it, import + read). The machine
sets PYTHONDONTWRITEBYTECODE=1: run `uv run python -m compileall -q core` first to measure with our
bytecode compiled, as an installed app has it (the libraries' bytecode is compiled at install).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "tests" / "fixtures" / "published"
IMPORTS = ROOT / "tests" / "fixtures" / "imports"
KINDS = {
    "Word/PDF/网页（办公软件生成）": ["seed.docx", "seed.pdf", "seed.html"],
    "含空格、—、全角数字": ["seed-hard.docx", "seed-hard.pdf"],
    "真实网页文本": sorted(p.name for p in PUBLISHED.glob("real-*.txt")),
    # issue 20's patterns (tests/fixtures/imports): the 2019 table's cells that have no 2021 column are
    # expected blank and flagged, so they count as flagged, not as exact
    "真实版式（门户网页、空标签格 PDF、2019 表、附表、连写数字）": [
        "imports/cms-page.html",
        "imports/cms-page-unsigned.html",
        "imports/empty-label.pdf",
        "imports/old-2019.html",
        "imports/appendix.docx",
        "imports/fused.txt",
    ],
}

_FRESH = """
import sys, time, json
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from core.documents.read import read_file
from core.documents.exchange import to_dict
t1 = time.perf_counter()
imported = read_file({path!r})
t2 = time.perf_counter()
print(json.dumps({{"imports": t1 - t0, "seconds": t2 - t1, "report": to_dict(imported.report),
                  "flagged": imported.doubtful + imported.unread}}, ensure_ascii=False))
"""


def _cells(data: dict[str, object]) -> dict[str, Decimal | None]:
    from core.format import get_format

    out: dict[str, Decimal | None] = {}
    for address in get_format().cells:
        table, *row, col = address.split(".")
        value = data[table][".".join(row)][col]  # type: ignore[index]
        out[address] = None if value is None else Decimal(str(value))
    return out


def _path(name: str) -> Path:
    return IMPORTS / name.removeprefix("imports/") if name.startswith("imports/") else PUBLISHED / name


def _wanted(name: str) -> dict[str, Decimal | None]:
    """The cells a fixture must import to: its expect file, or the values a made document holds (the
    2019 table's cells without a 2021 column: blank)."""
    if not name.startswith("imports/"):
        expected = json.loads((PUBLISHED / (name.rsplit(".", 1)[0] + ".expect.json")).read_text("utf-8"))
        return _cells(expected)
    stem = name.removeprefix("imports/").rsplit(".", 1)[0].removesuffix("-unsigned")
    values = json.loads((IMPORTS / f"{stem}.values.json").read_text("utf-8"))
    want: dict[str, Decimal | None] = {a: Decimal(v) for a, v in values.items()}
    if stem == "old-2019":
        for address in list(want):
            if address.startswith("active_disclosure.") and address.endswith(
                (".repealed", ".in_force", ".amount")
            ):
                want[address] = None
    return want


def _one(name: str, runs: int) -> tuple[int, int, int, int, float, float, float, float]:
    """(cells, exact, flagged, silent errors; median seconds: whole process, loading modules, reading,
    and the whole process's CPU time — what the file costs whatever else the machine is doing)."""
    cpu: list[float] = []
    outside: list[float] = []
    inside: list[float] = []
    loading: list[float] = []
    result: dict[str, object] = {}
    for _ in range(runs):
        start = time.perf_counter()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [sys.executable, "-c", _FRESH.format(root=str(ROOT), path=str(_path(name)))],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
        )
        outside.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
        result = json.loads(done.stdout)
        inside.append(float(result["seconds"]))  # type: ignore[arg-type]
        loading.append(float(result["imports"]))  # type: ignore[arg-type]
    got = _cells(result["report"])  # type: ignore[arg-type]
    want = _wanted(name)
    flagged = set(result["flagged"])  # type: ignore[call-overload]
    wrong = [a for a in want if got[a] != want[a]]
    silent = [a for a in wrong if a not in flagged]
    times = (
        statistics.median(outside),
        statistics.median(loading),
        statistics.median(inside),
        statistics.median(cpu),
    )
    return len(want), len(want) - len(wrong), len(flagged), len(silent), *times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per file (median)")
    runs = parser.parse_args().runs
    for kind, names in KINDS.items():
        cells = exact = flagged = silent = 0
        print(f"{kind}")
        for name in names:
            n, e, f, s, outside, loading, inside, cpu = _one(name, runs)
            cells, exact, flagged, silent = cells + n, exact + e, flagged + f, silent + s
            print(
                f"  {name.removeprefix('imports/'):22} 准确 {e}/{n}  标记 {f}  无声错误 {s}  "
                f"新进程 {outside:.2f} s（CPU {cpu:.2f} s；载入模块 {loading:.2f} s，读入 {inside:.2f} s）"
            )
        share = f"准确 {100 * exact / cells:.1f} %，标记 {100 * flagged / cells:.1f} %"
        print(f"  合计：{share}，无声错误 {silent}\n")


if __name__ == "__main__":
    main()
