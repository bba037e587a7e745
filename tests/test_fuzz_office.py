"""Fuzzing the readers of spreadsheets, presentations, RTF, web pages and mail with mutated
files made here (openpyxl, python-pptx, the standard library, and LibreOffice for the binary
.xls and .ppt when installed): bytes flipped, truncated, bytes inserted. Whatever the input,
every file ends as a report with a status, and a reason when it could not be read.

The longer run: ``DINGMI_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz_office.py -q``.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from builders import convert, soffice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pptx import Presentation

from scanner.pipeline import ScanOptions, scan_file

EXAMPLES = int(os.environ.get("DINGMI_FUZZ_EXAMPLES", "60"))
OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
LINES = ["000123", "机密★5年", "关于某事项的通知", "知悉范围：局领导"]


def _sources(folder: Path) -> dict[str, bytes]:
    wb = openpyxl.Workbook()
    for line in LINES:
        wb.active.append([line, "备注"])
    wb.active.oddHeader.center.text = "机密★5年"
    wb.save(str(folder / "book.xlsx"))
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = LINES[1]
    slide.placeholders[1].text = "\n".join(LINES[2:])
    slide.notes_slide.notes_text_frame.text = "讲稿"
    prs.save(str(folder / "deck.pptx"))
    rtf = ("{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0 x;}}{\\header 机密}"
           + "".join(f"{line}\\par " for line in LINES)
           + "\\trowd\\intbl 密级\\cell 机密\\cell\\row}").encode("gb18030")
    (folder / "note.rtf").write_bytes(rtf)
    html = "<html><body>" + "".join(f"<p>{x}</p>" for x in LINES) + \
        "<table><tr><td>密级</td><td>机密</td></tr></table></body></html>"
    (folder / "page.html").write_text(html, encoding="utf-8")
    msg = EmailMessage()
    msg["Subject"] = "通知"
    msg.set_content("\n".join(LINES))
    msg.add_attachment(b"abc", maintype="application", subtype="octet-stream", filename="a.txt")
    (folder / "mail.eml").write_bytes(msg.as_bytes())
    mht = EmailMessage()
    mht["Subject"] = "page"
    mht.set_content(html, subtype="html")
    (folder / "page.mht").write_bytes(mht.as_bytes())
    if soffice() is not None:
        convert([folder / "book.xlsx"], folder, "xls")
        convert([folder / "deck.pptx"], folder, "ppt")
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _sources(tmp_path_factory.mktemp("fuzz_office"))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_mutated_office_files_always_end_as_a_report(sources: dict[str, bytes],
                                                     data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(sources)))
    raw = bytearray(sources[name])
    kind = data.draw(st.sampled_from(["flip", "truncate", "insert", "flip_many"]))
    if kind in ("flip", "flip_many"):
        for _ in range(data.draw(st.integers(1, 3 if kind == "flip" else 200))):
            i = data.draw(st.integers(0, len(raw) - 1))
            raw[i] ^= data.draw(st.integers(1, 255))
    elif kind == "truncate":
        raw = raw[:data.draw(st.integers(0, len(raw)))]
    else:
        i = data.draw(st.integers(0, len(raw)))
        raw[i:i] = data.draw(st.binary(min_size=1, max_size=64))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(bytes(raw))
        report = scan_file(path, OPTIONS)
    assert report.status in ("ok", "unreadable", "unsupported"), (name, report.status)
    if report.status != "ok":
        assert report.reason_zh and report.reason_en


def test_the_unmutated_sources_give_the_mark(sources: dict[str, bytes], tmp_path: Path) -> None:
    for name, raw in sources.items():
        path = tmp_path / name
        path.write_bytes(raw)
        report = scan_file(path, OPTIONS)
        assert report.status == "ok", (name, report.reason_en)
        eff = report.marks.effective if report.marks else None
        assert eff is not None and eff.level == "机密", name
    if soffice() is not None:
        assert {"book.xls", "deck.ppt"} <= set(sources)
