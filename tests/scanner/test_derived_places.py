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

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from builders import soffice, to_pdf
from docx import Document
from server import request, running

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


def page_text(path: Path) -> str:
    """An HTML page's text (tags dropped, entities read)."""
    text = re.sub(r"<style>.*?</style>", "", path.read_text("utf-8"), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


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


def test_a_passage_spans_its_paragraphs_on_both_sides(audited: Path) -> None:
    """The 转发 copies the source's paragraphs 8–9 as its own 9–10, after a heading ending with
    the word that ends the source's paragraph 7: the passage starts at the copied text on both
    sides, and its place is a range (JSON: ``location`` and ``end``), on the console too."""
    link = report_of(audited, RELAY)["links"][0]
    assert link["relative"] == SOURCE
    [passage] = link["passages"]
    here, there = passage["here"], passage["there"]
    first, second = paragraph(RELAY_LINES, FIRST), paragraph(RELAY_LINES, SECOND)
    assert (here["location"], here["end"]) == (f"body.p{first}", f"body.p{second}")
    src_first, src_second = paragraph(SOURCE_LINES, FIRST), paragraph(SOURCE_LINES, SECOND)
    assert (there["location"], there["end"]) == (f"body.p{src_first}", f"body.p{src_second}")
    assert here["excerpt"].startswith("一、储备点调整。撤销设在") and here["excerpt"].endswith("…")
    assert there["excerpt"].startswith("一、储备点调整")
    derived = next(f for f in report_of(audited, RELAY)["findings"] if f.get("stage") == "derived")
    assert derived["code"] == "DERIVED_BELOW_SOURCE"
    assert derived["evidence"][0]["location"] == (
        f"body.p{first}–body.p{second} ⇄ {SOURCE} body.p{src_first}–body.p{src_second}")

    draft = audited.parent / "archive" / RELAY
    done = dingmi("check", str(draft), "--against", str(audited), "--as-of", AS_OF)
    line = next(x for x in done.stdout.splitlines() if "⇄" in x)
    assert line.strip().startswith(f"本文件 正文第{first}–{second}段 “一、储备点调整"), line
    assert line.endswith(f"⇄ 来源 正文第{src_first}–{src_second}段"), line
    done = dingmi("check", str(draft), "--against", str(audited), "--as-of", AS_OF, "--lang", "en")
    line = next(x for x in done.stdout.splitlines() if "⇄" in x)
    assert line.strip().startswith(f"here body, paragraphs {first}–{second} '"), line
    assert line.endswith(f"⇄ source body, paragraphs {src_first}–{src_second}"), line


@needs_soffice
def test_a_pdf_passage_starts_at_the_copied_lines(audited: Path) -> None:
    """In the 汇编's PDF the heading (its own line) ends with 调整 as the source's paragraph 7
    does: the passage is the copied lines, from the first to the last, and its excerpt their text
    (lines joined), not the heading's last word."""
    [link] = [lk for lk in report_of(audited, DIGEST)["links"] if lk["relative"] == SOURCE]
    [passage] = link["passages"]
    here, there = passage["here"], passage["there"]
    start, end = (re.fullmatch(r"page1\.l(\d+)", here[k]) for k in ("location", "end"))
    assert start and end and int(start.group(1)) < int(end.group(1)), here
    assert here["excerpt"].startswith("一、储备点调整。撤销设在红岩县石门坳的第二储备点"), here
    assert len(here["excerpt"]) == 61 and here["excerpt"].endswith("…")
    assert (there["location"], there["end"]) == (f"body.p{paragraph(SOURCE_LINES, FIRST)}",
                                                 f"body.p{paragraph(SOURCE_LINES, SECOND)}")
    done = dingmi("check", str(audited.parent / "archive" / DIGEST), "--against", str(audited),
                  "--as-of", AS_OF)
    line = next(x for x in done.stdout.splitlines() if "⇄" in x)
    assert f"本文件 第1页第{start.group(1)}–{end.group(1)}行 “一、储备点调整" in line, line


def _aligned(here_blocks: list[str], there_blocks: list[str]) -> tuple[str, str]:
    """The passage the alignment finds from a seed inside the copied text, as the texts of its
    first and last characters' blocks here (a title line first: the lead is left out)."""
    from scanner.derived.fingerprint import normalize_blocks  # noqa: PLC0415
    from scanner.derived.links import _align  # noqa: PLC0415

    here, there = (normalize_blocks(["关于有关事项的通知", *blocks])
                   for blocks in (here_blocks, there_blocks))
    seed = "撤销设在红岩县石门坳"
    p, _ = _align(here, there, here.text.index(seed), there.text.index(seed),
                  bytearray(len(here.text)))
    assert p is not None
    blocks = ["关于有关事项的通知", *here_blocks]
    return blocks[here.block[p.here[0]]], blocks[here.block[p.here[1] - 1]]


def test_a_stray_word_before_a_block_end_is_no_part_of_a_passage() -> None:
    """A heading's last word (调整) matching the end of the source's paragraph before the copied
    one is left out on both sides; the copied text's own first characters at the end of a
    wrapped line (the source runs on in one paragraph) stay, and so does a last word that ends
    a passage inside a block."""
    start, end = _aligned([HEADING, FIRST, SECOND], [INTRO, FIRST, SECOND, THIRD])
    assert (start, end) == (FIRST, SECOND)
    wrapped = ["编者按：现将有关内容汇编如下。一、", FIRST.removeprefix("一、")]  # a PDF's lines
    start, _ = _aligned(wrapped, [INTRO, FIRST])
    assert start == wrapped[0]
    # the next paragraph starts with the word that starts the source's next one: left out
    start, end = _aligned([FIRST, "三、柳湾镇负责现场警戒。"], [INTRO, FIRST, THIRD])
    assert (start, end) == (FIRST, FIRST)


def test_html_report_and_review_page_show_evidence_in_words(audited: Path,
                                                             archive: Path) -> None:
    """A derived finding's evidence (here ⇄ the source and its place) is in words in the
    per-file HTML report and on the review app's file page, in Chinese and in English."""
    first, second = paragraph(RELAY_LINES, FIRST), paragraph(RELAY_LINES, SECOND)
    src = f"{paragraph(SOURCE_LINES, FIRST)}–{paragraph(SOURCE_LINES, SECOND)}"
    zh = f"本文件 正文第{first}–{second}段 ⇄ 来源 {SOURCE} 正文第{src}段"
    en = f"here body, paragraphs {first}–{second} ⇄ source {SOURCE} body, paragraphs {src}"
    text = page_text(audited / "reports" / f"{RELAY}.report.html")
    assert zh in text and "body.p" not in text, text
    english = audit(archive, archive.parent / "审核_en", "--lang", "en")
    text = page_text(english / "reports" / f"{RELAY}.report.html")
    assert en in text and "body.p" not in text and "本文件" not in text, text

    for out, lang, words in ((audited, "zh", zh), (english, "en", en)):
        with running("review", str(out), "--lang", lang) as (url, _):
            status, listing = request(url)
            assert status == 200
            n = str(listing).split(f">{RELAY}<")[0].rsplit('href="/file/', 1)[1].split('"')[0]
            status, page = request(f"{url}file/{n}")
            assert status == 200
            evidence = "".join(x.split("</ul>", 1)[0]
                               for x in str(page).split('<ul class="evidence">')[1:])
            assert words in html.unescape(evidence), evidence
            shown = re.sub(r'title="[^"]*"', "", evidence)  # (a place's code as its tooltip)
            assert "body.p" not in shown and "⇄" in shown, evidence


def test_html_report_lists_the_sources(audited: Path, archive: Path) -> None:
    """The per-file HTML report has a section of the document's sources: path, title, mark,
    live, how linked, share and each shared passage in words with its excerpt; none in a
    redacted report's."""
    report = report_of(audited, RELAY)
    link = report["links"][0]
    text = page_text(audited / "reports" / f"{RELAY}.report.html")
    section = text.split("派生来源", 1)[1]
    first, second = paragraph(RELAY_LINES, FIRST), paragraph(RELAY_LINES, SECOND)
    src = f"{paragraph(SOURCE_LINES, FIRST)}–{paragraph(SOURCE_LINES, SECOND)}"
    for shown in (f"来源：{SOURCE}", "关于调整全省抗旱应急物资储备布局的通知", "机密★10年",
                  "复制内容", f"{link['share']:.0%}", "是（解密日期 2031-05-20）",
                  f"本文件 正文第{first}–{second}段 ⇄ 来源 正文第{src}段",
                  link["passages"][0]["here"]["excerpt"]):
        assert shown in section, (shown, section)

    redacted = audit(archive, archive.parent / "审核_redact", "--redact")
    text = page_text(redacted / "reports" / f"{RELAY}.report.html")
    section = text.split("派生来源", 1)[1]
    assert f"本文件 正文第{first}–{second}段 ⇄ 来源 正文第{src}段" in section, section
    assert "储备点调整。撤销" not in text and "移动泵站" not in text, text
