"""The app's settings, declared once: a pydantic model with defaults, kept as JSON in the data folder.

Only window geometry lives elsewhere (QSettings, see `ui.main_window.window_state`), because Qt saves
it as an opaque blob. A damaged or outdated settings file is never fatal: unusable entries fall back to
their defaults.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from core.errors import UserError
from core.paths import data_dir, write_atomically

log = logging.getLogger(__name__)

FILE_NAME = "settings.json"


class Settings(BaseModel):
    """Everything the app remembers between runs (except window geometry)."""

    last_folder: str = ""  # where the import file dialogs open
    export_folders: dict[str, str] = Field(default_factory=dict)  # per export kind (ui.export_actions)
    # per database file: the report that was open and its page, so a restart shows the same place
    last_report: dict[str, int] = Field(default_factory=dict)
    last_page: dict[str, int] = Field(default_factory=dict)
    text_point_size: int = Field(default=12, ge=8, le=32)  # narrative editors

    @classmethod
    def path(cls) -> Path:
        return data_dir() / FILE_NAME

    @classmethod
    def load(cls) -> Settings:
        path = cls.path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            log.warning("settings file %s unreadable; using defaults", path, exc_info=True)
            return cls()
        if not isinstance(data, dict):
            return cls()
        try:
            return cls.model_validate(data)
        except ValidationError:
            # keep the entries that are still valid, drop the rest
            good = {k: v for k, v in data.items() if k in cls.model_fields and _valid(k, v)}
            return cls.model_validate(good)

    def save(self) -> None:
        """Write atomically; failing to remember a setting must not disturb the user's work."""
        try:
            write_atomically(self.path(), self.model_dump_json(indent=1).encode("utf-8"))
        except UserError as exc:
            log.warning("could not save settings: %s", exc.message)


def _valid(key: str, value: object) -> bool:
    try:
        Settings.model_validate({key: value})
    except ValidationError:
        return False
    return True
