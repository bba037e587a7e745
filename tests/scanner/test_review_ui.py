"""The review app as a reviewer with a mouse or a keyboard meets it, in a real browser (Debian's
Chromium through Playwright) on ``dingmi review`` running as a process, at 1366×768: 下一个 and
``]`` stay within the filter; nothing is selected before the first key; every key has its
button; files with nothing found do not wait for review; identical copies are offered one
decision; the conclusions 定密 and 延长保密期限; the export says it was made; one language a
page (Chinese, or English with ``--lang en``), values and locations in words. Screenshots are
saved beside the audit."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from builders import DocSpec, make_docx
from playwright.sync_api import Locator, Page, sync_playwright
from server import running

from scanner.decisions import load

REPO = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 22)
WIDTH, HEIGHT = 1366, 768

pytestmark = pytest.mark.slow

ROUTINE = "请各科室于本周五下午三点到三楼会议室参加季度工作例会，会议将通报近期重点工作。"
TALKS = "与某集团的谈判底线为土地价格不低于每亩30万元，让步方案另附。"  # NEG-01 机密 5年
WATER = "附件为全市供水主干管网布局图，标注了各加压站坐标和取水口位置。"  # INF-01 秘密 10年
GUARD = "警卫路线及沿线警力部署详见附图。"  # INF-04 机密


def _doc(path: Path, mark: str | None, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [x for x in ("000123", mark) if mark] + ["关于有关事项的通知", body,
                                                     "知悉范围：本局领导班子成员", "2026年3月2日"]
    make_docx(path, DocSpec(body=lines))


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("review_ui")
    archive = base / "archive"
    _doc(archive / "机关" / "under_talks.docx", "秘密★5年", TALKS)
    _doc(archive / "机关" / "over_water.docx", "机密★5年", WATER)
    _doc(archive / "机关" / "no_basis.docx", "秘密★1年", ROUTINE)
    _doc(archive / "机关" / "unmarked_guard.docx", None, GUARD)
    _doc(archive / "公开" / "routine1.docx", None, ROUTINE)
    _doc(archive / "公开" / "routine2.docx", None, ROUTINE + "请准时参加。")
    (archive / "副本").mkdir()
    shutil.copy2(archive / "机关" / "under_talks.docx", archive / "副本" / "under_talks.docx")
    (archive / "打包").mkdir()
    with zipfile.ZipFile(archive / "打包" / "机关.zip", "w") as package:  # a folder and its zip
        package.write(archive / "机关" / "under_talks.docx", "under_talks.docx")
    out = base / "audit"
    done = subprocess.run([sys.executable, "-m", "scanner.cli", "audit", str(archive), "--out",
                           str(out), "--as-of", AS_OF.isoformat(), "--jobs", "1", "--catalog",
                           "demo"], capture_output=True, text=True, cwd=REPO, timeout=600,
                          check=False)
    assert done.returncode in (0, 1), done.stderr
    return out


def codes_of(out: Path, relative: str) -> list[str]:
    report = json.loads((out / "reports" / f"{relative}.report.json").read_text("utf-8"))
    return [f["code"] for f in report["findings"]]


def launch(pw):  # type: ignore[no-untyped-def]
    return pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"])


def within_width(locator: Locator) -> None:
    """Every element ``locator`` finds lies within the 1366 px width (nothing cut off)."""
    assert locator.count() >= 1
    for i in range(locator.count()):
        box = locator.nth(i).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box


def on_screen(locator: Locator) -> None:
    """The element lies within the 1366×768 viewport as the page is shown."""
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT + 1, box  # (sub-pixel)


def saved(page: Page, text: str = "已保存") -> None:
    page.locator("#status", has_text=text).wait_for(timeout=15000)


def file_link(page: Page, relative: str) -> Locator:
    return page.locator(f'#files a:text-is("{relative}")')


def test_the_review_app_for_mouse_and_keyboard(audited: Path, tmp_path: Path) -> None:
    out = audited
    assert "UNMARKED_MATCH" in codes_of(out, "机关/unmarked_guard.docx")
    assert "UNDER_CLASSIFIED" in codes_of(out, "机关/under_talks.docx")
    assert codes_of(out, "公开/routine1.docx") == []
    errors: list[str] = []
    with running("review", str(out), "--reviewer", "张三") as (url, _), sync_playwright() as pw:
        browser = launch(pw)
        try:
            context = browser.new_context(accept_downloads=True,
                                          viewport={"width": WIDTH, "height": HEIGHT})
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(url)

            # one language: Chinese labels, no English beside them; values by their names
            heading = page.locator("h1").inner_text()
            assert heading == "文件"
            counts = page.locator("#counts").inner_text()
            assert "Files" not in page.locator("main").inner_text()
            # the two clean files wait for no one: 6 files to review of 8
            assert "已审核 0 / 6 个待审核文件" in counts and "无需审核 2 个" in counts, counts
            clean = page.locator('#files td[data-state="nothing"]')
            assert clean.count() == 2 and clean.nth(0).inner_text() == "无需审核"
            assert page.locator('#files td[data-verdict="clean"]').nth(0).inner_text() == "通过"
            assert "可能应定未定" in page.locator("#files").inner_text()
            for selector in ("header", "#filters", "#counts", "#export"):
                on_screen(page.locator(selector))
            within_width(page.locator("#files"))
            page.screenshot(path=str(out / "review-ui-list-1366.png"))

            # the open files only: no clean file among them
            page.select_option("select[name=state]", "open")
            page.click("#filters button")
            assert page.locator("#files tr").count() - 1 == 6
            assert "routine" not in page.locator("#files").inner_text()

            # filter by a code; 下一个 goes to the next file of the filter, not of the list
            page.goto(url)
            page.select_option("select[name=code]", "UNDER_CLASSIFIED")
            page.click("#filters button")
            assert page.locator("#files tr").count() - 1 == 3  # the file and its two copies
            file_link(page, "副本/under_talks.docx").click()
            page.wait_for_selector("li.finding")
            assert page.locator("#position").inner_text() == "当前筛选第 1 / 3 个"
            assert page.locator("#prev").count() == 0
            page.click("#next")  # the whole list's next would be 机关/no_basis.docx
            page.locator("#file", has_text="打包/机关.zip!under_talks.docx").wait_for()
            page.click("#next")
            page.locator("#file", has_text="机关/under_talks.docx").wait_for()
            assert page.locator("#position").inner_text() == "当前筛选第 3 / 3 个"
            assert page.locator("#next").count() == 0
            page.wait_for_load_state("load")  # the page's keys are bound once its script ran
            page.keyboard.press("[")  # and back, by the key
            page.locator("#file", has_text="打包/机关.zip!under_talks.docx").wait_for()
            page.wait_for_load_state("load")
            page.keyboard.press("]")
            page.locator("#file", has_text="机关/under_talks.docx").wait_for()
            page.wait_for_load_state("load")

            # nothing selected before the first key: j then c confirms finding 1
            items = page.locator("li.finding")
            assert items.count() >= 1
            assert page.locator("li.finding.selected").count() == 0
            page.keyboard.press("c")  # nothing selected: nothing decided
            page.locator("#status", has_text="请先").wait_for()
            assert page.locator("li.finding.confirmed").count() == 0
            page.keyboard.press("j")
            page.keyboard.press("c")
            saved(page)
            assert "confirmed" in (items.nth(0).get_attribute("class") or "")
            assert items.nth(0).locator(".decision").inner_text().startswith("确认")
            # locations in words, codes by their names, the code beside
            assert "正文第" in page.locator("#findings").inner_text()
            assert "body.p" not in page.locator("#findings").inner_text()
            page.screenshot(path=str(out / "review-ui-file-1366.png"))
            for selector in ("#filenav", "li.finding.selected"):  # the file's nav stays
                on_screen(page.locator(selector))
            within_width(page.locator("li.finding .actions button"))
            within_width(page.locator("#conclusion"))

            # identical copies: offered, not forced
            copies = page.locator("#copies")
            assert "相同内容的副本 2 个" in copies.inner_text()
            assert "打包/机关.zip!under_talks.docx" in copies.inner_text()
            box = page.locator("#apply-copies")
            assert not box.is_checked()
            codes = [items.nth(i).get_attribute("data-code") for i in range(items.count())]
            under = codes.index("UNDER_CLASSIFIED")
            target = items.nth(under)
            # with the mouse, box unticked: only this file
            target.locator("button.act-dismiss[data-reason=accepted]").click()
            page.locator('li.finding.dismissed[data-code="UNDER_CLASSIFIED"]').wait_for()
            assert "接受" in target.locator(".decision").inner_text()
            copy_url = page.locator("#copies a").first.get_attribute("href")
            assert copy_url
            copy_page = context.new_page()
            copy_page.goto(url.rstrip("/") + copy_url)
            copy_item = copy_page.locator('li.finding[data-code="UNDER_CLASSIFIED"]')
            assert "dismissed" not in (copy_item.get_attribute("class") or "")
            # box ticked: the copy gets the same decision
            box.check()
            target.locator("button.act-confirm").click()
            saved(page, "另有 2 个副本")
            copy_page.reload()
            assert "confirmed" in (copy_item.get_attribute("class") or "")
            # a note by the buttons
            target.locator("button.act-note").click()
            page.keyboard.type("已核对副本")
            target.locator("button.act-save-note").click()
            target.locator(".decision", has_text="已核对副本").wait_for()
            page.reload()
            assert "已核对副本" in page.locator(
                'li.finding[data-code="UNDER_CLASSIFIED"]').inner_text()

            # 延长保密期限: the term alone, put after the level; checked like 变更's mark
            conclusion = page.locator("#conclusion select")
            conclusion.select_option("延长保密期限")
            page.fill("#conclusion input[name=mark]", "3年")  # shorter than 5年
            page.click("#conclusion button")
            page.locator("#status", has_text="保存失败").wait_for()
            page.fill("#conclusion input[name=mark]", "99年")  # beyond the statutory maximum
            page.click("#conclusion button")
            page.locator("#status", has_text="保存失败").wait_for()
            page.fill("#conclusion input[name=mark]", "8年")
            page.click("#conclusion button")
            page.locator("#conclusion-state", has_text="延长保密期限 秘密★8年").wait_for()
            assert page.locator("#conclusion option[value=定密]").count() == 0  # not unmarked

            # 定密 on the unmarked file: offered there, confirms its UNMARKED_MATCH
            page.goto(url)
            file_link(page, "机关/unmarked_guard.docx").click()
            page.wait_for_selector("li.finding")
            page.locator("#conclusion select").select_option("定密")
            page.fill("#conclusion input[name=mark]", "机密★10年")
            page.click("#conclusion button")
            page.locator("#conclusion-state", has_text="定密 机密★10年").wait_for()
            page.reload()
            unmarked = page.locator('li.finding[data-code="UNMARKED_MATCH"]')
            assert "confirmed" in (unmarked.first.get_attribute("class") or "")
            assert unmarked.first.locator(".code-name").inner_text() == "可能应定未定"

            # the export: the page says it was made
            page.goto(url)
            assert page.locator("#export-state").inner_text() == ""
            with page.expect_download() as info:
                page.click("#export")
            exported = tmp_path / "decisions.yaml"
            info.value.save_as(str(exported))
            state = page.locator("#export-state")
            state.locator("text=已导出").wait_for(timeout=15000)
            assert f"已导出 {len(load(exported))} 条审核决定" in state.inner_text()
            assert state.is_visible()
            on_screen(state)
            page.screenshot(path=str(out / "review-ui-export-1366.png"))
            counts = page.locator("#counts").inner_text()
            assert "已审核 4 / 6 个待审核文件" in counts, counts  # the copies too
        finally:
            browser.close()
    refused = [e for e in errors if "400 (BAD REQUEST)" in e]  # the two refused extensions
    assert len(refused) == 2 and len(errors) == 2, errors
    decided = list(load(exported))
    by_path = {(d.path, d.code, d.conclusion) for d in decided}
    assert ("副本/under_talks.docx", "UNDER_CLASSIFIED", "") in by_path
    assert ("打包/机关.zip!under_talks.docx", "UNDER_CLASSIFIED", "") in by_path
    assert ("机关/unmarked_guard.docx", "FILE", "定密") in by_path
    extension = next(d for d in decided if d.conclusion == "延长保密期限")
    assert extension.mark == "秘密★8年" and extension.path == "机关/under_talks.docx"
    assert not any(d.path == "副本/under_talks.docx" and d.code == "FILE" for d in decided)


def test_english_on_request(audited: Path) -> None:
    with running("review", str(audited), "--lang", "en") as (url, _), \
            sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto(url)
            assert page.locator("h1").inner_text() == "Files"
            assert "文件" not in page.locator("#filters").inner_text()
            assert "SECRET" in page.locator("#files").inner_text()  # the levels named too
            assert page.locator('#files td[data-verdict="clean"]').nth(0).inner_text() == "clean"
            file_link(page, "机关/unmarked_guard.docx").click()
            page.wait_for_selector("li.finding")
            text = page.locator("main").inner_text()
            assert "possibly should be classified" in text and "body, paragraph" in text
            assert "正文第" not in text and "确认" not in text
            page.screenshot(path=str(audited / "review-ui-file-en-1366.png"))
            within_width(page.locator("li.finding .actions button"))
        finally:
            browser.close()
