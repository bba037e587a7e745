"""A report's own classification counts the sources whose text it shows (派生定密): a report that
quotes passages of a 机密 source is 机密 whatever the document's own mark, in the JSON, on the HTML
page and on the console; with ``--redact`` (no excerpts) the document's own mark decides again.
Real processes over real files: ``dingmi audit`` of the derived evaluation set's source src03
(机密★10年) and der03 (秘密★10年, copying it), drafts made with python-docx."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

REPO = Path(__file__).resolve().parents[2]
SET = REPO / "tests" / "data" / "derived" / "docs"
AS_OF = "2026-06-30"
SOURCE_BANNER = "本报告含机密级来源文件的内容摘录，按机密级管理"
SOURCE_BANNER_EN = "This report contains excerpts of a SECRET source document and is SECRET itself"


def dingmi(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd, check=False)


def make_docx(path: Path, lines: list[str]) -> Path:
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def copied() -> str:
    """A paragraph of the 机密 source."""
    return [p for p in (SET / "src03.txt").read_text("utf-8").splitlines() if len(p) > 80][1]


def unmarked_copy(path: Path) -> Path:
    return make_docx(path, ["关于近期有关工作的情况报告", "各有关单位：",
                            "按照工作安排，现将有关情况报告如下。", copied(),
                            "以上情况，特此报告。", "2026年5月6日"])


def read(path: Path) -> dict:
    value: dict = json.loads(path.read_text("utf-8"))
    return value


def banners(html: str) -> list[str]:
    return [part.split("<", 1)[0] for part in html.split('class="banner')[1:]]


def audit_of(base: Path, *extra: str) -> Path:
    archive = base / "archive"
    archive.mkdir()
    for name in ("src03.txt", "der03.txt"):
        shutil.copy(SET / name, archive / name)
    out = base / "审核"
    done = dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1",
                  *extra)
    assert done.returncode in (0, 1), done.stderr
    return out


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return audit_of(tmp_path_factory.mktemp("classified"))


def test_audit_report_of_a_copy_marked_lower_is_classified_as_its_source(audit: Path) -> None:
    report = read(audit / "reports" / "der03.txt.report.json")
    assert report["marking"]["level"] == "秘密"
    assert report["links"][0]["level"] == "机密"
    assert report["classification"] == "机密" and report["classification_basis"] == "sources"
    html = (audit / "reports" / "der03.txt.report.html").read_text("utf-8")
    assert banners(html) == ['">' + SOURCE_BANNER] * 2, banners(html)  # top and bottom
    source = read(audit / "reports" / "src03.txt.report.json")
    assert (source["classification"], source["classification_basis"]) == ("机密", "document")
    assert "本报告引用机密级文件内容，按机密级管理" in (
        audit / "reports" / "src03.txt.report.html").read_text("utf-8")
    # what the ledger, the index and the links sheet say of the document is its own mark
    with (audit / "ledger.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {r["路径"]: r for r in csv.DictReader(f)}
    assert rows["der03.txt"]["密级"] == "秘密" and rows["src03.txt"]["密级"] == "机密"
    derived = (audit / "derived.csv").read_text("utf-8-sig").splitlines()
    assert derived[1].startswith("der03.txt,秘密★10年,src03.txt,机密★10年,")
    assert "DERIVED_BELOW_SOURCE" in derived[1]


def test_audit_again_keeps_the_classification(audit: Path, tmp_path: Path) -> None:
    """An incremental run re-merges the links into the stored reports: the same result."""
    base = tmp_path / "again"
    shutil.copytree(audit.parent / "archive", base / "archive")
    out = base / "审核"
    shutil.copytree(audit, out)
    done = dingmi("audit", str(base / "archive"), "--out", str(out), "--as-of", AS_OF,
                  "--jobs", "1")
    assert done.returncode in (0, 1), done.stderr
    assert read(out / "reports" / "der03.txt.report.json")["classification"] == "机密"


def test_check_against_an_unmarked_draft(audit: Path, tmp_path: Path) -> None:
    draft = unmarked_copy(tmp_path / "draft.docx")
    for lang, line in (("zh", SOURCE_BANNER), ("en", SOURCE_BANNER_EN)):
        out = tmp_path / lang
        done = dingmi("check", str(draft), "--against", str(audit), "--as-of", AS_OF,
                      "--out", str(out), "--lang", lang)
        assert done.returncode == 1, done.stdout + done.stderr
        report = read(out / "draft.docx.report.json")
        assert report["marking"] is None and report["links"][0]["relative"] == "src03.txt"
        assert report["classification"] == "机密", report["classification"]
        assert report["classification_basis"] == "sources"
        html = (out / "draft.docx.report.html").read_text("utf-8")
        assert banners(html) == ['">' + line] * 2, banners(html)
        # the console shows the source's passages: it says what they make of it
        lines = done.stdout.splitlines()
        passage = next(i for i, x in enumerate(lines) if "⇄" in x)
        assert line in "\n".join(lines[passage:]), done.stdout


def test_redacted_report_is_classified_by_what_it_shows(audit: Path, tmp_path: Path) -> None:
    draft = unmarked_copy(tmp_path / "draft.docx")
    out = tmp_path / "out"
    done = dingmi("check", str(draft), "--against", str(audit), "--as-of", AS_OF,
                  "--out", str(out), "--redact")
    assert done.returncode == 1, done.stdout + done.stderr
    report = read(out / "draft.docx.report.json")
    assert report["redacted"] and report["links"][0]["passages"][0]["there"]["excerpt"] is None
    assert report["classification"] is None and report["classification_basis"] is None
    html = (out / "draft.docx.report.html").read_text("utf-8")
    assert "未发现密级标志" in html and "来源文件的内容摘录" not in html
    assert "来源文件的内容摘录" not in done.stdout and copied()[:10] not in done.stdout


def test_audit_redacted_keeps_the_document_level(tmp_path: Path) -> None:
    out = audit_of(tmp_path, "--redact")
    report = read(out / "reports" / "der03.txt.report.json")
    assert report["links"] and report["redacted"]
    assert report["classification"] == "秘密" and report["classification_basis"] == "document"


def test_a_citation_alone_shows_no_text_of_the_source(audit: Path, tmp_path: Path) -> None:
    number = next(x for x in (SET / "src03.txt").read_text("utf-8").splitlines()
                  if x.startswith("示例发"))
    draft = make_docx(tmp_path / "cite.docx", [
        "关于转发有关文件的通知", "各有关单位：", f"现将{number}转发给你们，请认真贯彻执行。",
        "2026年6月1日"])
    out = tmp_path / "out"
    dingmi("check", str(draft), "--against", str(audit), "--as-of", AS_OF, "--out", str(out))
    report = read(out / "cite.docx.report.json")
    assert report["links"][0]["by"] == "cite" and not report["links"][0]["passages"]
    assert report["classification"] is None


def test_scan_against(audit: Path, tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    unmarked_copy(folder / "a.docx")
    out = tmp_path / "out"
    done = dingmi("scan", str(folder), "--out", str(out), "--against", str(audit),
                  "--as-of", AS_OF)
    assert done.returncode == 1, done.stdout + done.stderr
    report = read(out / "a.docx.report.json")
    assert report["classification"] == "机密" and report["classification_basis"] == "sources"
    assert SOURCE_BANNER in (out / "a.docx.report.html").read_text("utf-8")
    assert "有密级标志 0" in done.stdout  # the summary counts the documents' own marks
