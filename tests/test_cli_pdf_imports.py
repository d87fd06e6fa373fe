"""A fresh `main.py pdf` of a draft loads only what a draft needs: no QR stack, no fingerprint, no log
set-up, no image library (the imports were most of its time); a Word export loads no PDF layout engine.
(It does look up the per-user folder: the parsed font is kept there.)"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SEED_JSON
from tests.helpers import loaded_in_fresh_process

NOT_FOR_A_DRAFT = (
    "reportlab.graphics.barcode.qr",
    "core.documents.fingerprint",
    "core.logs",
    "PIL.ImageMode",
    "http.client",
)
NOT_FOR_WORD = ("reportlab.platypus", "core.documents.pdf.render", "core.documents.pdf.fonts")


def _command(*args: str | Path) -> str:
    return f"import main\nresult = main.main({[str(a) for a in args]!r})"


def test_a_draft_pdf_loads_neither_the_qr_stack_nor_the_fingerprint(tmp_path: Path) -> None:
    out = tmp_path / "draft.pdf"
    outcome = loaded_in_fresh_process(_command("pdf", SEED_JSON, "-o", out), NOT_FOR_A_DRAFT)
    assert outcome == {"result": 0, "loaded": []}
    assert out.read_bytes().startswith(b"%PDF")


def test_a_word_export_loads_no_pdf_layout_engine(tmp_path: Path) -> None:
    out = tmp_path / "报告.docx"
    outcome = loaded_in_fresh_process(_command("export", SEED_JSON, "-o", out), NOT_FOR_WORD)
    assert outcome == {"result": 0, "loaded": []}
    assert out.stat().st_size > 10_000


NOT_FOR_A_CHECK = ("rapidfuzz", "email", "zipfile", "reportlab", "core.storage")
# nor, once the format is kept: it is validated (pydantic) only when built, and a check writes nothing
NOT_ON_THE_KEPT_FORMAT = (*NOT_FOR_A_CHECK, "pydantic", "secrets", "hashlib")


def test_a_check_loads_no_package_metadata_and_no_fuzzy_matching(tmp_path: Path) -> None:
    """pydantic imports `importlib.metadata` (email, zipfile …) only to look for plugins, which the app
    turns off; the fuzzy matcher is for the comparison with last year's report only."""
    outcome = loaded_in_fresh_process(_command("check", SEED_JSON), NOT_FOR_A_CHECK)
    assert outcome == {"result": 0, "loaded": []}


def test_a_check_on_the_kept_format_loads_no_pydantic_nor_hashing() -> None:
    """pydantic validates the format only when it is built (the first run with a per-user folder, or
    after the declaration changed); every later `check` reads the kept copy, plain dataclasses. Nor
    does it load hashlib or secrets (OpenSSL, hmac, random): it writes nothing."""
    first = loaded_in_fresh_process(_command("check", SEED_JSON), ("pydantic",))
    assert first == {"result": 0, "loaded": ["pydantic"]}  # built and validated, then kept
    later = loaded_in_fresh_process(_command("check", SEED_JSON), NOT_ON_THE_KEPT_FORMAT)
    assert later == {"result": 0, "loaded": []}


def test_the_database_commands_load_no_package_metadata_and_no_date_parser(seeded_db_path: Path) -> None:
    """sqlite-utils would search every package's metadata for plugins (storage runs none) and loads a
    date parser for guessing column types (storage declares its own)."""
    unwanted = ("email", "zipfile", "dateutil.parser._parser")
    outcome = loaded_in_fresh_process(_command("db", "list", "--db", seeded_db_path), unwanted)
    assert outcome == {"result": 0, "loaded": []}


def test_a_command_runs_with_the_collector_on_and_what_importing_made_frozen() -> None:
    """main.py imports the CLI with the collector off (its objects live till exit) but turns it on
    again before the command runs: a long `db import` must still have its cycles collected."""
    body = (
        "import gc, main\n"
        f"code = main.main({['check', str(SEED_JSON)]!r})\n"
        "result = [code, gc.isenabled(), gc.get_freeze_count() > 10_000]"
    )
    assert loaded_in_fresh_process(body, ()) == {"result": [0, True, True], "loaded": []}
