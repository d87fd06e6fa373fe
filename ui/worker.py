"""Slow work off the GUI thread: run a function in the global QThreadPool, deliver its result by signal.

The result (or the exception) arrives on the GUI thread; so does the progress of a job started with
`run_with_progress`, which can also be asked to stop (`Job.cancel`). An exception with no `on_failed`
handler goes to `sys.excepthook`, i.e. the crash dialog, or a plain message for a `UserError`.

Qt objects are destroyed on the GUI thread only: the pool deletes a finished task on its own thread, so
the task's relay is owned by the application and deleted later, on the GUI thread, once it has carried
the result. At quit (`stop_all`, on the application's aboutToQuit) the jobs are asked to stop and waited
for: a job still emitting while Qt tears its objects down crashed the process.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    """The pool thread's side of a job; owned by the application, deleted on the GUI thread after `ended`."""

    result = Signal(object)
    error = Signal(object)
    progress = Signal(int, int)
    ended = Signal()

    def __init__(self) -> None:
        super().__init__(QCoreApplication.instance())
        self.ended.connect(self.deleteLater)  # queued: after the result it carried, on the GUI thread


class Job(QObject):
    """One background call; created on the GUI thread, so its slots run there (queued from the pool)."""

    done = Signal(object)
    progress = Signal(int, int)  # (done, total), as the function reports it

    def __init__(
        self, on_failed: Callable[[BaseException], None] | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._on_failed = on_failed
        self.finished = False
        self.relay = _Relay()  # emitted from the pool thread, hence queued to this job's slots
        self.relay.result.connect(self._deliver)
        self.relay.error.connect(self._fail)
        self.relay.progress.connect(self.progress)
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        """Ask the function to stop (it looks at `cancelled()` between steps)."""
        self.cancel_event.set()

    @Slot(object)
    def _deliver(self, result: object) -> None:
        self.finished = True
        _running.discard(self)
        self.done.emit(result)

    @Slot(object)
    def _fail(self, exc: BaseException) -> None:
        self.finished = True
        _running.discard(self)
        if self._on_failed is not None:
            self._on_failed(exc)
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:
            self._relay.error.emit(exc)
        else:
            self._relay.result.emit(result)
        finally:
            self._relay.ended.emit()


_running: set[Job] = set()  # keeps each job alive until its result is delivered


def stop_all(wait_milliseconds: int = 5000) -> None:
    """Ask every running job to stop and wait for the pool (at most `wait_milliseconds`): called when
    the application quits, before Qt destroys what the jobs report to."""
    for job in list(_running):
        job.cancel()
    QThreadPool.globalInstance().waitForDone(wait_milliseconds)


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None] | None = None,
    owner: QObject | None = None,
) -> Job:
    """Call `fn()` in a pool thread; then `on_done(result)` (or `on_failed(exc)`) on the GUI thread.

    With an `owner` (e.g. the widget that shows the result) the job dies with it, and a result that
    arrives after the owner was closed is dropped instead of reaching a deleted widget.
    """
    return _start(lambda job: fn, on_done, on_failed, owner)


def run_with_progress(
    fn: Callable[[Callable[[int, int], None], Callable[[], bool]], Any],
    on_done: Callable[[Any], None],
    on_progress: Callable[[int, int], None],
    on_failed: Callable[[BaseException], None] | None = None,
    owner: QObject | None = None,
) -> Job:
    """Like `run_in_background`, calling `fn(progress, cancelled)`: `progress(done, total)` reaches
    `on_progress` on the GUI thread; `cancelled()` is true once `Job.cancel()` was called."""

    def call(job: Job) -> Callable[[], Any]:
        emit, stop = job.relay.progress.emit, job.cancel_event.is_set  # no QObject used off its thread
        return lambda: fn(emit, stop)

    job = _start(call, on_done, on_failed, owner)
    job.progress.connect(on_progress)
    return job


def _start(
    make: Callable[[Job], Callable[[], Any]],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None] | None,
    owner: QObject | None,
) -> Job:
    job = Job(on_failed, owner)
    job.done.connect(on_done)
    job.destroyed.connect(lambda: _running.discard(job))
    _running.add(job)
    QThreadPool.globalInstance().start(_Task(make(job), job.relay))
    return job
