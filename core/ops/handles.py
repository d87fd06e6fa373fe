"""What the window holds of the storage: the open database handle it passes to the operations, the one-writer
lock, and the records the operations return (revisions, changes, dismissals, summaries).

Views never run SQL and never call storage for an action: the app's wiring (`ui.app`, `ui.safety`,
`ui.smoke`) opens the file and takes the lock, the window keeps the handle and gives it to `core.ops`,
`core.desk` and `core.register`. These are storage's own names, given here so that no view imports the
storage package (`tests/test_architecture.py`).
"""

from __future__ import annotations

from core.storage import (
    Change,
    Database,
    DatabaseDamaged,
    Dismissal,
    NotOurDatabase,
    ReportSummary,
    Revision,
)
from core.storage.instance_lock import InstanceLock

__all__ = [
    "Change",
    "Database",
    "DatabaseDamaged",
    "Dismissal",
    "InstanceLock",
    "NotOurDatabase",
    "ReportSummary",
    "Revision",
]
