"""Quitting while background jobs run (a print, a desk reading many files, a 汇总's 校验码): the jobs are
asked to stop and waited for before Qt destroys what they report to — before, the process ended with
"Signal source has been deleted" and, one time in two, a segmentation fault (a Windows crash box).
A fresh process: what is tested is the end of one (and, at its start, that the application collects
garbage on its own thread: `ui/gui_thread_gc.py`)."""

from __future__ import annotations

import os

from tests.helpers import run_python

_QUIT_WHILE_WORKING = """
import gc, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow
from ui.app import create_application
from ui import worker

app = create_application()
print("automatic collection", gc.isenabled(), flush=True)
window = QMainWindow()
stopped = []

def busy(progress, cancelled):
    end = time.monotonic() + 20
    n = 0
    while time.monotonic() < end and not cancelled():
        n += 1
        progress(n, 10**9)
    stopped.append(cancelled())
    return n

for _ in range(2):
    worker.run_with_progress(busy, lambda result: None, lambda done, total: None, owner=window)
QTimer.singleShot(300, app.quit)
code = app.exec()
print("stopped", stopped, flush=True)
sys.exit(code)
"""


def test_quitting_stops_the_running_jobs_before_qt_ends() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = run_python("-c", _QUIT_WHILE_WORKING, env=env)
    assert done.returncode == 0, done.stderr
    assert "automatic collection False" in done.stdout  # the GUI thread collects, on its timer
    assert "stopped [True, True]" in done.stdout  # both asked to stop, and ended, before exec returned
    assert "Traceback" not in done.stderr and "has been deleted" not in done.stderr, done.stderr
