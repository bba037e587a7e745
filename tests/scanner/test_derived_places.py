"""Where a derived link's passages stand and how the derived stage shows marks, in every output of
a real audit (real processes; DOCX by python-docx, a PDF by LibreOffice from a DOCX): the
per-file HTML report (its findings' evidence and its section of sources), the review app's file
page, the JSON report, the console of ``check --against``, ``derived.csv`` and the ledger's
派生关系 sheet.

The archive: a source notice marked 机密★10年 whose paragraph before the copied ones ends with
调整; a 转发 (DOCX, 秘密★5年) and a 汇编 (PDF, 机密★5年) copying its two next paragraphs after a
heading line that ends with 调整 too. A passage spans two paragraphs (and several of the PDF's
lines) and starts where the copied text does, not on the heading's last word."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from builders import soffice, to_pdf
from docx import Document

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-06-30"
SOURCE = "省厅/来源通知.docx"
RELAY = "市局/转发通知.docx"
DIGEST = "省厅/汇编.pdf"
INTRO = "为做好今年夏季抗旱保供工作，经研究，决定对全省抗旱应急物资储备布局作如下调整。"
FIRST = ("一、储备点调整。撤销设在红岩县石门坳的第二储备点，其库存的移动泵站38台、输水软管62千米、"
         "蓄水囊230个于6月10日前整体转运至清河市柳湾镇新建的第五储备点。第五储备点库区面积9800"
         "平方米，距柳湾火车站1.6公里，由省抗旱物资保障中心直接管理。")
SECOND = ("二、储备定额。省级抗旱物资储备定额由原来的价值0.92亿元调增至1.37亿元，其中移动泵站储备"
          "定额调整为140台，打井机调整为26台，净水设备调整为75套。新增定额所需资金由省财政在年度"
          "应急专项中统筹安排。")
THIRD = ("三、调用权限。单次调用价值300万元以下的物资由保障中心主任审批；300万元以上的报分管"
         "副厅长审批。")
HEADING = "（一）抗旱应急物资储备布局调整"
SOURCE_LINES = ["000021", "机密★10年", "东川省应急管理厅文件", "东应急发〔2021〕15号",
                "关于调整全省抗旱应急物资储备布局的通知", "各市（州）应急管理局：", INTRO, FIRST,
                SECOND, THIRD, "东川省应急管理厅", "2021年5月20日"]
RELAY_LINES = ["000003", "秘密★5年", "清河市应急管理局文件", "清应急发〔2021〕8号",
               "关于转发省厅抗旱应急物资储备布局调整通知的通知", "柳湾镇人民政府：",
               "现将省应急管理厅有关通知的主要内容转发给你们，请认真贯彻执行。", HEADING, FIRST,
               SECOND, "柳湾镇要在6月5日前完成第五储备点的水电接入。", "清河市应急管理局",
               "2021年6月1日"]
DIGEST_LINES = ["000017", "机密★5年", "2022年应急管理文件汇编（第三辑）",
                "编者按：为便于厅机关各处室学习掌握重点工作情况，现将有关文件内容汇编如下。",
                HEADING, FIRST, SECOND, "东川省应急管理厅办公室", "2022年8月1日"]
needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")


def dingmi(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True,
                          text=True, timeout=600, cwd=REPO, check=False)


def make_docx(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def paragraph(lines: list[str], text: str) -> int:
    return lines.index(text) + 1


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("derived_places")
    folder = base / "archive"
    make_docx(folder / SOURCE, SOURCE_LINES)
    make_docx(folder / RELAY, RELAY_LINES)
    if soffice() is not None:
        digest = make_docx(base / "汇编.docx", DIGEST_LINES)
        to_pdf([digest], folder / "省厅")
    return folder


def audit(archive: Path, out: Path, *extra: str) -> Path:
    done = dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1",
                  *extra)
    assert done.returncode in (0, 1), done.stderr
    return out


@pytest.fixture(scope="module")
def audited(archive: Path) -> Path:
    return audit(archive, archive.parent / "审核")


def report_of(out: Path, relative: str) -> dict:
    return json.loads((out / "reports" / f"{relative}.report.json").read_text("utf-8"))


@needs_soffice
def test_marks_without_the_text_layers_spaces(audited: Path) -> None:
    """The 汇编's PDF text layer reads its mark as 机密★5 年: the derived stage shows it as the
    ledger's main sheet does, 机密★5年 (derived.csv, the 派生关系 sheet, the findings' messages,
    the console of check)."""
    report = report_of(audited, DIGEST)
    assert report["marking"]["raw"] != "机密★5年"  # (what LibreOffice's text layer holds)
    rows = (audited / "derived.csv").read_text("utf-8-sig").splitlines()
    row = next(r for r in rows if r.startswith(DIGEST))
    assert row.split(",")[1:4] == ["机密★5年", SOURCE, "机密★10年"], row
    book = openpyxl.load_workbook(audited / "ledger.xlsx", read_only=True)
    try:
        cells = [[c.value or "" for c in r] for r in book["派生关系"].iter_rows()]
    finally:
        book.close()
    assert [DIGEST, "机密★5年", SOURCE, "机密★10年"] in [r[:4] for r in cells]
    derived = next(f for f in report["findings"] if f.get("stage") == "derived")
    assert "本文件标为“机密★5年”" in derived["message_zh"], derived["message_zh"]
    assert "marked '机密★5年'" in derived["message_en"]
    done = dingmi("check", str(audited.parent / "archive" / DIGEST), "--against", str(audited),
                  "--as-of", AS_OF)
    head = done.stdout.splitlines()[0]
    assert "[机密★5年]" in head and "保密期限" not in head, head
