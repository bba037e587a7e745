"""The gate policy (``fail_on``): a pre-issue folder and ``POST /api/v1/check`` hold a document
that is likely classified and unmarked (UNMARKED_MATCH) by default, say why in Chinese and
English, and every command says when no catalogue was used. Real files, real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import DocSpec, make_docx
from server import multipart, request, running

from scanner.gate import DEFAULT_PRE_ISSUE, FailOn, parse, reasons
from scanner.outcome import exit_code

AS_OF = "2026-11-22"
# No mark, and content the bundled demo catalogue's item NEG-01 (机密) covers.
UNMARKED = DocSpec(body=["关于征地工作的通知", "与某集团的谈判底线为每亩30万元。",
                         "请各单位遵照执行。"])
CLEAN = DocSpec(body=["关于召开运动会的通知", "各单位：", "定于下周举行运动会，请做好准备。"])


def dingmi(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300, check=False)


def test_policies_read_as_written() -> None:
    assert parse("error") == FailOn("error", frozenset())
    assert parse("never") == FailOn(None, frozenset())
    assert parse("pre-issue") == DEFAULT_PRE_ISSUE
    assert DEFAULT_PRE_ISSUE.codes == {"UNMARKED_MATCH", "UNDER_CLASSIFIED",
                                       "LEVEL_STATED_UNMARKED"}
    assert parse("error, unmarked_match") == FailOn("error", frozenset({"UNMARKED_MATCH"}))
    assert parse(["warning", "error"]).severity == "warning"
    with pytest.raises(ValueError) as caught:
        parse("error,NOT_A_CODE")
    assert "NOT_A_CODE" in caught.value.args[0].zh and "NOT_A_CODE" in caught.value.args[0].en


def test_reasons_name_the_code_in_both_languages() -> None:
    report = {"status": "ok", "findings": [
        {"code": "UNMARKED_MATCH", "severity": "warning", "message_zh": "可能应定未定：…",
         "message_en": "likely…", "location": "body.p2"},
        {"code": "DATE_FORMAT", "severity": "warning", "message_zh": "日期", "message_en": "d"}]}
    held = reasons(report, DEFAULT_PRE_ISSUE)
    assert [r["code"] for r in held] == ["UNMARKED_MATCH"]
    assert held[0]["name_zh"] == "可能应定未定"
    assert held[0]["name_en"] == "possibly should be classified"  # scanner.names
    assert held[0]["message_zh"] == "可能应定未定：…" and held[0]["location"] == "body.p2"
    assert reasons(report, parse("error")) == []
    outcome = ("ok", ["warning", "warning"], ["UNMARKED_MATCH", "DATE_FORMAT"])
    assert exit_code([outcome], "error") == 0
    assert exit_code([outcome], "pre-issue") == 1
    unread = reasons({"status": "unsupported", "reason_zh": "不支持", "reason_en": "no",
                      "findings": []}, parse("never"))
    assert unread[0]["code"] == "UNSUPPORTED" and unread[0]["name_zh"] == "不支持的格式"


@pytest.fixture(scope="module")
def server() -> object:
    with running("serve", "--catalog", "demo", "--jobs", "1") as (url, _):
        yield url


def test_the_api_holds_an_unmarked_match_by_default(server: str, tmp_path: Path) -> None:
    data = make_docx(tmp_path / "u.docx", UNMARKED).read_bytes()
    body, headers = multipart("u.docx", data)
    status, got = request(f"{server}api/v1/check?as_of={AS_OF}", body, headers=headers)
    assert status == 200 and isinstance(got, dict), got
    assert got["can_issue"] is False and got["exit_code"] == 1, got
    assert got["fail_on"] == "pre-issue"
    held = {r["code"]: r for r in got["reasons"]}
    assert set(held) == {"UNMARKED_MATCH"}
    assert held["UNMARKED_MATCH"]["name_zh"] == "可能应定未定"
    assert "NEG-01" in held["UNMARKED_MATCH"]["message_zh"]
    assert held["UNMARKED_MATCH"]["message_en"]
    assert got["catalogue_checked"] is True and "note_zh" not in got
    # the caller's own policy: errors only, as a parameter and as a form field
    status, lax = request(f"{server}api/v1/check?as_of={AS_OF}&fail_on=error", body,
                          headers=headers)
    assert isinstance(lax, dict) and lax["can_issue"] is True and lax["reasons"] == []
    boundary = headers["Content-Type"].split("=", 1)[1]
    field = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"fail_on\"\r\n\r\n"
             "error\r\n").encode()
    status, form = request(f"{server}api/v1/check?as_of={AS_OF}", field + body, headers=headers)
    assert status == 200 and isinstance(form, dict) and form["can_issue"] is True, form
    status, bad = request(f"{server}api/v1/check?fail_on=sometimes", body, headers=headers)
    assert status == 400 and isinstance(bad, dict) and "sometimes" in bad["error_zh"]


def test_the_api_passes_a_clean_document(server: str, tmp_path: Path) -> None:
    body, headers = multipart("c.docx", make_docx(tmp_path / "c.docx", CLEAN).read_bytes())
    status, got = request(f"{server}api/v1/check?as_of={AS_OF}", body, headers=headers)
    assert status == 200 and isinstance(got, dict)
    assert got["can_issue"] is True and got["reasons"] == [], got


def test_the_api_says_when_no_catalogue_is_used(tmp_path: Path) -> None:
    body, headers = multipart("u.docx", make_docx(tmp_path / "u.docx", UNMARKED).read_bytes())
    with running("serve", "--jobs", "1") as (url, _):
        status, got = request(f"{url}api/v1/check?as_of={AS_OF}", body, headers=headers)
    assert status == 200 and isinstance(got, dict)
    assert got["catalogue_checked"] is False and "保密事项" in got["note_zh"]
    assert "catalogue" in got["note_en"]


def test_check_says_when_no_catalogue_was_used(tmp_path: Path) -> None:
    doc = make_docx(tmp_path / "u.docx", UNMARKED)
    plain = dingmi("check", str(doc), "--as-of", AS_OF, cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert "✓ 通过" in plain.stdout
    assert plain.stdout.strip().splitlines()[-1].startswith("未使用保密事项目录"), plain.stdout
    english = dingmi("check", str(doc), "--as-of", AS_OF, "--lang", "en", cwd=tmp_path)
    assert "no catalogue used" in english.stdout and "未使用" not in english.stdout
    matched = dingmi("check", str(doc), "--as-of", AS_OF, "--catalog", "demo",
                     "--fail-on", "pre-issue", cwd=tmp_path)
    assert matched.returncode == 1 and "UNMARKED_MATCH" in matched.stdout
    assert "未使用保密事项目录" not in matched.stdout


def test_fail_on_in_dingmi_yaml_takes_codes(tmp_path: Path) -> None:
    doc = make_docx(tmp_path / "u.docx", UNMARKED)
    (tmp_path / "dingmi.yaml").write_text(
        "catalogs: [demo]\nfail_on: [error, UNMARKED_MATCH]\n", encoding="utf-8")
    done = dingmi("check", str(doc), "--as-of", AS_OF, cwd=tmp_path)
    assert done.returncode == 1, (done.stdout, done.stderr)
    (tmp_path / "dingmi.yaml").write_text("fail_on: [error, SOMETIMES]\n", encoding="utf-8")
    bad = dingmi("check", str(doc), "--as-of", AS_OF, cwd=tmp_path)
    assert bad.returncode == 2 and "dingmi.yaml:1" in bad.stderr and "SOMETIMES" in bad.stderr


def _watch(tmp_path: Path, folder_extra: str, *args: str
           ) -> tuple[Path, subprocess.Popen[bytes]]:
    (tmp_path / "in").mkdir()
    (tmp_path / "watch_dirs.yaml").write_text(
        "state_db: state/s.db\nfolders:\n  - path: in\n    reports: reports\n"
        "    profile: pre-issue\n    settle_seconds: 0.2\n    on_pass: passed\n"
        f"    on_fail: failed\n{folder_extra}", encoding="utf-8")
    log = (tmp_path / "watch.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "scanner.cli", "watch", "--config",
                             "watch_dirs.yaml", *args], stdout=log, stderr=log, cwd=tmp_path)
    return tmp_path / "watch.log", proc


def _wait(predicate: object, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return bool(predicate())  # type: ignore[operator]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=30) == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pre_issue_folder_holds_an_unmarked_match(tmp_path: Path, lang: str) -> None:
    src = tmp_path / "src"
    make_docx(src / "u.docx", UNMARKED)
    make_docx(src / "c.docx", CLEAN)
    log, proc = _watch(tmp_path, "    catalogs: [demo]\n", "--lang", lang)
    started = "开始监视" if lang == "zh" else "watching"
    try:
        assert _wait(lambda: log.exists() and started in log.read_text(encoding="utf-8"), 60)
        for name in ("u.docx", "c.docx"):
            (tmp_path / "in" / name).write_bytes((src / name).read_bytes())
        assert _wait(lambda: (tmp_path / "failed" / "u.docx").exists()
                     and (tmp_path / "passed" / "c.docx").exists(), 120), log.read_text()
    finally:
        _stop(proc)
    assert (tmp_path / "failed" / "u.docx.report.html").exists()
    text = log.read_text(encoding="utf-8")
    held = next(x for x in text.splitlines() if "u.docx" in x and "failed" in x)
    if lang == "zh":
        assert "暂缓发文：UNMARKED_MATCH（可能应定未定）" in held, held
    else:
        assert "held: UNMARKED_MATCH (possibly should be classified)" in held, held
    assert "未配置保密事项目录" not in text and "no catalogue" not in text


def test_a_pre_issue_folder_without_a_catalogue_says_so(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "src" / "c.docx", CLEAN)
    log, proc = _watch(tmp_path, "    fail_on: error\n")
    try:
        assert _wait(lambda: log.exists() and "开始监视" in log.read_text(encoding="utf-8"), 60)
        (tmp_path / "in" / "c.docx").write_bytes(src.read_bytes())
        assert _wait((tmp_path / "passed" / "c.docx").exists, 120), log.read_text()
    finally:
        _stop(proc)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert any("未配置保密事项目录（catalogs）" in x and str(tmp_path / "in") in x for x in lines)
    moved = next(x for x in lines if "c.docx" in x and "passed" in x)
    assert "未配置保密事项目录，内容未比对" in moved, moved


def test_fail_on_in_watch_dirs_yaml_is_checked(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "watch_dirs.yaml").write_text(
        "folders:\n  - path: in\n    reports: reports\n    fail_on: [error, SOMETIMES]\n"
        "    profile: pre-issue\n", encoding="utf-8")
    done = dingmi("watch", "--config", "watch_dirs.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "watch_dirs.yaml:4" in done.stderr, done.stderr
    assert "SOMETIMES" in done.stderr
    (tmp_path / "watch_dirs.yaml").write_text(
        "folders:\n  - path: in\n    reports: reports\n    fail_on: error\n", encoding="utf-8")
    done = dingmi("watch", "--config", "watch_dirs.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "pre-issue" in done.stderr, done.stderr
