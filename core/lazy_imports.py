"""Modules our libraries import at their start but the app seldom uses, loaded on first use instead.

A fresh command or the app's first window spent a good part of its time importing them:
- `PIL.Image`: ReportLab imports it for bitmaps, which a report never holds (its QR code is vectors);
- `dateutil.parser`: sqlite-utils imports it to guess the types of imported text, which we never do;
- `importlib.metadata` (with email, zipfile, socket …): pydantic's plugin loader imports it only to look
  for plugins, which `PYDANTIC_DISABLE_PLUGINS` turns off.
And sqlite-utils looks for its plugins among every installed package's metadata as it is imported,
unless `sys._called_from_test` is set: storage never runs them (`execute_plugins=False`), so it is set.
`main.py` calls `defer()` before anything else is imported. A module already loaded is left alone. Only
modules that are reached as `from package import module` can wait (a plain `import module` runs it).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

LAZY = ("PIL.Image", "dateutil.parser")
METADATA = "importlib.metadata"


def defer() -> None:
    sys._called_from_test = True  # type: ignore[attr-defined]  # sqlite-utils: no plugin search
    for name in LAZY:
        load_on_first_use(name)
    _metadata_on_first_use()


def load_on_first_use(name: str) -> None:
    """`name` in `sys.modules` as a module that runs its code when an attribute is first read."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)  # found (its parent package imported), not run
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # `from PIL import Image` finds it here, not through the import system (which would run it)
        setattr(sys.modules[parent], child, module)


def _metadata_on_first_use() -> None:
    """A stand-in for `importlib.metadata`: `from importlib.metadata import entry_points` reads an
    attribute at once (a lazy module would run), so `entry_points` is a function that imports the real
    module when called; any other attribute imports it when read."""
    if METADATA in sys.modules:
        return
    spec = importlib.util.find_spec(METADATA)
    if spec is None:
        return
    stand_in = types.ModuleType(METADATA)
    stand_in.__path__ = spec.submodule_search_locations or []  # a package: `from … import` looks

    def real() -> types.ModuleType:
        if sys.modules.get(METADATA) is stand_in:
            del sys.modules[METADATA]
            setattr(importlib, "metadata", importlib.import_module(METADATA))  # noqa: B010
        return sys.modules[METADATA]

    def entry_points(**selection: object) -> object:
        return real().entry_points(**selection)

    stand_in.__getattr__ = lambda attribute: getattr(real(), attribute)  # type: ignore[method-assign]
    stand_in.entry_points = entry_points  # type: ignore[attr-defined]
    sys.modules[METADATA] = stand_in
    setattr(importlib, "metadata", stand_in)  # noqa: B010
