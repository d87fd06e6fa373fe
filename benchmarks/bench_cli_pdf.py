"""`main.py pdf` as a fresh process against LibreOffice converting the same report from .docx.

    uv run python -m benchmarks.bench_cli_pdf [RUNS] [--root TREE …]

Runs, interleaved, RUNS times each (default 10): `main.py pdf` on the seed report file
(tests/fixtures/wenxian-2021.json) and `soffice --headless --convert-to pdf` on the same report as Word
wrote it (tests/fixtures/published/seed.docx), each in a fresh process, after one warm-up run of each.
LibreOffice gets a profile folder of its own (so that no other soffice on the machine takes the job).

Python runs as installed: with its compiled bytecode (a bundle ships it; `uv run` writes it on first
use), kept in a temporary PYTHONPYCACHEPREFIX so the checkout stays clean. A second, shorter series
runs with PYTHONDONTWRITEBYTECODE=1 and no cache, where every import also compiles its source.
Prints median wall and CPU (user + system) seconds of each, then `ratio N` (LibreOffice wall / pdf
wall, as installed, of the last checkout) as its last line. The issue asks for at least 3. `--root`
(repeatable): the checkouts whose `main.py pdf` to time (default: this one), e.g. before and after a
change, in the same rounds. Each run of a fresh `pdf` finds the parsed font kept by the runs before
(as a user's second print does); the warm-up run keeps it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.side_by_side import ROOT, parse_with_roots, timed

REPORT = ROOT / "tests" / "fixtures" / "wenxian-2021.json"
DOCX = ROOT / "tests" / "fixtures" / "published" / "seed.docx"


Commands = dict[str, tuple[list[str], dict[str, str]]]


def series(commands: Commands, runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) per command, the commands taking turns."""
    for command, env in commands.values():
        timed(command, env)  # warm-up: bytecode written, LibreOffice profile made, files cached
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, env) in commands.items():
            samples[name].append(timed(command, env))
    return {
        n: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s))
        for n, s in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", type=int, nargs="?", default=10)
    args, roots = parse_with_roots(parser)
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is not installed: apt-get install -y libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        unset = {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}
        base = {k: v for k, v in os.environ.items() if k not in unset} | {"XDG_DATA_HOME": folder}
        installed = base | {"PYTHONPYCACHEPREFIX": str(out / "pycache")}
        uncompiled = base | {"PYTHONDONTWRITEBYTECODE": "1"}
        theirs = [
            soffice, f"-env:UserInstallation={(out / 'lo-profile').as_uri()}", "--headless",
            "--convert-to", "pdf", "--outdir", str(out / "lo"), str(DOCX),
        ]  # fmt: skip

        def ours(root: Path) -> list[str]:
            return [sys.executable, str(root / "main.py"), "pdf", str(REPORT), "-o", str(out / "ours.pdf")]

        def commands(env: dict[str, str]) -> Commands:
            return {f"pdf {r}": (ours(r), env) for r in roots} | {"soffice": (theirs, base)}

        result = series(commands(installed), args.runs)
        raw = series(commands(uncompiled), max(3, args.runs // 2))
        assert (out / "ours.pdf").stat().st_size > 0 and (out / "lo" / "seed.pdf").stat().st_size > 0
    print(f"load average {os.getloadavg()[0]:.1f}")
    for label, figures in (("as installed (bytecode)", result), ("no bytecode, every import compiled", raw)):
        lo_wall, lo_cpu = figures["soffice"]
        print(f"{label}:")
        print(f"  LibreOffice      {lo_wall:.2f} s wall, {lo_cpu:.2f} s CPU")
        for root in roots:
            pdf_wall, pdf_cpu = figures[f"pdf {root}"]
            print(f"  main.py pdf ({root}): {pdf_wall:.2f} s wall, {pdf_cpu:.2f} s CPU")
            print(f"    LibreOffice / pdf: {lo_wall / pdf_wall:.2f}× wall, {lo_cpu / pdf_cpu:.2f}× CPU")
    print(f"ratio {result['soffice'][0] / result[f'pdf {roots[-1]}'][0]:.2f}")


if __name__ == "__main__":
    main()
