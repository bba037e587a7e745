"""``dingmi audit`` builds the derived index; ``dingmi check|scan --against`` reads it: real
processes, real files (a .docx draft made with python-docx)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from scanner.derived.index import METHOD

REPO = Path(__file__).resolve().parents[2]
SET = REPO / "tests" / "data" / "derived" / "docs"
AS_OF = "2026-06-30"
SOURCES = ("src03.txt", "src05.txt", "src10.txt", "unrel01.txt", "unrel03.txt", "reg01.txt")


def dingmi(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd, check=False)


def paragraphs(name: str) -> list[str]:
    return (SET / name).read_text(encoding="utf-8").splitlines()


def make_docx(path: Path, lines: list[str]) -> Path:
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("derived")
    archive = base / "archive"
    archive.mkdir()
    for name in SOURCES:
        shutil.copy(SET / name, archive / name)
    out = base / "审核2026"
    done = dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1")
    assert done.returncode in (0, 1), done.stderr
    return out


def _source_paragraph(name: str) -> str:
    body = [p for p in paragraphs(name) if len(p) > 80]
    return body[1]


def test_unmarked_draft_copying_a_source_is_held(audit: Path, tmp_path: Path) -> None:
    copied = _source_paragraph("src03.txt")
    draft = make_docx(tmp_path / "draft.docx", [
        "关于近期有关工作的情况报告", "各有关单位：", "按照工作安排，现将有关情况报告如下。",
        copied.replace("，", "、"), "以上情况，特此报告。", "2026年5月6日"])
    done = dingmi("check", str(draft), "--against", str(audit), "--as-of", AS_OF)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DERIVED_BELOW_SOURCE" in done.stdout
    assert "src03.txt" in done.stdout and "机密★10年" in done.stdout  # the source and its mark
    assert copied.replace("，", "、")[:10] in done.stdout  # the shared passage
    passage = next(x for x in done.stdout.splitlines() if "⇄" in x)
    assert passage.strip().startswith("本文件 正文第4段") and "body." not in passage, passage


def test_draft_marked_like_its_source_passes(audit: Path, tmp_path: Path) -> None:
    copied = _source_paragraph("src05.txt")
    draft = make_docx(tmp_path / "ok.docx", [
        "000012", "机密★5年", "关于落实有关事项的工作方案", "各有关单位：", copied,
        "（此件发至县级以上机关）", "示例省人民政府", "2025年6月1日"])
    done = dingmi("check", str(draft), "--against", str(audit), "--as-of", AS_OF, "--lang", "en")
    assert "DERIVED_" not in done.stdout, done.stdout
    assert "src05.txt" in done.stdout and "copied content" in done.stdout
    assert done.returncode == 0, done.stdout + done.stderr


def test_citation_of_an_expired_source(audit: Path, tmp_path: Path) -> None:
    number = next(line for line in paragraphs("src10.txt") if line.startswith("示例发"))
    draft = make_docx(tmp_path / "cite.docx", [
        "000012", "机密★5年", "关于转发有关文件的通知", "各有关单位：",
        f"现将{number.replace('〔', '[').replace('〕', ']')}转发给你们，请认真贯彻执行。",
        "（此件发至县级以上机关）", "2016年6月1日"])
    done = dingmi("check", str(draft), "--against", str(audit), "--as-of", AS_OF,
                  "--fail-on", "info")
    assert "SOURCE_DECLASSIFIED" in done.stdout, done.stdout
    assert done.returncode == 1


def test_register_and_boilerplate_link_nothing(audit: Path) -> None:
    for name in ("reg01.txt", "unrel01.txt", "unrel03.txt"):
        report = json.loads((audit / "reports" / f"{name}.report.json").read_text("utf-8"))
        assert "links" not in report, (name, report.get("links"))
        assert not [f for f in report["findings"] if f.get("stage") == "derived"]


def test_index_is_read_only_and_scan_takes_it_too(audit: Path, tmp_path: Path) -> None:
    db = audit / "audit.sqlite"
    before = db.stat().st_mtime_ns, db.stat().st_size
    folder = tmp_path / "drafts"
    folder.mkdir()
    make_docx(folder / "a.docx", ["关于有关情况的报告", "各单位：", _source_paragraph("src03.txt")])
    done = dingmi("scan", str(folder), "--out", str(tmp_path / "out"), "--against", str(audit),
                  "--as-of", AS_OF)
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads((tmp_path / "out" / "a.docx.report.json").read_text("utf-8"))
    assert report["links"][0]["relative"] == "src03.txt"
    assert report["links"][0]["passages"][0]["there"]["excerpt"]
    assert (db.stat().st_mtime_ns, db.stat().st_size) == before


def test_against_a_folder_without_an_audit(tmp_path: Path) -> None:
    draft = make_docx(tmp_path / "d.docx", ["关于有关情况的报告"])
    done = dingmi("check", str(draft), "--against", str(tmp_path), "--lang", "en")
    assert done.returncode == 2
    assert "not an audit output folder" in done.stderr and "Traceback" not in done.stderr


def test_audit_links_in_reports_and_incremental(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ("src03.txt", "der03.txt"):
        shutil.copy(SET / name, archive / name)
    out = tmp_path / "out"
    done = dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1")
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "reports" / "der03.txt.report.json").read_text("utf-8"))
    assert [f["code"] for f in report["findings"] if f.get("stage") == "derived"] == [
        "DERIVED_BELOW_SOURCE"]
    assert report["links"][0]["relative"] == "src03.txt" and report["links"][0]["share"] > 0.3
    sheet = (out / "derived.csv").read_text(encoding="utf-8-sig").splitlines()
    assert sheet[0].startswith("派生文件,")
    assert sheet[1].split(",")[:6] == ["der03.txt", "秘密★10年", "src03.txt", "机密★10年", "是",
                                       "复制内容"]
    assert sheet[1].endswith("（DERIVED_BELOW_SOURCE）") and len(sheet) == 2
    # the same table is a sheet of the ledger workbook
    book = openpyxl.load_workbook(out / "ledger.xlsx", read_only=True)
    try:
        assert "派生关系" in book.sheetnames
        cells = [[c.value or "" for c in row] for row in book["派生关系"].iter_rows()]
    finally:
        book.close()
    assert cells[0][0] == "派生文件" and cells[1][:6] == sheet[1].split(",")[:6]
    assert cells[1][8] == "派生文件低于来源（DERIVED_BELOW_SOURCE）"
    (archive / "src03.txt").unlink()  # the source leaves the archive: the link goes with it
    dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1")
    report = json.loads((out / "reports" / "der03.txt.report.json").read_text("utf-8"))
    assert "links" not in report
    assert len((out / "derived.csv").read_text(encoding="utf-8-sig").splitlines()) == 1
    assert not [f for f in report["findings"] if f.get("stage") == "derived"]
    con = sqlite3.connect(out / "audit.sqlite")
    try:
        assert con.execute("SELECT COUNT(*) FROM derived_docs").fetchone()[0] == 1
    finally:
        con.close()


def test_the_stage_reads_the_audits_text_store() -> None:
    from scanner.derived import stage  # noqa: PLC0415
    from scanner.workers import task  # noqa: PLC0415

    assert stage.TEXTS_TABLE == task.TEXTS_TABLE


def test_redacted_reports_quote_neither_side(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ("src03.txt", "der03.txt"):
        shutil.copy(SET / name, archive / name)
    out = tmp_path / "out"
    done = dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1",
                  "--redact")
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "reports" / "der03.txt.report.json").read_text("utf-8"))
    link = report["links"][0]
    assert link["passages"] and all(p["here"]["excerpt"] is None and p["there"]["excerpt"] is None
                                    for p in link["passages"])
    derived = [f for f in report["findings"] if f.get("stage") == "derived"]
    assert derived and all(e["excerpt"] is None for f in derived for e in f["evidence"])


def test_an_index_of_another_method_is_refused_then_rebuilt(tmp_path: Path) -> None:
    """An index built by another version's method (how a text is normalized, fingerprinted and
    its own 文号 read) disagrees with a draft read now: ``--against`` refuses it, saying why and
    what to do; the next audit rebuilds it from the stored texts and links again."""
    archive, out = tmp_path / "archive", tmp_path / "audit"
    archive.mkdir()
    shutil.copy(SET / "src03.txt", archive / "src03.txt")
    assert dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF,
                  "--jobs", "1").returncode in (0, 1)
    with sqlite3.connect(out / "audit.sqlite") as conn:
        conn.execute("UPDATE derived_method SET version = 1")
        conn.execute("UPDATE derived_docs SET title_key = 'stale'")
    draft = make_docx(tmp_path / "draft.docx", ["关于有关情况的报告", "各单位：",
                                               _source_paragraph("src03.txt")])
    refused = dingmi("check", str(draft), "--against", str(out), "--lang", "en")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "another version of dingmi" in refused.stderr and "run dingmi audit again" in \
        refused.stderr and "Traceback" not in refused.stderr
    assert "另一版本" in dingmi("check", str(draft), "--against", str(out)).stderr
    assert dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF,
                  "--jobs", "1").returncode in (0, 1)
    with sqlite3.connect(out / "audit.sqlite") as conn:
        assert conn.execute("SELECT version FROM derived_method").fetchall() == [(METHOD,)]
        assert conn.execute("SELECT COUNT(*) FROM derived_docs WHERE title_key = 'stale'"
                            ).fetchone()[0] == 0
    held = dingmi("check", str(draft), "--against", str(out), "--lang", "en")
    assert held.returncode == 1 and "src03.txt" in held.stdout, held.stdout + held.stderr


def test_against_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    draft = make_docx(tmp_path / "d.docx", ["关于有关情况的报告"])
    done = dingmi("check", str(draft), "--against", str(tmp_path / "nosuch"), "--lang", "en")
    assert done.returncode == 2 and "does not exist" in done.stderr, done.stderr


def test_a_source_kept_in_two_copies_is_still_cited(tmp_path: Path) -> None:
    """An archive often keeps a document twice (the 发文稿 and its PDF, here the text and a
    .docx of it): a citation of its 文号 or title resolves to one of the copies, not to none."""
    archive, out = tmp_path / "archive", tmp_path / "audit"
    archive.mkdir()
    shutil.copy(SET / "src03.txt", archive / "src03.txt")
    make_docx(archive / "src03.docx", [ln for ln in paragraphs("src03.txt") if ln.strip()])
    (archive / "cite.txt").write_text(
        "秘密★1年\n关于做好储备库值守工作的通知\n各单位：\n"
        "根据示例发〔2024〕3号文件要求，请各单位于本月底前报送值守安排。\n"
        "请《关于西岗地下储备库有关事项的通知》的承办单位一并报送落实情况。\n", encoding="utf-8")
    assert dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF,
                  "--jobs", "1").returncode in (0, 1)
    report = json.loads((out / "reports" / "cite.txt.report.json").read_text("utf-8"))
    links = report.get("links") or []
    assert len(links) == 1 and links[0]["relative"] in ("src03.txt", "src03.docx"), links
    assert links[0]["by"] == "cite" and len(links[0]["citations"]) == 2, links


def test_a_draft_below_its_source_is_told_the_mark_to_carry(audit: Path, tmp_path: Path) -> None:
    """Without a catalogue, the suggested mark of a draft found below its source is the
    source's: in the finding's message and as the report's suggested_marking (which the review
    app and the ledger show), with the source named."""
    draft = make_docx(tmp_path / "low.docx", [
        "000012", "秘密★1年", "关于近期有关工作的情况报告", "各有关单位：",
        _source_paragraph("src03.txt"), "2026年5月6日"])
    out = tmp_path / "out"
    done = dingmi("check", str(draft), "--against", str(audit), "--as-of", AS_OF, "--out",
                  str(out), "--lang", "en")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "here '机密★10年'" in done.stdout, done.stdout
    report = json.loads(next(out.glob("*.report.json")).read_text("utf-8"))
    assert report["suggested_marking"]["text"] == "机密★10年"
    assert report["suggested_marking"]["level"] == "机密"
    assert report["suggested_marking"]["source"] == "src03.txt"
    below = next(f for f in report["findings"] if f["code"] == "DERIVED_BELOW_SOURCE")
    assert "应标为“机密★10年”" in below["message_zh"]
