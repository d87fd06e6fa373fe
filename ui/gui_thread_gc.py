"""Python's cycle collector run on the GUI thread only.

Python collects reference cycles in whichever thread happens to allocate when a threshold is passed —
in the app often a file reader's or a 校验码 worker's thread. A Qt window or widget caught in a cycle
(a slot that closes over its own dialog) is then destroyed off the GUI thread, which Qt does not allow:
the process dies with a segmentation fault (seen in CI while a PDF was read in a reader thread).
So the automatic collector is switched off and the GUI thread collects, on a timer, the oldest
generation whose threshold was passed: at most one collection per tick, so garbage waits up to a tick
and a busy worker's cycles are collected less often than the interpreter would (its 25 % rule for full
collections is not kept: a full one comes at most every ten busy seconds). The event loop runs in every
modal dialog too; only a GUI thread blocked on one long task lets garbage pile up meanwhile.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

_CHECK_MILLISECONDS = 100  # a worker's garbage waits at most this long; a check costs microseconds


class GuiThreadCollector(QObject):
    """Collects garbage on the thread it lives on (the GUI thread), as the interpreter would have."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(_CHECK_MILLISECONDS)

    def collect_due(self) -> None:
        """Collect the oldest generation past its threshold (and the younger ones with it), as the
        interpreter's own trigger picks it; nothing when no threshold is passed."""
        for generation in (2, 1, 0):
            if gc.get_count()[generation] > gc.get_threshold()[generation]:
                gc.collect(generation)
                return


def collect_on_gui_thread(owner: QObject) -> None:
    """Switch automatic collection to the GUI thread (once per application `owner`)."""
    if owner.findChild(GuiThreadCollector) is None:
        GuiThreadCollector(owner)
