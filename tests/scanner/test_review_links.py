"""The review app's view of a derived link, in a real browser (Debian's Chromium through
Playwright) on ``dingmi review`` running as a process, at 1366×768, on a real audit: a source
marked 机密★10年 (python-docx) and an unmarked draft copying two of its paragraphs. From the
DERIVED_BELOW_SOURCE finding (its button, or j then v) to the page that shows the draft's and the
source's paragraphs side by side with the shared text highlighted, the source's path, mark,
standing and share; v or Esc back. Chinese by default, English with ``--lang en``. Screenshots
are saved beside the audit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Page, sync_playwright
from server import running
from test_review_ui import HEIGHT, WIDTH, launch, within_width

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "tests" / "data" / "derived" / "docs" / "src03.txt"  # 机密★10年
AS_OF = "2026-06-30"
DRAFT = "稿件/情况报告.docx"

pytestmark = pytest.mark.slow


def make_docx(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))


def body() -> list[str]:
    return [p for p in SOURCE.read_text(encoding="utf-8").splitlines() if len(p) > 80]


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("review_links")
    archive = base / "archive"
    make_docx(archive / "来源" / "来源通知.docx", SOURCE.read_text(encoding="utf-8").splitlines())
    first, _, third, *_ = body()
    make_docx(archive / DRAFT, ["关于近期有关工作的情况报告", "各有关单位：",
                                "按照工作安排，现将有关情况报告如下。", first, third,
                                "以上情况，特此报告。", "2026年5月6日"])
    make_docx(archive / "稿件/无关.docx", ["关于召开季度例会的通知", "各科室：",
                                         "请于本周五下午三点到三楼会议室参加季度工作例会。",
                                         "2026年5月6日"])
    out = base / "audit"
    done = subprocess.run([sys.executable, "-m", "scanner.cli", "audit", str(archive), "--out",
                           str(out), "--as-of", AS_OF, "--jobs", "1"], capture_output=True,
                          text=True, cwd=REPO, timeout=600, check=False)
    assert done.returncode in (0, 1), done.stderr
    return out


def report_of(out: Path, relative: str) -> dict:
    return json.loads((out / "reports" / f"{relative}.report.json").read_text("utf-8"))


def open_draft(page: Page, url: str) -> None:
    page.goto(url)
    page.locator(f'#files a:text-is("{DRAFT}")').click()
    page.wait_for_selector("li.finding")


def test_both_sides_of_a_link(audited: Path) -> None:
    report = report_of(audited, DRAFT)
    link = report["links"][0]
    assert link["relative"] == "来源/来源通知.docx" and link["mark"] == "机密★10年"
    share = f"{link['share'] * 100:.0f}%"
    first, _, third, *_ = body()
    errors: list[str] = []
    with running("review", str(audited)) as (url, _), sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            open_draft(page, url)
            finding = page.locator('li.finding[data-code="DERIVED_BELOW_SOURCE"]')
            assert finding.locator("a.act-links").inner_text() == "两侧对照 (v)"
            assert "来源/来源通知.docx" in page.locator("#links").inner_text()

            # the keyboard: j selects the finding, v opens both sides
            page.keyboard.press("j")
            page.keyboard.press("v")
            page.wait_for_selector("#links-of")
            assert page.url.split("?")[0].endswith("/links")
            assert page.locator("h1").inner_text() == "派生来源：两侧对照"
            section = page.locator("section.link").first
            assert section.locator(".source-path").inner_text() == "来源/来源通知.docx"
            assert section.locator(".source-mark").inner_text() == "机密★10年"
            assert section.locator(".source-live").inner_text().startswith("有效")
            assert section.locator(".share").inner_text() == share
            assert section.locator(".by").inner_text() == "复制内容"
            assert page.locator("#doc-mark").inner_text() == "未标密级"
            pairs = section.locator("tr.pair")
            assert pairs.count() >= 2
            here = pairs.nth(0).locator("td.here mark").first.inner_text()
            there = pairs.nth(0).locator("td.there mark").first.inner_text()
            assert len(here) > 100 and here == there and here in first  # highlighted, both sides
            assert "正文第" in pairs.nth(0).locator("td.here .where").first.inner_text()
            shared = "".join(pairs.locator("td.here mark").all_inner_texts())
            assert third[:40] in shared
            within_width(page.locator("table.pairs"))
            assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
            page.screenshot(path=str(audited / "review-links-1366.png"))
            page.keyboard.press("j")
            assert pairs.nth(0).get_attribute("class") == "pair selected"
            page.keyboard.press("Escape")  # back to the file
            page.wait_for_selector("li.finding")
            assert "/links" not in page.url

            # the mouse: the finding's button
            page.locator("a.act-links").first.click()
            page.wait_for_selector("#links-of")
            page.keyboard.press("v")
            page.wait_for_selector("li.finding")

            # a file with no source says so
            page.goto(url)
            page.locator('#files a:text-is("稿件/无关.docx")').click()
            assert page.locator("#links-view").count() == 0
            page.goto(page.url.split("?")[0] + "/links")
            assert page.locator("#no-links").inner_text() == "本文件没有派生来源"
            assert not errors, errors
            assert page.goto(url + "file/999/links").status == 404  # type: ignore[union-attr]
        finally:
            browser.close()


def test_both_sides_in_english(audited: Path) -> None:
    with running("review", str(audited), "--lang", "en") as (url, _), sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            open_draft(page, url)
            page.locator("a.act-links").first.click()
            page.wait_for_selector("#links-of")
            text = page.locator("main").inner_text()
            for words in ("Derived from: both sides", "Source standing", "Share of this document",
                          "copied content", "body, paragraph"):
                assert words in text, words
            for words in ("来源状态", "共享段落", "复制内容", "正文第"):
                assert words not in text, words
            assert page.locator(".source-live").first.inner_text().startswith("live")
            page.screenshot(path=str(audited / "review-links-1366-en.png"))
        finally:
            browser.close()
