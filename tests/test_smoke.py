"""`main.py --smoke-test` as the build scripts and IT staff run it: a fresh process, its exit status.

The frozen bundle is checked the same way by `packaging/build.sh`; set NIANBAO_TEST_FROZEN=1 to have
pytest run that build too (about a minute; CI leaves it out).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_JSON
from tests.helpers import run_main

TIMEOUT = 180


def _smoke(tmp_path: Path, sample: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "xdg"))
    env.pop("NIANBAO_SMOKE_SAMPLE", None)
    if sample is not None:
        env["NIANBAO_SMOKE_SAMPLE"] = str(sample)
    return run_main("--smoke-test", env=env, cwd=tmp_path, timeout=TIMEOUT)


def test_smoke_test_passes_on_the_bundled_sample(tmp_path: Path) -> None:
    result = _smoke(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "冒烟测试通过" in result.stdout
    assert "温县人民政府办公室" in result.stdout
    # the result is also in the user's log, where IT staff look when the exe has no console;
    # nothing else of the user's data folder is touched (no database, settings or window state)
    data = tmp_path / "xdg" / "nianbao"
    assert "smoke test passed" in (data / "logs" / "nianbao.log").read_text(encoding="utf-8")
    assert [p.name for p in data.iterdir()] == ["logs"]


def test_smoke_test_fails_on_an_unreadable_sample(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "nianbao.report/1", "format": "2021", ', encoding="utf-8")
    result = _smoke(tmp_path, broken)
    assert result.returncode == 1
    assert "冒烟测试失败" in result.stderr
    assert "不是有效的 JSON" in result.stderr  # the reader's own reason, not just "failed"


def test_smoke_test_fails_when_the_sample_has_arithmetic_errors(tmp_path: Path) -> None:
    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    data["requests"]["1"]["total"] = 24  # the applicants add up to 23
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = _smoke(tmp_path, wrong)
    assert result.returncode == 1
    assert "核对出错误" in result.stderr


@pytest.mark.skipif(os.environ.get("NIANBAO_TEST_FROZEN") != "1", reason="set NIANBAO_TEST_FROZEN=1")
def test_frozen_bundle_builds_and_passes_its_smoke_test() -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build.sh")], capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "冒烟测试通过" in result.stdout
