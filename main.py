"""年报助手 entry point: with no command it starts the desktop app, otherwise it runs a CLI command.

uv run main.py                         # the desktop app (on the default database)
uv run main.py --db D:\\年报.sqlite3     # the desktop app on another database (e.g. a USB stick)
uv run main.py check REPORT.json       # see `uv run main.py --help`
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

from core import lazy_imports

# The app uses no pydantic plugins: without this, the first model scans every installed package's
# metadata for them, a good part of a fresh `main.py pdf`.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

lazy_imports.defer()  # before anything imports the libraries that load them

GUI_OPTIONS = {"--db", "--smoke-test"}


def _is_gui_call(argv: Sequence[str]) -> bool:
    """No command word: only app options such as `--db PATH` (or nothing at all)."""
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        if word.split("=", 1)[0] not in GUI_OPTIONS:
            return False
        if word == "--db" and rest:
            rest.pop(0)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if _is_gui_call(argv):
        from ui.app import run_app  # Qt is imported only for the app, so the CLI stays light

        return run_app(argv)
    # The objects importing the CLI makes live until the process ends: the collector need not look at
    # them while they are made, nor again (frozen) in every later pass and the full one at exit, which
    # together were a sixth of a fresh `check`.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from core.cli.commands import run
    finally:  # the collector as it was, whatever the import did
        gc.freeze()
        if collecting:
            gc.enable()
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
