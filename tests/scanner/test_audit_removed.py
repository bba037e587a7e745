"""An incremental re-audit after files left the archive: their reports leave ``OUT/reports`` (as
their lines leave the ledger), nothing else does, and the closing line says how many. Real
``dingmi audit`` processes over .docx files made with python-docx."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

from docx import Document

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-06-30"


def dingmi(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=REPO, check=False)


def make_docx(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def notice(title: str, mark: str | None = None) -> list[str]:
    head = ["000012", mark] if mark else []
    return [*head, title, "各科室：", "请按通知要求做好有关工作。", "（此件发至县级以上机关）",
            "2025年3月3日"]


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def ledger_paths(out: Path) -> list[str]:
    with (out / "ledger.csv").open(encoding="utf-8-sig", newline="") as f:
        return [row["路径"] for row in csv.DictReader(f)]


def test_reports_of_removed_files_are_removed(tmp_path: Path) -> None:
    archive = tmp_path / "档案"
    make_docx(archive / "市局" / "留下.docx", notice("关于值班安排的通知"))
    make_docx(archive / "市局" / "删除.docx", notice("关于办公用房的通知", "秘密★5年"))
    make_docx(archive / "机要室" / "登记簿.docx", notice("关于收文登记的通知"))
    out = tmp_path / "审核"
    first = dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1")
    assert first.returncode in (0, 1), first.stderr
    reports = out / "reports"
    assert (reports / "市局" / "删除.docx.report.json").is_file()
    assert "删除已不在档案中" not in first.stdout
    # what the audit did not write stays: a note of the user's, a report under a planted link
    (reports / "市局" / "说明.txt").write_text("人工备注", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "登记簿.docx.report.json").write_text("{}", encoding="utf-8")

    (archive / "市局" / "删除.docx").unlink()
    (archive / "机要室" / "登记簿.docx").unlink()
    (archive / "机要室").rmdir()
    before = hashes(archive)
    again = dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1")
    assert again.returncode in (0, 1), again.stderr
    assert not (reports / "市局" / "删除.docx.report.json").exists()
    assert not (reports / "市局" / "删除.docx.report.html").exists()
    assert not (reports / "机要室").exists()  # its folder, left empty, goes too
    assert (reports / "市局" / "留下.docx.report.json").is_file()
    assert (reports / "市局" / "留下.docx.report.html").is_file()
    assert (reports / "市局" / "说明.txt").is_file()
    assert hashes(archive) == before  # the sources are never touched
    assert ledger_paths(out) == ["市局/留下.docx"]
    assert "删除已不在档案中的文件的报告 2" in again.stdout, again.stdout

    # a link planted where a removed file's reports were is not followed
    (reports / "机要室").symlink_to(elsewhere, target_is_directory=True)
    make_docx(archive / "新" / "新文件.docx", notice("关于新工作的通知"))
    third = dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1",
                   "--lang", "en")
    assert third.returncode in (0, 1), third.stderr
    assert (elsewhere / "登记簿.docx.report.json").is_file()
    assert "no longer in the archive" not in third.stdout  # nothing was removed this time


def test_closing_line_in_english(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    make_docx(archive / "a.docx", notice("关于值班安排的通知"))
    make_docx(archive / "b.docx", notice("关于会议安排的通知"))
    out = tmp_path / "out"
    args = ("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1",
            "--lang", "en")
    assert dingmi(*args).returncode in (0, 1)
    (archive / "b.docx").unlink()
    done = dingmi(*args)
    assert done.returncode in (0, 1), done.stderr
    assert "reports of files no longer in the archive removed 1" in done.stdout, done.stdout
    assert "reused 1" in done.stdout
    assert sorted(p.name for p in (out / "reports").iterdir()) == [
        "a.docx.report.html", "a.docx.report.json"]
