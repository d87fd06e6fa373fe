"""One walk of the paper (issue 17) and hidden characters (issue 23 item 4): the PDF and the 校验码 read
the content model the Word, Excel and web writers share, so the code covers exactly what the paper
shows; a character that prints as nothing is shown as 〈U+…〉 on every document and in the code; a code
printed before that still verifies, with the warning that it does not rule out a forger."""

from __future__ import annotations

import ast
import copy
import io
import json
import zipfile

import pypdf
import pytest

from core.documents.fingerprint import (
    PROVES,
    SHORT_CODE_LIMIT,
    check_code,
    fingerprint,
    full_fingerprint,
    matching_code,
    paper,
    paper_of,
)
from core.documents.pdf.render import render_pdf
from core.documents.write import render
from core.documents.write.content import content
from core.model.hidden_characters import hidden_characters, shown
from core.model.report import Report
from tests.conftest import FIXTURES, ROOT, SEED_JSON
from tests.helpers import loaded_in_fresh_process, run_main

# Printed by the version before hidden characters were shown (commit f483874), for the seed with
# "a\u200bb\x01c\td" appended to 其他需要报告的事项: footer and full code.
EARLIER = ("XMYG-3GZE-3MVS", "XMYG3GZE3MVS38M0CMQXTD472R6ZD5AWJ8AP18JF2PYMTCYZS4BG")
HIDDEN_TAIL = "a\u200bb\x01c\td"


def _with(seed: Report, tail: str) -> Report:
    other = copy.deepcopy(seed)
    other.texts["other"] += tail
    return other


def test_the_code_is_taken_from_the_content_the_documents_print(seed: Report) -> None:
    assert paper(seed) == paper_of(content(seed))
    assert fingerprint(seed) == "SNPZ-MMNE-EQPJ"  # the seed's code before the walk was shared: unchanged


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\x00", "\ufeff", "\u2066", "\ufe0f", "\U000e0041"])
def test_a_hidden_character_is_shown_on_the_paper_and_changes_the_code(seed: Report, hidden: str) -> None:
    """Two reports that differ only in an invisible character looked alike on paper and could be
    made to share a footer code; now the paper shows where they differ."""
    plain, marked = _with(seed, "ab"), _with(seed, f"a{hidden}b")
    mark = f"〈U+{ord(hidden):04X}〉"
    assert hidden_characters(marked.texts["other"]) == hidden
    assert fingerprint(marked) != fingerprint(plain)
    pdf = pypdf.PdfReader(io.BytesIO(render_pdf(marked)))
    assert mark in "".join(page.extract_text() for page in pdf.pages).replace("\n", "")
    for suffix in (".html", ".docx"):
        assert mark.encode("utf-8") in _unzipped(render(marked, suffix)), suffix


def test_a_hidden_character_in_the_agency_or_the_signature_is_shown_too(seed: Report) -> None:
    seed.agency = "温县人民政府\u202e办公室"
    seed.signature.name = "温县\u200b人民政府办公室"
    doc = content(seed)
    assert "〈U+202E〉" in doc.title and doc.signature_name == "温县〈U+200B〉人民政府办公室"
    metadata = pypdf.PdfReader(io.BytesIO(render_pdf(seed))).metadata
    assert metadata is not None and metadata.title == doc.title and metadata.author == doc.signature_name


def test_a_code_printed_before_hidden_characters_were_shown_still_verifies_with_the_warning(
    seed: Report,
) -> None:
    report = _with(seed, HIDDEN_TAIL)
    assert fingerprint(report) != EARLIER[0]  # the paper now shows 〈U+200B〉〈U+0001〉
    for code in EARLIER:
        assert matching_code(report, code) == "earlier"
        result = check_code(report, code)
        assert result.matches and SHORT_CODE_LIMIT in result.message
    assert matching_code(seed, EARLIER[0]) is None
    assert matching_code(report, fingerprint(report)) == "short"


def test_shown_text_keeps_what_is_visible_and_is_stable() -> None:
    text = "（一）标题。2021 年\t公开　http://x.cn ①"
    assert shown(text) == text
    assert shown(shown("a\u200bb")) == shown("a\u200bb") == "a〈U+200B〉b"


def test_the_fingerprint_does_not_import_the_pdf_and_the_pdf_package_has_no_shim() -> None:
    tree = ast.parse((ROOT / "core" / "documents" / "fingerprint.py").read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "core.documents.pdf.render" not in modules and "core.documents.pdf" not in modules
    package = (ROOT / "core" / "documents" / "pdf" / "__init__.py").read_text(encoding="utf-8")
    kinds = (ast.Import, ast.ImportFrom, ast.FunctionDef)
    assert not [n for n in ast.walk(ast.parse(package)) if isinstance(n, kinds)]  # a docstring only
    outcome = loaded_in_fresh_process(
        "import core.documents.fingerprint\nresult = 0", ("core.documents.pdf.render", "reportlab.platypus")
    )
    assert outcome == {"result": 0, "loaded": []}


def _unzipped(data: bytes) -> bytes:
    """A .docx's document part, or the bytes themselves (a web page)."""
    if not data.startswith(b"PK"):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml")


def test_verify_prints_the_code_on_the_paper_and_what_a_short_code_cannot_rule_out(seed: Report) -> None:
    """Issue 23: an old (v1) code was reported as 「打印件（校验码 <the report's new code>）」."""
    v1 = json.loads((FIXTURES / "fingerprint-v1.json").read_text(encoding="utf-8"))["codes"][0]["code"]
    old = run_main("verify", SEED_JSON, v1.lower().replace("-", " "))
    assert old.returncode == 0, old.stderr
    assert f"打印件（校验码 {v1}）" in old.stdout and fingerprint(seed) not in old.stdout
    assert SHORT_CODE_LIMIT in old.stdout
    short = run_main("verify", SEED_JSON, fingerprint(seed))
    assert short.returncode == 0 and SHORT_CODE_LIMIT in short.stdout
    full = run_main("verify", SEED_JSON, *full_fingerprint(seed)[:20].split(), full_fingerprint(seed)[20:])
    assert full.returncode == 0 and PROVES["full"] in full.stdout and SHORT_CODE_LIMIT not in full.stdout
