"""Documents written in the usual layouts, checked as a new user would (dingmi check): marks
typed as field lines, a mark followed by other fields, a text that declares itself classified
in prose, old dates in Chinese numerals, and the unit's authority without a catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import DocSpec, make_docx

from scanner.cli import main

TAIL = ["关于做好年度测绘成果管理工作的通知", "各科室：", "现将有关事项通知如下，请认真落实。"]


def _check(tmp_path: Path, lines: list[str], *extra: str) -> tuple[int, dict[str, object]]:
    path = make_docx(tmp_path / "doc.docx", DocSpec(body=lines))
    out = tmp_path / "out"
    code = main(["check", str(path), "--out", str(out), "--format", "json", *extra])
    report = json.loads(next(out.rglob("*.report.json")).read_text(encoding="utf-8"))
    return code, report


@pytest.mark.parametrize("line", ["密级：机密  保密期限：5年", "密级：机密\t保密期限：5年",
                                  "密级：机密\u3000保密期限：5年", "密级：机密、保密期限：5年"])
def test_several_fields_on_one_line_are_a_mark(tmp_path: Path, line: str) -> None:
    code, report = _check(tmp_path, ["000123", line, *TAIL, "知悉范围：局领导班子",
                                      "某局", "2026年3月2日"])
    marking = report["marking"]
    assert isinstance(marking, dict) and marking["level"] == "机密"
    assert marking["term_raw"] == "5年"
    assert code == 0 and not report["findings"], report["findings"]


def test_a_mark_followed_by_its_scope_is_read_without_false_errors(tmp_path: Path) -> None:
    code, report = _check(tmp_path, ["000123", "机密★5年    知悉范围：市政府领导", *TAIL,
                                     "某局", "2026年3月2日"])
    assert code == 0 and not report["findings"], report["findings"]
    assert report["marking"]["raw"] == "机密★5年"  # type: ignore[index]


def test_a_text_that_declares_itself_classified_and_carries_no_mark(tmp_path: Path) -> None:
    code, report = _check(tmp_path, [*TAIL, "本通知属机密级，保密期限10年，请严格控制知悉范围。",
                                     "某局", "2026年3月2日"])
    assert code == 1
    assert [f["code"] for f in report["findings"]] == ["LEVEL_STATED_UNMARKED"]  # type: ignore[index]


def test_an_old_date_in_chinese_numerals_is_as_the_standard_then_required(tmp_path: Path) -> None:
    _, report = _check(tmp_path, ["000123", "秘密★1年", *TAIL, "知悉范围：局领导",
                                  "某局", "二〇〇五年六月十一日"])
    assert "DATE_FORMAT" not in {f["code"] for f in report["findings"]}  # type: ignore[attr-defined]


def test_the_authority_is_checked_without_a_catalogue(tmp_path: Path) -> None:
    code, report = _check(tmp_path, ["000123", "机密★5年", *TAIL, "知悉范围：局领导",
                                     "某局", "2026年3月2日"], "--authority", "county")
    assert code == 1
    assert "AUTHORITY_EXCEEDED" in {f["code"] for f in report["findings"]}  # type: ignore[attr-defined]
