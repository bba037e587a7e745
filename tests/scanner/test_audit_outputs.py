"""The audit's outputs in the shape an office works from, on a small archive of real DOCX files
made here: the ledger's 定密依据, 原始/派生, 文号, 份号, 成文日期, 定密机关 and 档号 (openpyxl on
ledger.xlsx); declassify.xlsx by office; the 解密审核表 printed to A4 by Chromium; the yearly
statistics with the reviewers' decisions; and summary.html at 1366×768, serious findings first,
cards agreeing with the charts, nothing clipped or overflowing."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pypdf
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from playwright.sync_api import sync_playwright

from scanner.audit.db import AuditDB
from scanner.decisions import FILE, Decision
from scanner.names import CODES, code_label

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-12-07"
OFFICE_A = "示例市人民政府"
OFFICE_B = "示例市教育局"
LONG_NAME = "scan_export_" + "0123456789" * 12 + ".xyz"


def _docx(path: Path, lines: list[tuple[str, str]]) -> None:
    """A document from (text, alignment) lines; alignment is '', 'center' or 'right'."""
    d = docx.Document()
    for text, align in lines:
        p = d.add_paragraph(text)
        if align == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif align == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(path))


def body(topic: str) -> list[tuple[str, str]]:
    """Routine paragraphs of one document's own (documents that share paragraphs are linked
    as derived from one another: these stay apart)."""
    return [(f"{n}、各单位要按照{topic}的要求，认真做好第{n}项{topic}工作，确保措施落实到位。",
             "") for n in "一二三四五六"]


def make_archive(base: Path) -> Path:
    """The archive: documents with known 定密机关, 档号, origin and expiry."""
    root = base / "archive"
    # 档号 from the folder's name; 发文机关标志 and 落款; expired (2015 + 5 years)
    _docx(root / "WS·2015-Y-0003" / "通知.docx", [
        ("000012", ""), ("机密★5年", ""), ("示例市人民政府文件", "center"),
        ("示政发〔2015〕3号", "center"),
        ("示例市人民政府关于全市高考试卷运送保管工作的通知", "center"),
        ("各区县人民政府：", ""),
        ("今年高考试卷的运送由公安押运，试卷保密室实行双人双锁。", ""), *body("高考试卷运送"),
        ("知悉范围：各区县人民政府主要负责人", ""),
        (OFFICE_A, "right"), ("2015年3月2日", "right")])
    # derived (the text says so), 档号 from the sidecar; expired (2019 + 3 years)
    _docx(root / "2019" / "派生件.docx", [
        ("000031", ""), ("秘密★3年", ""),
        ("关于转发中考试卷保管要求的通知", "center"),
        ("示教发〔2019〕5号", "center"), ("各学校：", ""),
        ("全省中考试卷在启用前存放于各考区保密室，各校照此执行。", ""), *body("中考试卷保管"),
        ("定密依据：派生自上级来文", ""),
        ("知悉范围：各校校长", ""),
        (OFFICE_B, "right"), ("2019年5月6日", "right")])
    (root / "2019" / "archive_ids.csv").write_text("文件,档号\n派生件.docx,WS·2019-Y-0012\n",
                                                  encoding="utf-8")
    # due within the window: 2026-01-15 + 1 year
    _docx(root / "2026" / "到期.docx", [
        ("000007", ""), ("秘密★1年", ""),
        ("关于期末统一考试试卷保管的通知", "center"), ("各学校：", ""),
        ("全市初二期末统一考试的试卷由市教研室命题，启用前严格保管。", ""),
        *body("期末考试试卷保管"),
        ("知悉范围：各校校长", ""),
        (OFFICE_B, "right"), ("2026年1月15日", "right")])
    # unmarked, and a catalogue item matches: UNMARKED_MATCH
    _docx(root / "未定密" / "押运安排.docx", [
        ("关于高考试卷押运的安排", "center"),
        ("今年高考试卷的运送由公安押运，试卷保密室实行双人双锁。", ""), *body("高考试卷押运"),
        ("示例市招生考试院", "right"), ("2026年6月1日", "right")])
    # a public text whose only finding is the date's form
    _docx(root / "公开" / "简报.docx", [
        ("示例市机关事务局关于办公楼绿化的通知", "center"), ("各处室：", ""),
        ("本周完成了办公楼绿化。", ""), *body("办公楼绿化"),
        ("示例市机关事务局", "right"), ("2019年03月05日", "right")])
    # a format dingmi does not read: a long reason
    (root / "MANIFEST.tsv").write_text("a\tb\n", encoding="utf-8")
    (root / LONG_NAME).write_bytes(b"\x00\x01")  # a name with nowhere to break
    return root


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def decisions_file(root: Path, path: Path) -> Path:
    """Two conclusions: 变更 in 2025 on the 2015 notice, 解密 in 2026 on the derived one."""
    notice = root / "WS·2015-Y-0003" / "通知.docx"
    derived = root / "2019" / "派生件.docx"
    body = {"decisions": [
        {"path": "WS·2015-Y-0003/通知.docx", "sha256": sha256(notice), "code": "FILE",
         "decision": "conclusion", "by": "张三", "at": "2025-11-02T10:00:00",
         "conclusion": "变更", "mark": "秘密★5年"},
        {"path": "2019/派生件.docx", "sha256": sha256(derived), "code": "FILE",
         "decision": "conclusion", "by": "李四", "at": "2026-03-01T09:30:00",
         "conclusion": "解密"}]}
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def audit(root: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "scanner.cli", "audit", str(root), "--out", str(out),
           "--as-of", AS_OF, "--jobs", "1", "--catalog", "demo", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=REPO,
                          check=False)


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("outputs")
    root = make_archive(base)
    out = base / "out"
    done = audit(root, out, "--decisions", str(decisions_file(root, base / "decisions.json")))
    assert done.returncode == 3, done.stderr  # the unsupported files
    return root, out


@pytest.fixture(scope="module")
def audited_en(audited: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outputs_en") / "out"
    done = audit(audited[0], out, "--lang", "en")
    assert done.returncode == 3, done.stderr
    return out


def sheet_rows(ws: Any) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]


def by_header(rows: list[list[str]], key: str) -> dict[str, dict[str, str]]:
    head = rows[0]
    return {r[head.index(key)]: dict(zip(head, r, strict=True)) for r in rows[1:]}


def test_ledger_workbook_carries_basis_origin_office_and_archive_number(
        audited: tuple[Path, Path]) -> None:
    _, out = audited
    wb = openpyxl.load_workbook(out / "ledger.xlsx")
    rows = by_header(sheet_rows(wb["定密台账"]), "路径")
    for column in ("标题", "文号", "份号", "成文日期", "定密依据", "原始/派生", "定密机关", "档号"):
        assert column in sheet_rows(wb["定密台账"])[0], column
    notice = rows["WS·2015-Y-0003/通知.docx"]
    assert notice["定密依据"].startswith("EDU-01 国家教育统一考试")
    assert (notice["原始/派生"], notice["文号"], notice["份号"], notice["成文日期"]) == (
        "原始", "示政发〔2015〕3号", "000012", "2015-03-02")
    assert notice["定密机关"] == OFFICE_A  # the 落款
    assert notice["档号"] == "WS·2015-Y-0003"  # the folder's name
    derived = rows["2019/派生件.docx"]
    assert (derived["原始/派生"], derived["定密机关"], derived["档号"], derived["文号"]) == (
        "派生", OFFICE_B, "WS·2019-Y-0012", "示教发〔2019〕5号")  # the text; the sidecar
    assert derived["定密依据"].startswith("EDU-02 ")
    unmarked = rows["未定密/押运安排.docx"]
    assert unmarked["原始/派生"] == ""  # not classified: neither
    assert unmarked["定密依据"].startswith("EDU-01 ")  # what it would rest on
    assert rows["MANIFEST.tsv"]["定密机关"] == ""
    assert "2019/archive_ids.csv" not in rows  # the sidecar is not a document


def test_ledger_in_english_names_columns_and_origins_in_english(audited_en: Path) -> None:
    wb = openpyxl.load_workbook(audited_en / "ledger.xlsx")
    rows = by_header(sheet_rows(wb["ledger"]), "path")
    assert rows["2019/派生件.docx"]["original/derived"] == "derived"
    assert rows["2026/到期.docx"]["original/derived"] == "original"
    assert rows["2026/到期.docx"]["classifying office"] == OFFICE_B
    assert "basis" in rows["2026/到期.docx"]


def bare_codes(text: str, lang: str = "zh") -> list[str]:
    """Finding codes that ``text`` shows without their name (each must be as ``code_label``)."""
    return [c for c in CODES if text.count(c) != text.count(code_label(c, lang))]


def test_the_ledger_shows_names_not_values_or_codes(audited: tuple[Path, Path],
                                                    audited_en: Path) -> None:
    """状态, 发现, 判定 by name (the code kept in brackets in each finding's name), in
    Chinese by default and in English under ``--lang en``; the CSV as the workbook."""
    _, out = audited
    rows = by_header(sheet_rows(openpyxl.load_workbook(out / "ledger.xlsx")["定密台账"]), "路径")
    with (out / "ledger.csv").open(encoding="utf-8-sig", newline="") as fh:
        csv_rows = {r["路径"]: r for r in csv.DictReader(fh)}
    for got in (rows, csv_rows):
        assert got["2026/到期.docx"]["状态"] == "已检查"
        assert got["MANIFEST.tsv"]["状态"] == "不支持的格式"
        unmarked = got["未定密/押运安排.docx"]
        assert "可能应定未定（UNMARKED_MATCH）" in unmarked["发现"].split("；")
        assert unmarked["判定"] == "可能应定未定（UNMARKED_MATCH）"
        assert not bare_codes(" ".join(v for r in got.values() for v in r.values()))
        assert not {r["状态"] for r in got.values()} & {"ok", "unsupported", "unreadable"}
    en = by_header(sheet_rows(openpyxl.load_workbook(audited_en / "ledger.xlsx")["ledger"]),
                   "path")
    assert en["2026/到期.docx"]["status"] == "checked"
    assert en["2026/到期.docx"]["level"] == "CONFIDENTIAL"
    assert en["MANIFEST.tsv"]["status"] == "unsupported"
    assert en["未定密/押运安排.docx"]["verdicts"] == (
        "possibly should be classified (UNMARKED_MATCH)")
    assert not bare_codes(" ".join(v for r in en.values() for v in r.values()), "en")


def test_review_sheet_names_findings_and_decisions(audited: tuple[Path, Path]) -> None:
    _, out = audited
    lines = sheet_rows(openpyxl.load_workbook(out / "review.xlsx")["审核意见表"])
    head = lines[0]
    assert head[:5] == ["路径", "标题", "文号", "份号", "国家秘密标志"]
    rows = [dict(zip(head, r, strict=True)) for r in lines[1:]]
    unmarked = next(r for r in rows if r["路径"] == "未定密/押运安排.docx"
                    and "UNMARKED_MATCH" in r["发现"])
    assert (unmarked["发现"], unmarked["级别"], unmarked["审核决定"]) == (
        "可能应定未定（UNMARKED_MATCH）", "警告", "待定")
    notice = next(r for r in rows if r["路径"] == "WS·2015-Y-0003/通知.docx"
                  and r["发现"] == "结论")
    assert (notice["说明"], notice["审核人"]) == ("变更 秘密★5年", "张三")
    assert (notice["文号"], notice["份号"]) == ("示政发〔2015〕3号", "000012")
    assert not bare_codes(" ".join(" ".join(r) for r in lines))
    assert not {r["级别"] for r in rows} & {"error", "warning", "info"}


def test_declassify_list_shows_title_number_and_copy(audited: tuple[Path, Path],
                                                     audited_en: Path) -> None:
    """declassify.csv lists each document by title, 文号 and 份号 as the workbook does."""
    _, out = audited
    with (out / "declassify.csv").open(encoding="utf-8-sig", newline="") as fh:
        listed = {r["路径"]: r for r in csv.DictReader(fh)}
    notice = listed["WS·2015-Y-0003/通知.docx"]
    assert (notice["标题"], notice["文号"], notice["份号"], notice["状态"]) == (
        "示例市人民政府关于全市高考试卷运送保管工作的通知", "示政发〔2015〕3号", "000012",
        "已到期")
    assert (listed["2026/到期.docx"]["份号"], listed["2026/到期.docx"]["状态"]) == (
        "000007", "即将到期")
    wb = openpyxl.load_workbook(out / "declassify.xlsx")
    sheet = sheet_rows(wb[OFFICE_A])
    row = dict(zip(sheet[1], sheet[2], strict=True))
    assert (row["份号"], row["标题"]) == ("000012", notice["标题"])
    with (audited_en / "declassify.csv").open(encoding="utf-8-sig", newline="") as fh:
        en = {r["path"]: r for r in csv.DictReader(fh)}
    assert en["2026/到期.docx"]["state"] == "due"
    assert en["2026/到期.docx"]["document number"] == listed["2026/到期.docx"]["文号"]
    assert en["2026/到期.docx"]["copy number"] == "000007"


def units(text: str) -> int:
    """The width of ``text`` in a worksheet's column units (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


SHORT = {"状态", "密级", "份号", "原始/派生", "级别", "审核决定", "status", "level", "state",
         "copy number", "original/derived", "severity", "decision"}


@pytest.mark.parametrize("name", ["ledger.xlsx", "review.xlsx", "declassify.xlsx"])
def test_workbook_headers_and_short_values_fit_their_columns(
        audited: tuple[Path, Path], audited_en: Path, name: str) -> None:
    """Opened in Excel or WPS, no header is cut off, nor a status, level, 份号, origin, severity
    or decision (the names are longer than the values were), in either language."""
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    for out in (audited[1], audited_en):
        for ws in openpyxl.load_workbook(out / name).worksheets:
            rows = sheet_rows(ws)
            # an office's sheet has the office's line above its header
            at = 1 if rows and rows[0][0].startswith(("定密机关：", "classifying office:")) else 0
            for i, head in enumerate(rows[at], start=1):
                width = ws.column_dimensions[get_column_letter(i)].width
                assert units(head) <= width, (name, head, width)
                if head in SHORT:
                    widest = max((units(r[i - 1]) for r in rows[at + 1:]), default=0)
                    assert widest <= width, (name, head, widest, width)


def test_declassify_workbook_has_one_sheet_per_office(audited: tuple[Path, Path]) -> None:
    _, out = audited
    wb = openpyxl.load_workbook(out / "declassify.xlsx")
    assert wb.sheetnames == [OFFICE_A, OFFICE_B, "派生文件"]
    a, b = (sheet_rows(wb[name]) for name in (OFFICE_A, OFFICE_B))
    assert a[0][:3] == [f"定密机关：{OFFICE_A}", "份数", "1"]
    assert b[0][2] == "2"
    head = a[1]
    for column in ("档号", "文号", "定密依据", "标题", "解密日期", "原始/派生"):
        assert column in head
    row = dict(zip(head, a[2], strict=True))
    assert (row["档号"], row["文号"], row["状态"]) == ("WS·2015-Y-0003", "示政发〔2015〕3号",
                                                  "已到期")
    assert row["定密依据"].startswith("EDU-01 ")
    # the unmarked 押运安排 copies the notice: listed under it, to be reviewed with it
    below = dict(zip(head, a[3], strict=True))
    assert (below["序号"], below["路径"], below["状态"]) == ("1.1", "未定密/押运安排.docx",
                                                        "未标密级")
    assert below["派生关系"] == "派生自第 1 项“WS·2015-Y-0003/通知.docx”"
    assert len(a) == 4
    paths = [dict(zip(b[1], r, strict=True))["路径"] for r in b[2:]]
    assert paths == ["2019/派生件.docx", "2026/到期.docx"]  # expired and due, path order
    due = dict(zip(b[1], b[3], strict=True))
    assert due["状态"] == "即将到期" and "天后" in due["原因"]
    assert wb[OFFICE_B].freeze_panes == "A3"


def test_declassify_workbook_in_english(audited_en: Path) -> None:
    wb = openpyxl.load_workbook(audited_en / "declassify.xlsx")
    first = sheet_rows(wb[OFFICE_A])
    assert first[0][0] == f"classifying office: {OFFICE_A}"
    assert "archive number" in first[1] and "document number" in first[1]
    stats = sheet_rows(openpyxl.load_workbook(audited_en / "stats.xlsx")["by year"])
    assert stats[0][:2] == ["year", "classified"] and stats[-1][0] == "total"
    form = (audited_en / "declassify-review.html").read_text(encoding="utf-8")
    assert "classification officer" in form and "承办人" not in form


def test_yearly_statistics_count_by_year_level_origin_and_decisions(
        audited: tuple[Path, Path]) -> None:
    _, out = audited
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    years = stats["by_year"]
    assert list(years) == ["2015", "2019", "2025", "2026"]
    assert years["2015"]["classified"] == 1 and years["2015"]["by_level"]["机密"] == 1
    assert (years["2019"]["derived"], years["2019"]["original"]) == (1, 0)
    assert years["2026"]["by_level"]["秘密"] == 1 and years["2026"]["original"] == 1
    assert years["2025"]["decisions"]["变更"] == 1 and years["2025"]["classified"] == 0
    assert years["2026"]["decisions"]["解密"] == 1
    assert (stats["original"], stats["derived"]) == (2, 1)
    wb = openpyxl.load_workbook(out / "stats.xlsx")
    rows = sheet_rows(wb["年度统计"])
    assert rows[0][:7] == ["年度", "定密件数", "绝密", "机密", "秘密", "原始定密", "派生定密"]
    table = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert table["2025"]["变更"] == "1" and table["2026"]["解密"] == "1"
    assert table["合计"]["定密件数"] == "3" and table["合计"]["派生定密"] == "1"


def chromium(pw: Any) -> Any:
    return pw.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run"])


def test_review_form_prints_one_a4_form_per_office(audited: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    _, out = audited
    pdf = tmp_path / "forms.pdf"
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = chromium(pw)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto((out / "declassify-review.html").as_uri(), wait_until="load")
            forms = page.locator("section.form")
            assert forms.count() == 2
            assert "承办人" in forms.nth(0).inner_text()
            assert "定密责任人" in forms.nth(1).inner_text()
            assert OFFICE_B in forms.nth(1).locator(".meta").inner_text()
            assert forms.nth(1).locator("tbody tr").count() == 2
            head = forms.nth(0).locator("thead th").all_inner_texts()
            assert head[:3] == ["序号", "档号", "文号"] and head[-1] == "审核意见"
            assert "份号" in head
            # 份号 and the dates each on one line (a copy number is not broken in two)
            page.set_viewport_size({"width": 1366, "height": 768})
            for name in ("份号", "成文日期", "解密日期"):
                column = head.index(name) + 1
                lines = page.locator(f"section.form tbody td:nth-child({column})").evaluate_all(
                    """tds => tds.map(td => { const r = document.createRange();
                    r.selectNodeContents(td); return r.getClientRects().length; })""")
                assert 1 in lines and set(lines) <= {0, 1}, (name, lines)  # 0: empty
            page.emulate_media(media="print")
            page.pdf(path=str(pdf), prefer_css_page_size=True)
        finally:
            browser.close()
    reader = pypdf.PdfReader(str(pdf))
    assert len(reader.pages) == 2  # one office a page
    for number, office in enumerate((OFFICE_A, OFFICE_B)):
        p = reader.pages[number]
        width, height = float(p.mediabox.width), float(p.mediabox.height)
        assert abs(width - 842) < 3 and abs(height - 595) < 3  # A4 landscape, in points
        # (the PDF's text layer gives some characters as radicals: NFKC maps the Kangxi ones
        # back, the supplement's by hand)
        text = unicodedata.normalize("NFKC", "".join(p.extract_text().split())).translate(
            RADICALS)
        assert office in text and "承办人" in text and "定密责任人" in text
    assert requests == [(out / "declassify-review.html").as_uri()]


RADICALS = str.maketrans({"⺠": "民", "⻓": "长", "⻅": "见"})


def _boxes(where: Any, selector: str) -> list[dict[str, float]]:
    """The client rectangles of what ``selector`` finds in a page or a locator."""
    return where.locator(selector).evaluate_all("""els => els.map(e => {
        const r = e.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, width: r.width};
    })""")


def test_summary_leads_with_what_matters_at_1366(audited: tuple[Path, Path]) -> None:
    _, out = audited
    shot = out.parent / "summary-1366.png"
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    with sync_playwright() as pw:
        browser = chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto((out / "summary.html").as_uri(), wait_until="load")
            page.screenshot(path=str(shot))
            cards = page.locator(".card")
            keys = [cards.nth(i).get_attribute("data-key") for i in range(cards.count())]
            assert keys[:3] == ["should_classify", "level_off", "mark_error"]
            first = cards.nth(0).inner_text()
            assert "可能应定未定" in first and first.split()[0] == "1"
            # one definition: each card and its bar in the levels chart say the same
            for key, label in (("unreadable", "无法读取"), ("unsupported", "不支持的格式"),
                               ("needs_ocr", "需 OCR")):
                card = page.locator(f'.card[data-key="{key}"] .n').inner_text()
                bar = page.locator("#chart-levels g.bar", has_text=label).locator("rect")
                assert int(card) == int(bar.get_attribute("data-value") or -1) == stats[key]
            for key, label, chart in (("expired", "已到期", "expiry"),
                                      ("due", "窗口内到期", "expiry"),
                                      ("marked", None, "levels")):
                card = int(page.locator(f'.card[data-key="{key}"] .n').inner_text())
                bars = page.locator(f"#chart-{chart} g.bar", has_text=label or "")
                values = [int(b.get_attribute("data-value") or -1)
                          for b in bars.locator("rect").all()]
                assert card == (values[0] if label else sum(values[:3])), key
            # the first table: serious findings first, unsupported files last
            rows = page.locator("#worst tbody tr")
            kinds = [rows.nth(i).locator("td").nth(0).inner_text() for i in range(rows.count())]
            paths = [rows.nth(i).locator("td").nth(1).locator(".path").inner_text()
                     for i in range(rows.count())]
            assert kinds[0] == "可能应定未定" and paths[0] == "未定密/押运安排.docx"
            # each document by its title (the link to its report), 文号 and 份号
            notice = page.locator("#worst tr", has_text="WS·2015-Y-0003/通知.docx")
            assert notice.locator("a.title").inner_text() == (
                "示例市人民政府关于全市高考试卷运送保管工作的通知")
            assert "文号：示政发〔2015〕3号" in notice.locator(".facts").inner_text()
            assert "份号：000012" in notice.locator(".facts").inner_text()
            # findings by name and code, one a line; no bare code, no raw value anywhere
            assert rows.nth(0).locator("td").nth(4).inner_text() == (
                "可能应定未定（UNMARKED_MATCH）")
            text = page.locator("body").inner_text()
            assert not bare_codes(text)
            assert "基准日期：" in text
            code_labels = page.locator("#chart-codes text.label").all_text_contents()
            assert "可能应定未定（UNMARKED_MATCH）" in code_labels
            for label in page.locator("#chart-codes text.label").all():  # a code stays whole
                lines = label.locator("tspan").all_text_contents()
                assert all(line.count("（") == line.count("）") for line in lines), lines
            assert paths.index("公开/简报.docx") > paths.index("2026/到期.docx")
            assert kinds[-2:] == ["不支持的格式"] * 2
            assert paths[-2:] == ["MANIFEST.tsv", LONG_NAME]
            # the catalogue item's label is whole, in lines
            label = page.locator("#chart-items text.label").nth(0)
            assert label.locator("tspan").count() >= 2
            assert "".join(label.locator("tspan").all_text_contents()).startswith(
                "EDU-01 国家教育统一考试在启用前的试卷、参考答案和评分标准")
            # nothing clipped or overflowing at 1366 px
            assert page.evaluate("document.documentElement.scrollWidth") <= 1366
            for box in _boxes(page, "table, .cards, svg, td"):
                assert box["left"] >= 0 and box["right"] <= 1366, box
            for chart in page.locator("section.chart svg").all():
                svg = chart.bounding_box()
                assert svg is not None
                for text in _boxes(chart, "text"):
                    assert text["left"] >= svg["x"] - 0.5, text
                    assert text["right"] <= svg["x"] + svg["width"] + 0.5, text
            reason = page.locator("#worst tr", has_text="MANIFEST.tsv").locator("td").nth(4)
            cell, table = reason.bounding_box(), page.locator("#worst table").bounding_box()
            assert cell is not None and table is not None
            assert cell["x"] + cell["width"] <= table["x"] + table["width"] + 0.5
            assert ".bmp" in reason.inner_text()  # the whole reason, wrapped
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000


def test_summary_in_english_leads_with_the_same_cards(audited_en: Path) -> None:
    html_text = (audited_en / "summary.html").read_text(encoding="utf-8")
    first = html_text.index('data-key="should_classify"')
    assert first < html_text.index('data-key="files"')
    assert "likely should be classified" in html_text and "可能应定未定" not in html_text
    assert "possibly should be classified (UNMARKED_MATCH)" in html_text
    assert not bare_codes(re.sub(r"<[^>]+>", "", html_text), "en")  # a label's lines joined


def test_derived_run_and_a_decision_saved_later_reach_the_outputs(
        audited: tuple[Path, Path], tmp_path: Path) -> None:
    """``--derived`` makes every marked document 派生; a conclusion saved into the audit's
    database afterwards (as the review app does) rebuilds the outputs on the next run."""
    root, _ = audited
    out = tmp_path / "out"
    assert audit(root, out, "--derived").returncode == 3
    rows = by_header(sheet_rows(openpyxl.load_workbook(out / "ledger.xlsx")["定密台账"]), "路径")
    assert {rows[p]["原始/派生"] for p in ("2026/到期.docx", "WS·2015-Y-0003/通知.docx")} == {
        "派生"}
    assert rows["未定密/押运安排.docx"]["原始/派生"] == ""
    before = json.loads((out / "stats.json").read_text(encoding="utf-8"))["by_year"]
    assert before["2026"]["decisions"]["变更"] == 0
    db = AuditDB(out / "audit.sqlite")
    try:
        db.save_decision(Decision(
            "2026/到期.docx", sha256(root / "2026" / "到期.docx"), FILE, "conclusion", "王五",
            "2026-12-01T08:00:00", conclusion="变更", mark="秘密★2年"))
    finally:
        db.close()
    done = audit(root, out, "--derived")
    assert done.returncode == 3
    after = json.loads((out / "stats.json").read_text(encoding="utf-8"))["by_year"]
    assert after["2026"]["decisions"]["变更"] == 1
    table = sheet_rows(openpyxl.load_workbook(out / "stats.xlsx")["年度统计"])
    assert dict(zip(table[0], table[-1], strict=True))["变更"] == "1"
