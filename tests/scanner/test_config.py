"""``dingmi.yaml``: found from the working folder upward or named with ``--config``; the command
line wins over it, it wins over the defaults; bad files are clear errors (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from builders import DocSpec, make_docx

from scanner import config
from scanner.cli import COMMANDS, main
from scanner.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
UNDER = DocSpec(body=["000123", "秘密★5年", "与某集团的谈判底线为每亩30万元。", "知悉范围：谈判组"])


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    return make_docx(tmp_path / "in" / "t.docx", UNDER)


def _report(out: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((out / "t.docx.report.json").read_bytes())
    return data


def test_no_settings_and_no_catalog_means_no_catalogue_said_in_one_line(
        tmp_path: Path, doc: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["scan", str(doc.parent), "--out", str(tmp_path / "o"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.count("no catalogue used") == 1
    assert _report(tmp_path / "o")["catalogs"] == []
    html = (tmp_path / "o" / "t.docx.report.html").read_text(encoding="utf-8")
    assert html.count("No catalogue was used") == 1


def test_settings_found_from_the_working_folder_upward(tmp_path: Path, doc: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dingmi.yaml").write_text("catalogs: [demo]\nlang: en\n", encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert config.find(Path.cwd()) == tmp_path / "dingmi.yaml"
    main(["scan", str(doc.parent), "--out", str(tmp_path / "o")])
    report = _report(tmp_path / "o")
    assert [c["id"] for c in report["catalogs"]] == ["demo"]  # type: ignore[index]
    assert "UNDER_CLASSIFIED" in {f["code"] for f in report["findings"]}  # type: ignore[index]
    assert report["reason"] is None and "Catalogues used" in (
        tmp_path / "o" / "t.docx.report.html").read_text(encoding="utf-8")


def test_the_command_line_wins_over_the_settings(tmp_path: Path, doc: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "dingmi.yaml").write_text("catalogs: [demo]\nlang: en\nfail_on: warning\n",
                                          encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", str(doc)]) == 1  # UNDER_CLASSIFIED is a warning: fail_on from the file
    assert "WARN" in capsys.readouterr().out  # lang from the file
    assert main(["check", str(doc), "--no-catalog", "--lang", "zh", "--fail-on", "error"]) == 0
    assert "通过" in capsys.readouterr().out
    assert main(["check", str(doc), "--catalog", "demo"]) == 1  # --catalog replaces the file's
    capsys.readouterr()


def test_config_named_before_or_after_the_command(tmp_path: Path, doc: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    settings = tmp_path / "s" / "mine.yaml"
    settings.parent.mkdir()
    settings.write_text("lang: en\n", encoding="utf-8")
    for argv in (["--config", str(settings), "check", str(doc)],
                 ["check", str(doc), "--config", str(settings)],
                 ["check", f"--config={settings}", str(doc)]):
        assert main(argv) == 0
        assert "PASS" in capsys.readouterr().out, argv
    assert main(["check", str(doc), "--config", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err


def test_watch_config_after_the_command_is_the_watch_file() -> None:
    named = config._named
    assert named(["watch", "--config", "w.yaml"], COMMANDS) is None
    assert named(["--config", "d.yaml", "watch", "--config", "w.yaml"], COMMANDS) == "d.yaml"
    assert named(["scan", "x", "--config", "d.yaml"], COMMANDS) == "d.yaml"


def test_limits_and_formats_from_the_settings(tmp_path: Path, doc: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "in" / "big.txt"
    big.write_text("秘密★1年\n" + "正文" * 700_000, encoding="utf-8")
    (tmp_path / "dingmi.yaml").write_text("formats: [json]\nlimits:\n  max_file_mb: 1\n",
                                          encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", str(doc.parent), "--out", str(tmp_path / "o"), "-q"]) == 3
    reason = json.loads((tmp_path / "o" / "big.txt.report.json").read_bytes())["reason_en"]
    assert "--max-file-mb" in reason
    assert not list((tmp_path / "o").glob("*.html"))


@pytest.mark.parametrize(("text", "words"), [
    ("colour: red\n", ["dingmi.yaml:1", "colour", "unknown key"]),
    ("lang: fr\n", ["dingmi.yaml:1", "lang", "must be one of zh, en"]),
    ("catalogs: demo\n", ["catalogs", "list of strings"]),
    ("jobs: -1\n", ["jobs", "whole number >= 0"]),
    ("limits:\n  max_xml_depth: 999\n", ["dingmi.yaml:2", "limits.max_xml_depth", "<= 256"]),
    ("authority: mayor\n", ["authority", "central"]),
    ("formats: [pdf]\n", ["formats.0", "json, html"]),
    ("reference: [a]\n", ["dingmi.yaml:1", "reference", "must be a path"]),
    ("a: &x [1, 2]\nb: *x\n", ["aliases"]),
    ("lang: [\n", ["YAML error"]),
])
def test_bad_settings_name_the_line_and_the_key(text: str, words: list[str], doc: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    tmp_path = doc.parent.parent
    path = tmp_path / "dingmi.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config.load(path)
    for word in words:
        assert word in err.value.message_en, (word, err.value.message_en)
    monkeypatch.chdir(tmp_path)
    assert main(["check", str(doc), "--lang", "en"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    for name in ("dingmi.yaml", "watch_dirs.yaml"):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with pytest.raises(ConfigError) as err:
            (config.load if name == "dingmi.yaml" else _watch_load)(path)
        assert "aliases" in err.value.message_en


def _watch_load(path: Path) -> object:
    from scanner.watch.config import load  # noqa: PLC0415

    return load(path)


@pytest.mark.slow
def test_the_audit_keeps_its_own_threshold(tmp_path: Path, doc: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dingmi.yaml").write_text("catalogs: [demo]\nfail_on: info\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", str(doc)]) == 1
    assert main(["audit", str(doc.parent), "--out", str(tmp_path / "a"), "--jobs", "1"]) == 0
    assert main(["audit", str(doc.parent), "--out", str(tmp_path / "b"), "--jobs", "1",
                 "--fail-on", "info"]) == 1


def test_the_examples_settings_name_the_demo_catalogue() -> None:
    examples = Path(__file__).resolve().parents[2] / "examples" / "dingmi.yaml"
    settings = config.load(examples)
    assert [Path(p).name for p in settings.values["config_catalogs"]] == ["demo.yaml"]


def test_the_executor_from_the_settings(tmp_path: Path) -> None:
    good = tmp_path / "good" / "dingmi.yaml"
    good.parent.mkdir()
    good.write_text("executor: dask://scheduler:8786\n", encoding="utf-8")
    assert config.load(good).values["executor"] == "dask://scheduler:8786"
    bad = tmp_path / "bad" / "dingmi.yaml"
    bad.parent.mkdir()
    bad.write_text("executor: ftp://scheduler\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        config.load(bad)
    assert "dask://HOST:PORT" in exc.value.message("en") and ":1:" in exc.value.message("en")
    with pytest.raises(SystemExit) as usage:
        main(["audit", str(tmp_path), "--out", str(tmp_path / "o"), "--executor", "nowhere"])
    assert usage.value.code == 2


def test_the_reference_from_the_settings(tmp_path: Path) -> None:
    """``reference:`` is ``--against`` of check, scan, watch and serve, taken from the file's
    folder; null is none."""
    path = tmp_path / "dingmi.yaml"
    path.write_text("reference: 审核2026\n", encoding="utf-8")
    settings = config.load(path)
    assert settings.values["against"] == tmp_path / "审核2026"
    from scanner.cli.parser import build_parser  # noqa: PLC0415

    for command in (["check", "x.docx"], ["scan", "x"], ["watch"], ["serve"]):
        assert build_parser(settings).parse_args(command).against == tmp_path / "审核2026"
    assert build_parser(settings).parse_args(["check", "x.docx", "--against", "b"]).against \
        == Path("b")
    path.write_text("reference: null\n", encoding="utf-8")
    assert "against" not in config.load(path).values


def _dingmi(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_a_bad_reference_names_the_file_the_line_and_the_key(tmp_path: Path, doc: Path) -> None:
    """``reference:`` is checked when a command uses it (an audit may create the folder later):
    a folder that is not an audit, or is missing, stops check, scan, serve and watch (exit 2)
    with an error naming dingmi.yaml, the line and the key, in the command's language; the same
    folder given with --against names no file. Real processes."""
    (tmp_path / "not_an_audit").mkdir()
    path = tmp_path / "dingmi.yaml"
    path.write_text("lang: zh\nreference: not_an_audit\n", encoding="utf-8")
    (tmp_path / "pre").mkdir()
    (tmp_path / "watch_dirs.yaml").write_text(
        "state_db: state/s.db\nfolders:\n  - path: pre\n    reports: out\n", encoding="utf-8")
    where = f"{path}:2: reference: "
    for command in (["check", str(doc)], ["scan", str(doc.parent), "--out", "o"],
                    ["serve", "--port", "0"], ["watch", "--config", "watch_dirs.yaml"]):
        done = _dingmi(*command, cwd=tmp_path)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert done.stderr.startswith(f"dingmi: {where}“"), (command, done.stderr)
        assert "不是审核输出目录或尚未建立派生索引" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    done = _dingmi("check", str(doc), "--lang", "en", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith(f"dingmi: {where}'"), done.stderr
    assert "is not an audit output folder" in done.stderr
    done = _dingmi("check", str(doc), "--against", "not_an_audit", cwd=tmp_path)
    assert done.returncode == 2 and "dingmi.yaml" not in done.stderr, done.stderr
    path.write_text("# the audit's folder\nreference: 审核\n", encoding="utf-8")
    done = _dingmi("check", str(doc), cwd=tmp_path)
    assert done.returncode == 2 and f"{path}:2: reference: “" in done.stderr, done.stderr
    assert "不存在" in done.stderr
    # the audit that makes the folder runs under the same settings, and then check takes it
    done = _dingmi("audit", str(doc.parent), "--out", "审核", "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _dingmi("check", str(doc), cwd=tmp_path).returncode in (0, 1)
