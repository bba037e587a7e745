"""Every reason a catalogue hit is held back reaches the reports in words: the HTML report of a
document whose hits are held because of the kind of text it is (a statute, a publication…)
renders, in both languages, and names the kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.layout import genre, layout
from scanner.cli import main
from scanner.names import GENRES, held_text

DOCS = {
    "statute": "某省水库大坝安全管理条例\n第一条 为了加强水库大坝安全管理，制定本条例。\n"
               "第二条 总库容1亿立方米以上水库的大坝渗流监测数据由管理单位整编。\n"
               "第三条 本条例自公布之日起施行。\n",
    "announcement": "关于东湖蓄滞洪区运用方案向社会公开的通知\n各有关单位：\n"
                    "东湖蓄滞洪区运用方案（公开版）包括蓄滞洪区范围和分洪口门位置。\n",
}
CATALOG = Path(__file__).resolve().parents[2] / "rules" / "catalogs" / "water.yaml"


@pytest.mark.parametrize("kind", sorted(DOCS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_report_held_by_the_kind_of_text_renders(tmp_path: Path, kind: str,
                                                   lang: str) -> None:
    text = DOCS[kind]
    assert genre(text.replace("\n\n", "\n"), layout(text))[0] == kind  # type: ignore[index]
    doc = tmp_path / f"{kind}.txt"
    doc.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["check", str(doc), "--catalog", str(CATALOG), "--out", str(out),
                 "--lang", lang]) == 0
    page = next(out.rglob("*.report.html")).read_text(encoding="utf-8")
    assert GENRES[kind].text(lang) in page


def test_every_kind_of_text_has_a_name() -> None:
    kinds = {"statute", "standard", "tender", "advert", "publicity", "announcement", "news",
             "textbook"}
    assert kinds <= set(GENRES)
    for kind in kinds:
        assert GENRES[kind].text("zh") in held_text("genre", f"{kind}:x", "zh")
    assert held_text("passage", None, "en").startswith("not counted")
