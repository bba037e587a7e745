"""The review loop end to end, in a real browser (Debian's Chromium through Playwright) on
``dingmi review`` running as a process: filter the list, open a file, confirm one finding and
dismiss another with the keyboard (in two tabs), reload and see both kept, write a note, export
the decisions; a second audit with ``--decisions`` shows the dismissed finding suppressed and the
confirmed one still raised; after the file changes its old decisions are stale. Screenshots are
saved beside the audit."""

from __future__ import annotations

import csv
import http.client
import json
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest
from playwright.sync_api import Page, sync_playwright
from server import request, running

from scanner.decisions import Decision, Decisions, dump, finding_key, load
from scanner.names import code_label
from scanner.review.app import ServerSettings, create_app
from scanner.review.store import AuditStore

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from make_archive import AS_OF, make_archive  # noqa: E402

pytestmark = pytest.mark.slow


def audit(archive: Path, out: Path, *extra: str) -> None:
    done = subprocess.run([sys.executable, "-m", "scanner.cli", "audit", str(archive), "--out",
                           str(out), "--as-of", AS_OF.isoformat(), "--jobs", "2", "--catalog",
                           "demo", *extra], capture_output=True, text=True, cwd=REPO,
                          timeout=600, check=False)
    assert done.returncode in (0, 1, 3), done.stderr  # 3: the archive holds broken files


