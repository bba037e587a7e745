"""The command line: verdicts, exit codes, report layout, permissions, sources left untouched."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from builders import DocSpec, make_docx

from scanner.cli import build_parser, main
from scanner.cli.scan import Progress

README = Path(__file__).resolve().parents[2] / "README.md"
CLEAN = DocSpec(body=["000123", "秘密★5年", "某局发〔2025〕5号", "关于某事项的通知",
                      "知悉范围：本局领导班子成员", "某局", "2025年3月22日"])
BROKEN = DocSpec(body=["秘密★一年", "关于某事项的通知"])


def test_check_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = make_docx(tmp_path / "clean.docx", CLEAN)
    broken = make_docx(tmp_path / "broken.docx", BROKEN)
    assert main(["check", str(clean), "--as-of", "2026-11-22"]) == 0
    assert "✓" in capsys.readouterr().out
    assert main(["check", str(broken), "--as-of", "2026-11-22"]) == 1
    out = capsys.readouterr().out
    assert "PERIOD_NOT_ARABIC" in out and "阿拉伯数字" in out
    (tmp_path / "empty.pdf").write_bytes(b"")
    assert main(["check", str(clean), str(tmp_path / "empty.pdf")]) == 3
    with pytest.raises(SystemExit) as exc:
        main(["check", str(clean), "--as-of", "22/11/2026"])
    assert exc.value.code == 2


def test_fail_on_threshold(tmp_path: Path) -> None:
    spaced = make_docx(tmp_path / "spaced.docx", DocSpec(body=[
        "000123", "秘密 ★ 5年", "知悉范围：本局", "2025年3月22日"]))
    assert main(["check", str(spaced), "--as-of", "2026-11-22"]) == 0
    assert main(["check", str(spaced), "--as-of", "2026-11-22", "--fail-on", "warning"]) == 1


def test_check_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = make_docx(tmp_path / "broken.docx", BROKEN)
    main(["check", str(broken), "--lang", "en"])
    out = capsys.readouterr().out
    assert "FAIL" in out and "Arabic digits" in out
    assert ("    error term not in Arabic digits (PERIOD_NOT_ARABIC): term '一年' must use "
            "Arabic digits (body, paragraph 1)") in out.splitlines()


def test_check_names_each_finding_and_where_it_is(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A finding line says the severity and the code by name and the place in words, as the
    other outputs do: no raw severity, no bare code, no ``body.p1``."""
    broken = make_docx(tmp_path / "broken.docx", BROKEN)
    assert main(["check", str(broken), "--as-of", "2026-11-22"]) == 1
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("    ")]
    assert lines == [
        "    错误 保密期限未用阿拉伯数字（PERIOD_NOT_ARABIC）：保密期限“一年”应使用阿拉伯数字"
        "（正文第1段）",
        "    错误 未标知悉范围（SCOPE_MISSING）：涉密文件未标明知悉范围（正文第1段）"], lines


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns, stat.S_IMODE(p.stat().st_mode))
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_scan_layout_permissions_and_untouched_sources(tmp_path: Path) -> None:
    src = tmp_path / "archive"
    make_docx(src / "a" / "clean.docx", CLEAN)
    make_docx(src / "b" / "broken.docx", BROKEN)
    (src / "a" / "~$clean.docx").write_bytes(b"lock")
    before = _snapshot(src)
    out = tmp_path / "reports"
    old = os.umask(0o022)
    try:
        code = main(["scan", str(src), "--out", str(out), "--as-of", "2026-11-22", "-q"])
    finally:
        os.umask(old)
    assert code == 1  # broken.docx has an error-level finding
    assert _snapshot(src) == before
    report = json.loads((out / "b" / "broken.docx.report.json").read_text(encoding="utf-8"))
    assert report["schema_version"] and report["source"]["path"] == str(src / "b" / "broken.docx")
    assert {f["code"] for f in report["findings"]} >= {"PERIOD_NOT_ARABIC"}
    assert not (out / "a" / "~$clean.docx.report.json").exists()
    for p in out.rglob("*"):
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), (p, oct(mode))
    assert not list(src.rglob("*.report.*"))


def test_scan_exit_code_with_errors_and_summary(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    make_docx(src / "broken.docx", BROKEN)
    (src / ".~lock.x.docx#").write_bytes(b"")
    code = main(["scan", str(src), "--out", str(tmp_path / "out")])
    assert code == 1
    out = capsys.readouterr().out
    assert "共 1 个文件" in out and "跳过临时/锁定/设置文件 1" in out


def test_html_report_is_self_contained_and_classified(tmp_path: Path) -> None:
    make_docx(tmp_path / "in" / "c.docx", CLEAN)
    main(["scan", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--lang", "en"])
    html = (tmp_path / "out" / "c.docx.report.html").read_text(encoding="utf-8")
    assert "CONFIDENTIAL" in html and "is CONFIDENTIAL itself" in html
    assert "http://" not in html and "https://" not in html and "<script" not in html
    main(["scan", str(tmp_path / "in"), "--out", str(tmp_path / "zh")])
    html_zh = (tmp_path / "zh" / "c.docx.report.html").read_text(encoding="utf-8")
    assert "本报告引用秘密级文件内容，按秘密级管理" in html_zh


def test_reports_never_inside_the_scanned_folder(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    make_docx(tmp_path / "c.docx", CLEAN)
    assert main(["scan", str(tmp_path), "--out", str(tmp_path / "reports")]) == 2
    assert "--out" in capsys.readouterr().err


def test_console_script_runs(tmp_path: Path) -> None:
    exe = shutil.which("dingmi")
    assert exe, "the package is not installed (pip install -e '.[test]')"
    clean = make_docx(tmp_path / "clean.docx", CLEAN)
    done = subprocess.run([exe, "check", str(clean), "--as-of", "2026-11-22"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "秘密★5年" in done.stdout


def _commands() -> dict[str, list[str]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    out = {}
    for name, p in sub.choices.items():  # type: ignore[union-attr]
        out[name] = [s for a in p._actions for s in a.option_strings if s.startswith("--")
                     and s != "--help"]
    return out


def test_readme_documents_every_command_and_option() -> None:
    text = README.read_text(encoding="utf-8")
    for command, options in _commands().items():
        assert f"dingmi {command}" in text, command
        for option in options:
            assert option in text, (command, option)


def test_html_report_shows_catalogue_evidence(tmp_path: Path) -> None:
    make_docx(tmp_path / "in" / "t.docx", DocSpec(body=[
        "000123", "秘密★5年", "与某集团的谈判底线为每亩30万元。", "知悉范围：谈判组"]))
    main(["scan", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--as-of", "2026-11-22",
          "--catalog", "demo"])
    html = (tmp_path / "out" / "t.docx.report.html").read_text(encoding="utf-8")
    assert "建议标志" in html and "机密★5年" in html and "NEG-01" in html
    assert "【谈判底线】" in html and "UNDER_CLASSIFIED" in html


def test_progress_lines_on_long_runs() -> None:
    now = [0.0]
    out = io.StringIO()
    progress = Progress(out, "en", every=2.0, clock=lambda: now[0])
    for _ in range(3):
        progress.tick()
    assert out.getvalue() == ""
    now[0] = 2.5
    progress.tick()
    assert out.getvalue() == "scanned 4 files (1.6 files/s)\n"
