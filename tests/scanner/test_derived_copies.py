"""Two copies of one document (the same text in another format or with another mark) are not a
source and its derived document; a document of its own that reproduces a passage is."""

from __future__ import annotations

import json
from pathlib import Path

from scanner.cli import main

BODY = ["一、龙潭水库大坝安全监测数据显示，左岸坝基扬压力持续偏高，渗流量较上年同期增加三成五。",
        "二、面板周边缝测点开合度超过设计预警值，左岸周边缝止水可能存在局部破损，须水下检查。",
        "三、汛期库水位按正常蓄水位以下两米控制，管理局每日报送监测数据并安排专人值守。"]


def _doc(path: Path, mark: str | None, title: str, body: list[str],
         date: str = "2026年5月12日") -> None:
    lines = [*(["000123", mark] if mark else []), title, "各有关单位：", *body,
             *(["知悉范围：管理局领导"] if mark else []), "示例省水利厅", date]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_copies_are_not_derived_but_a_reproduction_is(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    title = "关于龙潭水库大坝安全监测情况的通报"
    _doc(archive / "a.txt", "机密★10年", title, BODY)
    # the same document, later and marked otherwise: a copy, not a derived document
    _doc(archive / "b.txt", "秘密★1年", title, BODY, "2026年6月1日")
    _doc(archive / "c.txt", None, "关于做好汛期值守工作的通知",
         ["各单位要落实汛期值守制度，值班人员按时上岗。", BODY[0], BODY[1],
          "请各单位于月底前报送值守安排。"])
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1"])

    def codes(name: str) -> set[str]:
        report = json.loads((out / "reports" / f"{name}.report.json").read_text("utf-8"))
        return {f["code"] for f in report["findings"] if f.get("stage") == "derived"}

    assert "DERIVED_BELOW_SOURCE" not in codes("b.txt")  # a copy, not a derived document
    b = json.loads((out / "reports" / "b.txt.report.json").read_text("utf-8"))
    assert not b.get("links")  # nor listed as one (派生关系 lists derivations only)
    assert "DERIVED_BELOW_SOURCE" in codes("c.txt")  # reproduces a passage, unmarked
