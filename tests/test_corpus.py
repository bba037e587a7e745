"""Real documents: every true mark found, zero marks invented (shared corpus, MANIFEST truth)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from builders import DocSpec, make_docx
from conftest import SHARED, shared_rows

from scanner.catalogs import DEMO
from scanner.pipeline import ScanOptions, scan_file

pytestmark = pytest.mark.shared
OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
REAL = SHARED / "corpus" / "real"
TEXTS = SHARED / "corpus" / "public_texts"


def _manifest() -> list[dict[str, str]]:
    with (REAL / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _rows(*kinds: str) -> list[dict[str, str]]:
    return [r for r in _manifest() if Path(r["file"]).suffix.lstrip(".") in kinds]


def _public_texts() -> list[Path]:
    return sorted(TEXTS.glob("*.txt"))


def _body(path: Path) -> str:
    """The text without its ``source:``/``genre:`` provenance lines and the blank line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0].startswith("source:") and lines[1].startswith("genre:"), path
    return "\n".join(lines[3:])


@pytest.mark.parametrize("row", shared_rows(lambda: _rows("docx", "pdf", "ofd", "doc", "wps",
                                                                "eid")),
                         ids=lambda r: r["file"])
def test_real_document_mark(row: dict[str, str], shared: Path) -> None:
    report = scan_file(REAL / row["file"], OPTIONS)
    assert report.status == "ok"
    assert report.marks is not None
    eff = report.marks.effective
    if row["level"] in ("none", "unfilled"):  # unfilled: an empty 密级 field of a blank form
        assert eff is None, eff
        assert report.marks.markings == ()
        return
    assert eff is not None
    assert eff.level == row["level"]
    assert f"{eff.term.years}年" == row["period"]
    copy = report.marks.copy_number
    assert (copy.value if copy else "none") == row["copy_number"]


def test_the_format_family_agrees(shared: Path) -> None:
    """The same document in six formats: the same mark, 份号, urgency and date."""
    seen = set()
    for ext in ("docx", "pdf", "ofd", "doc", "wps", "eid"):
        report = scan_file(REAL / f"copilot_master_template.{ext}", OPTIONS)
        m = report.marks
        assert m is not None and m.effective is not None and m.copy_number is not None
        assert m.urgency is not None and m.document_date is not None
        seen.add((m.effective.level, m.effective.term.years, m.copy_number.value,
                  m.urgency.value, m.document_date.date))
    assert seen == {("机密", 5, "001012", "特急", dt.date(2023, 1, 1))}


def test_master_template_traps(shared: Path) -> None:
    for name in ("copilot_master_template.docx", "copilot_master_template.pdf",
                 "copilot_master_template.ofd", "copilot_master_template.doc",
                 "copilot_master_template.wps", "copilot_master_template.eid"):
        report = scan_file(REAL / name, OPTIONS)
        codes = {f.code for f in report.findings}
        assert "MARK_CONFLICT" in codes, name
        assert "SCOPE_MISSING" in codes
        assert report.marks is not None
        raws = [m.raw for m in report.marks.markings]
        assert not any("BJTU" in r for r in raws), raws
        assert report.marks.urgency is not None and report.marks.urgency.value == "特急"


def test_public_texts_present(shared: Path) -> None:
    assert len(_public_texts()) >= 30


@pytest.mark.parametrize("path", shared_rows(_public_texts), ids=lambda p: p.name)
def test_public_text_has_no_mark(path: Path, tmp_path: Path) -> None:
    body = _body(path)
    txt = tmp_path / path.name
    txt.write_text(body, encoding="utf-8")
    as_docx = make_docx(tmp_path / (path.stem + ".docx"),
                        DocSpec(body=[line for line in body.split("\n") if line.strip()]))
    for doc in (txt, as_docx):
        report = scan_file(doc, OPTIONS)
        assert report.status == "ok", report.reason_en
        assert report.marks is not None
        assert report.marks.markings == (), [m.raw for m in report.marks.markings]
        assert report.marks.work_secret == ()
        assert not {f.code for f in report.findings} & {"MARK_NO_STAR", "WORK_SECRET_CONFUSION"}


def test_public_texts_at_most_one_unmarked_match(tmp_path: Path, shared: Path) -> None:
    """Public laws and notices are not secrets, even when they talk about exams or surveying."""
    options = ScanOptions(as_of=dt.date(2026, 11, 22), catalogs=(str(DEMO),))
    flagged = []
    for path in _public_texts():
        txt = tmp_path / path.name
        txt.write_text(_body(path), encoding="utf-8")
        report = scan_file(txt, options)
        if any(f.code == "UNMARKED_MATCH" for f in report.findings):
            flagged.append(path.name)
    assert len(flagged) <= 1, flagged
