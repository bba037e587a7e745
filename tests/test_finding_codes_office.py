"""Every finding code raised and not raised through RTF and saved web pages: the case DOCX
files converted by LibreOffice Writer (as the .doc cases are), read by dingmi's RTF and HTML
readers, give what the Word binary files give."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import convert, soffice
from cases import AS_OF, CASES, Case

from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=AS_OF)
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")]


@pytest.fixture(scope="session")
def case_rtf_html(case_docx: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
                  ) -> dict[str, dict[str, Path]]:
    out: dict[str, dict[str, Path]] = {}
    for fmt in ("rtf", "html"):
        folder = tmp_path_factory.mktemp(f"cases_{fmt}")
        out[fmt] = {p.stem: p for p in convert(list(case_docx.values()), folder, fmt)}
    return out


def _codes(path: Path) -> set[str]:
    report = scan_file(path, OPTIONS)
    assert report.status == "ok", report.reason_en
    return {f.code for f in report.findings}


@pytest.mark.parametrize("fmt", ["rtf", "html"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rtf_and_html(case: Case, fmt: str, case_rtf_html: dict[str, dict[str, Path]]) -> None:
    codes = _codes(case_rtf_html[fmt][case.id])
    assert (case.code in codes) is case.expect_doc(), codes
