"""A fresh `main.py pdf` of a draft loads only what a draft needs: no QR stack, no fingerprint, no
per-user folder lookup, no log set-up (the imports were most of its time); a Word export loads no PDF
layout engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SEED_JSON

NOT_FOR_A_DRAFT = ("reportlab.graphics.barcode.qr", "core.fingerprint", "platformdirs", "core.logs")

_PROBE = """
import json, sys
report, out, *unwanted = sys.argv[1:]
import main
status = main.main(["pdf", report, "-o", out])
print(json.dumps({"status": status, "loaded": sorted(set(unwanted) & set(sys.modules))}))
"""


def test_a_draft_pdf_loads_neither_the_qr_stack_nor_the_fingerprint(tmp_path: Path) -> None:
    out = tmp_path / "draft.pdf"
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(SEED_JSON), str(out), *NOT_FOR_A_DRAFT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert outcome == {"status": 0, "loaded": []}
    assert out.read_bytes().startswith(b"%PDF")


_EXPORT_PROBE = """
import json, sys
report, out, *unwanted = sys.argv[1:]
import main
status = main.main(["export", report, "-o", out])
print(json.dumps({"status": status, "loaded": sorted(set(unwanted) & set(sys.modules))}))
"""


def test_a_word_export_loads_no_pdf_layout_engine(tmp_path: Path) -> None:
    out = tmp_path / "报告.docx"
    unwanted = ("reportlab.platypus", "core.pdf.render", "core.pdf.fonts")
    result = subprocess.run(
        [sys.executable, "-c", _EXPORT_PROBE, str(SEED_JSON), str(out), *unwanted],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"status": 0, "loaded": []}
    assert out.stat().st_size > 10_000