def report_of(out: Path, relative: str) -> dict:
    return json.loads((out / "reports" / f"{relative}.report.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    base = tmp_path_factory.mktemp("review")
    make_archive(base, 30)
    archive, out = base / "archive", base / "audit1"
    audit(archive, out)
    targets = sorted(r.relative_to(out / "reports").as_posix()[:-len(".report.json")]
                     for r in (out / "reports").rglob("*.docx.report.json")
                     if len(json.loads(r.read_text("utf-8"))["findings"]) >= 2)
    assert targets, "the generated archive has a DOCX with two findings"
    return archive, out, targets[0]


def launch(pw):
    return pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"])


def saved(page: Page) -> None:
    """Wait until the page says the decision was saved (a locator: the page's CSP forbids the
    string evaluation ``wait_for_function`` uses)."""
    page.locator("#status", has_text="已保存").wait_for(timeout=15000)


def test_review_in_the_browser(first: tuple[Path, Path, str], tmp_path: Path) -> None:
    archive, out, target = first
    findings = report_of(out, target)["findings"]
    keep, drop = findings[0]["code"], findings[1]["code"]
    errors: list[str] = []
    with running("review", str(out), "--reviewer", "张三") as (url, _), sync_playwright() as pw:
        browser = launch(pw)
        try:
            context = browser.new_context(accept_downloads=True,
                                          viewport={"width": 1200, "height": 900})
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(url)
            total = page.locator("#files tr").count() - 1
            assert f"共 {total} 个" in page.locator("#counts").inner_text()
            assert "已审核 0 /" in page.locator("#counts").inner_text()
            page.select_option("select[name=code]", keep)
            page.click("#filters button")
            rows = page.locator("#files tr td[data-codes]")
            assert rows.count() >= 1
            assert all(keep in (rows.nth(i).get_attribute("data-codes") or "").split()
                       for i in range(rows.count()))
            page.screenshot(path=str(out / "review-list.png"), full_page=True)
            page.click(f"text={target.rsplit('/', 1)[-1]}")
            page.wait_for_selector("li.finding")
            other = context.new_page()  # a second tab on the same file
            other.goto(page.url)
            page.keyboard.press("j")  # select the first finding (none is before a key)
            page.keyboard.press("c")  # confirm it
            saved(page)
            other.keyboard.press("j")
            other.keyboard.press("j")
            other.keyboard.press("d")
            other.keyboard.press("1")  # dismiss the second as a false alarm
            saved(other)
            page.keyboard.press("n")  # a note on the first, saved with Enter
            page.keyboard.type("核对无误")
            page.keyboard.press("Enter")
            page.locator("li.finding .decision", has_text="核对无误").wait_for(timeout=15000)
            for tab in (page, other):
                tab.reload()
                items = tab.locator("li.finding")
                assert "confirmed" in (items.nth(0).get_attribute("class") or "")
                assert "dismissed" in (items.nth(1).get_attribute("class") or "")
                assert "核对无误" in items.nth(0).inner_text()
            page.screenshot(path=str(out / "review-file.png"), full_page=True)
            page.goto(url)
            with page.expect_download() as info:
                page.click("#export")
            exported = tmp_path / "decisions.yaml"
            info.value.save_as(str(exported))
        finally:
            browser.close()
    assert errors == []
    decided = {d.code: d for d in load(exported)}
    assert decided[keep].decision == "confirmed" and decided[keep].note == "核对无误"
    assert decided[drop].decision == "dismissed" and decided[drop].reason == "false_alarm"
    assert {d.by for d in decided.values()} == {"张三"}

    # a second audit with the decisions: the dismissed finding is suppressed, the other raised
    second = out.parent / "audit2"
    audit(archive, second, "--decisions", str(exported))
    report = report_of(second, target)
    assert drop not in [f["code"] for f in report["findings"]]
    assert [f["code"] for f in report["suppressed"]] == [drop]
    assert report["suppressed"][0]["suppressed"]["by"] == "张三"
    confirmed = next(f for f in report["findings"] if f["code"] == keep)
    assert confirmed["decision"]["decision"] == "confirmed"
    with (second / "ledger.csv").open(encoding="utf-8-sig") as fh:
        row = next(r for r in csv.DictReader(fh) if r["路径"] == target)
    assert code_label(drop) not in row["发现"].split("；")
    assert f"忽略 {code_label(drop)}" in row["审核决定"]
    sheet = openpyxl.load_workbook(second / "review.xlsx").active
    head, *lines = [[c.value for c in r] for r in sheet.iter_rows()]
    columns = [head.index(k) for k in ("路径", "发现", "审核决定")]
    assert [target, code_label(drop), "忽略"] in [[r[i] for i in columns] for r in lines]
    stats = json.loads((second / "stats.json").read_text("utf-8"))
    assert "decisions" in stats

    # the file changes: its decisions are stale, shown and not applied
    document = docx.Document(str(archive / target))
    document.add_paragraph("补充说明：本文件已修改。")
    document.save(str(archive / target))
    third = out.parent / "audit3"
    audit(archive, third, "--decisions", str(exported))
    changed = report_of(third, target)
    assert changed["suppressed"] == [] and drop in [f["code"] for f in changed["findings"]]
    assert {d["code"] for d in changed["stale_decisions"]} == {keep, drop}
    with running("review", str(third)) as (url, _):
        status, page_text = request(url)
        assert status == 200
        n = str(page_text).split(f">{target}<")[0].rsplit('href="/file/', 1)[1].split('"')[0]
        status, html = request(f"{url}file/{n}")
        assert status == 200 and 'id="stale"' in str(html)


def test_decisions_need_the_page_token(first: tuple[Path, Path, str]) -> None:
    _, out, _ = first
    body = json.dumps({"file": 0, "fingerprint": "x", "decision": "confirmed"}).encode()
    with running("review", str(out)) as (url, _):
        status, _ = request(url + "api/v1/decisions", body,
                            headers={"Content-Type": "application/json"})
        assert status == 403  # no CSRF token: a cross-site form or script cannot decide
        status, _ = request(url + "api/v1/decisions", body, headers={
            "Content-Type": "application/json", "X-CSRF-Token": "guess"})
        assert status == 403
        # a page rebound to 127.0.0.1 sends its own name: it gets neither the list (with the
        # CSRF token in it) nor a file's page, and cannot decide
        port = url.rstrip("/").rsplit(":", 1)[1]
        listing = str(request(url)[1])
        csrf = listing.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        assert len(csrf) > 20
        for method, path in (("GET", "/"), ("GET", "/file/0"), ("GET", "/decisions.yaml"),
                             ("POST", "/api/v1/decisions")):
            connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
            connection.request(method, path, body if method == "POST" else None, headers={
                "Host": f"rebind.example:{port}", "Content-Type": "application/json",
                "Origin": f"http://rebind.example:{port}"})
            answer = connection.getresponse()
            assert answer.status == 421, (path, answer.status)
            assert csrf.encode() not in answer.read()
            connection.close()


def test_a_decision_is_signed_by_the_app_s_reviewer_and_checked(
        first: tuple[Path, Path, str], tmp_path: Path) -> None:
    """The reviewer is the one the app runs for (``--reviewer``), whatever the body says;
    ``"file": true`` is no file number; a 变更 conclusion needs a well-formed new mark."""
    _, shared, target = first
    out = tmp_path / "audit"
    shutil.copytree(shared, out)  # the other tests' audit keeps its decisions
    with running("review", str(out), "--reviewer", "李四") as (url, _):
        status, listing = request(url)
        assert status == 200
        n = int(str(listing).split(f">{target}<")[0].rsplit('href="/file/', 1)[1].split('"')[0])
        status, page = request(f"{url}file/{n}")
        csrf = str(page).split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        fp = str(page).split('data-fingerprint="', 1)[1].split('"', 1)[0]

        def post(body: dict) -> tuple[int, dict | str]:
            return request(url + "api/v1/decisions", json.dumps(body).encode(), headers={
                "Content-Type": "application/json", "X-CSRF-Token": csrf})

        status, saved = post({"file": n, "fingerprint": fp, "decision": "confirmed",
                              "by": "张三"})
        assert status == 200 and isinstance(saved, dict), saved
        assert saved["saved"]["by"] == "李四"
        status, _ = post({"file": True, "decision": "conclusion", "conclusion": "维持"})
        assert status in (400, 404)
        for bad in ("<img src=x>", "机密★99年", "绝密★(30年)", "秘密★", "机密*10年", "顶级机密"):
            status, answer = post({"file": n, "decision": "conclusion", "conclusion": "变更",
                                   "mark": bad})
            assert status == 400, (bad, answer)
            assert isinstance(answer, dict) and "变更" in answer["error"]
            assert "变更须填写规范的新标志" in answer["error_zh"]
        status, saved = post({"file": n, "decision": "conclusion", "conclusion": "变更",
                              "mark": "机密★10年", "by": "王五"})
        assert status == 200 and isinstance(saved, dict), saved
        assert saved["saved"]["mark"] == "机密★10年" and saved["saved"]["by"] == "李四"
        status, saved = post({"file": n, "decision": "conclusion", "conclusion": "维持",
                              "mark": "junk"})
        assert status == 200 and isinstance(saved, dict) and "mark" not in saved["saved"]
        status, text = request(url + "decisions.yaml")
    exported = tmp_path / "decisions.yaml"
    exported.write_text(str(text), encoding="utf-8")
    mine = [d for d in load(exported)
            if d.path == target and (d.code == "FILE" or d.fingerprint == fp)]
    assert {d.by for d in mine} == {"李四"} and len(mine) == 2
    assert "王五" not in str(text)


def test_the_list_pages_keep_the_filters(first: tuple[Path, Path, str]) -> None:
    _, out, _ = first
    app = create_app(ServerSettings(audit=AuditStore(out), page_size=7))
    client = app.test_client()
    every = client.get("/").get_data(as_text=True)
    total = int(every.split("共 ")[1].split(" ")[0])
    assert total == 30 and "第 1 / 5 页" in every and 'id="previous-page"' not in every
    second = client.get("/?page=2").get_data(as_text=True)
    assert 'href="?page=1"' in second and 'href="?page=3"' in second
    assert second.count('href="/file/') == 7 and 'href="/file/7"' in second
    last = client.get("/?page=99").get_data(as_text=True)  # past the end: the last page
    assert "第 5 / 5 页" in last and 'id="next-page"' not in last
    assert client.get("/?page=x").status_code == 200
    filtered = client.get("/?state=open&page=2").get_data(as_text=True)
    assert 'href="?state=open&amp;page=1"' in filtered


def test_decisions_imported_and_exported_from_the_command_line(
        first: tuple[Path, Path, str], tmp_path: Path) -> None:
    _, out, target = first
    report = report_of(out, target)
    code, item, location = finding_key(report["findings"][0])
    mine = Decisions([Decision(target, report["source"]["sha256"], code, "dismissed", "王五",
                               "2026-11-30T12:00:00", item=item, location=location,
                               reason="not_applicable", note="已核")])
    given = tmp_path / "in.yaml"
    given.write_text(dump(mine), encoding="utf-8")
    exported = tmp_path / "out.yaml"
    done = subprocess.run([sys.executable, "-m", "scanner.cli", "review", str(out), "--import",
                           str(given), "--export", str(exported), "--lang", "en"],
                          capture_output=True, text=True, cwd=REPO, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "imported 1 decisions" in done.stdout and "exported" in done.stdout
    back = {d.fingerprint: d for d in load(exported)}
    assert back[next(iter(mine)).fingerprint].note == "已核"
