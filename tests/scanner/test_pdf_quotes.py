"""Page 1 of a PDF read line by line: quoted words once, in their place.

LibreOffice writes a line's Chinese quotation marks after the rest of the line, and the box of a
closing mark can span the words it closes; reading each text rectangle's *bounded* text then
repeated the quoted words (``严禁设立 “ ”引流点 “ ”`` and the like), which spoiled titles and the
passages the derived-document index compares."""

from __future__ import annotations

import pytest
from builders import DocSpec, make_docx, soffice, to_pdf

from scanner.extract.pdf import extract_pdf

LINES = [
    "秘密★5年",
    "关于开展“清朗”专项行动和“护苗”行动的通知",
    "各区县：严禁在“港澳”方向设立“引流点”，对“黑灰产”团伙依法打击。",
    "请于“十一”前报送“一表一册”。",
]


@pytest.fixture(scope="module")
def page1(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    base = tmp_path_factory.mktemp("quotes")
    (pdf,) = to_pdf([make_docx(base / "quotes.docx", DocSpec(body=list(LINES)))], base / "pdf")
    document = extract_pdf(pdf)
    return [b.text for b in document.blocks if b.region != "props"]


def _squeeze(text: str) -> str:
    return "".join(text.split())


def test_quoted_words_are_read_once_in_place(page1: list[str]) -> None:
    read = [_squeeze(t) for t in page1]
    for line in LINES:
        assert _squeeze(line) in read, (line, page1)


def test_no_quotation_mark_or_word_is_repeated(page1: list[str]) -> None:
    whole = _squeeze("".join(page1))
    assert whole.count("“") == whole.count("”") == sum(line.count("“") for line in LINES)
    for word in ("清朗", "护苗", "港澳", "引流点", "黑灰产", "十一", "一表一册"):
        assert whole.count(word) == 1, (word, page1)
