"""A fresh `main.py check` against its floor, as fresh processes taking turns.

    uv run python -m benchmarks.bench_cli_check [RUNS] [--root TREE …]

Times, RUNS rounds (default 15) after one warm-up round, median wall and CPU (user + system):
- `python -c pass`: the interpreter alone;
- the floor: the interpreter, the standard library modules the command uses (argparse, json, decimal,
  re, dataclasses, logging, pathlib) and reading the report file into numbers — what any `check`
  costs, whatever checks it;
- `python -c "import pydantic"`: the model library alone, for scale;
- `main.py check` on the seed report, for each checkout given with `--root` (default: this one).
Python runs as installed, with compiled bytecode (a temporary PYTHONPYCACHEPREFIX), and a data folder
of its own, where the warm-up round builds and keeps the format (only then is pydantic loaded: see
core/format), as a user's first run does; the timed rounds read the kept copy. The issue's goal:
`check` at most 2× the floor. The last line is `ratio N` (the last checkout's CPU over the floor's).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.side_by_side import ROOT, installed, parse_with_roots, timed

REPORT = ROOT / "tests" / "fixtures" / "wenxian-2021.json"
FLOOR = (
    "import argparse, dataclasses, decimal, json, logging, pathlib, re\n"
    f"json.loads(pathlib.Path({str(REPORT)!r}).read_text('utf-8'), parse_float=decimal.Decimal)"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", type=int, nargs="?", default=15)
    args, roots = parse_with_roots(parser)
    python = sys.executable
    commands: dict[str, tuple[list[str], Path]] = {
        "python -c pass": ([python, "-c", "pass"], ROOT),
        "floor (stdlib + reading the file)": ([python, "-c", FLOOR], ROOT),
        "import pydantic": ([python, "-c", "import pydantic"], ROOT),
    }
    for root in roots:
        commands[f"main.py check ({root})"] = ([python, str(root / "main.py"), "check", str(REPORT)], root)
    with tempfile.TemporaryDirectory() as tmp:
        env = installed(tmp)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for round_number in range(args.runs + 1):  # the first round compiles the bytecode
            for name, (command, cwd) in commands.items():
                figures = timed(command, env, cwd)
                if round_number:
                    samples[name].append(figures)
    print(f"{args.runs} runs, load average {os.getloadavg()[0]:.1f}, bytecode compiled")
    medians = {
        n: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s))
        for n, s in samples.items()
    }
    floor = medians["floor (stdlib + reading the file)"]
    for name, (wall, cpu) in medians.items():
        print(
            f"  {name}: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU ({cpu / floor[1]:.2f}× the floor)"
        )
    print(f"ratio {medians[f'main.py check ({roots[-1]})'][1] / floor[1]:.2f}")


if __name__ == "__main__":
    main()
