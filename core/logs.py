"""Logging to a rotating file in the per-user data folder: where unexpected errors leave their traceback."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from core.paths import log_dir

LOG_NAME = "nianbao.log"


def setup_logging(folder: Path | None = None) -> Path:
    """Send our log records to `nianbao.log` (1 MB × 5 files); returns the log file path."""
    path = (folder or log_dir()) / LOG_NAME
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        try:
            handler: logging.Handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
            )
        except OSError:
            handler = logging.NullHandler()  # a read-only profile must not stop the app
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path
