"""Reviewers' decisions: the portable file, applying them to a report (suppressed, confirmed,
stale, the verdict and exit code follow), ``check --decisions``, and ``catalog stats
--decisions`` on a decisions file with known counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import make_docx
from cases import gongwen

from scanner.cli import main
from scanner.decisions import Decision, Decisions, apply, dump, finding_key, fingerprint, load
from scanner.errors import ConfigError
from scanner.pipeline import ScanOptions, scan_file
from scanner.report import to_json
from scanner.report.html import render

# SCOPE_MISSING (an error) and DATE_FORMAT (a warning)
MARKED = gongwen("秘密★5年", scope=None, date="二〇二四年三月二十二日")


def decide(report: dict, code: str, decision: str, reason: str = "", sha: str | None = None
           ) -> Decision:
    f = next(f for f in report["findings"] if f["code"] == code)
    _, item, location = finding_key(f)
    return Decision(report["source"]["relative"], sha or report["source"]["sha256"], code,
                    decision, "张三", "2026-11-30T10:00:00", item=item, location=location,
                    reason=reason)


@pytest.fixture
def report(tmp_path: Path) -> dict:
    path = make_docx(tmp_path / "a.docx", MARKED)
    r = scan_file(path, ScanOptions(as_of=dt.date(2026, 11, 30))).with_relative("a.docx")
    data = to_json(r)
    assert {f["code"] for f in data["findings"]} == {"SCOPE_MISSING", "DATE_FORMAT"}
    return data


def test_dismissed_is_suppressed_and_the_verdict_follows(report: dict) -> None:
    assert report["verdict"] == "error"
    ds = Decisions([decide(report, "SCOPE_MISSING", "dismissed", "accepted"),
                    decide(report, "DATE_FORMAT", "confirmed")])
    out = apply(report, ds)
    assert [f["code"] for f in out["suppressed"]] == ["SCOPE_MISSING"]
    assert out["suppressed"][0]["suppressed"]["by"] == "张三"
    assert out["suppressed"][0]["suppressed"]["reason"] == "accepted"
    assert [f["code"] for f in out["findings"]] == ["DATE_FORMAT"]
    assert out["findings"][0]["decision"]["decision"] == "confirmed"
    assert out["verdict"] == "warning"
    assert apply(report, Decisions()) is report  # nothing to apply: the report as it was
    page = render(out, "en")
    assert "Dismissed by a reviewer" in page and "accepted · 张三" in page


def test_a_changed_file_makes_decisions_stale(report: dict) -> None:
    code = report["findings"][0]["code"]
    old = decide(report, code, "dismissed", "false_alarm", sha="0" * 64)
    out = apply(report, Decisions([old]))
    assert out["suppressed"] == [] and out["findings"] == report["findings"]
    assert [d["code"] for d in out["stale_decisions"]] == [code]


def test_the_file_round_trips_sorted(report: dict, tmp_path: Path) -> None:
    ds = Decisions([decide(report, f["code"], "confirmed") for f in report["findings"]])
    text = dump(ds)
    path = tmp_path / "decisions.yaml"
    path.write_text(text, encoding="utf-8")
    again = load(path)
    assert dump(again) == text and len(again) == len(report["findings"])
    fps = [line.split(": ")[1] for line in text.splitlines() if "fingerprint:" in line]
    assert fps == [d.fingerprint for d in again]
    assert fingerprint("x", "A", "", "") != fingerprint("y", "A", "", "")


def test_a_bad_decisions_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("decisions:\n- {path: a, sha256: x, code: A, decision: dismissed, by: z, "
                    "at: t}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load(path)
    assert "entry 1" in exc.value.message("en") and "reason" in exc.value.message("en")
    assert main(["check", str(path), "--decisions", str(path)]) == 2


def test_check_decisions_change_the_exit_code(report: dict, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = make_docx(tmp_path / "a.docx", MARKED)
    assert main(["check", str(path), "--as-of", "2026-11-30"]) == 1
    decisions = tmp_path / "d.yaml"
    decisions.write_text(dump(Decisions([decide(report, "SCOPE_MISSING", "dismissed",
                                                "not_applicable")])), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(path), "--as-of", "2026-11-30", "--decisions",
                 str(decisions)]) == 0
    out = capsys.readouterr().out
    assert "SCOPE_MISSING" not in out and "DATE_FORMAT" in out


def test_catalog_stats_with_decisions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def d(code: str, item: str, decision: str, terms: tuple[str, ...] = (), n: int = 0
          ) -> Decision:
        return Decision(f"f{n}.docx", f"{n:064d}", code, decision, "李四", "2026-11-30T09:00:00",
                        item=item, location=f"body.p{n}",
                        reason="false_alarm" if decision == "dismissed" else "", terms=terms)

    ds = Decisions([
        d("UNMARKED_MATCH", "GEO-02", "confirmed", n=1),
        d("UNMARKED_MATCH", "GEO-02", "confirmed", n=2),
        d("UNMARKED_MATCH", "GEO-02", "dismissed", ("地形图", "比例尺"), n=3),
        d("NO_BASIS", "", "dismissed", n=4),
        d("OVER_CLASSIFIED", "NEG-01,NEG-03", "dismissed", ("谈判底线",), n=5),
        d("MARK_POSITION", "", "confirmed", n=6),
    ])
    path = tmp_path / "decisions.yaml"
    path.write_text(dump(ds), encoding="utf-8")
    assert main(["catalog", "stats", "rules/catalogs/demo.yaml", "--decisions", str(path),
                 "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()

    def row(name: str) -> str:
        return next(line for line in lines if line.split() and line.split()[0] == name)

    assert "confirmed    2  dismissed    1  precision 0.67" in row("GEO-02")
    assert "dismissed terms: 地形图、比例尺" in row("GEO-02")
    assert "confirmed    0  dismissed    1  precision 0.00" in row("NEG-01")
    assert "confirmed    2  dismissed    1  precision 0.67" in row("UNMARKED_MATCH")
    assert "confirmed    0  dismissed    1" in row("NO_BASIS")
    assert "confirmed    1  dismissed    0  precision 1.00" in row("MARK_POSITION")


def alias_bomb(levels: int) -> str:
    """A decisions file whose note is a "billion laughs": each level names the one above nine
    times (9**levels strings once expanded)."""
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("decisions:\n- {path: a.txt, sha256: x, code: A, decision: confirmed, by: z, "
                 f"at: t, note: *a{levels}}}")
    return "\n".join(lines) + "\n"


def test_yaml_aliases_in_a_decisions_file_are_refused(tmp_path: Path) -> None:
    """Aliases are refused before anything expands, with the line named, by ``review
    --import`` (a real process, nothing written into the audit's database) and wherever
    ``--decisions`` is read; an anchor alone, and quoted ``*`` and ``&``, stay fine."""
    import sqlite3  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    archive, out = tmp_path / "archive", tmp_path / "audit"
    archive.mkdir()
    (archive / "a.txt").write_text("秘密★1年\n关于某事的通知\n", encoding="utf-8")
    repo = Path(__file__).resolve().parents[2]

    def dingmi(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True,
                              text=True, cwd=repo, timeout=60, check=False)

    assert dingmi("audit", str(archive), "--out", str(out), "--jobs", "1").returncode in (0, 1)
    bomb = tmp_path / "decisions.yaml"
    bomb.write_text(alias_bomb(7), encoding="utf-8")  # 4.8 million strings once expanded
    for lang, words in (("zh", "不允许使用 YAML 别名"), ("en", "YAML aliases (*name) are not "
                                                            "allowed")):
        done = dingmi("review", str(out), "--import", str(bomb), "--lang", lang, "--export",
                      str(tmp_path / "exported.yaml"))
        assert done.returncode == 2, (done.stdout, done.stderr)
        assert words in done.stderr and f"{bomb}:" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    with sqlite3.connect(out / "audit.sqlite") as db:
        assert db.execute("SELECT count(*) FROM decisions").fetchone() == (0,)
    assert not (tmp_path / "exported.yaml").exists()
    assert main(["check", str(archive / "a.txt"), "--decisions", str(bomb)]) == 2
    # an anchor nobody refers to, and the characters in quoted text, are no aliases
    fine = tmp_path / "fine.yaml"
    fine.write_text("decisions:\n- &one {path: a.txt, sha256: x, code: A, decision: confirmed, "
                    "by: z, at: t, note: '*a &b'}\n", encoding="utf-8")
    (d,) = load(fine)
    assert d.note == "*a &b"
    twice = tmp_path / "twice.yaml"
    twice.write_text("decisions:\n- path: a.txt\n  path: b.txt\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(twice)
    assert caught.value.message("en").endswith(f"{twice}:3: the key path is given twice")
    assert "重复" in caught.value.message("zh")
