"""``dingmi audit`` over a generated archive of 300 DOCX and PDF files with known truth
(``bench/make_archive.py``): outputs against the truth, a real SIGKILL halfway and a resume, a
second run that reuses everything, and a catalogue edit that extracts nothing again."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from playwright.sync_api import sync_playwright

from scanner.audit.ledger import COLUMNS
from scanner.audit.outputs import OUTPUT_NAMES
from scanner.names import code_label, value_name

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from make_archive import (  # noqa: E402
    AS_OF,
    Truth,
    expected_stats,
    expected_templates,
    make_archive,
)

N_FILES = 300


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Truth]]:
    base = tmp_path_factory.mktemp("archive")
    truths = make_archive(base, N_FILES)
    return base / "archive", truths


def audit_cmd(archive: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scanner.cli", "audit", str(archive), "--out", str(out),
            "--as-of", AS_OF.isoformat(), "--jobs", "2",
            *(() if "--catalog" in extra else ("--catalog", "demo")), *extra]


def run_audit(archive: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(audit_cmd(archive, out, *extra), capture_output=True, text=True,
                          timeout=600, cwd=REPO, check=False)


def db_rows(out: Path) -> dict[str, tuple[int, int]]:
    """relative path → (scans, extractions)."""
    con = sqlite3.connect(out / "audit.sqlite")
    try:
        return {bytes(r[0]).decode("utf-8", "surrogateescape"): (r[1], r[2]) for r in
                con.execute("SELECT relative, scans, extractions FROM files")}
    finally:
        con.close()


def report_files(out: Path) -> list[Path]:
    return sorted((out / "reports").rglob("*.report.json"))


def ledger(out: Path) -> dict[str, dict[str, str]]:
    with (out / "ledger.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {r["路径"]: r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def first(archive: tuple[Path, list[Truth]], tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("audit") / "out"
    return out, run_audit(archive[0], out)


@pytest.mark.slow
def test_outputs_match_the_truth(archive: tuple[Path, list[Truth]],
                                 first: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, truths = archive
    out, proc = first
    assert proc.returncode == 3, proc.stderr  # the broken files are unreadable
    for name in OUTPUT_NAMES:
        assert (out / name).stat().st_mode & 0o777 == 0o600
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    for key, value in expected_stats(truths).items():
        assert stats[key] == value, key
    rows = ledger(out)
    assert sorted(rows) == sorted(t.relative for t in truths)
    for t in truths:
        row = rows[t.relative]
        # the status by its name (已检查, 无法读取…), never the value of the JSON report
        assert (row["状态"], row["密级"], row["国家秘密标志"], row["解密日期"]) == (
            value_name("status", t.status), t.level, t.mark, t.expires_on), t
        assert row["状态"] != t.status, t
        if t.status == "ok":
            assert row["成文日期"] == t.date, t
        # each verdict by its name with its code: 可能定密过低（UNDER_CLASSIFIED）
        verdicts = row["判定"].split("；") if row["判定"] else []
        assert (code_label(t.verdict) in verdicts) if t.verdict else not (
            {code_label(c) for c in ("OVER_CLASSIFIED", "UNDER_CLASSIFIED", "UNMARKED_MATCH",
                                     "NO_BASIS")} & set(verdicts)), t
    with (out / "declassify.csv").open(encoding="utf-8-sig", newline="") as fh:
        listed = {r["路径"]: r for r in csv.DictReader(fh)}
    due = {t.relative: t for t in truths if t.state in ("expired", "due")}
    assert set(listed) == set(due)
    for rel, t in due.items():
        assert listed[rel]["解密日期"] == t.expires_on
        # the generated documents share paragraphs of real public texts, so the audit links some
        # as copies of others: one whose own period ends while a live source it copies outlasts
        # it is held with that source (来源仍有效), not proposed for 解密
        report = json.loads((out / "reports" / f"{rel}.report.json").read_text("utf-8"))
        held = [lk for lk in report.get("links") or [] if lk["live"] and lk["level"]
                and lk["by"] != "cite"
                and (not lk["expires_on"] or lk["expires_on"] > t.expires_on)]
        state = "来源仍有效" if held else ("已到期" if t.state == "expired" else "即将到期")
        assert listed[rel]["状态"] == state, (rel, listed[rel]["原因"])
        if held:
            assert held[0]["relative"] in listed[rel]["原因"]
    summary = (out / "summary.html").read_text(encoding="utf-8")
    templates = expected_templates(truths)
    assert templates, "the archive has a template folder"
    for folder, mark, n, total in templates:
        assert f"<td>{folder}</td><td>{mark}</td><td>{n}/{total}</td>" in summary
    assert summary.count("<tr><td>") >= len(templates)
    assert len(report_files(out)) == N_FILES
    assert set(db_rows(out).values()) == {(1, 1)}


@pytest.mark.slow
def test_ledger_workbook_opens_with_frozen_header_and_filters(
        first: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, _ = first
    wb = openpyxl.load_workbook(out / "ledger.xlsx")
    ws = wb.active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(COLUMNS))}{N_FILES + 1}"
    assert ws.max_row == N_FILES + 1
    assert ws.column_dimensions["A"].width >= 30
    header = [c.value for c in ws[1]]
    assert header[:5] == ["路径", "标题", "文号", "成文日期", "密级"]
    csv_rows = ledger(out)
    for row in ws.iter_rows(min_row=2, values_only=True):
        assert [v or "" for v in row] == list(csv_rows[str(row[0])].values())
    raw = (out / "ledger.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")


@pytest.mark.slow
def test_second_run_reuses_everything(archive: tuple[Path, list[Truth]],
                                      first: tuple[Path, subprocess.CompletedProcess[str]]
                                      ) -> None:
    out, _ = first
    before = {n: (out / n).stat().st_mtime_ns for n in OUTPUT_NAMES}
    proc = run_audit(archive[0], out)
    assert proc.returncode == 3
    assert f"本次处理 0，沿用上次结果 {N_FILES}" in proc.stdout, proc.stdout
    assert {n: (out / n).stat().st_mtime_ns for n in OUTPUT_NAMES} == before
    assert set(db_rows(out).values()) == {(1, 1)}


@pytest.mark.slow
def test_killed_audit_resumes_without_repeating_a_file(
        archive: tuple[Path, list[Truth]], first: tuple[Path, subprocess.CompletedProcess[str]],
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen(audit_cmd(archive[0], out), cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        # reports appear as files are done; rows are committed every half second
        if (out / "reports").exists() and len(report_files(out)) >= N_FILES // 4:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the audit finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert N_FILES // 4 <= len(report_files(out)) < N_FILES
    assert len(db_rows(out)) < N_FILES
    # What a kill in the middle of a report write leaves (planted: the kill rarely lands there).
    dead = subprocess.Popen(["true"])
    dead.wait()
    half = out / "reports" / f".dingmi-x.docx.report.json.{dead.pid}.tmp"
    half.write_text("{", encoding="utf-8")
    again = run_audit(archive[0], out)
    assert again.returncode == 3, again.stderr
    assert not list(out.rglob(".dingmi-*")), "a half-written report was left behind"
    rows = db_rows(out)
    assert len(rows) == N_FILES
    assert set(rows.values()) == {(1, 1)}, "a file was processed twice"
    assert len(report_files(out)) == N_FILES
    whole, _ = first
    for name in ("ledger.csv", "declassify.csv", "stats.json", "summary.html"):
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name
    a = openpyxl.load_workbook(out / "ledger.xlsx").active
    b = openpyxl.load_workbook(whole / "ledger.xlsx").active
    assert list(a.values) == list(b.values)


@pytest.mark.slow
def test_catalogue_edit_rematches_without_extracting(
        archive: tuple[Path, list[Truth]], tmp_path: Path) -> None:
    src, truths = archive
    out = tmp_path / "out"
    demo = REPO / "rules" / "catalogs" / "demo.yaml"
    edited = tmp_path / "edited.yaml"
    text = demo.read_text(encoding="utf-8")
    edited.write_text(text, encoding="utf-8")
    assert run_audit(src, out, "--catalog", str(edited)).returncode == 3
    covered = {t.relative for t in truths if t.item == "NEG-01" and t.status == "ok"}
    assert covered
    before = ledger(out)
    # NEG-01 (negotiation floors) no longer applies: its documents lose the item.
    marker = "  - id: NEG-01\n"
    assert marker in text
    start = text.index(marker)
    end = text.index("  - id: ", start + len(marker))
    edited.write_text(text[:start] + text[end:], encoding="utf-8")
    proc = run_audit(src, out, "--catalog", str(edited))
    assert proc.returncode == 3
    assert f"本次处理 {N_FILES}" in proc.stdout
    rows = db_rows(out)
    readable = {t.relative for t in truths if t.status == "ok"}
    assert {rows[r] for r in readable} == {(2, 1)}, "a file was extracted again"
    after = ledger(out)
    changed = {r for r in readable if after[r]["判定"] != before[r]["判定"]}
    assert changed
    assert changed <= covered


@pytest.mark.slow
def test_summary_renders_offline_in_headless_chromium(
        first: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, _ = first
    page_url = (out / "summary.html").as_uri()
    shot = out.parent / "summary.png"
    messages: list[tuple[str, str]] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: messages.append((m.type, m.text)))
            page.on("pageerror", lambda e: messages.append(("pageerror", str(e))))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_url, wait_until="load")
            charts = page.locator("section.chart")
            assert charts.count() == 7  # levels, codes, formats, expiry, years, items, folders
            assert page.locator("#chart-formats rect").count() >= 2  # docx and pdf at least
            for i in range(charts.count()):
                chart = charts.nth(i)
                bars = chart.locator("svg rect")
                assert bars.count() > 0, chart.locator("h2").inner_text()
                widths = [bars.nth(j).bounding_box()["width"]  # type: ignore[index]
                          for j in range(bars.count())]
                assert max(widths) > 100
            levels = page.locator("#chart-levels rect")
            values = [int(levels.nth(j).get_attribute("data-value") or -1)
                      for j in range(levels.count())]
            stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
            assert values[:3] == [stats["by_level"][lv] for lv in ("绝密", "机密", "秘密")]
            assert page.locator("#worst a").count() > 0
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert [m for m in messages if m[0] in ("error", "pageerror", "warning")] == []
    assert requests == [page_url], "the summary made a network request"
    assert shot.stat().st_size > 10_000
