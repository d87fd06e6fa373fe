"""`Database.batch`: many writes in one transaction (`db import` of many files), each write undone
alone when it fails, all kept at the end — and none when the batch fails."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import UserError
from core.model.report import Report
from core.storage import Database


def _report(agency: str, natural_persons: int) -> Report:
    report = Report.blank(agency, 2021)
    report.values["requests.1.natural_person"] = Decimal(natural_persons)
    return report


def test_a_failing_write_inside_a_batch_is_undone_alone(db_path: Path) -> None:
    with Database.open(db_path) as db, db.batch():
        first = db.create_report(_report("甲局", 11))
        with pytest.raises(UserError):
            db.create_report(_report("甲局", 12))  # the same agency and year: refused
        second = db.create_report(_report("乙局", 13))
    with Database.open(db_path, read_only=True) as db:
        assert [s.agency for s in db.list_reports()] == ["乙局", "甲局"]
        assert db.load_report(first).values["requests.1.natural_person"] == 11
        assert db.load_report(second).values["requests.1.natural_person"] == 13


def test_a_batch_that_fails_keeps_nothing(db_path: Path) -> None:
    with Database.open(db_path) as db:
        db.create_report(_report("甲局", 21))
        with pytest.raises(RuntimeError), db.batch():
            db.create_report(_report("乙局", 22))
            raise RuntimeError("the process stops here")
        db.create_report(_report("丙局", 23))  # the connection writes on after it
    with Database.open(db_path, read_only=True) as db:
        assert sorted(s.agency for s in db.list_reports()) == ["丙局", "甲局"]
