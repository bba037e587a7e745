"""The same notice in every format dingmi reads beside Word and PDF (issue 24): .doc and .wps,
RTF and a saved web page (LibreOffice Writer from the DOCX), an MHT archive and a mail (the
standard library), .xlsx (openpyxl) and .xls/.et (LibreOffice Calc), .pptx (python-pptx) and
.ppt/.dps (LibreOffice Impress): the same mark, 份号 and urgency, and the same finding codes, as
the DOCX gives."""

from __future__ import annotations

import datetime as dt
import shutil
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from builders import DocSpec, convert, make_docx, soffice
from pptx import Presentation
from pptx.util import Inches, Pt

from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
# A period past 机密's maximum and no 知悉范围: codes each format must raise alike.
LINES = ["000123", "机密★30年", "特急", "某局关于某型装备试验安排的通知",
         "试验于三月进行，请各单位做好准备。", "某局", "2026年3月2日"]
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")]


def _xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "通知"
    for line in LINES:
        wb.active.append([line])
    wb.save(str(path))
    return path


def _pptx(path: Path) -> Path:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    frame = slide.shapes.add_textbox(Inches(0.3), Inches(0.2), Inches(9), Inches(6)).text_frame
    frame.text = LINES[0]
    for line in LINES[1:]:
        frame.add_paragraph().text = line
    for p in frame.paragraphs:
        for run in p.runs:
            run.font.size = Pt(14)
    prs.save(str(path))
    return path


def _mail(path: Path) -> Path:
    msg = EmailMessage()
    msg["From"] = "a@example.invalid"
    msg.set_content("\n".join(LINES) + "\n")
    path.write_bytes(msg.as_bytes())
    return path


def _mht(html: Path, path: Path) -> Path:
    msg = EmailMessage()
    msg["Subject"] = "page"
    msg.set_content(html.read_bytes(), maintype="text", subtype="html")
    path.write_bytes(msg.as_bytes())
    return path


@pytest.fixture(scope="module")
def family(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("family")
    docx = make_docx(folder / "notice.docx", DocSpec(body=list(LINES)))
    out = {"docx": docx}
    for fmt in ("doc", "rtf", "html"):
        out[fmt] = convert([docx], folder / fmt, fmt)[0]
    out["xlsx"] = _xlsx(folder / "notice.xlsx")
    out["xls"] = convert([out["xlsx"]], folder / "xls", "xls")[0]
    out["pptx"] = _pptx(folder / "notice.pptx")
    out["ppt"] = convert([out["pptx"]], folder / "ppt", "ppt")[0]
    for alias, real in (("wps", "doc"), ("et", "xls"), ("dps", "ppt")):
        out[alias] = shutil.copy(out[real], folder / f"notice.{alias}")
    out["mht"] = _mht(out["html"], folder / "notice.mht")
    out["eml"] = _mail(folder / "notice.eml")
    return {k: Path(v) for k, v in out.items()}


def _summary(path: Path) -> tuple[object, ...]:
    report = scan_file(path, OPTIONS)
    assert report.status == "ok", (path.name, report.reason_en)
    m = report.marks
    assert m is not None and m.effective is not None, path.name
    return (m.effective.level, m.effective.term.years,
            m.copy_number.value if m.copy_number else None,
            m.urgency.value if m.urgency else None,
            tuple(sorted({f.code for f in report.findings})))


@pytest.mark.parametrize("kind", ["doc", "wps", "rtf", "html", "mht", "eml", "xlsx", "xls", "et",
                                  "pptx", "ppt", "dps"])
def test_every_format_gives_what_the_docx_gives(family: dict[str, Path], kind: str) -> None:
    want = _summary(family["docx"])
    assert want == ("机密", 30, "000123", "特急", ("PERIOD_EXCEEDS_MAX", "SCOPE_MISSING"))
    assert _summary(family[kind]) == want
