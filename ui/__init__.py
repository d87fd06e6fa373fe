"""The PySide6 desktop app: windows, widgets and item models over `core` data. No SQL here.

Importing `ui` first works around two PySide6 6.12.0 reference-count bugs that abort the app on Python
3.11 ("bool_dealloc" / "none_dealloc: deallocating None"): `SignalInstance.emit()` returns `True`
without taking a reference, and a Python override returning None where Qt wants a QVariant (every item
model's `data()` for roles it does not handle) drops a reference to `None`. Each call loses one
reference, so a minute of typing in a table brings `True` or `None` to zero. From Python 3.12 these
objects are immortal and the bugs are harmless; on 3.11 we give them so many references that they never
reach zero — the same immortality. The probes make this a no-op on a PySide6 without the bugs.
(tests/test_ui_tables.py checks it in a separate process.)
"""

from __future__ import annotations

import ctypes
import sys


def _make_singletons_immortal_if_pyside_leaks() -> bool:
    from PySide6.QtCore import QAbstractListModel, QObject, Signal

    class _Emitter(QObject):
        ping = Signal()

    class _Model(QAbstractListModel):
        def rowCount(self, parent: object = None) -> int:
            return 1

        def data(self, index: object, role: int = 0) -> None:
            return None

    emitter, model = _Emitter(), _Model()
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    emitter.ping.emit()
    model.index(0, 0).data()
    if sys.getrefcount(True) >= true_before and sys.getrefcount(None) >= none_before:
        return False
    for singleton in (True, False, None):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40
    return True


PYSIDE_REFCOUNT_WORKAROUND = sys.version_info < (3, 12) and _make_singletons_immortal_if_pyside_leaks()
