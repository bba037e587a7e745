"""The review app while the audit is run again: ``dingmi review`` and ``dingmi audit`` as real
processes on one audit folder. Decisions made after the re-audit are made on the new content
(the new finding is decided, the old decision is kept, not overwritten), files the re-audit added
appear, and a file keeps its number, so a page opened before the re-audit still names its file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from server import request, running

from scanner.decisions import finding_key, fingerprint

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-30"

pytestmark = pytest.mark.slow


def audit(archive: Path, out: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "scanner.cli", "audit", str(archive), "--out",
                           str(out), "--as-of", AS_OF, "--jobs", "1", "--catalog", "demo"],
                          capture_output=True, text=True, cwd=REPO, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr


def finding(out: Path, relative: str, code: str) -> tuple[str, str]:
    """(content hash, fingerprint) of the finding ``code`` in the report the audit wrote."""
    report = json.loads((out / "reports" / f"{relative}.report.json").read_text("utf-8"))
    sha = report["source"]["sha256"]
    f = next(f for f in report["findings"] if f["code"] == code)
    return sha, fingerprint(sha, *finding_key(f))


def decide(url: str, csrf: str, body: dict) -> tuple[int, dict | str]:
    return request(url + "api/v1/decisions", json.dumps(body).encode(), headers={
        "Content-Type": "application/json", "X-CSRF-Token": csrf})


def test_decisions_after_a_reaudit_follow_the_new_content(tmp_path: Path) -> None:
    archive, out = tmp_path / "archive", tmp_path / "audit"
    archive.mkdir()
    (archive / "a.txt").write_text("秘密★1年\n关于甲事的通知\n", encoding="utf-8")
    audit(archive, out)
    old_sha, old_fp = finding(out, "a.txt", "SCOPE_MISSING")
    with running("review", str(out), "--reviewer", "张三") as (url, _):
        status, page = request(url)
        assert status == 200 and isinstance(page, str)
        found = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert found
        csrf = found.group(1)
        assert 'href="/file/0">a.txt<' in page
        status, saved = decide(url, csrf, {"file": 0, "fingerprint": old_fp,
                                           "decision": "confirmed"})
        assert status == 200, saved

        # the document changes and a new one arrives; the audit runs again, the app stays up
        (archive / "a.txt").write_text("秘密★2年\n关于丙事的通知\n", encoding="utf-8")
        (archive / "0new.txt").write_text("机密★5年\n关于乙事的通知\n", encoding="utf-8")
        audit(archive, out)
        new_sha, new_fp = finding(out, "a.txt", "SCOPE_MISSING")
        assert new_sha != old_sha and new_fp != old_fp

        status, page = request(url)
        assert status == 200 and isinstance(page, str)
        assert ">0new.txt<" in page, "the file the re-audit added is listed"
        assert 'href="/file/0">a.txt<' in page  # a.txt keeps its number
        assert "已审核 0 / 2 个待审核文件" in page  # the old decision does not cover the new one
        status, file_page = request(url + "file/0")
        assert status == 200 and new_fp in str(file_page) and old_fp not in str(file_page)

        status, saved = decide(url, csrf, {"file": 0, "fingerprint": new_fp,
                                           "decision": "dismissed", "reason": "accepted"})
        assert status == 200, saved
        assert isinstance(saved, dict)
        assert saved["saved"]["sha256"] == new_sha and saved["saved"]["fingerprint"] == new_fp
        # a conclusion sent by a page opened before the re-audit lands on that page's file
        status, saved = decide(url, csrf, {"file": 0, "decision": "conclusion",
                                           "conclusion": "维持"})
        assert status == 200 and isinstance(saved, dict), saved
        assert saved["saved"]["path"] == "a.txt" and saved["saved"]["sha256"] == new_sha
        new_file = next(n for n in range(2)
                        if ">0new.txt<" in str(request(url + f"file/{n}")[1]))
        assert new_file == 1
        sha_b, fp_b = finding(out, "0new.txt", "SCOPE_MISSING")
        status, saved = decide(url, csrf, {"file": new_file, "fingerprint": fp_b,
                                           "decision": "confirmed"})
        assert status == 200 and isinstance(saved, dict), saved
        assert saved["saved"]["path"] == "0new.txt" and saved["saved"]["sha256"] == sha_b

        status, exported = request(url + "decisions.yaml")
        assert status == 200
        decisions = yaml.safe_load(str(exported))["decisions"]
        on_a = {(d["sha256"], d["decision"]) for d in decisions if d["path"] == "a.txt"}
        assert on_a == {(old_sha, "confirmed"), (new_sha, "dismissed"),
                        (new_sha, "conclusion")}, decisions  # the old one kept
        status, page = request(url)
        assert "已审核 1 / 2 个待审核文件" in str(page)  # a.txt concluded; 0new.txt has more
