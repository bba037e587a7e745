"""Marks written in traditional characters (機密★5年, 絕密★長期, 密級：機密, 知悉範圍, 份號) are
read as their simplified forms, the document's own text kept in the evidence; prose about secrecy
in traditional characters gives no mark, as in simplified."""

from __future__ import annotations

import pytest

from markers import Block, find_marks
from markers.normalize import compact


def blocks(*lines: str) -> list[Block]:
    return [Block(t, f"body.p{i}", "top" if i < 3 else "body", i)  # type: ignore[arg-type]
            for i, t in enumerate(lines)]


@pytest.mark.parametrize(("lines", "level", "term"), [
    (("000123", "機密★5年", "關於某事項的通知"), "机密", "5年"),
    (("絕密★長期", "某某"), "绝密", "长期"),
    (("秘密★啟用前", "某某"), "秘密", "启用前"),
    (("密級：機密", "保密期限：10年", "某某"), "机密", "10年"),
])
def test_traditional_marks_are_read(lines: tuple[str, ...], level: str, term: str) -> None:
    marks = find_marks(blocks(*lines))
    assert marks.effective is not None, lines
    assert (marks.effective.level, marks.effective.term.raw) == (level, term)
    assert marks.effective.raw in lines  # the document's own characters in the evidence


def test_fields_in_traditional_characters() -> None:
    marks = find_marks(blocks("份號：000123", "機密★5年", "關於某事項的通知", "知悉範圍：本局領導"))
    assert marks.copy_number is not None and marks.copy_number.value == "000123"
    assert marks.scope is not None and marks.scope.value == "本局領導"


def test_traditional_prose_about_secrecy_gives_no_mark() -> None:
    prose = blocks("保密法規學習", "國家秘密的密級分為絕密、機密、秘密三級。",
                   "機密級國家秘密是重要的國家秘密，洩露會使國家安全和利益遭受嚴重的損害。")
    assert find_marks(prose).effective is None


def test_folding_keeps_offsets() -> None:
    c = compact("機 密★5年")
    assert c.text == "机密★5年" and c.raw_span(0, 2) == (0, 3)
