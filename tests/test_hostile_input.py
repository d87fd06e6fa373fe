"""Hostile files: whatever bytes or JSON arrive, the loader either reads a report or says why in Chinese."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.documents.exchange import MAX_FILE_BYTES, loads, read_report
from core.errors import UserError
from core.model.report import Report
from core.rules.table import check
from tests.conftest import SEED_JSON

SEED = json.loads(SEED_JSON.read_text(encoding="utf-8"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _load_or_explain(text: str) -> Report | None:
    """The only two acceptable outcomes: a report that the rules can check, or a Chinese UserError."""
    try:
        report = loads(text)
    except UserError as exc:
        assert exc.message and any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)
        return None
    check(report)
    return report


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes_the_loader(text: str) -> None:
    _load_or_explain(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_field_of_the_seed_replaced_by_junk_is_read_or_explained(data: st.DataObject) -> None:
    doc = json.loads(json.dumps(SEED))
    path: list[str] = []
    node = doc
    while isinstance(node, dict) and node and data.draw(st.booleans(), label="descend"):
        key = data.draw(st.sampled_from(sorted(node)), label="key")
        path.append(key)
        if not isinstance(node[key], dict):
            break
        node = node[key]
    junk = data.draw(json_values, label="junk")
    if path:
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = junk
    else:
        doc = junk
    _load_or_explain(json.dumps(doc, ensure_ascii=False))


def test_deeply_nested_json_is_refused_not_a_crash() -> None:
    with pytest.raises(UserError):
        loads("[" * 100_000 + "]" * 100_000)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(UserError, match="太大"):
        read_report(big)


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    blob = tmp_path / "photo.json"
    blob.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(UserError, match="UTF-8"):
        read_report(blob)


@pytest.mark.parametrize(
    "number", ["1e999999", "NaN", "-Infinity", "1e-999999", "2.000000000000000000000001"]
)
def test_absurd_numbers_are_refused_naming_the_cell(number: str) -> None:
    text = SEED_JSON.read_text(encoding="utf-8").replace(
        '"natural_person": 22', f'"natural_person": {number}'
    )
    with pytest.raises(UserError, match=r"requests\.1\.natural_person"):
        loads(text)
