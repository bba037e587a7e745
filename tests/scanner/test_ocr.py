"""Offline OCR (the ``ocr`` extra, installed with the test extra): every case of the finding-code
table rendered to a PNG (and every fourth to an image-only PDF) gives the level of its mark in
at least 90 % of the cases, and prose about secrecy rendered the same way gives no mark."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import page_pixels, write_png, write_scanned_pdf
from cases import CASES
from conftest import DATA_TEXTS, PDF_FIXTURES

from scanner.extract import ocr
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
pytestmark = pytest.mark.slow


def test_the_ocr_extra_is_installed_here() -> None:
    assert ocr.available(), "pip install -e '.[test]' installs the OCR extra"


def test_scanned_cases_give_the_level_of_their_mark(tmp_path: Path) -> None:
    found = total = 0
    misses = []
    for i, case in enumerate(CASES):
        pdf = PDF_FIXTURES / f"{case.id}.pdf"
        truth = scan_file(pdf, OPTIONS).level  # the text layer's answer
        rgb, width, height = page_pixels(pdf)
        scans = [write_png(tmp_path / f"{case.id}.png", rgb, width, height)]
        if i % 4 == 0:
            scans.append(write_scanned_pdf(tmp_path / f"{case.id}.scan.pdf", rgb, width, height))
        for scan in scans:
            report = scan_file(scan, OPTIONS)
            assert report.status == "ok", (scan.name, report.reason_en)
            assert report.ocr_confidence is not None
            if truth is None:
                assert report.level is None, (scan.name, report.level)  # nothing invented
                continue
            total += 1
            if report.level == truth:
                found += 1
            else:
                misses.append((scan.name, truth, report.level))
    assert total >= 40 and found >= 0.9 * total, (found, total, misses)


def test_scanned_prose_about_secrecy_gives_no_mark(tmp_path: Path) -> None:
    from builders import DocSpec, make_docx, soffice, to_pdf  # noqa: PLC0415

    if soffice() is None:
        pytest.fail("LibreOffice is needed to lay the prose out (.ci/run installs it)")
    text = (DATA_TEXTS / "gov_sc_01.txt").read_text(encoding="utf-8").split("\n")[3:]
    lines = ["国家秘密的密级分为绝密、机密、秘密三级。",
             "公文一般由份号、密级和保密期限等要素组成。", *[x for x in text if x.strip()][:12]]
    pdf = to_pdf([make_docx(tmp_path / "prose.docx", DocSpec(body=lines))], tmp_path)[0]
    rgb, width, height = page_pixels(pdf)
    report = scan_file(write_png(tmp_path / "prose.png", rgb, width, height), OPTIONS)
    assert report.status == "ok" and report.marks is not None
    assert report.marks.markings == (), [m.raw for m in report.marks.markings]


def test_page1_mode_reads_the_whole_page_like_the_text_layer(tmp_path: Path) -> None:
    """The real template scanned: --ocr top stops at the mark (and says so), --ocr page1 gives
    the same finding codes as the DOCX it came from."""
    from conftest import DATA_REAL  # noqa: PLC0415

    from scanner.limits import Limits  # noqa: PLC0415
    from scanner.report import to_json  # noqa: PLC0415

    rgb, width, height = page_pixels(DATA_REAL / "copilot_master_template.pdf")
    scan = write_png(tmp_path / "template.png", rgb, width, height)
    docx = {f.code for f in scan_file(DATA_REAL / "copilot_master_template.docx",
                                      OPTIONS).findings}
    top = scan_file(scan, OPTIONS)
    assert to_json(top)["ocr"]["page1"] == "top" and top.level == "机密"
    full = scan_file(scan, ScanOptions(as_of=OPTIONS.as_of, limits=Limits(ocr="page1")))
    assert to_json(full)["ocr"]["page1"] == "page"
    assert {f.code for f in full.findings} == docx


def worn_scan(path: Path, pdf: Path, seed: int, drop: float) -> Path:
    """Page 1 of ``pdf`` scanned from a worn copy: a share ``drop`` of the top third's pixels
    lost (seeded, so the same pixels every run)."""
    import numpy as np  # noqa: PLC0415 - comes with the OCR extra

    rgb, width, height = page_pixels(pdf)
    image = np.frombuffer(rgb, np.uint8).reshape(height, width, 3).copy()
    top = int(height * 0.3)
    lost = np.random.default_rng(seed).random((top, width)) < drop
    image[:top][lost] = 255
    return write_png(path, image.tobytes(), width, height)


def test_a_mark_read_with_low_confidence_gets_a_finding(tmp_path: Path) -> None:
    pdf = PDF_FIXTURES / "conflict.pdf"
    clean = scan_file(write_png(tmp_path / "clean.png", *page_pixels(pdf)), OPTIONS)
    assert clean.level == "机密"
    assert "OCR_LOW_CONFIDENCE" not in {f.code for f in clean.findings}
    worn = scan_file(worn_scan(tmp_path / "worn.png", pdf, seed=3, drop=0.5), OPTIONS)
    assert worn.level == "机密"  # still read, but the engine was unsure of the line
    low = [f for f in worn.findings if f.code == "OCR_LOW_CONFIDENCE"]
    assert len(low) == 1 and low[0].severity == "warning", worn.findings
    assert worn.ocr_confidence is not None and worn.ocr_confidence < ocr.LOW_CONFIDENCE
    assert "机密" in low[0].evidence[0].excerpt and "0." in low[0].message_en
    assert low[0].location == worn.marks.effective.location  # type: ignore[union-attr]
