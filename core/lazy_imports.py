"""Modules our libraries import at their start but the app seldom uses, loaded on first use instead.

A fresh command or the app's first window spent a good part of its time importing them:
- `PIL.Image`: ReportLab imports it for bitmaps, which a report never holds (its QR code is vectors);
- `dateutil.parser`: sqlite-utils imports it to guess the types of imported text, which we never do;
- `importlib.metadata` (with email, zipfile, socket …): pydantic's plugin loader imports it only to look
  for plugins, which `PYDANTIC_DISABLE_PLUGINS` turns off;
- `urllib.request` (with http.client, email …): ReportLab imports it to fetch images by URL.
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
from collections.abc import Callable

LAZY = ("PIL.Image", "dateutil.parser")
# Modules taken as `from module import name`, with the names taken so (all called, never subclassed).
STAND_INS = {"importlib.metadata": ("entry_points",), "urllib.request": ("urlopen", "Request")}


def defer() -> None:
    sys._called_from_test = True  # type: ignore[attr-defined]  # sqlite-utils: no plugin search
    for name in LAZY:
        load_on_first_use(name)
    for name, callables in STAND_INS.items():
        stand_in_until_used(name, callables)


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


def stand_in_until_used(name: str, callables: tuple[str, ...]) -> None:
    """A stand-in for module `name`: `from name import f` reads `f` at once (a lazy module would run),
    so each of `callables` is a function that imports the real module when called; any other attribute
    but a dunder imports it when read."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    stand_in = types.ModuleType(name)
    if spec.submodule_search_locations is not None:  # a package: `from … import` looks for __path__
        stand_in.__path__ = spec.submodule_search_locations
    parent, _, child = name.rpartition(".")

    def real() -> types.ModuleType:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
            setattr(sys.modules[parent], child, importlib.import_module(name))
        return sys.modules[name]

    def forwarding(attribute: str) -> Callable[..., object]:
        return lambda *args, **kwargs: getattr(real(), attribute)(*args, **kwargs)

    def attribute_of_real(attribute: str) -> object:
        if attribute.startswith("__"):  # the import system asking whether it is a package, a repr …
            raise AttributeError(attribute)
        return getattr(real(), attribute)

    stand_in.__getattr__ = attribute_of_real  # type: ignore[method-assign]
    for attribute in callables:
        setattr(stand_in, attribute, forwarding(attribute))
    sys.modules[name] = stand_in
    setattr(sys.modules[parent], child, stand_in)
