"""``watch`` and ``serve`` ``--against AUDIT_DIR`` (and ``reference:``): the pre-issue gate holds a
draft that copies a classified source of the archive. Real processes throughout: ``dingmi audit``
builds the index from a .docx source (python-docx), ``dingmi watch`` and ``dingmi serve`` read it
in their workers, read-only."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document
from server import multipart, request, running

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "tests" / "data" / "derived" / "docs" / "src03.txt"  # 机密★10年
AS_OF = "2026-06-30"

pytestmark = pytest.mark.slow


def dingmi(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd, check=False)


def make_docx(path: Path, lines: list[str]) -> Path:
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def body() -> list[str]:
    return [p for p in SOURCE.read_text(encoding="utf-8").splitlines() if len(p) > 80]


def unmarked_copy(path: Path) -> Path:
    """A draft copying two paragraphs of the source, re-punctuated, with no mark."""
    first, _, third, *_ = body()
    return make_docx(path, ["关于近期有关工作的情况报告", "各有关单位：",
                            "按照工作安排，现将有关情况报告如下。", first.replace("，", "、"),
                            third, "以上情况，特此报告。", "2026年5月6日"])


def marked_copy(path: Path) -> Path:
    """A draft copying a paragraph and marked like the source."""
    return make_docx(path, ["000012", "机密★10年", "关于落实有关事项的工作方案", "各有关单位：",
                            body()[1], "（此件发至县级以上机关）", "示例省人民政府",
                            "2026年6月1日"])


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("services")
    archive = base / "archive"
    archive.mkdir()
    make_docx(archive / "来源通知.docx", SOURCE.read_text(encoding="utf-8").splitlines())
    out = base / "审核2026"
    done = dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1")
    assert done.returncode in (0, 1), done.stderr
    report = json.loads((out / "reports" / "来源通知.docx.report.json").read_text("utf-8"))
    assert report["marking"]["raw"] == "机密★10年"
    return out


def stamp(audit: Path) -> tuple[int, int, str]:
    """The audit's database as it stands (nothing may write to it; a reader of a WAL database
    may leave an empty ``-wal`` beside it, never anything in it)."""
    db = audit / "audit.sqlite"
    wal = audit / "audit.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    return db.stat().st_size, db.stat().st_mtime_ns, hashlib.sha256(db.read_bytes()).hexdigest()


def wait_for(path: Path, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists():
            return True
        time.sleep(0.1)
    return path.exists()


def test_watch_holds_an_unmarked_copy_and_passes_a_marked_one(audit: Path,
                                                             tmp_path: Path) -> None:
    (tmp_path / "pre").mkdir()
    config = tmp_path / "watch_dirs.yaml"
    config.write_text(
        f"state_db: state/s.db\nas_of: {AS_OF}\nreconcile_seconds: 2\nfolders:\n"
        "  - path: pre\n    profile: pre-issue\n    reports: out/reports\n"
        "    settle_seconds: 0.2\n    on_pass: out/passed\n    on_fail: out/held\n"
        f"    reference: {audit}\n", encoding="utf-8")
    before = stamp(audit)
    log = tmp_path / "watch.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "scanner.cli", "watch", "--config",
                                 str(config)], stdout=sink, stderr=sink, cwd=tmp_path)
    try:
        assert wait_for(log, 60)
        end = time.monotonic() + 60
        while "开始监视" not in log.read_text(encoding="utf-8") and time.monotonic() < end:
            time.sleep(0.1)
        unmarked_copy(tmp_path / "pre" / "稿件.docx")
        marked_copy(tmp_path / "pre" / "方案.docx")
        assert wait_for(tmp_path / "out" / "held" / "稿件.docx.report.json", 90), \
            log.read_text(encoding="utf-8")
        assert wait_for(tmp_path / "out" / "passed" / "方案.docx", 90), \
            log.read_text(encoding="utf-8")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    text = log.read_text(encoding="utf-8")
    assert "派生索引" in text and "稿件.docx" in text
    assert "DERIVED_BELOW_SOURCE（派生文件低于来源）" in text, text
    assert (tmp_path / "out" / "held" / "稿件.docx").exists()
    assert not (tmp_path / "pre" / "稿件.docx").exists()
    held = json.loads((tmp_path / "out" / "held" / "稿件.docx.report.json").read_text("utf-8"))
    assert held["verdict"] == "error"
    below = [f for f in held["findings"] if f["code"] == "DERIVED_BELOW_SOURCE"]
    assert below and "来源通知.docx" in below[0]["message_zh"]
    link = held["links"][0]
    assert link["relative"] == "来源通知.docx" and link["mark"] == "机密★10年" and link["live"]
    assert len(link["passages"]) >= 2 and link["share"] > 0.5
    assert held["classification"] == "机密"  # the report quotes the source's passages
    html = (tmp_path / "out" / "held" / "稿件.docx.report.html").read_text("utf-8")
    assert "来源通知.docx" in html and "本报告含机密级来源文件的内容摘录，按机密级管理" in html
    passed = json.loads((tmp_path / "out" / "reports" / "方案.docx.report.json").read_text("utf-8"))
    assert passed["links"][0]["relative"] == "来源通知.docx"
    assert not [f for f in passed["findings"] if f.get("stage") == "derived"]
    assert stamp(audit) == before


def test_serve_refuses_the_copy_and_names_the_source(audit: Path, tmp_path: Path) -> None:
    before = stamp(audit)
    with running("serve", "--against", str(audit), "--jobs", "2", "--as-of", AS_OF) as (url, _):
        answers = {}
        for name, make in (("draft.docx", unmarked_copy), ("ok.docx", marked_copy)):
            data = make(tmp_path / name).read_bytes()
            body_, headers = multipart(name, data)
            status, answer = request(url + "api/v1/check?lang=en", body_, headers=headers)
            assert status == 200 and isinstance(answer, dict), answer
            answers[name] = answer
    held = answers["draft.docx"]
    assert held["can_issue"] is False
    reason = next(r for r in held["reasons"] if r["code"] == "DERIVED_BELOW_SOURCE")
    assert "来源通知.docx" in reason["message_zh"] and "机密★10年" in reason["message_en"]
    assert reason["name_zh"] == "派生文件低于来源"
    link = held["report"]["links"][0]
    assert link["relative"] == "来源通知.docx" and "source" not in link  # no server path
    assert held["report"]["classification"] == "机密"  # it shows the source's passages
    assert held["report"]["classification_basis"] == "sources"
    assert str(audit) not in json.dumps(held, ensure_ascii=False)
    ok = answers["ok.docx"]
    assert ok["report"]["links"][0]["relative"] == "来源通知.docx"
    assert not [r for r in ok["reasons"] if r["code"].startswith("DERIVED")], ok["reasons"]
    assert stamp(audit) == before


def test_reference_in_dingmi_yaml(audit: Path, tmp_path: Path) -> None:
    """``reference:`` in dingmi.yaml stands for --against: check and serve take it."""
    (tmp_path / "dingmi.yaml").write_text(f"reference: {audit}\n", encoding="utf-8")
    draft = unmarked_copy(tmp_path / "draft.docx")
    done = dingmi("check", str(draft), "--as-of", AS_OF, cwd=tmp_path)
    assert done.returncode == 1 and "来源通知.docx" in done.stdout, done.stdout + done.stderr
    with running("serve", "--jobs", "1", "--as-of", AS_OF, cwd=tmp_path) as (url, _):
        body_, headers = multipart("draft.docx", draft.read_bytes())
        _, answer = request(url + "api/v1/check", body_, headers=headers)
    assert isinstance(answer, dict) and answer["can_issue"] is False
    assert any(r["code"] == "DERIVED_BELOW_SOURCE" for r in answer["reasons"])


def test_a_missing_index_stops_the_start(audit: Path, tmp_path: Path) -> None:
    """Exit 2 with a clear message at start-up, in Chinese or English, never at the first
    file."""
    (tmp_path / "pre").mkdir()
    config = tmp_path / "watch_dirs.yaml"
    config.write_text("state_db: state/s.db\nfolders:\n  - path: pre\n    reports: out\n",
                      encoding="utf-8")
    nowhere = tmp_path / "nowhere"  # a folder without an audit (a missing one: test_derived_cli)
    nowhere.mkdir()
    done = dingmi("watch", "--config", str(config), "--against", str(nowhere), cwd=tmp_path)
    assert done.returncode == 2 and "nowhere”不是审核输出目录" in done.stderr, done.stderr
    assert "不存在" not in done.stderr  # (it exists: it holds no audit)
    done = dingmi("serve", "--against", str(tmp_path), "--lang", "en")
    assert done.returncode == 2 and "not an audit output folder" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    config.write_text("state_db: state/s.db\nfolders:\n  - path: pre\n    reports: out\n"
                      "    reference: archive\n", encoding="utf-8")
    done = dingmi("watch", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "watch_dirs.yaml:5: folders.0.reference" in done.stderr, done.stderr
    (tmp_path / "dingmi.yaml").write_text("reference: 审核\n", encoding="utf-8")
    draft = unmarked_copy(tmp_path / "draft.docx")
    done = dingmi("check", str(draft), "--lang", "en", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"{tmp_path / 'dingmi.yaml'}:1: reference: '{tmp_path / '审核'}' is not an audit " \
        "output folder: it does not exist" in done.stderr, done.stderr
    (tmp_path / "审核").mkdir()  # there, but holding no audit
    done = dingmi("check", str(draft), "--lang", "en", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"{tmp_path / 'dingmi.yaml'}:1: reference: '{tmp_path / '审核'}' is not an audit " \
        "output folder with a derived index" in done.stderr, done.stderr
    assert audit.exists()


def test_a_worker_sees_the_audit_run_again(tmp_path: Path) -> None:
    """The audit may run again while ``serve`` runs: its one worker, with its read-only
    connection open, judges the next draft against the new index."""
    archive = tmp_path / "archive"
    archive.mkdir()
    make_docx(archive / "无关.docx", ["关于召开季度例会的通知", "各科室：",
                                    "请于本周五下午三点到三楼会议室参加季度工作例会。"])
    out = tmp_path / "审核"
    assert dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF,
                  "--jobs", "1").returncode in (0, 1)
    draft = unmarked_copy(tmp_path / "draft.docx")
    body_, headers = multipart("draft.docx", draft.read_bytes())
    with running("serve", "--against", str(out), "--jobs", "1", "--as-of", AS_OF) as (url, _):
        _, before = request(url + "api/v1/check", body_, headers=headers)
        assert isinstance(before, dict) and before["can_issue"] is True, before["reasons"]
        assert "links" not in before["report"]
        make_docx(archive / "来源通知.docx", SOURCE.read_text(encoding="utf-8").splitlines())
        done = dingmi("audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1")
        assert done.returncode in (0, 1), done.stderr
        _, after = request(url + "api/v1/check", body_, headers=headers)
    assert isinstance(after, dict) and after["can_issue"] is False
    assert after["report"]["links"][0]["relative"] == "来源通知.docx"
