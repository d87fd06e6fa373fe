"""Shared fixtures: Qt offscreen, the seed report, a fresh report file per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before anything imports Qt: the tests run with no screen, here and in CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.exchange import read_report
from core.report import Report

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_JSON = SHARED / "fixtures" / "wenxian-2021.json"
SEED_TXT = SHARED / "fixtures" / "wenxian-2021.txt"


@pytest.fixture
def seed() -> Report:
    """The published 温县 2021 report, fresh for each test (tests may change it)."""
    return read_report(SEED_JSON)


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own per-user data folder, so nothing touches the developer's real one."""
    home = tmp_path_factory.mktemp("userdata")
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *a, **k: str(home))
