"""年报助手 entry point: with no command it starts the desktop app, otherwise it runs a CLI command.

uv run main.py                         # the desktop app (on the default database)
uv run main.py --db D:\\年报.sqlite3     # the desktop app on another database (e.g. a USB stick)
uv run main.py check REPORT.json       # see `uv run main.py --help`
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from collections.abc import Sequence

# The app uses no pydantic plugins: without this, the first model scans every installed package's
# metadata for them, a good part of a fresh `main.py pdf`.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _load_package_metadata_on_first_use() -> None:
    """pydantic's plugin loader imports `importlib.metadata` (and with it email, zipfile, socket …)
    only to look for plugins, which the line above turns off: until something really uses it, the
    module is a stand-in that imports the real one on first use (a good part of a fresh `check`)."""
    name = "importlib.metadata"
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)  # found, not run
    if spec is None:
        return
    stand_in = types.ModuleType(name)
    stand_in.__path__ = spec.submodule_search_locations or []  # a package: `from … import` looks

    def real() -> types.ModuleType:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
            setattr(importlib, "metadata", importlib.import_module(name))  # noqa: B010
        return sys.modules[name]

    def entry_points(**selection: object) -> object:
        return real().entry_points(**selection)

    stand_in.__getattr__ = lambda attribute: getattr(real(), attribute)  # type: ignore[method-assign]
    stand_in.entry_points = entry_points  # type: ignore[attr-defined]  # `from … import` takes it
    sys.modules[name] = stand_in
    setattr(importlib, "metadata", stand_in)  # noqa: B010


_load_package_metadata_on_first_use()

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
    from core.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
